/* test_reader.c - chunk framing, per-port reassembly, streaming, rejection
 * and resets of vda_reader. */
#include <stdlib.h>
#include <string.h>

#include "test_wire.h"
#include "vda_le.h"
#include "vda_test.h"
#include "vda_validate.h"

static const char *why;
static recorder rec;

static vda_reader *new_reader(const vda_limits *lim)
{
  vda_caps ours;
  vda_reader *r;
  CAPS_OF(&ours, GUEST_CAPS);
  memset(&rec, 0, sizeof(rec));
  r = vda_reader_new(&recorder_ops, &rec, &ours, lim);
  rec.reader = r;
  return r;
}

static void done(vda_reader *r)
{
  vda_reader_free(r);
  tbuf_free(&rec.data);
}

/* spice-gtk's ANNOUNCE_CAPABILITIES body (selection, serial, detailed...). */
static size_t gtk_caps(uint8_t *b)
{
  uint32_t w = 0;
  static const unsigned gtk[] = {0, 1, 2, 4, 5, 6, 12, 14, 16, 17};
  for (size_t i = 0; i < sizeof(gtk) / sizeof(gtk[0]); i++)
    w |= 1u << gtk[i];
  vda_put_le32(b, 1);
  vda_put_le32(b + 4, w);
  return 8;
}

static void build_mixed(tbuf *w)
{
  uint8_t b[64];
  memset(b, 0, sizeof(b));
  wire_msg(w, 1, VD_AGENT_ANNOUNCE_CAPABILITIES, b, gtk_caps(b), 2048);
  vda_put_le32(b, 10);
  vda_put_le32(b + 4, 20);
  wire_msg(w, 2, VD_AGENT_MOUSE_STATE, b, 13, 2048);
  vda_put_le32(b, 1);
  vda_put_le32(b + 4, 0);
  vda_put_le32(b + 8, 600);
  vda_put_le32(b + 12, 800);
  wire_msg(w, 1, VD_AGENT_MONITORS_CONFIG, b, 28, 2048);
  memset(b, 0, 8);
  wire_msg(w, 1, VD_AGENT_CLIPBOARD_RELEASE, b, 4, 2048); /* selection now */
  wire_msg(w, 2, VD_AGENT_CLIENT_DISCONNECTED, NULL, 0, 2048);
}

static void check_mixed(void)
{
  CHECK_EQ(rec.n, 5);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 5);
  if (rec.n == 5) {
    CHECK_EQ(rec.events[0].type, VD_AGENT_ANNOUNCE_CAPABILITIES);
    CHECK_EQ(rec.events[1].type, VD_AGENT_MOUSE_STATE);
    CHECK_EQ(rec.events[1].port, 2);
    CHECK_EQ(rec.events[2].type, VD_AGENT_MONITORS_CONFIG);
    CHECK_EQ(rec.events[2].size, 28);
    CHECK_EQ(rec.events[3].type, VD_AGENT_CLIPBOARD_RELEASE);
    CHECK_EQ(rec.events[4].type, VD_AGENT_CLIENT_DISCONNECTED);
  }
}

static void test_any_split(void)
{
  tbuf w = {0};
  build_mixed(&w);
  for (size_t step = 0; step < 40; step++) {
    vda_reader *r = new_reader(NULL);
    CHECK_EQ(push_sliced(r, w.p, w.len, step, &why), VDA_READER_OK);
    check_mixed();
    CHECK_EQ(vda_reader_want(r), 8);
    done(r);
  }
  tbuf_free(&w);
}

static void test_want_exact_reads(void)
{
  tbuf w = {0};
  size_t off = 0, reads = 0;
  vda_reader *r = new_reader(NULL);
  build_mixed(&w);
  /* Reading exactly what want() asks for: header, body, header, ... */
  while (off < w.len) {
    size_t n = vda_reader_want(r);
    CHECK(n > 0);
    if (reads % 2 == 0)
      CHECK_EQ(n, 8);
    else
      CHECK_EQ(n, vda_le32(w.p + off - 4));
    CHECK_EQ(vda_reader_push(r, w.p + off, n, &why), VDA_READER_OK);
    off += n;
    reads++;
  }
  CHECK_EQ(reads, 10);
  check_mixed();
  done(r);
  tbuf_free(&w);
}

