#include "port.h"

#include <stdlib.h>
#include <string.h>

typedef struct write_buf {
  struct write_buf *next;
  size_t len;
  size_t off;
  unsigned char data[];
} write_buf;

struct vda_port {
  HANDLE handle;
  OVERLAPPED rd;
  bool rd_pending;
  size_t rd_len;
  unsigned char rd_buf[VDA_PORT_READ_MAX];

  OVERLAPPED wr;
  bool wr_pending;
  write_buf *head, *tail;
  size_t queued;
  size_t limit;
};

DWORD vda_port_open(const wchar_t *path, size_t queue_limit, vda_port **out)
{
  vda_port *port;
  DWORD err = ERROR_SUCCESS;

  *out = NULL;
  port = calloc(1, sizeof(*port));
  if (!port)
    return ERROR_NOT_ENOUGH_MEMORY;
  port->limit = queue_limit;
  port->handle = INVALID_HANDLE_VALUE;
  /* Manual-reset events, initially signalled for writes so an idle writer
   * never blocks the loop; reads start unsignalled. */
  port->rd.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  port->wr.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!port->rd.hEvent || !port->wr.hEvent) {
    err = GetLastError();
    goto fail;
  }
  /* No sharing: the service is the only process that may own the port. */
  port->handle = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                             FILE_FLAG_OVERLAPPED, NULL);
  if (port->handle == INVALID_HANDLE_VALUE) {
    err = GetLastError();
    goto fail;
  }
  *out = port;
  return ERROR_SUCCESS;

fail:
  vda_port_close(port);
  return err;
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

void vda_port_close(vda_port *port)
{
  if (!port)
    return;
  if (port->handle != INVALID_HANDLE_VALUE) {
    settle(port->handle, &port->rd, &port->rd_pending);
    settle(port->handle, &port->wr, &port->wr_pending);
    CloseHandle(port->handle);
  }
  while (port->head) {
    write_buf *next = port->head->next;
    free(port->head);
    port->head = next;
  }
  if (port->rd.hEvent)
    CloseHandle(port->rd.hEvent);
  if (port->wr.hEvent)
    CloseHandle(port->wr.hEvent);
  free(port);
}

DWORD vda_port_read_start(vda_port *port, size_t len)
{
  if (port->rd_pending)
    return ERROR_IO_PENDING;
  if (len == 0 || len > sizeof(port->rd_buf))
    return ERROR_INVALID_PARAMETER;
  ResetEvent(port->rd.hEvent);
  port->rd_len = len;
  if (!ReadFile(port->handle, port->rd_buf, (DWORD)len, NULL, &port->rd)) {
    DWORD err = GetLastError();
    if (err != ERROR_IO_PENDING)
      return err;
  }
  /* Completed synchronously or pending: either way the event is (or will
   * be) signalled and read_finish collects the result. */
  port->rd_pending = true;
  return ERROR_SUCCESS;
}

HANDLE vda_port_read_event(const vda_port *port)
{
  return port->rd.hEvent;
}

DWORD vda_port_read_finish(vda_port *port, const unsigned char **data, size_t *got)
{
  DWORD n = 0;

  *data = port->rd_buf;
  *got = 0;
  if (!port->rd_pending)
    return ERROR_INVALID_FUNCTION;
  if (!GetOverlappedResult(port->handle, &port->rd, &n, FALSE)) {
    DWORD err = GetLastError();
    if (err == ERROR_IO_INCOMPLETE)
      return err;
    port->rd_pending = false;
    return err;
  }
  port->rd_pending = false;
  if (n == 0)
    return ERROR_HANDLE_EOF;
  *got = n;
  return ERROR_SUCCESS;
}

/* Starts the write of the queue head if nothing is in flight. */
static DWORD kick_writer(vda_port *port)
{
  write_buf *b = port->head;
  if (port->wr_pending || !b)
    return ERROR_SUCCESS;
  ResetEvent(port->wr.hEvent);
  if (!WriteFile(port->handle, b->data + b->off, (DWORD)(b->len - b->off), NULL, &port->wr)) {
    DWORD err = GetLastError();
    if (err != ERROR_IO_PENDING)
      return err;
  }
  port->wr_pending = true;
  return ERROR_SUCCESS;
}

bool vda_port_write(vda_port *port, const void *data, size_t len)
{
  write_buf *b;

  if (len == 0)
    return true;
  if (len > port->limit || port->queued > port->limit - len)
    return false;
  b = malloc(sizeof(*b) + len);
  if (!b)
    return false;
  b->next = NULL;
  b->len = len;
  b->off = 0;
  memcpy(b->data, data, len);
  if (port->tail)
    port->tail->next = b;
  else
    port->head = b;
  port->tail = b;
  port->queued += len;
  /* An immediate error surfaces on the next write_continue. */
  if (kick_writer(port) != ERROR_SUCCESS)
    SetEvent(port->wr.hEvent);
  return true;
}

size_t vda_port_queued(const vda_port *port)
{
  return port->queued;
}

HANDLE vda_port_write_event(const vda_port *port)
{
  return port->wr.hEvent;
}

DWORD vda_port_write_continue(vda_port *port)
{
  DWORD n = 0;
  write_buf *b = port->head;

  if (port->wr_pending) {
    if (!GetOverlappedResult(port->handle, &port->wr, &n, FALSE)) {
      DWORD err = GetLastError();
      if (err == ERROR_IO_INCOMPLETE)
        return ERROR_SUCCESS;
      port->wr_pending = false;
      return err;
    }
    port->wr_pending = false;
    b->off += n;
    port->queued -= n;
    if (b->off == b->len) {
      port->head = b->next;
      if (!port->head)
        port->tail = NULL;
      free(b);
    }
  } else {
    ResetEvent(port->wr.hEvent);
  }
  return kick_writer(port);
}
