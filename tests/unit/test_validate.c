/*
 * test_validate.c - every VD_AGENT_* type: a valid body, each size boundary
 * one byte short and one byte long, overflowing counts, and the fields that
 * depend on negotiated capabilities.
 */
#include <stdint.h>
#include <string.h>

#include "vda_le.h"
#include "vda_validate.h"
#include "test_wire.h"
#include "vda_test.h"

static const char *why;
static vda_limits L;
static vda_negotiated N0;  /* nothing negotiated (peer unknown) */
static vda_negotiated NX;  /* spice-gtk peer: selection, serial, detailed */
static vda_negotiated NNS; /* ours without SPARSE_MONITORS_CONFIG */
static uint8_t b[70000];

#define OK(type, len, n) CHECK_ACCEPTED(vda_validate_message(type, b, len, n, &L, &why), why)
#define BAD(type, len, n) CHECK_REFUSED(vda_validate_message(type, b, len, n, &L, &why), why)

static void setup(void)
{
  vda_caps ours, peer;
  static const unsigned gtk[] = {0, 1, 2, 4, 5, 6, 12, 14, 16, 17};
  vda_limits_default(&L);
  CAPS_OF(&ours, GUEST_CAPS);
  vda_negotiated_init(&N0, &ours);
  vda_caps_init(&peer);
  for (size_t i = 0; i < sizeof(gtk) / sizeof(gtk[0]); i++)
    vda_caps_set(&peer, gtk[i]);
  vda_negotiated_init(&NX, &ours);
  vda_negotiated_set_peer(&NX, &peer);
  vda_caps_clear(&ours, VD_AGENT_CAP_SPARSE_MONITORS_CONFIG);
  vda_negotiated_init(&NNS, &ours);
  memset(b, 0, sizeof(b));
}

/* A fixed-size type: valid at len, refused one short and one long. */
static void exact(uint32_t type, size_t len, const vda_negotiated *n)
{
  OK(type, len, n);
  if (len > 0)
    BAD(type, len - 1, n);
  BAD(type, len + 1, n);
}

static void test_mouse_state(void)
{
  setup();
  vda_put_le32(b, 100);
  vda_put_le32(b + 4, 200);
  vda_put_le32(b + 8, VD_AGENT_LBUTTON_MASK);
  exact(VD_AGENT_MOUSE_STATE, 13, &N0);
}

static void fill_monitors(uint32_t count, uint32_t flags)
{
  vda_put_le32(b, count);
  vda_put_le32(b + 4, flags);
  for (uint32_t i = 0; i < count && i < 64; i++) {
    uint8_t *m = b + 8 + 20 * i;
    vda_put_le32(m, 768);
    vda_put_le32(m + 4, 1024);
    vda_put_le32(m + 8, 32);
  }
}

