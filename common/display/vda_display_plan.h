/*
 * vda_display_plan.h - from a MONITORS_CONFIG to a per-display plan.
 *
 * Input: what the client asked (a vda_display_request, a bounded copy of a
 * parsed MONITORS_CONFIG), what the guest has (a vda_display_set, filled by
 * the Windows layer from EnumDisplayDevicesW / EnumDisplaySettingsExW) and,
 * when the server sent one, the GRAPHICS_DEVICE_INFO id map.  Output: a
 * vda_display_plan saying, for every guest display, whether it is enabled,
 * its mode, where that mode comes from, and its normalised position.  No
 * <windows.h>: the rules live here and are unit-tested natively; executing a
 * plan is vda_display_apply.h.
 *
 * Display ids (the index of a monitor in MONITORS_CONFIG; MOUSE_STATE's
 * display_id) map to guest displays as follows (vda_display_map_ids):
 *   1. GRAPHICS_DEVICE_INFO, when it names a guest display: its display id is
 *      channel_id + monitor_id (one of the two is 0 in practice: one channel
 *      per head, or one channel with several heads - the Linux agent uses the
 *      same key) and the guest display is the one whose device address and
 *      per-adapter output index match address and device_display_id.
 *   2. Otherwise, when the guest has any QXL display: QXL displays only,
 *      by their QxlDeviceID (the XPDM driver's registry value); a QXL display
 *      without one takes the lowest free id, in enumeration order.
 *   3. Otherwise (virtio-gpu, plain VGA, Wine): non-mirror displays in
 *      EnumDisplayDevices order.
 * Mirror drivers never get an id, and when QXL is present no other adapter
 * does either (unless GRAPHICS_DEVICE_INFO says so): a passed-through GPU,
 * a Citrix or a mirror driver enumerated before the QXL adapters can no
 * longer shift the ids, which was a long-standing upstream bug.  Displays
 * with no id are "unmanaged": their mode is kept, they may only be moved so
 * the desktop stays free of gaps and overlaps.
 */
#ifndef VDA_DISPLAY_PLAN_H
#define VDA_DISPLAY_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "vda_caps.h"
#include "vda_display_layout.h"
#include "vda_views.h"

/* Guest displays considered, and client display ids that can map to one
 * (spice-gtk's maximum is 16 monitors). */
#define VDA_DISPLAY_MAX VDA_LAYOUT_MAX
/* MONITORS_CONFIG entries kept in a request (vda_limits' default maximum);
 * entries past VDA_DISPLAY_MAX can never map and only make the reply
 * honest. */
#define VDA_DISPLAY_REQ_MAX 64u
/* Distinct (width, height, depth) modes kept per guest display. Wine's
 * view of the Xorg dummy driver lists several hundred (every size at 8, 16
 * and 32 bpp), and a mode added last must not be cut off. */
#define VDA_DISPLAY_MODES_MAX 1024u
/* Device address as in GRAPHICS_DEVICE_INFO ("pci/0000/02.0"), with NUL. */
#define VDA_DISPLAY_ADDR_MAX 64u

typedef enum vda_adapter_kind {
  VDA_ADAPTER_QXL,
  VDA_ADAPTER_OTHER,  /* passed-through GPU, virtio-gpu, VGA, Citrix ... */
  VDA_ADAPTER_MIRROR, /* DISPLAY_DEVICE_MIRRORING_DRIVER: never touched */
} vda_adapter_kind;

typedef struct vda_mode {
  uint32_t width, height, depth;
} vda_mode;

typedef struct vda_guest_display {
  uint32_t device_index; /* iDevNum in EnumDisplayDevicesW order */
  vda_adapter_kind kind;
  bool has_qxl_id;
  uint32_t qxl_id;   /* QxlDeviceID registry value */
  bool custom_modes; /* the QXL custom-mode escape may be tried */
  bool has_luid;
  uint64_t adapter_luid;              /* WDDM adapter (D3DKMT), when has_luid */
  char address[VDA_DISPLAY_ADDR_MAX]; /* "" when unknown */
  uint32_t output;                    /* index of this display on its adapter */
  bool attached, primary;
  int32_t x, y;     /* current position (attached) */
  vda_mode current; /* current (or registry) mode */
  uint32_t nmodes;
  vda_mode modes[VDA_DISPLAY_MODES_MAX];
} vda_guest_display;

typedef struct vda_display_set {
  uint32_t count;
  vda_guest_display d[VDA_DISPLAY_MAX];
} vda_display_set;

/* Add m to g's mode list unless present.  false when the list is full or m
 * is out of bounds (sizes 1..16384, depth 1..32). */
bool vda_display_add_mode(vda_guest_display *g, vda_mode m);

/* A bounded, host-endian copy of a MONITORS_CONFIG: what the coalescer keeps
 * and the executor consumes (the message body can be freed). */
typedef struct vda_display_req_mon {
  uint32_t width, height, depth; /* 0 x 0: detach (sparse configs) */
  int32_t x, y;
  uint16_t mm_width, mm_height; /* physical size, 0 when the client sent none */
} vda_display_req_mon;
typedef struct vda_display_request {
  uint32_t count;
  bool use_pos; /* USE_POS set and the client announced MONITORS_CONFIG_POSITION */
  vda_display_req_mon mon[VDA_DISPLAY_REQ_MAX];
} vda_display_request;

