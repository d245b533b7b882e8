/* test_display_plan.c - MONITORS_CONFIG to a display plan: request copies,
 * display id mapping (QXL, mirror drivers, passed-through GPUs,
 * GRAPHICS_DEVICE_INFO), mode selection (exact, custom, fallback), sparse
 * configs and multi-monitor layouts. */
#include <string.h>

#include "vda_display_plan.h"
#include "layout_check.h"
#include "vda_le.h"
#include "test_wire.h"
#include "vda_test.h"

static const char *why;
static vda_display_set S;
static vda_display_request RQ;
static vda_display_plan P;

static const vda_mode STD[] = {
    {640, 480, 32},   {800, 600, 32},   {1024, 768, 32},  {1280, 720, 32},
    {1280, 1024, 32}, {1920, 1080, 32}, {2560, 1440, 32}, {1024, 768, 16},
};

static vda_guest_display *add(vda_adapter_kind kind, int qxl_id, bool attached)
{
  vda_guest_display *g = &S.d[S.count];
  memset(g, 0, sizeof(*g));
  g->device_index = S.count++;
  g->kind = kind;
  g->has_qxl_id = qxl_id >= 0;
  g->qxl_id = qxl_id >= 0 ? (uint32_t)qxl_id : 0;
  g->attached = attached;
  g->current = (vda_mode){1024, 768, 32};
  for (size_t i = 0; i < sizeof(STD) / sizeof(STD[0]); i++)
    CHECK(vda_display_add_mode(g, STD[i]));
  return g;
}

static void reset(void)
{
  memset(&S, 0, sizeof(S));
  memset(&RQ, 0, sizeof(RQ));
}

static void req(uint32_t i, uint32_t w, uint32_t h, int32_t x, int32_t y)
{
  RQ.mon[i] = (vda_display_req_mon){w, h, 32, x, y, 0, 0};
  if (RQ.count <= i)
    RQ.count = i + 1;
}

static const vda_display_target *target_of(uint32_t guest)
{
  for (uint32_t k = 0; k < P.count; k++)
    if (P.t[k].guest == guest)
      return &P.t[k];
  return NULL;
}

static bool planned_layout_is_normal(void)
{
  vda_rect r[VDA_DISPLAY_MAX];
  uint32_t n = 0, primary = 99;
  for (uint32_t k = 0; k < P.count; k++) {
    if (!P.t[k].enable)
      continue;
    if (P.t[k].primary)
      primary = n;
    r[n++] = (vda_rect){P.t[k].x, P.t[k].y, P.t[k].mode.width, P.t[k].mode.height};
  }
  return primary != 99 && layout_is_normal(r, n, primary);
}

/* --- request copies ---------------------------------------------------- */

static size_t build_config(uint8_t *b, uint32_t n, uint32_t flags, const uint32_t (*m)[5])
{
  size_t size = 8 + 20 * (size_t)n;
  vda_put_le32(b, n);
  vda_put_le32(b + 4, flags);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *e = b + 8 + 20 * i;
    vda_put_le32(e, m[i][1]); /* height first on the wire */
    vda_put_le32(e + 4, m[i][0]);
    vda_put_le32(e + 8, m[i][2]);
    vda_put_le32(e + 12, m[i][3]);
    vda_put_le32(e + 16, m[i][4]);
  }
  if (flags & VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE) {
    for (uint32_t i = 0; i < n; i++) {
      vda_put_le16(b + size, 300);
      vda_put_le16(b + size + 2, 500);
      size += 4;
    }
  }
  return size;
}

static void negotiated(vda_negotiated *nx, bool client_pos)
{
  vda_caps ours, peer;
  CAPS_OF(&ours, GUEST_CAPS);
  vda_caps_init(&peer);
  if (client_pos)
    vda_caps_set(&peer, VD_AGENT_CAP_MONITORS_CONFIG_POSITION);
  vda_negotiated_init(nx, &ours);
  vda_negotiated_set_peer(nx, &peer);
}

