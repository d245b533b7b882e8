/* Launching, watching and stopping the session agent. */
#include <windows.h>
#include <wtsapi32.h>

#include "log.h"
#include "service_state.h"
#include "vda_le.h"
#include "winerror_text.h"

void vds_agent_init(vds_state *s)
{
  vds_backoff_init(&s->backoff, VDS_RELAUNCH_MIN_MS, VDS_RELAUNCH_MAX_MS);
  s->job = vds_agent_job_create();
}

static void schedule_launch(vds_state *s, uint32_t delay_ms)
{
  s->launch_due = true;
  s->launch_at = GetTickCount64() + delay_ms;
}

void vds_agent_launch_now(vds_state *s)
{
  DWORD session = WTSGetActiveConsoleSessionId();
  DWORD err;

  s->launch_due = false;
  if (s->agent.process)
    return;
  if (session == 0xFFFFFFFF) {
    /* No session on the console (between sessions): a console connect
     * event brings us back here. */
    LOG_INFO("no active console session: waiting for one");
    return;
  }
  err = vds_agent_launch(s->opt->agent_path, session, s->job, &s->agent);
  if (err != ERROR_SUCCESS) {
    uint32_t delay = vds_backoff_on_exit(&s->backoff, false);
    LOG_ERROR("agent launch failed (%s); retrying in %u ms", vda_win_strerror(err),
              (unsigned)delay);
    schedule_launch(s, delay);
    return;
  }
  /* The link owns the pipe from here on. */
  err = vda_ipc_link_open(&s->link, s->agent.pipe, VDS_QUEUE_LIMIT, vds_mux_on_frame, s);
  s->agent.pipe = NULL;
  if (err != ERROR_SUCCESS) {
    LOG_ERROR("cannot read the agent pipe: %s", vda_win_strerror(err));
    vds_agent_kill(s, "no pipe");
    return;
  }
  s->agent_ready = false;
  s->ping_seq = 0;
  vds_heartbeat_init(&s->hb, VDS_PING_INTERVAL_MS, VDS_HANG_TIMEOUT_MS, GetTickCount64());
}

/* The agent is gone (or about to be): release everything that served it.
 * The port goes too, so the host stops sending absolute mouse events that
 * nobody would inject. */
static void forget_agent(vds_state *s, const char *why)
{
  if (vda_ipc_link_is_open(&s->link))
    vda_ipc_link_close(&s->link);
  if (s->port)
    vds_port_close(s, why);
  s->agent_out_active = false;
  s->agent_caps = (vda_caps){0};
  s->announced = s->service_caps;
  vda_reader_set_ours(s->reader, &s->announced);
}

void vds_agent_on_exit(vds_state *s)
{
  DWORD code = 0;
  bool had_started = s->agent_ready;
  uint32_t delay;

  GetExitCodeProcess(s->agent.process, &code);
  forget_agent(s, "the session agent is gone");
  delay = vds_backoff_on_exit(&s->backoff, had_started);
  LOG_WARN("agent pid %lu exited with code %lu %s; relaunching in %u ms",
           (unsigned long)s->agent.pid, (unsigned long)code,
           had_started ? "after a healthy start" : "before it was ready", (unsigned)delay);
  vds_agent_proc_release(&s->agent);
  s->agent_ready = false;
  schedule_launch(s, delay);
}

void vds_agent_kill(vds_state *s, const char *why)
{
  if (!s->agent.process)
    return;
  LOG_WARN("killing agent pid %lu: %s", (unsigned long)s->agent.pid, why);
  forget_agent(s, why);
  if (!TerminateProcess(s->agent.process, 1))
    LOG_ERROR("TerminateProcess: %s", vda_win_strerror(GetLastError()));
  /* The exit itself is handled when the process handle is signalled. */
}

void vds_agent_link_closed(vds_state *s, const char *why)
{
  LOG_WARN("agent pipe closed: %s", why);
  /* An agent without its pipe is useless: make sure it really goes. */
  vds_agent_kill(s, "pipe closed");
}

void vds_agent_stop(vds_state *s)
{
  DWORD w;
  if (!s->agent.process)
    goto out;
  /* Closing the pipe tells the agent to exit; give it a moment, then force. */
  forget_agent(s, "service stopping");
  w = WaitForSingleObject(s->agent.process, VDS_STOP_AGENT_WAIT_MS);
  if (w != WAIT_OBJECT_0) {
    LOG_WARN("agent pid %lu did not exit within %u ms: terminating it",
             (unsigned long)s->agent.pid, VDS_STOP_AGENT_WAIT_MS);
    TerminateProcess(s->agent.process, 1);
    WaitForSingleObject(s->agent.process, VDS_STOP_AGENT_WAIT_MS);
  } else {
    LOG_INFO("agent pid %lu exited", (unsigned long)s->agent.pid);
  }
  vds_agent_proc_release(&s->agent);

out:
  if (s->job)
    CloseHandle(s->job);
  s->job = NULL;
}

void vds_agent_tick(vds_state *s, uint64_t now)
{
  if (s->launch_due && now >= s->launch_at) {
    vds_agent_launch_now(s);
    return; /* the new agent's clock starts after `now` */
  }
  if (!vda_ipc_link_is_open(&s->link))
    return;
  if (vds_heartbeat_hung(&s->hb, now)) {
    vds_agent_kill(s, "missed heartbeats (hung)");
    return;
  }
  if (vds_heartbeat_ping_due(&s->hb, now)) {
    uint8_t seq[4];
    vda_put_le32(seq, ++s->ping_seq);
    if (!vda_ipc_link_send(&s->link, VDA_IPC_PING, seq, sizeof(seq)))
      vds_agent_kill(s, "cannot queue a heartbeat");
  }
}

void vds_agent_send_session_state(vds_state *s)
{
  uint8_t flags[4];
  vda_put_le32(flags, s->session_locked ? VDA_IPC_SESSION_LOCKED : 0);
  if (vda_ipc_link_is_open(&s->link))
    vda_ipc_link_send(&s->link, VDA_IPC_SESSION, flags, sizeof(flags));
}

void vds_agent_on_session_event(vds_state *s, uint32_t event, uint32_t session)
{
  uint32_t agent_session = s->agent.process ? s->agent.session : VDS_NO_SESSION;
  DWORD console = WTSGetActiveConsoleSessionId();
  vds_session_action a =
      vds_session_decide((vds_session_event)event, session, agent_session,
                         console == 0xFFFFFFFF ? VDS_NO_SESSION : console);

  LOG_INFO("session %lu: %s (agent in %ld, console %ld)", (unsigned long)session,
           vds_session_event_name(event), (long)(int32_t)agent_session, (long)(int32_t)console);
  switch (a) {
  case VDS_ACTION_NONE:
    break;
  case VDS_ACTION_RELAUNCH:
    s->session_locked = false;
    if (s->agent.process) {
      /* Killed now; its exit schedules the new launch at the minimum
       * delay, since it had been fine. */
      vds_agent_kill(s, "the console session changed");
    } else {
      vds_agent_launch_now(s);
    }
    break;
  case VDS_ACTION_STOP_AGENT:
    vds_agent_kill(s, "the console left the agent's session");
    break;
  case VDS_ACTION_INFORM_LOCKED:
  case VDS_ACTION_INFORM_UNLOCKED:
    s->session_locked = a == VDS_ACTION_INFORM_LOCKED;
    vds_agent_send_session_state(s);
    break;
  }
}
