/* The display worker: one thread that owns the Win32 display context and
 * applies monitor configs, display effects and colour depth, so the agent's
 * main loop (mouse, clipboard, heartbeats) never waits for a mode change.
 *
 * A client dragging its window edge sends many MONITORS_CONFIGs: they go
 * through a coalescer, so the worker applies only the newest, and every
 * message still gets its REPLY (with the verdict of the config that
 * superseded it). Results come back through a bounded queue whose event the
 * main loop waits on; the main loop sends the REPLYs (the pipe has a single
 * owner). After each change the worker publishes the new desktop layout for
 * the mouse. */
#ifndef VDA_DISPLAY_WORKER_H
#define VDA_DISPLAY_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#include "vda_display_plan.h"
#include "vda_mouse_map.h"
#include "vda_views.h"

typedef struct vda_display_worker vda_display_worker;

typedef struct vda_display_reply {
  uint32_t type;  /* VD_AGENT_MONITORS_CONFIG or VD_AGENT_DISPLAY_CONFIG */
  uint32_t error; /* VD_AGENT_SUCCESS or VD_AGENT_ERROR */
  uint32_t count; /* how many REPLYs carry this verdict */
} vda_display_reply;

vda_display_worker *vda_display_worker_start(void);
void vda_display_worker_stop(vda_display_worker *w);

void vda_display_worker_monitors(vda_display_worker *w, const vda_display_request *r);
void vda_display_worker_set_idmap(vda_display_worker *w, const vda_display_idmap *map);
void vda_display_worker_effects(vda_display_worker *w, const vda_display_config *dc);
/* The client went away: put the user's effects back. */
void vda_display_worker_restore_effects(vda_display_worker *w);

HANDLE vda_display_worker_result_event(const vda_display_worker *w);
bool vda_display_worker_take_reply(vda_display_worker *w, vda_display_reply *out);
/* The newest layout for the mouse (copied under the lock). */
void vda_display_worker_mouse_layout(vda_display_worker *w, vda_mouse_layout *out);

#endif
