/*
 * vda_display_escape.h - the QXL driver escapes for custom modes, decided
 * portably.
 *
 * A WDDM display driver takes private data through D3DKMTEscape on the
 * adapter that D3DKMTOpenAdapterFromGdiDisplayName returns for a GDI display
 * (\\.\DISPLAYn).  The QXL WDDM driver (and UTM's virtio-gpu fork) reads a
 * 32-bit escape code followed by the spice-protocol struct:
 *   QXL_ESCAPE_SET_CUSTOM_DISPLAY + QXLEscapeSetCustomDisplay (16 bytes):
 *     the driver adds xres x yres x bpp to its mode list;
 *   QXL_ESCAPE_MONITOR_CONFIG + QXLHead (32 bytes): position and size of
 *     the head, for drivers that take it.
 * (qxl_windows.h, qxl_dev.h; little-endian on every Windows target.)
 *
 * Which adapter takes an escape is never guessed from its name: it is tried
 * once per adapter (keyed by the adapter LUID) and the outcome remembered in
 * a vda_escape_memo, so a refusing driver - virtio-win's viogpudo answers
 * STATUS_INVALID_PARAMETER, Wine's stub STATUS_NO_MEMORY - costs one try and
 * one log line, and a taking driver is used without asking again.
 *
 * The D3DKMT calls sit behind vda_escape_ops (vdagent/display/
 * display_d3dkmt.c) so the bytes and the memory are unit-tested natively.
 */
#ifndef VDA_DISPLAY_ESCAPE_H
#define VDA_DISPLAY_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_display_plan.h"

#define VDA_ESCAPE_CUSTOM_SIZE 16u  /* u32 code + QXLEscapeSetCustomDisplay */
#define VDA_ESCAPE_MONITOR_SIZE 32u /* u32 code + QXLHead */
#define VDA_ESCAPE_MEMO_MAX 16u     /* adapters remembered */

/* NTSTATUS values the layer names in its log lines. */
#define VDA_STATUS_SUCCESS 0x00000000u
#define VDA_STATUS_INVALID_PARAMETER 0xC000000Du
#define VDA_STATUS_NO_MEMORY 0xC0000017u
#define VDA_STATUS_NOT_SUPPORTED 0xC00000BBu
#define VDA_STATUS_NOT_IMPLEMENTED 0xC0000002u

/* The escape's private data, exactly as the driver reads it. */
void vda_escape_custom_bytes(vda_mode m, uint8_t out[VDA_ESCAPE_CUSTOM_SIZE]);
/* Head 0 of the adapter at x, y (non-negative, relative to the adapter's
 * surface) with size w x h. */
void vda_escape_monitor_bytes(uint32_t w, uint32_t h, uint32_t x, uint32_t y,
                              uint8_t out[VDA_ESCAPE_MONITOR_SIZE]);

typedef enum vda_escape_state {
  VDA_ESCAPE_UNTRIED = 0,
  VDA_ESCAPE_TAKEN,
  VDA_ESCAPE_REFUSED,
} vda_escape_state;

typedef struct vda_escape_memo_entry {
  uint64_t luid;
  vda_escape_state custom, monitor;
  uint32_t status; /* NTSTATUS of the refusal */
} vda_escape_memo_entry;

/* One per agent (the display worker owns it).  Zero-initialised = empty. */
typedef struct vda_escape_memo {
  uint32_t count;
  vda_escape_memo_entry e[VDA_ESCAPE_MEMO_MAX];
} vda_escape_memo;

/* The custom-mode outcome for an adapter (UNTRIED when unknown). */
vda_escape_state vda_escape_memo_custom(const vda_escape_memo *m, uint64_t luid);

typedef struct vda_escape_adapter {
  uint32_t handle; /* D3DKMT_HANDLE */
  uint64_t luid;   /* (HighPart << 32) | LowPart */
} vda_escape_adapter;

typedef struct vda_escape_ops {
  /* Open the adapter of GDI display device_index.  false: no WDDM adapter
   * there (an XPDM driver, or no D3DKMT at all), *why says which. */
  bool (*open)(void *ctx, uint32_t device_index, vda_escape_adapter *a, const char **why);
  /* D3DKMTEscape(D3DKMT_ESCAPE_DRIVERPRIVATE) with data; the NTSTATUS. */
  uint32_t (*escape)(void *ctx, const vda_escape_adapter *a, const uint8_t *data, uint32_t size);
  void (*close)(void *ctx, const vda_escape_adapter *a);
} vda_escape_ops;

typedef struct vda_escape_result {
  bool opened;     /* a WDDM adapter was found (else try the XPDM route) */
  bool custom;     /* the driver now offers the mode */
  bool learned;    /* this call learned the adapter's answer: log it (once) */
  bool monitor;    /* the monitor-config escape was taken too */
  uint64_t luid;   /* the adapter, when opened */
  uint32_t status; /* NTSTATUS of a refusal */
  const char *why; /* static; set when custom is false */
} vda_escape_result;

/* Register mode m on GDI display device_index: open the adapter, skip it
 * if the memo says it refuses, else send SET_CUSTOM_DISPLAY and, when that
 * was taken and the driver has not refused it before, MONITOR_CONFIG with
 * the head at x, y (negative clamps to 0).  Remembers both outcomes. */
bool vda_escape_custom_mode(const vda_escape_ops *ops, void *ctx, vda_escape_memo *memo,
                            uint32_t device_index, vda_mode m, int32_t x, int32_t y,
                            vda_escape_result *res);

/* Static English text for an NTSTATUS a driver answers an escape with. */
const char *vda_ntstatus_text(uint32_t status);

#endif /* VDA_DISPLAY_ESCAPE_H */
