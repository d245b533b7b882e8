/* test_builder.c - framer chunking, body builders, and round trips through
 * the validators and the reader. */
#include <stdlib.h>
#include <string.h>

#include "test_wire.h"
#include "vda_builder.h"
#include "vda_le.h"
#include "vda_test.h"
#include "vda_validate.h"

static const char *why;
static vda_negotiated N0, NX;

static void setup(void)
{
  vda_caps ours, peer;
  CAPS_OF(&ours, GUEST_CAPS);
  vda_negotiated_init(&N0, &ours);
  vda_caps_init(&peer);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_SELECTION);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  vda_caps_set(&peer, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
  vda_negotiated_init(&NX, &ours);
  vda_negotiated_set_peer(&NX, &peer);
}

struct sink {
  tbuf out;
  size_t chunks;
  size_t fail_after; /* 0: never fail */
};

static bool sink_emit(void *ctx, const uint8_t *chunk, size_t len)
{
  struct sink *s = ctx;
  if (s->fail_after && s->chunks == s->fail_after)
    return false;
  s->chunks++;
  tbuf_put(&s->out, chunk, len);
  return true;
}

/* Walk the chunks: port 1, <= 2048, all but the last full; reassemble. */
static void check_chunks(const tbuf *w, uint32_t type, const uint8_t *body, size_t len)
{
  tbuf payload = {0};
  size_t off = 0;
  while (off + 8 <= w->len) {
    uint32_t port = vda_le32(w->p + off);
    uint32_t size = vda_le32(w->p + off + 4);
    CHECK_EQ(port, 1);
    CHECK(size <= 2048 && size > 0);
    CHECK(off + 8 + size <= w->len);
    if (off + 8 + size < w->len)
      CHECK_EQ(size, 2048);
    if (off + 8 + size > w->len)
      break;
    tbuf_put(&payload, w->p + off + 8, size);
    off += 8 + size;
  }
  CHECK_EQ(off, w->len);
  CHECK_EQ(w->len, vda_wire_size(len));
  CHECK_EQ(payload.len, 20 + len);
  if (payload.len == 20 + len) {
    CHECK_EQ(vda_le32(payload.p), 1);
    CHECK_EQ(vda_le32(payload.p + 4), type);
    CHECK_EQ(vda_le64(payload.p + 8), 0);
    CHECK_EQ(vda_le32(payload.p + 16), len);
    CHECK(len == 0 || memcmp(payload.p + 20, body, len) == 0);
  }
  tbuf_free(&payload);
}

static void test_framer_sizes(void)
{
  static const size_t sizes[] = {0, 1, 2027, 2028, 2029, 4076, 4077, 70000};
  uint8_t *body = malloc(70000);
  for (size_t i = 0; i < 70000; i++)
    body[i] = (uint8_t)(i * 13);
  for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
    struct sink s = {{0}, 0, 0};
    vda_framer f = {0};
    size_t len = sizes[k], off = 0, step = 1 + k * 997;
    CHECK_ACCEPTED(vda_framer_begin(&f, VD_AGENT_CLIPBOARD, (uint32_t)len, sink_emit, &s, &why),
                   why);
    while (off < len) {
      size_t n = len - off < step ? len - off : step;
      CHECK_ACCEPTED(vda_framer_write(&f, body + off, n, &why), why);
      off += n;
    }
    CHECK(!vda_framer_active(&f));
    check_chunks(&s.out, VD_AGENT_CLIPBOARD, body, len);
    tbuf_free(&s.out);
  }
  free(body);
}

static void test_framer_misuse(void)
{
  struct sink s = {{0}, 0, 0};
  vda_framer f = {0};
  uint8_t body[5000] = {0};
  CHECK_REFUSED(vda_framer_write(&f, body, 1, &why), why);
  CHECK_ACCEPTED(vda_framer_begin(&f, 4, 10, sink_emit, &s, &why), why);
  CHECK_REFUSED(vda_framer_begin(&f, 4, 10, sink_emit, &s, &why), why);
  /* Past the declared size: refused before anything is emitted. */
  CHECK_REFUSED(vda_framer_write(&f, body, 11, &why), why);
  CHECK_EQ(s.chunks, 0);
  CHECK(vda_framer_active(&f));
  vda_framer_abort(&f);
  CHECK(!vda_framer_active(&f));
  /* Emit failure: reported, framer idle. */
  s.fail_after = 1;
  CHECK_ACCEPTED(vda_framer_begin(&f, 4, 5000, sink_emit, &s, &why), why);
  CHECK_REFUSED(vda_framer_write(&f, body, 5000, &why), why);
  CHECK(!vda_framer_active(&f));
  CHECK_EQ(s.chunks, 1);
  tbuf_free(&s.out);
}

