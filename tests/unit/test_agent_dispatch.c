/* The agent's dispatch table (vdagent/agent_dispatch.c) with fake features:
 * routing by type, streams to sinks, the announced set, and the refusals
 * of an inconsistent set of features. */
#include <string.h>

#include "agent_dispatch.h"
#include "test_wire.h"
#include "vda_test.h"

/* What the fakes saw. */
typedef struct fake {
  int id;
  unsigned messages, begins, datas, ends, aborts, peers, sessions;
  uint32_t last_type;
  size_t last_size, data_bytes;
  vda_peer_event last_peer;
  bool last_locked;
  bool refuse_begin;
  vda_ipc_stream_begin begun;
} fake;

static void on_msg(void *ctx, uint32_t type, const uint8_t *body, size_t size)
{
  fake *f = ctx;
  (void)body;
  f->messages++;
  f->last_type = type;
  f->last_size = size;
}

static bool on_begin(void *ctx, const vda_ipc_stream_begin *b)
{
  fake *f = ctx;
  f->begins++;
  f->begun = *b;
  return !f->refuse_begin;
}

static void on_data(void *ctx, const uint8_t *data, size_t len)
{
  fake *f = ctx;
  (void)data;
  f->datas++;
  f->data_bytes += len;
}

static void on_end(void *ctx, bool aborted)
{
  fake *f = ctx;
  if (aborted)
    f->aborts++;
  else
    f->ends++;
}

static void on_peer(void *ctx, vda_peer_event e)
{
  fake *f = ctx;
  f->peers++;
  f->last_peer = e;
}

static void on_session(void *ctx, bool locked)
{
  fake *f = ctx;
  f->sessions++;
  f->last_locked = locked;
}

static const vda_msg_handler display_h[] = {
    {VD_AGENT_MONITORS_CONFIG, on_msg},
    {VD_AGENT_DISPLAY_CONFIG, on_msg},
};
static const vda_msg_handler clip_h[] = {
    {VD_AGENT_CLIPBOARD_GRAB, on_msg},
    {VD_AGENT_CLIPBOARD_REQUEST, on_msg},
    {VD_AGENT_CLIPBOARD_RELEASE, on_msg},
};
static const vda_stream_sink clip_s[] = {{VD_AGENT_CLIPBOARD, on_begin, on_data, on_end}};
static const vda_stream_sink xfer_s[] = {{VD_AGENT_FILE_XFER_DATA, on_begin, on_data, on_end}};

static fake fd, fc, fx;
static vda_feature feats[3];
static vda_dispatch d;
static const char *why;

/* display (MONITORS_CONFIG, DISPLAY_CONFIG), clipboard (GRAB/REQUEST/RELEASE
 * + CLIPBOARD sink), xfer (FILE_XFER_DATA sink, FILE_XFER_DISABLED). */
static void setup(bool clip_enabled)
{
  memset(&fd, 0, sizeof(fd));
  memset(&fc, 0, sizeof(fc));
  memset(&fx, 0, sizeof(fx));
  fd.id = 1, fc.id = 2, fx.id = 3;
  feats[0] = (vda_feature){.name = "display",
                           .enabled = true,
                           .ctx = &fd,
                           .handlers = display_h,
                           .nhandlers = 2,
                           .on_peer = on_peer};
  CAPS_OF(&feats[0].caps, VD_AGENT_CAP_MONITORS_CONFIG, VD_AGENT_CAP_DISPLAY_CONFIG,
          VD_AGENT_CAP_SPARSE_MONITORS_CONFIG);
  feats[1] = (vda_feature){.name = "clipboard",
                           .enabled = clip_enabled,
                           .ctx = &fc,
                           .handlers = clip_h,
                           .nhandlers = 3,
                           .sinks = clip_s,
                           .nsinks = 1,
                           .on_peer = on_peer,
                           .on_session = on_session};
  CAPS_OF(&feats[1].caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND, VD_AGENT_CAP_CLIPBOARD_SELECTION);
  feats[2] = (vda_feature){.name = "xfer",
                           .enabled = true,
                           .ctx = &fx,
                           .sinks = xfer_s,
                           .nsinks = 1,
                           .on_session = on_session};
  CAPS_OF(&feats[2].caps, VD_AGENT_CAP_FILE_XFER_DISABLED);
}

