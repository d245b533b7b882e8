/* What goes out on the port, in order: owns the framer of the agent->client
 * message on the wire and the queue of the service's own small messages
 * that wait behind it. Win32-free (the bytes leave through an emit
 * callback), so the ordering rules are unit-tested natively (test_mux).
 *
 * Messages of one port may not interleave on the wire: a large agent
 * message (a clipboard, streamed in pieces as the agent sends them) keeps
 * the framer busy until its last byte, and an ANNOUNCE_CAPABILITIES or a
 * FILE_XFER_STATUS the service makes meanwhile waits here, then goes out
 * right after it. The wait is bounded by VDS_PORT_OUT_DEFERRED_MAX.
 *
 * A failed emit means the message is cut short on the wire: the port is
 * then `broken` and only closing and reopening it recovers. */
#ifndef VDS_PORT_OUT_H
#define VDS_PORT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_builder.h"
#include "vda_framer.h"

/* The service makes at most an announcement and a refusal or two per
 * client message; 8 is plenty while one large message is on the wire. */
#define VDS_PORT_OUT_DEFERRED_MAX 8u

typedef struct vds_port_out {
  vda_framer framer; /* the message on the wire */
  vda_body deferred[VDS_PORT_OUT_DEFERRED_MAX];
  unsigned ndeferred;
  bool broken; /* a message was cut short: reopen the port */
  vda_emit_fn emit;
  void *emit_ctx;
} vds_port_out;

typedef enum vds_own_result {
  VDS_OWN_SENT,     /* framed onto the wire now */
  VDS_OWN_DEFERRED, /* waits behind the large message in progress */
  VDS_OWN_DROPPED,  /* the deferred queue is full */
  VDS_OWN_FAILED,   /* emit failed: the port is broken */
} vds_own_result;

void vds_port_out_init(vds_port_out *o, vda_emit_fn emit, void *emit_ctx);
/* The port closed: forget the message in progress and what waited. */
void vds_port_out_reset(vds_port_out *o);

/* A whole message now. Refused (*why set) while a large message is in
 * progress; a failed emit also marks the port broken. */
bool vds_port_out_send(vds_port_out *o, uint32_t type, const void *body, size_t size,
                       const char **why);
/* The service's own small message: sent now, or after the large message. */
vds_own_result vds_port_out_send_own(vds_port_out *o, const vda_body *b, const char **why);

/* A large message of `size` body bytes, written piece by piece. */
bool vds_port_out_begin(vds_port_out *o, uint32_t type, uint32_t size, const char **why);
/* Pieces beyond a message that is complete (or never began) are ignored;
 * when the last byte goes out, what waited follows. */
bool vds_port_out_write(vds_port_out *o, const void *data, size_t len, const char **why);
/* The sender is done. False (*why set, port broken) when the message ended
 * before its declared size. What waited goes out either way. */
bool vds_port_out_end(vds_port_out *o, const char **why);
/* A large message is on the wire. */
bool vds_port_out_busy(const vds_port_out *o);

#endif
