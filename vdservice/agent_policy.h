/* Decisions about the session agent, free of Win32 so they are unit-tested
 * natively: when to relaunch it, when it counts as hung, and what each
 * session change means for it. The service loop feeds in times and events
 * and carries out the answers.
 *
 * Restart backoff: an agent that dies before it said hello (a crash at
 * start, a missing DLL, a test switch) is relaunched after 0.5 s, then 1 s,
 * 2 s ... up to 30 s: never a hot loop. An agent that had started properly
 * and dies later is relaunched after the minimum delay, and its healthy
 * start resets the backoff.
 *
 * Heartbeat: the service pings every interval; an agent from which nothing
 * has arrived for `timeout` is hung and gets killed and relaunched.
 */
#ifndef VDS_AGENT_POLICY_H
#define VDS_AGENT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct vds_backoff {
  uint32_t min_ms, max_ms, next_ms;
} vds_backoff;

void vds_backoff_init(vds_backoff *b, uint32_t min_ms, uint32_t max_ms);

/* The session agent's relaunch delays, and the port's reopen delays (port.c
 * uses the same backoff: a failed open counts as an exit before start). */
#define VDS_RELAUNCH_MIN_MS 500u
#define VDS_RELAUNCH_MAX_MS 30000u
#define VDS_OPEN_RETRY_MIN_MS 250u
#define VDS_OPEN_RETRY_MAX_MS 5000u
/* The agent said hello: its start was healthy. */
void vds_backoff_healthy(vds_backoff *b);
/* The agent exited: returns the delay before the next launch. */
uint32_t vds_backoff_on_exit(vds_backoff *b, bool had_started);

typedef struct vds_heartbeat {
  uint32_t interval_ms, timeout_ms;
  uint64_t last_rx_ms, last_ping_ms;
} vds_heartbeat;

void vds_heartbeat_init(vds_heartbeat *h, uint32_t interval_ms, uint32_t timeout_ms,
                        uint64_t now_ms);
void vds_heartbeat_rx(vds_heartbeat *h, uint64_t now_ms);
/* True when a ping is due now (and records it as sent). */
bool vds_heartbeat_ping_due(vds_heartbeat *h, uint64_t now_ms);
bool vds_heartbeat_hung(const vds_heartbeat *h, uint64_t now_ms);
/* Milliseconds until the next ping or hang check (for the loop's timeout). */
uint32_t vds_heartbeat_next_ms(const vds_heartbeat *h, uint64_t now_ms);

/* SERVICE_CONTROL_SESSIONCHANGE reasons (values of WTS_* in wtsapi32.h). */
typedef enum vds_session_event {
  VDS_SESSION_CONSOLE_CONNECT = 1,
  VDS_SESSION_CONSOLE_DISCONNECT = 2,
  VDS_SESSION_REMOTE_CONNECT = 3,
  VDS_SESSION_REMOTE_DISCONNECT = 4,
  VDS_SESSION_LOGON = 5,
  VDS_SESSION_LOGOFF = 6,
  VDS_SESSION_LOCK = 7,
  VDS_SESSION_UNLOCK = 8,
} vds_session_event;

typedef enum vds_session_action {
  VDS_ACTION_NONE = 0,
  VDS_ACTION_RELAUNCH,      /* stop the agent, start one in the active console session */
  VDS_ACTION_STOP_AGENT,    /* no console session to serve: stop the agent, release the port */
  VDS_ACTION_INFORM_LOCKED, /* tell the agent; file transfers answer SESSION_LOCKED */
  VDS_ACTION_INFORM_UNLOCKED,
} vds_session_action;

#define VDS_NO_SESSION 0xFFFFFFFFu

/* event happened to session `session`; the agent runs in `agent_session`
 * (VDS_NO_SESSION when none); the active console session is now `console`
 * (VDS_NO_SESSION when the console has none attached). */
vds_session_action vds_session_decide(vds_session_event event, uint32_t session,
                                      uint32_t agent_session, uint32_t console);

const char *vds_session_event_name(uint32_t event);

/* FILE_XFER_START: the service answers it itself when nobody can take the
 * file. Returns VDS_XFER_FORWARD, or the FILE_XFER_STATUS result to send
 * (VD_AGENT_FILE_XFER_STATUS_VDAGENT_NOT_CONNECTED = 6 when no agent is
 * ready, VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED = 5 while the session is
 * locked: nobody should find a file dropped onto a locked screen). */
#define VDS_XFER_FORWARD 0xFFFFFFFFu
uint32_t vds_xfer_start_verdict(bool agent_ready, bool session_locked);

#endif