static void test_routes_by_type(void)
{
  uint8_t body[8] = {0};
  setup(true);
  CHECK_ACCEPTED(vda_dispatch_build(&d, feats, 3, &why), why);
  CHECK(vda_dispatch_message(&d, VD_AGENT_DISPLAY_CONFIG, body, 8));
  CHECK_EQ(fd.messages, 1);
  CHECK_EQ(fd.last_type, VD_AGENT_DISPLAY_CONFIG);
  CHECK_EQ(fd.last_size, 8);
  CHECK(vda_dispatch_message(&d, VD_AGENT_CLIPBOARD_RELEASE, body, 0));
  CHECK_EQ(fc.messages, 1);
  CHECK_EQ(fc.last_type, VD_AGENT_CLIPBOARD_RELEASE);
  CHECK_EQ(fd.messages, 1);
  /* Nobody handles these: reported, never crashed on. */
  CHECK(!vda_dispatch_message(&d, VD_AGENT_MOUSE_STATE, body, 8));
  CHECK(!vda_dispatch_message(&d, 0, body, 0));
  CHECK(!vda_dispatch_message(&d, 0xffffffffu, body, 0));
  /* A streamed type never arrives whole here. */
  CHECK(!vda_dispatch_message(&d, VD_AGENT_CLIPBOARD, body, 4));
  CHECK_EQ(fd.messages + fc.messages + fx.messages, 2);
}

static void test_caps_are_the_enabled_features(void)
{
  vda_caps c, want;
  setup(true);
  CHECK_ACCEPTED(vda_dispatch_build(&d, feats, 3, &why), why);
  vda_dispatch_caps(&d, &c);
  CAPS_OF(&want, VD_AGENT_CAP_MONITORS_CONFIG, VD_AGENT_CAP_DISPLAY_CONFIG,
          VD_AGENT_CAP_SPARSE_MONITORS_CONFIG, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND,
          VD_AGENT_CAP_CLIPBOARD_SELECTION, VD_AGENT_CAP_FILE_XFER_DISABLED);
  CHECK(memcmp(&c, &want, sizeof(c)) == 0);

  /* A disabled feature announces nothing and handles nothing. */
  setup(false);
  CHECK_ACCEPTED(vda_dispatch_build(&d, feats, 3, &why), why);
  vda_dispatch_caps(&d, &c);
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_SELECTION));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_MONITORS_CONFIG));
  CHECK(!vda_dispatch_message(&d, VD_AGENT_CLIPBOARD_GRAB, (const uint8_t *)"", 0));
  CHECK_EQ(fc.messages, 0);
  {
    vda_ipc_stream_begin b = {.vd_type = VD_AGENT_CLIPBOARD, .data_size = 3};
    CHECK_EQ(vda_dispatch_stream_begin(&d, &b), VDA_STREAM_NO_SINK);
    CHECK_EQ(fc.begins, 0);
  }
}

