#include "outbox.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vda_le.h"

#define OUTBOX_LEN 16
/* Bodies up to this size go as one MESSAGE frame. */
#define SMALL_MAX (VDA_IPC_MAX_PAYLOAD - 4)
/* Size of each DATA piece of a large message, and how much of it may wait
 * on the pipe before the pump stops and lets the service drain it: one
 * whole gathered write waiting behind the one in flight. */
#define PIECE (64u * 1024u)
#define PIPE_HIGH (2u * VDA_IPC_TO_SERVICE_IO)

typedef struct item {
  uint32_t vd_type;
  uint8_t *body;
  size_t len;
} item;

struct vda_outbox {
  CRITICAL_SECTION lock;
  HANDLE event;
  item q[OUTBOX_LEN];
  unsigned head, count;
  /* main thread: the large message being streamed */
  bool streaming;
  bool blocked; /* waiting for the pipe to drain */
  size_t sent;
};

vda_outbox *vda_outbox_new(void)
{
  vda_outbox *o = calloc(1, sizeof(*o));
  if (!o)
    return NULL;
  InitializeCriticalSection(&o->lock);
  o->event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!o->event) {
    DeleteCriticalSection(&o->lock);
    free(o);
    return NULL;
  }
  return o;
}

void vda_outbox_free(vda_outbox *o)
{
  if (!o)
    return;
  for (unsigned i = 0; i < o->count; i++)
    free(o->q[(o->head + i) % OUTBOX_LEN].body);
  CloseHandle(o->event);
  DeleteCriticalSection(&o->lock);
  free(o);
}

bool vda_outbox_post(vda_outbox *o, uint32_t vd_type, uint8_t *body, size_t len)
{
  bool ok = false;
  EnterCriticalSection(&o->lock);
  if (o->count < OUTBOX_LEN && len <= UINT32_MAX) {
    o->q[(o->head + o->count) % OUTBOX_LEN] = (item){vd_type, body, len};
    o->count++;
    ok = true;
    SetEvent(o->event);
  }
  LeaveCriticalSection(&o->lock);
  if (!ok) {
    /* A host repeating requests (CLIPBOARD_REQUEST x 1000) fills it with
     * answers: one line per 10 s, not one per answer. */
    LOG_WARN_LIMITED("outbox full", "outgoing message type %u (%zu bytes) dropped: queue full",
                     (unsigned)vd_type, len);
    free(body);
  }
  return ok;
}

HANDLE vda_outbox_event(const vda_outbox *o)
{
  return o->event;
}

/* Removes the head item (its body is the caller's). */
static void pop(vda_outbox *o)
{
  EnterCriticalSection(&o->lock);
  o->head = (o->head + 1) % OUTBOX_LEN;
  o->count--;
  if (o->count == 0)
    ResetEvent(o->event);
  LeaveCriticalSection(&o->lock);
}

static bool peek(vda_outbox *o, item *out)
{
  bool got;
  EnterCriticalSection(&o->lock);
  got = o->count > 0;
  if (got)
    *out = o->q[o->head];
  LeaveCriticalSection(&o->lock);
  return got;
}

bool vda_outbox_blocked(const vda_outbox *o)
{
  return o->blocked;
}

bool vda_outbox_pump(vda_outbox *o, vda_ipc_link *link)
{
  item it;

  o->blocked = false;
  while (peek(o, &it)) {
    if (!o->streaming && it.len <= SMALL_MAX) {
      if (!vda_ipc_link_send_message(link, it.vd_type, it.body, it.len))
        return false;
      free(it.body);
      pop(o);
      continue;
    }
    if (!o->streaming) {
      uint8_t begin[8];
      vda_put_le32(begin, it.vd_type);
      vda_put_le32(begin + 4, (uint32_t)it.len);
      if (!vda_ipc_link_send(link, VDA_IPC_OUT_BEGIN, begin, sizeof(begin)))
        return false;
      o->streaming = true;
      o->sent = 0;
    }
    while (o->sent < it.len) {
      size_t n = it.len - o->sent < PIECE ? it.len - o->sent : PIECE;
      /* Back-pressure: the rest goes when the pipe has drained. */
      if (vda_ipc_link_queued(link) > PIPE_HIGH) {
        o->blocked = true;
        return true;
      }
      if (!vda_ipc_link_send(link, VDA_IPC_DATA, it.body + o->sent, n))
        return false;
      o->sent += n;
    }
    if (!vda_ipc_link_send(link, VDA_IPC_END, NULL, 0))
      return false;
    o->streaming = false;
    free(it.body);
    pop(o);
  }
  return true;
}
