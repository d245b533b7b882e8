/*
 * vda_builder.h - bodies of every message the agent sends, and helpers that
 * turn a body into wire chunks.
 *
 * Small messages are built into a vda_body (fixed storage, no allocation);
 * the service frames bodies onto the port with a vda_framer
 * (vdservice/port_out.c), and vda_build_message() serialises one into a
 * buffer.  Large CLIPBOARD data is streamed through a vda_framer too: the
 * agent builds only the small head (vda_body_clipboard with no data).
 *
 * Extended formats follow the negotiated view: the selection prefix only
 * with vda_use_selection(), the grab serial only with vda_use_grab_serial(),
 * detailed file-transfer statuses only with vda_use_detailed_errors()
 * (otherwise they are sent as plain ERROR, as the protocol requires).
 * Builders refuse, with a reason, what cannot be expressed (e.g. a
 * PRIMARY selection when selections are not negotiated).
 */
#ifndef VDA_BUILDER_H
#define VDA_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_caps.h"
#include "vda_framer.h"

/* Big enough for every small message: a grab with VDA_MAX_GRAB_TYPES. */
#define VDA_BODY_MAX 512u
typedef struct vda_body {
  uint32_t type;
  size_t len;
  uint8_t data[VDA_BODY_MAX];
} vda_body;

/* ANNOUNCE_CAPABILITIES: request != 0 asks the peer to announce back. */
void vda_body_announce_caps(vda_body *b, const vda_caps *ours, bool request);
/* REPLY to MONITORS_CONFIG / DISPLAY_CONFIG: error is VD_AGENT_SUCCESS or
 * VD_AGENT_ERROR. */
void vda_body_reply(vda_body *b, uint32_t type, uint32_t error);
/* CLIPBOARD_GRAB: [selection] [serial] types[ntypes]; ntypes <=
 * VDA_MAX_GRAB_TYPES.  serial is ignored without vda_use_grab_serial(). */
bool vda_body_clipboard_grab(vda_body *b, const vda_negotiated *n, uint8_t selection,
                             uint32_t serial, const uint32_t *types, size_t ntypes,
                             const char **why);
bool vda_body_clipboard_request(vda_body *b, const vda_negotiated *n, uint8_t selection,
                                uint32_t type, const char **why);
bool vda_body_clipboard_release(vda_body *b, const vda_negotiated *n, uint8_t selection,
                                const char **why);
/* A whole small CLIPBOARD (e.g. type NONE to answer a request with nothing). */
bool vda_body_clipboard(vda_body *b, const vda_negotiated *n, uint8_t selection, uint32_t type,
                        const void *data, size_t len, const char **why);
/* FILE_XFER_STATUS without detail. Results above SUCCESS become ERROR when
 * the client did not announce FILE_XFER_DETAILED_ERRORS. */
void vda_body_xfer_status(vda_body *b, const vda_negotiated *n, uint32_t id, uint32_t result);
/* ERROR with {u8 GLIB_IO, u32 gio_error_code} when detailed errors are
 * negotiated; plain ERROR otherwise. */
void vda_body_xfer_status_error(vda_body *b, const vda_negotiated *n, uint32_t id,
                                uint32_t gio_error_code);
/* NOT_ENOUGH_SPACE with the free byte count when detailed errors are
 * negotiated; plain ERROR otherwise. */
void vda_body_xfer_status_no_space(vda_body *b, const vda_negotiated *n, uint32_t id,
                                   uint64_t free_bytes);

/* Any message, serialised into out (cap bytes, at least
 * vda_wire_size(len)). *out_len receives the wire size. */
bool vda_build_message(uint32_t type, const void *body, size_t len, uint8_t *out, size_t cap,
                       size_t *out_len, const char **why);

#endif /* VDA_BUILDER_H */
