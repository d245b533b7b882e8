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

/* Writes a 200 KiB block (larger than the host pipe's buffer, so it stays in
 * flight while nobody reads) and 100 writes of `small` bytes behind it, reads
 * them all at the host and checks they came in order; returns the WriteFile
 * calls the stream made for them. */
static unsigned long long write_behind(vda_stream *p, HANDLE host, size_t small)
{
  static unsigned char big[200 * 1024], got[200 * 1024 + 100 * 10000], piece[10000];
  size_t total = sizeof(big) + 100 * small, have = 0;

  if (small > sizeof(piece))
    return 0;
  for (size_t i = 0; i < sizeof(big); i++)
    big[i] = (unsigned char)(i * 7);
  CHECK(vda_stream_write(p, big, sizeof(big)));
  for (int i = 0; i < 100; i++) {
    memset(piece, 'a' + i % 26, small);
    CHECK(vda_stream_write(p, piece, small));
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
    CHECK_EQ(got[sizeof(big) + (size_t)i * small + small - 1], 'a' + i % 26);
  for (int i = 0; i < 10 && vda_stream_queued(p) > 0; i++) {
    WaitForSingleObject(vda_stream_write_event(p), 1000);
    CHECK_EQ(vda_stream_write_continue(p), ERROR_SUCCESS);
  }
  CHECK_EQ(vda_stream_queued(p), 0);
  return vda_stream_get_stats(p).writes;
}

/* What queues behind a write in flight goes out in few writes, in order. */
static void test_writes_coalesce(void)
{
  HANDLE host = make_host();
  vda_stream *p = NULL;
  unsigned long long writes;

  CHECK_EQ(vda_stream_open(g_name, 1024 * 1024, &p), ERROR_SUCCESS);
  if (!p)
    return;
  writes = write_behind(p, host, 1000);
  /* 101 writes asked: the big one, then the 100 000 bytes behind it in
   * 64 KiB buffers (2), plus whatever completed short. */
  printf("coalesce: %llu WriteFile calls for 101 writes\n", writes);
  CHECK(writes >= 3 && writes <= 6);
  vda_stream_close(p);
  CloseHandle(host);
}

static unsigned char g_big[200 * 1024];

/* The host's side of test_io_size's read: a write larger than the pipe's
 * buffer blocks until the stream has read it, so it runs apart. */
static DWORD WINAPI host_writer(void *host)
{
  DWORD n = 0;
  return WriteFile(host, g_big, sizeof(g_big), &n, NULL) && n == sizeof(g_big) ? 0 : 1;
}

/* A larger I/O size (the service <-> agent pipe's 1 MiB): only sizes within
 * bounds, with no read pending, are taken; what queues behind a write in
 * flight is gathered into buffers that big; reads that big are accepted and
 * take what the host wrote. */
static void test_io_size(void)
{
  HANDLE host = make_host();
  vda_stream *p = NULL;
  const unsigned char *data;
  size_t have = 0, n_read = 0, largest = 0;
  unsigned long long writes;
  HANDLE writer;
  DWORD code = 1;

  CHECK_EQ(vda_stream_open(g_name, 4 * 1024 * 1024, &p), ERROR_SUCCESS);
  if (!p)
    return;
  CHECK_EQ(vda_stream_read_max(p), VDA_STREAM_READ_MAX);
  CHECK_EQ(vda_stream_set_io_size(p, VDA_STREAM_READ_MAX / 2, VDA_STREAM_READ_MAX),
           ERROR_INVALID_PARAMETER);
  CHECK_EQ(vda_stream_set_io_size(p, VDA_STREAM_READ_MAX, VDA_STREAM_IO_SIZE_MAX + 1),
           ERROR_INVALID_PARAMETER);
  CHECK_EQ(vda_stream_read_max(p), VDA_STREAM_READ_MAX);
  CHECK_EQ(vda_stream_set_io_size(p, VDA_STREAM_READ_MAX, 1024 * 1024), ERROR_SUCCESS);
  CHECK_EQ(vda_stream_read_max(p), VDA_STREAM_READ_MAX); /* the two sizes apart */
  CHECK_EQ(vda_stream_set_io_size(p, 1024 * 1024, 1024 * 1024), ERROR_SUCCESS);
  CHECK_EQ(vda_stream_read_max(p), 1024 * 1024);
  CHECK_EQ(vda_stream_read_start(p, 1024 * 1024 + 1), ERROR_INVALID_PARAMETER);

  /* The 100 writes of 10 000 bytes behind the big one gather into one 1 MiB
   * buffer (64 KiB buffers would take 16). */
  writes = write_behind(p, host, 10000);
  printf("io size: %llu WriteFile calls for 101 writes\n", writes);
  CHECK(writes >= 2 && writes <= 5);

  /* The host's 200 KiB (more than the default 64 KiB) arrive whole, in
   * however many reads the pipe cuts them into. */
  for (size_t i = 0; i < sizeof(g_big); i++)
    g_big[i] = (unsigned char)(i * 13);
  CHECK_EQ(vda_stream_read_start(p, 1024 * 1024), ERROR_SUCCESS);
  CHECK_EQ(vda_stream_set_io_size(p, 2 * 1024 * 1024, 1024 * 1024), ERROR_IO_PENDING);
  writer = CreateThread(NULL, 0, host_writer, host, 0, NULL);
  CHECK(writer != NULL);
  while (writer && have < sizeof(g_big)) {
    size_t g = 0;
    if (n_read > 0)
      CHECK_EQ(vda_stream_read_start(p, 1024 * 1024), ERROR_SUCCESS);
    if (wait_read(p, &data, &g) != ERROR_SUCCESS || g == 0)
      break;
    CHECK(memcmp(data, g_big + have, g) == 0);
    have += g;
    largest = g > largest ? g : largest;
    n_read++;
  }
  CHECK_EQ(have, sizeof(g_big));
  printf("io size: 200 KiB in %zu reads, the largest %zu bytes\n", n_read, largest);
  if (writer) {
    CHECK_EQ(WaitForSingleObject(writer, 5000), WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(writer, &code) && code == 0);
    CloseHandle(writer);
  }
  vda_stream_close(p);
  CloseHandle(host);
}

int main(void)
{
  RUN_TEST(test_missing_device);
  RUN_TEST(test_exact_reads_and_writes);
  RUN_TEST(test_queue_limit);
  RUN_TEST(test_writes_coalesce);
  RUN_TEST(test_io_size);
  return vda_test_report("port");
}
