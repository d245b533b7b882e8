/* The file-transfer benchmark's second floor: the least a Windows agent in
 * Wine can do with a dropped file. It opens the port as any Windows agent
 * must (overlapped, because reads and writes share one handle) and reads it
 * as the service does (64 KiB reads that end at a 2 ms pause), answers
 * FILE_XFER_START with CAN_SEND_DATA, counts the DATA bytes in memory and
 * answers SUCCESS. No service, no pipe, no disk: what is left is the client,
 * the server and Wine's port, so the agent's own cost is what it adds on top.
 *
 * Usage: port_floor_agent.exe TRANSFERS
 * Exits after TRANSFERS transfers succeeded and prints one line:
 * "reads N bytes M cpu_ms C" (its ReadFile calls, the bytes they took and
 * its own CPU time: it exits before the benchmark could read /proc). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <spice/vd_agent.h>

#define READ_SIZE (64 * 1024)
#define GAP_MS 2
#define KEEP_MAX 4096 /* message bytes kept for parsing; DATA keeps only its head */

typedef struct floor_agent {
  HANDLE port;
  OVERLAPPED rd, wr;
  uint32_t chunk_port, chunk_left; /* the chunk being read */
  uint8_t hdr[sizeof(VDIChunkHeader)];
  size_t hdr_len;
  uint8_t msg[sizeof(VDAgentMessage) + KEEP_MAX]; /* the client's message */
  size_t msg_len;
  uint64_t msg_left; /* body bytes still to come */
  uint32_t xfer_id;
  uint64_t xfer_size, xfer_got;
  bool xfer_active;
  unsigned done, want_done;
  unsigned long long reads, read_bytes;
} floor_agent;

static bool send_msg(floor_agent *a, uint32_t type, const void *body, uint32_t len)
{
  uint8_t out[sizeof(VDIChunkHeader) + sizeof(VDAgentMessage) + 64];
  VDIChunkHeader ch = {VDP_CLIENT_PORT, (uint32_t)sizeof(VDAgentMessage) + len};
  VDAgentMessage m = {VD_AGENT_PROTOCOL, type, 0, len};
  DWORD n;

  if (len > 64)
    return false;
  memcpy(out, &ch, sizeof(ch));
  memcpy(out + sizeof(ch), &m, sizeof(m));
  memcpy(out + sizeof(ch) + sizeof(m), body, len);
  if (!WriteFile(a->port, out, (DWORD)(sizeof(ch) + sizeof(m) + len), NULL, &a->wr) &&
      GetLastError() != ERROR_IO_PENDING)
    return false;
  return GetOverlappedResult(a->port, &a->wr, &n, TRUE) != 0;
}

static void status(floor_agent *a, uint32_t id, uint32_t result)
{
  VDAgentFileXferStatusMessage s = {id, result};
  if (!send_msg(a, VD_AGENT_FILE_XFER_STATUS, &s, sizeof(s)))
    fprintf(stderr, "port_floor_agent: status write failed (%lu)\n", GetLastError());
}

static void announce(floor_agent *a, uint32_t request)
{
  uint32_t body[2] = {request, 1u << VD_AGENT_CAP_MOUSE_STATE};
  send_msg(a, VD_AGENT_ANNOUNCE_CAPABILITIES, body, sizeof(body));
}

static void succeed(floor_agent *a)
{
  a->xfer_active = false;
  status(a, a->xfer_id, VD_AGENT_FILE_XFER_STATUS_SUCCESS);
  a->done++;
}

/* START's metadata is a key file; only size= matters here. */
static void on_start(floor_agent *a, const uint8_t *body, size_t len)
{
  char text[KEEP_MAX + 1];
  const char *size;

  if (len < 4)
    return;
  memcpy(&a->xfer_id, body, 4);
  memcpy(text, body + 4, len - 4);
  text[len - 4] = '\0';
  size = strstr(text, "\nsize=");
  a->xfer_size = size ? strtoull(size + 6, NULL, 10) : 0;
  a->xfer_got = 0;
  a->xfer_active = true;
  status(a, a->xfer_id, VD_AGENT_FILE_XFER_STATUS_CAN_SEND_DATA);
  if (a->xfer_size == 0)
    succeed(a);
}

static void on_message(floor_agent *a)
{
  const VDAgentMessage *m = (const VDAgentMessage *)a->msg;
  const uint8_t *body = a->msg + sizeof(*m);
  uint32_t request;

  switch (m->type) {
  case VD_AGENT_ANNOUNCE_CAPABILITIES:
    memcpy(&request, body, sizeof(request));
    if (m->size >= 4 && request)
      announce(a, 0);
    break;
  case VD_AGENT_FILE_XFER_START:
    on_start(a, body, a->msg_len - sizeof(*m));
    break;
  case VD_AGENT_CLIENT_DISCONNECTED:
    a->xfer_active = false;
    break;
  default:
    break;
  }
}

