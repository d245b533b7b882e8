/* A helper the audio end-to-end test runs inside Wine (not a test itself):
 * reads the default render or capture endpoint's volume back through
 * IAudioEndpointVolume, or sets it (to prepare a known starting value).
 *
 *   test_audio_probe get playback|capture
 *     prints "channels=N master=0.xxxx mute=M ch0=0.xxxx ch1=..." and exits 0;
 *     exits 2 with "no endpoint: ..." when there is no default endpoint.
 *   test_audio_probe set playback|capture SCALAR MUTE
 *     sets the master volume and mute, exits 0. */
#define COBJMACROS
#define INITGUID
#include <windows.h>

#include <endpointvolume.h>
#include <mmdeviceapi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int probe(bool set, EDataFlow flow, float scalar, BOOL mute)
{
  IMMDeviceEnumerator *en = NULL;
  IMMDevice *dev = NULL;
  IAudioEndpointVolume *vol = NULL;
  UINT n = 0;
  float master = 0;
  BOOL muted = FALSE;
  int rc = 1;
  HRESULT hr = CoCreateInstance(&CLSID_MMDeviceEnumerator, NULL, CLSCTX_ALL,
                                &IID_IMMDeviceEnumerator, (void **)&en);
  if (FAILED(hr)) {
    printf("no endpoint: CoCreateInstance(MMDeviceEnumerator) 0x%08lx\n", (unsigned long)hr);
    return 2;
  }
  hr = IMMDeviceEnumerator_GetDefaultAudioEndpoint(en, flow, eConsole, &dev);
  if (FAILED(hr)) {
    printf("no endpoint: GetDefaultAudioEndpoint 0x%08lx\n", (unsigned long)hr);
    rc = 2;
    goto out;
  }
  hr = IMMDevice_Activate(dev, &IID_IAudioEndpointVolume, CLSCTX_ALL, NULL, (void **)&vol);
  if (FAILED(hr)) {
    printf("no endpoint: Activate(IAudioEndpointVolume) 0x%08lx\n", (unsigned long)hr);
    rc = 2;
    goto out;
  }
  if (set) {
    if (FAILED(hr = IAudioEndpointVolume_SetMasterVolumeLevelScalar(vol, scalar, NULL)) ||
        FAILED(hr = IAudioEndpointVolume_SetMute(vol, mute, NULL))) {
      printf("set failed: 0x%08lx\n", (unsigned long)hr);
      goto out;
    }
    rc = 0;
    goto out;
  }
  if (FAILED(hr = IAudioEndpointVolume_GetChannelCount(vol, &n)) ||
      FAILED(hr = IAudioEndpointVolume_GetMasterVolumeLevelScalar(vol, &master)) ||
      FAILED(hr = IAudioEndpointVolume_GetMute(vol, &muted))) {
    printf("get failed: 0x%08lx\n", (unsigned long)hr);
    goto out;
  }
  printf("channels=%u master=%.4f mute=%d", n, (double)master, muted ? 1 : 0);
  for (UINT i = 0; i < n; i++) {
    float c = 0;
    if (FAILED(hr = IAudioEndpointVolume_GetChannelVolumeLevelScalar(vol, i, &c))) {
      printf("\nget channel %u failed: 0x%08lx\n", i, (unsigned long)hr);
      goto out;
    }
    printf(" ch%u=%.4f", i, (double)c);
  }
  printf("\n");
  rc = 0;
out:
  if (vol)
    IAudioEndpointVolume_Release(vol);
  if (dev)
    IMMDevice_Release(dev);
  IMMDeviceEnumerator_Release(en);
  return rc;
}

int main(int argc, char **argv)
{
  int rc;
  bool set;
  EDataFlow flow;
  if (argc < 3 || (strcmp(argv[1], "get") && strcmp(argv[1], "set")) ||
      (strcmp(argv[2], "playback") && strcmp(argv[2], "capture")) ||
      (!strcmp(argv[1], "set") && argc != 5)) {
    fprintf(stderr, "usage: test_audio_probe get|set playback|capture [SCALAR MUTE]\n");
    return 64;
  }
  set = !strcmp(argv[1], "set");
  flow = !strcmp(argv[2], "playback") ? eRender : eCapture;
  if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) {
    printf("CoInitializeEx failed\n");
    return 1;
  }
  rc = probe(set, flow, set ? (float)atof(argv[3]) : 0, set ? atoi(argv[4]) != 0 : FALSE);
  fflush(stdout);
  CoUninitialize();
  return rc;
}