/* A read that may take what vda_reader_expected() names (the port's
 * gathering reads) takes a large message whole and at most the next
 * message's first chunk with it (more would wait for a pause), and reads
 * small messages exactly. */
static void test_expected_reads(void)
{
  tbuf w = {0};
  uint8_t b[64] = {0};
  size_t off = 0, reads = 0, ends[2], big = 200008;
  uint8_t *clip = calloc(1, big);
  vda_reader *r = new_reader(NULL);

  CHECK(clip != NULL);
  if (!clip)
    return;
  wire_msg(&w, 1, VD_AGENT_ANNOUNCE_CAPABILITIES, b, gtk_caps(b), 2048);
  CHECK_EQ(vda_reader_expected(r), 8); /* nothing in progress: exact */
  CHECK_EQ(vda_reader_push(r, w.p, w.len, &why), VDA_READER_OK);
  off = w.len;
  clip[0] = VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD;
  vda_put_le32(clip + 4, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  /* Two large messages in a row, then a small one. */
  for (int i = 0; i < 2; i++) {
    wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, big, 2048);
    ends[i] = w.len;
  }
  vda_put_le32(b, 10);
  wire_msg(&w, 2, VD_AGENT_MOUSE_STATE, b, 13, 2048);
  while (off < w.len) {
    size_t n = vda_reader_expected(r), end = off < ends[0] ? ends[0] : ends[1];
    CHECK(n >= vda_reader_want(r));
    if (n > 65536)
      n = 65536;
    if (off < ends[1])
      CHECK(off + n <= end + 8 + 2048);
    else
      CHECK_EQ(n, vda_reader_want(r));
    if (off + n > w.len)
      n = w.len - off; /* the pause ends the read */
    CHECK_EQ(vda_reader_push(r, w.p + off, n, &why), VDA_READER_OK);
    off += n;
    reads++;
  }
  /* Chunk header and first chunk (it carries the message header), then
   * 64 KiB at a time: 4 reads for the rest of the first message and the
   * second's first chunk, 4 for the rest of the second with the mouse
   * message. */
  CHECK_EQ(reads, 2 + 4 + 4);
  CHECK_EQ(recorder_count(&rec, EV_END), 2);
  CHECK_EQ(rec.stream_bytes, 2 * (big - 8));
  CHECK_EQ(rec.events[rec.n - 1].type, VD_AGENT_MOUSE_STATE);
  done(r);
  free(clip);
  tbuf_free(&w);
}

