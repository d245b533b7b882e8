/* test_display_escape.c - the QXL escapes through a fake D3DKMT: the exact
 * bytes against spice-protocol's structs, and the per-adapter first try and
 * remembered outcome (keyed by LUID, never by a name). */
#include <string.h>

#include <spice/qxl_dev.h>
#include <spice/qxl_windows.h>

#include "vda_display_escape.h"
#include "vda_test.h"

/* A fake D3DKMT: display i belongs to adapter luid[i]; each adapter answers
 * the custom escape with custom_status[a] and the monitor one with
 * monitor_status[a]. */
typedef struct kmt {
  uint64_t luid[4];
  bool no_wddm[4];
  uint32_t custom_status[4], monitor_status[4];
  int opens, closes, escapes;
  uint8_t last[64];
  uint32_t last_size;
  uint8_t first[64];
  uint32_t first_size;
} kmt;

static kmt K;

static int adapter_of(uint64_t luid)
{
  for (int i = 0; i < 4; i++)
    if (K.luid[i] == luid)
      return i;
  return 0;
}

static bool k_open(void *ctx, uint32_t device_index, vda_escape_adapter *a, const char **why)
{
  kmt *k = ctx;
  if (device_index >= 4 || k->no_wddm[device_index]) {
    *why = "fake: XPDM driver";
    return false;
  }
  k->opens++;
  a->handle = 100 + device_index;
  a->luid = k->luid[device_index];
  return true;
}

static uint32_t k_escape(void *ctx, const vda_escape_adapter *a, const uint8_t *data, uint32_t size)
{
  kmt *k = ctx;
  uint32_t code;
  int ad = adapter_of(a->luid);
  if (k->escapes == 0 && size <= sizeof(k->first)) {
    memcpy(k->first, data, size);
    k->first_size = size;
  }
  k->escapes++;
  if (size <= sizeof(k->last)) {
    memcpy(k->last, data, size);
    k->last_size = size;
  }
  memcpy(&code, data, 4);
  return code == QXL_ESCAPE_SET_CUSTOM_DISPLAY ? k->custom_status[ad] : k->monitor_status[ad];
}

static void k_close(void *ctx, const vda_escape_adapter *a)
{
  kmt *k = ctx;
  (void)a;
  k->closes++;
}

static const vda_escape_ops KOPS = {k_open, k_escape, k_close};

static void reset(void)
{
  memset(&K, 0, sizeof(K));
  K.luid[0] = 0x3f0; /* two displays on one adapter ... */
  K.luid[1] = 0x3f0;
  K.luid[2] = 0x100000001ull; /* ... and a second adapter */
  K.luid[3] = 0x7;
}

static void test_custom_bytes_match_spice_struct(void)
{
  uint8_t b[VDA_ESCAPE_CUSTOM_SIZE];
  const uint8_t want[16] = {0x01, 0x00, 0x01, 0x00, 0x07, 0x05, 0x00, 0x00,
                            0x23, 0x03, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00};
  QXLEscapeSetCustomDisplay c;
  uint32_t code;
  vda_escape_custom_bytes((vda_mode){1287, 803, 32}, b);
  CHECK(memcmp(b, want, sizeof(want)) == 0);
  memcpy(&code, b, 4);
  memcpy(&c, b + 4, sizeof(c));
  CHECK_EQ(code, QXL_ESCAPE_SET_CUSTOM_DISPLAY);
  CHECK_EQ(c.xres, 1287);
  CHECK_EQ(c.yres, 803);
  CHECK_EQ(c.bpp, 32);
  CHECK_EQ(sizeof(c) + 4, sizeof(b));
}

static void test_monitor_bytes_match_qxlhead(void)
{
  uint8_t b[VDA_ESCAPE_MONITOR_SIZE];
  QXLHead h;
  uint32_t code;
  vda_escape_monitor_bytes(1920, 1080, 1287, 5, b);
  memcpy(&code, b, 4);
  memcpy(&h, b + 4, sizeof(h));
  CHECK_EQ(code, QXL_ESCAPE_MONITOR_CONFIG);
  CHECK_EQ(code, 0x10002);
  CHECK_EQ(h.id, 0);
  CHECK_EQ(h.surface_id, 0);
  CHECK_EQ(h.width, 1920);
  CHECK_EQ(h.height, 1080);
  CHECK_EQ(h.x, 1287);
  CHECK_EQ(h.y, 5);
  CHECK_EQ(h.flags, 0);
  CHECK_EQ(b[12], 0x80); /* width 1920 = 0x780, little-endian at offset 12 */
  CHECK_EQ(b[13], 0x07);
}