static void test_monitors_config(void)
{
  setup();
  fill_monitors(2, 0);
  exact(VD_AGENT_MONITORS_CONFIG, 8 + 2 * 20, &N0);
  fill_monitors(2, VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE |
                       VD_AGENT_CONFIG_MONITORS_FLAG_USE_POS);
  /* The PHYSICAL_SIZE trailer spice-gtk always sends is accepted... */
  exact(VD_AGENT_MONITORS_CONFIG, 8 + 2 * 20 + 2 * 4, &N0);
  /* ...and required when the flag is set. */
  BAD(VD_AGENT_MONITORS_CONFIG, 8 + 2 * 20, &N0);
  fill_monitors(0, 0);
  BAD(VD_AGENT_MONITORS_CONFIG, 28, &N0);
  BAD(VD_AGENT_MONITORS_CONFIG, 8, &N0);
  /* Limit on the count: at the limit accepted, one above refused. */
  L.max_monitors = 4;
  fill_monitors(4, 0);
  OK(VD_AGENT_MONITORS_CONFIG, 8 + 4 * 20, &N0);
  fill_monitors(5, 0);
  BAD(VD_AGENT_MONITORS_CONFIG, 8 + 5 * 20, &N0);
  /* Overflowing counts: 2^30+1 monitors * 20 wraps a u32 to 20; with the
     * configured limit lifted, only 64-bit arithmetic refuses it. */
  L.max_monitors = UINT32_MAX;
  fill_monitors(1, 0);
  vda_put_le32(b, (1u << 30) + 1);
  BAD(VD_AGENT_MONITORS_CONFIG, 28, &N0);
  vda_put_le32(b, UINT32_MAX);
  BAD(VD_AGENT_MONITORS_CONFIG, 28, &N0);
  vda_put_le32(b + 4, VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE);
  vda_put_le32(b, (1u << 29) + 1); /* * 24 wraps a u32 to 24 */
  BAD(VD_AGENT_MONITORS_CONFIG, 8 + 24, &N0);
  vda_limits_default(&L);
  /* Disabled (0x0) monitors need SPARSE_MONITORS_CONFIG. */
  fill_monitors(2, 0);
  vda_put_le32(b + 8 + 20, 0);
  vda_put_le32(b + 8 + 24, 0);
  OK(VD_AGENT_MONITORS_CONFIG, 48, &N0);
  BAD(VD_AGENT_MONITORS_CONFIG, 48, &NNS);
  BAD(VD_AGENT_MONITORS_CONFIG, 48, NULL);
}

static void test_reply(void)
{
  setup();
  vda_put_le32(b, VD_AGENT_MONITORS_CONFIG);
  vda_put_le32(b + 4, VD_AGENT_SUCCESS);
  exact(VD_AGENT_REPLY, 8, &N0);
  vda_put_le32(b + 4, 3);
  BAD(VD_AGENT_REPLY, 8, &N0);
}

