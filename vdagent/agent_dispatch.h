/* The agent's dispatch: VD_AGENT type -> the feature that handles it.
 *
 * Built once from the features (agent_feature.h) after they started; only
 * enabled features take part. vda_dispatch_build() refuses an inconsistent
 * set, so a mistake in a feature's description stops the agent at start
 * instead of silently dropping messages:
 *   - a type claimed twice or unknown to vda_msg_table.h;
 *   - a handler for a streamed type, or a sink for a whole one;
 *   - an announced capability that gates a host->agent type (the table's
 *     gate_cap) which no enabled feature handles.
 * Streams: STREAM_BEGIN selects the sink of its vd_type; DATA, END and ABORT
 * go to that sink. A stream nobody takes is dropped piece by piece.
 *
 * Portable (no <windows.h>), unit-tested natively (tests/unit/test_agent_dispatch.c).
 */
#ifndef VDA_AGENT_DISPATCH_H
#define VDA_AGENT_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_feature.h"

/* Types 0..VDA_DISPATCH_TYPES-1 can be routed (vd_agent.h has 16). */
#define VDA_DISPATCH_TYPES 32u

typedef struct vda_dispatch_slot {
  vda_feature *feature; /* NULL: nobody handles the type */
  vda_msg_fn fn;
  const vda_stream_sink *sink;
} vda_dispatch_slot;

typedef struct vda_dispatch {
  vda_dispatch_slot by_type[VDA_DISPATCH_TYPES];
  vda_feature *features;
  size_t count;
  /* the stream in progress */
  const vda_stream_sink *active;
  void *active_ctx;
  char why[128]; /* reason of the last refusal of vda_dispatch_build() */
} vda_dispatch;

/* features: the agent's array (kept by pointer, it must outlive d). */
bool vda_dispatch_build(vda_dispatch *d, vda_feature *features, size_t count, const char **why);

/* Union of the capabilities of the enabled features. */
void vda_dispatch_caps(const vda_dispatch *d, vda_caps *out);

/* A whole message to its handler. False: no enabled feature handles it. */
bool vda_dispatch_message(vda_dispatch *d, uint32_t vd_type, const uint8_t *body, size_t size);

typedef enum vda_dispatch_stream {
  VDA_STREAM_TAKEN = 0, /* the sink takes it */
  VDA_STREAM_NO_SINK,   /* no enabled feature takes this type */
  VDA_STREAM_REFUSED,   /* the sink refused it (and logged why) */
} vda_dispatch_stream;

/* A new stream. One still in progress (the service always ends its streams,
 * so only a broken peer leaves one open) is aborted first. */
vda_dispatch_stream vda_dispatch_stream_begin(vda_dispatch *d, const vda_ipc_stream_begin *b);
/* To the active sink; dropped without one. */
void vda_dispatch_stream_data(vda_dispatch *d, const uint8_t *data, size_t len);
void vda_dispatch_stream_end(vda_dispatch *d, bool aborted);
/* A stream is in progress with a sink. */
bool vda_dispatch_streaming(const vda_dispatch *d);

/* To every enabled feature's on_peer / on_session. */
void vda_dispatch_peer(vda_dispatch *d, vda_peer_event event);
void vda_dispatch_session(vda_dispatch *d, bool locked);

#endif
