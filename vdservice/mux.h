/* Routing between the client port and the session agent, and what the
 * service answers itself. The mux owns no I/O: it is the only part of the
 * service that talks to both the port (port.c) and the agent (agent.c), and
 * it does so through vds_mux_ops, which service_loop.c wires to them and
 * test_mux.c to fakes. Win32-free, so it is unit-tested natively.
 *
 * Host -> agent: the port's reader delivers validated messages to
 * vds_mux_reader_ops. The types the table (vda_msg_table.h) marks as
 * handled by the agent are forwarded whole as MESSAGE frames, streamed ones
 * (clipboard, file data) as STREAM_BEGIN + DATA pieces + END, so the service
 * never holds a whole clipboard; only while an agent is ready, and only
 * when the type's gate is open (we announced its capability). The service
 * answers itself: ANNOUNCE_CAPABILITIES (the service's and the agent's
 * capabilities), CLIENT_DISCONNECTED (resets the client side of the reader,
 * then tells the agent) and FILE_XFER_START while no agent is ready or the
 * session is locked.
 *
 * Agent -> host: only the types an agent may send (the table's
 * VDA_FROM_AGENT, except ANNOUNCE_CAPABILITIES, which the service makes for
 * both) with an open gate pass; each is framed onto the port. The
 * service's own small messages wait while a large agent message is on the
 * wire (port_out.h). A frame that breaks the IPC protocol kills the agent. */
#ifndef VDS_MUX_H
#define VDS_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_builder.h"
#include "vda_caps.h"
#include "vda_reader.h"

/* Same values as vda_log_level (common/win32/log.h). */
typedef enum vds_log_level {
  VDS_LOG_ERROR = 0,
  VDS_LOG_WARN = 1,
  VDS_LOG_INFO = 2,
  VDS_LOG_DEBUG = 3,
} vds_log_level;

typedef struct vds_mux_ops {
  /* The session agent (agent.c). Ready: it said hello and is not being
   * stopped. */
  bool (*agent_ready)(void *ctx);
  bool (*session_locked)(void *ctx);
  /* A MESSAGE frame: u32 vd_type + body. False: the pipe's queue is full. */
  bool (*agent_message)(void *ctx, uint32_t vd_type, const void *body, size_t size);
  /* STREAM_BEGIN, DATA, END or ABORT. False: the pipe's queue is full. */
  bool (*agent_frame)(void *ctx, uint32_t ipc_type, const void *payload, size_t size);
  void (*agent_kill)(void *ctx, const char *why);
  /* Bytes queued towards the agent, not yet written (optional: without it
   * mouse states are never coalesced). */
  size_t (*agent_backlog)(void *ctx);

  /* The client port (port.c). */
  bool (*port_open)(void *ctx);
  /* The reader's view of both sides' capabilities, for replies. */
  const vda_negotiated *(*port_negotiated)(void *ctx);
  /* CLIENT_DISCONNECTED: forget the client's half-received message. */
  void (*port_reset_client)(void *ctx);
  /* What we announce: the reader validates against it. */
  void (*port_set_caps)(void *ctx, const vda_caps *ours);
  /* Open the port at the next turn of the loop (no backoff wait). */
  void (*port_open_soon)(void *ctx);
  /* A large message is on the wire. */
  bool (*port_busy)(void *ctx);
  /* The agent's small message; the port logs and resets itself on failure. */
  void (*port_send)(void *ctx, uint32_t vd_type, const void *body, size_t size);
  /* The service's own: now, or after the large message (port_out.h). */
  void (*port_send_own)(void *ctx, const vda_body *b);
  /* The agent's large message, piece by piece; swallowed while closed. */
  void (*port_begin)(void *ctx, uint32_t vd_type, uint32_t size);
  void (*port_write)(void *ctx, const void *data, size_t len);
  void (*port_end)(void *ctx);

  /* One log line (func: where it was made). */
  void (*log)(void *ctx, vds_log_level level, const char *func, const char *line);
  /* A refusal's line, rate-limited per key (the reason: a static string's
   * address), so a host repeating a bad message cannot flood the log.
   * Optional: without it such lines go to log. */
  void (*log_limited)(void *ctx, vds_log_level level, const char *func, const void *key,
                      const char *line);
} vds_mux_ops;

