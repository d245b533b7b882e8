/* test_audio_feature.c - the audio feature and its thread (vdagent/audio/)
 * driven with a fake of the Core Audio ops that records every call: which
 * endpoint, which calls with which levels, mute, coalescing of bursts, no
 * endpoint until one appears, an audio service that answers late; and the
 * real ops against Wine's mmdevapi. */
#define COBJMACROS
#include <windows.h>

#include <objbase.h>
#include <endpointvolume.h>
#include <mmdeviceapi.h>
#include <stdio.h>
#include <string.h>

#include "audio_feature.h"
#include "audio_ops.h"
#include "log.h"
#include "vda_le.h"
#include "vda_test.h"

#define WAIT_MS 10000u

typedef struct fake {
  CRITICAL_SECTION lock;
  char log[16384];
  size_t len;
  unsigned applies; /* close() or a failed open() */
  HANDLE applied;   /* auto reset: applies changed */
  HANDLE entered;   /* manual reset: open() was entered */
  HANDLE gate;      /* manual reset: open() waits for it */
  bool present[VDA_AUDIO_DIRS];
  uint32_t channels[VDA_AUDIO_DIRS];
  HRESULT count_hr, channel_hr, master_hr;
  int start_failures;
  vda_audio_changed_fn changed;
  void *changed_ctx;
} fake;

static fake F;
static int g_ep; /* the fake endpoint's address */

static void say(const char *fmt, ...) __attribute__((format(gnu_printf, 1, 2)));
static void say(const char *fmt, ...)
{
  va_list ap;
  EnterCriticalSection(&F.lock);
  va_start(ap, fmt);
  int n = vsnprintf(F.log + F.len, sizeof(F.log) - F.len, fmt, ap);
  va_end(ap);
  if (n > 0 && (size_t)n < sizeof(F.log) - F.len)
    F.len += (size_t)n;
  LeaveCriticalSection(&F.lock);
}

static void applied(void)
{
  EnterCriticalSection(&F.lock);
  F.applies++;
  LeaveCriticalSection(&F.lock);
  SetEvent(F.applied);
}

static HRESULT f_start(void *ctx, vda_audio_changed_fn changed, void *changed_ctx,
                       const char **what)
{
  (void)ctx;
  if (F.start_failures > 0) {
    F.start_failures--;
    say("start failed\n");
    *what = "fake start";
    return HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE);
  }
  F.changed = changed;
  F.changed_ctx = changed_ctx;
  say("start\n");
  return S_OK;
}

static void f_stop(void *ctx)
{
  (void)ctx;
  F.changed = NULL;
  say("stop\n");
}

static HRESULT f_open(void *ctx, vda_audio_dir dir, void **ep, const char **what)
{
  bool present;
  (void)ctx;
  SetEvent(F.entered);
  WaitForSingleObject(F.gate, WAIT_MS);
  EnterCriticalSection(&F.lock);
  present = F.present[dir];
  LeaveCriticalSection(&F.lock);
  say("open %s%s\n", vda_audio_dir_name(dir), present ? "" : ": none");
  if (!present) {
    *what = "fake GetDefaultAudioEndpoint";
    applied();
    return HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
  }
  *ep = (void *)((char *)&g_ep + dir);
  return S_OK;
}

static vda_audio_dir dir_of(void *ep)
{
  return (char *)ep == (char *)&g_ep ? VDA_AUDIO_PLAYBACK : VDA_AUDIO_CAPTURE;
}

static HRESULT f_count(void *ctx, void *ep, uint32_t *n)
{
  (void)ctx;
  say("count\n");
  *n = SUCCEEDED(F.count_hr) ? F.channels[dir_of(ep)] : 0;
  return F.count_hr;
}

static HRESULT f_channel(void *ctx, void *ep, uint32_t channel, float level)
{
  (void)ctx, (void)ep;
  say("channel %u %.4f%s\n", channel, (double)level, FAILED(F.channel_hr) ? " failed" : "");
  return F.channel_hr;
}

static HRESULT f_master(void *ctx, void *ep, float level)
{
  (void)ctx, (void)ep;
  say("master %.4f%s\n", (double)level, FAILED(F.master_hr) ? " failed" : "");
  return F.master_hr;
}

static HRESULT f_mute(void *ctx, void *ep, bool mute)
{
  (void)ctx, (void)ep;
  say("mute %d\n", mute ? 1 : 0);
  return S_OK;
}

