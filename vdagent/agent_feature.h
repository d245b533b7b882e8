/* What a feature of the session agent is, to the dispatch (agent_dispatch.h).
 *
 * A feature (display, mouse, clipboard, file transfer, the session itself)
 * describes itself in a vda_feature: whether it runs, the capabilities it
 * announces while it runs, the whole messages it handles and, for streamed
 * types (vda_msg_table.h: CLIPBOARD, FILE_XFER_DATA), the sink that takes the
 * data in pieces. The agent announces the union of the capabilities of the
 * enabled features and routes each type to the one feature that claimed it,
 * so a capability is never announced without its handler.
 *
 * Portable on purpose (no <windows.h>): the dispatch is unit-tested natively.
 */
#ifndef VDA_AGENT_FEATURE_H
#define VDA_AGENT_FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_builder.h"
#include "vda_caps.h"
#include "vda_ipc.h"
#include "vda_limits.h"

/* What the agent lends every feature; valid while the agent runs. */
typedef struct vda_agent_env {
  /* Current negotiated view (service + agent vs the client); it changes as
   * the client announces, so read it at use time. */
  const vda_negotiated *neg;
  const vda_limits *limits;
  /* Queues a small message for the host (main thread only). False when the
   * pipe's queue is full; the agent has logged it. */
  bool (*send)(void *send_ctx, const vda_body *b);
  void *send_ctx;
} vda_agent_env;

/* The client side changed (vda_feature.on_peer). */
typedef enum vda_peer_event {
  VDA_PEER_UPDATE = 0,   /* new capabilities, or MAX_CLIPBOARD */
  VDA_PEER_CONNECTED,    /* ANNOUNCE_CAPABILITIES with request=1 */
  VDA_PEER_DISCONNECTED, /* CLIENT_DISCONNECTED */
} vda_peer_event;

/* A whole message: the body was validated by the service's reader. */
typedef void (*vda_msg_fn)(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size);

typedef struct vda_msg_handler {
  uint32_t type; /* VD_AGENT_*, not streamed */
  vda_msg_fn fn;
} vda_msg_handler;

/* Takes a streamed type in pieces. After a begin that returned true, end is
 * called exactly once (aborted: the stream will not complete); data comes
 * only in between. The service's reader bounded data_size by the limits
 * before the first byte; a sink still checks what it allocates. */
typedef struct vda_stream_sink {
  uint32_t type; /* VD_AGENT_*, streamed */
  /* false: the sink refuses this stream (it logged why); its pieces are
   * dropped. */
  bool (*begin)(void *ctx, const vda_ipc_stream_begin *b);
  void (*data)(void *ctx, const uint8_t *data, size_t len);
  void (*end)(void *ctx, bool aborted);
} vda_stream_sink;

typedef struct vda_feature {
  const char *name;
  bool enabled;  /* false: announces nothing, handles nothing */
  vda_caps caps; /* announced while enabled */
  void *ctx;     /* passed to every callback */
  const vda_msg_handler *handlers;
  size_t nhandlers;
  const vda_stream_sink *sinks;
  size_t nsinks;
  /* Optional (NULL): the client side changed; the negotiated view in the
   * env is already updated. */
  void (*on_peer)(void *ctx, vda_peer_event event);
  /* Optional: the console session was locked or unlocked. */
  void (*on_session)(void *ctx, bool locked);
  /* Optional: a Win32 event handle the main loop waits on while the feature
   * is enabled, and what to do when it is signalled (main thread). */
  void *event;
  void (*on_event)(void *ctx);
  /* Optional: true while the feature cannot take more input (its disk
   * writer is behind): the main loop then stops reading the service's pipe,
   * which in turn stops the service reading the port. Asked before every
   * wait; the feature's event fires when it can take input again. */
  bool (*hold_input)(void *ctx);
} vda_feature;

#endif
