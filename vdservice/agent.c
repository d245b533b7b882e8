/* The session agent: launch, readiness, heartbeat, exit, kill, session
 * events (see agent.h). */
#include "agent.h"

#include <wtsapi32.h>

#include "log.h"
#include "vda_le.h"
#include "winerror_text.h"

void vds_agent_init(vds_agent *a, const wchar_t *exe_path, size_t queue_limit,
                    const vda_caps *service_caps, const vds_agent_events *ev, void *ev_ctx)
{
  *a = (vds_agent){.exe_path = exe_path,
                   .queue_limit = queue_limit,
                   .service_caps = *service_caps,
                   .ev = ev,
                   .ev_ctx = ev_ctx};
  vds_backoff_init(&a->backoff, VDS_RELAUNCH_MIN_MS, VDS_RELAUNCH_MAX_MS);
  a->job = vds_agent_job_create();
}

static void schedule_launch(vds_agent *a, uint32_t delay_ms)
{
  a->launch_due = true;
  a->launch_at = GetTickCount64() + delay_ms;
}

static void send_session_state(vds_agent *a)
{
  uint8_t flags[4];
  vda_put_le32(flags, a->session_locked ? VDA_IPC_SESSION_LOCKED : 0);
  if (vda_ipc_link_is_open(&a->link))
    vda_ipc_link_send(&a->link, VDA_IPC_SESSION, flags, sizeof(flags));
}

/* The agent is gone (or about to be): release what served it, once. The
 * loop closes the port, so the host stops sending absolute mouse events that
 * nobody would inject. */
static void forget_agent(vds_agent *a, const char *why)
{
  bool was_served = a->served;
  if (vda_ipc_link_is_open(&a->link))
    vda_ipc_link_close(&a->link);
  a->served = false;
  a->ready = false;
  a->caps = (vda_caps){0};
  if (was_served)
    a->ev->gone(a->ev_ctx, why);
}

static void on_hello(vds_agent *a, const uint8_t *payload, size_t size)
{
  uint32_t version;
  const char *why = NULL;

  /* Same layout as ANNOUNCE_CAPABILITIES: u32 then capability words. */
  if (!vda_caps_parse(payload, size, &a->caps, &version, &why)) {
    vds_agent_kill(a, why);
    return;
  }
  a->ready = true;
  a->started = true;
  vds_backoff_healthy(&a->backoff);
  LOG_INFO("agent pid %lu ready, capabilities 0x%08x", (unsigned long)a->proc.pid,
           (unsigned)a->caps.words[0]);
  /* The agent learns the service's half, so it can build the negotiated view
   * of what the client sees as "ours". */
  vda_ipc_link_send_hello(&a->link, VDA_IPC_HELLO_ACK, &a->service_caps);
  send_session_state(a);
  a->ev->ready(a->ev_ctx, &a->caps);
}

static void on_frame(void *ctx, uint32_t type, const uint8_t *payload, size_t size)
{
  vds_agent *a = ctx;

  vds_heartbeat_rx(&a->hb, GetTickCount64());
  if (type != VDA_IPC_HELLO && !a->ready) {
    vds_agent_kill(a, "frame before hello");
    return;
  }
  switch (type) {
  case VDA_IPC_HELLO:
    on_hello(a, payload, size);
    break;
  case VDA_IPC_PONG:
    break;
  default:
    a->ev->frame(a->ev_ctx, type, payload, size);
    break;
  }
}

