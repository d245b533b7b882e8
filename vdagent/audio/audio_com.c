/* The audio ops on the real Core Audio API, COM from C (COBJMACROS).
 *
 * One static object: the enumerator and the IMMNotificationClient the
 * enumerator calls back (a C vtable). The client is not reference-counted
 * for its lifetime (it is static); AddRef/Release only count, as COM asks. */
#define COBJMACROS
#include "audio_ops.h"

/* The Core Audio GUIDs are not in mingw's libuuid: define them here (as
 * selectany, so another definition does not clash). */
#include <initguid.h>

#include <endpointvolume.h>
#include <mmdeviceapi.h>

typedef struct vda_audio_com {
  IMMNotificationClient client; /* first: the enumerator holds &client */
  LONG refs;
  IMMDeviceEnumerator *en;
  bool registered;
  vda_audio_changed_fn changed;
  void *changed_ctx;
} vda_audio_com;

static vda_audio_com com_state;

static vda_audio_com *of(IMMNotificationClient *c)
{
  return (vda_audio_com *)c;
}

static HRESULT STDMETHODCALLTYPE nc_query(IMMNotificationClient *This, REFIID riid, void **out)
{
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMMNotificationClient)) {
    *out = This;
    InterlockedIncrement(&of(This)->refs);
    return S_OK;
  }
  *out = NULL;
  return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE nc_addref(IMMNotificationClient *This)
{
  return (ULONG)InterlockedIncrement(&of(This)->refs);
}

static ULONG STDMETHODCALLTYPE nc_release(IMMNotificationClient *This)
{
  return (ULONG)InterlockedDecrement(&of(This)->refs);
}

/* A device came, went or changed state: which direction it serves would
 * take a device lookup on the caller's thread; telling both is cheap (the
 * thread re-applies the newest value, which is idempotent). */
static void both_changed(vda_audio_com *c)
{
  c->changed(c->changed_ctx, VDA_AUDIO_PLAYBACK);
  c->changed(c->changed_ctx, VDA_AUDIO_CAPTURE);
}

static HRESULT STDMETHODCALLTYPE nc_state(IMMNotificationClient *This, LPCWSTR id, DWORD state)
{
  (void)id;
  if (state == DEVICE_STATE_ACTIVE)
    both_changed(of(This));
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE nc_added(IMMNotificationClient *This, LPCWSTR id)
{
  (void)id;
  both_changed(of(This));
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE nc_removed(IMMNotificationClient *This, LPCWSTR id)
{
  (void)This, (void)id;
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE nc_default(IMMNotificationClient *This, EDataFlow flow, ERole role,
                                            LPCWSTR id)
{
  /* id NULL: no default endpoint any more; nothing to apply. */
  if (role != eConsole || !id)
    return S_OK;
  if (flow == eRender || flow == eAll)
    of(This)->changed(of(This)->changed_ctx, VDA_AUDIO_PLAYBACK);
  if (flow == eCapture || flow == eAll)
    of(This)->changed(of(This)->changed_ctx, VDA_AUDIO_CAPTURE);
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE nc_property(IMMNotificationClient *This, LPCWSTR id,
                                             const PROPERTYKEY key)
{
  (void)This, (void)id, (void)key;
  return S_OK;
}

static IMMNotificationClientVtbl nc_vtbl = {
    nc_query, nc_addref, nc_release, nc_state, nc_added, nc_removed, nc_default, nc_property,
};

static HRESULT com_start(void *ctx, vda_audio_changed_fn changed, void *changed_ctx,
                         const char **what)
{
  vda_audio_com *c = ctx;
  HRESULT hr;
  c->client.lpVtbl = &nc_vtbl;
  c->changed = changed;
  c->changed_ctx = changed_ctx;
  hr = CoCreateInstance(&CLSID_MMDeviceEnumerator, NULL, CLSCTX_ALL, &IID_IMMDeviceEnumerator,
                        (void **)&c->en);
  if (FAILED(hr)) {
    *what = "CoCreateInstance(MMDeviceEnumerator)";
    c->en = NULL;
    return hr;
  }
  hr = IMMDeviceEnumerator_RegisterEndpointNotificationCallback(c->en, &c->client);
  if (FAILED(hr)) {
    *what = "RegisterEndpointNotificationCallback";
    IMMDeviceEnumerator_Release(c->en);
    c->en = NULL;
    return hr;
  }
  c->registered = true;
  return S_OK;
}

static void com_stop(void *ctx)
{
  vda_audio_com *c = ctx;
  if (c->registered)
    IMMDeviceEnumerator_UnregisterEndpointNotificationCallback(c->en, &c->client);
  c->registered = false;
  if (c->en)
    IMMDeviceEnumerator_Release(c->en);
  c->en = NULL;
}

static HRESULT com_open(void *ctx, vda_audio_dir dir, void **ep, const char **what)
{
  vda_audio_com *c = ctx;
  IMMDevice *dev = NULL;
  HRESULT hr = IMMDeviceEnumerator_GetDefaultAudioEndpoint(
      c->en, dir == VDA_AUDIO_PLAYBACK ? eRender : eCapture, eConsole, &dev);
  *ep = NULL;
  if (FAILED(hr)) {
    *what = "GetDefaultAudioEndpoint";
    return hr;
  }
  hr = IMMDevice_Activate(dev, &IID_IAudioEndpointVolume, CLSCTX_ALL, NULL, ep);
  if (FAILED(hr)) {
    *what = "Activate(IAudioEndpointVolume)";
    *ep = NULL;
  }
  IMMDevice_Release(dev);
  return hr;
}

static HRESULT com_channel_count(void *ctx, void *ep, uint32_t *n)
{
  UINT count = 0;
  HRESULT hr = IAudioEndpointVolume_GetChannelCount((IAudioEndpointVolume *)ep, &count);
  (void)ctx;
  *n = SUCCEEDED(hr) ? count : 0;
  return hr;
}

static HRESULT com_set_channel(void *ctx, void *ep, uint32_t channel, float level)
{
  (void)ctx;
  return IAudioEndpointVolume_SetChannelVolumeLevelScalar((IAudioEndpointVolume *)ep, channel,
                                                          level, NULL);
}

static HRESULT com_set_master(void *ctx, void *ep, float level)
{
  (void)ctx;
  return IAudioEndpointVolume_SetMasterVolumeLevelScalar((IAudioEndpointVolume *)ep, level, NULL);
}

static HRESULT com_set_mute(void *ctx, void *ep, bool mute)
{
  (void)ctx;
  return IAudioEndpointVolume_SetMute((IAudioEndpointVolume *)ep, mute ? TRUE : FALSE, NULL);
}

static void com_close(void *ctx, void *ep)
{
  (void)ctx;
  IAudioEndpointVolume_Release((IAudioEndpointVolume *)ep);
}

const vda_audio_ops *vda_audio_com_ops(void)
{
  static const vda_audio_ops ops = {
      .ctx = &com_state,
      .start = com_start,
      .stop = com_stop,
      .open = com_open,
      .channel_count = com_channel_count,
      .set_channel = com_set_channel,
      .set_master = com_set_master,
      .set_mute = com_set_mute,
      .close = com_close,
  };
  return &ops;
}

void *vda_audio_com_notification_client(void)
{
  return &com_state.client;
}
