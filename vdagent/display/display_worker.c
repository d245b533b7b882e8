#include "display_worker.h"

#include <stdlib.h>
#include <string.h>

#include "display_dpi.h"
#include "display_effects_win.h"
#include "display_timing.h"
#include "display_user.h"
#include "display_win.h"
#include "input_desktop.h"
#include "log.h"
#include "vda_display_apply.h"
#include "vda_display_coalesce.h"
#include "vda_display_effects.h"
#include "winerror_text.h"

#define REPLY_QUEUE 16

struct vda_display_worker {
  HANDLE thread, wake, result_event;
  CRITICAL_SECTION lock;
  /* under lock */
  bool quit;
  vda_display_coalescer coalescer;
  vda_display_idmap idmap;
  bool have_idmap;
  bool effects_pending, restore_pending;
  uint32_t effects_owed; /* DISPLAY_CONFIGs answered by the pending one */
  vda_display_config effects_req;
  vda_display_reply replies[REPLY_QUEUE];
  unsigned nreplies;
  vda_mouse_layout layout;
  LARGE_INTEGER arrival; /* when the pending config reached the agent */
  /* worker thread only */
  vda_display_win win;
  vda_effects_win effects_win;
  vda_effects effects;
  vda_display_request req;
  vda_display_result res;
  bool not_following_logged;
};

static void push_reply(vda_display_worker *w, uint32_t type, uint32_t error, uint32_t count)
{
  EnterCriticalSection(&w->lock);
  if (w->nreplies < REPLY_QUEUE) {
    w->replies[w->nreplies++] = (vda_display_reply){type, error, count};
  } else {
    /* Cannot happen with one result per wake-up; say so if it ever does. */
    LOG_ERROR("display reply queue full: %u REPLY(s) lost", (unsigned)count);
  }
  LeaveCriticalSection(&w->lock);
  SetEvent(w->result_event);
}

static void refresh_layout(vda_display_worker *w, const vda_display_idmap *map)
{
  vda_mouse_layout l;
  const char *why = NULL;
  if (!vda_display_win_mouse_layout(&w->win, map, &l, &why)) {
    LOG_WARN("cannot read the desktop layout for the mouse: %s", why);
    return;
  }
  EnterCriticalSection(&w->lock);
  w->layout = l;
  LeaveCriticalSection(&w->lock);
}

static double ms_between(LARGE_INTEGER a, LARGE_INTEGER b)
{
  LARGE_INTEGER f;
  QueryPerformanceFrequency(&f);
  return (double)(b.QuadPart - a.QuadPart) * 1000.0 / (double)f.QuadPart;
}