static void test_header_split_across_chunks(void)
{
  tbuf w = {0};
  uint8_t b[13] = {0};
  vda_reader *r = new_reader(NULL);
  /* Tiny chunks split even the 20-byte message header. */
  wire_msg(&w, 2, VD_AGENT_MOUSE_STATE, b, 13, 7);
  wire_chunk_header(&w, 1, 0); /* an empty chunk is harmless */
  CHECK_EQ(push_sliced(r, w.p, w.len, 3, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 1);
  done(r);
  tbuf_free(&w);
}

static void test_interleaved_ports(void)
{
  tbuf one = {0}, w = {0};
  uint8_t *body = malloc(5000);
  uint8_t ms[13] = {0};
  size_t off = 0;
  int chunk = 0;
  vda_reader *r = new_reader(NULL);
  vda_put_le32(body, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  for (size_t i = 4; i < 5000; i++)
    body[i] = (uint8_t)i;
  wire_msg(&one, 1, VD_AGENT_CLIPBOARD, body, 5000, 2048);
  /* Copy the clipboard chunks, putting a port-2 MOUSE_STATE after each. */
  while (off < one.len) {
    size_t n = 8 + vda_le32(one.p + off + 4);
    tbuf_put(&w, one.p + off, n);
    off += n;
    vda_put_le32(ms, (uint32_t)chunk++);
    wire_msg(&w, 2, VD_AGENT_MOUSE_STATE, ms, 13, 2048);
  }
  CHECK_EQ(push_sliced(r, w.p, w.len, 0, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 1);
  CHECK_EQ(recorder_count(&rec, EV_END), 1);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 3);
  CHECK_EQ(rec.stream_bytes, 4996);
  CHECK_EQ(rec.events[0].kind, EV_BEGIN);
  CHECK_EQ(rec.events[0].info.clipboard_type, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  CHECK_EQ(rec.events[0].info.data_size, 4996);
  CHECK_EQ(rec.events[rec.n - 1].kind, EV_MSG);
  done(r);
  tbuf_free(&one);
  tbuf_free(&w);
  free(body);
}

static void expect_resync(tbuf *w)
{
  vda_reader *r = new_reader(NULL);
  const char *why2 = NULL;
  CHECK_EQ(push_sliced(r, w->p, w->len, 0, &why), VDA_READER_RESYNC);
  CHECK(why != NULL);
  CHECK_EQ(vda_reader_want(r), 0);
  /* Stays broken until reset. */
  CHECK_EQ(vda_reader_push(r, w->p, 1, &why2), VDA_READER_RESYNC);
  CHECK(why2 == why);
  vda_reader_reset(r);
  CHECK_EQ(vda_reader_want(r), 8);
  done(r);
}

static void test_framing_errors(void)
{
  tbuf w = {0};
  uint8_t b[64] = {0};
  wire_chunk_header(&w, 0, 4);
  expect_resync(&w);
  w.len = 0;
  wire_chunk_header(&w, 3, 4);
  expect_resync(&w);
  w.len = 0;
  wire_chunk_header(&w, 1, 2049);
  expect_resync(&w);
  w.len = 0;
  wire_msg(&w, 2, VD_AGENT_MOUSE_STATE, b, 13, 2048);
  w.p[8] = 2; /* protocol 2 */
  expect_resync(&w);
  /* 2048 is fine. */
  {
    vda_reader *r = new_reader(NULL);
    w.len = 0;
    wire_chunk_header(&w, 1, 2048);
    CHECK_EQ(push_sliced(r, w.p, w.len, 0, &why), VDA_READER_OK);
    CHECK_EQ(vda_reader_want(r), 2048);
    done(r);
  }
  tbuf_free(&w);
}

static void test_framing_error_aborts_stream(void)
{
  tbuf w = {0};
  uint8_t body[3000] = {0};
  vda_reader *r = new_reader(NULL);
  vda_put_le32(body, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, body, sizeof(body), 2048);
  w.len = 8 + 2048; /* first chunk only */
  wire_chunk_header(&w, 7, 1);
  CHECK_EQ(push_sliced(r, w.p, w.len, 0, &why), VDA_READER_RESYNC);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 1);
  CHECK_EQ(recorder_count(&rec, EV_ABORT), 1);
  CHECK_EQ(recorder_count(&rec, EV_END), 0);
  done(r);
  tbuf_free(&w);
}

static void test_rejections_keep_framing(void)
{
  tbuf w = {0};
  uint8_t *big = calloc(1, 9000);
  uint8_t b[16] = {0};
  vda_reader *r = new_reader(NULL);
  wire_msg(&w, 1, 99, b, 8, 2048);                           /* unknown */
  wire_msg(&w, 2, VD_AGENT_MOUSE_STATE, big, 9000, 2048);    /* too big */
  wire_msg(&w, 1, VD_AGENT_CLIENT_DISCONNECTED, b, 0, 2048); /* wrong port */
  wire_msg(&w, 2, VD_AGENT_DISPLAY_CONFIG, b, 8, 2048);      /* wrong port */
  vda_put_le32(b + 4, 77);
  wire_msg(&w, 1, VD_AGENT_REPLY, b, 8, 2048); /* bad body */
  memset(b, 0, sizeof(b));
  wire_msg(&w, 2, VD_AGENT_MOUSE_STATE, b, 13, 2048); /* fine */
  CHECK_EQ(push_sliced(r, w.p, w.len, 5, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_REJECT), 5);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 1);
  for (size_t i = 0; i < 5 && i < rec.n; i++)
    CHECK(rec.events[i].why != NULL);
  if (rec.n == 6) {
    CHECK_EQ(rec.events[0].type, 99);
    CHECK_EQ(rec.events[1].size, 9000);
    CHECK_EQ(rec.events[5].type, VD_AGENT_MOUSE_STATE);
  }
  done(r);
  tbuf_free(&w);
  free(big);
}

static void test_clipboard_stream_with_selection(void)
{
  tbuf w = {0};
  uint8_t b[64] = {0};
  uint8_t *clip = malloc(10008);
  vda_reader *r = new_reader(NULL);
  wire_msg(&w, 1, VD_AGENT_ANNOUNCE_CAPABILITIES, b, gtk_caps(b), 2048);
  memset(clip, 0, 8);
  clip[0] = VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD;
  vda_put_le32(clip + 4, VD_AGENT_CLIPBOARD_IMAGE_PNG);
  for (size_t i = 8; i < 10008; i++)
    clip[i] = (uint8_t)(i * 7);
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, 10008, 2048);
  CHECK_EQ(push_sliced(r, w.p, w.len, 1000, &why), VDA_READER_OK);
  CHECK(vda_use_selection(vda_reader_negotiated(r)));
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 1);
  CHECK_EQ(recorder_count(&rec, EV_END), 1);
  CHECK_EQ(rec.stream_bytes, 10000);
  /* data = caps body (8) + clipboard data */
  CHECK_EQ(rec.data.len, 8 + 10000);
  if (rec.data.len == 8 + 10000)
    CHECK(memcmp(rec.data.p + 8, clip + 8, 10000) == 0);
  CHECK_EQ(rec.events[1].info.clipboard_type, VD_AGENT_CLIPBOARD_IMAGE_PNG);
  CHECK_EQ(rec.events[1].info.body_size, 10008);
  for (size_t i = 0; i < rec.n; i++)
    if (rec.events[i].kind == EV_DATA)
      CHECK(rec.events[i].size <= 2048);
  done(r);
  free(clip);
  tbuf_free(&w);
}

