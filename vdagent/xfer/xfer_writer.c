#include "xfer_writer.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vda_xfer_table.h"
#include "winerror_text.h"

typedef enum { OP_CREATE, OP_WRITE, OP_COMMIT, OP_DISCARD, OP_STOP } op_kind;

typedef struct op {
  struct op *next;
  op_kind kind;
  uint32_t id;
  uint64_t size;
  size_t len;
  char name[1024];
  uint8_t data[]; /* OP_WRITE: len bytes */
} op;

typedef struct slot {
  bool used;
  uint32_t id;
  vda_xfer_file file;
} slot;

/* Results outstanding at once: at most two per transfer (created, then
 * committed or failed), and transfers are capped by the table. */
#define RESULTS_MAX (4 * VDA_XFER_MAX_ACTIVE)
#define SLOTS_MAX (VDA_XFER_MAX_ACTIVE + 8)

struct vda_xfer_writer {
  HANDLE thread;
  HANDLE event; /* auto-reset: results or drained */
  CRITICAL_SECTION lock;
  CONDITION_VARIABLE work;
  op *head, *tail;
  size_t backlog;
  bool above_high;
  vda_xfer_result results[RESULTS_MAX];
  unsigned rhead, rcount;
  /* writer thread only */
  HANDLE token;
  wchar_t configured[VDA_XFER_PATH_MAX];
  uint64_t reserve;
  bool dest_ready;
  vda_xfer_dest dest;
  slot slots[SLOTS_MAX];
};

static void push_result(vda_xfer_writer *w, const vda_xfer_result *r)
{
  EnterCriticalSection(&w->lock);
  if (w->rcount < RESULTS_MAX) {
    w->results[(w->rhead + w->rcount) % RESULTS_MAX] = *r;
    w->rcount++;
  } else {
    LOG_ERROR("file transfer %u: result queue full, result dropped", (unsigned)r->id);
  }
  LeaveCriticalSection(&w->lock);
  SetEvent(w->event);
}

static void result(vda_xfer_writer *w, uint32_t id, vda_xfer_result_kind kind, DWORD err)
{
  vda_xfer_result r = {.id = id, .kind = kind, .err = err};
  push_result(w, &r);
}

static slot *find(vda_xfer_writer *w, uint32_t id)
{
  for (unsigned i = 0; i < SLOTS_MAX; i++)
    if (w->slots[i].used && w->slots[i].id == id)
      return &w->slots[i];
  return NULL;
}

static void drop_slot(vda_xfer_writer *w, slot *s)
{
  vda_xfer_file_discard(&w->dest, &s->file);
  s->used = false;
}

static DWORD ensure_dest(vda_xfer_writer *w)
{
  DWORD err;
  if (w->dest_ready)
    return ERROR_SUCCESS;
  err = vda_xfer_dest_open(&w->dest, w->token, w->configured);
  if (err != ERROR_SUCCESS) {
    LOG_ERROR("no destination folder for file transfers: %s", vda_win_strerror(err));
    return err;
  }
  w->dest_ready = true;
  {
    char shown[3 * VDA_XFER_PATH_MAX];
    LOG_INFO("file transfers go to %s", vda_log_utf8(w->dest.dir, shown, sizeof(shown)));
  }
  return ERROR_SUCCESS;
}

static void do_create(vda_xfer_writer *w, const op *o)
{
  slot *s = NULL;
  uint64_t free_bytes = 0;
  DWORD err = ensure_dest(w);

  if (err == ERROR_SUCCESS)
    err = vda_xfer_dest_free_bytes(&w->dest, &free_bytes);
  if (err != ERROR_SUCCESS) {
    result(w, o->id, VDA_XFER_FAILED, err);
    return;
  }
  if (!vda_xfer_fits(o->size, free_bytes, w->reserve)) {
    vda_xfer_result r = {.id = o->id, .kind = VDA_XFER_NO_SPACE, .free_bytes = free_bytes};
    push_result(w, &r);
    return;
  }
  for (unsigned i = 0; i < SLOTS_MAX && !s; i++)
    if (!w->slots[i].used)
      s = &w->slots[i];
  if (!s || find(w, o->id)) {
    result(w, o->id, VDA_XFER_FAILED, ERROR_TOO_MANY_OPEN_FILES);
    return;
  }
  err = vda_xfer_file_create(&w->dest, o->id, o->size, &s->file);
  if (err != ERROR_SUCCESS) {
    result(w, o->id, VDA_XFER_FAILED, err);
    return;
  }
  s->used = true;
  s->id = o->id;
  result(w, o->id, VDA_XFER_CREATED, ERROR_SUCCESS);
}

