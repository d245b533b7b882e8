#include "audio_thread.h"

#include <objbase.h>
#include <stdlib.h>

#include "log.h"
#include "winerror_text.h"

/* The calls whose failures are logged when their error changes. */
enum { CALL_COUNT, CALL_CHANNEL, CALL_MASTER, CALL_MUTE, CALLS };
static const char *const call_names[CALLS] = {
    "GetChannelCount",
    "SetChannelVolumeLevelScalar",
    "SetMasterVolumeLevelScalar",
    "SetMute",
};

#define STOP_WAIT_MS 5000u

struct vda_audio_thread {
  const vda_audio_ops *ops;
  uint32_t retry_ms;
  HANDLE thread;
  HANDLE stop; /* manual reset */
  HANDLE wake; /* auto reset: a value came, or an endpoint changed */
  CRITICAL_SECTION lock;
  vda_audio_latest latest; /* under lock */
  /* Audio thread only: */
  bool missing_logged[VDA_AUDIO_DIRS];
  HRESULT last_hr[VDA_AUDIO_DIRS][CALLS];
};

static const char *hr_text(HRESULT hr)
{
  return vda_win_strerror((DWORD)hr);
}

/* Logs a failed call when its error differs from the last one logged for
 * this direction and call; a success clears it. */
static void note(vda_audio_thread *t, vda_audio_dir dir, int call, HRESULT hr)
{
  if (SUCCEEDED(hr)) {
    t->last_hr[dir][call] = S_OK;
    return;
  }
  if (t->last_hr[dir][call] == hr)
    return;
  t->last_hr[dir][call] = hr;
  LOG_WARN("audio: %s %s failed: %s (0x%08lx)%s", vda_audio_dir_name(dir), call_names[call],
           hr_text(hr), (unsigned long)hr,
           call == CALL_COUNT ? "; the master volume is set instead"
                              : "; logged again only if the error changes");
}

static void apply(vda_audio_thread *t, vda_audio_dir dir, const vda_audio_volume *v,
                  uint64_t coalesced)
{
  const vda_audio_ops *ops = t->ops;
  const char *name = vda_audio_dir_name(dir), *what = "?";
  void *ep = NULL;
  uint32_t n = 0;
  vda_audio_plan p;
  bool volume_set = false;
  HRESULT hr = ops->open(ops->ctx, dir, &ep, &what);

  if (FAILED(hr)) {
    if (!t->missing_logged[dir])
      LOG_WARN("audio: no default %s endpoint (%s: %s, 0x%08lx); its volume is set when one "
               "appears",
               name, what, hr_text(hr), (unsigned long)hr);
    t->missing_logged[dir] = true;
    return;
  }
  if (t->missing_logged[dir])
    LOG_INFO("audio: a default %s endpoint appeared", name);
  t->missing_logged[dir] = false;

  hr = ops->channel_count(ops->ctx, ep, &n);
  note(t, dir, CALL_COUNT, hr);
  if (FAILED(hr))
    n = 0;
  vda_audio_plan_make(v, n, &p);
  if (p.per_channel) {
    volume_set = true;
    for (uint32_t i = 0; i < p.count && volume_set; i++) {
      hr = ops->set_channel(ops->ctx, ep, i, p.channel[i]);
      note(t, dir, CALL_CHANNEL, hr);
      volume_set = SUCCEEDED(hr);
    }
  }
  /* Different channel counts, or a channel the endpoint refused: the
   * master at the loudest channel keeps the level right. */
  if (!volume_set) {
    hr = ops->set_master(ops->ctx, ep, p.master);
    note(t, dir, CALL_MASTER, hr);
    volume_set = SUCCEEDED(hr);
  }
  hr = ops->set_mute(ops->ctx, ep, p.mute);
  note(t, dir, CALL_MUTE, hr);
  ops->close(ops->ctx, ep);
  LOG_DEBUG("audio: %s: %u channel(s) onto %u: %s %.4f %s, mute %s %s (%llu coalesced so far)",
            name, (unsigned)v->nchannels, (unsigned)n,
            p.per_channel ? "channels, loudest" : "master", (double)p.master,
            volume_set ? "set" : "NOT set", p.mute ? "on" : "off",
            SUCCEEDED(hr) ? "set" : "NOT set", (unsigned long long)coalesced);
}

static void apply_owed(vda_audio_thread *t)
{
  for (int d = 0; d < VDA_AUDIO_DIRS; d++) {
    vda_audio_volume v;
    uint64_t coalesced;
    bool owed;
    EnterCriticalSection(&t->lock);
    owed = vda_audio_latest_take(&t->latest, (vda_audio_dir)d, &v);
    coalesced = t->latest.dir[d].coalesced;
    LeaveCriticalSection(&t->lock);
    if (owed)
      apply(t, (vda_audio_dir)d, &v, coalesced);
  }
}

