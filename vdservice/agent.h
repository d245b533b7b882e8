/* The session agent: owns its process and job, the IPC link to it, the
 * heartbeat, the restart backoff, its readiness (the hello and the
 * capabilities it carried) and the session's lock state.
 *
 * It knows nothing of the port: the loop hears through vds_agent_events
 * when an agent became ready, when it is gone (its port must close: nobody
 * would inject the mouse events) and every frame a ready agent sends beyond
 * the hello and heartbeats (for the mux). */
#ifndef VDS_AGENT_H
#define VDS_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#include "agent_launcher.h"
#include "agent_policy.h"
#include "ipc_link.h"
#include "vda_caps.h"

#define VDS_PING_INTERVAL_MS 5000u
#define VDS_HANG_TIMEOUT_MS 15000u
#define VDS_STOP_AGENT_WAIT_MS 2000u

typedef struct vds_agent_events {
  void (*ready)(void *ctx, const vda_caps *agent_caps);
  /* Called once per agent life, before its process is waited for. */
  void (*gone)(void *ctx, const char *why);
  void (*frame)(void *ctx, uint32_t type, const uint8_t *payload, size_t size);
} vds_agent_events;

typedef struct vds_agent {
  const wchar_t *exe_path;
  size_t queue_limit;
  vda_caps service_caps; /* told to the agent in HELLO_ACK */
  HANDLE job;
  vds_agent_proc proc; /* proc.process != NULL while one runs */
  vda_ipc_link link;
  bool served;  /* launched, and not yet killed or gone */
  bool ready;   /* said hello, and is not being stopped */
  bool started; /* said hello in this life: decides the relaunch delay */
  vda_caps caps;
  bool session_locked;
  vds_backoff backoff;
  bool launch_due; /* launch when now >= launch_at */
  uint64_t launch_at;
  vds_heartbeat hb;
  uint32_t ping_seq;
  const vds_agent_events *ev;
  void *ev_ctx;
} vds_agent;

void vds_agent_init(vds_agent *a, const wchar_t *exe_path, size_t queue_limit,
                    const vda_caps *service_caps, const vds_agent_events *ev, void *ev_ctx);
void vds_agent_launch_now(vds_agent *a);
/* Launches when due, pings, detects a hang. */
void vds_agent_tick(vds_agent *a, uint64_t now);
/* When tick has something to do next (UINT64_MAX: nothing scheduled). */
uint64_t vds_agent_next_due(const vds_agent *a, uint64_t now);
/* Its process handle was signalled. */
void vds_agent_on_exit(vds_agent *a);
void vds_agent_kill(vds_agent *a, const char *why);
/* Service stop: close the pipe, wait a little, then terminate. */
void vds_agent_stop(vds_agent *a);
void vds_agent_on_session_event(vds_agent *a, uint32_t event, uint32_t session);

bool vds_agent_ready(const vds_agent *a);
/* For `vdservice status` (read-only): a process runs, its pid and session
 * (0 while none runs). */
bool vds_agent_running(const vds_agent *a);
uint32_t vds_agent_pid(const vds_agent *a);
uint32_t vds_agent_session(const vds_agent *a);
bool vds_agent_session_locked(const vds_agent *a);
bool vds_agent_send(vds_agent *a, uint32_t ipc_type, const void *payload, size_t size);
bool vds_agent_send_message(vds_agent *a, uint32_t vd_type, const void *body, size_t size);

/* The pipe (valid while the link is open). */
bool vds_agent_link_open(const vds_agent *a);
size_t vds_agent_queued(const vds_agent *a);
HANDLE vds_agent_read_event(const vds_agent *a); /* NULL unless a read is pending */
HANDLE vds_agent_write_event(const vds_agent *a);
void vds_agent_on_read(vds_agent *a);
void vds_agent_on_write(vds_agent *a);
/* Back-pressure: stop or resume reading the agent. */
void vds_agent_pause(vds_agent *a, bool paused);
bool vds_agent_paused(const vds_agent *a);

#endif
