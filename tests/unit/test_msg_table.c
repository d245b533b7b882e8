/* The message-type table: one row per type in type order (vda_msg_info_of
 * relies on it), directions, streamed types, gates, and what is derived
 * from it (the service's capabilities, who may send what). */
#include <string.h>

#include "vda_msg_table.h"
#include "vda_test.h"

static void test_rows_in_type_order(void)
{
  size_t n = 0;
  const vda_msg_info *rows = vda_msg_table(&n);
  CHECK_EQ(n, VD_AGENT_END_MESSAGE - 1);
  for (size_t i = 0; i < n; i++) {
    CHECK_EQ(rows[i].type, i + 1);
    CHECK(vda_msg_info_of(rows[i].type) == &rows[i]);
    CHECK(rows[i].name && rows[i].name[0]);
    CHECK(rows[i].from != 0);
    CHECK(rows[i].min <= rows[i].max || rows[i].size_rule != VDA_SIZE_FIXED);
    for (size_t j = 0; j < i; j++)
      CHECK(strcmp(rows[i].name, rows[j].name) != 0);
    /* Whatever comes from the host has a process that handles it. */
    if (rows[i].from & (VDA_FROM_CLIENT | VDA_FROM_SERVER))
      CHECK(rows[i].handled_by != 0);
  }
  CHECK(vda_msg_info_of(0) == NULL);
  CHECK(vda_msg_info_of(VD_AGENT_END_MESSAGE) == NULL);
  CHECK(strcmp(vda_type_name(77), "unknown") == 0);
}

static void test_directions(void)
{
  CHECK(vda_type_from_server(VD_AGENT_MOUSE_STATE));
  CHECK(vda_type_from_server(VD_AGENT_CLIENT_DISCONNECTED));
  CHECK(vda_type_from_server(VD_AGENT_GRAPHICS_DEVICE_INFO));
  CHECK(!vda_type_from_server(VD_AGENT_MONITORS_CONFIG));
  CHECK(vda_type_from_agent(VD_AGENT_FILE_XFER_STATUS));
  CHECK(vda_type_from_agent(VD_AGENT_CLIPBOARD_GRAB));
  CHECK(!vda_type_from_agent(VD_AGENT_FILE_XFER_DATA));
  CHECK(!vda_type_from_agent(VD_AGENT_MOUSE_STATE));
  CHECK(!vda_type_from_agent(99));
  CHECK(vda_type_for_agent(VD_AGENT_FILE_XFER_START));
  CHECK(vda_type_for_agent(VD_AGENT_CLIENT_DISCONNECTED));
  CHECK(!vda_type_for_agent(99));
  /* Only clipboard data and file data are streamed. */
  for (uint32_t t = 1; t < VD_AGENT_END_MESSAGE; t++)
    CHECK_EQ(vda_msg_info_of(t)->streamed, t == VD_AGENT_CLIPBOARD || t == VD_AGENT_FILE_XFER_DATA);
}

static void test_gates(void)
{
  vda_caps ours;
  vda_caps_init(&ours);
  /* File transfer is opt-out (FILE_XFER_DISABLED): never gated. */
  CHECK(vda_type_gate_open(VD_AGENT_FILE_XFER_START, &ours));
  CHECK(vda_type_gate_open(VD_AGENT_ANNOUNCE_CAPABILITIES, &ours));
  CHECK(!vda_type_gate_open(VD_AGENT_CLIPBOARD_GRAB, &ours));
  CHECK(!vda_type_gate_open(VD_AGENT_AUDIO_VOLUME_SYNC, &ours));
  CHECK(!vda_type_gate_open(99, &ours));
  vda_caps_set(&ours, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  CHECK(vda_type_gate_open(VD_AGENT_CLIPBOARD_GRAB, &ours));
  CHECK(vda_type_gate_open(VD_AGENT_CLIPBOARD, &ours));
}

static void test_service_caps_derived(void)
{
  vda_caps c;
  unsigned n = 0;
  vda_caps_service(&c);
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_MAX_CLIPBOARD));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_GUEST_LINEEND_CRLF));
  for (unsigned i = 0; i < VD_AGENT_END_CAP; i++)
    n += vda_caps_has(&c, i);
  CHECK_EQ(n, 2);
}

static void test_bounds_follow_negotiation(void)
{
  vda_limits lim;
  vda_negotiated n;
  vda_caps both;
  uint64_t min, max;
  vda_limits_default(&lim);
  CHECK(vda_msg_bounds(VD_AGENT_CLIPBOARD_REQUEST, NULL, &lim, &min, &max));
  CHECK_EQ(min, 4);
  CHECK_EQ(max, 4);
  vda_caps_init(&both);
  vda_caps_set(&both, VD_AGENT_CAP_CLIPBOARD_SELECTION);
  vda_negotiated_init(&n, &both);
  vda_negotiated_set_peer(&n, &both);
  CHECK(vda_msg_bounds(VD_AGENT_CLIPBOARD_REQUEST, &n, &lim, &min, &max));
  CHECK_EQ(min, 8);
  CHECK_EQ(max, 8);
  CHECK(vda_msg_bounds(VD_AGENT_FILE_XFER_DATA, NULL, &lim, &min, &max));
  CHECK_EQ(max, 12 + (uint64_t)lim.max_file_piece);
  CHECK(!vda_msg_bounds(0, NULL, &lim, &min, &max));
}

int main(void)
{
  RUN_TEST(test_rows_in_type_order);
  RUN_TEST(test_directions);
  RUN_TEST(test_gates);
  RUN_TEST(test_service_caps_derived);
  RUN_TEST(test_bounds_follow_negotiation);
  return vda_test_report("msg_table");
}