static void test_request_from_config(void)
{
  static uint8_t b[8 + 24 * 20];
  const uint32_t m[2][5] = {{1920, 1080, 32, (uint32_t)-1920, 0}, {1024, 768, 32, 0, 0}};
  vda_monitors_config mc;
  vda_negotiated nx;
  size_t size;
  uint32_t flags =
      VD_AGENT_CONFIG_MONITORS_FLAG_USE_POS | VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE;
  negotiated(&nx, true);
  size = build_config(b, 2, flags, m);
  CHECK_ACCEPTED(vda_parse_monitors_config(b, size, &nx, NULL, &mc, &why), why);
  CHECK_ACCEPTED(vda_display_request_from_config(&mc, &nx, &RQ, &why), why);
  CHECK_EQ(RQ.count, 2);
  CHECK(RQ.use_pos);
  CHECK_EQ(RQ.mon[0].width, 1920);
  CHECK_EQ(RQ.mon[0].height, 1080);
  CHECK(RQ.mon[0].x == -1920);
  /* The physical size is kept for the DPI step, the pixels untouched. */
  CHECK_EQ(RQ.mon[0].mm_width, 500);
  CHECK_EQ(RQ.mon[0].mm_height, 300);
  CHECK_EQ(RQ.mon[1].mm_width, 500);
  CHECK_EQ(RQ.mon[1].width, 1024);
  size = build_config(b, 2, VD_AGENT_CONFIG_MONITORS_FLAG_USE_POS, m);
  CHECK_ACCEPTED(vda_parse_monitors_config(b, size, &nx, NULL, &mc, &why), why);
  CHECK_ACCEPTED(vda_display_request_from_config(&mc, &nx, &RQ, &why), why);
  CHECK_EQ(RQ.mon[0].mm_width, 0); /* no trailer: no size, no DPI step */
  CHECK_EQ(RQ.mon[0].mm_height, 0);
  size = build_config(b, 2, flags, m);
  CHECK_ACCEPTED(vda_parse_monitors_config(b, size, &nx, NULL, &mc, &why), why);
  /* USE_POS from a client that did not announce MONITORS_CONFIG_POSITION
     * is not honoured (nor without negotiation at all). */
  negotiated(&nx, false);
  CHECK_ACCEPTED(vda_display_request_from_config(&mc, &nx, &RQ, &why), why);
  CHECK(!RQ.use_pos);
  CHECK_ACCEPTED(vda_display_request_from_config(&mc, NULL, &RQ, &why), why);
  CHECK(!RQ.use_pos);
}

static void test_request_sparse_and_refusals(void)
{
  static uint8_t b[8 + 24 * 20];
  uint32_t m[16][5];
  vda_monitors_config mc;
  vda_negotiated nx;
  size_t size;
  negotiated(&nx, true);
  memset(m, 0, sizeof(m));
  m[0][0] = 800;
  m[0][1] = 600;
  m[0][2] = 32;
  m[5][0] = 1024;
  m[5][1] = 768;
  size = build_config(b, 16, VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE, m);
  CHECK_ACCEPTED(vda_parse_monitors_config(b, size, &nx, NULL, &mc, &why), why);
  CHECK_ACCEPTED(vda_display_request_from_config(&mc, &nx, &RQ, &why), why);
  CHECK_EQ(RQ.count, 16);
  CHECK_EQ(RQ.mon[1].width, 0);
  CHECK_EQ(RQ.mon[5].width, 1024);
  CHECK_EQ(RQ.mon[5].depth, 0);
  m[5][0] = 16385;
  size = build_config(b, 16, 0, m);
  CHECK_ACCEPTED(vda_parse_monitors_config(b, size, &nx, NULL, &mc, &why), why);
  CHECK_REFUSED(vda_display_request_from_config(&mc, &nx, &RQ, &why), why);
  CHECK_EQ(RQ.count, 0);
  m[5][0] = 1024;
  m[5][2] = 33;
  size = build_config(b, 16, 0, m);
  CHECK_ACCEPTED(vda_parse_monitors_config(b, size, &nx, NULL, &mc, &why), why);
  CHECK_REFUSED(vda_display_request_from_config(&mc, &nx, &RQ, &why), why);
}

/* --- display id mapping --------------------------------------------------- */

