/* The service's router (vdservice/mux.c), host side, with the fakes of
 * mux_fake.h: the service's capabilities and announcements, FILE_XFER_START
 * refusals with and without detailed errors, CLIENT_DISCONNECTED, and what
 * is forwarded to the agent (table, readiness, gates). The agent side is in
 * test_mux_agent.c. */
#include <spice/vd_agent.h>
#include <string.h>

#include "agent_policy.h"
#include "mux_fake.h"
#include "vda_ipc.h"
#include "vda_le.h"
#include "vda_msg_table.h"
#include "vda_test.h"

/* --- the service's capabilities --- */

static void test_service_caps_are_what_it_implements(void)
{
  vda_caps c;
  unsigned n = 0;
  vda_caps_service(&c);
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_GUEST_LINEEND_CRLF));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_MAX_CLIPBOARD));
  for (unsigned bit = 0; bit < VD_AGENT_END_CAP; bit++)
    n += vda_caps_has(&c, bit);
  CHECK_EQ(n, 2);
  setup();
  CHECK(memcmp(&F.mux.announced, &c, sizeof(c)) == 0);
}

/* --- ANNOUNCE_CAPABILITIES --- */

static void test_announce_request_answered_with_both_halves(void)
{
  vda_caps agent, client, got;
  wmsg m[4];
  bool partial;
  uint32_t request;
  const char *why = NULL;

  setup();
  CAPS(&agent, VD_AGENT_CAP_MOUSE_STATE, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  agent_ready(&agent);
  CAPS(&client, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  client_announce(true, &client);

  CHECK_EQ(wire_parse(m, 4, &partial), 1);
  CHECK(!partial);
  CHECK_EQ(m[0].type, VD_AGENT_ANNOUNCE_CAPABILITIES);
  CHECK_ACCEPTED(vda_caps_parse(m[0].body, m[0].size, &got, &request, &why), why);
  CHECK_EQ(request, 0); /* an answer does not ask back */
  CHECK(vda_caps_has(&got, VD_AGENT_CAP_MOUSE_STATE));
  CHECK(vda_caps_has(&got, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
  CHECK(vda_caps_has(&got, VD_AGENT_CAP_GUEST_LINEEND_CRLF));
  CHECK(vda_caps_has(&got, VD_AGENT_CAP_MAX_CLIPBOARD));
  CHECK(!vda_caps_has(&got, VD_AGENT_CAP_MONITORS_CONFIG));
  /* The agent needs the client's capabilities too. */
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_ANNOUNCE_CAPABILITIES), 1);
  CHECK(log_has("request=0"));
}

static void test_announce_without_request_not_answered(void)
{
  vda_caps client;
  setup();
  agent_ready_clipboard();
  CAPS(&client, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  client_announce(false, &client);
  CHECK_EQ(F.wire.len, 0);
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_ANNOUNCE_CAPABILITIES), 1);
}

static void test_ready_agent_announced_or_port_opened(void)
{
  vda_caps agent, client, got;
  wmsg m[2];
  bool partial;
  uint32_t request;
  const char *why = NULL;

  /* Port open: the new capabilities go out with request=1. */
  setup();
  CAPS(&agent, VD_AGENT_CAP_MOUSE_STATE);
  F.agent_ready = true;
  vds_mux_agent_ready(&F.mux, &agent);
  CHECK_EQ(wire_parse(m, 2, &partial), 1);
  CHECK_EQ(m[0].type, VD_AGENT_ANNOUNCE_CAPABILITIES);
  CHECK_ACCEPTED(vda_caps_parse(m[0].body, m[0].size, &got, &request, &why), why);
  CHECK_EQ(request, 1);
  CHECK(vda_caps_has(&got, VD_AGENT_CAP_MOUSE_STATE));
  CHECK(vda_caps_has(&F.port_caps, VD_AGENT_CAP_MOUSE_STATE)); /* the reader's ours */
  CHECK_EQ(F.open_soon, 0);

  /* Port closed: it opens without waiting, then gives the host the grace
   * period to ask; a host that asks gets one answer and nothing more
   * (QEMU resets the port on a second announce per open). */
  setup();
  F.port_open = false;
  F.agent_ready = true;
  vds_mux_agent_ready(&F.mux, &agent);
  CHECK_EQ(F.open_soon, 1);
  CHECK_EQ(F.wire.len, 0);
  F.port_open = true;
  vds_mux_port_opened(&F.mux, 1000);
  CHECK_EQ(F.wire.len, 0);
  CHECK_EQ(vds_mux_next_due(&F.mux), 1000 + VDS_MUX_ANNOUNCE_GRACE_MS);
  CAPS(&client, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  client_announce(true, &client);
  vds_mux_tick(&F.mux, 1000 + VDS_MUX_ANNOUNCE_GRACE_MS);
  CHECK_EQ(vds_mux_next_due(&F.mux), UINT64_MAX);
  CHECK_EQ(wire_parse(m, 2, &partial), 1);
  CHECK_ACCEPTED(vda_caps_parse(m[0].body, m[0].size, &got, &request, &why), why);
  CHECK_EQ(request, 0);
  CHECK(vda_caps_has(&got, VD_AGENT_CAP_MOUSE_STATE));

  /* A host that does not ask within the grace period (spice-server after a
   * reopen) gets our announce with request=1, once. */
  setup();
  F.agent_ready = true;
  vds_mux_agent_ready(&F.mux, &agent);
  F.wire.len = 0;
  vds_mux_port_opened(&F.mux, 1000);
  vds_mux_tick(&F.mux, 1000 + VDS_MUX_ANNOUNCE_GRACE_MS - 1);
  CHECK_EQ(F.wire.len, 0);
  vds_mux_tick(&F.mux, 1000 + VDS_MUX_ANNOUNCE_GRACE_MS);
  vds_mux_tick(&F.mux, 1000 + 2 * VDS_MUX_ANNOUNCE_GRACE_MS);
  CHECK_EQ(wire_parse(m, 2, &partial), 1);
  CHECK_ACCEPTED(vda_caps_parse(m[0].body, m[0].size, &got, &request, &why), why);
  CHECK_EQ(request, 1);
  CHECK(vda_caps_has(&got, VD_AGENT_CAP_MOUSE_STATE));

  /* Gone: back to the service's own. */
  vds_mux_agent_gone(&F.mux);
  CHECK(!vda_caps_has(&F.port_caps, VD_AGENT_CAP_MOUSE_STATE));
  CHECK(vda_caps_has(&F.port_caps, VD_AGENT_CAP_MAX_CLIPBOARD));
}

/* --- FILE_XFER_START refusals --- */

/* The one FILE_XFER_STATUS on the wire: its id and result. */
static void check_status(uint32_t id, uint32_t result)
{
  wmsg m[4];
  bool partial;
  CHECK_EQ(wire_parse(m, 4, &partial), 1);
  CHECK_EQ(m[0].type, VD_AGENT_FILE_XFER_STATUS);
  CHECK_EQ(m[0].size, 8);
  if (m[0].size >= 8) {
    CHECK_EQ(vda_le32(m[0].body), id);
    CHECK_EQ(vda_le32(m[0].body + 4), result);
  }
}

static void with_client(bool detailed_errors)
{
  vda_caps client;
  if (detailed_errors)
    CAPS(&client, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
  else
    CAPS(&client, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  client_announce(false, &client);
  F.wire.len = 0;
  F.nagent = 0;
}

/* A closed port takes the client's side with it: a ready agent hears
 * CLIENT_DISCONNECTED (so a paste waiting for the client ends), nobody else. */
static void test_port_closed_tells_a_ready_agent(void)
{
  setup();
  F.agent_ready = true;
  vds_mux_port_closed(&F.mux);
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_CLIENT_DISCONNECTED), 1);
  CHECK_EQ(F.wire.len, 0); /* nothing towards the closed port */

  setup();
  F.agent_ready = false;
  vds_mux_port_closed(&F.mux);
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_CLIENT_DISCONNECTED), 0);
}

