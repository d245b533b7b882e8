/*
 * vda_display_apply.h - executing a display plan through an ops table.
 *
 * The Windows calls (EnumDisplayDevicesW, ChangeDisplaySettingsExW, the QXL
 * driver escape) sit behind vda_display_ops so that the sequencing rules are
 * unit-tested natively with a fake, including what Wine cannot show (QXL
 * custom modes, several monitors, a driver refusing a mode half-way):
 *
 *   enumerate -> test unlisted exact sizes -> plan -> QXL escapes (a failed
 *   escape re-plans that display without the custom route) -> one atomic
 *   commit of the whole layout (commit_layout: CCD SetDisplayConfig) -> if
 *   that is absent, fails, or reading back shows it changed nothing, stage
 *   every changed display (CDS_UPDATEREGISTRY | CDS_NORESET) and commit once
 *   (ChangeDisplaySettingsExW(NULL, ...)) -> read back (read_current: the
 *   current modes, not the mode lists).
 *
 * Honest replies: what is applied and what is answered are decided from
 * what the guest reports now (enumerate before planning, enumerate again
 * after committing), never from the previous request.  A display that, read
 * back, does not show its planned size makes the REPLY ERROR.  A
 * commit_layout that reports success but changed nothing (Wine's
 * SetDisplayConfig) is reported through layout_ineffective, so the Win32
 * layer stops using it.
 *
 * If staging or the commit fails, the displays staged so far are staged
 * again with their previous mode, position and attachment and committed:
 * the previous layout is kept (restore_previous).  Nothing is staged when
 * nothing changes, so a burst of identical configs costs one enumeration.
 *
 * REPLY (spice-gtk's REPLY carries only SUCCESS or ERROR, and spice-gtk only
 * logs it): SUCCESS only when every enabled monitor of the request got
 * exactly its size and the change was committed.  A fallback mode is still
 * applied - the guest gets as close as it can - but answered with ERROR, so
 * a client (or a test, or a log reader) can tell "your window size is not
 * what the guest shows" from success.  A refused config or a failed apply
 * (previous layout restored) is also ERROR.
 */
#ifndef VDA_DISPLAY_APPLY_H
#define VDA_DISPLAY_APPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "vda_display_plan.h"

typedef struct vda_display_ops {
  /* Fill s with the guest's displays, EnumDisplayDevices order. */
  bool (*enumerate)(void *ctx, vda_display_set *s, const char **why);
  /* Does the driver accept mode m on g although it does not list it?
     * (ChangeDisplaySettingsExW with CDS_TEST.)  May be NULL. */
  bool (*test_mode)(void *ctx, const vda_guest_display *g, vda_mode m);
  /* QXL escape: make the driver offer mode m on g.  false with *why when
     * the adapter has no such escape (not QXL, Wine).  May be NULL. */
  bool (*qxl_custom_mode)(void *ctx, const vda_guest_display *g, vda_mode m, const char **why);
  /* Stage t for g without applying it (CDS_UPDATEREGISTRY|CDS_NORESET,
     * plus CDS_SET_PRIMARY when t->primary; t->enable false: detach). */
  bool (*stage)(void *ctx, const vda_guest_display *g, const vda_display_target *t,
                const char **why);
  /* Apply everything staged, once. */
  bool (*commit)(void *ctx, const char **why);
  /* The whole plan in one atomic commit (sizes, positions, heads on and
   * off).  May be NULL; false with *why: use stage + commit instead. */
  bool (*commit_layout)(void *ctx, const vda_display_set *s, const vda_display_plan *plan,
                        const char **why);
  /* commit_layout said yes but the layout read back is unchanged: stop
   * using it.  May be NULL. */
  void (*layout_ineffective)(void *ctx);
  /* Like enumerate but without the mode lists: what reading back after a
   * commit needs (attachment, current size, position).  Listing every mode
   * is most of an enumeration's cost (under Wine, one server round trip per
   * mode).  May be NULL: enumerate is used. */
  bool (*read_current)(void *ctx, vda_display_set *s, const char **why);
} vda_display_ops;

typedef struct vda_display_result {
  bool success;           /* REPLY SUCCESS */
  bool applied;           /* a new layout was committed */
  bool restored;          /* applying failed and the previous layout was restored */
  bool by_layout;         /* committed through commit_layout (CCD) */
  bool layout_fell_back;  /* commit_layout failed or changed nothing */
  const char *layout_why; /* static; why commit_layout was not used */
  const char *why;        /* static; set whenever success is false */
  vda_display_plan plan;
} vda_display_result;

/* Apply request r.  map may be NULL.  Returns res->success.  Allocates three
 * vda_display_set (about 200 KiB each) for the duration of the call. */
bool vda_display_apply(const vda_display_ops *ops, void *ctx, const vda_display_request *r,
                       const vda_display_idmap *map, vda_display_result *res);

/* DISPLAY_CONFIG SET_COLOR_DEPTH: every attached non-mirror display keeps
 * its size and position and gets depth (8, 16, 24 or 32); same staging,
 * commit and restore as above. */
bool vda_display_set_depth(const vda_display_ops *ops, void *ctx, uint32_t depth, const char **why);

/* VD_AGENT_SUCCESS or VD_AGENT_ERROR for the REPLY. */
uint32_t vda_display_reply_error(const vda_display_result *res);

#endif /* VDA_DISPLAY_APPLY_H */