#define VDS_MUX_BATCH (64u * 1024u)
/* Above this backlog towards the agent, motion-only MOUSE_STATEs are
 * coalesced (about 2000 of them: two seconds of SendInput under Wine). */
#define VDS_MUX_MOUSE_BACKLOG (64u * 1024u)

typedef struct vds_mux {
  const vds_mux_ops *ops;
  void *ctx;
  vda_caps service_caps;  /* vda_caps_service() */
  vda_caps announced;     /* the service's + the ready agent's */
  bool stream_to_agent;   /* the client stream in progress goes to the agent */
  uint32_t mouse_buttons; /* of the last MOUSE_STATE forwarded */
  bool agent_out_active;  /* between the agent's OUT_BEGIN and its END */
  bool agent_out_dropped; /* ... and that message's gate is closed */
  /* Client stream data waits here until VDS_MUX_BATCH bytes, the stream's
   * end or the end of the port read that brought it (vds_mux_flush): one
   * pipe frame per read or 64 KiB instead of one per 2 KiB chunk, since
   * every frame costs a write here and reads in the agent. */
  size_t batch_len;
  uint8_t batch[VDS_MUX_BATCH];
  /* Our announce on opening waits this long for the host to ask first. */
  bool announce_pending;
  uint64_t announce_due; /* ms, the caller's clock */
} vds_mux;

/* How long a freshly opened port waits for the host's request=1 before
 * announcing with request=1 itself. */
#define VDS_MUX_ANNOUNCE_GRACE_MS 500

void vds_mux_init(vds_mux *m, const vds_mux_ops *ops, void *ctx);

/* The port's reader calls these; their ctx is the vds_mux. */
extern const vda_reader_ops vds_mux_reader_ops;

/* The port just opened (now: ms). Exactly one announce per open: QEMU's
 * qemu-vdagent asks at once (request=1) and resets the port when a
 * GRAB_SERIAL agent announces a second time, so an announce on opening plus
 * the answer to its request made a reset loop (e2e_qemu_vdagent). But
 * spice-server does not always make the client ask again after a reopen,
 * so if the host has not asked within VDS_MUX_ANNOUNCE_GRACE_MS we
 * announce with request=1 ourselves (vds_mux_tick). */
void vds_mux_port_opened(vds_mux *m, uint64_t now);
/* Sends the announce on opening when it is due; when the next one is due
 * (UINT64_MAX: none). */
void vds_mux_tick(vds_mux *m, uint64_t now);
uint64_t vds_mux_next_due(const vds_mux *m);
/* The port closed (host gone, reset, unplugged, resync): a ready agent hears
 * CLIENT_DISCONNECTED, since the client's clipboard and transfers went with
 * it and a paste waiting for them must end now (e2e_faults_host). */
void vds_mux_port_closed(vds_mux *m);
/* An agent said hello with these capabilities / is gone. */
void vds_mux_agent_ready(vds_mux *m, const vda_caps *agent_caps);
void vds_mux_agent_gone(vds_mux *m);
/* Everything one port read brought has been pushed: a stream's batched data
 * goes to the agent now. Batching never waits for the next read, so a paste
 * that trickles in on a slow link shows its progress (the agent ends a paste
 * after 3 s without a byte) and a file's bytes reach the disk as they come. */
void vds_mux_flush(vds_mux *m);
/* A frame from a ready agent other than HELLO and PONG. */
void vds_mux_on_agent_frame(vds_mux *m, uint32_t type, const uint8_t *payload, size_t size);

#endif
