#include "display_timing.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_name[] = {"enumerate", "CDS_TEST",         "QXL escape", "stage",
                                        "commit",    "SetDisplayConfig", "read back"};
_Static_assert(sizeof(kind_name) / sizeof(kind_name[0]) == VDA_DT_KINDS, "one name per kind");

static LONGLONG now(void)
{
  LARGE_INTEGER c;
  QueryPerformanceCounter(&c);
  return c.QuadPart;
}

static void add(vda_display_timing *t, int kind, LONGLONG since)
{
  t->ticks[kind] += now() - since;
  t->calls[kind]++;
}

static bool t_enumerate(void *ctx, vda_display_set *s, const char **why)
{
  vda_display_timing *t = ctx;
  LONGLONG t0 = now();
  bool ok = t->inner->enumerate(t->inner_ctx, s, why);
  add(t, VDA_DT_ENUMERATE, t0);
  return ok;
}

static bool t_test_mode(void *ctx, const vda_guest_display *g, vda_mode m)
{
  vda_display_timing *t = ctx;
  LONGLONG t0 = now();
  bool ok = t->inner->test_mode != NULL && t->inner->test_mode(t->inner_ctx, g, m);
  add(t, VDA_DT_TEST, t0);
  return ok;
}

static bool t_qxl_custom_mode(void *ctx, const vda_guest_display *g, vda_mode m, const char **why)
{
  vda_display_timing *t = ctx;
  LONGLONG t0 = now();
  bool ok = false;
  if (t->inner->qxl_custom_mode == NULL)
    *why = "no custom-mode escape";
  else
    ok = t->inner->qxl_custom_mode(t->inner_ctx, g, m, why);
  add(t, VDA_DT_ESCAPE, t0);
  return ok;
}

static bool t_stage(void *ctx, const vda_guest_display *g, const vda_display_target *tg,
                    const char **why)
{
  vda_display_timing *t = ctx;
  LONGLONG t0 = now();
  bool ok = t->inner->stage(t->inner_ctx, g, tg, why);
  add(t, VDA_DT_STAGE, t0);
  return ok;
}

static bool t_commit(void *ctx, const char **why)
{
  vda_display_timing *t = ctx;
  LONGLONG t0 = now();
  bool ok = t->inner->commit(t->inner_ctx, why);
  add(t, VDA_DT_COMMIT, t0);
  return ok;
}

static bool t_commit_layout(void *ctx, const vda_display_set *s, const vda_display_plan *plan,
                            const char **why)
{
  vda_display_timing *t = ctx;
  LONGLONG t0 = now();
  bool ok = false;
  if (t->inner->commit_layout == NULL)
    *why = "no atomic layout commit";
  else
    ok = t->inner->commit_layout(t->inner_ctx, s, plan, why);
  add(t, VDA_DT_LAYOUT, t0);
  return ok;
}

static void t_layout_ineffective(void *ctx)
{
  vda_display_timing *t = ctx;
  if (t->inner->layout_ineffective != NULL)
    t->inner->layout_ineffective(t->inner_ctx);
}

static bool t_read_current(void *ctx, vda_display_set *s, const char **why)
{
  vda_display_timing *t = ctx;
  LONGLONG t0 = now();
  bool ok = t->inner->read_current != NULL ? t->inner->read_current(t->inner_ctx, s, why)
                                           : t->inner->enumerate(t->inner_ctx, s, why);
  add(t, VDA_DT_READ, t0);
  return ok;
}

/* The Win32 table fills every slot; a missing optional one answers "no". */
const vda_display_ops vda_display_timing_ops = {
    t_enumerate, t_test_mode,     t_qxl_custom_mode,    t_stage,
    t_commit,    t_commit_layout, t_layout_ineffective, t_read_current,
};

void vda_display_timing_start(vda_display_timing *t, const vda_display_ops *inner, void *ctx)
{
  memset(t, 0, sizeof(*t));
  t->inner = inner;
  t->inner_ctx = ctx;
}

void vda_display_timing_format(const vda_display_timing *t, char *buf, size_t size)
{
  LARGE_INTEGER f;
  size_t used = 0;
  QueryPerformanceFrequency(&f);
  buf[0] = '\0';
  for (int k = 0; k < VDA_DT_KINDS && used < size; k++) {
    int n;
    if (t->calls[k] == 0)
      continue;
    n = snprintf(buf + used, size - used, "%s%s %ux %.1f ms", used ? ", " : "", kind_name[k],
                 t->calls[k], (double)t->ticks[k] * 1000.0 / (double)f.QuadPart);
    if (n < 0)
      break;
    used += (size_t)n;
  }
}