static void test_stream_prefix_validated_first(void)
{
  tbuf w = {0};
  uint8_t clip[3000] = {0};
  uint8_t xd[40] = {0};
  vda_reader *r = new_reader(NULL);
  vda_put_le32(clip, 42); /* unknown clipboard type */
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, sizeof(clip), 2048);
  vda_put_le32(xd, 1);
  vda_put_le64(xd + 4, 27); /* says 27, carries 28 */
  wire_msg(&w, 1, VD_AGENT_FILE_XFER_DATA, xd, 40, 2048);
  vda_put_le64(xd + 4, 28);
  wire_msg(&w, 1, VD_AGENT_FILE_XFER_DATA, xd, 40, 2048);
  CHECK_EQ(push_sliced(r, w.p, w.len, 1, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_REJECT), 2);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 1);
  CHECK_EQ(rec.stream_bytes, 28);
  CHECK_EQ(rec.events[0].kind, EV_REJECT);
  CHECK_EQ(rec.events[1].kind, EV_REJECT);
  CHECK_EQ(rec.events[2].kind, EV_BEGIN);
  CHECK_EQ(rec.events[2].info.xfer_id, 1);
  done(r);
  tbuf_free(&w);
}

static void test_clipboard_limits(void)
{
  tbuf w = {0};
  uint8_t clip[4 + 200] = {0};
  uint8_t b[4];
  vda_limits lim;
  vda_reader *r;
  vda_limits_default(&lim);
  lim.max_clipboard = 150;
  r = new_reader(&lim);
  vda_put_le32(clip, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, 4 + 150, 2048); /* at limit */
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, 4 + 151, 2048); /* over */
  vda_put_le32(b, 100);
  wire_msg(&w, 1, VD_AGENT_MAX_CLIPBOARD, b, 4, 2048);      /* client: 100 */
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, 4 + 101, 2048); /* over now */
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, 4 + 100, 2048); /* fine */
  CHECK_EQ(push_sliced(r, w.p, w.len, 0, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 2);
  CHECK_EQ(recorder_count(&rec, EV_REJECT), 2);
  CHECK_EQ(rec.stream_bytes, 250);
  /* A client disconnect forgets the client's limit: 120 bytes fit the
     * configured 150 again. */
  vda_reader_reset_client(r);
  w.len = 0;
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, 4 + 120, 2048);
  CHECK_EQ(push_sliced(r, w.p, w.len, 0, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 3);
  CHECK_EQ(recorder_count(&rec, EV_REJECT), 2);
  CHECK_EQ(rec.stream_bytes, 370);
  done(r);
  tbuf_free(&w);
}

