/*
 * vda_ipc.h - frames between vdservice and vdagent.
 *
 * The service owns the virtio port; the session agent talks to it over a
 * private pipe (see docs/ARCHITECTURE.md). On that pipe everything travels
 * as frames: a header {u32 type; u32 size} (little-endian) and `size`
 * payload bytes, size <= VDA_IPC_MAX_PAYLOAD. Frames carry whole, already
 * validated agent-protocol messages, or the pieces of a streamed one, or
 * control traffic (hello, heartbeat, session state).
 *
 * Payloads:
 *   HELLO        agent->svc  u32 version, u32 caps[]        (agent's capabilities)
 *   HELLO_ACK    svc->agent  u32 version, u32 caps[]        (service's capabilities)
 *   PING / PONG  both        u32 sequence
 *   MESSAGE      both        u32 vd_type, body              (one whole message)
 *   STREAM_BEGIN svc->agent  u32 vd_type, u32 body_size, u64 data_size,
 *                            u32 clipboard_type, u32 xfer_id, u8 selection
 *   OUT_BEGIN    agent->svc  u32 vd_type, u32 body_size     (a large message follows)
 *   DATA         both        raw bytes of the stream in progress
 *   END          both        (empty) the stream is complete
 *   ABORT        both        (empty) the stream will not complete
 *   SESSION      svc->agent  u32 flags (VDA_IPC_SESSION_*)
 *
 * The decoder is push-based like vda_reader: vda_ipc_decoder_want() says how
 * many bytes to read next, any split is accepted, and a broken frame (unknown
 * type, oversized or malformed payload) is an error after which the pipe is
 * dropped: both ends are ours, so a broken frame means a broken peer.
 */
#ifndef VDA_IPC_H
#define VDA_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDA_IPC_VERSION 1u
#define VDA_IPC_HEADER_SIZE 8u
/* Large enough for every small agent message (the biggest validated one is
 * GRAPHICS_DEVICE_INFO at 64 KiB by default) plus a 64 KiB data piece. */
#define VDA_IPC_MAX_PAYLOAD (128u * 1024u)

typedef enum vda_ipc_type {
  VDA_IPC_HELLO = 1,
  VDA_IPC_HELLO_ACK = 2,
  VDA_IPC_PING = 3,
  VDA_IPC_PONG = 4,
  VDA_IPC_MESSAGE = 5,
  VDA_IPC_STREAM_BEGIN = 6,
  VDA_IPC_OUT_BEGIN = 7,
  VDA_IPC_DATA = 8,
  VDA_IPC_END = 9,
  VDA_IPC_ABORT = 10,
  VDA_IPC_SESSION = 11,
  VDA_IPC_TYPE_END
} vda_ipc_type;

#define VDA_IPC_SESSION_LOCKED 1u

typedef void (*vda_ipc_frame_fn)(void *ctx, uint32_t type, const uint8_t *payload, size_t size);

typedef struct vda_ipc_decoder {
  uint8_t header[VDA_IPC_HEADER_SIZE];
  size_t have; /* bytes of the current header or payload collected */
  uint32_t type;
  uint32_t size;
  bool in_payload;
  bool broken;
  uint8_t *payload; /* VDA_IPC_MAX_PAYLOAD bytes, allocated once */
  vda_ipc_frame_fn on_frame;
  void *ctx;
} vda_ipc_decoder;

/* Returns false when out of memory. */
bool vda_ipc_decoder_init(vda_ipc_decoder *d, vda_ipc_frame_fn on_frame, void *ctx);
void vda_ipc_decoder_free(vda_ipc_decoder *d);
/* Bytes to read next (the rest of a header or payload); 0 once broken. */
size_t vda_ipc_decoder_want(const vda_ipc_decoder *d);
/* Consume bytes; every complete frame goes to on_frame. Returns false (with
 * a static reason) when the stream is broken. */
bool vda_ipc_decoder_push(vda_ipc_decoder *d, const void *data, size_t len, const char **why);

/* Writes a frame header for a payload of `size` bytes. Returns false when
 * size is over VDA_IPC_MAX_PAYLOAD or the type is unknown. */
bool vda_ipc_header(uint8_t out[VDA_IPC_HEADER_SIZE], uint32_t type, size_t size);

/* Payload checks shared by both ends. */
bool vda_ipc_check_payload(uint32_t type, const uint8_t *payload, size_t size, const char **why);

typedef struct vda_ipc_stream_begin {
  uint32_t vd_type;
  uint32_t body_size;
  uint64_t data_size;
  uint32_t clipboard_type;
  uint32_t xfer_id;
  uint8_t selection;
} vda_ipc_stream_begin;

#define VDA_IPC_STREAM_BEGIN_SIZE 25u
void vda_ipc_stream_begin_encode(uint8_t out[VDA_IPC_STREAM_BEGIN_SIZE],
                                 const vda_ipc_stream_begin *b);
void vda_ipc_stream_begin_decode(const uint8_t in[VDA_IPC_STREAM_BEGIN_SIZE],
                                 vda_ipc_stream_begin *b);

#endif /* VDA_IPC_H */
