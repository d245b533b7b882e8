/* The audio thread: the only thread that touches the guest's endpoints.
 *
 * The main thread hands it the newest AUDIO_VOLUME_SYNC per direction
 * (vda_audio_thread_put: a short copy under a lock, never a COM call), and
 * the thread applies what is owed (common/audio/vda_audio.h: bursts
 * coalesce to the latest) through the ops table. It initialises COM
 * (multithreaded apartment) for itself, so no other thread's apartment or
 * message loop is involved.
 *
 * No endpoint: logged once per direction, and the newest value is applied
 * when the ops report a default endpoint (IMMNotificationClient). The audio
 * service not answering (start fails): logged once, retried every retry_ms
 * while a value waits (a new value after that long retries at once, a flood
 * of them never more often). A failing call is logged
 * when its error changes, not on every value. */
#ifndef VDA_AUDIO_THREAD_H
#define VDA_AUDIO_THREAD_H

#include <stdint.h>

#include "audio_ops.h"
#include "vda_audio.h"

/* How often a failed start is retried while a value waits (30 s). */
#define VDA_AUDIO_RETRY_MS 30000u

typedef struct vda_audio_thread vda_audio_thread;

/* NULL (logged) when the thread could not be created. ops must outlive it. */
vda_audio_thread *vda_audio_thread_start(const vda_audio_ops *ops, uint32_t retry_ms);
/* Main thread: v is the newest value for dir. Never waits for the thread. */
void vda_audio_thread_put(vda_audio_thread *t, vda_audio_dir dir, const vda_audio_volume *v);
/* Stops and frees; NULL is fine. Waits at most 5 s for a call in progress
 * (a hung audio service), then leaves the thread behind (logged). */
void vda_audio_thread_stop(vda_audio_thread *t);

#endif