static void test_clipboard(void)
{
  setup();
  L.max_clipboard = 16;
  /* Without selection: u32 type + data. */
  vda_put_le32(b, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  OK(VD_AGENT_CLIPBOARD, 4, &N0);
  BAD(VD_AGENT_CLIPBOARD, 3, &N0);
  OK(VD_AGENT_CLIPBOARD, 4 + 16, &N0);
  BAD(VD_AGENT_CLIPBOARD, 4 + 17, &N0);
  vda_put_le32(b, VD_AGENT_CLIPBOARD_NONE);
  OK(VD_AGENT_CLIPBOARD, 4, &N0);
  vda_put_le32(b, VD_AGENT_CLIPBOARD_FILE_LIST + 1);
  BAD(VD_AGENT_CLIPBOARD, 4, &N0);
  /* With selection: prefix + type. */
  memset(b, 0, 8);
  vda_put_le32(b + 4, VD_AGENT_CLIPBOARD_IMAGE_PNG);
  OK(VD_AGENT_CLIPBOARD, 8, &NX);
  BAD(VD_AGENT_CLIPBOARD, 7, &NX);
  OK(VD_AGENT_CLIPBOARD, 8 + 16, &NX);
  BAD(VD_AGENT_CLIPBOARD, 8 + 17, &NX);
  b[0] = VD_AGENT_CLIPBOARD_SELECTION_SECONDARY;
  OK(VD_AGENT_CLIPBOARD, 8, &NX);
  b[0] = VD_AGENT_CLIPBOARD_SELECTION_SECONDARY + 1;
  BAD(VD_AGENT_CLIPBOARD, 8, &NX);
}

static void test_display_config(void)
{
  setup();
  vda_put_le32(b, VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_WALLPAPER);
  exact(VD_AGENT_DISPLAY_CONFIG, 8, &N0);
}

static void test_announce_capabilities(void)
{
  setup();
  vda_put_le32(b, 1);
  OK(VD_AGENT_ANNOUNCE_CAPABILITIES, 4, &N0);
  BAD(VD_AGENT_ANNOUNCE_CAPABILITIES, 3, &N0);
  OK(VD_AGENT_ANNOUNCE_CAPABILITIES, 8, &N0);
  BAD(VD_AGENT_ANNOUNCE_CAPABILITIES, 7, &N0);
  BAD(VD_AGENT_ANNOUNCE_CAPABILITIES, 9, &N0);
  /* Longer arrays than ours are fine, up to the bound. */
  OK(VD_AGENT_ANNOUNCE_CAPABILITIES, 4 + 4 * 10, &N0);
  OK(VD_AGENT_ANNOUNCE_CAPABILITIES, 4 + 4 * VDA_MAX_CAPS_WORDS, &N0);
  BAD(VD_AGENT_ANNOUNCE_CAPABILITIES, 4 + 4 * VDA_MAX_CAPS_WORDS + 1, &N0);
  BAD(VD_AGENT_ANNOUNCE_CAPABILITIES, 4 + 4 * (VDA_MAX_CAPS_WORDS + 1), &N0);
}

static void test_clipboard_grab(void)
{
  setup();
  vda_put_le32(b, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  OK(VD_AGENT_CLIPBOARD_GRAB, 0, &N0);
  OK(VD_AGENT_CLIPBOARD_GRAB, 4, &N0);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 3, &N0);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 5, &N0);
  OK(VD_AGENT_CLIPBOARD_GRAB, 4 * VDA_MAX_GRAB_TYPES, &N0);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 4 * VDA_MAX_GRAB_TYPES + 1, &N0);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 4 * (VDA_MAX_GRAB_TYPES + 1), &N0);
  /* Selection prefix + serial. */
  memset(b, 0, 16);
  vda_put_le32(b + 4, 7);
  vda_put_le32(b + 8, VD_AGENT_CLIPBOARD_IMAGE_PNG);
  OK(VD_AGENT_CLIPBOARD_GRAB, 8, &NX);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 7, &NX);
  OK(VD_AGENT_CLIPBOARD_GRAB, 12, &NX);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 11, &NX);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 13, &NX);
  OK(VD_AGENT_CLIPBOARD_GRAB, 8 + 4 * VDA_MAX_GRAB_TYPES, &NX);
  BAD(VD_AGENT_CLIPBOARD_GRAB, 8 + 4 * VDA_MAX_GRAB_TYPES + 4, &NX);
  b[0] = 3;
  BAD(VD_AGENT_CLIPBOARD_GRAB, 12, &NX);
  /* Unknown types are allowed (a newer peer may offer them). */
  b[0] = 0;
  vda_put_le32(b + 8, 1000);
  OK(VD_AGENT_CLIPBOARD_GRAB, 12, &NX);
}

