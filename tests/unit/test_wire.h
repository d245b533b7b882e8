/*
 * test_wire.h - test helpers: build wire bytes independently of the framer
 * under test, frame bodies the way the product does, and record what a
 * vda_reader delivers.
 */
#ifndef TEST_WIRE_H
#define TEST_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_builder.h"
#include "guest_caps.h"
#include "vda_caps.h"
#include "vda_framer.h"
#include "vda_reader.h"

/* c = exactly the listed VD_AGENT_CAP_* bits: each test spells out the set
 * it relies on. */
void caps_of(vda_caps *c, const unsigned *bits, size_t n);
#define CAPS_OF(c, ...)                         \
  caps_of((c), (const unsigned[]){__VA_ARGS__}, \
          sizeof((const unsigned[]){__VA_ARGS__}) / sizeof(unsigned))

typedef struct tbuf {
  uint8_t *p;
  size_t len, cap;
} tbuf;

void tbuf_put(tbuf *b, const void *data, size_t len);
void tbuf_put_le32(tbuf *b, uint32_t v);
void tbuf_free(tbuf *b);

/* Append a message on `port` as chunks of at most `chunk_max` payload bytes
 * (2048 for a conforming sender). */
void wire_msg(tbuf *b, uint32_t port, uint32_t type, const void *body, size_t len,
              size_t chunk_max);
/* Append one raw chunk header. */
void wire_chunk_header(tbuf *b, uint32_t port, uint32_t size);
/* Append a client ANNOUNCE_CAPABILITIES carrying caps (request 0): how a
 * reader learns the peer's capabilities. */
void wire_announce(tbuf *b, const vda_caps *caps);

/* Frame a small body through a vda_framer, as the service frames the
 * agent's messages (vdservice/port_out.c). */
bool frame_body(const vda_body *body, vda_emit_fn emit, void *ctx, const char **why);
/* Begin a streamed CLIPBOARD carrying data_size data bytes and write its
 * head ([selection] + type, built with vda_body_clipboard() as the agent
 * does); the caller then writes the data with vda_framer_write(). */
bool frame_clipboard_begin(vda_framer *f, const vda_negotiated *n, uint8_t selection, uint32_t type,
                           uint32_t data_size, vda_emit_fn emit, void *ctx, const char **why);

enum ev_kind { EV_MSG, EV_REJECT, EV_BEGIN, EV_DATA, EV_END, EV_ABORT };

typedef struct ev {
  enum ev_kind kind;
  unsigned port;
  uint32_t type;
  size_t size;
  const char *why;
  vda_stream_info info;
} ev;

#define REC_MAX_EVENTS 256

/* Records every callback as one event; message bodies and stream data are
 * also appended to `data`, in order. */
typedef struct recorder {
  ev events[REC_MAX_EVENTS];
  size_t n;
  size_t dropped; /* events beyond REC_MAX_EVENTS */
  tbuf data;      /* bodies and stream data, concatenated */
  uint64_t stream_bytes;
  vda_reader *reader; /* for callbacks that act on the reader */
  bool reset_client_on_disconnect;
  bool full_reset_on_data;
} recorder;

extern const vda_reader_ops recorder_ops;

void recorder_clear(recorder *r);
/* Count events of a kind. */
size_t recorder_count(const recorder *r, enum ev_kind kind);
/* Push all bytes in slices of `step` (0: all at once). Returns the last
 * status. */
vda_reader_status push_sliced(vda_reader *rd, const uint8_t *p, size_t len, size_t step,
                              const char **why);

#endif /* TEST_WIRE_H */
