/* The service's router (vdservice/mux.c), agent side, with the fakes of
 * mux_fake.h: the service's own messages deferred behind a large agent
 * message and the cap on them, what an agent may send (table, gates), and
 * the IPC protocol errors that kill it. */
#include <spice/vd_agent.h>
#include <string.h>

#include "agent_policy.h"
#include "mux_fake.h"
#include "vda_ipc.h"
#include "vda_le.h"
#include "vda_test.h"

/* --- back-pressure: the service's messages wait behind a large one --- */

static void test_own_messages_wait_behind_large_agent_message(void)
{
  vda_caps client;
  wmsg m[4];
  bool partial;

  setup();
  agent_ready_clipboard();
  CAPS(&client, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);

  agent_out_begin(VD_AGENT_CLIPBOARD, 5000);
  agent_out_data(3000);           /* one full chunk goes out */
  client_announce(true, &client); /* the service answers... */
  CHECK_EQ(wire_parse(m, 4, &partial), 0);
  CHECK(partial); /* ...but only the clipboard's start is on the wire */
  CHECK_EQ(F.out.ndeferred, 1);

  agent_out_data(2000); /* the clipboard's last byte: the answer follows */
  CHECK_EQ(wire_parse(m, 4, &partial), 2);
  CHECK(!partial);
  CHECK_EQ(m[0].type, VD_AGENT_CLIPBOARD);
  CHECK_EQ(m[0].size, 5000);
  CHECK_EQ(m[1].type, VD_AGENT_ANNOUNCE_CAPABILITIES);
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_END, NULL, 0);
  CHECK_EQ(wire_parse(m, 4, &partial), 2);
  CHECK_EQ(F.kills, 0);
  CHECK(!F.out.broken);
}

static void test_deferred_messages_are_capped(void)
{
  wmsg m[16];
  bool partial;
  size_t n;

  setup();
  agent_ready_clipboard();
  F.locked = true; /* every FILE_XFER_START gets a refusal from the service */
  agent_out_begin(VD_AGENT_CLIPBOARD, 3000);
  agent_out_data(100);
  for (uint32_t id = 1; id <= VDS_PORT_OUT_DEFERRED_MAX + 2; id++)
    client_xfer_start(id);
  CHECK_EQ(F.out.ndeferred, VDS_PORT_OUT_DEFERRED_MAX);
  CHECK_EQ(F.dropped_own, 2);

  agent_out_data(2900);
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_END, NULL, 0);
  n = wire_parse(m, 16, &partial);
  CHECK_EQ(n, 1 + VDS_PORT_OUT_DEFERRED_MAX);
  CHECK(!partial);
  CHECK_EQ(m[0].type, VD_AGENT_CLIPBOARD);
  for (size_t i = 1; i < n; i++) {
    CHECK_EQ(m[i].type, VD_AGENT_FILE_XFER_STATUS);
    CHECK_EQ(vda_le32(m[i].body), i); /* in order */
  }
  CHECK_EQ(F.out.ndeferred, 0);
}

static void test_large_message_ended_early_breaks_the_port(void)
{
  setup();
  agent_ready_clipboard();
  agent_out_begin(VD_AGENT_CLIPBOARD, 3000);
  agent_out_data(100);
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_ABORT, NULL, 0);
  CHECK(F.out.broken);
  CHECK(log_has("aborted before its declared size"));
  CHECK_EQ(F.kills, 0);
}

/* A REPLY the agent's main thread sends while its clipboard thread streams
 * a large message waits behind it, and the agent lives. */
static void test_agent_message_inside_large_message_waits(void)
{
  uint8_t reply[8] = {0};
  wmsg m[4];
  bool partial = false;
  size_t n;
  setup();
  agent_ready_clipboard();
  agent_out_begin(VD_AGENT_CLIPBOARD, 3000);
  agent_out_data(100);
  vda_put_le32(reply, VD_AGENT_MONITORS_CONFIG);
  vda_put_le32(reply + 4, VD_AGENT_SUCCESS);
  agent_msg(VD_AGENT_REPLY, reply, sizeof(reply));
  CHECK_EQ(F.kills, 0);
  CHECK_EQ(F.out.ndeferred, 1);
  agent_out_data(2900);
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_END, NULL, 0);
  n = wire_parse(m, 4, &partial);
  CHECK_EQ(n, 2);
  CHECK(!partial);
  CHECK_EQ(m[0].type, VD_AGENT_CLIPBOARD);
  CHECK_EQ(m[1].type, VD_AGENT_REPLY);
  CHECK_EQ(vda_le32(m[1].body), VD_AGENT_MONITORS_CONFIG);
  CHECK_EQ(F.kills, 0);
}

