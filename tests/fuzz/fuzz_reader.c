/*
 * fuzz_reader.c - libFuzzer target: arbitrary port bytes through vda_reader
 * (framing, reassembly, streaming) and every validator and view.
 *
 * Input: byte 0 selects the negotiated capabilities and limits, byte 1 how
 * the bytes are sliced into pushes (0: exactly what vda_reader_want() asks,
 * otherwise slices of that many bytes), the rest is the port stream.  After a
 * RESYNC the reader is reset and fed the remaining bytes, like the agent
 * reopening the port.
 *
 * Beyond "no crash, no leak, no UB", the callbacks check invariants and
 * abort() on violation:
 *   - a delivered message validates again and parses into its view;
 *   - streams are well nested (begin, data..., end|abort) per port and
 *     deliver exactly the announced number of bytes;
 *   - every delivered client-port message, re-framed with the builder and
 *     read by a second reader with the same capabilities (it is fed the
 *     same ANNOUNCE_CAPABILITIES), comes back identical.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_caps.h"
#include "vda_builder.h"
#include "vda_msg_table.h"
#include "vda_reader.h"
#include "vda_validate.h"
#include "vda_views.h"
#include "vda_xfer_meta.h"

#define CHECK(c) \
  do {           \
    if (!(c))    \
      abort();   \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct stream_state {
  bool active;
  uint64_t expected, got;
};

struct echo {
  uint32_t type;
  size_t size;
  const uint8_t *body;
  int delivered;
  int learnt; /* ANNOUNCE_CAPABILITIES forwarded to it and delivered */
};

struct fuzz_ctx {
  vda_reader *r;
  vda_reader *echo_reader;
  struct stream_state streams[2];
  struct echo echo;
};

static uint8_t wire[80 * 1024];

static void exercise_views(uint32_t type, const uint8_t *b, size_t n, const vda_negotiated *neg,
                           const vda_limits *lim)
{
  const char *why = NULL;
  switch (type) {
  case VD_AGENT_MOUSE_STATE: {
    vda_mouse_state v;
    CHECK(vda_parse_mouse_state(b, n, &v, &why));
    break;
  }
  case VD_AGENT_MONITORS_CONFIG: {
    vda_monitors_config mc;
    vda_monitor m;
    CHECK(vda_parse_monitors_config(b, n, neg, lim, &mc, &why));
    for (uint32_t i = 0; i < mc.count; i++)
      vda_monitors_config_get(&mc, i, &m);
    break;
  }
  case VD_AGENT_CLIPBOARD_GRAB: {
    vda_clipboard_grab g;
    uint32_t acc = 0;
    CHECK(vda_parse_clipboard_grab(b, n, neg, &g, &why));
    for (uint32_t i = 0; i < g.ntypes; i++)
      acc += vda_clipboard_grab_type(&g, i);
    (void)acc;
    break;
  }
  case VD_AGENT_CLIPBOARD_REQUEST: {
    vda_clipboard_request rq;
    CHECK(vda_parse_clipboard_request(b, n, neg, &rq, &why));
    break;
  }
  case VD_AGENT_CLIPBOARD_RELEASE: {
    uint8_t sel;
    CHECK(vda_parse_clipboard_release(b, n, neg, &sel, &why));
    break;
  }
  case VD_AGENT_FILE_XFER_START: {
    vda_xfer_start s;
    static vda_xfer_meta meta;
    CHECK(vda_parse_xfer_start(b, n, lim, &s, &why));
    if (vda_xfer_meta_parse(s.meta, s.meta_size, &meta, &why))
      CHECK(meta.name_len > 0 && strlen(meta.name) == meta.name_len);
    break;
  }
  case VD_AGENT_FILE_XFER_STATUS: {
    vda_xfer_status st;
    CHECK(vda_parse_xfer_status(b, n, neg, &st, &why));
    break;
  }
  case VD_AGENT_GRAPHICS_DEVICE_INFO: {
    vda_gdi_iter it;
    vda_gdi_entry e;
    uint32_t count, seen = 0;
    CHECK(vda_parse_graphics_info(b, n, lim, &it, &count, &why));
    while (vda_gdi_next(&it, &e)) {
      CHECK(strlen(e.address) == e.address_len);
      seen++;
    }
    CHECK(seen == count);
    break;
  }
  default:
    break;
  }
}

