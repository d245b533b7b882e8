/*
 * vda_audio.h - AUDIO_VOLUME_SYNC decisions: what to set on an endpoint,
 * and which values are still owed to it.
 *
 * The client sends its playback or record volume (one u16 per channel,
 * 0..65535) and mute; the guest's default render (playback) or capture
 * endpoint should follow. The Win32 side (vdagent/audio/) only carries out
 * a vda_audio_plan; every choice is made here and unit-tested natively.
 *
 * Scaling: 0..65535 maps linearly onto the endpoint's scalar 0.0..1.0
 * (IAudioEndpointVolume's *LevelScalar, the slider the user sees), as the
 * Linux agent maps it linearly onto the mixer's range.
 *
 * Channels: when the message has as many channels as the endpoint, each
 * channel is set. Otherwise the channels cannot be paired (which of 6
 * is "left" on a stereo endpoint?) and the master volume is set instead,
 * to the loudest of the message's channels: Windows defines an endpoint's
 * master as its loudest channel (setting the master scales the others in
 * proportion), so the guest's slider then shows what the client's shows.
 * An endpoint whose channel count is unknown (0) gets the master too.
 *
 * Coalescing: a burst (a client dragging its slider) keeps only the newest
 * value per direction; a value is owed to the endpoint until it was
 * applied, and owed again when a new default endpoint appears.
 *
 * No allocation; not thread-safe (the agent's caller holds its lock).
 */
#ifndef VDA_AUDIO_H
#define VDA_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_limits.h"

typedef enum vda_audio_dir {
  VDA_AUDIO_PLAYBACK = 0, /* the default render endpoint */
  VDA_AUDIO_CAPTURE,      /* the default capture endpoint */
  VDA_AUDIO_DIRS
} vda_audio_dir;

/* One AUDIO_VOLUME_SYNC, host-endian. */
typedef struct vda_audio_volume {
  bool mute;
  uint32_t nchannels; /* 1..VDA_AUDIO_MAX_CHANNELS */
  uint16_t volume[VDA_AUDIO_MAX_CHANNELS];
} vda_audio_volume;

/* Validates the body (vda_validate_message: channel count 1..32, size) and
 * fills *dir and *out. False with a static *why when refused. */
bool vda_audio_parse(const uint8_t *body, size_t size, vda_audio_dir *dir, vda_audio_volume *out,
                     const char **why);

/* "playback" / "capture". */
const char *vda_audio_dir_name(vda_audio_dir dir);

/* 0..65535 -> 0.0..1.0. */
float vda_audio_scalar(uint16_t v);

/* What to call on an endpoint with endpoint_channels channels. */
typedef struct vda_audio_plan {
  bool per_channel; /* true: channel[0..count) each; false: master */
  uint32_t count;   /* channels to set when per_channel */
  float channel[VDA_AUDIO_MAX_CHANNELS];
  float master; /* when !per_channel: the loudest channel */
  bool mute;
} vda_audio_plan;

/* endpoint_channels 0: unknown (the master is set). */
void vda_audio_plan_make(const vda_audio_volume *v, uint32_t endpoint_channels,
                         vda_audio_plan *out);

/* The newest value per direction and whether the endpoint still needs it. */
typedef struct vda_audio_latest {
  struct {
    bool known;         /* a value came since start */
    bool owed;          /* not yet applied to the current endpoint */
    uint64_t coalesced; /* values replaced before they were applied */
    vda_audio_volume v;
  } dir[VDA_AUDIO_DIRS];
} vda_audio_latest;

void vda_audio_latest_init(vda_audio_latest *l);
/* Stores v as the newest value of dir. True when it replaced one that was
 * never applied (coalesced). */
bool vda_audio_latest_put(vda_audio_latest *l, vda_audio_dir dir, const vda_audio_volume *v);
/* Copies the value owed to dir's endpoint to *out; it is no longer owed
 * (if the endpoint is missing, vda_audio_latest_endpoint_changed owes it
 * again when one appears). False (nothing written) when nothing is owed. */
bool vda_audio_latest_take(vda_audio_latest *l, vda_audio_dir dir, vda_audio_volume *out);
/* A default endpoint of dir appeared or changed: the newest value, if any,
 * is owed to it. True when something is now owed. */
bool vda_audio_latest_endpoint_changed(vda_audio_latest *l, vda_audio_dir dir);

#endif
