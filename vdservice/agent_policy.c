#include "agent_policy.h"

void vds_backoff_init(vds_backoff *b, uint32_t min_ms, uint32_t max_ms)
{
  b->min_ms = min_ms;
  b->max_ms = max_ms;
  b->next_ms = min_ms;
}

void vds_backoff_healthy(vds_backoff *b)
{
  b->next_ms = b->min_ms;
}

uint32_t vds_backoff_on_exit(vds_backoff *b, bool had_started)
{
  uint32_t delay;
  if (had_started)
    return b->min_ms;
  delay = b->next_ms;
  b->next_ms = b->next_ms > b->max_ms / 2 ? b->max_ms : b->next_ms * 2;
  return delay;
}

void vds_heartbeat_init(vds_heartbeat *h, uint32_t interval_ms, uint32_t timeout_ms,
                        uint64_t now_ms)
{
  h->interval_ms = interval_ms;
  h->timeout_ms = timeout_ms;
  h->last_rx_ms = now_ms;
  h->last_ping_ms = now_ms;
}

void vds_heartbeat_rx(vds_heartbeat *h, uint64_t now_ms)
{
  h->last_rx_ms = now_ms;
}

bool vds_heartbeat_ping_due(vds_heartbeat *h, uint64_t now_ms)
{
  /* A caller's "now" read before the last event is not in the future. */
  if (now_ms < h->last_ping_ms || now_ms - h->last_ping_ms < h->interval_ms)
    return false;
  h->last_ping_ms = now_ms;
  return true;
}

bool vds_heartbeat_hung(const vds_heartbeat *h, uint64_t now_ms)
{
  return now_ms >= h->last_rx_ms && now_ms - h->last_rx_ms >= h->timeout_ms;
}

uint32_t vds_heartbeat_next_ms(const vds_heartbeat *h, uint64_t now_ms)
{
  uint64_t ping_at = h->last_ping_ms + h->interval_ms;
  uint64_t hang_at = h->last_rx_ms + h->timeout_ms;
  uint64_t at = ping_at < hang_at ? ping_at : hang_at;
  return at <= now_ms ? 0 : (uint32_t)(at - now_ms);
}

vds_session_action vds_session_decide(vds_session_event event, uint32_t session,
                                      uint32_t agent_session, uint32_t console)
{
  switch (event) {
  case VDS_SESSION_CONSOLE_CONNECT:
    /* A session took the console (fast user switching, a reconnect after
     * RDP): the agent belongs where the console is. */
    if (console == VDS_NO_SESSION)
      return VDS_ACTION_NONE;
    return agent_session == console ? VDS_ACTION_NONE : VDS_ACTION_RELAUNCH;
  case VDS_SESSION_CONSOLE_DISCONNECT:
    /* The console left this session (e.g. it went to RDP): nobody sits at
     * the SPICE display of it. Wait for the next console connect. */
    return session == agent_session ? VDS_ACTION_STOP_AGENT : VDS_ACTION_NONE;
  case VDS_SESSION_LOGON:
  case VDS_SESSION_LOGOFF:
    /* The agent runs as SYSTEM in the session and survives logon/logoff on
     * the console, but it must learn the new user (Downloads folder,
     * clipboard owner): a fresh agent is the simplest correct answer. An
     * event for another session does not concern it. */
    if (session != console)
      return VDS_ACTION_NONE;
    return VDS_ACTION_RELAUNCH;
  case VDS_SESSION_LOCK:
    return session == agent_session ? VDS_ACTION_INFORM_LOCKED : VDS_ACTION_NONE;
  case VDS_SESSION_UNLOCK:
    return session == agent_session ? VDS_ACTION_INFORM_UNLOCKED : VDS_ACTION_NONE;
  case VDS_SESSION_REMOTE_CONNECT:
  case VDS_SESSION_REMOTE_DISCONNECT:
    /* Remote sessions are not shown on the SPICE display. */
    return VDS_ACTION_NONE;
  }
  return VDS_ACTION_NONE;
}

const char *vds_session_event_name(uint32_t event)
{
  static const char *const names[] = {"?",
                                      "console-connect",
                                      "console-disconnect",
                                      "remote-connect",
                                      "remote-disconnect",
                                      "logon",
                                      "logoff",
                                      "lock",
                                      "unlock"};
  return event < sizeof(names) / sizeof(names[0]) ? names[event] : "other";
}

uint32_t vds_xfer_start_verdict(bool agent_ready, bool session_locked)
{
  if (!agent_ready)
    return 6; /* VD_AGENT_FILE_XFER_STATUS_VDAGENT_NOT_CONNECTED */
  if (session_locked)
    return 5; /* VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED */
  return VDS_XFER_FORWARD;
}
