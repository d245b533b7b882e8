/* The service's state, shared by its three parts:
 *   service_loop.c     the event loop: waits, timers, the port's lifecycle
 *   agent_supervisor.c launching, watching and stopping the session agent
 *   mux.c              routing messages between the port and the agent
 * Everything runs on the loop's thread; the SCM control handler only
 * queues session events (session_queue.c) and sets events. */
#ifndef VDS_SERVICE_STATE_H
#define VDS_SERVICE_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#include "agent_launcher.h"
#include "agent_policy.h"
#include "ipc_link.h"
#include "service_loop.h"
#include "stream_io.h"
#include "vda_builder.h"
#include "vda_caps.h"
#include "vda_framer.h"
#include "vda_reader.h"

/* Queue bounds and back-pressure marks, per direction. */
#define VDS_QUEUE_LIMIT (4u * 1024u * 1024u)
#define VDS_QUEUE_HIGH (1024u * 1024u)
#define VDS_QUEUE_LOW (256u * 1024u)

#define VDS_RELAUNCH_MIN_MS 500u
#define VDS_RELAUNCH_MAX_MS 30000u
#define VDS_PING_INTERVAL_MS 5000u
#define VDS_HANG_TIMEOUT_MS 15000u
#define VDS_OPEN_RETRY_MIN_MS 250u
#define VDS_OPEN_RETRY_MAX_MS 5000u
#define VDS_STOP_AGENT_WAIT_MS 2000u

typedef struct vds_state {
  const vds_loop_options *opt;
  HANDLE stop;

  /* the session agent */
  HANDLE job;
  vds_agent_proc agent;     /* agent.process != NULL while one runs */
  vda_ipc_link link;
  bool agent_ready;         /* it said hello */
  vda_caps agent_caps;
  bool session_locked;
  vds_backoff backoff;
  bool launch_due;          /* launch when now >= launch_at */
  uint64_t launch_at;
  vds_heartbeat hb;
  uint32_t ping_seq;
  bool agent_out_active;    /* a large agent message is being framed */

  /* the port */
  vda_stream *port;
  bool port_reading;
  vda_reader *reader;
  vda_caps service_caps;    /* what the service implements itself */
  vda_caps announced;       /* service + agent */
  DWORD last_open_error;
  uint32_t open_retry_ms;
  uint64_t open_at;
  bool port_broken;         /* a callback found the port unusable */
  vda_framer out;           /* agent -> client message being framed */
  /* The service's own small messages wait here while a large agent message
   * is on the wire: messages on one port may not interleave. */
  vda_body deferred[8];
  unsigned ndeferred;
} vds_state;

/* service_loop.c */
void vds_port_close(vds_state *s, const char *why);
void vds_port_announce(vds_state *s, bool request);
void vds_port_update_reading(vds_state *s);
/* vda_emit_fn onto the port's queue; marks the port broken when full. */
bool vds_emit_to_port(void *ctx, const uint8_t *chunk, size_t len);

/* agent_supervisor.c */
void vds_agent_init(vds_state *s);
void vds_agent_launch_now(vds_state *s);
void vds_agent_on_exit(vds_state *s);
void vds_agent_kill(vds_state *s, const char *why);
void vds_agent_stop(vds_state *s);
void vds_agent_tick(vds_state *s, uint64_t now);
void vds_agent_on_session_event(vds_state *s, uint32_t event, uint32_t session);
void vds_agent_link_closed(vds_state *s, const char *why);
/* Tells the agent whether the session is locked. */
void vds_agent_send_session_state(vds_state *s);

/* mux.c */
extern const vda_reader_ops vds_reader_ops;
void vds_mux_on_frame(void *ctx, uint32_t type, const uint8_t *payload, size_t size);
bool vds_mux_send_port_body(vds_state *s, uint32_t type, const void *body, size_t size);
/* The service's own small message: sent now, or after the large message in
 * progress. */
void vds_port_send_own(vds_state *s, const vda_body *b);
void vds_port_flush_deferred(vds_state *s);

#endif
