/* test_wire.c - see test_wire.h. */
#include "test_wire.h"

#include <stdlib.h>
#include <string.h>

#include "vda_le.h"
#include "vda_limits.h"

void caps_of(vda_caps *c, const unsigned *bits, size_t n)
{
  vda_caps_init(c);
  for (size_t i = 0; i < n; i++)
    vda_caps_set(c, bits[i]);
}

void tbuf_put(tbuf *b, const void *data, size_t len)
{
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + len)
      cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p)
      abort();
    b->cap = cap;
  }
  if (len)
    memcpy(b->p + b->len, data, len);
  b->len += len;
}

void tbuf_put_le32(tbuf *b, uint32_t v)
{
  uint8_t x[4];
  vda_put_le32(x, v);
  tbuf_put(b, x, 4);
}

void tbuf_free(tbuf *b)
{
  free(b->p);
  memset(b, 0, sizeof(*b));
}

void wire_chunk_header(tbuf *b, uint32_t port, uint32_t size)
{
  tbuf_put_le32(b, port);
  tbuf_put_le32(b, size);
}

void wire_msg(tbuf *b, uint32_t port, uint32_t type, const void *body, size_t len, size_t chunk_max)
{
  tbuf payload = {0};
  size_t off = 0;
  tbuf_put_le32(&payload, 1);
  tbuf_put_le32(&payload, type);
  tbuf_put_le32(&payload, 0);
  tbuf_put_le32(&payload, 0);
  tbuf_put_le32(&payload, (uint32_t)len);
  tbuf_put(&payload, body, len);
  while (off < payload.len) {
    size_t n = payload.len - off;
    if (n > chunk_max)
      n = chunk_max;
    wire_chunk_header(b, port, (uint32_t)n);
    tbuf_put(b, payload.p + off, n);
    off += n;
  }
  tbuf_free(&payload);
}

void wire_announce(tbuf *b, const vda_caps *caps)
{
  tbuf body = {0};
  tbuf_put_le32(&body, 0); /* request: no answer wanted */
  for (size_t i = 0; i < VD_AGENT_CAPS_SIZE; i++)
    tbuf_put_le32(&body, caps->words[i]);
  wire_msg(b, 1, VD_AGENT_ANNOUNCE_CAPABILITIES, body.p, body.len, 2048);
  tbuf_free(&body);
}

bool frame_body(const vda_body *body, vda_emit_fn emit, void *ctx, const char **why)
{
  vda_framer f;
  memset(&f, 0, sizeof(f));
  if (!vda_framer_begin(&f, body->type, (uint32_t)body->len, emit, ctx, why))
    return false;
  return body->len == 0 || vda_framer_write(&f, body->data, body->len, why);
}

bool frame_clipboard_begin(vda_framer *f, const vda_negotiated *n, uint8_t selection, uint32_t type,
                           uint32_t data_size, vda_emit_fn emit, void *ctx, const char **why)
{
  vda_body head;
  if (!vda_body_clipboard(&head, n, selection, type, NULL, 0, why))
    return false;
  if (data_size > UINT32_MAX - head.len) {
    *why = "clipboard data does not fit a message size field";
    return false;
  }
  if (!vda_framer_begin(f, VD_AGENT_CLIPBOARD, (uint32_t)(head.len + data_size), emit, ctx, why))
    return false;
  return vda_framer_write(f, head.data, head.len, why);
}

static ev *add(recorder *r, enum ev_kind kind, unsigned port)
{
  ev *e;
  if (r->n == REC_MAX_EVENTS) {
    r->dropped++;
    return NULL;
  }
  e = &r->events[r->n++];
  memset(e, 0, sizeof(*e));
  e->kind = kind;
  e->port = port;
  return e;
}

static void on_message(void *ctx, unsigned port, uint32_t type, const uint8_t *body, size_t size)
{
  recorder *r = ctx;
  ev *e = add(r, EV_MSG, port);
  if (e) {
    e->type = type;
    e->size = size;
  }
  tbuf_put(&r->data, body, size);
  if (type == 13 /* CLIENT_DISCONNECTED */ && r->reset_client_on_disconnect)
    vda_reader_reset_client(r->reader);
}

static void on_rejected(void *ctx, unsigned port, uint32_t type, uint32_t size, const char *why)
{
  recorder *r = ctx;
  ev *e = add(r, EV_REJECT, port);
  if (e) {
    e->type = type;
    e->size = size;
    e->why = why;
  }
}

static void on_begin(void *ctx, const vda_stream_info *info)
{
  recorder *r = ctx;
  ev *e = add(r, EV_BEGIN, info->port);
  if (e) {
    e->type = info->type;
    e->size = info->data_size;
    e->info = *info;
  }
}

static void on_data(void *ctx, unsigned port, const uint8_t *data, size_t len)
{
  recorder *r = ctx;
  ev *e = add(r, EV_DATA, port);
  if (e)
    e->size = len;
  tbuf_put(&r->data, data, len);
  r->stream_bytes += len;
  if (r->full_reset_on_data)
    vda_reader_reset(r->reader);
}

static void on_end(void *ctx, unsigned port)
{
  recorder *r = ctx;
  add(r, EV_END, port);
}

static void on_abort(void *ctx, unsigned port, const char *why)
{
  recorder *r = ctx;
  ev *e = add(r, EV_ABORT, port);
  if (e)
    e->why = why;
}

const vda_reader_ops recorder_ops = {
    on_message, on_rejected, on_begin, on_data, on_end, on_abort,
};

void recorder_clear(recorder *r)
{
  r->n = 0;
  r->dropped = 0;
  r->data.len = 0;
  r->stream_bytes = 0;
}

size_t recorder_count(const recorder *r, enum ev_kind kind)
{
  size_t c = 0;
  for (size_t i = 0; i < r->n; i++)
    c += r->events[i].kind == kind;
  return c;
}

vda_reader_status push_sliced(vda_reader *rd, const uint8_t *p, size_t len, size_t step,
                              const char **why)
{
  vda_reader_status st = VDA_READER_OK;
  size_t off = 0;
  if (step == 0)
    step = len ? len : 1;
  while (off < len && st == VDA_READER_OK) {
    size_t n = len - off < step ? len - off : step;
    st = vda_reader_push(rd, p + off, n, why);
    off += n;
  }
  return st;
}