static void check_body_valid(const vda_body *b, const vda_negotiated *n)
{
  CHECK_ACCEPTED(vda_validate_message(b->type, b->data, b->len, n, NULL, &why), why);
}

static void test_bodies(void)
{
  vda_body b;
  vda_caps c;
  uint32_t req = 0;
  static const uint32_t types[] = {VD_AGENT_CLIPBOARD_UTF8_TEXT, VD_AGENT_CLIPBOARD_IMAGE_PNG};
  uint32_t many[VDA_MAX_GRAB_TYPES + 1] = {0};
  setup();
  vda_body_announce_caps(&b, &N0.ours, true);
  CHECK_EQ(b.len, 4 + 4 * VD_AGENT_CAPS_SIZE);
  CHECK_ACCEPTED(vda_caps_parse(b.data, b.len, &c, &req, &why), why);
  CHECK_EQ(req, 1);
  CHECK(memcmp(&c, &N0.ours, sizeof(c)) == 0);
  vda_body_reply(&b, VD_AGENT_MONITORS_CONFIG, VD_AGENT_SUCCESS);
  CHECK_EQ(b.len, 8);
  check_body_valid(&b, &N0);

  CHECK_ACCEPTED(vda_body_clipboard_grab(&b, &N0, 0, 5, types, 2, &why), why);
  CHECK_EQ(b.len, 8);
  check_body_valid(&b, &N0);
  CHECK_ACCEPTED(vda_body_clipboard_grab(&b, &NX, 0, 5, types, 2, &why), why);
  CHECK_EQ(b.len, 16);
  CHECK_EQ(vda_le32(b.data + 4), 5);
  check_body_valid(&b, &NX);
  CHECK_REFUSED(vda_body_clipboard_grab(&b, &N0, 1, 5, types, 2, &why), why);
  CHECK_REFUSED(vda_body_clipboard_grab(&b, &NX, 0, 5, many, VDA_MAX_GRAB_TYPES + 1, &why), why);
  CHECK_ACCEPTED(vda_body_clipboard_grab(&b, &NX, 0, 5, many, VDA_MAX_GRAB_TYPES, &why), why);

  CHECK_ACCEPTED(vda_body_clipboard_request(&b, &NX, 1, 1, &why), why);
  CHECK_EQ(b.len, 8);
  CHECK_EQ(b.data[0], 1);
  check_body_valid(&b, &NX);
  CHECK_REFUSED(vda_body_clipboard_request(&b, &N0, 1, 1, &why), why);
  CHECK_REFUSED(vda_body_clipboard_request(&b, &NX, 3, 1, &why), why);
  CHECK_ACCEPTED(vda_body_clipboard_release(&b, &N0, 0, &why), why);
  CHECK_EQ(b.len, 0);
  check_body_valid(&b, &N0);
  CHECK_ACCEPTED(vda_body_clipboard_release(&b, &NX, 2, &why), why);
  CHECK_EQ(b.len, 4);
  check_body_valid(&b, &NX);
  CHECK_ACCEPTED(vda_body_clipboard(&b, &NX, 1, VD_AGENT_CLIPBOARD_NONE, NULL, 0, &why), why);
  CHECK_EQ(b.len, 8);
  check_body_valid(&b, &NX);
  CHECK_REFUSED(vda_body_clipboard(&b, &NX, 0, 1, many, VDA_BODY_MAX, &why), why);
}

static void test_xfer_status_bodies(void)
{
  vda_body b;
  setup();
  /* Without detailed errors: downgraded to ERROR, no detail. */
  vda_body_xfer_status(&b, &N0, 9, VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED);
  CHECK_EQ(b.len, 8);
  CHECK_EQ(vda_le32(b.data + 4), VD_AGENT_FILE_XFER_STATUS_ERROR);
  check_body_valid(&b, &N0);
  vda_body_xfer_status_no_space(&b, &N0, 9, 1234);
  CHECK_EQ(b.len, 8);
  CHECK_EQ(vda_le32(b.data + 4), VD_AGENT_FILE_XFER_STATUS_ERROR);
  vda_body_xfer_status_error(&b, &N0, 9, 13);
  CHECK_EQ(b.len, 8);
  check_body_valid(&b, &N0);
  /* With them. */
  vda_body_xfer_status(&b, &NX, 9, VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED);
  CHECK_EQ(vda_le32(b.data + 4), VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED);
  check_body_valid(&b, &NX);
  vda_body_xfer_status_no_space(&b, &NX, 9, 1234);
  CHECK_EQ(b.len, 16);
  CHECK_EQ(vda_le64(b.data + 8), 1234);
  check_body_valid(&b, &NX);
  vda_body_xfer_status_error(&b, &NX, 9, 13);
  CHECK_EQ(b.len, 13);
  CHECK_EQ(b.data[8], VD_AGENT_FILE_XFER_STATUS_ERROR_GLIB_IO);
  CHECK_EQ(vda_le32(b.data + 9), 13);
  check_body_valid(&b, &NX);
  vda_body_xfer_status(&b, &N0, 9, VD_AGENT_FILE_XFER_STATUS_SUCCESS);
  CHECK_EQ(vda_le32(b.data + 4), VD_AGENT_FILE_XFER_STATUS_SUCCESS);
}