static void f_close(void *ctx, void *ep)
{
  (void)ctx, (void)ep;
  say("close\n");
  applied();
}

static const vda_audio_ops fake_ops = {
    .start = f_start,
    .stop = f_stop,
    .open = f_open,
    .channel_count = f_count,
    .set_channel = f_channel,
    .set_master = f_master,
    .set_mute = f_mute,
    .close = f_close,
};

static vda_negotiated g_neg;
static vda_limits g_lim;
static bool no_send(void *ctx, const vda_body *b)
{
  (void)ctx, (void)b;
  return true;
}
static const vda_agent_env g_env = {.neg = &g_neg, .limits = &g_lim, .send = no_send};

static void reset(void)
{
  EnterCriticalSection(&F.lock);
  F.len = 0;
  F.log[0] = 0;
  F.applies = 0;
  F.present[0] = F.present[1] = true;
  F.channels[0] = F.channels[1] = 2;
  F.count_hr = F.channel_hr = F.master_hr = S_OK;
  F.start_failures = 0;
  LeaveCriticalSection(&F.lock);
  ResetEvent(F.entered);
  SetEvent(F.gate);
}

/* Waits (bounded) until the fake has seen n applications. */
static bool wait_applies(unsigned n)
{
  ULONGLONG end = GetTickCount64() + WAIT_MS;
  for (;;) {
    unsigned have;
    EnterCriticalSection(&F.lock);
    have = F.applies;
    LeaveCriticalSection(&F.lock);
    if (have >= n)
      return true;
    if (GetTickCount64() >= end) {
      fprintf(stderr, "waited for %u application(s), saw %u; calls:\n%s", n, have, F.log);
      return false;
    }
    WaitForSingleObject(F.applied, 100);
  }
}

static vda_feature g_feat;
static wchar_t g_dir[MAX_PATH];
static char g_log[65536];

/* The agent's log lines of one test, in a file under %TEMP%. */
static void start_log(void)
{
  vda_log_config cfg;
  wchar_t tmp[MAX_PATH];
  GetTempPathW(MAX_PATH, tmp);
  _snwprintf(g_dir, MAX_PATH, L"%lsvda-test-audio-%lu", tmp, GetCurrentProcessId());
  CreateDirectoryW(g_dir, NULL);
  vda_log_config_default(&cfg, L"audio");
  cfg.directory = g_dir;
  cfg.level = VDA_LOG_DEBUG;
  vda_log_open(&cfg);
}

static void finish_log(void)
{
  wchar_t path[MAX_PATH];
  FILE *f;
  size_t n = 0;
  vda_log_close();
  _snwprintf(path, MAX_PATH, L"%ls\\audio.log", g_dir);
  f = _wfopen(path, L"rb");
  if (f) {
    n = fread(g_log, 1, sizeof(g_log) - 1, f);
    fclose(f);
  }
  g_log[n] = 0;
  DeleteFileW(path);
  RemoveDirectoryW(g_dir);
}

static unsigned log_count(const char *what)
{
  unsigned n = 0;
  for (const char *p = g_log; (p = strstr(p, what)) != NULL; p += strlen(what))
    n++;
  return n;
}

static vda_audio_feature *start_feature(void)
{
  vda_audio_feature *af = vda_audio_feature_new(&g_env, true, &g_feat, &fake_ops, 100);
  CHECK(af != NULL);
  if (af)
    vda_audio_feature_start(af);
  CHECK(g_feat.enabled);
  return af;
}

/* Sends one AUDIO_VOLUME_SYNC through the feature's handler, as the
 * dispatch does. */
static void send(int playback, int mute, uint32_t n, const uint16_t *vol)
{
  uint8_t b[3 + 2 * VDA_AUDIO_MAX_CHANNELS];
  b[0] = (uint8_t)playback;
  b[1] = (uint8_t)mute;
  b[2] = (uint8_t)n;
  for (uint32_t i = 0; i < n; i++)
    vda_put_le16(b + 3 + 2 * i, vol[i]);
  CHECK_EQ(g_feat.nhandlers, 1);
  CHECK_EQ(g_feat.handlers[0].type, VD_AGENT_AUDIO_VOLUME_SYNC);
  g_feat.handlers[0].fn(g_feat.ctx, VD_AGENT_AUDIO_VOLUME_SYNC, b, 3 + 2 * (size_t)n);
}

