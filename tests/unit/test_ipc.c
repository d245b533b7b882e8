/* Service <-> agent frames: round trips in any split, and refusals. */
#include <stdlib.h>
#include <string.h>

#include "vda_ipc.h"
#include "vda_le.h"
#include "vda_test.h"

typedef struct seen {
  unsigned frames;
  uint32_t type[8];
  size_t size[8];
  uint8_t first[8];
} seen;

static void on_frame(void *ctx, uint32_t type, const uint8_t *payload, size_t size)
{
  seen *s = ctx;
  if (s->frames < 8) {
    s->type[s->frames] = type;
    s->size[s->frames] = size;
    s->first[s->frames] = size ? payload[0] : 0;
  }
  s->frames++;
}

static size_t frame(uint8_t *out, uint32_t type, const void *payload, size_t size)
{
  CHECK(vda_ipc_header(out, type, size));
  if (size)
    memcpy(out + VDA_IPC_HEADER_SIZE, payload, size);
  return VDA_IPC_HEADER_SIZE + size;
}

static void test_round_trip_any_split(void)
{
  uint8_t wire[256];
  uint8_t ping[4], hello[12], msg[9] = {0};
  size_t n = 0;
  vda_put_le32(ping, 77);
  vda_put_le32(hello, VDA_IPC_VERSION);
  vda_put_le32(hello + 4, 0x3f);
  vda_put_le32(hello + 8, 0);
  vda_put_le32(msg, 2);
  msg[4] = 0xab;
  n += frame(wire + n, VDA_IPC_PING, ping, 4);
  n += frame(wire + n, VDA_IPC_HELLO, hello, 12);
  n += frame(wire + n, VDA_IPC_END, NULL, 0);
  n += frame(wire + n, VDA_IPC_MESSAGE, msg, 9);

  for (size_t split = 1; split <= n; split++) {
    vda_ipc_decoder d;
    seen s = {0};
    const char *why = NULL;
    CHECK(vda_ipc_decoder_init(&d, on_frame, &s));
    for (size_t off = 0; off < n; off += split) {
      size_t len = n - off < split ? n - off : split;
      CHECK(vda_ipc_decoder_push(&d, wire + off, len, &why));
    }
    CHECK_EQ(s.frames, 4);
    CHECK_EQ(s.type[0], VDA_IPC_PING);
    CHECK_EQ(s.type[1], VDA_IPC_HELLO);
    CHECK_EQ(s.size[1], 12);
    CHECK_EQ(s.type[2], VDA_IPC_END);
    CHECK_EQ(s.size[2], 0);
    CHECK_EQ(s.type[3], VDA_IPC_MESSAGE);
    CHECK_EQ(s.first[3], 2);
    CHECK_EQ(vda_ipc_decoder_want(&d), VDA_IPC_HEADER_SIZE);
    vda_ipc_decoder_free(&d);
  }
}

static void expect_broken(const uint8_t *wire, size_t n)
{
  vda_ipc_decoder d;
  seen s = {0};
  const char *why = NULL;
  CHECK(vda_ipc_decoder_init(&d, on_frame, &s));
  CHECK_REFUSED(vda_ipc_decoder_push(&d, wire, n, &why), why);
  CHECK_EQ(s.frames, 0);
  CHECK_EQ(vda_ipc_decoder_want(&d), 0);
  /* Broken stays broken: the connection is closed, never resynced. */
  CHECK_REFUSED(vda_ipc_decoder_push(&d, wire, 1, &why), why);
  CHECK_EQ(vda_ipc_decoder_want(&d), 0);
  vda_ipc_decoder_free(&d);
}

static void test_refusals(void)
{
  uint8_t wire[64] = {0};
  uint8_t payload[32] = {0};

  /* unknown type */
  vda_put_le32(wire, 0);
  expect_broken(wire, 8);
  vda_put_le32(wire, VDA_IPC_TYPE_END);
  expect_broken(wire, 8);
  /* oversized: refused at the header, before any payload is read */
  vda_put_le32(wire, VDA_IPC_DATA);
  vda_put_le32(wire + 4, VDA_IPC_MAX_PAYLOAD + 1);
  expect_broken(wire, 8);
  /* payload checks: one byte short and one long of each fixed size */
  frame(wire, VDA_IPC_PING, payload, 3);
  expect_broken(wire, 11);
  frame(wire, VDA_IPC_PING, payload, 5);
  expect_broken(wire, 13);
  frame(wire, VDA_IPC_STREAM_BEGIN, payload, VDA_IPC_STREAM_BEGIN_SIZE - 1);
  expect_broken(wire, 8 + VDA_IPC_STREAM_BEGIN_SIZE - 1);
  frame(wire, VDA_IPC_STREAM_BEGIN, payload, VDA_IPC_STREAM_BEGIN_SIZE + 1);
  expect_broken(wire, 8 + VDA_IPC_STREAM_BEGIN_SIZE + 1);
  frame(wire, VDA_IPC_OUT_BEGIN, payload, 7);
  expect_broken(wire, 15);
  frame(wire, VDA_IPC_MESSAGE, payload, 3);
  expect_broken(wire, 11);
  frame(wire, VDA_IPC_DATA, payload, 0);
  expect_broken(wire, 8);
  frame(wire, VDA_IPC_END, payload, 1);
  expect_broken(wire, 9);
  /* hello with a wrong version, and with a partial capability word */
  vda_put_le32(payload, VDA_IPC_VERSION + 1);
  frame(wire, VDA_IPC_HELLO, payload, 8);
  expect_broken(wire, 16);
  vda_put_le32(payload, VDA_IPC_VERSION);
  frame(wire, VDA_IPC_HELLO, payload, 7);
  expect_broken(wire, 15);
  CHECK(!vda_ipc_header(wire, VDA_IPC_DATA, VDA_IPC_MAX_PAYLOAD + 1));
  CHECK(!vda_ipc_header(wire, 0, 1));
}

static void test_stream_begin_codec(void)
{
  vda_ipc_stream_begin in = {.vd_type = 4,
                             .body_size = 123456,
                             .data_size = 0x123456789ull,
                             .clipboard_type = 2,
                             .xfer_id = 9,
                             .selection = 1};
  vda_ipc_stream_begin out;
  uint8_t buf[VDA_IPC_STREAM_BEGIN_SIZE];
  vda_ipc_stream_begin_encode(buf, &in);
  vda_ipc_stream_begin_decode(buf, &out);
  CHECK_EQ(out.vd_type, 4);
  CHECK_EQ(out.body_size, 123456);
  CHECK_EQ(out.data_size, 0x123456789ull);
  CHECK_EQ(out.clipboard_type, 2);
  CHECK_EQ(out.xfer_id, 9);
  CHECK_EQ(out.selection, 1);
}

int main(void)
{
  RUN_TEST(test_round_trip_any_split);
  RUN_TEST(test_refusals);
  RUN_TEST(test_stream_begin_codec);
  return vda_test_report("ipc");
}
