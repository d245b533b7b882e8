/* Clipboard sharing on the Windows side: a thread with a message-only window
 * that listens to clipboard changes (AddClipboardFormatListener), owns the
 * clipboard with delayed rendering when the client grabs, and renders on
 * WM_RENDERFORMAT by asking the client and waiting, with a timeout, for the
 * data. It runs on its own thread so a slow paste never freezes resizing or
 * the mouse (the upstream agent spun a nested 3-second loop on its only
 * thread). The protocol decisions (serials, selections, echo suppression,
 * limits) are in common/vda_clip_state; this file only talks to Windows.
 *
 * The main thread forwards what the client sends with the calls below (each
 * copies or takes ownership); what the agent sends goes through the outbox. */
#ifndef VDA_CLIPBOARD_WIN_H
#define VDA_CLIPBOARD_WIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clipboard_incoming.h"
#include "outbox.h"
#include "vda_caps.h"
#include "vda_limits.h"

typedef struct vda_clipboard_win vda_clipboard_win;

/* Starts the thread and its window; NULL when that fails (logged). */
vda_clipboard_win *vda_clipboard_win_start(vda_outbox *out, const vda_limits *lim);
/* Renders what the client still owes (WM_RENDERALLFORMATS), then stops. */
void vda_clipboard_win_stop(vda_clipboard_win *c);

/* The negotiated view changed (client caps, MAX_CLIPBOARD), possibly with
 * a client connecting (ANNOUNCE request=1) or going away. */
#define VDA_CLIP_NEG_UPDATE 0
#define VDA_CLIP_NEG_CONNECTED 1
#define VDA_CLIP_NEG_DISCONNECTED 2
void vda_clipboard_win_negotiated(vda_clipboard_win *c, const vda_negotiated *n,
                                  int32_t peer_max_clipboard, int event);
/* CLIPBOARD_GRAB, CLIPBOARD_REQUEST, CLIPBOARD_RELEASE from the client (the
 * body is copied; it was validated by the service's reader). */
void vda_clipboard_win_message(vda_clipboard_win *c, uint32_t vd_type, const uint8_t *body,
                               size_t size);
/* A complete CLIPBOARD from the client; takes ownership of *p. */
void vda_clipboard_win_data(vda_clipboard_win *c, uint8_t selection, vda_clip_payload *p);

/* The client's CLIPBOARD will not arrive whole (refused on the way, aborted,
 * dropped here): a paste waiting for it returns now, with nothing. type is
 * VD_AGENT_CLIPBOARD_NONE when it was refused before its type was known. */
void vda_clipboard_win_data_lost(vda_clipboard_win *c, uint8_t selection, uint32_t type);

/* len more bytes of a client CLIPBOARD arrived (main thread): a paste
 * waiting for them keeps waiting while they flow (vda_clip_wait). */
void vda_clipboard_win_progress(vda_clipboard_win *c, size_t len);

#endif
