/* test_views.c - typed views return the wire values, and refuse what the
 * validators refuse. */
#include <string.h>

#include "vda_le.h"
#include "vda_validate.h"
#include "vda_views.h"
#include "test_wire.h"
#include "vda_test.h"

static const char *why;
static vda_negotiated NX;

static void setup(void)
{
  vda_caps ours, peer;
  CAPS_OF(&ours, GUEST_CAPS);
  vda_caps_init(&peer);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_SELECTION);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  vda_caps_set(&peer, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
  vda_negotiated_init(&NX, &ours);
  vda_negotiated_set_peer(&NX, &peer);
}

static void test_mouse_and_simple(void)
{
  /* Odd offset inside the buffer: views must not need alignment. */
  uint8_t raw[32], *b = raw + 1;
  vda_mouse_state ms;
  vda_display_config dc;
  int32_t max;
  vda_put_le32(b, 1920);
  vda_put_le32(b + 4, 1080);
  vda_put_le32(b + 8, VD_AGENT_RBUTTON_MASK);
  b[12] = 3;
  CHECK_ACCEPTED(vda_parse_mouse_state(b, 13, &ms, &why), why);
  CHECK_EQ(ms.x, 1920);
  CHECK_EQ(ms.y, 1080);
  CHECK_EQ(ms.buttons, VD_AGENT_RBUTTON_MASK);
  CHECK_EQ(ms.display_id, 3);
  CHECK_REFUSED(vda_parse_mouse_state(b, 12, &ms, &why), why);
  vda_put_le32(b, VD_AGENT_DISPLAY_CONFIG);
  vda_put_le32(b + 4, VD_AGENT_ERROR);
  /* REPLY has no view (the agent only sends it): the validator decides. */
  CHECK_ACCEPTED(vda_validate_message(VD_AGENT_REPLY, b, 8, NULL, NULL, &why), why);
  vda_put_le32(b, 9);
  vda_put_le32(b + 4, 16);
  CHECK_ACCEPTED(vda_parse_display_config(b, 8, &dc, &why), why);
  CHECK_EQ(dc.flags, 9);
  CHECK_EQ(dc.depth, 16);
  vda_put_le32(b, (uint32_t)-1);
  CHECK_ACCEPTED(vda_parse_max_clipboard(b, 4, &max, &why), why);
  CHECK(max == -1);
}

static void test_monitors(void)
{
  uint8_t raw[128], *b = raw + 3;
  vda_monitors_config mc;
  vda_monitor m;
  memset(raw, 0, sizeof(raw));
  vda_put_le32(b, 2);
  vda_put_le32(b + 4,
               VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE | VD_AGENT_CONFIG_MONITORS_FLAG_USE_POS);
  vda_put_le32(b + 8, 768);
  vda_put_le32(b + 12, 1024);
  vda_put_le32(b + 16, 32);
  vda_put_le32(b + 20, (uint32_t)-1024);
  vda_put_le32(b + 24, 0);
  vda_put_le32(b + 28, 1080);
  vda_put_le32(b + 32, 1920);
  vda_put_le32(b + 36, 32);
  vda_put_le16(b + 48, 300); /* trailer: monitor 0 mm */
  vda_put_le16(b + 50, 400);
  vda_put_le16(b + 52, 310);
  vda_put_le16(b + 54, 550);
  CHECK_ACCEPTED(vda_parse_monitors_config(b, 56, &NX, NULL, &mc, &why), why);
  CHECK_EQ(mc.count, 2);
  CHECK(mc.has_physical_size);
  vda_monitors_config_get(&mc, 0, &m);
  CHECK_EQ(m.width, 1024);
  CHECK_EQ(m.height, 768);
  CHECK(m.x == -1024);
  CHECK_EQ(m.mm_height, 300);
  CHECK_EQ(m.mm_width, 400);
  vda_monitors_config_get(&mc, 1, &m);
  CHECK_EQ(m.width, 1920);
  CHECK_EQ(m.mm_width, 550);
  CHECK_REFUSED(vda_parse_monitors_config(b, 55, &NX, NULL, &mc, &why), why);
}

