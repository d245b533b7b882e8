/* The client port: stream, reader, outgoing side, reopen (see port.h). */
#include "port.h"

#include "log.h"
#include "winerror_text.h"

/* vda_emit_fn onto the stream's bounded queue. A refusal cuts the message
 * short: port_out marks the port broken and the loop resets it. */
static bool emit(void *ctx, const uint8_t *chunk, size_t len)
{
  vds_port *p = ctx;
  if (!p->stream)
    return false;
  if (!vda_stream_write(p->stream, chunk, len)) {
    LOG_ERROR("port write queue full (%zu bytes queued): resetting the port",
              vda_stream_queued(p->stream));
    return false;
  }
  return true;
}

bool vds_port_init(vds_port *p, const wchar_t *path, size_t queue_limit,
                   const vda_reader_ops *reader_ops, void *reader_ctx, const vda_caps *ours,
                   const vds_port_events *ev, void *ev_ctx)
{
  *p = (vds_port){.path = path, .queue_limit = queue_limit, .ev = ev, .ev_ctx = ev_ctx};
  vds_backoff_init(&p->retry, VDS_OPEN_RETRY_MIN_MS, VDS_OPEN_RETRY_MAX_MS);
  vds_backoff_init(&p->resync, VDS_OPEN_RETRY_MIN_MS, VDS_OPEN_RETRY_MAX_MS);
  vds_port_out_init(&p->out, emit, p);
  p->reader = vda_reader_new(reader_ops, reader_ctx, ours, NULL);
  if (!p->reader) {
    LOG_ERROR("out of memory creating the protocol reader");
    return false;
  }
  return true;
}

void vds_port_free(vds_port *p)
{
  vds_port_close(p, "service stopping");
  vda_reader_free(p->reader);
  p->reader = NULL;
}

DWORD vds_port_last_error(const vds_port *p)
{
  return p->last_open_error;
}

bool vds_port_is_open(const vds_port *p)
{
  return p->stream != NULL;
}

uint64_t vds_port_open_at(const vds_port *p)
{
  return p->open_at;
}

void vds_port_open_soon(vds_port *p)
{
  p->open_at = 0;
}

/* One attempt when due; the reason is logged only when it changes, so a
 * missing device does not flood the log. */
void vds_port_try_open(vds_port *p, uint64_t now)
{
  DWORD err;

  if (p->stream || now < p->open_at)
    return;
  err = vda_stream_open(p->path, p->queue_limit, &p->stream);
  if (err != ERROR_SUCCESS) {
    p->stream = NULL;
    if (err != p->last_open_error)
      LOG_WARN("cannot open %ls: %s; retrying with backoff up to %u ms", p->path,
               vda_win_strerror(err), VDS_OPEN_RETRY_MAX_MS);
    p->last_open_error = err;
    p->open_at = now + vds_backoff_on_exit(&p->retry, false);
    return;
  }
  /* Reads that end at a pause let one read take a whole run of chunks on
   * a serial device (Wine's pty): a quarter of the reads, and of Wine's
   * round trips, for a large message. */
  if (vda_stream_gather_reads(p->stream, VDS_PORT_READ_GAP_MS))
    LOG_INFO("opened %ls (reads gather up to %u KiB, ending at a %u ms pause)", p->path,
             VDA_STREAM_READ_MAX / 1024u, VDS_PORT_READ_GAP_MS);
  else
    LOG_INFO("opened %ls", p->path);
  p->last_open_error = ERROR_SUCCESS;
  vds_read_guard_reset(&p->empty);
  vds_backoff_healthy(&p->retry);
  vda_reader_reset(p->reader);
  vds_port_out_reset(&p->out);
  p->ev->opened(p->ev_ctx);
  vds_port_update_reading(p);
}

void vds_port_close(vds_port *p, const char *why)
{
  if (!p->stream)
    return;
  vda_stream_stats st = vda_stream_get_stats(p->stream);
  LOG_INFO("closing port: %s (%llu reads took %llu bytes, %llu writes gave %llu)", why, st.reads,
           st.read_bytes, st.writes, st.written_bytes);
  vda_stream_close(p->stream);
  p->stream = NULL;
  p->reading = false;
  vds_port_out_reset(&p->out);
  /* Streams in progress are aborted (the agent hears of it). */
  vda_reader_reset(p->reader);
  if (p->ev->closed)
    p->ev->closed(p->ev_ctx);
}

void vds_port_close_if_broken(vds_port *p)
{
  if (p->stream && p->out.broken)
    vds_port_close(p, "write failed");
}

void vds_port_set_caps(vds_port *p, const vda_caps *ours)
{
  vda_reader_set_ours(p->reader, ours);
}

void vds_port_reset_client(vds_port *p)
{
  vda_reader_reset_client(p->reader);
}

const vda_negotiated *vds_port_negotiated(const vds_port *p)
{
  return vda_reader_negotiated(p->reader);
}

void vds_port_send(vds_port *p, uint32_t type, const void *body, size_t size)
{
  const char *why = NULL;
  if (!p->stream)
    return;
  if (!vds_port_out_send(&p->out, type, body, size, &why))
    LOG_ERROR("cannot send message type %u (%zu bytes): %s", (unsigned)type, size, why);
}

