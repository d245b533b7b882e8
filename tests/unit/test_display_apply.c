/* test_display_apply.c - the plan executor over a fake driver (exact, custom
 * escape, tested modes, stage/commit once, restore on failure, colour depth)
 * and the burst coalescer. */
#include <string.h>

#include "vda_display_apply.h"
#include "vda_display_coalesce.h"
#include "vda_test.h"

/* A fake display driver: `state` is what Windows would report; stage()
 * queues, commit() applies the queue in order (as CDS_NORESET + commit). */
typedef struct fake {
  vda_display_set state;
  vda_display_target pending[64];
  uint32_t npending;
  uint32_t stage_order[64];
  int enumerates, stages, commits, escapes, tests;
  int fail_stage_at; /* stage call number that fails, -1: none */
  int fail_commits;  /* this many commits fail */
  bool fail_enumerate;
  bool escape_ok;
  vda_mode accept;  /* test_mode accepts this size */
  bool commit_noop; /* commit() says yes and changes nothing */
  int layouts, ineffective;
  int reads;       /* read_current calls */
  int layout_mode; /* 0: applies the plan, 1: fails, 2: says yes, does nothing */
} fake;

static fake F;
static vda_display_request RQ;
static vda_display_result RES;
static const char *why;

static bool f_enumerate(void *ctx, vda_display_set *s, const char **w)
{
  fake *f = ctx;
  f->enumerates++;
  if (f->fail_enumerate) {
    *w = "fake enumeration failure";
    return false;
  }
  *s = f->state;
  return true;
}

static bool f_test(void *ctx, const vda_guest_display *g, vda_mode m)
{
  fake *f = ctx;
  (void)g;
  f->tests++;
  return m.width == f->accept.width && m.height == f->accept.height;
}

static bool f_escape(void *ctx, const vda_guest_display *g, vda_mode m, const char **w)
{
  fake *f = ctx;
  f->escapes++;
  if (!f->escape_ok) {
    *w = "fake: no QXL escape";
    return false;
  }
  return vda_display_add_mode(&f->state.d[g->device_index], m);
}

static bool f_stage(void *ctx, const vda_guest_display *g, const vda_display_target *t,
                    const char **w)
{
  fake *f = ctx;
  int n = f->stages++;
  CHECK(g->kind != VDA_ADAPTER_MIRROR);
  CHECK_EQ(g->device_index, t->guest);
  if (n == f->fail_stage_at) {
    *w = "fake: driver refused the mode";
    return false;
  }
  if (f->npending < 64) {
    f->stage_order[f->npending] = t->guest;
    f->pending[f->npending++] = *t;
  }
  return true;
}

static bool f_commit(void *ctx, const char **w)
{
  fake *f = ctx;
  f->commits++;
  if (f->fail_commits > 0) {
    f->fail_commits--;
    f->npending = 0;
    *w = "fake: commit failed";
    return false;
  }
  for (uint32_t i = 0; i < f->npending && !f->commit_noop; i++) {
    const vda_display_target *t = &f->pending[i];
    vda_guest_display *g = &f->state.d[t->guest];
    g->attached = t->enable;
    if (!t->enable)
      continue;
    g->current = t->mode;
    g->x = t->x;
    g->y = t->y;
    if (t->primary)
      for (uint32_t k = 0; k < f->state.count; k++)
        f->state.d[k].primary = k == t->guest;
  }
  f->npending = 0;
  return true;
}

/* CCD: the whole plan at once. */
static bool f_layout(void *ctx, const vda_display_set *s, const vda_display_plan *plan,
                     const char **w)
{
  fake *f = ctx;
  (void)s;
  f->layouts++;
  if (f->layout_mode == 1) {
    *w = "fake: SetDisplayConfig failed";
    return false;
  }
  if (f->layout_mode == 2)
    return true; /* Wine's stub */
  for (uint32_t k = 0; k < plan->count; k++) {
    const vda_display_target *t = &plan->t[k];
    vda_guest_display *g = &f->state.d[t->guest];
    g->attached = t->enable;
    if (t->enable) {
      g->current = t->mode;
      g->x = t->x;
      g->y = t->y;
    }
  }
  return true;
}