/* The calls made so far, after "start\n", equal want. */
static void expect_calls(const char *want)
{
  const char *got;
  EnterCriticalSection(&F.lock);
  got = strncmp(F.log, "start\n", 6) == 0 ? F.log + 6 : F.log;
  if (strcmp(got, want) != 0)
    fprintf(stderr, "calls:\n%s--- wanted:\n%s---\n", got, want);
  CHECK(strcmp(got, want) == 0);
  LeaveCriticalSection(&F.lock);
}

static void test_announces_and_disables(void)
{
  vda_audio_feature *af;
  reset();
  af = vda_audio_feature_new(&g_env, false, &g_feat, &fake_ops, 100);
  CHECK(af != NULL);
  vda_audio_feature_start(af);
  CHECK(!g_feat.enabled);
  vda_audio_feature_free(af);
  CHECK_EQ(F.len, 0); /* disabled: not even started */

  af = start_feature();
  CHECK(vda_caps_has(&g_feat.caps, VD_AGENT_CAP_AUDIO_VOLUME_SYNC));
  vda_audio_feature_free(af);
  expect_calls("stop\n");
}

static void test_channels_match(void)
{
  static const uint16_t two[] = {0x8000, 0xffff};
  static const uint16_t one[] = {16384};
  vda_audio_feature *af;
  reset();
  af = start_feature();
  send(1, 0, 2, two);
  CHECK(wait_applies(1));
  expect_calls("open playback\ncount\nchannel 0 0.5000\nchannel 1 1.0000\nmute 0\nclose\n");
  vda_audio_feature_free(af);

  reset();
  F.channels[VDA_AUDIO_CAPTURE] = 1;
  af = start_feature();
  send(0, 1, 1, one);
  CHECK(wait_applies(1));
  expect_calls("open capture\ncount\nchannel 0 0.2500\nmute 1\nclose\n");
  vda_audio_feature_free(af);
}

/* 1 or 6 message channels on a 2-channel endpoint, 2 on a mono one: the
 * master at the loudest channel. */
static void test_counts_differ_use_master(void)
{
  static const uint16_t one[] = {0x8000};
  static const uint16_t two[] = {0x4000, 0xc000};
  static const uint16_t six[] = {100, 0x8000, 5, 0xffff, 0, 300};
  vda_audio_feature *af;
  reset();
  F.channels[VDA_AUDIO_CAPTURE] = 1;
  af = start_feature();
  send(1, 0, 1, one);
  CHECK(wait_applies(1));
  send(0, 0, 2, two);
  CHECK(wait_applies(2));
  send(1, 1, 6, six);
  CHECK(wait_applies(3));
  expect_calls("open playback\ncount\nmaster 0.5000\nmute 0\nclose\n"
               "open capture\ncount\nmaster 0.7500\nmute 0\nclose\n"
               "open playback\ncount\nmaster 1.0000\nmute 1\nclose\n");
  vda_audio_feature_free(af);
}

/* Wine's GetChannelCount is E_NOTIMPL: the master. A channel the endpoint
 * refuses: the master too. */
static void test_failing_calls_fall_back_to_master(void)
{
  static const uint16_t two[] = {0x4000, 0xc000};
  vda_audio_feature *af;
  reset();
  F.count_hr = E_NOTIMPL;
  af = start_feature();
  send(1, 0, 2, two);
  CHECK(wait_applies(1));
  expect_calls("open playback\ncount\nmaster 0.7500\nmute 0\nclose\n");
  vda_audio_feature_free(af);

  reset();
  F.channel_hr = E_INVALIDARG;
  F.master_hr = E_NOTIMPL; /* and mute still goes through */
  af = start_feature();
  send(1, 1, 2, two);
  CHECK(wait_applies(1));
  expect_calls("open playback\ncount\nchannel 0 0.2500 failed\nmaster 0.7500 failed\nmute 1\n"
               "close\n");
  vda_audio_feature_free(af);
}

/* While the thread is busy, a burst of values is coalesced to the newest
 * per direction; the handler never waits for the thread. */
