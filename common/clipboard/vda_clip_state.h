/*
 * vda_clip_state.h - the clipboard protocol state machine (portable, no I/O).
 *
 * The Windows glue feeds events in (guest clipboard changed, client
 * GRAB/REQUEST/RELEASE/CLIPBOARD, connect/disconnect, timeouts) and executes
 * the one vda_clip_action each call returns.  Every call fills act->why, so
 * the glue can log what happened and why nothing did.
 *
 * Rules implemented, with where they come from (read in spice-vdagent
 * src/vdagentd/vdagentd.c do_client_clipboard / virtio_write_clipboard /
 * do_client_capabilities / do_agent_clipboard, src/vdagent/clipboard.c
 * vdagent_clipboard_request, spice-gtk src/channel-main.c
 * agent_clipboard_grab / main_agent_handle_msg, src/spice-gtk-session.c
 * clipboard_grab / clipboard_release_delay):
 *
 *  Selection: Windows has one clipboard.  We only ever grab CLIPBOARD (0);
 *   client GRAB/RELEASE of PRIMARY or SECONDARY are ignored; a REQUEST for
 *   them is answered with an empty CLIPBOARD of type NONE (the Linux agent
 *   answers any request it cannot serve that way).  The selection prefix is
 *   written only when vda_use_selection() (builder's job).
 *
 *  Grab serial (CLIPBOARD_GRAB_SERIAL, both sides): one counter, reset to 0
 *   when a client connects (ANNOUNCE_CAPABILITIES with request=1).  Our GRAB
 *   carries the counter, then the counter increments.  spice-gtk accepts
 *   our grab only if it equals its own counter (then increments).  A client
 *   GRAB is accepted when its serial == counter (counter increments) or ==
 *   counter - 1 (both grabbed at once: the client wins, the counter stays,
 *   and the client dropped ours since it no longer matches); anything else
 *   is stale and dropped.  Arithmetic is modulo 2^32 like the references.
 *
 *  No release on regrab (CLIPBOARD_NO_RELEASE_ON_REGRAB): a GRAB implies
 *   the release of the previous owner for every peer (spice-gtk
 *   clipboard_grab, the Linux daemon's agent_owns_clipboard), so we never
 *   send RELEASE before re-grabbing, whatever was negotiated, and accept a
 *   client GRAB without a RELEASE.  What the cap changes is the receiving
 *   side: without it, peers send RELEASE between two grabs, and spice-gtk
 *   delays an agent RELEASE by 500 ms in case a GRAB follows.  We do the
 *   same for a client RELEASE when the cap is not negotiated
 *   (VDA_CLIP_DO_DELAY_EMPTY), so an old client's RELEASE+GRAB does not
 *   flash an empty clipboard at Windows clipboard listeners.
 *
 *  Requests: a client REQUEST is served only while our grab stands and for
 *   a type we offered; otherwise it is answered at once with CLIPBOARD type
 *   NONE and no data, never left unanswered.  Over the size limit (the
 *   configured maximum lowered by the client's MAX_CLIPBOARD) the answer is
 *   a CLIPBOARD of the requested type with no data, as spice-vdagentd does
 *   ("clipboard is too large, discarding").
 *
 *  Our requests (WM_RENDERFORMAT): only for a type the client offered in
 *   its current grab; at most VDA_CLIP_MAX_PENDING outstanding; the glue
 *   owns the deadline (spice-gtk never answers some requests) and reports
 *   it with vda_clip_request_timeout().  Client data matching a pending
 *   type completes it; an answer of type NONE or of a type not pending
 *   completes the oldest request without data; anything without a pending
 *   request (late, unsolicited, other selection) is discarded; data over
 *   the limit completes its request without data.
 *
 *  Disconnect: CLIENT_DISCONNECTED (or a new client) drops the client's
 *   ownership (empty our delayed-render clipboard), fails pending requests
 *   and forgets our grab; the glue then offers the guest clipboard again
 *   by calling vda_clip_guest_changed() once the new peer has announced.
 *
 *  Echo: the glue reports whether the clipboard change is ours (our window
 *   is the owner); our own changes never become a GRAB.
 *
 *  Policy: disabled -> vda_clip_caps() announces none of the clipboard
 *   capabilities and every input yields VDA_CLIP_DO_NOTHING.
 */
#ifndef VDA_CLIP_STATE_H
#define VDA_CLIP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_builder.h"
#include "vda_caps.h"
#include "vda_limits.h"
#include "vda_views.h"

/* spice-gtk's CLIPBOARD_RELEASE_DELAY, used for a client RELEASE when
 * CLIPBOARD_NO_RELEASE_ON_REGRAB is not negotiated. */
#define VDA_CLIP_RELEASE_DELAY_MS 500u
/* Outstanding REQUESTs we sent (WM_RENDERFORMAT / WM_RENDERALLFORMATS). */
#define VDA_CLIP_MAX_PENDING 8u