/* Any thread (the enumerator's callback). */
static void on_changed(void *ctx, vda_audio_dir dir)
{
  vda_audio_thread *t = ctx;
  bool owed;
  EnterCriticalSection(&t->lock);
  owed = vda_audio_latest_endpoint_changed(&t->latest, dir);
  LeaveCriticalSection(&t->lock);
  if (owed)
    SetEvent(t->wake);
}

static bool any_known(vda_audio_thread *t)
{
  bool known;
  EnterCriticalSection(&t->lock);
  known = t->latest.dir[0].known || t->latest.dir[1].known;
  LeaveCriticalSection(&t->lock);
  return known;
}

/* Tries the ops' start; on success every known value is owed (the
 * endpoints were never reachable before). */
static bool try_start(vda_audio_thread *t, bool *logged)
{
  const char *what = "?";
  HRESULT hr = t->ops->start(t->ops->ctx, on_changed, t, &what);
  if (FAILED(hr)) {
    if (!*logged)
      LOG_WARN("audio: %s failed: %s (0x%08lx); the audio service is retried every %u s "
               "while a volume waits",
               what, hr_text(hr), (unsigned long)hr, (unsigned)(t->retry_ms / 1000));
    *logged = true;
    return false;
  }
  if (*logged)
    LOG_INFO("audio: the audio service answers");
  for (int d = 0; d < VDA_AUDIO_DIRS; d++)
    on_changed(t, (vda_audio_dir)d);
  return true;
}

static DWORD WINAPI run(void *arg)
{
  vda_audio_thread *t = arg;
  HANDLE events[2] = {t->stop, t->wake};
  bool com = SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED));
  bool started = false, start_logged = false;
  ULONGLONG last_try = 0;

  if (!com)
    LOG_ERROR("audio: CoInitializeEx failed; volume sync does nothing");
  for (;;) {
    DWORD timeout = INFINITE, w;
    if (com && !started) {
      ULONGLONG now = GetTickCount64();
      /* A flood of values must not become a flood of CoCreateInstance. */
      if (last_try == 0 || now - last_try >= t->retry_ms) {
        last_try = now;
        started = try_start(t, &start_logged);
      }
      if (!started && any_known(t)) {
        ULONGLONG since = GetTickCount64() - last_try;
        timeout = since >= t->retry_ms ? 0 : (DWORD)(t->retry_ms - since);
      }
    }
    if (started)
      apply_owed(t);
    w = WaitForMultipleObjects(2, events, FALSE, timeout);
    if (w == WAIT_OBJECT_0)
      break;
    if (w == WAIT_FAILED) {
      LOG_ERROR("audio: wait failed: %s", vda_win_strerror(GetLastError()));
      break;
    }
  }
  if (started)
    t->ops->stop(t->ops->ctx);
  if (com)
    CoUninitialize();
  return 0;
}

vda_audio_thread *vda_audio_thread_start(const vda_audio_ops *ops, uint32_t retry_ms)
{
  vda_audio_thread *t = calloc(1, sizeof(*t));
  if (!t) {
    LOG_ERROR("audio: out of memory");
    return NULL;
  }
  t->ops = ops;
  t->retry_ms = retry_ms ? retry_ms : 1;
  InitializeCriticalSection(&t->lock);
  vda_audio_latest_init(&t->latest);
  t->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  t->wake = CreateEventW(NULL, FALSE, FALSE, NULL);
  if (t->stop && t->wake)
    t->thread = CreateThread(NULL, 0, run, t, 0, NULL);
  if (!t->thread) {
    LOG_ERROR("audio: cannot start the audio thread: %s", vda_win_strerror(GetLastError()));
    if (t->stop)
      CloseHandle(t->stop);
    if (t->wake)
      CloseHandle(t->wake);
    DeleteCriticalSection(&t->lock);
    free(t);
    return NULL;
  }
  return t;
}

void vda_audio_thread_put(vda_audio_thread *t, vda_audio_dir dir, const vda_audio_volume *v)
{
  EnterCriticalSection(&t->lock);
  vda_audio_latest_put(&t->latest, dir, v);
  LeaveCriticalSection(&t->lock);
  SetEvent(t->wake);
}

void vda_audio_thread_stop(vda_audio_thread *t)
{
  if (!t)
    return;
  SetEvent(t->stop);
  if (WaitForSingleObject(t->thread, STOP_WAIT_MS) != WAIT_OBJECT_0) {
    /* A COM call that never returns (hung audio service): the thread
     * still uses t, so it is left to the process exit. */
    LOG_ERROR("audio: the audio thread did not stop within %u s; left behind", STOP_WAIT_MS / 1000);
    return;
  }
  CloseHandle(t->thread);
  CloseHandle(t->stop);
  CloseHandle(t->wake);
  DeleteCriticalSection(&t->lock);
  free(t);
}
