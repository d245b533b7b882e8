/* test_caps.c - capability sets, ANNOUNCE_CAPABILITIES parsing, and the
 * negotiated helpers. */
#include <string.h>

#include "vda_caps.h"
#include "vda_msg_table.h"
#include "vda_le.h"
#include "test_wire.h"
#include "vda_test.h"

static const char *why;

static void test_set_clear_has(void)
{
  vda_caps c;
  vda_caps_init(&c);
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_MOUSE_STATE));
  vda_caps_set(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB));
  vda_caps_clear(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  /* Bits we do not know are ignored, never out of bounds. */
  vda_caps_set(&c, VD_AGENT_END_CAP);
  vda_caps_set(&c, 1000);
  CHECK(!vda_caps_has(&c, VD_AGENT_END_CAP));
  CHECK(!vda_caps_has(&c, 1000));
}

/* The service's own half: exactly CRLF and MAX_CLIPBOARD, nothing of the
 * session agent's features. */
static void test_service_caps(void)
{
  vda_caps c;
  unsigned n = 0;
  vda_caps_init(&c);
  vda_caps_set(&c, VD_AGENT_CAP_MOUSE_STATE); /* overwritten, not merged */
  vda_caps_service(&c);
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_GUEST_LINEEND_CRLF));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_MAX_CLIPBOARD));
  for (unsigned i = 0; i < VD_AGENT_END_CAP; i++)
    n += vda_caps_has(&c, i);
  CHECK_EQ(n, 2);
}

static void test_cap_names(void)
{
  CHECK(strcmp(vda_cap_name(VD_AGENT_CAP_MOUSE_STATE), "MOUSE_STATE") == 0);
  CHECK(strcmp(vda_cap_name(VD_AGENT_CAP_GUEST_LINEEND_CRLF), "GUEST_LINEEND_CRLF") == 0);
  CHECK(strcmp(vda_cap_name(VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL), "CLIPBOARD_GRAB_SERIAL") == 0);
  CHECK(strcmp(vda_cap_name(VD_AGENT_END_CAP), "unknown") == 0);
  CHECK(strcmp(vda_cap_name(100000), "unknown") == 0);
  /* Every bit this build knows has its own name. */
  for (unsigned i = 0; i < VD_AGENT_END_CAP; i++) {
    CHECK(strcmp(vda_cap_name(i), "unknown") != 0);
    for (unsigned j = 0; j < i; j++)
      CHECK(strcmp(vda_cap_name(i), vda_cap_name(j)) != 0);
  }
}

static void test_parse(void)
{
  uint8_t b[4 + 4 * 300];
  vda_caps c;
  uint32_t request = 7;
  memset(b, 0, sizeof(b));
  vda_put_le32(b, 1);
  vda_put_le32(b + 4, (1u << VD_AGENT_CAP_CLIPBOARD_SELECTION) | (1u << VD_AGENT_CAP_MOUSE_STATE));
  CHECK_ACCEPTED(vda_caps_parse(b, 8, &c, &request, &why), why);
  CHECK_EQ(request, 1);
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_SELECTION));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_MOUSE_STATE));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_REPLY));
  /* An empty array: the peer has nothing. */
  CHECK_ACCEPTED(vda_caps_parse(b, 4, &c, &request, &why), why);
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_MOUSE_STATE));
  /* Longer than ours, with unknown bits set everywhere: ignored. */
  memset(b + 4, 0xff, 4 * 10);
  CHECK_ACCEPTED(vda_caps_parse(b, 4 + 4 * 10, &c, &request, &why), why);
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  CHECK(!vda_caps_has(&c, VD_AGENT_END_CAP));
  if (VD_AGENT_END_CAP % 32 != 0)
    CHECK_EQ(c.words[VD_AGENT_CAPS_SIZE - 1] >> (VD_AGENT_END_CAP % 32), 0);
  /* Refusals leave an empty set. */
  CHECK_REFUSED(vda_caps_parse(b, 3, &c, &request, &why), why);
  CHECK_REFUSED(vda_caps_parse(b, 6, &c, &request, &why), why);
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_MOUSE_STATE));
  CHECK_ACCEPTED(vda_caps_parse(b, 4 + 4 * 256, &c, &request, &why), why);
  CHECK_REFUSED(vda_caps_parse(b, 4 + 4 * 257, &c, &request, &why), why);
}

static void test_negotiated(void)
{
  vda_caps ours, peer;
  vda_negotiated n;
  CAPS_OF(&ours, GUEST_CAPS);
  vda_negotiated_init(&n, &ours);
  /* Peer unknown: no extension. */
  CHECK(!n.peer_known);
  CHECK(!vda_use_selection(&n));
  CHECK(!vda_use_grab_serial(&n));
  CHECK(!vda_use_no_release_on_regrab(&n));
  CHECK(!vda_use_detailed_errors(&n));
  CHECK(!vda_use_monitor_position(&n));
  /* Ours-only bits do not need the peer. */
  CHECK(vda_use_sparse_monitors(&n));
  /* spice-gtk's set. */
  vda_caps_init(&peer);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_SELECTION);
  vda_caps_set(&peer, VD_AGENT_CAP_MONITORS_CONFIG_POSITION);
  vda_caps_set(&peer, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  vda_negotiated_set_peer(&n, &peer);
  CHECK(n.peer_known);
  CHECK(vda_use_selection(&n));
  CHECK(vda_use_grab_serial(&n));
  CHECK(vda_use_no_release_on_regrab(&n));
  CHECK(vda_use_detailed_errors(&n));
  CHECK(vda_use_monitor_position(&n));
  CHECK(vda_use_clipboard_by_demand(&n));
  /* Both sides needed for the extended formats. */
  vda_caps_clear(&ours, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  n.ours = ours;
  CHECK(!vda_use_grab_serial(&n));
  CHECK(vda_negotiated_both(&n, VD_AGENT_CAP_CLIPBOARD_SELECTION));
  vda_negotiated_clear_peer(&n);
  CHECK(!vda_use_selection(&n));
  CHECK(!n.peer_known);
}

static void test_union(void)
{
  vda_caps a, b, u;
  vda_caps_init(&a);
  vda_caps_init(&b);
  vda_caps_set(&a, VD_AGENT_CAP_MOUSE_STATE);
  vda_caps_set(&b, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  vda_caps_union(&u, &a, &b);
  CHECK(vda_caps_has(&u, VD_AGENT_CAP_MOUSE_STATE));
  CHECK(vda_caps_has(&u, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  CHECK(!vda_caps_has(&u, VD_AGENT_CAP_REPLY));
  vda_caps_union(&a, &a, &b); /* aliasing the output is allowed */
  CHECK(vda_caps_has(&a, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
}

int main(void)
{
  RUN_TEST(test_union);
  RUN_TEST(test_set_clear_has);
  RUN_TEST(test_parse);
  RUN_TEST(test_negotiated);
  RUN_TEST(test_service_caps);
  RUN_TEST(test_cap_names);
  return vda_test_report("test_caps");
}