static void do_write(vda_xfer_writer *w, const op *o)
{
  slot *s = find(w, o->id);
  DWORD err;
  if (!s)
    return; /* already failed or discarded: the rest of its data is moot */
  err = vda_xfer_file_write(&s->file, o->data, o->len);
  if (err != ERROR_SUCCESS) {
    drop_slot(w, s);
    result(w, o->id, VDA_XFER_FAILED, err);
  }
}

static void do_commit(vda_xfer_writer *w, const op *o)
{
  vda_xfer_result r = {.id = o->id, .kind = VDA_XFER_COMMITTED};
  slot *s = find(w, o->id);
  if (!s)
    return;
  r.err = vda_xfer_file_commit(&w->dest, &s->file, o->name, r.path, VDA_XFER_PATH_MAX);
  s->used = false;
  if (r.err != ERROR_SUCCESS)
    r.kind = VDA_XFER_FAILED;
  push_result(w, &r);
}

static op *pop(vda_xfer_writer *w)
{
  op *o;
  EnterCriticalSection(&w->lock);
  while (!w->head)
    SleepConditionVariableCS(&w->work, &w->lock, INFINITE);
  o = w->head;
  w->head = o->next;
  if (!w->head)
    w->tail = NULL;
  LeaveCriticalSection(&w->lock);
  return o;
}

/* Data is accounted until it is on disk, so back-pressure reflects the
 * disk's pace, not the queue's. */
static void written(vda_xfer_writer *w, size_t len)
{
  bool drained;
  EnterCriticalSection(&w->lock);
  w->backlog -= len;
  drained = w->above_high && w->backlog < VDA_XFER_WRITER_LOW;
  if (drained)
    w->above_high = false;
  LeaveCriticalSection(&w->lock);
  if (drained)
    SetEvent(w->event);
}

static DWORD WINAPI writer_thread(void *arg)
{
  vda_xfer_writer *w = arg;
  for (;;) {
    op *o = pop(w);
    op_kind kind = o->kind;
    switch (kind) {
    case OP_CREATE:
      do_create(w, o);
      break;
    case OP_WRITE:
      do_write(w, o);
      written(w, o->len);
      break;
    case OP_COMMIT:
      do_commit(w, o);
      break;
    case OP_DISCARD: {
      slot *s = find(w, o->id);
      if (s)
        drop_slot(w, s);
      break;
    }
    case OP_STOP:
      break;
    }
    free(o);
    if (kind == OP_STOP)
      break;
  }
  for (unsigned i = 0; i < SLOTS_MAX; i++)
    if (w->slots[i].used)
      drop_slot(w, &w->slots[i]);
  return 0;
}

static bool post(vda_xfer_writer *w, op_kind kind, uint32_t id, uint64_t size, const char *name,
                 const void *data, size_t len)
{
  op *o;
  bool ok = true;
  if (len > VDA_XFER_WRITER_LIMIT)
    return false;
  o = calloc(1, sizeof(*o) + len);
  if (!o)
    return false;
  o->kind = kind;
  o->id = id;
  o->size = size;
  o->len = len;
  if (name)
    strncpy(o->name, name, sizeof(o->name) - 1);
  if (len)
    memcpy(o->data, data, len);
  EnterCriticalSection(&w->lock);
  if (w->backlog + len > VDA_XFER_WRITER_LIMIT) {
    ok = false;
  } else {
    w->backlog += len;
    if (w->backlog > VDA_XFER_WRITER_HIGH)
      w->above_high = true;
    if (w->tail)
      w->tail->next = o;
    else
      w->head = o;
    w->tail = o;
  }
  LeaveCriticalSection(&w->lock);
  if (!ok) {
    free(o);
    return false;
  }
  WakeConditionVariable(&w->work);
  return true;
}

