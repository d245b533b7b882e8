/*
 * vda_reader.c - chunk framing and per-port message reassembly
 * (see vda_reader.h for the contract).
 *
 * Two layers: the chunk layer (this file's push loop) strips VDIChunkHeaders
 * and hands payload bytes to the port layer (feed_port), which keeps one
 * small state machine per port: header -> body | prefix -> stream | skip.
 * Callbacks may reset the reader; every place that calls one compares an
 * epoch counter afterwards and stops touching state that was reset.
 */
#include "vda_reader.h"

#include <stdlib.h>
#include <string.h>

#include "vda_le.h"
#include "vda_validate.h"

enum port_state {
  P_HEADER, /* collecting the 20-byte VDAgentMessage header */
  P_BODY,   /* buffering a body for on_message */
  P_PREFIX, /* collecting the fixed prefix of a streamed message */
  P_STREAM, /* passing data of a streamed message through */
  P_SKIP,   /* discarding a rejected message */
};

/* Grow buffers in steps of this many bytes at least, to avoid tiny
 * reallocations for the usual small messages. */
#define MIN_BUF 256u

struct port {
  enum port_state state;
  uint8_t hdr[VDA_MSG_HEADER_SIZE];
  uint32_t hdr_len;
  uint32_t type;
  uint32_t size; /* body size from the header */
  uint32_t got;  /* body bytes consumed so far */
  uint8_t prefix[16];
  uint32_t prefix_need;
  uint8_t *buf; /* body buffer, bounded by the largest buffered type */
  size_t cap;
  unsigned epoch; /* bumped on every reset of this port */
};

struct vda_reader {
  vda_reader_ops ops;
  void *ctx;
  vda_limits cfg; /* configured limits */
  vda_limits eff; /* cfg with max_clipboard lowered by peer_max */
  int32_t peer_max;
  vda_negotiated neg;
  uint8_t chdr[VDA_CHUNK_HEADER_SIZE];
  uint32_t chdr_len;
  uint32_t chunk_left; /* payload bytes left in the current chunk */
  unsigned chunk_port; /* index 0/1 of the current chunk's port */
  bool drop_chunk;     /* its port was reset: discard the rest */
  bool broken;
  const char *broken_why;
  unsigned epoch; /* bumped on full reset */
  struct port ports[2];
};

static void update_effective(vda_reader *r)
{
  r->eff = r->cfg;
  r->eff.max_clipboard = vda_clipboard_limit(&r->cfg, r->peer_max);
}

static void reset_port(vda_reader *r, unsigned pi, const char *why)
{
  struct port *p = &r->ports[pi];
  bool was_streaming = p->state == P_STREAM;
  p->state = P_HEADER;
  p->hdr_len = 0;
  p->got = 0;
  p->epoch++;
  if (pi == r->chunk_port && r->chunk_left > 0)
    r->drop_chunk = true;
  if (was_streaming && r->ops.on_stream_abort)
    r->ops.on_stream_abort(r->ctx, pi + 1, why);
}

static void forget_client(vda_reader *r)
{
  vda_negotiated_clear_peer(&r->neg);
  r->peer_max = -1;
  update_effective(r);
}

vda_reader *vda_reader_new(const vda_reader_ops *ops, void *ctx, const vda_caps *ours,
                           const vda_limits *lim)
{
  vda_reader *r = calloc(1, sizeof(*r));
  if (r) {
    r->ops = *ops;
    r->ctx = ctx;
    if (lim)
      r->cfg = *lim;
    else
      vda_limits_default(&r->cfg);
    r->peer_max = -1;
    update_effective(r);
    vda_negotiated_init(&r->neg, ours);
  }
  return r;
}

void vda_reader_free(vda_reader *r)
{
  if (r) {
    free(r->ports[0].buf);
    free(r->ports[1].buf);
    free(r);
  }
}

size_t vda_reader_want(const vda_reader *r)
{
  if (r->broken)
    return 0;
  if (r->chunk_left > 0)
    return r->chunk_left;
  return VDA_CHUNK_HEADER_SIZE - r->chdr_len;
}

size_t vda_reader_expected(const vda_reader *r)
{
  size_t want = vda_reader_want(r), longest = 0, headers;
  unsigned pi;

  if (r->broken)
    return 0;
  for (pi = 0; pi < 2; pi++) {
    const struct port *p = &r->ports[pi];
    size_t left;
    if (p->state == P_HEADER)
      continue; /* no message in progress: its size is not known yet */
    left = p->size - p->got;
    if (r->chunk_left > 0 && pi == r->chunk_port)
      left = left > r->chunk_left ? left - r->chunk_left : 0;
    if (left > longest)
      longest = left;
  }
  if (longest == 0)
    return want;
  headers = (longest + VDA_CHUNK_MAX_PAYLOAD - 1) / VDA_CHUNK_MAX_PAYLOAD;
  /* Between chunks, want already is the next chunk's header. */
  if (r->chunk_left == 0)
    headers--;
  /* And the next message's first chunk: a large message is most often one
   * of a run (a file's data, a long paste), and a read that ends exactly at
   * the message's end would take the next one's header in small reads. At
   * most one pause when nothing follows. */
  return want + longest + headers * VDA_CHUNK_HEADER_SIZE + VDA_CHUNK_HEADER_SIZE +
         VDA_CHUNK_MAX_PAYLOAD;
}