typedef enum vda_clip_do {
  VDA_CLIP_DO_NOTHING = 0, /* log act->why */
  VDA_CLIP_DO_SEND,        /* emit act->body (GRAB/RELEASE/REQUEST/small
                                CLIPBOARD answer) */
  VDA_CLIP_DO_OWN,         /* client grabbed: take clipboard ownership with
                                delayed rendering of act->types */
  VDA_CLIP_DO_EMPTY,       /* empty the clipboard if our window owns it */
  VDA_CLIP_DO_DELAY_EMPTY, /* arm a VDA_CLIP_RELEASE_DELAY_MS timer, then
                                call vda_clip_release_timer() */
  VDA_CLIP_DO_SERVE,       /* read the guest clipboard as act->type, then
                                call vda_clip_serve_result() */
  VDA_CLIP_DO_STREAM,      /* send CLIPBOARD act->type with act->size bytes
                                (vda_body_clipboard head + the data) */
  VDA_CLIP_DO_ACCEPT_DATA, /* client data (act->size bytes of act->type)
                                answers our request: render it */
  VDA_CLIP_DO_DISCARD_DATA /* drop the client data; see act->fail_request */
} vda_clip_do;

typedef struct vda_clip_action {
  vda_clip_do what;
  const char *why; /* static text, always set */
  uint32_t type;   /* SERVE, STREAM, ACCEPT_DATA, failed request */
  uint64_t size;   /* STREAM, ACCEPT_DATA */
  /* A pending request of type `type` ends without data: wake its
     * WM_RENDERFORMAT with nothing (DISCARD_DATA, NOTHING). */
  bool fail_request;
  /* Wake every WM_RENDERFORMAT wait with nothing (disconnect, release). */
  bool cancel_pending;
  /* Disarm the delayed-release timer (a GRAB arrived in time, ...). */
  bool cancel_release_timer;
  /* The client's message was out of order or malformed (a REQUEST with
   * nothing grabbed, a RELEASE of nothing): the glue logs `why` once per
   * reason and interval, since a client repeating it must not flood. */
  bool refused;
  uint32_t ntypes; /* OWN */
  uint32_t types[VDA_MAX_GRAB_TYPES];
  vda_body body; /* SEND */
} vda_clip_action;

typedef struct vda_clip_state {
  bool enabled;
  vda_negotiated neg; /* a copy: the glue may live on another thread */
  vda_limits lim;
  int32_t peer_max; /* client MAX_CLIPBOARD, -1 = none */
  uint32_t serial;  /* next serial we send / expect */
  /* Our grab (guest -> client). */
  bool guest_grabbed;
  uint32_t n_guest_types;
  uint32_t guest_types[VDA_MAX_GRAB_TYPES];
  /* The client's grab (client -> guest, delayed rendering). */
  bool client_owns;
  bool release_delayed; /* old-peer RELEASE waiting for its timer */
  bool client_leaving;  /* vda_clip_client_leaving() until the full drop */
  /* A request for this grab timed out: the next pastes are not made to wait
   * again (Wine asks once more for each format it derives from text) until
   * the client grabs again or any data of its arrives. */
  bool client_unanswered;
  uint32_t n_client_types;
  uint32_t client_types[VDA_MAX_GRAB_TYPES];
  /* Our REQUESTs in the order sent. */
  uint32_t n_pending;
  uint32_t pending[VDA_CLIP_MAX_PENDING];
} vda_clip_state;

/* Capability bits of clipboard sharing: set when enabled, cleared (with the
 * legacy CLIPBOARD bit) when the policy turns sharing off. */
void vda_clip_caps(bool enabled, vda_caps *c);

/* lim NULL: defaults.  No peer yet: nothing is sent until the negotiated
 * view says CLIPBOARD_BY_DEMAND. */
void vda_clip_init(vda_clip_state *s, bool enabled, const vda_limits *lim);
/* The negotiated view or the client's MAX_CLIPBOARD changed (copied). */
void vda_clip_set_negotiated(vda_clip_state *s, const vda_negotiated *n, int32_t peer_max);
/* Effective limit for data in either direction. */
uint64_t vda_clip_limit(const vda_clip_state *s);

/* ANNOUNCE_CAPABILITIES with request=1 (a client connected): serial reset,
 * the previous client's ownership dropped (EMPTY when it owned). */
vda_clip_do vda_clip_client_connected(vda_clip_state *s, vda_clip_action *act);
/* CLIENT_DISCONNECTED: same drop, without a new client. */
vda_clip_do vda_clip_client_disconnected(vda_clip_state *s, vda_clip_action *act);

/* The guest clipboard changed.  types: VD_AGENT_CLIPBOARD_* available now
 * (the glue maps CF_UNICODETEXT -> UTF8_TEXT, DIB/DIBV5/BITMAP -> PNG+BMP,
 * "PNG" -> PNG; empty when the clipboard was emptied or holds nothing we
 * can offer).  own_change: our window is the clipboard owner (echo of our
 * own delayed-render ownership).  -> SEND GRAB / SEND RELEASE / NOTHING. */