static void test_burst_coalesces(void)
{
  uint16_t v[2];
  vda_audio_feature *af;
  reset();
  ResetEvent(F.gate);
  af = start_feature();
  v[0] = v[1] = 1000;
  send(1, 0, 2, v);
  CHECK(WaitForSingleObject(F.entered, WAIT_MS) == WAIT_OBJECT_0); /* thread busy */
  for (uint16_t i = 1; i <= 40; i++) {
    v[0] = v[1] = (uint16_t)(1000 + i * 1000); /* the newest: 41000 */
    send(1, i == 40, 2, v);
  }
  v[0] = v[1] = 0xffff;
  send(0, 0, 2, v);
  SetEvent(F.gate);
  CHECK(wait_applies(3));
  Sleep(200); /* nothing more may come */
  CHECK_EQ(F.applies, 3);
  /* The capture value is taken in the same pass as the busy playback one;
   * the playback burst is then one application, its newest value. */
  expect_calls("open playback\ncount\nchannel 0 0.0153\nchannel 1 0.0153\nmute 0\nclose\n"
               "open capture\ncount\nchannel 0 1.0000\nchannel 1 1.0000\nmute 0\nclose\n"
               "open playback\ncount\nchannel 0 0.6256\nchannel 1 0.6256\nmute 1\nclose\n");
  vda_audio_feature_free(af);
}

/* No endpoint: nothing set; when one appears, the newest value is. */
static void test_endpoint_appears_later(void)
{
  static const uint16_t first[] = {0x4000, 0x4000};
  static const uint16_t newest[] = {0xc000, 0x8000};
  vda_audio_feature *af;
  reset();
  F.present[VDA_AUDIO_PLAYBACK] = false;
  start_log();
  af = start_feature();
  send(1, 0, 2, first);
  CHECK(wait_applies(1));
  send(1, 1, 2, newest);
  CHECK(wait_applies(2));
  send(1, 1, 2, newest);
  CHECK(wait_applies(3));
  expect_calls("open playback: none\nopen playback: none\nopen playback: none\n");
  EnterCriticalSection(&F.lock);
  F.present[VDA_AUDIO_PLAYBACK] = true;
  LeaveCriticalSection(&F.lock);
  CHECK(F.changed != NULL);
  if (F.changed) {
    F.changed(F.changed_ctx, VDA_AUDIO_CAPTURE); /* nothing owed to capture */
    F.changed(F.changed_ctx, VDA_AUDIO_PLAYBACK);
  }
  CHECK(wait_applies(4));
  expect_calls("open playback: none\nopen playback: none\nopen playback: none\n"
               "open playback\ncount\nchannel 0 0.7500\nchannel 1 0.5000\nmute 1\nclose\n");
  vda_audio_feature_free(af);
  finish_log();
  /* Three values without an endpoint: one line, and one when it came. */
  CHECK_EQ(log_count("no default playback endpoint"), 1);
  CHECK_EQ(log_count("a default playback endpoint appeared"), 1);
  CHECK(strstr(g_log, "ERROR_NOT_FOUND") != NULL || strstr(g_log, "0x80070490") != NULL);
}

/* The audio service does not answer at first: retried, then applied. */
static void test_service_answers_late(void)
{
  static const uint16_t one[] = {0xffff};
  vda_audio_feature *af;
  reset();
  F.start_failures = 2;
  F.channels[VDA_AUDIO_PLAYBACK] = 1;
  start_log();
  af = start_feature();
  send(1, 0, 1, one);
  CHECK(wait_applies(1));
  CHECK(strcmp(F.log, "start failed\nstart failed\nstart\n"
                      "open playback\ncount\nchannel 0 1.0000\nmute 0\nclose\n") == 0);
  vda_audio_feature_free(af);
  finish_log();
  CHECK_EQ(log_count("fake start failed"), 1); /* two failures, one line */
  CHECK_EQ(log_count("the audio service answers"), 1);
}

/* The real ops against Wine's mmdevapi: the enumerator and the notification
 * client register; the default endpoint either opens (a sound server is
 * running) and takes a mute, or is refused with an error and a name. */
static unsigned g_changed[VDA_AUDIO_DIRS];

static void count_changed(void *ctx, vda_audio_dir dir)
{
  (void)ctx;
  g_changed[dir]++;
}

/* Calls the notification client as the enumerator does; expects the
 * playback and capture counts it then reports. */
static void expect_changed(unsigned playback, unsigned capture)
{
  CHECK_EQ(g_changed[VDA_AUDIO_PLAYBACK], playback);
  CHECK_EQ(g_changed[VDA_AUDIO_CAPTURE], capture);
  g_changed[0] = g_changed[1] = 0;
}

/* The C vtable: which enumerator callbacks owe the newest value to which
 * direction (console role only; a default that went away owes nothing). */
