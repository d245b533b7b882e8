/*
 * vda_views.h - typed views of validated message bodies.
 *
 * Each vda_parse_*() validates the body first (vda_validate_message) and
 * then fills a small struct of host-endian values.  Variable parts stay in
 * the body (views hold pointers into it, so the body must outlive the view)
 * and are read through accessors that use explicit little-endian loads:
 * bodies may be arbitrarily aligned.
 *
 * n (negotiated caps) decides whether selection/serial prefixes are present
 * and what is allowed; NULL means nothing negotiated.  lim NULL means
 * defaults.  On refusal the functions return false with a static *why.
 */
#ifndef VDA_VIEWS_H
#define VDA_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_caps.h"
#include "vda_limits.h"

typedef struct vda_mouse_state {
  uint32_t x, y, buttons;
  uint8_t display_id;
} vda_mouse_state;
bool vda_parse_mouse_state(const uint8_t *body, size_t size, vda_mouse_state *out,
                           const char **why);

typedef struct vda_monitor {
  uint32_t height, width, depth;
  int32_t x, y;
  uint16_t mm_height, mm_width; /* 0 when no PHYSICAL_SIZE trailer */
} vda_monitor;
typedef struct vda_monitors_config {
  uint32_t count;
  uint32_t flags; /* VD_AGENT_CONFIG_MONITORS_FLAG_* */
  bool has_physical_size;
  const uint8_t *body;
} vda_monitors_config;
bool vda_parse_monitors_config(const uint8_t *body, size_t size, const vda_negotiated *n,
                               const vda_limits *lim, vda_monitors_config *out, const char **why);
/* i < mc->count. */
void vda_monitors_config_get(const vda_monitors_config *mc, uint32_t i, vda_monitor *out);

typedef struct vda_display_config {
  uint32_t flags, depth;
} vda_display_config;
bool vda_parse_display_config(const uint8_t *body, size_t size, vda_display_config *out,
                              const char **why);

typedef struct vda_clipboard_grab {
  uint8_t selection;
  bool has_serial;
  uint32_t serial;
  uint32_t ntypes;
  const uint8_t *types;
} vda_clipboard_grab;
bool vda_parse_clipboard_grab(const uint8_t *body, size_t size, const vda_negotiated *n,
                              vda_clipboard_grab *out, const char **why);
/* i < g->ntypes. */
uint32_t vda_clipboard_grab_type(const vda_clipboard_grab *g, uint32_t i);

typedef struct vda_clipboard_request {
  uint8_t selection;
  uint32_t type;
} vda_clipboard_request;
bool vda_parse_clipboard_request(const uint8_t *body, size_t size, const vda_negotiated *n,
                                 vda_clipboard_request *out, const char **why);

bool vda_parse_clipboard_release(const uint8_t *body, size_t size, const vda_negotiated *n,
                                 uint8_t *selection, const char **why);

/* meta/meta_size: the key file including its final NUL; hand it to
 * vda_xfer_meta_parse(). */
typedef struct vda_xfer_start {
  uint32_t id;
  const uint8_t *meta;
  size_t meta_size;
} vda_xfer_start;
bool vda_parse_xfer_start(const uint8_t *body, size_t size, const vda_limits *lim,
                          vda_xfer_start *out, const char **why);

typedef struct vda_xfer_status {
  uint32_t id, result;
  bool has_error; /* ERROR with {u8 error_type, u32 error_code} */
  uint8_t error_type;
  uint32_t error_code;
  bool has_free_space; /* NOT_ENOUGH_SPACE with u64 free bytes */
  uint64_t free_space;
} vda_xfer_status;
bool vda_parse_xfer_status(const uint8_t *body, size_t size, const vda_negotiated *n,
                           vda_xfer_status *out, const char **why);

bool vda_parse_max_clipboard(const uint8_t *body, size_t size, int32_t *max, const char **why);

/* GRAPHICS_DEVICE_INFO: validate, then iterate the entries. */
typedef struct vda_gdi_entry {
  uint32_t channel_id, monitor_id, device_display_id;
  const char *address;  /* NUL-terminated, inside the body */
  uint32_t address_len; /* without the NUL */
} vda_gdi_entry;
typedef struct vda_gdi_iter {
  const uint8_t *p;
  uint32_t remaining;
} vda_gdi_iter;
bool vda_parse_graphics_info(const uint8_t *body, size_t size, const vda_limits *lim,
                             vda_gdi_iter *it, uint32_t *count, const char **why);
/* false when all entries were returned. */
bool vda_gdi_next(vda_gdi_iter *it, vda_gdi_entry *e);

#endif /* VDA_VIEWS_H */