vda_xfer_writer *vda_xfer_writer_start(HANDLE token, const wchar_t *configured_dir,
                                       uint64_t reserve)
{
  vda_xfer_writer *w = calloc(1, sizeof(*w));
  if (!w)
    return NULL;
  InitializeCriticalSection(&w->lock);
  InitializeConditionVariable(&w->work);
  w->reserve = reserve;
  if (configured_dir)
    wcsncpy(w->configured, configured_dir, VDA_XFER_PATH_MAX - 1);
  w->event = CreateEventW(NULL, FALSE, FALSE, NULL);
  if (token && !DuplicateHandle(GetCurrentProcess(), token, GetCurrentProcess(), &w->token, 0,
                                FALSE, DUPLICATE_SAME_ACCESS)) {
    LOG_ERROR("cannot keep the user's token: %s", vda_win_strerror(GetLastError()));
    w->token = NULL;
    goto fail;
  }
  if (!w->event)
    goto fail;
  w->thread = CreateThread(NULL, 0, writer_thread, w, 0, NULL);
  if (!w->thread) {
    LOG_ERROR("cannot start the file-transfer writer: %s", vda_win_strerror(GetLastError()));
    goto fail;
  }
  /* Bulk work: the display, the mouse and the clipboard go first. */
  if (!SetThreadPriority(w->thread, THREAD_PRIORITY_BELOW_NORMAL))
    LOG_DEBUG("SetThreadPriority: %s", vda_win_strerror(GetLastError()));
  return w;
fail:
  if (w->token)
    CloseHandle(w->token);
  if (w->event)
    CloseHandle(w->event);
  DeleteCriticalSection(&w->lock);
  free(w);
  return NULL;
}

void vda_xfer_writer_stop(vda_xfer_writer *w)
{
  op *o;
  if (!w)
    return;
  /* Pending data is dropped: whatever is not yet written is discarded with
   * its file anyway. */
  EnterCriticalSection(&w->lock);
  while ((o = w->head)) {
    w->head = o->next;
    free(o);
  }
  w->tail = NULL;
  w->backlog = 0;
  LeaveCriticalSection(&w->lock);
  if (post(w, OP_STOP, 0, 0, NULL, NULL, 0))
    WaitForSingleObject(w->thread, INFINITE);
  else
    TerminateThread(w->thread, 1); /* out of memory at exit: files still
                                      go with the process (disposition) */
  CloseHandle(w->thread);
  if (w->dest_ready)
    vda_xfer_dest_close(&w->dest);
  if (w->token)
    CloseHandle(w->token);
  CloseHandle(w->event);
  DeleteCriticalSection(&w->lock);
  free(w);
}

bool vda_xfer_writer_create(vda_xfer_writer *w, uint32_t id, uint64_t size)
{
  return post(w, OP_CREATE, id, size, NULL, NULL, 0);
}

bool vda_xfer_writer_write(vda_xfer_writer *w, uint32_t id, const void *data, size_t len)
{
  return post(w, OP_WRITE, id, 0, NULL, data, len);
}

bool vda_xfer_writer_commit(vda_xfer_writer *w, uint32_t id, const char *clean_name)
{
  return post(w, OP_COMMIT, id, 0, clean_name, NULL, 0);
}

bool vda_xfer_writer_discard(vda_xfer_writer *w, uint32_t id)
{
  return post(w, OP_DISCARD, id, 0, NULL, NULL, 0);
}

size_t vda_xfer_writer_backlog(vda_xfer_writer *w)
{
  size_t n;
  EnterCriticalSection(&w->lock);
  n = w->backlog;
  LeaveCriticalSection(&w->lock);
  return n;
}

HANDLE vda_xfer_writer_event(const vda_xfer_writer *w)
{
  return w->event;
}

bool vda_xfer_writer_take(vda_xfer_writer *w, vda_xfer_result *out)
{
  bool got = false;
  EnterCriticalSection(&w->lock);
  if (w->rcount > 0) {
    *out = w->results[w->rhead];
    w->rhead = (w->rhead + 1) % RESULTS_MAX;
    w->rcount--;
    got = true;
  }
  LeaveCriticalSection(&w->lock);
  return got;
}
