/* The clipboard benchmark's third Wine floor: the service <-> agent named
 * pipe alone. Neither the port floor nor the clipboard floor crosses it, and
 * under Wine every pipe read and write is a wineserver request, so what the
 * pipe costs is measured here apart from everything else.
 *
 * The parent creates the pipe as vdservice does (byte mode, overlapped, each
 * direction's I/O size of buffer, ipc_link.h) and starts itself again as the
 * child, which opens the other end as vdagent does. One side writes COUNT
 * MiB as 64 KiB DATA frames (an 8-byte header and 64 KiB, as the mux and the
 * outbox cut them), gathered into writes of up to the direction's I/O size
 * with one overlapped write in flight, as vda_stream writes to a reader that
 * lags; the other reads with overlapped reads of that size, as the link
 * reads. Nothing else is done with the bytes.
 *
 * Usage: pipe_floor.exe to-agent|from-agent MIB
 * Prints one line: "seconds S bytes N writes W" (to-agent) or "... reads R"
 * (from-agent), the parent's own operations; S is the time from the child's
 * connection to the reader's last byte, measured by the parent. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include "ipc_link.h"

#define IO_MAX VDA_IPC_TO_SERVICE_IO
#define PIECE (64 * 1024)
#define FRAME (8 + PIECE)

/* to-agent or from-agent: the direction's I/O size */
static size_t g_io;

static double now_s(void)
{
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart / (double)f.QuadPart;
}

static bool finish(HANDLE h, OVERLAPPED *o, DWORD *n)
{
  if (GetOverlappedResult(h, o, n, TRUE))
    return true;
  fprintf(stderr, "pipe_floor: GetOverlappedResult: error %lu\n", GetLastError());
  return false;
}

/* One overlapped write in flight: the next is gathered while it goes. */
static bool write_all(HANDLE h, uint64_t total, unsigned long *writes)
{
  static uint8_t buf[2][IO_MAX + FRAME];
  const unsigned frames = g_io / FRAME ? (unsigned)(g_io / FRAME) : 1;
  OVERLAPPED o = {0};
  uint64_t sent = 0;
  bool pending = false, ok = false;
  int cur = 0;
  DWORD n;

  o.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!o.hEvent)
    return false;
  memset(buf, 'x', sizeof(buf));
  while (sent < total) {
    DWORD wlen = 0;
    for (unsigned f = 0; f < frames && sent < total; f++) {
      DWORD len = total - sent < PIECE ? (DWORD)(total - sent) : PIECE;
      const uint32_t type = VDA_IPC_DATA; /* a DATA frame header, as the mux writes it */
      memcpy(buf[cur] + wlen, &type, 4);
      memcpy(buf[cur] + wlen + 4, &len, 4);
      wlen += 8 + len;
      sent += len;
    }
    if (pending && !finish(h, &o, &n))
      goto out;
    ResetEvent(o.hEvent);
    if (!WriteFile(h, buf[cur], wlen, NULL, &o) && GetLastError() != ERROR_IO_PENDING) {
      fprintf(stderr, "pipe_floor: WriteFile: error %lu\n", GetLastError());
      goto out;
    }
    pending = true;
    (*writes)++;
    cur ^= 1;
  }
  ok = !pending || finish(h, &o, &n);
out:
  CloseHandle(o.hEvent);
  return ok;
}

static bool read_all(HANDLE h, uint64_t total, unsigned long *reads)
{
  static uint8_t buf[IO_MAX];
  OVERLAPPED o = {0};
  uint64_t got = 0;
  bool ok = false;
  DWORD n;

  o.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!o.hEvent)
    return false;
  while (got < total) {
    ResetEvent(o.hEvent);
    if (!ReadFile(h, buf, (DWORD)g_io, NULL, &o) && GetLastError() != ERROR_IO_PENDING) {
      fprintf(stderr, "pipe_floor: ReadFile: error %lu\n", GetLastError());
      goto out;
    }
    if (!finish(h, &o, &n))
      goto out;
    if (n == 0)
      break;
    (*reads)++;
    got += n;
  }
  ok = got == total;
  if (!ok)
    fprintf(stderr, "pipe_floor: read %llu of %llu bytes\n", (unsigned long long)got,
            (unsigned long long)total);
out:
  CloseHandle(o.hEvent);
  return ok;
}

/* The bytes on the wire for COUNT MiB of data in 64 KiB frames. */
static uint64_t wire_bytes(uint64_t data)
{
  return data + 8 * ((data + PIECE - 1) / PIECE);
}

