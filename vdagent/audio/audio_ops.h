/* The calls the audio thread makes on the guest's endpoints, as a table of
 * function pointers: audio_com.c implements them with IMMDeviceEnumerator /
 * IAudioEndpointVolume, tests/windows/test_audio_feature.c with a fake that
 * records every call.
 *
 * Every function runs on the audio thread, which has called CoInitializeEx
 * (multithreaded apartment) before start and calls CoUninitialize after
 * stop; only `changed` may be called from another thread. */
#ifndef VDA_AUDIO_OPS_H
#define VDA_AUDIO_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#include "vda_audio.h"

/* A default endpoint of dir appeared or changed (any thread; must not
 * block). */
typedef void (*vda_audio_changed_fn)(void *changed_ctx, vda_audio_dir dir);

typedef struct vda_audio_ops {
  void *ctx;
  /* Gets what the calls need (the device enumerator) and registers for
   * endpoint changes. Fails while the audio service is not running; the
   * thread retries. *what names the call that failed. */
  HRESULT (*start)(void *ctx, vda_audio_changed_fn changed, void *changed_ctx, const char **what);
  /* Unregisters (no `changed` call after it returns) and releases. Called
   * only after a successful start. */
  void (*stop)(void *ctx);
  /* The default endpoint of dir (console role), ready for the calls below;
   * closed with close. Fails when there is none. */
  HRESULT (*open)(void *ctx, vda_audio_dir dir, void **ep, const char **what);
  HRESULT (*channel_count)(void *ctx, void *ep, uint32_t *n);
  HRESULT (*set_channel)(void *ctx, void *ep, uint32_t channel, float level);
  HRESULT (*set_master)(void *ctx, void *ep, float level);
  HRESULT (*set_mute)(void *ctx, void *ep, bool mute);
  void (*close)(void *ctx, void *ep);
} vda_audio_ops;

/* The real table (audio_com.c); its ctx is a static object, so at most one
 * audio thread uses it at a time. */
const vda_audio_ops *vda_audio_com_ops(void);
/* The IMMNotificationClient (a C vtable) the real table registers, for
 * tests that call its methods as the enumerator would: it reports to the
 * `changed` of the last start. */
void *vda_audio_com_notification_client(void);

#endif