static void test_clipboard_request(void)
{
  setup();
  vda_put_le32(b, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  exact(VD_AGENT_CLIPBOARD_REQUEST, 4, &N0);
  vda_put_le32(b, VD_AGENT_CLIPBOARD_NONE);
  BAD(VD_AGENT_CLIPBOARD_REQUEST, 4, &N0);
  vda_put_le32(b, VD_AGENT_CLIPBOARD_FILE_LIST + 1);
  BAD(VD_AGENT_CLIPBOARD_REQUEST, 4, &N0);
  memset(b, 0, 8);
  vda_put_le32(b + 4, VD_AGENT_CLIPBOARD_IMAGE_BMP);
  exact(VD_AGENT_CLIPBOARD_REQUEST, 8, &NX);
  b[0] = 9;
  BAD(VD_AGENT_CLIPBOARD_REQUEST, 8, &NX);
}

static void test_clipboard_release(void)
{
  setup();
  exact(VD_AGENT_CLIPBOARD_RELEASE, 0, &N0);
  exact(VD_AGENT_CLIPBOARD_RELEASE, 4, &NX);
  b[0] = VD_AGENT_CLIPBOARD_SELECTION_PRIMARY;
  OK(VD_AGENT_CLIPBOARD_RELEASE, 4, &NX);
  b[0] = 200;
  BAD(VD_AGENT_CLIPBOARD_RELEASE, 4, &NX);
}

static void test_file_xfer_start(void)
{
  setup();
  static const char kf[] = "[vdagent-file-xfer]\nname=a\nsize=1\n";
  vda_put_le32(b, 5);
  memcpy(b + 4, kf, sizeof(kf)); /* with its NUL */
  OK(VD_AGENT_FILE_XFER_START, 4 + sizeof(kf), &N0);
  BAD(VD_AGENT_FILE_XFER_START, 4 + sizeof(kf) - 1, &N0); /* no NUL */
  /* Minimum: id + a lone NUL. */
  b[4] = 0;
  OK(VD_AGENT_FILE_XFER_START, 5, &N0);
  BAD(VD_AGENT_FILE_XFER_START, 4, &N0);
  /* Maximum from configuration. */
  L.max_xfer_start = 64;
  memset(b + 4, 'x', 64);
  b[63] = 0;
  OK(VD_AGENT_FILE_XFER_START, 64, &N0);
  b[64] = 0;
  BAD(VD_AGENT_FILE_XFER_START, 65, &N0);
}

static void test_file_xfer_status(void)
{
  setup();
  vda_put_le32(b, 5);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_CANCELLED);
  exact(VD_AGENT_FILE_XFER_STATUS, 8, &N0);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE);
  BAD(VD_AGENT_FILE_XFER_STATUS, 8, &N0); /* needs detailed errors */
  OK(VD_AGENT_FILE_XFER_STATUS, 8, &NX);
  OK(VD_AGENT_FILE_XFER_STATUS, 16, &NX);
  BAD(VD_AGENT_FILE_XFER_STATUS, 15, &NX);
  BAD(VD_AGENT_FILE_XFER_STATUS, 17, &NX);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_ERROR);
  OK(VD_AGENT_FILE_XFER_STATUS, 8, &N0);
  BAD(VD_AGENT_FILE_XFER_STATUS, 13, &N0); /* detail not negotiated */
  OK(VD_AGENT_FILE_XFER_STATUS, 13, &NX);
  BAD(VD_AGENT_FILE_XFER_STATUS, 12, &NX);
  BAD(VD_AGENT_FILE_XFER_STATUS, 14, &NX);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_SUCCESS);
  BAD(VD_AGENT_FILE_XFER_STATUS, 9, &NX);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_DISABLED);
  OK(VD_AGENT_FILE_XFER_STATUS, 8, &NX);
  vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_DISABLED + 1);
  BAD(VD_AGENT_FILE_XFER_STATUS, 8, &NX);
}

static void test_file_xfer_data(void)
{
  setup();
  L.max_file_piece = 100;
  vda_put_le32(b, 3);
  vda_put_le64(b + 4, 0);
  OK(VD_AGENT_FILE_XFER_DATA, 12, &N0);
  BAD(VD_AGENT_FILE_XFER_DATA, 11, &N0);
  BAD(VD_AGENT_FILE_XFER_DATA, 13, &N0); /* size field says 0 */
  vda_put_le64(b + 4, 100);
  exact(VD_AGENT_FILE_XFER_DATA, 112, &N0);
  vda_put_le64(b + 4, 101);
  BAD(VD_AGENT_FILE_XFER_DATA, 113, &N0); /* over the piece limit */
  vda_put_le64(b + 4, UINT64_MAX);
  BAD(VD_AGENT_FILE_XFER_DATA, 112, &N0);
}

static void test_client_disconnected(void)
{
  setup();
  exact(VD_AGENT_CLIENT_DISCONNECTED, 0, &N0);
}

static void test_max_clipboard(void)
{
  setup();
  vda_put_le32(b, (uint32_t)-1);
  exact(VD_AGENT_MAX_CLIPBOARD, 4, &N0);
  vda_put_le32(b, 0);
  OK(VD_AGENT_MAX_CLIPBOARD, 4, &N0);
  vda_put_le32(b, INT32_MAX);
  OK(VD_AGENT_MAX_CLIPBOARD, 4, &N0);
  vda_put_le32(b, (uint32_t)-2);
  BAD(VD_AGENT_MAX_CLIPBOARD, 4, &N0);
}