/* A CLIPBOARD the reader refuses still ends a paste waiting for it: the
 * agent hears a stream of unknown type that aborts at once. */
static void test_refused_clipboard_reaches_agent_as_abort(void)
{
  vda_caps client;
  const uint8_t text[8] = {VD_AGENT_CLIPBOARD_UTF8_TEXT, 0, 0, 0, 'h', 'i', '!', '\n'};
  setup();
  agent_ready_clipboard();
  CAPS(&client, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  client_announce(true, &client);
  host(1, VD_AGENT_CLIPBOARD, text, 2); /* too short for its type */
  CHECK(log_has("refused message type 4"));
  CHECK_EQ(count_sent(VDA_IPC_STREAM_BEGIN, VD_AGENT_CLIPBOARD), 1);
  CHECK_EQ(count_sent(VDA_IPC_ABORT, 0), 1);
  CHECK_EQ(count_sent(VDA_IPC_DATA, 0), 0);
  CHECK_EQ(F.kills, 0);
  /* A good one after it streams as usual. */
  host(1, VD_AGENT_CLIPBOARD, text, sizeof(text));
  CHECK_EQ(count_sent(VDA_IPC_STREAM_BEGIN, VD_AGENT_CLIPBOARD), 2);
  CHECK_EQ(count_sent(VDA_IPC_END, 0), 1);
  CHECK_EQ(count_sent(VDA_IPC_ABORT, 0), 1);
  /* Without an agent nothing is sent. */
  setup();
  host(1, VD_AGENT_CLIPBOARD, text, 2);
  CHECK_EQ(F.nagent, 0);
}

static void test_xfer_refused_without_agent(void)
{
  /* Detailed errors negotiated: the client learns why. */
  setup();
  with_client(true);
  client_xfer_start(7);
  check_status(7, VD_AGENT_FILE_XFER_STATUS_VDAGENT_NOT_CONNECTED);
  CHECK_EQ(F.nagent, 0);
  CHECK(log_has("file transfer 7 refused: no session agent"));

  /* Without them the protocol allows only ERROR. */
  setup();
  with_client(false);
  client_xfer_start(8);
  check_status(8, VD_AGENT_FILE_XFER_STATUS_ERROR);
  CHECK_EQ(F.nagent, 0);
}

static void test_xfer_refused_while_locked(void)
{
  setup();
  agent_ready_clipboard();
  F.locked = true;
  with_client(true);
  client_xfer_start(9);
  check_status(9, VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED);
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_FILE_XFER_START), 0);
  CHECK(log_has("session locked"));

  setup();
  agent_ready_clipboard();
  F.locked = true;
  with_client(false);
  client_xfer_start(10);
  check_status(10, VD_AGENT_FILE_XFER_STATUS_ERROR);
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_FILE_XFER_START), 0);
}