void vds_port_send_own(vds_port *p, const vda_body *b)
{
  const char *why = NULL;
  if (!p->stream)
    return;
  switch (vds_port_out_send_own(&p->out, b, &why)) {
  case VDS_OWN_SENT:
  case VDS_OWN_DEFERRED:
    break;
  case VDS_OWN_DROPPED:
    /* A host can make us answer faster than we may send (ANNOUNCE requests
     * during a large message): limited, as every refusal. */
    LOG_WARN_LIMITED(why, "%s: type %u dropped", why, (unsigned)b->type);
    break;
  case VDS_OWN_FAILED:
    LOG_ERROR("cannot send message type %u (%zu bytes): %s", (unsigned)b->type, b->len, why);
    break;
  }
}

bool vds_port_busy(const vds_port *p)
{
  return p->stream && vds_port_out_busy(&p->out);
}

void vds_port_begin(vds_port *p, uint32_t type, uint32_t size)
{
  const char *why = NULL;
  if (p->stream && !vds_port_out_begin(&p->out, type, size, &why))
    LOG_ERROR("cannot start agent message type %u (%u bytes): %s", (unsigned)type, (unsigned)size,
              why);
}

void vds_port_write(vds_port *p, const void *data, size_t len)
{
  const char *why = NULL;
  /* The message is cut short on the wire when this fails: the port is
   * broken and the loop resets it. */
  if (p->stream && !vds_port_out_write(&p->out, data, len, &why))
    LOG_ERROR("agent message data refused: %s", why);
}

void vds_port_end(vds_port *p)
{
  const char *why = NULL;
  if (p->stream)
    vds_port_out_end(&p->out, &why);
}

size_t vds_port_queued(const vds_port *p)
{
  return p->stream ? vda_stream_queued(p->stream) : 0;
}

void vds_port_update_reading(vds_port *p)
{
  DWORD err;
  size_t want, avail, coming;
  if (!p->stream || p->reading)
    return;
  if (!p->ev->may_read(p->ev_ctx))
    return;
  /* At least what the framing needs (a read of N on Wine's pty completes
   * only at N bytes, and more may never come unless the read gathers). */
  want = vda_reader_want(p->reader);
  coming = vda_stream_gathers(p->stream) ? vda_reader_expected(p->reader) : 0;
  if (coming > want) {
    /* Inside a large message: a whole buffer. More is coming, and a read
     * that gathers ends at the pause after the last byte that does. Under
     * Wine each read is wineserver round trips: ending reads at the
     * framing's guess (the message's rest and one chunk) made them 29-55
     * KiB instead of 64 and a 1 GiB drop measurably slower. */
    want = VDA_STREAM_READ_MAX;
  } else {
    /* Between messages: what has already arrived (a burst of small
     * messages in one read), never more, so nothing waits for a pause. */
    avail = vda_stream_available(p->stream);
    if (avail > want)
      want = avail;
  }
  if (want > VDA_STREAM_READ_MAX)
    want = VDA_STREAM_READ_MAX;
  err = vda_stream_read_start(p->stream, want);
  if (err != ERROR_SUCCESS) {
    vds_port_close(p, vda_win_strerror(err));
    return;
  }
  p->reading = true;
}

HANDLE vds_port_read_event(const vds_port *p)
{
  return p->stream && p->reading ? vda_stream_read_event(p->stream) : NULL;
}

HANDLE vds_port_write_event(const vds_port *p)
{
  return p->stream ? vda_stream_write_event(p->stream) : NULL;
}

void vds_port_on_read(vds_port *p)
{
  const unsigned char *data;
  size_t got;
  const char *why = NULL;
  DWORD err = vda_stream_read_finish(p->stream, &data, &got);

  if (err == ERROR_IO_INCOMPLETE)
    return;
  p->reading = false;
  if (err == ERROR_TIMEOUT && vda_stream_gathers(p->stream)) {
    /* Wine's pause timer ended the read before its first byte: read again.
     * Should that keep happening with nothing arriving, go back to exact
     * reads rather than spin. */
    if (vds_read_guard_empty(&p->empty)) {
      LOG_WARN("port reads keep ending empty (%u in a row): reading exact sizes from now on",
               vds_read_guard_count(&p->empty));
      vda_stream_gather_reads(p->stream, 0);
    }
    vds_port_update_reading(p);
    return;
  }
  if (err != ERROR_SUCCESS) {
    vds_port_close(p, err == ERROR_HANDLE_EOF ? "host closed the port" : vda_win_strerror(err));
    return;
  }
  if (vda_reader_push(p->reader, data, got, &why) == VDA_READER_RESYNC) {
    uint32_t delay = vds_backoff_on_exit(&p->resync, false);
    vda_log_limited(VDA_LOG_ERROR, __func__, why,
                    "framing error: %s; reopening the port in %u ms to resynchronise", why,
                    (unsigned)delay);
    vds_port_close(p, "resync needed");
    /* The host resets its side when it sees the port closed: give it time
     * to notice, and never reopen into the same bytes in a busy loop. */
    p->open_at = GetTickCount64() + delay;
    return;
  }
  vds_backoff_healthy(&p->resync);
  vds_read_guard_progress(&p->empty);
  /* A callback may have closed the port (the agent went) or broken it. */
  if (p->out.broken)
    vds_port_close_if_broken(p);
  else
    vds_port_update_reading(p);
}

void vds_port_on_write(vds_port *p)
{
  DWORD err = vda_stream_write_continue(p->stream);
  if (err != ERROR_SUCCESS) {
    vds_port_close(p, vda_win_strerror(err));
    return;
  }
  /* Wine ends a gathering read early when a write on the same pty
   * completes: not the idle spin the guard is for (read_guard.h). */
  vds_read_guard_progress(&p->empty);
}