static void test_audio_volume_sync(void)
{
  setup();
  b[0] = 1;
  b[1] = 0;
  b[2] = 2;
  exact(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * 2, &N0);
  b[2] = 1;
  exact(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * 1, &N0);
  b[0] = 0; /* capture */
  b[1] = 1; /* muted */
  b[2] = 6;
  exact(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * 6, &N0);
  b[2] = VDA_AUDIO_MAX_CHANNELS;
  exact(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * VDA_AUDIO_MAX_CHANNELS, &N0);
  BAD(VD_AGENT_AUDIO_VOLUME_SYNC, 2, &N0);
}

/* Channel counts no endpoint has are refused, whatever the size says. */
static void test_audio_volume_sync_counts(void)
{
  setup();
  b[0] = 1;
  b[1] = 0;
  b[2] = 0;
  BAD(VD_AGENT_AUDIO_VOLUME_SYNC, 3, &N0);
  BAD(VD_AGENT_AUDIO_VOLUME_SYNC, 5, &N0);
  b[2] = VDA_AUDIO_MAX_CHANNELS + 1;
  BAD(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * (VDA_AUDIO_MAX_CHANNELS + 1), &N0);
  BAD(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * VDA_AUDIO_MAX_CHANNELS, &N0);
  b[2] = 255;
  BAD(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * 255, &N0);
  /* is_playback is a boolean. */
  b[0] = 2;
  b[2] = 2;
  BAD(VD_AGENT_AUDIO_VOLUME_SYNC, 3 + 2 * 2, &N0);
}

static size_t put_gdi_entry(uint8_t *p, const char *addr, uint32_t len)
{
  vda_put_le32(p, 1);
  vda_put_le32(p + 4, 2);
  vda_put_le32(p + 8, 3);
  vda_put_le32(p + 12, len);
  memcpy(p + 16, addr, len);
  return 16 + len;
}