static void test_xfer_forwarded_to_a_ready_agent(void)
{
  setup();
  agent_ready_clipboard();
  with_client(true);
  client_xfer_start(11);
  CHECK_EQ(F.wire.len, 0);
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_FILE_XFER_START), 1);
}

/* --- CLIENT_DISCONNECTED --- */

/* A ready clipboard agent and a client that announced itself, nothing
 * sent to the agent yet. */
static void client_of_a_clipboard_agent(void)
{
  vda_caps client;
  setup();
  agent_ready_clipboard();
  CAPS(&client, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  client_announce(false, &client);
  F.nagent = 0;
}

static void test_client_disconnected_resets_client_port(void)
{
  tbuf t = {0};
  uint8_t mc[28] = {0};
  const char *why = NULL;

  client_of_a_clipboard_agent();

  /* The client goes away in the middle of a message on port 1: only its
   * first 20 bytes (the header) arrive. */
  vda_put_le32(mc, 1);
  wire_msg(&t, 1, VD_AGENT_MONITORS_CONFIG, mc, sizeof(mc), 2048);
  t.len = 8 + 20;
  vda_put_le32(t.p + 4, 20); /* a chunk of just the header */
  CHECK_EQ(vda_reader_push(F.reader, t.p, t.len, &why), VDA_READER_OK);
  tbuf_free(&t);
  host(2, VD_AGENT_CLIENT_DISCONNECTED, NULL, 0);
  CHECK_EQ(F.resets, 1);
  CHECK(!vda_reader_negotiated(F.reader)->peer_known);
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_CLIENT_DISCONNECTED), 1);

  /* A new client's message is read from its own header, not as the rest
   * of the old one. */
  client_monitors_config();
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_MONITORS_CONFIG), 1);
  CHECK_EQ(F.nagent, 2);
}

/* The same, and t holds a
 * CLIPBOARD of UTF-8 text with `size` bytes of text, framed in 2048-byte
 * chunks on the client's port, not yet pushed. */