void vds_agent_launch_now(vds_agent *a)
{
  DWORD session = WTSGetActiveConsoleSessionId();
  DWORD err;

  a->launch_due = false;
  if (a->proc.process)
    return;
  if (session == 0xFFFFFFFF) {
    /* No session on the console (between sessions): a console connect
     * event brings us back here. */
    LOG_INFO("no active console session: waiting for one");
    return;
  }
  err = vds_agent_launch(a->exe_path, session, a->job, &a->proc);
  if (err != ERROR_SUCCESS) {
    uint32_t delay = vds_backoff_on_exit(&a->backoff, false);
    LOG_ERROR("agent launch failed (%s); retrying in %u ms", vda_win_strerror(err),
              (unsigned)delay);
    schedule_launch(a, delay);
    return;
  }
  a->served = true;
  a->ready = false;
  a->started = false;
  a->ping_seq = 0;
  vds_heartbeat_init(&a->hb, VDS_PING_INTERVAL_MS, VDS_HANG_TIMEOUT_MS, GetTickCount64());
  /* The link owns the pipe from here on. */
  err = vda_ipc_link_open(&a->link, a->proc.pipe, a->queue_limit, VDA_IPC_TO_SERVICE_IO,
                          VDA_IPC_TO_AGENT_IO, on_frame, a);
  a->proc.pipe = NULL;
  if (err != ERROR_SUCCESS) {
    LOG_ERROR("cannot read the agent pipe: %s", vda_win_strerror(err));
    vds_agent_kill(a, "no pipe");
  }
}

void vds_agent_on_exit(vds_agent *a)
{
  DWORD code = 0;
  bool had_started = a->started;
  uint32_t delay;

  if (!GetExitCodeProcess(a->proc.process, &code))
    LOG_WARN("GetExitCodeProcess: %s", vda_win_strerror(GetLastError()));
  forget_agent(a, "the session agent is gone");
  delay = vds_backoff_on_exit(&a->backoff, had_started);
  LOG_WARN("agent pid %lu exited with code %lu %s; relaunching in %u ms",
           (unsigned long)a->proc.pid, (unsigned long)code,
           had_started ? "after a healthy start" : "before it was ready", (unsigned)delay);
  vds_agent_proc_release(&a->proc);
  a->started = false;
  schedule_launch(a, delay);
}

void vds_agent_kill(vds_agent *a, const char *why)
{
  /* Once per life: a kill's own consequences (the port closing, a stream
   * aborting) must not kill again. The exit is handled when the process
   * handle is signalled. */
  if (!a->proc.process || !a->served)
    return;
  LOG_WARN("killing agent pid %lu: %s", (unsigned long)a->proc.pid, why);
  forget_agent(a, why);
  if (!TerminateProcess(a->proc.process, 1))
    LOG_ERROR("TerminateProcess: %s", vda_win_strerror(GetLastError()));
}

void vds_agent_stop(vds_agent *a)
{
  DWORD w;
  if (!a->proc.process)
    goto out;
  /* Closing the pipe tells the agent to exit; give it a moment, then force. */
  forget_agent(a, "service stopping");
  w = WaitForSingleObject(a->proc.process, VDS_STOP_AGENT_WAIT_MS);
  if (w != WAIT_OBJECT_0) {
    LOG_WARN("agent pid %lu did not exit within %u ms: terminating it", (unsigned long)a->proc.pid,
             VDS_STOP_AGENT_WAIT_MS);
    TerminateProcess(a->proc.process, 1);
    WaitForSingleObject(a->proc.process, VDS_STOP_AGENT_WAIT_MS);
  } else {
    LOG_INFO("agent pid %lu exited", (unsigned long)a->proc.pid);
  }
  vds_agent_proc_release(&a->proc);

out:
  if (a->job)
    CloseHandle(a->job);
  a->job = NULL;
}

void vds_agent_tick(vds_agent *a, uint64_t now)
{
  if (a->launch_due && now >= a->launch_at) {
    vds_agent_launch_now(a);
    return; /* the new agent's clock starts after `now` */
  }
  if (!vda_ipc_link_is_open(&a->link))
    return;
  if (vds_heartbeat_hung(&a->hb, now)) {
    vds_agent_kill(a, "missed heartbeats (hung)");
    return;
  }
  if (vds_heartbeat_ping_due(&a->hb, now)) {
    uint8_t seq[4];
    vda_put_le32(seq, ++a->ping_seq);
    if (!vda_ipc_link_send(&a->link, VDA_IPC_PING, seq, sizeof(seq)))
      vds_agent_kill(a, "cannot queue a heartbeat");
  }
}

uint64_t vds_agent_next_due(const vds_agent *a, uint64_t now)
{
  uint64_t due = UINT64_MAX;
  if (a->launch_due)
    due = a->launch_at;
  if (vda_ipc_link_is_open(&a->link)) {
    uint64_t hb = now + vds_heartbeat_next_ms(&a->hb, now);
    due = hb < due ? hb : due;
  }
  return due;
}