static void test_build_message(void)
{
  uint8_t out[64];
  size_t len = 0;
  uint8_t body[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  tbuf w = {0};
  CHECK_ACCEPTED(vda_build_message(VD_AGENT_REPLY, body, 8, out, sizeof(out), &len, &why), why);
  CHECK_EQ(len, 8 + 20 + 8);
  tbuf_put(&w, out, len);
  check_chunks(&w, VD_AGENT_REPLY, body, 8);
  CHECK_REFUSED(vda_build_message(VD_AGENT_REPLY, body, 8, out, 35, &len, &why), why);
  tbuf_free(&w);
}

/* A streamed clipboard (head built as the agent builds it) read back by the
 * reader once the client has announced selections. */
static void test_clipboard_round_trip(void)
{
  struct sink s = {{0}, 0, 0};
  vda_framer f = {0};
  recorder rec;
  vda_reader *r;
  tbuf announce = {0};
  size_t len = 100000, off = 0;
  uint8_t *data = malloc(len);
  setup();
  for (size_t i = 0; i < len; i++)
    data[i] = (uint8_t)(i ^ (i >> 8));
  CHECK_ACCEPTED(frame_clipboard_begin(&f, &NX, 0, VD_AGENT_CLIPBOARD_UTF8_TEXT, (uint32_t)len,
                                       sink_emit, &s, &why),
                 why);
  while (off < len) {
    size_t n = len - off < 3333 ? len - off : 3333;
    CHECK_ACCEPTED(vda_framer_write(&f, data + off, n, &why), why);
    off += n;
  }
  memset(&rec, 0, sizeof(rec));
  r = vda_reader_new(&recorder_ops, &rec, &NX.ours, NULL);
  wire_announce(&announce, &NX.peer);
  CHECK_EQ(push_sliced(r, announce.p, announce.len, 0, &why), VDA_READER_OK);
  CHECK(vda_use_selection(vda_reader_negotiated(r)));
  recorder_clear(&rec);
  CHECK_EQ(push_sliced(r, s.out.p, s.out.len, 777, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 1);
  CHECK_EQ(recorder_count(&rec, EV_END), 1);
  CHECK_EQ(rec.data.len, len);
  CHECK(rec.data.len == len && memcmp(rec.data.p, data, len) == 0);
  vda_reader_free(r);
  tbuf_free(&announce);
  tbuf_free(&rec.data);
  tbuf_free(&s.out);
  free(data);
}

/* Bodies framed as the service frames them, then the reader delivers them. */
static void test_framed_bodies_read_back(void)
{
  struct sink s = {{0}, 0, 0};
  vda_body b;
  recorder rec;
  vda_reader *r;
  setup();
  vda_body_reply(&b, VD_AGENT_DISPLAY_CONFIG, VD_AGENT_ERROR);
  CHECK_ACCEPTED(frame_body(&b, sink_emit, &s, &why), why);
  CHECK_ACCEPTED(vda_body_clipboard_release(&b, &N0, 0, &why), why);
  CHECK_ACCEPTED(frame_body(&b, sink_emit, &s, &why), why);
  CHECK_EQ(s.chunks, 2);
  memset(&rec, 0, sizeof(rec));
  r = vda_reader_new(&recorder_ops, &rec, &N0.ours, NULL);
  CHECK_EQ(push_sliced(r, s.out.p, s.out.len, 0, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 2);
  vda_reader_free(r);
  tbuf_free(&rec.data);
  tbuf_free(&s.out);
}

int main(void)
{
  RUN_TEST(test_framer_sizes);
  RUN_TEST(test_framer_misuse);
  RUN_TEST(test_bodies);
  RUN_TEST(test_xfer_status_bodies);
  RUN_TEST(test_build_message);
  RUN_TEST(test_clipboard_round_trip);
  RUN_TEST(test_framed_bodies_read_back);
  return vda_test_report("test_builder");
}
