/*
 * vda_reader.h - push-based chunk reader: port bytes in, validated messages
 * out through callbacks.
 *
 * Feed it whatever the port read returned, in any split:
 *     while (...) {
 *         size_t want = vda_reader_want(r);   // 8, then the chunk body size
 *         read exactly `want` bytes (or fewer) into buf;
 *         if (vda_reader_push(r, buf, got, &why) == VDA_READER_RESYNC) {
 *             log(why); close and reopen the port; vda_reader_reset(r);
 *         }
 *     }
 *
 * Framing (VDIChunkHeader): port must be 1 (client) or 2 (server), payload at
 * most 2048 bytes; any other value is a framing error.  Chunk payloads are
 * reassembled into messages per port, because server-made messages on port 2
 * arrive between the chunks of a client message on port 1.  A message header
 * may be split across chunks and a chunk may hold the end of one message and
 * the start of the next: each port is a byte stream.  A message whose
 * protocol field is not 1 is a framing error too (the stream is desynced).
 * There is no resync marker in the protocol: on a framing error push()
 * returns VDA_READER_RESYNC with a reason, aborts streams in progress, and
 * keeps returning RESYNC until vda_reader_reset().
 *
 * Messages (framing intact) are delivered per type:
 *   - CLIPBOARD and FILE_XFER_DATA are streamed, never buffered whole: their
 *     fixed prefix (selection/type; id/size) is collected and validated, then
 *     on_stream_begin, on_stream_data for each piece as it arrives (pointers
 *     into the pushed buffer: zero copy), on_stream_end.  Their size is
 *     bounded by vda_clipboard_limit() (configured max and the client's
 *     MAX_CLIPBOARD) and by limits.max_file_piece.
 *   - every other type is buffered (bounded by its protocol/configured
 *     maximum, see vda_validate.h), fully validated against the negotiated
 *     capabilities, and delivered through on_message.
 *   - a message that fails validation, has an unknown type, arrives on the
 *     wrong port (server-made types only on port 2, all others only on port
 *     1), or whose header size is already out of bounds goes to on_rejected
 *     with a reason; its remaining bytes are skipped without being buffered.
 *
 * Capabilities: the reader is created with ours.  It records the peer's
 * capabilities itself when it delivers a valid ANNOUNCE_CAPABILITIES, and the
 * client's limit when it delivers a valid MAX_CLIPBOARD, so the following
 * messages are validated with the right prefixes and limits.  The caller can
 * read the view back (vda_reader_negotiated) to build replies.
 *
 * Callbacks (all optional) may call vda_reader_reset_client(),
 * vda_reader_reset(), vda_reader_set_*(); a reset from a callback drops the
 * rest of the bytes of the push that made the call.  They must not call
 * vda_reader_push() or vda_reader_free().  Pointers passed to callbacks are
 * valid only during the call.  The reader never logs.
 */
#ifndef VDA_READER_H
#define VDA_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_caps.h"
#include "vda_limits.h"

typedef enum vda_reader_status {
  VDA_READER_OK = 0,
  VDA_READER_RESYNC = 1, /* framing lost: reopen the port, then reset */
} vda_reader_status;

/* What on_stream_begin learns: the header and the validated prefix. */
typedef struct vda_stream_info {
  unsigned port;           /* 1 or 2 */
  uint32_t type;           /* VD_AGENT_CLIPBOARD or VD_AGENT_FILE_XFER_DATA */
  uint32_t body_size;      /* VDAgentMessage.size */
  uint64_t data_size;      /* bytes that on_stream_data will deliver */
  uint8_t selection;       /* CLIPBOARD: selection (0 without prefix) */
  uint32_t clipboard_type; /* CLIPBOARD: VD_AGENT_CLIPBOARD_* */
  uint32_t xfer_id;        /* FILE_XFER_DATA: transfer id */
} vda_stream_info;

typedef struct vda_reader_ops {
  /* A complete, validated, non-streamed message. body is never NULL (it
     * points to no readable byte when size is 0). */
  void (*on_message)(void *ctx, unsigned port, uint32_t type, const uint8_t *body, size_t size);
  /* A message dropped with framing intact (type may be unknown). */
  void (*on_rejected)(void *ctx, unsigned port, uint32_t type, uint32_t size, const char *why);
  void (*on_stream_begin)(void *ctx, const vda_stream_info *info);
  void (*on_stream_data)(void *ctx, unsigned port, const uint8_t *data, size_t len);
  void (*on_stream_end)(void *ctx, unsigned port);
  /* A begun stream will never end: framing error or reset. */
  void (*on_stream_abort)(void *ctx, unsigned port, const char *why);
} vda_reader_ops;

typedef struct vda_reader vda_reader;

/* ours: our announced capabilities (copied). lim: NULL for defaults (copied).
 * Returns NULL when out of memory. */
vda_reader *vda_reader_new(const vda_reader_ops *ops, void *ctx, const vda_caps *ours,
                           const vda_limits *lim);
void vda_reader_free(vda_reader *r);

/* Bytes to read next: the rest of a chunk header (8 at a chunk boundary) or
 * the rest of the current chunk payload.  0 after a framing error until
 * vda_reader_reset(). */
size_t vda_reader_want(const vda_reader *r);

/* Bytes worth asking for when a read may end at a pause: the rest of the
 * current chunk (or chunk header) and of the longest message in progress,
 * with a chunk header per 2048 bytes of it (the chunk size every SPICE
 * client uses), plus one chunk of the message that follows (large messages
 * come in runs). Just vda_reader_want() when no message is in progress, so
 * small messages never wait for a pause. The service's port compares the
 * two: more than vda_reader_want() means a large message is in progress,
 * and it then asks for a whole buffer (reads that ended at this estimate
 * were measurably slower under Wine, see vds_port_update_reading). */
size_t vda_reader_expected(const vda_reader *r);

/* Consume len bytes (any split). On RESYNC, *why (if why non-NULL) gets a
 * static reason. */
vda_reader_status vda_reader_push(vda_reader *r, const void *data, size_t len, const char **why);

/* Port reopened: forget both ports, the chunk in progress, the peer's
 * capabilities and MAX_CLIPBOARD.  Streams in progress get on_stream_abort. */
void vda_reader_reset(vda_reader *r);
/* CLIENT_DISCONNECTED: forget port 1 reassembly (the rest of a client
 * message will never come), the peer's capabilities and MAX_CLIPBOARD.
 * Port 2 and the chunk framing are untouched. */
void vda_reader_reset_client(vda_reader *r);

void vda_reader_set_limits(vda_reader *r, const vda_limits *lim);
void vda_reader_set_ours(vda_reader *r, const vda_caps *ours);
/* The peer's side is learnt only from ANNOUNCE_CAPABILITIES, as delivered. */
const vda_negotiated *vda_reader_negotiated(const vda_reader *r);

#endif /* VDA_READER_H */