static void echo_message(void *vctx, unsigned port, uint32_t type, const uint8_t *body, size_t size)
{
  struct fuzz_ctx *c = vctx;
  CHECK(port == 1);
  if (type == VD_AGENT_ANNOUNCE_CAPABILITIES) { /* see forward_announce */
    c->echo.learnt++;
    return;
  }
  CHECK(type == c->echo.type && size == c->echo.size);
  CHECK(size == 0 || memcmp(body, c->echo.body, size) == 0);
  c->echo.delivered++;
}

/* Push an ANNOUNCE_CAPABILITIES body into the echo reader, so that its
 * negotiated view follows the main reader's (the product learns the peer's
 * capabilities only from this message). */
static void forward_announce(struct fuzz_ctx *c, const uint8_t *body, size_t size)
{
  const char *why = NULL;
  size_t wlen = 0;
  int before = c->echo.learnt;
  CHECK(vda_build_message(VD_AGENT_ANNOUNCE_CAPABILITIES, body, size, wire, sizeof(wire), &wlen,
                          &why));
  CHECK(vda_reader_push(c->echo_reader, wire, wlen, &why) == VDA_READER_OK);
  CHECK(c->echo.learnt == before + 1);
}

static void on_message(void *vctx, unsigned port, uint32_t type, const uint8_t *body, size_t size)
{
  struct fuzz_ctx *c = vctx;
  const vda_negotiated *neg = vda_reader_negotiated(c->r);
  const char *why = NULL;
  vda_limits lim;
  size_t wlen = 0;
  CHECK(port == 1 || port == 2);
  /* Delivered only on a port the table lets its sender use (MOUSE_STATE:
   * both, for QEMU's own peer sends everything on port 1). */
  CHECK(vda_msg_info_of(type) != NULL);
  CHECK(vda_msg_info_of(type)->from & (port == 2 ? VDA_FROM_SERVER : VDA_FROM_CLIENT));
  CHECK(vda_stream_prefix_size(type, neg) == 0);
  /* Effective limits are the configured ones lowered by MAX_CLIPBOARD;
     * non-streamed types do not depend on the clipboard limit. */
  vda_limits_default(&lim);
  lim.max_monitors = UINT32_MAX;
  lim.max_xfer_start = UINT32_MAX;
  lim.max_graphics_info = UINT32_MAX;
  CHECK(vda_validate_message(type, body, size, neg, &lim, &why));
  exercise_views(type, body, size, neg, &lim);
  if (port == 1 && type == VD_AGENT_ANNOUNCE_CAPABILITIES) {
    /* The echo reader learns the client's capabilities the same way. */
    forward_announce(c, body, size);
    return;
  }
  if (port != 1 || type == VD_AGENT_MAX_CLIPBOARD)
    return; /* changes the echo reader's limits: skip */
  vda_reader_set_ours(c->echo_reader, &neg->ours);
  CHECK(vda_build_message(type, body, size, wire, sizeof(wire), &wlen, &why));
  c->echo.type = type;
  c->echo.size = size;
  c->echo.body = body;
  c->echo.delivered = 0;
  CHECK(vda_reader_push(c->echo_reader, wire, wlen, &why) == VDA_READER_OK);
  CHECK(c->echo.delivered == 1);
}

static void on_rejected(void *vctx, unsigned port, uint32_t type, uint32_t size, const char *why)
{
  (void)vctx;
  (void)type;
  (void)size;
  CHECK(port == 1 || port == 2);
  CHECK(why != NULL && why[0] != '\0');
}

static void on_begin(void *vctx, const vda_stream_info *info)
{
  struct fuzz_ctx *c = vctx;
  struct stream_state *s;
  CHECK(info->port == 1 || info->port == 2);
  CHECK(info->type == VD_AGENT_CLIPBOARD || info->type == VD_AGENT_FILE_XFER_DATA);
  s = &c->streams[info->port - 1];
  CHECK(!s->active);
  CHECK(info->data_size <= info->body_size);
  s->active = true;
  s->expected = info->data_size;
  s->got = 0;
}