static void test_notification_client(void)
{
  IMMNotificationClient *nc = vda_audio_com_notification_client();
  void *out = NULL;
  PROPERTYKEY key = {0};
  CHECK(SUCCEEDED(IMMNotificationClient_QueryInterface(nc, &IID_IUnknown, &out)) && out == nc);
  CHECK(SUCCEEDED(IMMNotificationClient_QueryInterface(nc, &IID_IMMNotificationClient, &out)));
  CHECK(IMMNotificationClient_QueryInterface(nc, &IID_IAudioEndpointVolume, &out) == E_NOINTERFACE);
  CHECK(out == NULL);
  IMMNotificationClient_Release(nc);
  IMMNotificationClient_Release(nc);
  CHECK(SUCCEEDED(IMMNotificationClient_OnDefaultDeviceChanged(nc, eRender, eConsole, L"{r}")));
  expect_changed(1, 0);
  IMMNotificationClient_OnDefaultDeviceChanged(nc, eCapture, eConsole, L"{c}");
  expect_changed(0, 1);
  IMMNotificationClient_OnDefaultDeviceChanged(nc, eRender, eMultimedia, L"{r}");
  IMMNotificationClient_OnDefaultDeviceChanged(nc, eCapture, eCommunications, L"{c}");
  IMMNotificationClient_OnDefaultDeviceChanged(nc, eRender, eConsole, NULL);
  expect_changed(0, 0);
  IMMNotificationClient_OnDeviceAdded(nc, L"{new}");
  expect_changed(1, 1);
  IMMNotificationClient_OnDeviceStateChanged(nc, L"{d}", DEVICE_STATE_ACTIVE);
  expect_changed(1, 1);
  IMMNotificationClient_OnDeviceStateChanged(nc, L"{d}", DEVICE_STATE_UNPLUGGED);
  IMMNotificationClient_OnDeviceRemoved(nc, L"{d}");
  IMMNotificationClient_OnPropertyValueChanged(nc, L"{d}", key);
  expect_changed(0, 0);
}

static void test_real_ops_under_wine(void)
{
  const vda_audio_ops *ops = vda_audio_com_ops();
  const char *what = NULL;
  void *ep = NULL;
  HRESULT hr;
  CHECK(SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED)));
  hr = ops->start(ops->ctx, count_changed, NULL, &what);
  if (FAILED(hr))
    fprintf(stderr, "start: %s 0x%08lx\n", what ? what : "?", (unsigned long)hr);
  CHECK(SUCCEEDED(hr));
  if (SUCCEEDED(hr)) {
    for (int d = 0; d < VDA_AUDIO_DIRS; d++) {
      what = NULL;
      hr = ops->open(ops->ctx, (vda_audio_dir)d, &ep, &what);
      if (SUCCEEDED(hr)) {
        uint32_t n = 99;
        HRESULT count = ops->channel_count(ops->ctx, ep, &n);
        CHECK(SUCCEEDED(count) || n == 0);
        CHECK(SUCCEEDED(ops->set_mute(ops->ctx, ep, false)));
        ops->close(ops->ctx, ep);
        printf("%s endpoint: opened, GetChannelCount 0x%08lx (%u)\n",
               vda_audio_dir_name((vda_audio_dir)d), (unsigned long)count, (unsigned)n);
      } else {
        CHECK(what != NULL && ep == NULL);
        printf("%s endpoint: none (%s 0x%08lx)\n", vda_audio_dir_name((vda_audio_dir)d),
               what ? what : "?", (unsigned long)hr);
      }
    }
    g_changed[0] = g_changed[1] = 0; /* Wine may have reported devices meanwhile */
    test_notification_client();
    ops->stop(ops->ctx);
  }
  CoUninitialize();
}

int main(void)
{
  InitializeCriticalSection(&F.lock);
  F.applied = CreateEventW(NULL, FALSE, FALSE, NULL);
  F.entered = CreateEventW(NULL, TRUE, FALSE, NULL);
  F.gate = CreateEventW(NULL, TRUE, TRUE, NULL);
  RUN_TEST(test_announces_and_disables);
  RUN_TEST(test_channels_match);
  RUN_TEST(test_counts_differ_use_master);
  RUN_TEST(test_failing_calls_fall_back_to_master);
  RUN_TEST(test_burst_coalesces);
  RUN_TEST(test_endpoint_appears_later);
  RUN_TEST(test_service_answers_late);
  RUN_TEST(test_real_ops_under_wine);
  return vda_test_report("test_audio_feature");
}
