/*
 * display_timing.h - where a resize's time goes.
 *
 * Wraps the Win32 display ops and adds up the time spent in each kind of
 * call (enumeration, CDS_TEST probes, staging, the commit, the atomic
 * layout commit), so the agent's log says which call a slow resize waited
 * on (bench/display_latency.sh reads the line).
 */
#ifndef VDA_DISPLAY_TIMING_H
#define VDA_DISPLAY_TIMING_H

#include <windows.h>

#include "vda_display_apply.h"

enum {
  VDA_DT_ENUMERATE,
  VDA_DT_TEST,
  VDA_DT_ESCAPE,
  VDA_DT_STAGE,
  VDA_DT_COMMIT,
  VDA_DT_LAYOUT,
  VDA_DT_READ,
  VDA_DT_KINDS
};

typedef struct vda_display_timing {
  const vda_display_ops *inner;
  void *inner_ctx;
  LONGLONG ticks[VDA_DT_KINDS];
  unsigned calls[VDA_DT_KINDS];
} vda_display_timing;

/* The ops to pass to vda_display_apply with a vda_display_timing as ctx. */
extern const vda_display_ops vda_display_timing_ops;

void vda_display_timing_start(vda_display_timing *t, const vda_display_ops *inner, void *ctx);

/* "enumerate 2x 12.0 ms, commit 1x 40.1 ms, ..." (only kinds called). */
void vda_display_timing_format(const vda_display_timing *t, char *buf, size_t size);

#endif