static void test_ids_qxl_by_device_id(void)
{
  int32_t ids[VDA_DISPLAY_MAX];
  reset();
  add(VDA_ADAPTER_QXL, 1, true);
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, -1, false); /* no QxlDeviceID: lowest free id */
  vda_display_map_ids(&S, NULL, ids);
  CHECK(ids[0] == 1);
  CHECK(ids[1] == 0);
  CHECK(ids[2] == 2);
  CHECK(ids[3] == -1);
}

static void test_ids_mirror_first(void)
{
  int32_t ids[VDA_DISPLAY_MAX];
  reset();
  add(VDA_ADAPTER_MIRROR, -1, false);
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, 1, true);
  vda_display_map_ids(&S, NULL, ids);
  CHECK(ids[0] == 1);
  CHECK(ids[1] == 2);
  /* Without QXL, enumeration order, mirror still skipped. */
  reset();
  add(VDA_ADAPTER_MIRROR, -1, true);
  add(VDA_ADAPTER_OTHER, -1, true);
  add(VDA_ADAPTER_OTHER, -1, true);
  vda_display_map_ids(&S, NULL, ids);
  CHECK(ids[0] == 1);
  CHECK(ids[1] == 2);
  CHECK(ids[2] == -1);
}

static void test_ids_qxl_with_passthrough_gpu(void)
{
  int32_t ids[VDA_DISPLAY_MAX];
  reset();
  add(VDA_ADAPTER_OTHER, -1, true)->primary = true; /* the passed GPU */
  add(VDA_ADAPTER_OTHER, -1, true);
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, -1, true);
  vda_display_map_ids(&S, NULL, ids);
  CHECK(ids[0] == 2);
  CHECK(ids[1] == 3);
  CHECK(ids[2] == -1); /* the GPU heads are not client displays */
}

static void test_ids_duplicate_and_large_qxl_ids(void)
{
  int32_t ids[VDA_DISPLAY_MAX];
  reset();
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, 0, true)->qxl_id = 4000000000u;
  vda_display_map_ids(&S, NULL, ids);
  CHECK(ids[0] == 0);
  CHECK(ids[1] == 1);
  CHECK(ids[2] == 2);
}

static void test_ids_from_graphics_device_info(void)
{
  uint8_t b[256];
  vda_gdi_iter it;
  uint32_t count;
  vda_display_idmap map;
  int32_t ids[VDA_DISPLAY_MAX];
  size_t o = 4;
  /* {channel, monitor, device_display_id, address} entries. */
  const struct {
    uint32_t ch, mon, dev;
    const char *addr;
  } e[] = {
      {0, 0, 1, "pci/0000/05.0"},  /* id 0 -> second head of 05.0 */
      {1, 0, 0, "pci/0000/02.0"},  /* id 1 -> the QXL */
      {0, 1, 9, "pci/0000/02.0"},  /* id 1 again: skipped (first wins) */
      {20, 0, 0, "pci/0000/02.0"}, /* id 20: skipped */
  };
  vda_put_le32(b, 4);
  for (int i = 0; i < 4; i++) {
    uint32_t len = (uint32_t)strlen(e[i].addr) + 1;
    vda_put_le32(b + o, e[i].ch);
    vda_put_le32(b + o + 4, e[i].mon);
    vda_put_le32(b + o + 8, e[i].dev);
    vda_put_le32(b + o + 12, len);
    memcpy(b + o + 16, e[i].addr, len);
    o += 16 + len;
  }
  CHECK_ACCEPTED(vda_parse_graphics_info(b, o, NULL, &it, &count, &why), why);
  vda_display_idmap_from_gdi(it, &map);
  CHECK_EQ(map.count, 2);
  CHECK_EQ(map.skipped, 2);
  reset();
  add(VDA_ADAPTER_QXL, 0, true);
  strcpy(S.d[0].address, "pci/0000/02.0");
  add(VDA_ADAPTER_OTHER, -1, true);
  strcpy(S.d[1].address, "pci/0000/05.0");
  add(VDA_ADAPTER_OTHER, -1, true);
  strcpy(S.d[2].address, "pci/0000/05.0");
  S.d[2].output = 1;
  vda_display_map_ids(&S, &map, ids);
  CHECK(ids[0] == 2); /* the GPU head named by the server */
  CHECK(ids[1] == 0); /* the QXL, by address, not by QxlDeviceID 0 */
  CHECK(ids[2] == -1);
}

