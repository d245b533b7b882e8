/*
 * vda_xfer_meta.h - parser for the FILE_XFER_START metadata key file.
 *
 * spice-gtk sends (GKeyFile syntax, NUL-terminated):
 *     [vdagent-file-xfer]
 *     name=<base name, GKeyFile-escaped>
 *     size=<u64 decimal>
 *
 * Accepted syntax, a strict subset of GKeyFile:
 *   - the input ends with its only NUL byte (an embedded NUL is refused);
 *   - lines end with LF, an optional CR before it is dropped;
 *   - leading spaces/tabs are skipped; empty lines and '#' comments ignored;
 *   - "[group]" headers; the group [vdagent-file-xfer] must appear exactly
 *     once; other groups are allowed and their keys ignored;
 *   - "key=value" lines (spaces around the key and before the value are
 *     dropped) only inside a group: a key before any group is refused;
 *   - in [vdagent-file-xfer]: name and size are required, each exactly once;
 *     unknown keys (including localised name[xx]) are ignored;
 *   - anything else (a line without '=', an unterminated group header) is
 *     refused.
 * name: GKeyFile escapes \s \n \t \r \\ are decoded (others refused); the
 * result must be non-empty, at most VDA_XFER_NAME_MAX bytes, valid UTF-8
 * (no overlongs, no surrogates) and free of control characters (U+0000-001F,
 * U+007F).  Whether it is a safe file name on the guest (separators,
 * reserved names) is for the caller to decide.
 * size: 1-20 ASCII digits, value <= UINT64_MAX; no sign, no spaces.
 * The parser never allocates; refusals come with a static reason.
 */
#ifndef VDA_XFER_META_H
#define VDA_XFER_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_limits.h"

typedef struct vda_xfer_meta {
  char name[VDA_XFER_NAME_MAX + 1]; /* NUL-terminated UTF-8 */
  size_t name_len;
  uint64_t size;
} vda_xfer_meta;

/* text/len: the key file including its terminating NUL (as found after the
 * id in a FILE_XFER_START body). */
bool vda_xfer_meta_parse(const uint8_t *text, size_t len, vda_xfer_meta *out, const char **why);

#endif /* VDA_XFER_META_H */