static void apply_monitors(vda_display_worker *w, uint32_t owed, const vda_display_idmap *map,
                           LARGE_INTEGER arrival)
{
  LARGE_INTEGER t0, t1;
  vda_display_timing timing;
  char spent[256];
  if (!vda_display_user_follows()) {
    /* The user's say: nothing changes, and the client is told so. */
    if (!w->not_following_logged)
      LOG_INFO("monitors config not applied: the user turned off FollowClientWindow (%u REPLY(s) "
               "ERROR; said once until it is turned on again)",
               (unsigned)owed);
    w->not_following_logged = true;
    push_reply(w, VD_AGENT_MONITORS_CONFIG, VD_AGENT_ERROR, owed);
    return;
  }
  w->not_following_logged = false;
  vda_input_desktop_follow();
  vda_display_timing_start(&timing, &vda_display_win_ops, &w->win);
  QueryPerformanceCounter(&t0);
  vda_display_apply(&vda_display_timing_ops, &timing, &w->req, map, &w->res);
  if (!w->res.success && vda_display_win_lists_kept(&w->win)) {
    /* A kept mode list may be what made it inexact (a mode the driver added
     * or dropped since): once more from fresh lists.  When the config just
     * cannot be met exactly, this second apply finds nothing to change. */
    LOG_DEBUG("monitors config not met with the kept mode lists (%s): again with fresh ones",
              w->res.why ? w->res.why : "inexact");
    bool applied = w->res.applied;
    vda_display_win_forget_lists(&w->win);
    vda_display_apply(&vda_display_timing_ops, &timing, &w->req, map, &w->res);
    w->res.applied |= applied; /* the first apply's nearest mode is still what shows */
  }
  QueryPerformanceCounter(&t1);
  vda_display_timing_format(&timing, spent, sizeof(spent));
  /* The benchmark (bench/display_latency.sh) reads this line. */
  LOG_INFO("monitors config: arrival to ChangeDisplaySettingsExW return %.1f ms (apply %.1f ms: "
           "%s)",
           ms_between(arrival, t1), ms_between(t0, t1), spent);
  if (w->res.layout_fell_back)
    LOG_DEBUG("atomic layout commit not used: %s", w->res.layout_why);
  if (w->res.success)
    LOG_INFO("monitors config applied%s (%u REPLY(s) SUCCESS)",
             w->res.by_layout ? " through SetDisplayConfig" : "", (unsigned)owed);
  else
    LOG_WARN("monitors config: %s%s%s (%u REPLY(s) ERROR)", w->res.why ? w->res.why : "failed",
             w->res.applied ? "; the nearest mode was applied" : "",
             w->res.restored ? "; the previous layout was restored" : "", (unsigned)owed);
  for (uint32_t i = 0; i < w->res.plan.count; i++) {
    const vda_display_target *t = &w->res.plan.t[i];
    LOG_DEBUG("display %u (id %d): %s %ux%ux%u at %d,%d (asked %ux%u, source %d)",
              (unsigned)t->guest, (int)t->display_id, t->enable ? "on" : "off",
              (unsigned)t->mode.width, (unsigned)t->mode.height, (unsigned)t->mode.depth, (int)t->x,
              (int)t->y, (unsigned)t->requested.width, (unsigned)t->requested.height,
              (int)t->source);
  }
  push_reply(w, VD_AGENT_MONITORS_CONFIG, vda_display_reply_error(&w->res), owed);
  /* After the REPLY: the scale is a nicety the client does not wait for. */
  if (w->res.plan.count > 0 && !w->res.restored)
    vda_display_dpi_follow(&w->win, &w->req, &w->res);
  refresh_layout(w, map);
}

static DWORD WINAPI worker_main(LPVOID arg)
{
  vda_display_worker *w = arg;
  vda_display_idmap map;

  refresh_layout(w, NULL);
  for (;;) {
    uint32_t owed = 0, effects_owed;
    LARGE_INTEGER arrival;
    bool have_req, effects, restore, have_map;
    vda_display_config dc;
    const char *why = NULL;

    WaitForSingleObject(w->wake, INFINITE);
    EnterCriticalSection(&w->lock);
    if (w->quit) {
      LeaveCriticalSection(&w->lock);
      break;
    }
    have_req = vda_display_coalescer_take(&w->coalescer, &w->req, &owed);
    arrival = w->arrival;
    have_map = w->have_idmap;
    map = w->idmap;
    effects = w->effects_pending;
    restore = w->restore_pending;
    dc = w->effects_req;
    effects_owed = w->effects_owed;
    w->effects_owed = 0;
    w->effects_pending = w->restore_pending = false;
    LeaveCriticalSection(&w->lock);

    if (restore && !vda_effects_restore(&w->effects, &vda_effects_win_ops, &w->effects_win, &why))
      LOG_WARN("cannot restore display effects: %s", why);
    if (effects) {
      bool ok = vda_effects_configure(&w->effects, &vda_effects_win_ops, &w->effects_win, &dc,
                                      &vda_display_win_ops, &w->win, &why);
      if (!ok)
        LOG_WARN("display config 0x%x: %s", (unsigned)dc.flags, why);
      else
        LOG_INFO("display config 0x%x applied", (unsigned)dc.flags);
      push_reply(w, VD_AGENT_DISPLAY_CONFIG, ok ? VD_AGENT_SUCCESS : VD_AGENT_ERROR, effects_owed);
    }
    if (have_req)
      apply_monitors(w, owed, have_map ? &map : NULL, arrival);
  }
  if (!vda_effects_restore(&w->effects, &vda_effects_win_ops, &w->effects_win, NULL))
    LOG_WARN("cannot restore display effects at exit");
  return 0;
}

