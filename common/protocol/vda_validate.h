/*
 * vda_validate.h - per-type validation of VD_AGENT_* message bodies.
 *
 * A body is the bytes after the 20-byte VDAgentMessage header.  The bounds
 * and the body check of each type come from its row in vda_msg_table.h.
 * Every type
 * 1..16 of spice/vd_agent.h (MOUSE_STATE .. GRAPHICS_DEVICE_INFO; type 4
 * CLIPBOARD also covers the legacy non-by-demand clipboard) is checked for:
 *   - exact or minimum/maximum sizes, with the selection prefix and the grab
 *     serial counted only when vda_use_selection()/vda_use_grab_serial();
 *   - counts times element sizes computed in 64 bits (num_of_monitors,
 *     capability words, audio channels, graphics-device entries and their
 *     address lengths), so no count can wrap a size check;
 *   - values the body depends on (selection, clipboard type, file status,
 *     NUL terminators, MAX_CLIPBOARD >= -1).
 * The MONITORS_CONFIG PHYSICAL_SIZE trailer is accepted (and required when
 * its flag is set).  Validators never allocate and never log: on refusal they
 * return false and set *why to a static, human-readable reason.
 *
 * n may be NULL (no extension negotiated); lim may be NULL (defaults).
 * Parsed, typed views of validated bodies are in vda_views.h.
 */
#ifndef VDA_VALIDATE_H
#define VDA_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_caps.h"
#include "vda_limits.h"
#include "vda_msg_table.h"

/* Validate a whole body of the given type. Unknown types are refused. */
bool vda_validate_message(uint32_t type, const uint8_t *body, size_t size, const vda_negotiated *n,
                          const vda_limits *lim, const char **why);

/* Check only the size announced in a message header, before any body byte
 * has arrived: lets the reader refuse (and skip unbuffered) a message that
 * can never be valid.  Unknown types are refused. */
bool vda_validate_size(uint32_t type, uint64_t size, const vda_negotiated *n, const vda_limits *lim,
                       const char **why);

/* CLIPBOARD and FILE_XFER_DATA can be large: they are streamed, their fixed
 * prefix checked first.  Returns the prefix size (CLIPBOARD: [selection] +
 * u32 type; FILE_XFER_DATA: u32 id + u64 size), or 0 for other types. */
size_t vda_stream_prefix_size(uint32_t type, const vda_negotiated *n);

/* Validate the fixed prefix of a streamed message whose whole body is
 * body_size bytes (prefix_len == vda_stream_prefix_size()).  After this
 * passes, any data bytes are acceptable. */
bool vda_validate_stream_prefix(uint32_t type, const uint8_t *prefix, size_t prefix_len,
                                uint64_t body_size, const vda_negotiated *n, const vda_limits *lim,
                                const char **why);

#endif /* VDA_VALIDATE_H */