/* UTM's virtio-gpu takes the custom escape, not the monitor one. */
static void test_taken_then_remembered(void)
{
  vda_escape_memo memo;
  vda_escape_result r;
  reset();
  memset(&memo, 0, sizeof(memo));
  K.monitor_status[0] = VDA_STATUS_INVALID_PARAMETER;
  CHECK(vda_escape_custom_mode(&KOPS, &K, &memo, 0, (vda_mode){1287, 803, 32}, -10, 20, &r));
  CHECK(r.opened && r.custom && r.learned && !r.monitor);
  CHECK_EQ(r.luid, 0x3f0);
  CHECK_EQ(K.escapes, 2); /* custom, then monitor config */
  CHECK_EQ(K.first_size, VDA_ESCAPE_CUSTOM_SIZE);
  CHECK_EQ(K.last_size, VDA_ESCAPE_MONITOR_SIZE);
  CHECK_EQ(K.last[20], 0); /* x clamped to 0 (offset 4 + 16) */
  CHECK_EQ(K.last[24], 20);
  CHECK_EQ(vda_escape_memo_custom(&memo, 0x3f0), VDA_ESCAPE_TAKEN);
  /* Second size, second display of the same adapter: custom escape again
   * (every size needs it), the refused monitor escape is not retried, and
   * nothing new is learned (no second log line). */
  CHECK(vda_escape_custom_mode(&KOPS, &K, &memo, 1, (vda_mode){1600, 900, 32}, 0, 0, &r));
  CHECK(r.custom && !r.learned);
  CHECK_EQ(K.escapes, 3);
  CHECK_EQ(K.opens, K.closes);
  CHECK_EQ(memo.count, 1);
}

/* viogpudo answers STATUS_INVALID_PARAMETER: tried once per adapter. */
static void test_refused_once_per_adapter(void)
{
  vda_escape_memo memo;
  vda_escape_result r;
  reset();
  memset(&memo, 0, sizeof(memo));
  K.custom_status[0] = VDA_STATUS_INVALID_PARAMETER;
  CHECK(!vda_escape_custom_mode(&KOPS, &K, &memo, 0, (vda_mode){1287, 803, 32}, 0, 0, &r));
  CHECK(r.opened && !r.custom && r.learned);
  CHECK_EQ(r.status, VDA_STATUS_INVALID_PARAMETER);
  CHECK(r.why != NULL);
  CHECK_EQ(K.escapes, 1);
  CHECK(!vda_escape_custom_mode(&KOPS, &K, &memo, 0, (vda_mode){1600, 900, 32}, 0, 0, &r));
  CHECK(!r.learned);
  CHECK_EQ(r.status, VDA_STATUS_INVALID_PARAMETER);
  CHECK_EQ(K.escapes, 1); /* not asked again */
  /* display 1 is on the same adapter (same LUID): not asked either */
  CHECK(!vda_escape_custom_mode(&KOPS, &K, &memo, 1, (vda_mode){1600, 900, 32}, 0, 0, &r));
  CHECK_EQ(K.escapes, 1);
  /* another adapter is asked on its own */
  CHECK(vda_escape_custom_mode(&KOPS, &K, &memo, 2, (vda_mode){1600, 900, 32}, 0, 0, &r));
  CHECK(r.learned && r.custom);
  CHECK_EQ(vda_escape_memo_custom(&memo, 0x3f0), VDA_ESCAPE_REFUSED);
  CHECK_EQ(vda_escape_memo_custom(&memo, 0x100000001ull), VDA_ESCAPE_TAKEN);
  CHECK_EQ(vda_escape_memo_custom(&memo, 0x7), VDA_ESCAPE_UNTRIED);
}

static void test_no_wddm_adapter(void)
{
  vda_escape_memo memo;
  vda_escape_result r;
  reset();
  memset(&memo, 0, sizeof(memo));
  K.no_wddm[3] = true;
  CHECK(!vda_escape_custom_mode(&KOPS, &K, &memo, 3, (vda_mode){800, 600, 32}, 0, 0, &r));
  CHECK(!r.opened && !r.custom && r.why != NULL);
  CHECK_EQ(K.escapes, 0);
  CHECK_EQ(memo.count, 0);
}

static void test_memo_is_bounded(void)
{
  vda_escape_memo memo;
  vda_escape_result r;
  reset();
  memset(&memo, 0, sizeof(memo));
  K.custom_status[3] = VDA_STATUS_NO_MEMORY;
  for (uint32_t i = 0; i < VDA_ESCAPE_MEMO_MAX + 4; i++) {
    K.luid[3] = 50000 + i;
    (void)vda_escape_custom_mode(&KOPS, &K, &memo, 3, (vda_mode){800, 600, 32}, 0, 0, &r);
  }
  CHECK_EQ(memo.count, VDA_ESCAPE_MEMO_MAX);
  CHECK_EQ(K.escapes, VDA_ESCAPE_MEMO_MAX + 4); /* every unknown adapter asked */
  CHECK(strstr(vda_ntstatus_text(VDA_STATUS_INVALID_PARAMETER), "INVALID_PARAMETER") != NULL);
  CHECK(strstr(vda_ntstatus_text(VDA_STATUS_NO_MEMORY), "Wine") != NULL);
}

int main(void)
{
  RUN_TEST(test_custom_bytes_match_spice_struct);
  RUN_TEST(test_monitor_bytes_match_qxlhead);
  RUN_TEST(test_taken_then_remembered);
  RUN_TEST(test_refused_once_per_adapter);
  RUN_TEST(test_no_wddm_adapter);
  RUN_TEST(test_memo_is_bounded);
  return vda_test_report("test_display_escape");
}