vda_display_worker *vda_display_worker_start(void)
{
  vda_display_worker *w = calloc(1, sizeof(*w));
  if (!w)
    return NULL;
  InitializeCriticalSection(&w->lock);
  vda_display_coalescer_init(&w->coalescer);
  vda_display_win_init(&w->win);
  vda_effects_init(&w->effects);
  w->wake = CreateEventW(NULL, FALSE, FALSE, NULL);
  w->result_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (w->wake && w->result_event)
    w->thread = CreateThread(NULL, 0, worker_main, w, 0, NULL);
  /* A resize is what the user watches: it goes ahead of bulk work (a file
   * transfer's disk writes) when the CPU is busy. */
  if (w->thread && !SetThreadPriority(w->thread, THREAD_PRIORITY_ABOVE_NORMAL))
    LOG_DEBUG("SetThreadPriority: %s", vda_win_strerror(GetLastError()));
  if (!w->thread) {
    LOG_ERROR("cannot start the display worker: %s", vda_win_strerror(GetLastError()));
    vda_display_worker_stop(w);
    return NULL;
  }
  return w;
}

void vda_display_worker_stop(vda_display_worker *w)
{
  if (!w)
    return;
  if (w->thread) {
    EnterCriticalSection(&w->lock);
    w->quit = true;
    LeaveCriticalSection(&w->lock);
    SetEvent(w->wake);
    WaitForSingleObject(w->thread, 5000);
    CloseHandle(w->thread);
  }
  if (w->wake)
    CloseHandle(w->wake);
  if (w->result_event)
    CloseHandle(w->result_event);
  DeleteCriticalSection(&w->lock);
  vda_display_win_release(&w->win);
  free(w);
}

void vda_display_worker_monitors(vda_display_worker *w, const vda_display_request *r)
{
  bool replaced;
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  EnterCriticalSection(&w->lock);
  replaced = vda_display_coalescer_put(&w->coalescer, r);
  w->arrival = now;
  LeaveCriticalSection(&w->lock);
  if (replaced)
    LOG_DEBUG("monitors config superseded before it was applied");
  SetEvent(w->wake);
}

void vda_display_worker_set_idmap(vda_display_worker *w, const vda_display_idmap *map)
{
  EnterCriticalSection(&w->lock);
  w->idmap = *map;
  w->have_idmap = true;
  LeaveCriticalSection(&w->lock);
}

void vda_display_worker_effects(vda_display_worker *w, const vda_display_config *dc)
{
  EnterCriticalSection(&w->lock);
  /* The newest DISPLAY_CONFIG states the whole wish; older pending ones are
   * answered with its verdict. */
  w->effects_req = *dc;
  w->effects_pending = true;
  w->effects_owed++;
  LeaveCriticalSection(&w->lock);
  SetEvent(w->wake);
}

void vda_display_worker_restore_effects(vda_display_worker *w)
{
  EnterCriticalSection(&w->lock);
  w->restore_pending = true;
  LeaveCriticalSection(&w->lock);
  SetEvent(w->wake);
}

HANDLE vda_display_worker_result_event(const vda_display_worker *w)
{
  return w->result_event;
}

bool vda_display_worker_take_reply(vda_display_worker *w, vda_display_reply *out)
{
  bool got = false;
  EnterCriticalSection(&w->lock);
  if (w->nreplies > 0) {
    *out = w->replies[0];
    memmove(w->replies, w->replies + 1, (w->nreplies - 1) * sizeof(w->replies[0]));
    w->nreplies--;
    got = true;
  }
  if (w->nreplies == 0)
    ResetEvent(w->result_event);
  LeaveCriticalSection(&w->lock);
  return got;
}

void vda_display_worker_mouse_layout(vda_display_worker *w, vda_mouse_layout *out)
{
  EnterCriticalSection(&w->lock);
  *out = w->layout;
  LeaveCriticalSection(&w->lock);
}