static void test_graphics_device_info(void)
{
  size_t len;
  setup();
  vda_put_le32(b, 0);
  exact(VD_AGENT_GRAPHICS_DEVICE_INFO, 4, &N0);
  vda_put_le32(b, 2);
  len = 4;
  len += put_gdi_entry(b + len, "pci/0000/02.0", 14);
  len += put_gdi_entry(b + len, "pci/0000/03.0", 14);
  exact(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  /* Address not NUL-terminated. */
  len = 4 + put_gdi_entry(b + 4, "pci/0000/02.0", 13);
  vda_put_le32(b, 1);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  /* Embedded NUL. */
  static const char emb[13] = {'p', 'c', 'i', 0, '0', '/', '0', '2', '.', '0', 'x', 'y', 0};
  len = 4 + put_gdi_entry(b + 4, emb, 13);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  /* Empty address (len 0). */
  len = 4 + put_gdi_entry(b + 4, "", 0);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  /* Address length overflowing the message, including wrap-around. */
  len = 4 + put_gdi_entry(b + 4, "abc", 4);
  OK(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  vda_put_le32(b + 4 + 12, UINT32_MAX);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  vda_put_le32(b + 4 + 12, UINT32_MAX - 15);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  /* Count larger than the entries present, including huge counts. */
  vda_put_le32(b + 4 + 12, 4);
  vda_put_le32(b, 2);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  vda_put_le32(b, UINT32_MAX);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  /* Configured maximum. */
  vda_put_le32(b, 1);
  L.max_graphics_info = (uint32_t)len;
  OK(VD_AGENT_GRAPHICS_DEVICE_INFO, len, &N0);
  BAD(VD_AGENT_GRAPHICS_DEVICE_INFO, len + 1, &N0);
}

static void test_unknown_types(void)
{
  setup();
  BAD(0, 0, &N0);
  BAD(VD_AGENT_END_MESSAGE, 0, &N0);
  BAD(0xffffffffu, 4, &N0);
  CHECK(strcmp(vda_type_name(VD_AGENT_GRAPHICS_DEVICE_INFO), "GRAPHICS_DEVICE_INFO") == 0);
  CHECK(strcmp(vda_type_name(77), "unknown") == 0);
}

static void test_header_size_checks(void)
{
  setup();
  CHECK_ACCEPTED(vda_validate_size(VD_AGENT_CLIPBOARD, 4 + L.max_clipboard, &N0, &L, &why), why);
  CHECK_REFUSED(vda_validate_size(VD_AGENT_CLIPBOARD, 5 + L.max_clipboard, &N0, &L, &why), why);
  /* A configured "unlimited" clipboard must not wrap the bound. */
  L.max_clipboard = UINT64_MAX;
  CHECK_ACCEPTED(vda_validate_size(VD_AGENT_CLIPBOARD, 0xffffffffu, &NX, &L, &why), why);
  CHECK_REFUSED(vda_validate_size(VD_AGENT_CLIPBOARD, 7, &NX, &L, &why), why);
  vda_limits_default(&L);
  CHECK_REFUSED(vda_validate_size(VD_AGENT_MOUSE_STATE, 0xffffffffu, &N0, &L, &why), why);
  CHECK_REFUSED(vda_validate_size(99, 0, &N0, &L, &why), why);
  CHECK_EQ(vda_stream_prefix_size(VD_AGENT_CLIPBOARD, &N0), 4);
  CHECK_EQ(vda_stream_prefix_size(VD_AGENT_CLIPBOARD, &NX), 8);
  CHECK_EQ(vda_stream_prefix_size(VD_AGENT_FILE_XFER_DATA, &NX), 12);
  CHECK_EQ(vda_stream_prefix_size(VD_AGENT_MOUSE_STATE, &NX), 0);
  /* Stream prefix: selection checked, body size checked. */
  memset(b, 0, 8);
  vda_put_le32(b + 4, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  CHECK_ACCEPTED(vda_validate_stream_prefix(VD_AGENT_CLIPBOARD, b, 8, 100, &NX, &L, &why), why);
  b[0] = 5;
  CHECK_REFUSED(vda_validate_stream_prefix(VD_AGENT_CLIPBOARD, b, 8, 100, &NX, &L, &why), why);
  CHECK_REFUSED(vda_validate_stream_prefix(VD_AGENT_MOUSE_STATE, b, 8, 100, &NX, &L, &why), why);
  /* NULL negotiated and limits mean nothing negotiated and defaults. */
  vda_put_le32(b, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  CHECK_ACCEPTED(vda_validate_message(VD_AGENT_CLIPBOARD, b, 10, NULL, NULL, &why), why);
  CHECK(vda_type_from_server(VD_AGENT_MOUSE_STATE));
  CHECK(vda_type_from_server(VD_AGENT_CLIENT_DISCONNECTED));
  CHECK(vda_type_from_server(VD_AGENT_GRAPHICS_DEVICE_INFO));
  CHECK(!vda_type_from_server(VD_AGENT_CLIPBOARD));
}

int main(void)
{
  RUN_TEST(test_mouse_state);
  RUN_TEST(test_monitors_config);
  RUN_TEST(test_reply);
  RUN_TEST(test_clipboard);
  RUN_TEST(test_display_config);
  RUN_TEST(test_announce_capabilities);
  RUN_TEST(test_clipboard_grab);
  RUN_TEST(test_clipboard_request);
  RUN_TEST(test_clipboard_release);
  RUN_TEST(test_file_xfer_start);
  RUN_TEST(test_file_xfer_status);
  RUN_TEST(test_file_xfer_data);
  RUN_TEST(test_client_disconnected);
  RUN_TEST(test_max_clipboard);
  RUN_TEST(test_audio_volume_sync);
  RUN_TEST(test_audio_volume_sync_counts);
  RUN_TEST(test_graphics_device_info);
  RUN_TEST(test_unknown_types);
  RUN_TEST(test_header_size_checks);
  return vda_test_report("test_validate");
}
