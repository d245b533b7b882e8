/* The file-transfer benchmark's second floor: the least a Windows agent in
 * Wine can do with a dropped file. It opens the port as any Windows agent
 * must (overlapped, because reads and writes share one handle) and reads it
 * as the service does (64 KiB reads that end at a 2 ms pause), answers
 * FILE_XFER_START with CAN_SEND_DATA, counts the DATA bytes in memory and
 * answers SUCCESS. No service, no pipe, no disk: what is left is the client,
 * the server and Wine's port, so the agent's own cost is what it adds on top.
 *
 * The clipboard benchmark uses it the same way for text, each way:
 *   clip-in: on the client's GRAB it requests the text and counts the
 *     CLIPBOARD's bytes in memory, printing {"ev": "clipboard", "bytes": N}
 *     (the null agent's log line, which the benchmark's client waits for);
 *   clip-out FILE: it grabs, and on the client's REQUEST writes FILE's bytes
 *     as one CLIPBOARD, framed in advance, in 64 KiB overlapped writes one
 *     at a time, as the service writes the port.
 *
 * Usage: port_floor_agent.exe [clip-in | clip-out FILE] COUNT
 * Exits after COUNT transfers (file transfers, clipboards received; clip-out
 * runs until stopped) and prints one line: "reads N bytes M cpu_ms C writes W" (its
 * ReadFile calls, the bytes they took, its own CPU time: it exits before the
 * benchmark could read /proc, and its WriteFile calls). */
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
  unsigned long long reads, read_bytes, writes;
  bool clip_in;
  uint8_t *clip_out; /* clip-out: the CLIPBOARD's chunks as they go on the wire */
  size_t clip_out_len;
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
  if (a->clip_in || a->clip_out)
    body[1] |= 1u << VD_AGENT_CAP_CLIPBOARD_BY_DEMAND;
  send_msg(a, VD_AGENT_ANNOUNCE_CAPABILITIES, body, sizeof(body));
}

/* clip-out: the text's CLIPBOARD framed once, up front (VD_AGENT_MAX_DATA_SIZE
 * chunks, as spice-server takes them): serving it is then writes alone. */
static bool frame_clipboard(floor_agent *a, const char *path)
{
  FILE *f = fopen(path, "rb");
  long n = -1;
  uint8_t *text = NULL;
  bool ok = false;
  if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (256L << 20) &&
      fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)n)) != NULL)
    ok = fread(text, 1, (size_t)n, f) == (size_t)n;
  if (f)
    fclose(f);
  if (!ok) {
    free(text);
    return false;
  }
  size_t body = 4 + (size_t)n, msg = sizeof(VDAgentMessage) + body;
  size_t chunks = (msg + VD_AGENT_MAX_DATA_SIZE - 1) / VD_AGENT_MAX_DATA_SIZE;
  uint8_t *m = malloc(msg), *w = malloc(msg + chunks * sizeof(VDIChunkHeader));
  if (m && w) {
    VDAgentMessage h = {VD_AGENT_PROTOCOL, VD_AGENT_CLIPBOARD, 0, (uint32_t)body};
    uint32_t type = VD_AGENT_CLIPBOARD_UTF8_TEXT;
    memcpy(m, &h, sizeof(h));
    memcpy(m + sizeof(h), &type, 4);
    memcpy(m + sizeof(h) + 4, text, (size_t)n);
    a->clip_out = w;
    for (size_t off = 0; off < msg; off += VD_AGENT_MAX_DATA_SIZE) {
      size_t len = msg - off < VD_AGENT_MAX_DATA_SIZE ? msg - off : VD_AGENT_MAX_DATA_SIZE;
      VDIChunkHeader ch = {VDP_CLIENT_PORT, (uint32_t)len};
      memcpy(w, &ch, sizeof(ch));
      memcpy(w + sizeof(ch), m + off, len);
      w += sizeof(ch) + len;
    }
    a->clip_out_len = (size_t)(w - a->clip_out);
    w = NULL;
  }
  free(w);
  free(m);
  free(text);
  return a->clip_out != NULL;
}

static void serve_clipboard(floor_agent *a)
{
  DWORD n;
  for (size_t off = 0; off < a->clip_out_len; off += n) {
    DWORD len = (DWORD)(a->clip_out_len - off < READ_SIZE ? a->clip_out_len - off : READ_SIZE);
    a->writes++;
    if ((!WriteFile(a->port, a->clip_out + off, len, NULL, &a->wr) &&
         GetLastError() != ERROR_IO_PENDING) ||
        !GetOverlappedResult(a->port, &a->wr, &n, TRUE) || n == 0) {
      fprintf(stderr, "port_floor_agent: clipboard write failed (%lu)\n", GetLastError());
      exit(1);
    }
  }
  a->done++;
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
    if (a->clip_out) {
      uint32_t type = VD_AGENT_CLIPBOARD_UTF8_TEXT;
      send_msg(a, VD_AGENT_CLIPBOARD_GRAB, &type, sizeof(type));
    }
    break;
  case VD_AGENT_CLIPBOARD_GRAB:
    if (a->clip_in) {
      uint32_t type = VD_AGENT_CLIPBOARD_UTF8_TEXT;
      send_msg(a, VD_AGENT_CLIPBOARD_REQUEST, &type, sizeof(type));
    }
    break;
  case VD_AGENT_CLIPBOARD_REQUEST:
    if (a->clip_out)
      serve_clipboard(a);
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
      } else if (m->type == VD_AGENT_CLIPBOARD && a->clip_in) {
        printf("{\"ev\": \"clipboard\", \"bytes\": %lu}\n",
               (unsigned long)(m->size >= 4 ? m->size - 4 : 0));
        fflush(stdout);
        a->done++;
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

  int arg = 1;
  if (argc > 1 && strcmp(argv[1], "clip-in") == 0) {
    a.clip_in = true;
    arg = 2;
  } else if (argc > 2 && strcmp(argv[1], "clip-out") == 0) {
    if (!frame_clipboard(&a, argv[2])) {
      fprintf(stderr, "port_floor_agent: cannot read %s\n", argv[2]);
      return 1;
    }
    arg = 3;
  }
  a.want_done = argc > arg ? (unsigned)strtoul(argv[arg], NULL, 10) : 1;
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
  /* clip-out keeps the port open after its last write, so the host reads
   * every byte (the benchmark stops it). */
  while (a.done < a.want_done || a.clip_out) {
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
  printf("reads %llu bytes %llu cpu_ms %llu writes %llu\n", a.reads, a.read_bytes,
         cpu_100ns / 10000, a.writes);
  fflush(stdout);
  CloseHandle(a.port);
  return 0;
}
