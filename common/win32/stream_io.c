#include "stream_io.h"

#include <stdlib.h>
#include <string.h>

typedef struct write_buf {
  struct write_buf *next;
  size_t cap; /* bytes data can hold: later writes append while there is room */
  size_t len; /* bytes queued in data */
  size_t off; /* bytes already written */
  unsigned char data[];
} write_buf;

struct vda_stream {
  HANDLE handle;
  OVERLAPPED rd;
  bool rd_pending;
  size_t rd_len;
  unsigned char *rd_buf;
  size_t rd_max; /* the largest read, rd_buf's size */
  /* The size of the buffers that what waits behind a write in flight is
   * gathered into: a peer that is slow to drain gets one WriteFile per
   * buffer instead of one per chunk (the port's framer emits 2 KiB chunks;
   * under Wine each WriteFile is several wineserver round trips). */
  size_t gather;

  OVERLAPPED wr;
  bool wr_pending;
  write_buf *head, *tail;
  size_t queued;
  size_t limit;
  vda_stream_stats stats;
  bool no_comm_status; /* ClearCommError is not supported here */
  bool gathers;        /* reads end at a pause (serial interval timeout) */
};

DWORD vda_stream_wrap(HANDLE handle, size_t queue_limit, vda_stream **out)
{
  vda_stream *s;
  DWORD err = ERROR_SUCCESS;

  *out = NULL;
  s = calloc(1, sizeof(*s));
  if (!s) {
    CloseHandle(handle);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  s->limit = queue_limit;
  s->handle = handle;
  s->rd_max = s->gather = VDA_STREAM_READ_MAX;
  s->rd_buf = malloc(s->rd_max);
  if (!s->rd_buf) {
    err = ERROR_NOT_ENOUGH_MEMORY;
    goto fail;
  }
  /* Manual-reset events: each stays signalled until its owner collects the
   * result, so a loop that handles one event at a time loses nothing. */
  s->rd.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  s->wr.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!s->rd.hEvent || !s->wr.hEvent) {
    err = GetLastError();
    goto fail;
  }
  *out = s;
  return ERROR_SUCCESS;

fail:
  vda_stream_close(s);
  return err;
}

DWORD vda_stream_open(const wchar_t *path, size_t queue_limit, vda_stream **out)
{
  /* No sharing: the service is the only process that may own the port. */
  HANDLE h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED, NULL);
  *out = NULL;
  if (h == INVALID_HANDLE_VALUE)
    return GetLastError();
  return vda_stream_wrap(h, queue_limit, out);
}

static void settle(HANDLE h, OVERLAPPED *ov, bool *pending)
{
  DWORD ignored;
  if (!*pending)
    return;
  CancelIoEx(h, ov);
  /* Wait: the kernel owns the buffer until the cancelled I/O completes. */
  GetOverlappedResult(h, ov, &ignored, TRUE);
  *pending = false;
}

void vda_stream_close(vda_stream *s)
{
  if (!s)
    return;
  if (s->handle != INVALID_HANDLE_VALUE) {
    settle(s->handle, &s->rd, &s->rd_pending);
    settle(s->handle, &s->wr, &s->wr_pending);
    CloseHandle(s->handle);
  }
  while (s->head) {
    write_buf *next = s->head->next;
    free(s->head);
    s->head = next;
  }
  if (s->rd.hEvent)
    CloseHandle(s->rd.hEvent);
  if (s->wr.hEvent)
    CloseHandle(s->wr.hEvent);
  free(s->rd_buf);
  free(s);
}

static bool io_size_ok(size_t n)
{
  return n >= VDA_STREAM_READ_MAX && n <= VDA_STREAM_IO_SIZE_MAX;
}

DWORD vda_stream_set_io_size(vda_stream *s, size_t read_max, size_t gather)
{
  unsigned char *buf;
  if (!io_size_ok(read_max) || !io_size_ok(gather))
    return ERROR_INVALID_PARAMETER;
  if (s->rd_pending)
    return ERROR_IO_PENDING; /* the read in flight owns the buffer */
  buf = malloc(read_max);
  if (!buf)
    return ERROR_NOT_ENOUGH_MEMORY;
  free(s->rd_buf);
  s->rd_buf = buf;
  s->rd_max = read_max;
  s->gather = gather;
  return ERROR_SUCCESS;
}

size_t vda_stream_read_max(const vda_stream *s)
{
  return s->rd_max;
}

DWORD vda_stream_read_start(vda_stream *s, size_t len)
{
  if (s->rd_pending)
    return ERROR_IO_PENDING;
  if (len == 0 || len > s->rd_max)
    return ERROR_INVALID_PARAMETER;
  /* ReadFile resets the event itself when it starts the I/O. */
  s->rd_len = len;
  s->stats.reads++;
  if (!ReadFile(s->handle, s->rd_buf, (DWORD)len, NULL, &s->rd)) {
    DWORD err = GetLastError();
    if (err != ERROR_IO_PENDING)
      return err;
  }
  /* Completed synchronously or pending: either way the event is (or will
   * be) signalled and read_finish collects the result. */
  s->rd_pending = true;
  return ERROR_SUCCESS;
}