/* --- modes ------------------------------------------------------------ */

static void test_exact_mode(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, true)->primary = true;
  req(0, 1920, 1080, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(P.exact);
  CHECK_EQ(P.count, 1);
  CHECK_EQ(P.t[0].source, VDA_MODE_EXACT);
  CHECK_EQ(P.t[0].mode.width, 1920);
  CHECK_EQ(P.t[0].mode.depth, 32);
  CHECK(P.t[0].primary && P.t[0].changed && P.t[0].enable);
  /* Same as current: nothing to stage. */
  req(0, 1024, 768, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(P.exact);
  CHECK(!P.t[0].changed);
  /* Depth: 16 is listed for 1024x768; 0 keeps the current depth. */
  RQ.mon[0].depth = 16;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].mode.depth, 16);
  RQ.mon[0].depth = 0;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].mode.depth, 32);
}

static void test_custom_mode_route(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, true)->custom_modes = true;
  req(0, 1287, 803, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].source, VDA_MODE_CUSTOM);
  CHECK_EQ(P.t[0].mode.width, 1287);
  CHECK_EQ(P.t[0].mode.height, 803);
  CHECK(P.exact);
  /* The route follows what the adapter was found to take, not its kind:
   * UTM's virtio-gpu (not QXL) takes the escape ... */
  S.d[0].kind = VDA_ADAPTER_OTHER;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].source, VDA_MODE_CUSTOM);
  /* ... and an adapter that refused it (viogpudo) gets the fallback. */
  S.d[0].custom_modes = false;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].source, VDA_MODE_FALLBACK);
  CHECK(!P.exact);
}

static void test_fallback_largest_that_fits(void)
{
  reset();
  add(VDA_ADAPTER_OTHER, -1, true);
  req(0, 1287, 803, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].source, VDA_MODE_FALLBACK);
  CHECK_EQ(P.t[0].mode.width, 1280); /* 1280x720 beats 1024x768 on area */
  CHECK_EQ(P.t[0].mode.height, 720);
  CHECK(!P.exact);
  CHECK_EQ(P.fallbacks, 1);
  CHECK_EQ(P.t[0].requested.width, 1287);
}

static void test_fallback_equal_area_ties(void)
{
  vda_guest_display *g;
  reset();
  g = add(VDA_ADAPTER_OTHER, -1, true);
  g->nmodes = 0;
  CHECK(vda_display_add_mode(g, (vda_mode){1280, 1000, 32}));
  CHECK(vda_display_add_mode(g, (vda_mode){1600, 800, 32}));
  CHECK(vda_display_add_mode(g, (vda_mode){1600, 800, 32})); /* dup */
  CHECK_EQ(g->nmodes, 2);
  req(0, 2000, 1000, 0, 0); /* 2:1, same area: the 2:1 mode wins */
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].mode.width, 1600);
  /* 1:1 request: 500x800 (0.625) is closer than 800x500 (1.6). */
  g->nmodes = 0;
  CHECK(vda_display_add_mode(g, (vda_mode){800, 500, 32}));
  CHECK(vda_display_add_mode(g, (vda_mode){500, 800, 32}));
  req(0, 1000, 1000, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].mode.width, 500);
  /* Same area, same aspect distance (1 and 4 around 2.5): the wider. */
  g->nmodes = 0;
  CHECK(vda_display_add_mode(g, (vda_mode){600, 600, 32}));
  CHECK(vda_display_add_mode(g, (vda_mode){1200, 300, 32}));
  req(0, 2500, 1000, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].mode.width, 1200);
}