static void clipboard_on_the_wire(tbuf *t, size_t size)
{
  static uint8_t clip[4 + 8192];
  client_of_a_clipboard_agent();
  vda_put_le32(clip, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(t, 1, VD_AGENT_CLIPBOARD, clip, 4 + size, 2048);
}

/* The client leaves in the middle of a CLIPBOARD: the agent hears
 * CLIENT_DISCONNECTED before the stream's ABORT, so the paste the abort
 * wakes is followed by requests that find no client (not by a REQUEST
 * nobody answers). */
static void test_client_disconnected_before_its_stream_aborts(void)
{
  tbuf t = {0};
  const char *why = NULL;
  size_t gone = 0, abort_at = 0;

  clipboard_on_the_wire(&t, 4096);
  t.len = 8 + 2048; /* the first chunk only */
  CHECK_EQ(vda_reader_push(F.reader, t.p, t.len, &why), VDA_READER_OK);
  tbuf_free(&t);
  CHECK_EQ(count_sent(VDA_IPC_STREAM_BEGIN, VD_AGENT_CLIPBOARD), 1);
  host(2, VD_AGENT_CLIENT_DISCONNECTED, NULL, 0);
  for (size_t i = 0; i < F.nagent; i++) {
    if (F.agent[i].ipc_type == VDA_IPC_MESSAGE &&
        F.agent[i].vd_type == VD_AGENT_CLIENT_DISCONNECTED)
      gone = i + 1;
    if (F.agent[i].ipc_type == VDA_IPC_ABORT)
      abort_at = i + 1;
  }
  CHECK(gone > 0);
  CHECK(abort_at > gone);
  CHECK_EQ(count_sent(VDA_IPC_ABORT, 0), 1);
  CHECK_EQ(F.resets, 1);
}

/* Stream data is batched within one port read, never across reads: a
 * trickling paste shows its progress to the agent read by read. */
static void test_stream_data_flushed_per_read(void)
{
  tbuf t = {0};
  const char *why = NULL;
  size_t data = 0;

  clipboard_on_the_wire(&t, 8192);
  /* One read: the first two chunks. */
  CHECK_EQ(vda_reader_push(F.reader, t.p, 2 * (8 + 2048), &why), VDA_READER_OK);
  CHECK_EQ(count_sent(VDA_IPC_STREAM_BEGIN, VD_AGENT_CLIPBOARD), 1);
  CHECK_EQ(count_sent(VDA_IPC_DATA, 0), 0); /* batched within the read */
  vds_mux_flush(&F.mux);
  CHECK_EQ(count_sent(VDA_IPC_DATA, 0), 1);
  for (size_t i = 0; i < F.nagent; i++)
    if (F.agent[i].ipc_type == VDA_IPC_DATA)
      data += F.agent[i].size;
  CHECK_EQ(data, 2 * 2048 - 20 - 4); /* less the message header and the type */
  vds_mux_flush(&F.mux);             /* nothing new: no empty frame */
  CHECK_EQ(count_sent(VDA_IPC_DATA, 0), 1);
  /* The next read completes the message: its end flushes the rest. */
  CHECK_EQ(vda_reader_push(F.reader, t.p + 2 * (8 + 2048), t.len - 2 * (8 + 2048), &why),
           VDA_READER_OK);
  CHECK_EQ(count_sent(VDA_IPC_DATA, 0), 2);
  CHECK_EQ(count_sent(VDA_IPC_END, 0), 1);
  tbuf_free(&t);
}

/* --- host -> agent forwarding --- */

static void test_host_messages_forwarded_only_to_ready_agent(void)
{
  setup();
  client_monitors_config();
  CHECK_EQ(F.nagent, 0);
  agent_ready_clipboard();
  client_monitors_config();
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_MONITORS_CONFIG), 1);
  /* A type without a row in the table is never forwarded (the reader
   * refuses it first; the mux does not rely on that). */
  vds_mux_reader_ops.on_message(&F.mux, 1, 999, (const uint8_t *)"", 0);
  CHECK_EQ(F.nagent, 1);
}