vda_clip_do vda_clip_guest_changed(vda_clip_state *s, const uint32_t *types, size_t ntypes,
                                   bool own_change, vda_clip_action *act);

/* Client CLIPBOARD_GRAB (parsed with the same negotiated view).
 * -> OWN (with the types we can render) / NOTHING. */
vda_clip_do vda_clip_client_grab(vda_clip_state *s, const vda_clipboard_grab *g,
                                 vda_clip_action *act);
/* Convenience for the glue: parse a validated CLIPBOARD_GRAB, _REQUEST or
 * _RELEASE body with the state's negotiated view and dispatch it to the
 * function below that handles it.  Other types, or a body the view refuses,
 * -> NOTHING with the reason. */
vda_clip_do vda_clip_client_message(vda_clip_state *s, uint32_t vd_type, const uint8_t *body,
                                    size_t size, vda_clip_action *act);
/* Client CLIPBOARD_RELEASE -> EMPTY / DELAY_EMPTY / NOTHING. */
vda_clip_do vda_clip_client_release(vda_clip_state *s, uint8_t selection, vda_clip_action *act);
/* The delayed-release timer fired -> EMPTY / NOTHING. */
vda_clip_do vda_clip_release_timer(vda_clip_state *s, vda_clip_action *act);
/* Client CLIPBOARD_REQUEST -> SERVE / SEND (empty answer) / NOTHING. */
vda_clip_do vda_clip_client_request(vda_clip_state *s, uint8_t selection, uint32_t type,
                                    vda_clip_action *act);
/* After SERVE: ok=false when the data could not be read or converted;
 * size: bytes to send.  -> STREAM / SEND (empty answer). */
vda_clip_do vda_clip_serve_result(vda_clip_state *s, uint32_t type, bool ok, uint64_t size,
                                  vda_clip_action *act);

/* WM_RENDERFORMAT wants type -> SEND REQUEST (now pending) / NOTHING. */
vda_clip_do vda_clip_request_data(vda_clip_state *s, uint32_t type, vda_clip_action *act);
/* The glue's deadline for a pending request of type passed: forget it
 * (data arriving later is discarded). -> NOTHING (fail_request). */
vda_clip_do vda_clip_request_timeout(vda_clip_state *s, uint32_t type, vda_clip_action *act);
/* A CLIPBOARD from the client (header only: selection, type, data size).
 * -> ACCEPT_DATA / DISCARD_DATA. */
vda_clip_do vda_clip_client_data(vda_clip_state *s, uint8_t selection, uint32_t type, uint64_t size,
                                 vda_clip_action *act);

/* The client's CLIPBOARD for a request will never arrive whole: refused on
 * the way (over a limit, malformed), aborted (the client left mid-stream) or
 * dropped by the agent.  Ends the request of that type (NONE or a type not
 * pending: the oldest) so its WM_RENDERFORMAT returns now rather than at the
 * glue's deadline. -> DISCARD_DATA (fail_request) / NOTHING. */
vda_clip_do vda_clip_client_data_lost(vda_clip_state *s, uint8_t selection, uint32_t type,
                                      vda_clip_action *act);
/* The client is going (CLIENT_DISCONNECTED, or a new client replaces it):
 * wakes every waiting request with nothing and refuses new ones, touching
 * nothing else.  For the glue to call at once from the thread that hears
 * it, while the full vda_clip_client_disconnected() / _connected() runs
 * later on the clipboard thread (a program's next paste can reach that
 * thread before the posted event does).  -> NOTHING (cancel_pending when
 * any waited). */
vda_clip_do vda_clip_client_leaving(vda_clip_state *s, vda_clip_action *act);

/* The glue's deadline for one of our requests (WM_RENDERFORMAT waits for
 * the client's data).  A paste the client never answers, or stops feeding,
 * ends after VDA_CLIP_IDLE_MS without a byte (the application that pastes
 * is blocked meanwhile: 3 s is as long as a user waits before thinking it
 * hung); a large paste on a slow link that keeps arriving may take longer
 * (100 MiB at 2 MiB/s is 50 s: a fixed 30 s refused it, and Wine then asked
 * again, so the client sent it twice), up to VDA_CLIP_MAX_WAIT_MS in all.
 * progress: any count that grows as the client's clipboard data arrives
 * (bytes received). */
#define VDA_CLIP_IDLE_MS 3000u
#define VDA_CLIP_MAX_WAIT_MS (15u * 60u * 1000u)
/* How often a waiting glue looks at the progress (only while it waits). */
#define VDA_CLIP_WAIT_POLL_MS 1000u
typedef struct vda_clip_wait {
  uint64_t start_ms, last_ms; /* the request; the last progress seen */
  uint64_t seen;              /* progress at last_ms */
} vda_clip_wait;
void vda_clip_wait_start(vda_clip_wait *w, uint64_t now_ms, uint64_t progress);
/* Milliseconds to wait before calling again, or 0: give up now. */
uint32_t vda_clip_wait_next(vda_clip_wait *w, uint64_t now_ms, uint64_t progress);

#endif /* VDA_CLIP_STATE_H */
