/*
 * vda_framer.h - streaming framer: message bytes in, wire chunks out.
 *
 * Every message the agent sends is written as VDIChunkHeader{port 1, size}
 * + payload chunks of at most 2048 bytes (VD_AGENT_MAX_DATA_SIZE), the first
 * payload starting with the 20-byte VDAgentMessage header.  The framer needs
 * the body size up front (it is in the header) but not the body: a 100 MiB
 * clipboard can be written piece by piece as it is converted, with only one
 * 2 KiB chunk buffered.
 *
 *     vda_framer f = {0};                   // a zeroed framer is idle
 *     vda_framer_begin(&f, VD_AGENT_CLIPBOARD, size, emit, ctx, &why);
 *     vda_framer_write(&f, piece, n, &why);  ... until size bytes written
 *
 * emit receives complete chunks (header + payload) and returns false if it
 * could not send them; the message is then cut short on the wire, so the
 * caller must treat the port as broken (reopen it).  Writing more than the
 * declared size is refused before anything is emitted.
 */
#ifndef VDA_FRAMER_H
#define VDA_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_limits.h"

typedef bool (*vda_emit_fn)(void *ctx, const uint8_t *chunk, size_t len);

typedef struct vda_framer {
  uint8_t chunk[VDA_CHUNK_HEADER_SIZE + VDA_CHUNK_MAX_PAYLOAD];
  size_t fill; /* payload bytes in chunk */
  uint32_t body_size;
  uint32_t written; /* body bytes accepted so far */
  bool active;
  vda_emit_fn emit;
  void *ctx;
} vda_framer;

/* Start a message of body_size bytes on port 1. A zero-size body is emitted
 * at once. Refused while another message is in progress. */
bool vda_framer_begin(vda_framer *f, uint32_t type, uint32_t body_size, vda_emit_fn emit, void *ctx,
                      const char **why);
/* Append body bytes; emits every full chunk and the final one. */
bool vda_framer_write(vda_framer *f, const void *data, size_t len, const char **why);
/* True between begin and the last body byte. */
bool vda_framer_active(const vda_framer *f);
/* Forget a message in progress (its start may already be on the wire). */
void vda_framer_abort(vda_framer *f);

/* Bytes on the wire for a body of body_len bytes: message header, body and
 * one chunk header per 2048 payload bytes. */
uint64_t vda_wire_size(uint64_t body_len);

#endif /* VDA_FRAMER_H */