static int child(const wchar_t *name, bool reader, uint64_t data)
{
  unsigned long ops = 0;
  HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED, NULL);
  bool ok;
  if (h == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "pipe_floor: child CreateFileW: error %lu\n", GetLastError());
    return 1;
  }
  ok = reader ? read_all(h, wire_bytes(data), &ops) : write_all(h, data, &ops);
  if (ok) {
    /* The reader tells the parent it has every byte: one byte back. */
    DWORD n;
    OVERLAPPED o = {0};
    o.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (reader && o.hEvent &&
        (WriteFile(h, "!", 1, NULL, &o) || GetLastError() == ERROR_IO_PENDING))
      ok = finish(h, &o, &n);
    if (o.hEvent)
      CloseHandle(o.hEvent);
  }
  CloseHandle(h);
  return ok ? 0 : 1;
}

int wmain(int argc, wchar_t **argv); /* -municode's entry point */
int wmain(int argc, wchar_t **argv)
{
  wchar_t name[96], cmd[512], self[MAX_PATH];
  STARTUPINFOW si = {.cb = sizeof(si)};
  PROCESS_INFORMATION pi = {0};
  OVERLAPPED o = {0};
  unsigned long ops = 0;
  bool to_agent, ok = false;
  uint64_t data;
  double t0, t1;
  HANDLE pipe;
  DWORD n;

  if (argc == 6 && !wcscmp(argv[1], L"child")) {
    g_io = (size_t)_wcstoui64(argv[5], NULL, 10);
    return child(argv[2], !wcscmp(argv[3], L"read"), _wcstoui64(argv[4], NULL, 10));
  }
  if (argc != 3 || (wcscmp(argv[1], L"to-agent") && wcscmp(argv[1], L"from-agent"))) {
    fprintf(stderr, "usage: pipe_floor.exe to-agent|from-agent MIB\n");
    return 2;
  }
  to_agent = !wcscmp(argv[1], L"to-agent");
  g_io = to_agent ? VDA_IPC_TO_AGENT_IO : VDA_IPC_TO_SERVICE_IO;
  data = _wcstoui64(argv[2], NULL, 10) << 20;
  swprintf(name, 96, L"\\\\.\\pipe\\vda-pipe-floor-%lu", GetCurrentProcessId());
  pipe = CreateNamedPipeW(
      name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1,
      VDA_IPC_TO_AGENT_IO, VDA_IPC_TO_SERVICE_IO, 0, NULL);
  if (pipe == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "pipe_floor: CreateNamedPipeW: error %lu\n", GetLastError());
    return 1;
  }
  o.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  GetModuleFileNameW(NULL, self, MAX_PATH);
  swprintf(cmd, 512, L"\"%ls\" child %ls %ls %llu %llu", self, name, to_agent ? L"read" : L"write",
           (unsigned long long)data, (unsigned long long)g_io);
  if (!o.hEvent || !CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
    fprintf(stderr, "pipe_floor: CreateProcessW: error %lu\n", GetLastError());
    goto out;
  }
  if (!ConnectNamedPipe(pipe, &o) && GetLastError() != ERROR_PIPE_CONNECTED &&
      !(GetLastError() == ERROR_IO_PENDING && finish(pipe, &o, &n))) {
    fprintf(stderr, "pipe_floor: ConnectNamedPipe: error %lu\n", GetLastError());
    goto out;
  }
  t0 = now_s();
  if (to_agent) {
    char c;
    ok = write_all(pipe, data, &ops);
    /* Done when the reader has the last byte: its one byte back says so. */
    ResetEvent(o.hEvent);
    ok = ok && (ReadFile(pipe, &c, 1, NULL, &o) || GetLastError() == ERROR_IO_PENDING) &&
         finish(pipe, &o, &n) && n == 1;
  } else {
    ok = read_all(pipe, wire_bytes(data), &ops);
  }
  t1 = now_s();
  WaitForSingleObject(pi.hProcess, 30000);
  if (ok)
    printf("seconds %.3f bytes %llu %s %lu\n", t1 - t0, (unsigned long long)wire_bytes(data),
           to_agent ? "writes" : "reads", ops);
out:
  if (pi.hProcess) {
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
  }
  if (o.hEvent)
    CloseHandle(o.hEvent);
  CloseHandle(pipe);
  return ok ? 0 : 1;
}
