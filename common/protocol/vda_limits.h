/*
 * vda_limits.h - protocol constants and the configurable size limits.
 *
 * Every buffer the protocol core allocates, and every message it accepts, is
 * bounded either by a constant of the protocol (below) or by a field of
 * vda_limits.  The agent fills vda_limits from its configuration; anything it
 * does not configure comes from vda_limits_default().
 *
 * Clipboard data is bounded twice: by the guest's configured maximum
 * (max_clipboard) and by the client's VD_AGENT_MAX_CLIPBOARD announcement;
 * vda_clipboard_limit() combines the two.
 */
#ifndef VDA_LIMITS_H
#define VDA_LIMITS_H

#include <stdint.h>

#include <spice/vd_agent.h>

/* Wire sizes (packed structs of spice/vd_agent.h). */
#define VDA_CHUNK_HEADER_SIZE 8u /* VDIChunkHeader */
#define VDA_MSG_HEADER_SIZE 20u  /* VDAgentMessage without data */
#define VDA_CHUNK_MAX_PAYLOAD ((uint32_t)VD_AGENT_MAX_DATA_SIZE)
#define VDA_SELECTION_PREFIX_SIZE 4u  /* u8 selection + u8 reserved[3] */
#define VDA_XFER_DATA_PREFIX_SIZE 12u /* u32 id + u64 size */

/* Protocol-side bounds that need no configuration: peers never come close. */
#define VDA_MAX_CAPS_WORDS 256u /* 8192 capability bits */
#define VDA_MAX_GRAB_TYPES 64u  /* clipboard types in one CLIPBOARD_GRAB */
#define VDA_XFER_NAME_MAX 1024u /* bytes of a file name, after unescaping */
/* Channels in one AUDIO_VOLUME_SYNC: Windows names 18 speaker positions
 * (KSAUDIO_SPEAKER_*), QEMU and spice-gtk send 1 or 2; more is not audio. */
#define VDA_AUDIO_MAX_CHANNELS 32u

typedef struct vda_limits {
  /* Largest clipboard data (bytes after the type field) accepted or sent.
     * Configured by the guest; further lowered by the peer's MAX_CLIPBOARD. */
  uint64_t max_clipboard;
  /* Largest data part of one FILE_XFER_DATA message (spice-gtk sends
     * 64 KiB pieces). */
  uint32_t max_file_piece;
  /* Largest num_of_monitors accepted in MONITORS_CONFIG. */
  uint32_t max_monitors;
  /* Largest FILE_XFER_START body (id + key file). */
  uint32_t max_xfer_start;
  /* Largest GRAPHICS_DEVICE_INFO body. */
  uint32_t max_graphics_info;
} vda_limits;

/* Defaults: 100 MiB clipboard (spice-gtk's own default), 1 MiB file pieces,
 * 64 monitors, 8 KiB FILE_XFER_START, 64 KiB GRAPHICS_DEVICE_INFO. */
void vda_limits_default(vda_limits *l);

/* Effective clipboard limit: l->max_clipboard, lowered to peer_max when the
 * peer announced a non-negative MAX_CLIPBOARD (-1 means "no peer limit"). */
uint64_t vda_clipboard_limit(const vda_limits *l, int32_t peer_max);

#endif /* VDA_LIMITS_H */