static void test_gated_host_messages_dropped(void)
{
  uint8_t grab[4];
  uint8_t clip[4 + 300];
  vda_caps caps;

  /* The agent announced no clipboard capability (sharing disabled). */
  setup();
  CAPS(&caps, VD_AGENT_CAP_MONITORS_CONFIG);
  agent_ready(&caps);
  vda_put_le32(grab, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  host(1, VD_AGENT_CLIPBOARD_GRAB, grab, sizeof(grab));
  CHECK_EQ(F.nagent, 0);
  CHECK(log_has("CLIPBOARD_GRAB from the host dropped"));
  memset(clip, 'a', sizeof(clip));
  vda_put_le32(clip, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  host(1, VD_AGENT_CLIPBOARD, clip, sizeof(clip));
  CHECK_EQ(F.nagent, 0); /* no STREAM_BEGIN, DATA or END */
  CHECK(log_has("CLIPBOARD from the host dropped"));
  client_monitors_config(); /* ungated for this agent */
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_MONITORS_CONFIG), 1);

  /* With the capability, the clipboard is streamed to the agent. */
  setup();
  agent_ready_clipboard();
  host(1, VD_AGENT_CLIPBOARD_GRAB, grab, sizeof(grab));
  CHECK_EQ(count_sent(VDA_IPC_MESSAGE, VD_AGENT_CLIPBOARD_GRAB), 1);
  host(1, VD_AGENT_CLIPBOARD, clip, sizeof(clip));
  CHECK_EQ(count_sent(VDA_IPC_STREAM_BEGIN, VD_AGENT_CLIPBOARD), 1);
  CHECK(count_sent(VDA_IPC_DATA, 0) >= 1);
  CHECK_EQ(count_sent(VDA_IPC_END, 0), 1);
}

static void test_stream_not_continued_to_a_new_agent(void)
{
  tbuf t = {0};
  uint8_t clip[4 + 3000];
  const char *why = NULL;

  setup();
  agent_ready_clipboard();
  memset(clip, 'a', sizeof(clip));
  vda_put_le32(clip, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(&t, 1, VD_AGENT_CLIPBOARD, clip, sizeof(clip), 2048);
  /* First chunk: the stream starts, then the agent dies and a new one is
   * ready before the rest arrives. */
  CHECK_EQ(vda_reader_push(F.reader, t.p, 8 + 2048, &why), VDA_READER_OK);
  CHECK_EQ(count_sent(VDA_IPC_STREAM_BEGIN, VD_AGENT_CLIPBOARD), 1);
  F.agent_ready = false;
  vds_mux_agent_gone(&F.mux);
  agent_ready_clipboard();
  F.nagent = 0;
  CHECK_EQ(vda_reader_push(F.reader, t.p + 8 + 2048, t.len - 8 - 2048, &why), VDA_READER_OK);
  CHECK_EQ(F.nagent, 0); /* no DATA or END without its STREAM_BEGIN */
  tbuf_free(&t);
}

static void test_forward_failure_kills_agent(void)
{
  setup();
  agent_ready_clipboard();
  F.agent_full = true;
  client_monitors_config();
  CHECK_EQ(F.kills, 1);
  CHECK(log_has("cannot forward a message"));
  CHECK(!F.agent_ready);
}

/* --- the port's reopen backoff (port.c uses vds_backoff) --- */

static void test_port_reopen_backoff(void)
{
  vds_backoff b;
  uint32_t expect[] = {250, 500, 1000, 2000, 4000, 5000, 5000};
  vds_backoff_init(&b, VDS_OPEN_RETRY_MIN_MS, VDS_OPEN_RETRY_MAX_MS);
  for (unsigned i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
    CHECK_EQ(vds_backoff_on_exit(&b, false), expect[i]);
  vds_backoff_healthy(&b); /* opened: the next failure starts over */
  CHECK_EQ(vds_backoff_on_exit(&b, false), 250);
}

int main(void)
{
  RUN_TEST(test_service_caps_are_what_it_implements);
  RUN_TEST(test_announce_request_answered_with_both_halves);
  RUN_TEST(test_announce_without_request_not_answered);
  RUN_TEST(test_ready_agent_announced_or_port_opened);
  RUN_TEST(test_port_closed_tells_a_ready_agent);
  RUN_TEST(test_refused_clipboard_reaches_agent_as_abort);
  RUN_TEST(test_xfer_refused_without_agent);
  RUN_TEST(test_xfer_refused_while_locked);
  RUN_TEST(test_xfer_forwarded_to_a_ready_agent);
  RUN_TEST(test_client_disconnected_resets_client_port);
  RUN_TEST(test_client_disconnected_before_its_stream_aborts);
  RUN_TEST(test_stream_data_flushed_per_read);
  RUN_TEST(test_host_messages_forwarded_only_to_ready_agent);
  RUN_TEST(test_gated_host_messages_dropped);
  RUN_TEST(test_stream_not_continued_to_a_new_agent);
  RUN_TEST(test_forward_failure_kills_agent);
  RUN_TEST(test_port_reopen_backoff);
  teardown();
  return vda_test_report("test_mux");
}