/* --- agent -> host filtering --- */

static void test_agent_types_filtered_by_table(void)
{
  uint8_t body[16] = {0};
  wmsg m[8];
  bool partial;
  vda_caps caps;

  setup();
  agent_ready_clipboard();
  vda_put_le32(body, VD_AGENT_MONITORS_CONFIG);
  agent_msg(VD_AGENT_REPLY, body, 8);        /* passes */
  agent_msg(VD_AGENT_MOUSE_STATE, body, 13); /* the server's */
  CHECK(log_has("MOUSE_STATE"));
  agent_msg(VD_AGENT_ANNOUNCE_CAPABILITIES, body, 8); /* the service's */
  CHECK(log_has("ANNOUNCE_CAPABILITIES"));
  agent_msg(999, body, 4); /* unknown */
  CHECK(log_has("999"));
  agent_msg(VD_AGENT_CLIPBOARD_GRAB, body, 4); /* gate open: passes */
  agent_msg(VD_AGENT_FILE_XFER_STATUS, body, 8);
  CHECK_EQ(wire_parse(m, 8, &partial), 3);
  CHECK_EQ(m[0].type, VD_AGENT_REPLY);
  CHECK_EQ(m[1].type, VD_AGENT_CLIPBOARD_GRAB);
  CHECK_EQ(m[2].type, VD_AGENT_FILE_XFER_STATUS);
  CHECK_EQ(F.kills, 0);

  /* An agent without the clipboard capability may not grab. */
  setup();
  CAPS(&caps, VD_AGENT_CAP_REPLY);
  agent_ready(&caps);
  agent_msg(VD_AGENT_CLIPBOARD_GRAB, body, 4);
  CHECK_EQ(F.wire.len, 0);
  CHECK(log_has("CLIPBOARD_GRAB without announcing its capability"));

  /* Nor send a large clipboard: swallowed to its end, the port intact. */
  agent_out_begin(VD_AGENT_CLIPBOARD, 3000);
  agent_out_data(3000);
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_END, NULL, 0);
  CHECK_EQ(F.wire.len, 0);
  CHECK_EQ(F.kills, 0);
  CHECK(!F.out.broken);
}

static void test_agent_message_dropped_while_port_closed(void)
{
  uint8_t body[8] = {0};
  setup();
  agent_ready_clipboard();
  F.port_open = false;
  agent_msg(VD_AGENT_REPLY, body, 8);
  CHECK_EQ(F.wire.len, 0);
  CHECK(log_has("port closed"));
  CHECK_EQ(F.kills, 0);
}

static void test_ipc_protocol_errors_kill(void)
{
  uint8_t p[8] = {0};

  setup();
  agent_ready_clipboard();
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_DATA, p, 8); /* outside a large message */
  CHECK_EQ(F.kills, 1);

  setup();
  agent_ready_clipboard();
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_END, NULL, 0);
  CHECK_EQ(F.kills, 1);

  setup();
  agent_ready_clipboard();
  agent_out_begin(VD_AGENT_REPLY, 8); /* not a streamed type */
  CHECK_EQ(F.kills, 1);

  setup();
  agent_ready_clipboard();
  agent_out_begin(VD_AGENT_CLIPBOARD, 100);
  agent_out_begin(VD_AGENT_CLIPBOARD, 100); /* nested */
  CHECK_EQ(F.kills, 1);

  setup();
  agent_ready_clipboard();
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_HELLO_ACK, p, 8); /* the service's frame */
  CHECK_EQ(F.kills, 1);
  CHECK(log_has("only the service sends"));

  setup();
  agent_ready_clipboard();
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_MESSAGE, p, 3); /* no type */
  CHECK_EQ(F.kills, 1);
}

int main(void)
{
  RUN_TEST(test_own_messages_wait_behind_large_agent_message);
  RUN_TEST(test_deferred_messages_are_capped);
  RUN_TEST(test_large_message_ended_early_breaks_the_port);
  RUN_TEST(test_agent_message_inside_large_message_waits);
  RUN_TEST(test_agent_types_filtered_by_table);
  RUN_TEST(test_agent_message_dropped_while_port_closed);
  RUN_TEST(test_ipc_protocol_errors_kill);
  teardown();
  return vda_test_report("test_mux_agent");
}