static void test_no_mode_fits(void)
{
  vda_guest_display *g;
  reset();
  g = add(VDA_ADAPTER_OTHER, -1, true);
  req(0, 320, 200, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].source, VDA_MODE_FALLBACK);
  CHECK_EQ(P.t[0].mode.width, 640); /* the smallest listed */
  CHECK(!P.exact);
  /* No list at all: the current mode. */
  g->nmodes = 0;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.t[0].mode.width, 1024);
  CHECK(!P.exact);
  /* Not even a current mode: left as it is, and not exact. */
  g->current = (vda_mode){0, 0, 0};
  g->attached = false;
  add(VDA_ADAPTER_OTHER, -1, true);
  req(1, 800, 600, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(!P.t[0].enable);
  CHECK_EQ(P.t[0].source, VDA_MODE_KEEP);
  CHECK(P.t[1].enable && P.t[1].primary);
  CHECK(!P.exact);
}

/* --- sparse configs and refusals --------------------------------------- */

static void test_sparse_sixteen_entries(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, true)->primary = true;
  add(VDA_ADAPTER_QXL, 1, true);
  add(VDA_ADAPTER_QXL, 2, false);
  for (uint32_t i = 0; i < 16; i++)
    req(i, 0, 0, 0, 0);
  req(0, 1280, 720, 0, 0);
  req(2, 800, 600, 0, 0);
  CHECK_EQ(RQ.count, 16);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(P.exact);
  CHECK_EQ(P.unmapped, 0);
  CHECK(target_of(0)->enable);
  CHECK(!target_of(1)->enable); /* 0x0: detach */
  CHECK_EQ(target_of(1)->source, VDA_MODE_DETACH);
  CHECK(target_of(1)->changed);
  CHECK(target_of(2)->enable); /* was detached: attach */
  CHECK(target_of(2)->changed);
  CHECK(target_of(2)->x == 1280);
  CHECK(planned_layout_is_normal());
}

static void test_omitted_managed_display_detached(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, 1, true);
  req(0, 1024, 768, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(!target_of(1)->enable);
  CHECK_EQ(target_of(1)->source, VDA_MODE_DETACH);
}

static void test_display_id_beyond_adapters(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, 1, true);
  req(0, 1024, 768, 0, 0);
  req(1, 1024, 768, 1024, 0);
  req(2, 800, 600, 2048, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.unmapped, 1);
  CHECK(!P.exact);
  CHECK(target_of(0)->enable && target_of(1)->enable);
  /* Only unmappable monitors, or all disabled: refused. */
  memset(&RQ, 0, sizeof(RQ));
  req(5, 800, 600, 0, 0);
  CHECK_REFUSED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  memset(&RQ, 0, sizeof(RQ));
  req(0, 0, 0, 0, 0);
  req(1, 0, 0, 0, 0);
  CHECK_REFUSED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
}

static void test_zero_guest_displays(void)
{
  reset();
  req(0, 1024, 768, 0, 0);
  CHECK_REFUSED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  add(VDA_ADAPTER_MIRROR, -1, true); /* a mirror alone is no display */
  CHECK_REFUSED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
}

/* --- layouts ------------------------------------------------------------ */

static void test_multi_monitor_positions(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, true)->primary = true;
  add(VDA_ADAPTER_QXL, 1, false);
  add(VDA_ADAPTER_QXL, 2, false);
  req(0, 1920, 1080, 0, 0);
  req(1, 1280, 1024, 1920, 0);
  req(2, 1024, 768, -1024, 312);
  RQ.use_pos = true;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(P.exact);
  CHECK(target_of(0)->x == 0 && target_of(0)->y == 0);
  CHECK(target_of(1)->x == 1920 && target_of(1)->y == 0);
  CHECK(target_of(2)->x == -1024 && target_of(2)->y == 312);
  CHECK(planned_layout_is_normal());
  /* Client positions not honoured: left to right by display id. */
  RQ.use_pos = false;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(target_of(1)->x == 1920 && target_of(1)->y == 0);
  CHECK(target_of(2)->x == 1920 + 1280 && target_of(2)->y == 0);
  CHECK(planned_layout_is_normal());
}

static void test_primary_is_lowest_enabled_id(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 1, true);
  add(VDA_ADAPTER_QXL, 0, true)->primary = true;
  add(VDA_ADAPTER_QXL, 2, true);
  req(0, 0, 0, 0, 0); /* display 0 disabled: display 1 becomes primary */
  req(1, 1024, 768, 500, 500);
  req(2, 1024, 768, 1524, 500);
  RQ.use_pos = true;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(target_of(0)->primary);
  CHECK(target_of(0)->x == 0 && target_of(0)->y == 0);
  CHECK(!target_of(1)->enable && !target_of(1)->primary);
  CHECK(target_of(2)->x == 1024 && target_of(2)->y == 0);
  CHECK(target_of(0)->changed); /* position and primary change */
}