static void f_ineffective(void *ctx)
{
  fake *f = ctx;
  f->ineffective++;
}

/* The current modes only, as the Win32 read_current gives them. */
static bool f_read_current(void *ctx, vda_display_set *s, const char **w)
{
  fake *f = ctx;
  f->reads++;
  *s = f->state;
  for (uint32_t i = 0; i < s->count; i++)
    s->d[i].nmodes = 0;
  (void)w;
  return true;
}

static const vda_display_ops OPS = {f_enumerate, f_test, f_escape, f_stage,
                                    f_commit,    NULL,   NULL,     NULL};
static const vda_display_ops CCD_OPS = {f_enumerate, f_test,   f_escape,      f_stage,
                                        f_commit,    f_layout, f_ineffective, NULL};
static const vda_display_ops READ_OPS = {f_enumerate, f_test, f_escape, f_stage,
                                         f_commit,    NULL,   NULL,     f_read_current};

static const vda_mode STD[] = {{800, 600, 32},   {1024, 768, 32},  {1280, 720, 32},
                               {1280, 1024, 32}, {1920, 1080, 32}, {1024, 768, 16}};

static vda_guest_display *add(vda_adapter_kind kind, int qxl_id, int32_t x)
{
  vda_guest_display *g = &F.state.d[F.state.count];
  memset(g, 0, sizeof(*g));
  g->device_index = F.state.count++;
  g->kind = kind;
  g->has_qxl_id = qxl_id >= 0;
  g->qxl_id = qxl_id >= 0 ? (uint32_t)qxl_id : 0;
  g->attached = kind != VDA_ADAPTER_MIRROR;
  g->primary = x == 0 && kind != VDA_ADAPTER_MIRROR;
  g->x = x;
  g->current = (vda_mode){1024, 768, 32};
  for (size_t i = 0; i < sizeof(STD) / sizeof(STD[0]); i++)
    vda_display_add_mode(g, STD[i]);
  return g;
}

static void reset(void)
{
  memset(&F, 0, sizeof(F));
  F.fail_stage_at = -1;
  memset(&RQ, 0, sizeof(RQ));
}

static void req(uint32_t i, uint32_t w, uint32_t h)
{
  RQ.mon[i] = (vda_display_req_mon){w, h, 32, 0, 0, 0, 0};
  if (RQ.count <= i)
    RQ.count = i + 1;
}

static void two_qxl(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, 0);
  add(VDA_ADAPTER_QXL, 1, 1024);
}

static void test_apply_exact_two_monitors(void)
{
  two_qxl();
  req(0, 1920, 1080);
  req(1, 1280, 1024);
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.success && RES.applied && !RES.restored);
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_SUCCESS);
  CHECK_EQ(F.stages, 2);
  CHECK_EQ(F.commits, 1);        /* committed once */
  CHECK_EQ(F.stage_order[0], 0); /* primary staged first */
  CHECK_EQ(F.state.d[0].current.width, 1920);
  CHECK_EQ(F.state.d[1].current.width, 1280);
  CHECK(F.state.d[1].x == 1920);
  CHECK(F.state.d[0].primary && !F.state.d[1].primary);
}

static void test_apply_nothing_changed(void)
{
  two_qxl();
  req(0, 1024, 768);
  req(1, 1024, 768);
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(!RES.applied);
  CHECK_EQ(F.stages, 0);
  CHECK_EQ(F.commits, 0);
  CHECK_EQ(F.enumerates, 1);
}

static void test_apply_custom_escape(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, 0)->custom_modes = true;
  F.escape_ok = true;
  req(0, 1287, 803);
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK_EQ(F.escapes, 1);
  CHECK_EQ(RES.plan.t[0].source, VDA_MODE_CUSTOM);
  CHECK_EQ(F.state.d[0].current.width, 1287);
  CHECK_EQ(F.state.d[0].current.height, 803);
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_SUCCESS);
}

