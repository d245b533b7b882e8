/* The port module over a named pipe standing in for the virtio-serial device:
 * exact-size reads, short-read reporting, the bounded write queue, and the
 * host going away. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "stream_io.h"
#include "vda_test.h"

static WCHAR g_name[64];

static HANDLE make_host(void)
{
  _snwprintf(g_name, 64, L"\\\\.\\pipe\\vda-port-test-%lu", (unsigned long)GetCurrentProcessId());
  return CreateNamedPipeW(g_name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1, 65536, 65536,
                          0, NULL);
}

static DWORD wait_read(vda_stream *p, const unsigned char **data, size_t *got)
{
  if (WaitForSingleObject(vda_stream_read_event(p), 5000) != WAIT_OBJECT_0)
    return WAIT_TIMEOUT;
  return vda_stream_read_finish(p, data, got);
}

static void test_missing_device(void)
{
  vda_stream *p = NULL;
  DWORD err = vda_stream_open(L"\\\\.\\Global\\vda-no-such-port", 1024, &p);
  CHECK(err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND);
  CHECK(p == NULL);
}

static void test_exact_reads_and_writes(void)
{
  HANDLE host = make_host();
  vda_stream *p = NULL;
  const unsigned char *data;
  size_t got = 0;
  DWORD n = 0;
  unsigned char buf[64];

  CHECK(host != INVALID_HANDLE_VALUE);
  CHECK_EQ(vda_stream_open(g_name, 1024, &p), ERROR_SUCCESS);
  if (!p)
    return;
  CHECK(WriteFile(host, "\x01\x00\x00\x00\x05\x00\x00\x00hello", 13, &n, NULL));

  CHECK_EQ(vda_stream_read_start(p, 8), ERROR_SUCCESS);
  CHECK_EQ(wait_read(p, &data, &got), ERROR_SUCCESS);
  CHECK_EQ(got, 8);
  CHECK(memcmp(data, "\x01\x00\x00\x00\x05\x00\x00\x00", 8) == 0);
  CHECK_EQ(vda_stream_read_start(p, 5), ERROR_SUCCESS);
  CHECK_EQ(wait_read(p, &data, &got), ERROR_SUCCESS);
  CHECK_EQ(got, 5);
  CHECK(memcmp(data, "hello", 5) == 0);
  CHECK_EQ(vda_stream_get_stats(p).reads, 2);
  CHECK_EQ(vda_stream_get_stats(p).read_bytes, 13);

  /* A pipe (like a virtio-serial port) takes no serial timeouts: its reads
   * stay exact-size. (The pty's gathering reads are proven end to end.) */
  CHECK(!vda_stream_gather_reads(p, 2));
  CHECK(!vda_stream_gathers(p));

  /* Oversized and zero reads are refused rather than truncated. */
  CHECK_EQ(vda_stream_read_start(p, VDA_STREAM_READ_MAX + 1), ERROR_INVALID_PARAMETER);
  CHECK_EQ(vda_stream_read_start(p, 0), ERROR_INVALID_PARAMETER);

  /* Writes: queued, then completed by write_continue. */
  CHECK(vda_stream_write(p, "abc", 3));
  CHECK(vda_stream_write(p, "defg", 4));
  for (int i = 0; i < 10 && vda_stream_queued(p) > 0; i++) {
    WaitForSingleObject(vda_stream_write_event(p), 1000);
    CHECK_EQ(vda_stream_write_continue(p), ERROR_SUCCESS);
  }
  CHECK_EQ(vda_stream_queued(p), 0);
  CHECK(ReadFile(host, buf, 7, &n, NULL));
  CHECK_EQ(n, 7);
  CHECK(memcmp(buf, "abcdefg", 7) == 0);

  /* The host goes away: the pending read fails instead of hanging. */
  CHECK_EQ(vda_stream_read_start(p, 8), ERROR_SUCCESS);
  CloseHandle(host);
  CHECK(wait_read(p, &data, &got) != ERROR_SUCCESS);
  vda_stream_close(p);
}

static void test_queue_limit(void)
{
  HANDLE host = make_host();
  vda_stream *p = NULL;
  static unsigned char big[600];

  CHECK_EQ(vda_stream_open(g_name, 1000, &p), ERROR_SUCCESS);
  if (!p)
    return;
  /* Nobody reads the host side: the first write may sit in the pipe buffer
   * or the queue, but the queue never grows past its limit. */
  CHECK(!vda_stream_write(p, big, 1001));
  for (int i = 0; i < 300; i++)
    vda_stream_write(p, big, sizeof(big));
  CHECK(vda_stream_queued(p) <= 1000);
  vda_stream_close(p); /* with a write possibly pending: must not hang */
  CloseHandle(host);
}

/* What queues behind a write in flight goes out in few writes, in order. */
static void test_writes_coalesce(void)
{
  HANDLE host = make_host();
  vda_stream *p = NULL;
  static unsigned char big[200 * 1024], got[200 * 1024 + 100 * 1000];
  unsigned char small[1000];
  size_t total = sizeof(got), have = 0;
  vda_stream_stats st;

  CHECK_EQ(vda_stream_open(g_name, 1024 * 1024, &p), ERROR_SUCCESS);
  if (!p)
    return;
  for (size_t i = 0; i < sizeof(big); i++)
    big[i] = (unsigned char)(i * 7);
  /* Larger than the pipe's buffer: stays in flight while nobody reads. */
  CHECK(vda_stream_write(p, big, sizeof(big)));
  for (int i = 0; i < 100; i++) {
    memset(small, 'a' + i % 26, sizeof(small));
    CHECK(vda_stream_write(p, small, sizeof(small)));
  }
  while (have < total) {
    DWORD n = 0;
    if (!ReadFile(host, got + have, (DWORD)(total - have), &n, NULL) || n == 0)
      break;
    have += n;
    if (WaitForSingleObject(vda_stream_write_event(p), 0) == WAIT_OBJECT_0)
      CHECK_EQ(vda_stream_write_continue(p), ERROR_SUCCESS);
  }
  CHECK_EQ(have, total);
  CHECK(memcmp(got, big, sizeof(big)) == 0);
  for (int i = 0; i < 100; i++)
    CHECK_EQ(got[sizeof(big) + (size_t)i * 1000 + 999], 'a' + i % 26);
  for (int i = 0; i < 10 && vda_stream_queued(p) > 0; i++) {
    WaitForSingleObject(vda_stream_write_event(p), 1000);
    CHECK_EQ(vda_stream_write_continue(p), ERROR_SUCCESS);
  }
  CHECK_EQ(vda_stream_queued(p), 0);
  st = vda_stream_get_stats(p);
  /* 101 writes asked: the big one, then the 100 000 bytes behind it in
   * 64 KiB buffers (2), plus whatever completed short. */
  printf("coalesce: %llu WriteFile calls for 101 writes\n", st.writes);
  CHECK(st.writes >= 3 && st.writes <= 6);
  vda_stream_close(p);
  CloseHandle(host);
}

int main(void)
{
  RUN_TEST(test_missing_device);
  RUN_TEST(test_exact_reads_and_writes);
  RUN_TEST(test_queue_limit);
  RUN_TEST(test_writes_coalesce);
  return vda_test_report("port");
}
