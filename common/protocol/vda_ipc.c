#include "vda_ipc.h"

#include <stdlib.h>
#include <string.h>

#include "vda_le.h"

bool vda_ipc_decoder_init(vda_ipc_decoder *d, vda_ipc_frame_fn on_frame, void *ctx)
{
  memset(d, 0, sizeof(*d));
  d->on_frame = on_frame;
  d->ctx = ctx;
  /* One fixed buffer for the life of the connection: the bound is the
     * protocol's, not the peer's say-so. */
  d->payload = malloc(VDA_IPC_MAX_PAYLOAD);
  return d->payload != NULL;
}

void vda_ipc_decoder_free(vda_ipc_decoder *d)
{
  free(d->payload);
  d->payload = NULL;
}

size_t vda_ipc_decoder_want(const vda_ipc_decoder *d)
{
  if (d->broken)
    return 0;
  return d->in_payload ? d->size - d->have : VDA_IPC_HEADER_SIZE - d->have;
}

bool vda_ipc_check_payload(uint32_t type, const uint8_t *payload, size_t size, const char **why)
{
  switch (type) {
  case VDA_IPC_HELLO:
  case VDA_IPC_HELLO_ACK:
    if (size < 4 || size % 4 != 0 || size > 4 + 4 * 256) {
      *why = "hello: bad size";
      return false;
    }
    if (vda_le32(payload) != VDA_IPC_VERSION) {
      *why = "hello: unsupported IPC version";
      return false;
    }
    return true;
  case VDA_IPC_PING:
  case VDA_IPC_PONG:
  case VDA_IPC_SESSION:
    if (size != 4) {
      *why = "control frame: size is not 4";
      return false;
    }
    return true;
  case VDA_IPC_MESSAGE:
    if (size < 4) {
      *why = "message frame without a type";
      return false;
    }
    return true;
  case VDA_IPC_STREAM_BEGIN:
    if (size != VDA_IPC_STREAM_BEGIN_SIZE) {
      *why = "stream begin: bad size";
      return false;
    }
    return true;
  case VDA_IPC_OUT_BEGIN:
    if (size != 8) {
      *why = "out begin: bad size";
      return false;
    }
    return true;
  case VDA_IPC_DATA:
    if (size == 0) {
      *why = "empty data frame";
      return false;
    }
    return true;
  case VDA_IPC_END:
  case VDA_IPC_ABORT:
    if (size != 0) {
      *why = "end/abort frame with a payload";
      return false;
    }
    return true;
  default:
    *why = "unknown frame type";
    return false;
  }
}

bool vda_ipc_decoder_push(vda_ipc_decoder *d, const void *data, size_t len, const char **why)
{
  const uint8_t *p = data;

  while (len > 0) {
    size_t want, take;

    if (d->broken) {
      *why = "stream already broken";
      return false;
    }
    want = vda_ipc_decoder_want(d);
    take = len < want ? len : want;
    if (!d->in_payload) {
      memcpy(d->header + d->have, p, take);
    } else {
      memcpy(d->payload + d->have, p, take);
    }
    d->have += take;
    p += take;
    len -= take;
    if (!d->in_payload && d->have == VDA_IPC_HEADER_SIZE) {
      d->type = vda_le32(d->header);
      d->size = vda_le32(d->header + 4);
      if (d->type == 0 || d->type >= VDA_IPC_TYPE_END) {
        *why = "unknown frame type";
        d->broken = true;
        return false;
      }
      if (d->size > VDA_IPC_MAX_PAYLOAD) {
        *why = "frame larger than the IPC maximum";
        d->broken = true;
        return false;
      }
      d->have = 0;
      d->in_payload = true;
    }
    if (d->in_payload && d->have == d->size) {
      if (!vda_ipc_check_payload(d->type, d->payload, d->size, why)) {
        d->broken = true;
        return false;
      }
      d->in_payload = false;
      d->have = 0;
      if (d->on_frame)
        d->on_frame(d->ctx, d->type, d->payload, d->size);
    }
  }
  return true;
}

bool vda_ipc_header(uint8_t out[VDA_IPC_HEADER_SIZE], uint32_t type, size_t size)
{
  if (type == 0 || type >= VDA_IPC_TYPE_END || size > VDA_IPC_MAX_PAYLOAD)
    return false;
  vda_put_le32(out, type);
  vda_put_le32(out + 4, (uint32_t)size);
  return true;
}

void vda_ipc_stream_begin_encode(uint8_t out[VDA_IPC_STREAM_BEGIN_SIZE],
                                 const vda_ipc_stream_begin *b)
{
  vda_put_le32(out, b->vd_type);
  vda_put_le32(out + 4, b->body_size);
  vda_put_le64(out + 8, b->data_size);
  vda_put_le32(out + 16, b->clipboard_type);
  vda_put_le32(out + 20, b->xfer_id);
  out[24] = b->selection;
}

void vda_ipc_stream_begin_decode(const uint8_t in[VDA_IPC_STREAM_BEGIN_SIZE],
                                 vda_ipc_stream_begin *b)
{
  b->vd_type = vda_le32(in);
  b->body_size = vda_le32(in + 4);
  b->data_size = vda_le64(in + 8);
  b->clipboard_type = vda_le32(in + 16);
  b->xfer_id = vda_le32(in + 20);
  b->selection = in[24];
}
