/*
 * vda_builder.h - bodies of every message the agent sends, and helpers that
 * turn a body into wire chunks.
 *
 * Small messages are built into a vda_body (fixed storage, no allocation),
 * then emitted with vda_emit_body() or serialised with vda_build_message().
 * CLIPBOARD data, which can be large, is streamed: vda_begin_clipboard()
 * starts the message and writes its prefix, the caller then feeds the data
 * with vda_framer_write() (see vda_framer.h).
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
/* Largest body vda_build_message_alloc() accepts: larger ones must be
 * streamed through a vda_framer. */
#define VDA_BUILD_ALLOC_MAX (1024u * 1024u)

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
bool vda_body_clipboard_grab(vda_body *b, const vda_negotiated *n,
                             uint8_t selection, uint32_t serial,
                             const uint32_t *types, size_t ntypes,
                             const char **why);
bool vda_body_clipboard_request(vda_body *b, const vda_negotiated *n,
                                uint8_t selection, uint32_t type,
                                const char **why);
bool vda_body_clipboard_release(vda_body *b, const vda_negotiated *n,
                                uint8_t selection, const char **why);
/* A whole small CLIPBOARD (e.g. type NONE to answer a request with nothing). */
bool vda_body_clipboard(vda_body *b, const vda_negotiated *n,
                        uint8_t selection, uint32_t type, const void *data,
                        size_t len, const char **why);
/* FILE_XFER_STATUS without detail. Results above SUCCESS become ERROR when
 * the client did not announce FILE_XFER_DETAILED_ERRORS. */
void vda_body_xfer_status(vda_body *b, const vda_negotiated *n, uint32_t id,
                          uint32_t result);
/* ERROR with {u8 GLIB_IO, u32 gio_error_code} when detailed errors are
 * negotiated; plain ERROR otherwise. */
void vda_body_xfer_status_error(vda_body *b, const vda_negotiated *n,
                                uint32_t id, uint32_t gio_error_code);
/* NOT_ENOUGH_SPACE with the free byte count when detailed errors are
 * negotiated; plain ERROR otherwise. */
void vda_body_xfer_status_no_space(vda_body *b, const vda_negotiated *n,
                                   uint32_t id, uint64_t free_bytes);

/* Emit a small body as wire chunks through emit (uses a framer on the
 * stack). */
bool vda_emit_body(const vda_body *b, vda_emit_fn emit, void *ctx,
                   const char **why);

/* Start a streamed CLIPBOARD message carrying data_size bytes of data and
 * write its [selection] + type prefix; the caller then writes exactly
 * data_size bytes with vda_framer_write().  The caller checks data_size
 * against vda_clipboard_limit() first. */
bool vda_begin_clipboard(vda_framer *f, const vda_negotiated *n,
                         uint8_t selection, uint32_t type, uint64_t data_size,
                         vda_emit_fn emit, void *ctx, const char **why);

/* Any message, serialised into out (cap bytes, at least
 * vda_wire_size(len)). *out_len receives the wire size. */
bool vda_build_message(uint32_t type, const void *body, size_t len,
                       uint8_t *out, size_t cap, size_t *out_len,
                       const char **why);
/* Same, into a malloc'ed buffer the caller frees; len <= VDA_BUILD_ALLOC_MAX. */
bool vda_build_message_alloc(uint32_t type, const void *body, size_t len,
                             uint8_t **out, size_t *out_len, const char **why);

#endif /* VDA_BUILDER_H */