/* Message bytes from the client's chunks: DATA is counted, not kept. */
static void on_client_bytes(floor_agent *a, const uint8_t *p, size_t n)
{
  while (n > 0) {
    size_t take;
    if (a->msg_len < sizeof(VDAgentMessage)) {
      take = sizeof(VDAgentMessage) - a->msg_len;
      take = take < n ? take : n;
      memcpy(a->msg + a->msg_len, p, take);
      a->msg_len += take;
      p += take;
      n -= take;
      if (a->msg_len == sizeof(VDAgentMessage))
        a->msg_left = ((const VDAgentMessage *)a->msg)->size;
    } else {
      const VDAgentMessage *m = (const VDAgentMessage *)a->msg;
      take = a->msg_left < n ? (size_t)a->msg_left : n;
      if (m->type == VD_AGENT_FILE_XFER_DATA && a->xfer_active) {
        /* The first 12 body bytes are the id and size; the rest is file. */
        size_t head = a->msg_len - sizeof(*m), skip = head < 12 ? 12 - head : 0;
        skip = skip < take ? skip : take;
        a->xfer_got += take - skip;
      }
      if (a->msg_len + take <= sizeof(a->msg))
        memcpy(a->msg + a->msg_len, p, take);
      a->msg_len += take;
      a->msg_left -= take;
      p += take;
      n -= take;
    }
    if (a->msg_len >= sizeof(VDAgentMessage) && a->msg_left == 0) {
      const VDAgentMessage *m = (const VDAgentMessage *)a->msg;
      if (m->type == VD_AGENT_FILE_XFER_DATA) {
        if (a->xfer_active && a->xfer_got >= a->xfer_size)
          succeed(a);
      } else if (a->msg_len <= sizeof(a->msg)) {
        on_message(a);
      }
      a->msg_len = 0;
    }
  }
}

static void on_bytes(floor_agent *a, const uint8_t *p, size_t n)
{
  while (n > 0) {
    if (a->chunk_left == 0) {
      size_t take = sizeof(a->hdr) - a->hdr_len;
      take = take < n ? take : n;
      memcpy(a->hdr + a->hdr_len, p, take);
      a->hdr_len += take;
      p += take;
      n -= take;
      if (a->hdr_len == sizeof(a->hdr)) {
        const VDIChunkHeader *h = (const VDIChunkHeader *)a->hdr;
        a->chunk_port = h->port;
        a->chunk_left = h->size;
        a->hdr_len = 0;
      }
    } else {
      size_t take = a->chunk_left < n ? a->chunk_left : n;
      if (a->chunk_port == VDP_CLIENT_PORT)
        on_client_bytes(a, p, take);
      a->chunk_left -= (uint32_t)take;
      p += take;
      n -= take;
    }
  }
}

int main(int argc, char **argv)
{
  static uint8_t buf[READ_SIZE];
  static floor_agent a;
  COMMTIMEOUTS t = {.ReadIntervalTimeout = GAP_MS};
  DWORD n;

  a.want_done = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
  a.port = CreateFileW(L"\\\\.\\Global\\com.redhat.spice.0", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                       OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
  if (a.port == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "port_floor_agent: cannot open the port (%lu)\n", GetLastError());
    return 1;
  }
  a.rd.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  a.wr.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  SetCommTimeouts(a.port, &t);
  announce(&a, 1);
  while (a.done < a.want_done) {
    a.reads++;
    if (!ReadFile(a.port, buf, sizeof(buf), NULL, &a.rd) && GetLastError() != ERROR_IO_PENDING) {
      fprintf(stderr, "port_floor_agent: ReadFile failed (%lu)\n", GetLastError());
      return 1;
    }
    if (!GetOverlappedResult(a.port, &a.rd, &n, TRUE)) {
      if (GetLastError() == ERROR_TIMEOUT)
        continue; /* Wine's pause timer ended a read before its first byte */
      fprintf(stderr, "port_floor_agent: read failed (%lu)\n", GetLastError());
      return 1;
    }
    if (n == 0) {
      fprintf(stderr, "port_floor_agent: the host closed the port\n");
      return 1;
    }
    a.read_bytes += n;
    on_bytes(&a, buf, n);
  }
  FILETIME created, exited, kernel, user;
  unsigned long long cpu_100ns = 0;
  if (GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user))
    cpu_100ns = (((unsigned long long)kernel.dwHighDateTime << 32) | kernel.dwLowDateTime) +
                (((unsigned long long)user.dwHighDateTime << 32) | user.dwLowDateTime);
  printf("reads %llu bytes %llu cpu_ms %llu\n", a.reads, a.read_bytes, cpu_100ns / 10000);
  fflush(stdout);
  CloseHandle(a.port);
  return 0;
}