static void test_streams_go_to_their_sink(void)
{
  vda_ipc_stream_begin clip = {.vd_type = VD_AGENT_CLIPBOARD,
                               .data_size = 5,
                               .clipboard_type = VD_AGENT_CLIPBOARD_UTF8_TEXT};
  vda_ipc_stream_begin xfer = {.vd_type = VD_AGENT_FILE_XFER_DATA, .data_size = 9, .xfer_id = 7};
  setup(true);
  CHECK_ACCEPTED(vda_dispatch_build(&d, feats, 3, &why), why);

  CHECK_EQ(vda_dispatch_stream_begin(&d, &clip), VDA_STREAM_TAKEN);
  CHECK(vda_dispatch_streaming(&d));
  CHECK_EQ(fc.begins, 1);
  CHECK_EQ(fc.begun.clipboard_type, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  vda_dispatch_stream_data(&d, (const uint8_t *)"ab", 2);
  vda_dispatch_stream_data(&d, (const uint8_t *)"cde", 3);
  vda_dispatch_stream_end(&d, false);
  CHECK_EQ(fc.datas, 2);
  CHECK_EQ(fc.data_bytes, 5);
  CHECK_EQ(fc.ends, 1);
  CHECK_EQ(fc.aborts, 0);
  CHECK(!vda_dispatch_streaming(&d));
  /* After the end, stray pieces and ends reach nobody. */
  vda_dispatch_stream_data(&d, (const uint8_t *)"x", 1);
  vda_dispatch_stream_end(&d, false);
  CHECK_EQ(fc.datas, 2);
  CHECK_EQ(fc.ends, 1);

  /* Another type, another sink; ABORT ends it as aborted. */
  CHECK_EQ(vda_dispatch_stream_begin(&d, &xfer), VDA_STREAM_TAKEN);
  CHECK_EQ(fx.begun.xfer_id, 7);
  vda_dispatch_stream_data(&d, (const uint8_t *)"abc", 3);
  vda_dispatch_stream_end(&d, true);
  CHECK_EQ(fx.datas, 1);
  CHECK_EQ(fx.aborts, 1);
  CHECK_EQ(fx.ends, 0);
  CHECK_EQ(fc.datas, 2);

  /* A new begin while one is open aborts the open one first. */
  CHECK_EQ(vda_dispatch_stream_begin(&d, &clip), VDA_STREAM_TAKEN);
  CHECK_EQ(vda_dispatch_stream_begin(&d, &xfer), VDA_STREAM_TAKEN);
  CHECK_EQ(fc.aborts, 1);
  vda_dispatch_stream_end(&d, false);
  CHECK_EQ(fx.ends, 1);

  /* A refused stream: its pieces and end are dropped. */
  fc.refuse_begin = true;
  CHECK_EQ(vda_dispatch_stream_begin(&d, &clip), VDA_STREAM_REFUSED);
  CHECK(!vda_dispatch_streaming(&d));
  vda_dispatch_stream_data(&d, (const uint8_t *)"abcde", 5);
  vda_dispatch_stream_end(&d, false);
  CHECK_EQ(fc.data_bytes, 5);
  CHECK_EQ(fc.ends, 1);

  /* A type without a sink. */
  clip.vd_type = VD_AGENT_MOUSE_STATE;
  CHECK_EQ(vda_dispatch_stream_begin(&d, &clip), VDA_STREAM_NO_SINK);
  clip.vd_type = 4000;
  CHECK_EQ(vda_dispatch_stream_begin(&d, &clip), VDA_STREAM_NO_SINK);
}

static void test_peer_and_session_events(void)
{
  setup(true);
  feats[0].enabled = false;
  CHECK_ACCEPTED(vda_dispatch_build(&d, feats, 3, &why), why);
  vda_dispatch_peer(&d, VDA_PEER_DISCONNECTED);
  CHECK_EQ(fc.peers, 1);
  CHECK_EQ(fc.last_peer, VDA_PEER_DISCONNECTED);
  CHECK_EQ(fd.peers, 0); /* disabled */
  CHECK_EQ(fx.peers, 0); /* no callback */
  vda_dispatch_session(&d, true);
  CHECK_EQ(fx.sessions, 1);
  CHECK(fx.last_locked);
  CHECK_EQ(fc.sessions, 1);
}

static void refused(const char *needle)
{
  CHECK_REFUSED(vda_dispatch_build(&d, feats, 3, &why), why);
  if (why && !strstr(why, needle)) {
    fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", why, needle);
    CHECK(false);
  }
}

static void test_inconsistent_features_are_refused(void)
{
  static const vda_msg_handler dup[] = {{VD_AGENT_CLIPBOARD_GRAB, on_msg}};
  static const vda_msg_handler whole_stream[] = {{VD_AGENT_FILE_XFER_DATA, on_msg}};
  static const vda_msg_handler unknown[] = {{99, on_msg}};
  static const vda_msg_handler none[] = {{VD_AGENT_MOUSE_STATE, NULL}};
  static const vda_stream_sink sink_whole[] = {{VD_AGENT_MOUSE_STATE, on_begin, on_data, on_end}};
  static const vda_stream_sink sink_half[] = {{VD_AGENT_FILE_XFER_DATA, on_begin, NULL, on_end}};

  setup(true);
  feats[2].handlers = dup, feats[2].nhandlers = 1;
  refused("already handled");
  refused("CLIPBOARD_GRAB");
  refused("xfer");

  setup(true);
  feats[2].handlers = whole_stream, feats[2].nhandlers = 1, feats[2].nsinks = 0;
  refused("streamed");
  setup(true);
  feats[2].handlers = unknown, feats[2].nhandlers = 1;
  refused("unknown");
  setup(true);
  feats[2].handlers = none, feats[2].nhandlers = 1;
  refused("no callback");
  setup(true);
  feats[2].sinks = sink_whole;
  refused("arrives whole");
  setup(true);
  feats[2].sinks = sink_half;
  refused("without begin");

  /* Announcing a capability promises its messages. */
  setup(true);
  vda_caps_set(&feats[2].caps, VD_AGENT_CAP_MOUSE_STATE);
  refused("MOUSE_STATE");
  setup(true);
  feats[1].nsinks = 0; /* BY_DEMAND gates CLIPBOARD too */
  refused("no feature handles CLIPBOARD");
  /* ... but not when the feature that announces it is disabled. */
  setup(false);
  feats[1].nsinks = 0;
  CHECK_ACCEPTED(vda_dispatch_build(&d, feats, 3, &why), why);
  /* A disabled feature's claims do not count as duplicates either. */
  setup(false);
  feats[2].handlers = dup, feats[2].nhandlers = 1;
  CHECK_ACCEPTED(vda_dispatch_build(&d, feats, 3, &why), why);
}

int main(void)
{
  RUN_TEST(test_routes_by_type);
  RUN_TEST(test_caps_are_the_enabled_features);
  RUN_TEST(test_streams_go_to_their_sink);
  RUN_TEST(test_peer_and_session_events);
  RUN_TEST(test_inconsistent_features_are_refused);
  return vda_test_report("agent dispatch");
}