static void test_apply_escape_fails_replans(void)
{
  reset();
  add(VDA_ADAPTER_QXL, 0, 0)->custom_modes = true;
  add(VDA_ADAPTER_QXL, 1, 1024)->custom_modes = true;
  F.escape_ok = false; /* Wine, or an old driver */
  req(0, 1287, 803);
  req(1, 1024, 768);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK_EQ(F.escapes, 1);
  CHECK(RES.applied); /* the fallback is applied ... */
  CHECK_EQ(F.state.d[0].current.width, 1280);
  CHECK_EQ(F.state.d[0].current.height, 720);
  CHECK(F.state.d[1].x == 1280);                           /* ... laid out with its real size */
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_ERROR); /* ... honestly */
  CHECK(RES.why != NULL);
}

static void test_apply_tested_mode(void)
{
  reset();
  add(VDA_ADAPTER_OTHER, -1, 0);
  F.accept = (vda_mode){1287, 803, 32};
  req(0, 1287, 803);
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK_EQ(F.tests, 1);
  CHECK_EQ(RES.plan.t[0].source, VDA_MODE_EXACT);
  CHECK_EQ(F.state.d[0].current.width, 1287);
  /* Refused by CDS_TEST: fallback, ERROR. */
  req(0, 1999, 1111);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK_EQ(F.state.d[0].current.width, 1920);
  CHECK_EQ(RES.plan.t[0].source, VDA_MODE_FALLBACK);
}

static bool state_is_initial(void)
{
  return F.state.d[0].current.width == 1024 && F.state.d[0].x == 0 &&
         F.state.d[1].current.width == 1024 && F.state.d[1].x == 1024 && F.state.d[0].attached &&
         F.state.d[1].attached && F.state.d[0].primary && !F.state.d[1].primary;
}

static void test_apply_stage_failure_restores(void)
{
  two_qxl();
  F.fail_stage_at = 1;
  req(0, 1920, 1080);
  req(1, 1280, 1024);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.restored && !RES.applied);
  CHECK(RES.why != NULL && strstr(RES.why, "refused") != NULL);
  CHECK_EQ(F.commits, 1); /* the restore's commit only */
  CHECK(state_is_initial());
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_ERROR);
}

static void test_apply_commit_failure_restores(void)
{
  two_qxl();
  F.fail_commits = 1;
  req(0, 1920, 1080);
  req(1, 1280, 1024);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.restored);
  CHECK_EQ(F.commits, 2);
  CHECK(state_is_initial());
  /* The restore fails too: said so. */
  two_qxl();
  F.fail_commits = 2;
  req(0, 1920, 1080);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(!RES.restored);
  CHECK(RES.why != NULL && strstr(RES.why, "restoring") != NULL);
}

static void test_apply_enumerate_fails(void)
{
  two_qxl();
  F.fail_enumerate = true;
  req(0, 1920, 1080);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.why != NULL);
  CHECK_EQ(F.stages, 0);
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_ERROR);
}

static void test_apply_refused_config(void)
{
  two_qxl();
  req(0, 0, 0);
  req(1, 0, 0);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.why != NULL);
  CHECK_EQ(F.stages, 0);
}

static void test_apply_mirror_and_gpu_untouched_ids(void)
{
  reset();
  add(VDA_ADAPTER_MIRROR, -1, 0);
  add(VDA_ADAPTER_OTHER, -1, 0); /* passed GPU, primary */
  add(VDA_ADAPTER_QXL, 0, 1024);
  req(0, 1280, 1024);
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK_EQ(F.state.d[2].current.width, 1280); /* the QXL got display 0 */
  CHECK_EQ(F.state.d[1].current.width, 1024); /* the GPU kept its mode */
  CHECK(F.state.d[2].primary);
  CHECK(F.state.d[1].x == 1280);
}