static void on_data(void *vctx, unsigned port, const uint8_t *d, size_t len)
{
  struct fuzz_ctx *c = vctx;
  struct stream_state *s = &c->streams[port - 1];
  volatile uint8_t sink = 0;
  CHECK(s->active && len > 0);
  s->got += len;
  CHECK(s->got <= s->expected);
  sink ^= d[0] ^ d[len - 1]; /* touch the bytes: ASan checks the range */
  (void)sink;
}

static void on_end(void *vctx, unsigned port)
{
  struct fuzz_ctx *c = vctx;
  struct stream_state *s = &c->streams[port - 1];
  CHECK(s->active && s->got == s->expected);
  s->active = false;
}

static void on_abort(void *vctx, unsigned port, const char *why)
{
  struct fuzz_ctx *c = vctx;
  CHECK(c->streams[port - 1].active);
  CHECK(why != NULL);
  c->streams[port - 1].active = false;
}

static const vda_reader_ops ops = {
    on_message, on_rejected, on_begin, on_data, on_end, on_abort,
};

static const vda_reader_ops echo_ops = {
    echo_message, NULL, NULL, NULL, NULL, NULL,
};

static void configure(uint8_t cfg, vda_caps *ours, vda_caps *peer, vda_limits *lim)
{
  guest_caps(ours);
  vda_caps_init(peer);
  if (cfg & 1)
    vda_caps_set(peer, VD_AGENT_CAP_CLIPBOARD_SELECTION);
  if (cfg & 2)
    vda_caps_set(peer, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  if (cfg & 4)
    vda_caps_set(peer, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
  if (cfg & 8)
    vda_caps_clear(ours, VD_AGENT_CAP_SPARSE_MONITORS_CONFIG);
  vda_limits_default(lim);
  if (cfg & 16) {
    /* Small limits reach the over-limit paths with small inputs. */
    lim->max_clipboard = 64;
    lim->max_file_piece = 64;
    lim->max_monitors = 2;
    lim->max_xfer_start = 64;
    lim->max_graphics_info = 64;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fuzz_ctx c;
  vda_caps ours, peer;
  vda_limits lim;
  size_t step, off = 2;
  const char *why = NULL;
  if (size < 2)
    return 0;
  memset(&c, 0, sizeof(c));
  configure(data[0], &ours, &peer, &lim);
  step = data[1];
  c.r = vda_reader_new(&ops, &c, &ours, &lim);
  c.echo_reader = vda_reader_new(&echo_ops, &c, &ours, NULL);
  CHECK(c.r && c.echo_reader);
  if (peer.words[0]) {
    /* The client announces first, as spice-gtk does; on_message forwards
         * it to the echo reader. */
    vda_body b;
    size_t wlen = 0;
    vda_body_announce_caps(&b, &peer, false);
    CHECK(vda_build_message(b.type, b.data, b.len, wire, sizeof(wire), &wlen, &why));
    CHECK(vda_reader_push(c.r, wire, wlen, &why) == VDA_READER_OK);
    CHECK(vda_use_selection(vda_reader_negotiated(c.r)) == !!(data[0] & 1));
  }
  while (off < size) {
    size_t n = step ? step : vda_reader_want(c.r);
    vda_reader_status st;
    if (n > size - off)
      n = size - off;
    CHECK(n > 0);
    st = vda_reader_push(c.r, data + off, n, &why);
    off += n;
    if (st == VDA_READER_RESYNC) {
      CHECK(why != NULL);
      CHECK(!c.streams[0].active && !c.streams[1].active);
      CHECK(vda_reader_want(c.r) == 0);
      vda_reader_reset(c.r);
      vda_reader_reset(c.echo_reader); /* forget the peer too */
    }
  }
  /* Reset with streams in flight must abort them. */
  vda_reader_reset(c.r);
  CHECK(!c.streams[0].active && !c.streams[1].active);
  vda_reader_free(c.r);
  vda_reader_free(c.echo_reader);
  return 0;
}
