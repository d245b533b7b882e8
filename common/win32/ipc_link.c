#include "ipc_link.h"

#include "vda_builder.h"
#include "vda_le.h"

static DWORD start_read(vda_ipc_link *l)
{
  DWORD err;
  if (l->reading_paused)
    return ERROR_SUCCESS;
  /* A byte-mode pipe completes a read with what has arrived, so a whole
   * buffer takes every frame waiting (the decoder splits them) in one read
   * instead of two reads per frame. */
  err = vda_stream_read_start(l->stream, vda_stream_read_max(l->stream));
  /* Resuming while the last read is still out is fine: it continues. */
  return err == ERROR_IO_PENDING ? ERROR_SUCCESS : err;
}

DWORD vda_ipc_link_open(vda_ipc_link *l, HANDLE pipe, size_t queue_limit, size_t read_size,
                        size_t write_size, vda_ipc_frame_fn on_frame, void *ctx)
{
  DWORD err;

  ZeroMemory(l, sizeof(*l));
  if (!vda_ipc_decoder_init(&l->dec, on_frame, ctx)) {
    CloseHandle(pipe);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  err = vda_stream_wrap(pipe, queue_limit, &l->stream);
  if (err == ERROR_SUCCESS)
    err = vda_stream_set_io_size(l->stream, read_size, write_size);
  if (err == ERROR_SUCCESS)
    err = start_read(l);
  if (err != ERROR_SUCCESS)
    vda_ipc_link_close(l);
  return err;
}

void vda_ipc_link_close(vda_ipc_link *l)
{
  vda_stream_close(l->stream);
  l->stream = NULL;
  vda_ipc_decoder_free(&l->dec);
}

bool vda_ipc_link_is_open(const vda_ipc_link *l)
{
  return l->stream != NULL;
}

bool vda_ipc_link_send(vda_ipc_link *l, uint32_t type, const void *payload, size_t size)
{
  uint8_t header[VDA_IPC_HEADER_SIZE];
  if (!l->stream || !vda_ipc_header(header, type, size))
    return false;
  return vda_stream_write2(l->stream, header, sizeof(header), payload, size);
}

bool vda_ipc_link_send_message(vda_ipc_link *l, uint32_t vd_type, const void *body, size_t size)
{
  uint8_t header[VDA_IPC_HEADER_SIZE + 4];
  if (!l->stream || size > VDA_IPC_MAX_PAYLOAD - 4 ||
      !vda_ipc_header(header, VDA_IPC_MESSAGE, size + 4))
    return false;
  vda_put_le32(header + VDA_IPC_HEADER_SIZE, vd_type);
  return vda_stream_write2(l->stream, header, sizeof(header), body, size);
}

bool vda_ipc_link_send_hello(vda_ipc_link *l, uint32_t type, const vda_caps *caps)
{
  vda_body b;
  vda_body_announce_caps(&b, caps, false);
  vda_put_le32(b.data, VDA_IPC_VERSION);
  return vda_ipc_link_send(l, type, b.data, b.len);
}

size_t vda_ipc_link_queued(const vda_ipc_link *l)
{
  return l->stream ? vda_stream_queued(l->stream) : 0;
}

HANDLE vda_ipc_link_read_event(const vda_ipc_link *l)
{
  return vda_stream_read_event(l->stream);
}

bool vda_ipc_link_read_pending(const vda_ipc_link *l)
{
  return l->stream && vda_stream_read_pending(l->stream);
}

HANDLE vda_ipc_link_write_event(const vda_ipc_link *l)
{
  return vda_stream_write_event(l->stream);
}

DWORD vda_ipc_link_on_read(vda_ipc_link *l, const char **why)
{
  const unsigned char *data;
  size_t got;
  DWORD err = vda_stream_read_finish(l->stream, &data, &got);

  *why = NULL;
  if (err == ERROR_IO_INCOMPLETE)
    return ERROR_SUCCESS;
  if (err != ERROR_SUCCESS) {
    *why = err == ERROR_BROKEN_PIPE || err == ERROR_HANDLE_EOF ? "peer closed the pipe"
                                                               : "pipe read failed";
    return err;
  }
  if (!vda_ipc_decoder_push(&l->dec, data, got, why))
    return ERROR_INVALID_DATA;
  /* A frame handler may have closed the link. */
  if (!l->stream)
    return ERROR_SUCCESS;
  err = start_read(l);
  if (err != ERROR_SUCCESS)
    *why = "cannot start the next pipe read";
  return err;
}

DWORD vda_ipc_link_on_write(vda_ipc_link *l)
{
  return vda_stream_write_continue(l->stream);
}

DWORD vda_ipc_link_pause(vda_ipc_link *l, bool paused)
{
  bool was = l->reading_paused;
  l->reading_paused = paused;
  if (was && !paused && l->stream)
    return start_read(l);
  return ERROR_SUCCESS;
}
