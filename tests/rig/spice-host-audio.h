/* spice-host --audio: playback and record channels for the client, with a
 * volume and mute the host sets (as QEMU does from the guest's sound card),
 * so spice-gtk's audio backend has volumes to sync to the agent
 * (AUDIO_VOLUME_SYNC). No samples are ever sent or read. */
#ifndef SPICE_HOST_AUDIO_H
#define SPICE_HOST_AUDIO_H

#include <spice.h>
#include <stdbool.h>

/* spec: "VOL[,VOL...][:mute]", each VOL 0..65535 (1..8 channels), for both
 * playback and record. False (message on stderr) when spec is malformed or
 * an interface cannot be added. */
bool host_audio_start(SpiceServer *server, const char *spec);

#endif
