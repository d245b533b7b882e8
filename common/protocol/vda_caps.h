/*
 * vda_caps.h - capability sets and the negotiated view.
 *
 * A vda_caps holds the VD_AGENT_CAP_* bits this build knows (sized by
 * VD_AGENT_CAPS_SIZE).  The agent keeps three views:
 *   - ours: what the guest announces: the service's own bits
 *     (vda_caps_service(), vda_msg_table.h) plus those of the session agent's enabled
 *     features (vdagent/agent_features.h);
 *   - the peer's: parsed from its ANNOUNCE_CAPABILITIES with vda_caps_parse()
 *     (longer arrays than ours are accepted, unknown bits ignored);
 *   - vda_negotiated: both, plus vda_use_*() helpers that answer "may I use
 *     this extension?".  Each helper documents which side's bit it needs,
 *     because the protocol is not uniform: extended formats (selection
 *     prefix, grab serial, no-release-on-regrab) need both sides, while some
 *     bits are announced by one side only (the client announces
 *     FILE_XFER_DETAILED_ERRORS and MONITORS_CONFIG_POSITION; the agent
 *     announces SPARSE_MONITORS_CONFIG, GUEST_LINEEND_CRLF, MAX_CLIPBOARD,
 *     GRAPHICS_DEVICE_INFO, AUDIO_VOLUME_SYNC and the peer reacts to them;
 *     those need no helper: the code that announces them knows).
 * Until the peer has announced, its set is empty: no extension is used.
 */
#ifndef VDA_CAPS_H
#define VDA_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <spice/vd_agent.h>

typedef struct vda_caps {
  uint32_t words[VD_AGENT_CAPS_SIZE];
} vda_caps;

/* Empty set. */
void vda_caps_init(vda_caps *c);
/* Bits >= VD_AGENT_END_CAP are ignored by set/clear and read as false. */
void vda_caps_set(vda_caps *c, unsigned cap);
void vda_caps_clear(vda_caps *c, unsigned cap);
bool vda_caps_has(const vda_caps *c, unsigned cap);
/* out = a | b (out may alias either): what the service and the agent
 * announce together. */
void vda_caps_union(vda_caps *out, const vda_caps *a, const vda_caps *b);

/* "MOUSE_STATE", "CLIPBOARD_BY_DEMAND", ...: the VD_AGENT_CAP_ name without
 * its prefix; "unknown" for a bit this build does not know. */
const char *vda_cap_name(unsigned cap);

/* Parse an ANNOUNCE_CAPABILITIES body: u32 request + u32 caps[].
 * The array may be longer or shorter than ours; bits we do not know are
 * dropped.  Refused: body shorter than 4 bytes, a partial trailing word,
 * more than VDA_MAX_CAPS_WORDS words.  *request receives the request field
 * (non-zero: the peer wants our capabilities back).  On failure *why gets a
 * static reason and out is left empty. */
bool vda_caps_parse(const uint8_t *body, size_t size, vda_caps *out, uint32_t *request,
                    const char **why);

typedef struct vda_negotiated {
  vda_caps ours;
  vda_caps peer;
  bool peer_known; /* the peer has announced since the last reset */
} vda_negotiated;

/* ours copied, peer empty/unknown. */
void vda_negotiated_init(vda_negotiated *n, const vda_caps *ours);
void vda_negotiated_set_peer(vda_negotiated *n, const vda_caps *peer);
/* Forget the peer (CLIENT_DISCONNECTED, port reopened). */
void vda_negotiated_clear_peer(vda_negotiated *n);
/* Both sides announced cap. */
bool vda_negotiated_both(const vda_negotiated *n, unsigned cap);

/* Selection prefix in CLIPBOARD / GRAB / REQUEST / RELEASE (both sides). */
bool vda_use_selection(const vda_negotiated *n);
/* Serial in CLIPBOARD_GRAB (both sides). */
bool vda_use_grab_serial(const vda_negotiated *n);
/* The peer does not send RELEASE before a new GRAB, and we need not either
 * (both sides). */
bool vda_use_no_release_on_regrab(const vda_negotiated *n);
/* FILE_XFER_STATUS values 4..7 and detail bytes (the client announces it). */
bool vda_use_detailed_errors(const vda_negotiated *n);
/* The client honours monitor positions (client announces it). */
bool vda_use_monitor_position(const vda_negotiated *n);
/* 0x0 MONITORS_CONFIG entries mean "disabled" (we announced it). */
bool vda_use_sparse_monitors(const vda_negotiated *n);
/* Clipboard by demand (GRAB/REQUEST) is usable: both sides announced it. */
bool vda_use_clipboard_by_demand(const vda_negotiated *n);

#endif /* VDA_CAPS_H */
