/*
 * vda_display_coalesce.h - keep only the newest pending MONITORS_CONFIG.
 *
 * A client whose window edge is being dragged sends a config per motion
 * event; applying each one (a mode change takes tens to hundreds of ms) would
 * leave the guest resizing long after the drag ended.  The reader puts every
 * config here; the display worker takes the newest and applies only that.
 * Every MONITORS_CONFIG still gets exactly one REPLY: take() reports how many
 * messages the request stands for, and all of them are answered with its
 * verdict (the superseded ones asked for a state the client no longer
 * wants; the newest config's result is what the client sees).
 *
 * Storage is one bounded vda_display_request; no allocation.  Not
 * thread-safe by itself: the caller holds its lock around put/take (both
 * are a bounded copy, so the lock is held for microseconds).
 */
#ifndef VDA_DISPLAY_COALESCE_H
#define VDA_DISPLAY_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

#include "vda_display_plan.h"

typedef struct vda_display_coalescer {
  bool pending;
  uint32_t owed;       /* REPLYs owed for the pending request */
  uint64_t superseded; /* total configs replaced before being applied */
  vda_display_request req;
} vda_display_coalescer;

void vda_display_coalescer_init(vda_display_coalescer *c);
/* Store r as the newest pending request.  Returns true when it replaced one
 * that was never applied. */
bool vda_display_coalescer_put(vda_display_coalescer *c, const vda_display_request *r);
/* Move the pending request to *out; *owed = REPLYs to send with its result.
 * false (nothing written) when nothing is pending. */
bool vda_display_coalescer_take(vda_display_coalescer *c, vda_display_request *out, uint32_t *owed);

#endif /* VDA_DISPLAY_COALESCE_H */
