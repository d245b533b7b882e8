/* The clipboard feature of the session agent (agent_feature.h).
 *
 * Handles CLIPBOARD_GRAB, CLIPBOARD_REQUEST, CLIPBOARD_RELEASE and
 * MAX_CLIPBOARD, and takes streamed CLIPBOARD data through its sink, which
 * assembles it (at most limits->max_clipboard bytes, the configured
 * MaxClipboard) and hands it whole to the clipboard thread
 * (clipboard_win.h). Announces vda_clip_caps(true): CLIPBOARD_BY_DEMAND,
 * CLIPBOARD_SELECTION, CLIPBOARD_GRAB_SERIAL, CLIPBOARD_NO_RELEASE_ON_REGRAB,
 * GUEST_LINEEND_CRLF, MAX_CLIPBOARD. Disabled when ClipboardEnabled is 0 or
 * the clipboard thread does not start: then none of that is announced. */
#ifndef VDA_CLIPBOARD_FEATURE_H
#define VDA_CLIPBOARD_FEATURE_H

#include <stdbool.h>

#include "agent_feature.h"
#include "outbox.h"

typedef struct vda_clipboard_feature vda_clipboard_feature;

/* Describes the feature into *f, enabled if `allowed` (the policy); nothing
 * runs yet. NULL when out of memory. *f must outlive the returned object. */
vda_clipboard_feature *vda_clipboard_feature_new(const vda_agent_env *env, bool allowed,
                                                 vda_feature *f);
/* Starts the clipboard thread if allowed (with env->limits as they are
 * now). A thread that does not start disables the feature (logged). */
void vda_clipboard_feature_start(vda_clipboard_feature *cf, vda_outbox *out);
/* Stops the thread if it runs; NULL is fine. */
void vda_clipboard_feature_free(vda_clipboard_feature *cf);

#endif