void vda_reader_reset(vda_reader *r)
{
  r->epoch++;
  r->chdr_len = 0;
  r->chunk_left = 0;
  r->drop_chunk = false;
  r->broken = false;
  r->broken_why = NULL;
  forget_client(r);
  reset_port(r, 0, "port reset");
  reset_port(r, 1, "port reset");
}

void vda_reader_reset_client(vda_reader *r)
{
  forget_client(r);
  reset_port(r, 0, "client disconnected");
}

void vda_reader_set_limits(vda_reader *r, const vda_limits *lim)
{
  r->cfg = *lim;
  update_effective(r);
}

void vda_reader_set_ours(vda_reader *r, const vda_caps *ours)
{
  r->neg.ours = *ours;
}

const vda_negotiated *vda_reader_negotiated(const vda_reader *r)
{
  return &r->neg;
}

/* Framing lost: abort streams, refuse everything until reset. */
static void set_broken(vda_reader *r, const char *why)
{
  r->broken = true;
  r->broken_why = why;
  for (unsigned pi = 0; pi < 2; pi++) {
    struct port *p = &r->ports[pi];
    if (p->state == P_STREAM && r->ops.on_stream_abort)
      r->ops.on_stream_abort(r->ctx, pi + 1, why);
    p->state = P_HEADER;
    p->hdr_len = 0;
  }
}

/* Drop the current message; skip whatever of it is still to come. */
static void reject(vda_reader *r, unsigned pi, const char *why)
{
  struct port *p = &r->ports[pi];
  p->state = (p->got < p->size) ? P_SKIP : P_HEADER;
  if (r->ops.on_rejected)
    r->ops.on_rejected(r->ctx, pi + 1, p->type, p->size, why);
}

/* Track what the reader itself needs from a delivered message. */
static void learn(vda_reader *r, uint32_t type, const uint8_t *body, size_t size)
{
  const char *why;
  if (type == VD_AGENT_ANNOUNCE_CAPABILITIES) {
    vda_caps peer;
    uint32_t request;
    if (vda_caps_parse(body, size, &peer, &request, &why))
      vda_negotiated_set_peer(&r->neg, &peer);
  } else if (type == VD_AGENT_MAX_CLIPBOARD && size == 4) {
    r->peer_max = (int32_t)vda_le32(body);
    update_effective(r);
  }
}

static void deliver(vda_reader *r, unsigned pi, const uint8_t *body, size_t size)
{
  struct port *p = &r->ports[pi];
  const char *why = NULL;
  p->state = P_HEADER;
  if (!vda_validate_message(p->type, body, size, &r->neg, &r->eff, &why)) {
    if (r->ops.on_rejected)
      r->ops.on_rejected(r->ctx, pi + 1, p->type, p->size, why);
  } else {
    learn(r, p->type, body, size);
    if (r->ops.on_message)
      r->ops.on_message(r->ctx, pi + 1, p->type, body, size);
  }
}

/* The 20-byte header is complete: decide how to take the body.
 * Returns false on a framing error. */
static bool start_message(vda_reader *r, unsigned pi)
{
  struct port *p = &r->ports[pi];
  const char *why = NULL;
  uint32_t protocol = vda_le32(p->hdr);
  size_t prefix;
  p->type = vda_le32(p->hdr + 4);
  p->size = vda_le32(p->hdr + 16);
  p->hdr_len = 0;
  p->got = 0;
  if (protocol != VD_AGENT_PROTOCOL) {
    set_broken(r, "message protocol is not 1 (stream desynchronised)");
    return false;
  }
  if (!vda_validate_size(p->type, p->size, &r->neg, &r->eff, &why)) {
    reject(r, pi, why);
    return true;
  }
  const vda_msg_info *mi = vda_msg_info_of(p->type);
  if (!mi || !(mi->from & (pi == 1 ? VDA_FROM_SERVER : VDA_FROM_CLIENT))) {
    reject(r, pi,
           pi == 1 ? "client message type on the server port"
                   : "server message type on the client port");
    return true;
  }
  prefix = vda_stream_prefix_size(p->type, &r->neg);
  if (prefix > 0) {
    p->prefix_need = (uint32_t)prefix;
    p->state = P_PREFIX;
  } else if (p->size == 0) {
    static const uint8_t empty[1];
    deliver(r, pi, empty, 0); /* never a NULL body */
  } else {
    if (p->cap < p->size) {
      /* Bounded: vda_validate_size() capped size for this type. */
      size_t want = p->size < MIN_BUF ? MIN_BUF : p->size;
      uint8_t *nb = realloc(p->buf, want);
      if (!nb) {
        reject(r, pi, "out of memory for the message body");
        return true;
      }
      p->buf = nb;
      p->cap = want;
    }
    p->state = P_BODY;
  }
  return true;
}