static void test_client_disconnect_mid_message(void)
{
  tbuf w = {0};
  uint8_t clip[3000] = {0};
  uint8_t b[64] = {0};
  vda_reader *r = new_reader(NULL);
  rec.reset_client_on_disconnect = true;
  wire_msg(&w, 1, VD_AGENT_ANNOUNCE_CAPABILITIES, b, gtk_caps(b), 2048);
  vda_put_le32(clip + 4, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, sizeof(clip), 2048);
  w.len = w.len - (8 + (20 + 3000 - 2048)); /* drop the second chunk */
  wire_msg(&w, 2, VD_AGENT_CLIENT_DISCONNECTED, NULL, 0, 2048);
  /* The next client starts fresh: no selection prefix until it announces. */
  vda_put_le32(b, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD_REQUEST, b, 4, 2048);
  CHECK_EQ(push_sliced(r, w.p, w.len, 0, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 1);
  CHECK_EQ(recorder_count(&rec, EV_ABORT), 1);
  CHECK_EQ(recorder_count(&rec, EV_END), 0);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 3);
  CHECK_EQ(recorder_count(&rec, EV_REJECT), 0);
  CHECK(!vda_reader_negotiated(r)->peer_known);
  CHECK_EQ(rec.events[rec.n - 1].type, VD_AGENT_CLIPBOARD_REQUEST);
  done(r);
  tbuf_free(&w);
}

static void test_reset_from_callback(void)
{
  tbuf w = {0};
  uint8_t clip[100] = {0};
  uint8_t ms[13] = {0};
  vda_reader *r = new_reader(NULL);
  vda_put_le32(clip, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, sizeof(clip), 2048);
  wire_msg(&w, 2, VD_AGENT_MOUSE_STATE, ms, 13, 2048);
  rec.full_reset_on_data = true;
  /* The reset inside on_stream_data drops the rest of this push. */
  CHECK_EQ(vda_reader_push(r, w.p, w.len, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_DATA), 1);
  CHECK_EQ(recorder_count(&rec, EV_ABORT), 1);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 0);
  CHECK_EQ(vda_reader_want(r), 8);
  /* And the reader works normally afterwards. */
  rec.full_reset_on_data = false;
  recorder_clear(&rec);
  CHECK_EQ(vda_reader_push(r, w.p, w.len, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_END), 1);
  CHECK_EQ(recorder_count(&rec, EV_MSG), 1);
  done(r);
  tbuf_free(&w);
}

static void test_reset_aborts_stream(void)
{
  tbuf w = {0};
  uint8_t clip[3000] = {0};
  vda_reader *r = new_reader(NULL);
  vda_put_le32(clip, VD_AGENT_CLIPBOARD_UTF8_TEXT);
  wire_msg(&w, 1, VD_AGENT_CLIPBOARD, clip, sizeof(clip), 2048);
  CHECK_EQ(vda_reader_push(r, w.p, 8 + 2048, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_BEGIN), 1);
  vda_reader_reset(r);
  CHECK_EQ(recorder_count(&rec, EV_ABORT), 1);
  /* A fresh message after the reset is read from its start. */
  CHECK_EQ(vda_reader_push(r, w.p, w.len, &why), VDA_READER_OK);
  CHECK_EQ(recorder_count(&rec, EV_END), 1);
  done(r);
  tbuf_free(&w);
}

int main(void)
{
  RUN_TEST(test_any_split);
  RUN_TEST(test_want_exact_reads);
  RUN_TEST(test_expected_reads);
  RUN_TEST(test_header_split_across_chunks);
  RUN_TEST(test_interleaved_ports);
  RUN_TEST(test_framing_errors);
  RUN_TEST(test_framing_error_aborts_stream);
  RUN_TEST(test_rejections_keep_framing);
  RUN_TEST(test_clipboard_stream_with_selection);
  RUN_TEST(test_stream_prefix_validated_first);
  RUN_TEST(test_clipboard_limits);
  RUN_TEST(test_client_disconnect_mid_message);
  RUN_TEST(test_reset_from_callback);
  RUN_TEST(test_reset_aborts_stream);
  return vda_test_report("test_reader");
}