static void test_set_depth(void)
{
  two_qxl();
  add(VDA_ADAPTER_QXL, 2, 5000)->attached = false;
  CHECK_ACCEPTED(vda_display_set_depth(&OPS, &F, 16, &why), why);
  CHECK_EQ(F.stages, 2);
  CHECK_EQ(F.commits, 1);
  CHECK_EQ(F.state.d[0].current.depth, 16);
  CHECK_EQ(F.state.d[1].current.depth, 16);
  CHECK_EQ(F.state.d[0].current.width, 1024);
  CHECK(!F.state.d[2].attached);
  F.stages = 0;
  CHECK_ACCEPTED(vda_display_set_depth(&OPS, &F, 16, &why), why);
  CHECK_EQ(F.stages, 0);
  CHECK_REFUSED(vda_display_set_depth(&OPS, &F, 15, &why), why);
  F.fail_commits = 1;
  CHECK_REFUSED(vda_display_set_depth(&OPS, &F, 32, &why), why);
  CHECK_EQ(F.state.d[0].current.depth, 16);
}

static void test_coalescer(void)
{
  vda_display_coalescer c;
  vda_display_request out;
  uint32_t owed = 0;
  vda_display_coalescer_init(&c);
  CHECK(!vda_display_coalescer_take(&c, &out, &owed));
  reset();
  req(0, 1000, 700);
  CHECK(!vda_display_coalescer_put(&c, &RQ));
  RQ.mon[0].width = 1001;
  CHECK(vda_display_coalescer_put(&c, &RQ));
  RQ.mon[0].width = 1002;
  RQ.use_pos = true;
  CHECK(vda_display_coalescer_put(&c, &RQ));
  CHECK(vda_display_coalescer_take(&c, &out, &owed));
  CHECK_EQ(out.mon[0].width, 1002);
  CHECK(out.use_pos);
  CHECK_EQ(out.count, 1);
  CHECK_EQ(owed, 3); /* one REPLY per MONITORS_CONFIG received */
  CHECK_EQ(c.superseded, 2);
  CHECK(!vda_display_coalescer_take(&c, &out, &owed));
  CHECK(!vda_display_coalescer_put(&c, &RQ));
  CHECK(vda_display_coalescer_take(&c, &out, &owed));
  CHECK_EQ(owed, 1);
}

static void test_drag_burst_applies_latest_only(void)
{
  vda_display_coalescer c;
  vda_display_request out;
  uint32_t owed = 0;
  reset();
  add(VDA_ADAPTER_QXL, 0, 0)->custom_modes = true;
  F.escape_ok = true;
  vda_display_coalescer_init(&c);
  for (uint32_t w = 1000; w < 1050; w++) {
    req(0, w, 700);
    vda_display_coalescer_put(&c, &RQ);
  }
  CHECK(vda_display_coalescer_take(&c, &out, &owed));
  CHECK(vda_display_apply(&OPS, &F, &out, NULL, &RES));
  CHECK_EQ(owed, 50);
  CHECK_EQ(F.escapes, 1);
  CHECK_EQ(F.commits, 1);
  CHECK_EQ(F.state.d[0].current.width, 1049);
}

/* CCD commits the whole layout: heads on and off, sizes and positions,
 * with no per-display staging at all. */
static void test_ccd_commits_atomically(void)
{
  two_qxl();
  req(0, 1920, 1080);
  req(1, 0, 0); /* sparse: head 1 off */
  CHECK(vda_display_apply(&CCD_OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.by_layout && !RES.layout_fell_back);
  CHECK_EQ(F.layouts, 1);
  CHECK_EQ(F.stages, 0);
  CHECK_EQ(F.commits, 0);
  CHECK_EQ(F.state.d[0].current.width, 1920);
  CHECK(!F.state.d[1].attached);
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_SUCCESS);
}

/* CCD fails -> ChangeDisplaySettingsEx staging, same result. */
static void test_ccd_failure_falls_back(void)
{
  two_qxl();
  F.layout_mode = 1;
  req(0, 1920, 1080);
  req(1, 1280, 1024);
  CHECK(vda_display_apply(&CCD_OPS, &F, &RQ, NULL, &RES));
  CHECK(!RES.by_layout && RES.layout_fell_back && RES.layout_why != NULL);
  CHECK_EQ(F.layouts, 1);
  CHECK_EQ(F.stages, 2);
  CHECK_EQ(F.commits, 1);
  CHECK_EQ(F.ineffective, 0);
  CHECK_EQ(F.state.d[1].current.width, 1280);
}