bool vda_stream_gather_reads(vda_stream *s, DWORD gap_ms)
{
  /* Only the interval: with no total timeout a read with nothing to read
   * waits (an idle port costs nothing), and MAXDWORD in the interval would
   * mean "return at once", which Wine and Windows treat differently. */
  COMMTIMEOUTS t = {.ReadIntervalTimeout = gap_ms};
  if (gap_ms == MAXDWORD)
    return false;
  /* 0 turns it off again: exact-size reads. */
  s->gathers = SetCommTimeouts(s->handle, &t) && gap_ms > 0;
  return s->gathers;
}

bool vda_stream_gathers(const vda_stream *s)
{
  return s->gathers;
}

size_t vda_stream_available(vda_stream *s)
{
  COMSTAT st;
  DWORD errors;
  if (s->no_comm_status)
    return 0;
  if (!ClearCommError(s->handle, &errors, &st)) {
    s->no_comm_status = true;
    return 0;
  }
  return st.cbInQue;
}

bool vda_stream_read_pending(const vda_stream *s)
{
  return s->rd_pending;
}

HANDLE vda_stream_read_event(const vda_stream *s)
{
  return s->rd.hEvent;
}

DWORD vda_stream_read_finish(vda_stream *s, const unsigned char **data, size_t *got)
{
  DWORD n = 0;

  *data = s->rd_buf;
  *got = 0;
  if (!s->rd_pending)
    return ERROR_INVALID_FUNCTION;
  if (!GetOverlappedResult(s->handle, &s->rd, &n, FALSE)) {
    DWORD err = GetLastError();
    if (err == ERROR_IO_INCOMPLETE)
      return err;
    s->rd_pending = false;
    return err;
  }
  s->rd_pending = false;
  if (n == 0)
    return ERROR_HANDLE_EOF;
  *got = n;
  s->stats.read_bytes += n;
  return ERROR_SUCCESS;
}

/* Starts the write of the queue head if nothing is in flight. */
static DWORD kick_writer(vda_stream *s)
{
  write_buf *b = s->head;
  if (s->wr_pending)
    return ERROR_SUCCESS;
  if (!b) {
    /* Idle: the event must not stay signalled, or the loop would spin. */
    ResetEvent(s->wr.hEvent);
    return ERROR_SUCCESS;
  }
  /* WriteFile resets the event itself when it starts the I/O. */
  s->stats.writes++;
  if (!WriteFile(s->handle, b->data + b->off, (DWORD)(b->len - b->off), NULL, &s->wr)) {
    DWORD err = GetLastError();
    if (err != ERROR_IO_PENDING)
      return err;
  }
  s->wr_pending = true;
  return ERROR_SUCCESS;
}

bool vda_stream_write(vda_stream *s, const void *data, size_t len)
{
  return vda_stream_write2(s, data, len, NULL, 0);
}

bool vda_stream_write2(vda_stream *s, const void *a, size_t alen, const void *b, size_t blen)
{
  write_buf *w;
  size_t len = alen + blen;

  if (len < alen)
    return false;
  if (len == 0)
    return true;
  if (len > s->limit || s->queued > s->limit - len)
    return false;
  w = s->tail;
  /* Appending past the tail's queued bytes is safe even while the tail is
   * in flight: WriteFile was given only the bytes before them. */
  if (!w || w->cap - w->len < len) {
    /* Nothing waits: this goes out at once, as it is. Otherwise leave room
     * for what follows it. */
    size_t cap = s->head && len < s->gather ? s->gather : len;
    w = malloc(sizeof(*w) + cap);
    if (!w)
      return false;
    *w = (write_buf){.cap = cap};
    if (s->tail)
      s->tail->next = w;
    else
      s->head = w;
    s->tail = w;
  }
  if (alen)
    memcpy(w->data + w->len, a, alen);
  if (blen)
    memcpy(w->data + w->len + alen, b, blen);
  w->len += len;
  s->queued += len;
  /* An immediate error surfaces on the next write_continue. */
  if (kick_writer(s) != ERROR_SUCCESS)
    SetEvent(s->wr.hEvent);
  return true;
}

size_t vda_stream_queued(const vda_stream *s)
{
  return s->queued;
}

vda_stream_stats vda_stream_get_stats(const vda_stream *s)
{
  return s->stats;
}

HANDLE vda_stream_write_event(const vda_stream *s)
{
  return s->wr.hEvent;
}

DWORD vda_stream_write_continue(vda_stream *s)
{
  DWORD n = 0;
  write_buf *b = s->head;

  if (s->wr_pending) {
    if (!GetOverlappedResult(s->handle, &s->wr, &n, FALSE)) {
      DWORD err = GetLastError();
      if (err == ERROR_IO_INCOMPLETE)
        return ERROR_SUCCESS;
      s->wr_pending = false;
      return err;
    }
    s->wr_pending = false;
    b->off += n;
    s->queued -= n;
    s->stats.written_bytes += n;
    if (b->off == b->len) {
      s->head = b->next;
      if (!s->head)
        s->tail = NULL;
      free(b);
    }
  } else {
    ResetEvent(s->wr.hEvent);
  }
  return kick_writer(s);
}
