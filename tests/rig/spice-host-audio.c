#include "spice-host-audio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIO_MAX_CHANNELS 8

static const SpicePlaybackInterface playback_sif = {
    .base = {.type = SPICE_INTERFACE_PLAYBACK,
             .description = "rig playback",
             .major_version = SPICE_INTERFACE_PLAYBACK_MAJOR,
             .minor_version = SPICE_INTERFACE_PLAYBACK_MINOR},
};
static const SpiceRecordInterface record_sif = {
    .base = {.type = SPICE_INTERFACE_RECORD,
             .description = "rig record",
             .major_version = SPICE_INTERFACE_RECORD_MAJOR,
             .minor_version = SPICE_INTERFACE_RECORD_MINOR},
};
static SpicePlaybackInstance playback;
static SpiceRecordInstance record;

static bool parse(const char *spec, uint16_t *vol, uint8_t *n, uint8_t *mute)
{
  const char *p = spec;
  *n = 0;
  *mute = 0;
  while (*p && *n < AUDIO_MAX_CHANNELS) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || v < 0 || v > 65535)
      return false;
    vol[(*n)++] = (uint16_t)v;
    p = end;
    if (*p == ',') {
      p++;
      continue;
    }
    break;
  }
  if (strcmp(p, ":mute") == 0)
    *mute = 1;
  else if (*p)
    return false;
  return *n > 0;
}

bool host_audio_start(SpiceServer *server, const char *spec)
{
  uint16_t vol[AUDIO_MAX_CHANNELS];
  uint8_t n, mute;
  if (!parse(spec, vol, &n, &mute)) {
    fprintf(stderr, "spice-host: bad --audio '%s' (VOL[,VOL...][:mute], 1..8 of 0..65535)\n", spec);
    return false;
  }
  playback.base.sif = &playback_sif.base;
  record.base.sif = &record_sif.base;
  if (spice_server_add_interface(server, &playback.base) != 0 ||
      spice_server_add_interface(server, &record.base) != 0) {
    fprintf(stderr, "spice-host: cannot add the audio interfaces\n");
    return false;
  }
  spice_server_playback_set_volume(&playback, n, vol);
  spice_server_playback_set_mute(&playback, mute);
  spice_server_record_set_volume(&record, n, vol);
  spice_server_record_set_mute(&record, mute);
  fprintf(stderr, "spice-host: audio channels, %u channel(s), volume[0] %u%s\n", n, vol[0],
          mute ? ", muted" : "");
  return true;
}