/* Copy a parsed config.  A width or height of 0 means "disabled" (the
 * validator already refused it without SPARSE_MONITORS_CONFIG).  The
 * physical-size trailer is kept per monitor (mm_width, mm_height) for the
 * DPI step (vda_display_dpi.h); the pixel sizes are never changed by it.  Refused: more than VDA_DISPLAY_REQ_MAX entries, a
 * side above VDA_DISPLAY_PX_MAX, a depth other than 0, 8, 16, 24, 32.
 * n NULL: positions are not honoured. */
bool vda_display_request_from_config(const vda_monitors_config *mc, const vda_negotiated *n,
                                     vda_display_request *out, const char **why);

/* GRAPHICS_DEVICE_INFO reduced to what the mapping needs. */
typedef struct vda_display_idmap_entry {
  uint32_t display_id;        /* channel_id + monitor_id */
  uint32_t device_display_id; /* output index on the device */
  char address[VDA_DISPLAY_ADDR_MAX];
} vda_display_idmap_entry;
typedef struct vda_display_idmap {
  uint32_t count;
  uint32_t skipped; /* entries dropped: id >= 16, address too long, dup */
  vda_display_idmap_entry e[VDA_DISPLAY_MAX];
} vda_display_idmap;

/* Build from a validated iterator (vda_parse_graphics_info).  Never fails:
 * entries that cannot be used are counted in skipped (the first entry for a
 * display id wins). */
void vda_display_idmap_from_gdi(vda_gdi_iter it, vda_display_idmap *out);

/* guest_of_id[id] = index into s->d, or -1 (rules in the header comment).
 * map may be NULL. */
void vda_display_map_ids(const vda_display_set *s, const vda_display_idmap *map,
                         int32_t guest_of_id[VDA_DISPLAY_MAX]);

typedef enum vda_mode_source {
  VDA_MODE_KEEP,     /* unmanaged or not in the request: mode unchanged */
  VDA_MODE_EXACT,    /* the driver lists (or accepted) the exact size */
  VDA_MODE_CUSTOM,   /* QXL escape registers the size first */
  VDA_MODE_FALLBACK, /* largest listed mode that fits (or smallest) */
  VDA_MODE_DETACH,   /* 0x0 entry, or a managed id the config omits */
} vda_mode_source;

typedef struct vda_display_target {
  uint32_t guest;     /* index into vda_display_set.d */
  int32_t display_id; /* -1: unmanaged */
  bool enable;
  bool primary; /* becomes (or stays) the primary: CDS_SET_PRIMARY */
  bool changed; /* differs from the current state: must be staged */
  vda_mode_source source;
  vda_mode mode;      /* mode to set when enable */
  vda_mode requested; /* what the client asked (managed, enabled) */
  int32_t x, y;       /* normalised position when enable */
} vda_display_target;

typedef struct vda_display_plan {
  uint32_t count; /* one target per non-mirror guest display */
  vda_display_target t[VDA_DISPLAY_MAX];
  uint32_t unmapped;  /* enabled requests with no guest display */
  uint32_t fallbacks; /* enabled requests that did not get their size */
  bool exact;         /* unmapped == 0 && fallbacks == 0 */
} vda_display_plan;

/*
 * Make the plan.  Modes, per enabled monitor of the request:
 *   1. exact size listed -> EXACT (depth: the requested one if listed for
 *      that size, else the current depth, else the deepest listed);
 *   2. else a display with custom_modes (its adapter is not known to refuse
 *      the QXL custom-mode escape: QXL, UTM's virtio-gpu) -> CUSTOM (the
 *      executor runs the escape and, if it fails, plans again without
 *      custom_modes);
 *   3. else FALLBACK: the largest listed mode with width <= and height <=
 *      the request (ties in area: aspect ratio closest to the request, then
 *      the wider, then the first listed); when none fits, the smallest
 *      listed mode; with no list at all, the current mode.
 * Depth 0 in the request means "keep the current depth".
 * Primary: the enabled managed display with the lowest display id.  Layout:
 * vda_layout_normalise over the enabled displays; managed ones in display
 * id order at the requested positions (use_pos) or left to right;
 * unmanaged attached ones keep their current position when use_pos (moved
 * only if that breaks the layout) or follow on the right.
 * Refused: no guest display; no enabled request maps to a guest display
 * (applying it would leave the client with a blank screen).
 */
bool vda_display_plan_make(const vda_display_set *s, const vda_display_request *r,
                           const vda_display_idmap *map, vda_display_plan *out, const char **why);

/* The current desktop per display id (for the mouse): rects[id].w == 0 when
 * the id has no attached display.  Returns the virtual desktop (bounds of
 * all attached non-mirror displays; 0-sized when there are none). */
vda_rect vda_display_current_rects(const vda_display_set *s, const vda_display_idmap *map,
                                   vda_rect rects[VDA_DISPLAY_MAX]);

#endif /* VDA_DISPLAY_PLAN_H */