static void test_overlapping_client_positions(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, 1, true);
  req(0, 1920, 1080, 0, 0);
  req(1, 1920, 1080, 100, 0);
  RQ.use_pos = true;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(planned_layout_is_normal());
  CHECK(target_of(1)->x == 100 && target_of(1)->y == 1080); /* nearest free */
}

static void test_unmanaged_gpu_moved_aside(void)
{
  reset();
  vda_guest_display *gpu = add(VDA_ADAPTER_OTHER, -1, true);
  gpu->primary = true;
  add(VDA_ADAPTER_QXL, 0, true);
  S.d[1].x = 1024;
  add(VDA_ADAPTER_MIRROR, -1, false);
  req(0, 1920, 1080, 0, 0);
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK_EQ(P.count, 2); /* the mirror gets no target */
  CHECK(target_of(2) == NULL);
  CHECK(target_of(1)->primary && target_of(1)->display_id == 0);
  CHECK(target_of(1)->x == 0);
  CHECK(target_of(0)->display_id == -1);
  CHECK_EQ(target_of(0)->source, VDA_MODE_KEEP);
  CHECK_EQ(target_of(0)->mode.width, 1024); /* the GPU keeps its mode */
  CHECK(target_of(0)->enable && !target_of(0)->primary);
  CHECK(target_of(0)->x == 1920);
  CHECK(target_of(0)->changed);
  CHECK(planned_layout_is_normal());
  /* With positions: the GPU stays where it is if that is valid. */
  S.d[0].x = -1024;
  RQ.use_pos = true;
  CHECK_ACCEPTED(vda_display_plan_make(&S, &RQ, NULL, &P, &why), why);
  CHECK(target_of(0)->x == -1024 && target_of(0)->y == 0);
  CHECK(planned_layout_is_normal());
}

static void test_current_rects(void)
{
  vda_rect rects[VDA_DISPLAY_MAX], desk;
  reset();
  add(VDA_ADAPTER_OTHER, -1, true);
  S.d[0].x = -800;
  S.d[0].current = (vda_mode){800, 600, 32};
  add(VDA_ADAPTER_QXL, 0, true);
  add(VDA_ADAPTER_QXL, 1, false);
  desk = vda_display_current_rects(&S, NULL, rects);
  CHECK(rects[0].x == 0 && rects[0].w == 1024);
  CHECK_EQ(rects[1].w, 0); /* detached */
  CHECK(desk.x == -800);
  CHECK_EQ(desk.w, 1824);
  CHECK_EQ(desk.h, 768);
}

int main(void)
{
  RUN_TEST(test_request_from_config);
  RUN_TEST(test_request_sparse_and_refusals);
  RUN_TEST(test_ids_qxl_by_device_id);
  RUN_TEST(test_ids_mirror_first);
  RUN_TEST(test_ids_qxl_with_passthrough_gpu);
  RUN_TEST(test_ids_duplicate_and_large_qxl_ids);
  RUN_TEST(test_ids_from_graphics_device_info);
  RUN_TEST(test_exact_mode);
  RUN_TEST(test_custom_mode_route);
  RUN_TEST(test_fallback_largest_that_fits);
  RUN_TEST(test_fallback_equal_area_ties);
  RUN_TEST(test_no_mode_fits);
  RUN_TEST(test_sparse_sixteen_entries);
  RUN_TEST(test_omitted_managed_display_detached);
  RUN_TEST(test_display_id_beyond_adapters);
  RUN_TEST(test_zero_guest_displays);
  RUN_TEST(test_multi_monitor_positions);
  RUN_TEST(test_primary_is_lowest_enabled_id);
  RUN_TEST(test_overlapping_client_positions);
  RUN_TEST(test_unmanaged_gpu_moved_aside);
  RUN_TEST(test_current_rects);
  return vda_test_report("test_display_plan");
}