void vds_agent_on_session_event(vds_agent *a, uint32_t event, uint32_t session)
{
  uint32_t agent_session = a->proc.process ? a->proc.session : VDS_NO_SESSION;
  DWORD console = WTSGetActiveConsoleSessionId();
  vds_session_action act = vds_session_decide((vds_session_event)event, session, agent_session,
                                              console == 0xFFFFFFFF ? VDS_NO_SESSION : console);

  LOG_INFO("session %lu: %s (agent in %ld, console %ld)", (unsigned long)session,
           vds_session_event_name(event), (long)(int32_t)agent_session, (long)(int32_t)console);
  switch (act) {
  case VDS_ACTION_NONE:
    break;
  case VDS_ACTION_RELAUNCH:
    a->session_locked = false;
    if (a->proc.process) {
      /* Killed now; its exit schedules the new launch at the minimum
       * delay, since it had been fine. */
      vds_agent_kill(a, "the console session changed");
    } else {
      vds_agent_launch_now(a);
    }
    break;
  case VDS_ACTION_STOP_AGENT:
    vds_agent_kill(a, "the console left the agent's session");
    break;
  case VDS_ACTION_INFORM_LOCKED:
  case VDS_ACTION_INFORM_UNLOCKED:
    a->session_locked = act == VDS_ACTION_INFORM_LOCKED;
    send_session_state(a);
    break;
  }
}

bool vds_agent_ready(const vds_agent *a)
{
  return a->ready;
}

bool vds_agent_running(const vds_agent *a)
{
  return a->proc.process != NULL;
}

uint32_t vds_agent_pid(const vds_agent *a)
{
  return a->proc.process ? (uint32_t)a->proc.pid : 0;
}

uint32_t vds_agent_session(const vds_agent *a)
{
  return a->proc.process ? (uint32_t)a->proc.session : 0;
}

bool vds_agent_session_locked(const vds_agent *a)
{
  return a->session_locked;
}

bool vds_agent_send(vds_agent *a, uint32_t ipc_type, const void *payload, size_t size)
{
  return vda_ipc_link_send(&a->link, ipc_type, payload, size);
}

bool vds_agent_send_message(vds_agent *a, uint32_t vd_type, const void *body, size_t size)
{
  return vda_ipc_link_send_message(&a->link, vd_type, body, size);
}

bool vds_agent_link_open(const vds_agent *a)
{
  return vda_ipc_link_is_open(&a->link);
}

size_t vds_agent_queued(const vds_agent *a)
{
  return vda_ipc_link_queued(&a->link);
}

HANDLE vds_agent_read_event(const vds_agent *a)
{
  return vda_ipc_link_read_pending(&a->link) ? vda_ipc_link_read_event(&a->link) : NULL;
}

HANDLE vds_agent_write_event(const vds_agent *a)
{
  return vda_ipc_link_is_open(&a->link) ? vda_ipc_link_write_event(&a->link) : NULL;
}

/* An agent without its pipe is useless: make sure it really goes. */
static void link_closed(vds_agent *a, const char *why)
{
  LOG_WARN("agent pipe closed: %s", why);
  vds_agent_kill(a, "pipe closed");
}

void vds_agent_on_read(vds_agent *a)
{
  const char *why = NULL;
  DWORD err = vda_ipc_link_on_read(&a->link, &why);
  if (err != ERROR_SUCCESS)
    link_closed(a, why ? why : vda_win_strerror(err));
}

void vds_agent_on_write(vds_agent *a)
{
  DWORD err = vda_ipc_link_on_write(&a->link);
  if (err != ERROR_SUCCESS)
    link_closed(a, vda_win_strerror(err));
}

void vds_agent_pause(vds_agent *a, bool paused)
{
  DWORD err;
  if (!vda_ipc_link_is_open(&a->link))
    return;
  err = vda_ipc_link_pause(&a->link, paused);
  if (err != ERROR_SUCCESS)
    link_closed(a, vda_win_strerror(err));
}

bool vds_agent_paused(const vds_agent *a)
{
  return vda_ipc_link_is_open(&a->link) && a->link.reading_paused;
}