static void test_clipboard_views(void)
{
  uint8_t b[64];
  vda_clipboard_grab g;
  vda_clipboard_request rq;
  uint8_t sel = 9;
  setup();
  memset(b, 0, sizeof(b));
  b[0] = VD_AGENT_CLIPBOARD_SELECTION_PRIMARY;
  vda_put_le32(b + 4, 42);
  vda_put_le32(b + 8, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  vda_put_le32(b + 12, VD_AGENT_CLIPBOARD_IMAGE_PNG);
  CHECK_ACCEPTED(vda_parse_clipboard_grab(b, 16, &NX, &g, &why), why);
  CHECK_EQ(g.selection, VD_AGENT_CLIPBOARD_SELECTION_PRIMARY);
  CHECK(g.has_serial);
  CHECK_EQ(g.serial, 42);
  CHECK_EQ(g.ntypes, 2);
  CHECK_EQ(vda_clipboard_grab_type(&g, 1), VD_AGENT_CLIPBOARD_IMAGE_PNG);
  /* Without negotiation the same bytes are 4 types, no serial. */
  CHECK_ACCEPTED(vda_parse_clipboard_grab(b, 16, NULL, &g, &why), why);
  CHECK(!g.has_serial);
  CHECK_EQ(g.ntypes, 4);
  CHECK_EQ(g.selection, 0);
  vda_put_le32(b + 4, VD_AGENT_CLIPBOARD_IMAGE_JPG);
  CHECK_ACCEPTED(vda_parse_clipboard_request(b, 8, &NX, &rq, &why), why);
  CHECK_EQ(rq.type, VD_AGENT_CLIPBOARD_IMAGE_JPG);
  CHECK_EQ(rq.selection, VD_AGENT_CLIPBOARD_SELECTION_PRIMARY);
  CHECK_ACCEPTED(vda_parse_clipboard_release(b, 4, &NX, &sel, &why), why);
  CHECK_EQ(sel, VD_AGENT_CLIPBOARD_SELECTION_PRIMARY);
  memcpy(b + 8, "hello", 5);
  vda_put_le32(b + 4, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  /* CLIPBOARD has no whole-body view (the reader streams it). */
  CHECK_ACCEPTED(vda_validate_message(VD_AGENT_CLIPBOARD, b, 13, &NX, NULL, &why), why);
}

static void test_xfer_views(void)
{
  uint8_t b[64];
  vda_xfer_status st;
  vda_xfer_start s;
  setup();
  vda_put_le32(b, 7);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_ERROR);
  b[8] = VD_AGENT_FILE_XFER_STATUS_ERROR_GLIB_IO;
  vda_put_le32(b + 9, 13);
  CHECK_ACCEPTED(vda_parse_xfer_status(b, 13, &NX, &st, &why), why);
  CHECK(st.has_error);
  CHECK_EQ(st.error_code, 13);
  CHECK_EQ(st.id, 7);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE);
  vda_put_le64(b + 8, 123456789012ull);
  CHECK_ACCEPTED(vda_parse_xfer_status(b, 16, &NX, &st, &why), why);
  CHECK(st.has_free_space);
  CHECK_EQ(st.free_space, 123456789012ull);
  vda_put_le64(b + 4, 3);
  memcpy(b + 12, "abc", 3);
  /* FILE_XFER_DATA reaches the agent as a stream, never as a view. */
  CHECK_ACCEPTED(vda_validate_message(VD_AGENT_FILE_XFER_DATA, b, 15, NULL, NULL, &why), why);
  memcpy(b + 4, "x\0", 2);
  CHECK_ACCEPTED(vda_parse_xfer_start(b, 6, NULL, &s, &why), why);
  CHECK_EQ(s.meta_size, 2);
  CHECK_EQ(s.id, 7);
}

static void test_audio_and_gdi(void)
{
  uint8_t b[128];
  vda_gdi_iter it;
  vda_gdi_entry e;
  uint32_t count = 0;
  b[0] = 1;
  b[1] = 0;
  b[2] = 2;
  vda_put_le16(b + 3, 1000);
  vda_put_le16(b + 5, 65535);
  /* AUDIO_VOLUME_SYNC has no view (nothing consumes it): the validator
     * decides. */
  CHECK_ACCEPTED(vda_validate_message(VD_AGENT_AUDIO_VOLUME_SYNC, b, 7, NULL, NULL, &why), why);
  CHECK_REFUSED(vda_validate_message(VD_AGENT_AUDIO_VOLUME_SYNC, b, 6, NULL, NULL, &why), why);
  vda_put_le32(b, 2);
  vda_put_le32(b + 4, 0);
  vda_put_le32(b + 8, 1);
  vda_put_le32(b + 12, 5);
  vda_put_le32(b + 16, 4);
  memcpy(b + 20, "abc", 4);
  vda_put_le32(b + 24, 1);
  vda_put_le32(b + 28, 0);
  vda_put_le32(b + 32, 6);
  vda_put_le32(b + 36, 2);
  memcpy(b + 40, "z", 2);
  CHECK_ACCEPTED(vda_parse_graphics_info(b, 42, NULL, &it, &count, &why), why);
  CHECK_EQ(count, 2);
  CHECK(vda_gdi_next(&it, &e));
  CHECK_EQ(e.monitor_id, 1);
  CHECK_EQ(e.device_display_id, 5);
  CHECK_EQ(e.address_len, 3);
  CHECK(strcmp(e.address, "abc") == 0);
  CHECK(vda_gdi_next(&it, &e));
  CHECK_EQ(e.channel_id, 1);
  CHECK(strcmp(e.address, "z") == 0);
  CHECK(!vda_gdi_next(&it, &e));
}

int main(void)
{
  RUN_TEST(test_mouse_and_simple);
  RUN_TEST(test_monitors);
  RUN_TEST(test_clipboard_views);
  RUN_TEST(test_xfer_views);
  RUN_TEST(test_audio_and_gdi);
  return vda_test_report("test_views");
}