/* CCD says yes and changes nothing (Wine 8): read back, reported as
 * ineffective, ChangeDisplaySettingsEx applies it. */
static void test_ccd_noop_detected_by_read_back(void)
{
  two_qxl();
  F.layout_mode = 2;
  req(0, 1280, 720);
  CHECK(vda_display_apply(&CCD_OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.layout_fell_back && !RES.by_layout);
  CHECK_EQ(F.ineffective, 1);
  CHECK_EQ(F.commits, 1);
  CHECK_EQ(F.state.d[0].current.width, 1280);
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_SUCCESS);
}

/* The reply is what the guest shows: a commit that changed nothing is ERROR. */
static void test_read_back_failure_is_error(void)
{
  two_qxl();
  F.commit_noop = true;
  req(0, 1920, 1080);
  req(1, 1024, 768);
  CHECK(!vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.applied && RES.why != NULL);
  CHECK_EQ(vda_display_reply_error(&RES), VD_AGENT_ERROR);
}

/* Reading back needs the current modes only: one full enumeration per
 * apply (before planning), and the read-back still catches a commit that
 * changed nothing. */
static void test_read_back_uses_current_modes(void)
{
  two_qxl();
  req(0, 1920, 1080);
  req(1, 1280, 1024);
  CHECK(vda_display_apply(&READ_OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.success && RES.applied);
  CHECK_EQ(F.enumerates, 1);
  CHECK_EQ(F.reads, 1);
  two_qxl();
  F.commit_noop = true;
  req(0, 1920, 1080);
  req(1, 1024, 768);
  CHECK(!vda_display_apply(&READ_OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.applied && RES.why != NULL);
  CHECK_EQ(F.enumerates, 1);
  CHECK_EQ(F.reads, 1);
}

/* Changed outside the agent (Display Settings, xrandr): the same config
 * again is applied again, decided from the mode read now. */
static void test_outside_change_reapplied(void)
{
  reset();
  add(VDA_ADAPTER_OTHER, -1, 0);
  req(0, 1280, 720);
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK_EQ(F.commits, 1);
  F.state.d[0].current = (vda_mode){1920, 1080, 32}; /* the user's change */
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES));
  CHECK(RES.applied);
  CHECK_EQ(F.commits, 2);
  CHECK_EQ(F.state.d[0].current.width, 1280);
  CHECK(vda_display_apply(&OPS, &F, &RQ, NULL, &RES)); /* now it matches */
  CHECK(!RES.applied);
  CHECK_EQ(F.commits, 2);
}

int main(void)
{
  RUN_TEST(test_ccd_commits_atomically);
  RUN_TEST(test_ccd_failure_falls_back);
  RUN_TEST(test_ccd_noop_detected_by_read_back);
  RUN_TEST(test_read_back_failure_is_error);
  RUN_TEST(test_read_back_uses_current_modes);
  RUN_TEST(test_outside_change_reapplied);
  RUN_TEST(test_apply_exact_two_monitors);
  RUN_TEST(test_apply_nothing_changed);
  RUN_TEST(test_apply_custom_escape);
  RUN_TEST(test_apply_escape_fails_replans);
  RUN_TEST(test_apply_tested_mode);
  RUN_TEST(test_apply_stage_failure_restores);
  RUN_TEST(test_apply_commit_failure_restores);
  RUN_TEST(test_apply_enumerate_fails);
  RUN_TEST(test_apply_refused_config);
  RUN_TEST(test_apply_mirror_and_gpu_untouched_ids);
  RUN_TEST(test_set_depth);
  RUN_TEST(test_coalescer);
  RUN_TEST(test_drag_burst_applies_latest_only);
  return vda_test_report("test_display_apply");
}