/* The streamed message's prefix is complete: validate, then begin. */
static void start_stream(vda_reader *r, unsigned pi)
{
  struct port *p = &r->ports[pi];
  const char *why = NULL;
  vda_stream_info info;
  unsigned epoch = p->epoch;
  if (!vda_validate_stream_prefix(p->type, p->prefix, p->prefix_need, p->size, &r->neg, &r->eff,
                                  &why)) {
    reject(r, pi, why);
    return;
  }
  memset(&info, 0, sizeof(info));
  info.port = pi + 1;
  info.type = p->type;
  info.body_size = p->size;
  info.data_size = p->size - p->prefix_need;
  if (p->type == VD_AGENT_CLIPBOARD) {
    size_t sel = p->prefix_need - 4;
    info.selection = sel ? p->prefix[0] : 0;
    info.clipboard_type = vda_le32(p->prefix + sel);
  } else {
    info.xfer_id = vda_le32(p->prefix);
  }
  p->state = P_STREAM;
  if (r->ops.on_stream_begin)
    r->ops.on_stream_begin(r->ctx, &info);
  if (p->epoch == epoch && p->got == p->size) {
    p->state = P_HEADER;
    if (r->ops.on_stream_end)
      r->ops.on_stream_end(r->ctx, pi + 1);
  }
}

static uint32_t min_u32(uint32_t a, size_t b)
{
  return (b < a) ? (uint32_t)b : a;
}

/* Hand payload bytes of one chunk to port pi. Returns false on a framing
 * error; stops early (returning true) when a callback reset the port. */
static bool feed_port(vda_reader *r, unsigned pi, const uint8_t *d, size_t len)
{
  struct port *p = &r->ports[pi];
  unsigned epoch = p->epoch;
  while (len > 0 && p->epoch == epoch) {
    uint32_t take;
    switch (p->state) {
    case P_HEADER:
      take = min_u32(VDA_MSG_HEADER_SIZE - p->hdr_len, len);
      memcpy(p->hdr + p->hdr_len, d, take);
      p->hdr_len += take;
      if (p->hdr_len == VDA_MSG_HEADER_SIZE && !start_message(r, pi))
        return false;
      break;
    case P_BODY:
      take = min_u32(p->size - p->got, len);
      memcpy(p->buf + p->got, d, take);
      p->got += take;
      if (p->got == p->size)
        deliver(r, pi, p->buf, p->size);
      break;
    case P_PREFIX:
      take = min_u32(p->prefix_need - p->got, len);
      memcpy(p->prefix + p->got, d, take);
      p->got += take;
      if (p->got == p->prefix_need)
        start_stream(r, pi);
      break;
    case P_STREAM:
      take = min_u32(p->size - p->got, len);
      p->got += take;
      if (r->ops.on_stream_data)
        r->ops.on_stream_data(r->ctx, pi + 1, d, take);
      if (p->epoch == epoch && p->got == p->size) {
        p->state = P_HEADER;
        if (r->ops.on_stream_end)
          r->ops.on_stream_end(r->ctx, pi + 1);
      }
      break;
    case P_SKIP:
    default:
      take = min_u32(p->size - p->got, len);
      p->got += take;
      if (p->got == p->size)
        p->state = P_HEADER;
      break;
    }
    d += take;
    len -= take;
  }
  return true;
}

/* A complete chunk header: check it, start its payload. */
static bool start_chunk(vda_reader *r)
{
  uint32_t port = vda_le32(r->chdr);
  uint32_t size = vda_le32(r->chdr + 4);
  r->chdr_len = 0;
  if (port != VDP_CLIENT_PORT && port != VDP_SERVER_PORT) {
    set_broken(r, "chunk port is neither 1 (client) nor 2 (server)");
    return false;
  }
  if (size > VDA_CHUNK_MAX_PAYLOAD) {
    set_broken(r, "chunk payload larger than 2048 bytes");
    return false;
  }
  r->chunk_port = port - 1;
  r->chunk_left = size;
  r->drop_chunk = false;
  return true;
}

vda_reader_status vda_reader_push(vda_reader *r, const void *data, size_t len, const char **why)
{
  const uint8_t *d = data;
  unsigned epoch = r->epoch;
  vda_reader_status st = VDA_READER_OK;
  while (len > 0 && !r->broken && r->epoch == epoch) {
    uint32_t take;
    if (r->chunk_left == 0) {
      take = min_u32(VDA_CHUNK_HEADER_SIZE - r->chdr_len, len);
      memcpy(r->chdr + r->chdr_len, d, take);
      r->chdr_len += take;
      if (r->chdr_len == VDA_CHUNK_HEADER_SIZE)
        start_chunk(r);
    } else {
      take = min_u32(r->chunk_left, len);
      if (!r->drop_chunk)
        feed_port(r, r->chunk_port, d, take);
      /* A full reset inside a callback already cleared chunk state. */
      if (r->epoch == epoch && !r->broken)
        r->chunk_left -= take;
    }
    d += take;
    len -= take;
  }
  if (r->broken) {
    st = VDA_READER_RESYNC;
    if (why)
      *why = r->broken_why;
  }
  return st;
}
