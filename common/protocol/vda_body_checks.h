/*
 * vda_body_checks.h - per-type body checks, referenced by the message table
 * (vda_msg_table.c) and the streamed-prefix checks of vda_validate.c.
 * Internal to protocol/: other code validates through vda_validate.h.
 * Checks never allocate and never log; on refusal they set *why to a static,
 * human-readable reason.  n may be NULL (nothing negotiated).
 */
#ifndef VDA_BODY_CHECKS_H
#define VDA_BODY_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_caps.h"
#include "vda_limits.h"

/* Extended clipboard formats in use (both sides announced them). */
bool vda_body_use_selection(const vda_negotiated *n);
bool vda_body_use_serial(const vda_negotiated *n);
/* 4 when the selection prefix is in use, else 0. */
uint64_t vda_body_selection_size(const vda_negotiated *n);

#define VDA_BODY_CHECK(name)                                                               \
  bool name(const uint8_t *b, size_t size, const vda_negotiated *n, const vda_limits *lim, \
            const char **why)
VDA_BODY_CHECK(vda_check_monitors_config);
VDA_BODY_CHECK(vda_check_reply);
VDA_BODY_CHECK(vda_check_clipboard);
VDA_BODY_CHECK(vda_check_announce);
VDA_BODY_CHECK(vda_check_grab);
VDA_BODY_CHECK(vda_check_request);
VDA_BODY_CHECK(vda_check_release);
VDA_BODY_CHECK(vda_check_xfer_start);
VDA_BODY_CHECK(vda_check_xfer_status);
VDA_BODY_CHECK(vda_check_xfer_data);
VDA_BODY_CHECK(vda_check_max_clipboard);
VDA_BODY_CHECK(vda_check_audio);
VDA_BODY_CHECK(vda_check_graphics_info);
#undef VDA_BODY_CHECK

/* The fixed prefixes of the streamed types, checked against the whole
 * body's size before any data byte has arrived. */
bool vda_check_clipboard_prefix(const uint8_t *p, uint64_t body_size, const vda_negotiated *n,
                                const vda_limits *lim, const char **why);
bool vda_check_xfer_data_prefix(const uint8_t *p, uint64_t body_size, const vda_limits *lim,
                                const char **why);

#endif /* VDA_BODY_CHECKS_H */
