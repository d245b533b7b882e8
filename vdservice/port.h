/* The client port: owns the virtio-serial stream
 * (\\.\Global\com.redhat.spice.0), the reader that reassembles and
 * validates what arrives, the outgoing side (port_out.h: the framer of the
 * agent->client message on the wire and the deferred queue of the service's
 * own messages) and the reopen cycle with its backoff (250 ms -> 5 s, the
 * reason logged once per change).
 *
 * It knows nothing of the agent: what it reads goes to the reader's ops
 * (the mux), and the loop answers through vds_port_events whether reading
 * may continue (back-pressure) and what to say on opening. */
#ifndef VDS_PORT_H
#define VDS_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#include "agent_policy.h"
#include "port_out.h"
#include "read_guard.h"
#include "stream_io.h"
#include "vda_reader.h"

/* A read that gathers ends this long after the last byte (see
 * vda_stream_gather_reads): long against the tty refilling its buffer
 * (microseconds), short against anything a person sees. */
#define VDS_PORT_READ_GAP_MS 2u

typedef struct vds_port_events {
  /* Just opened (the reader is fresh): announce. */
  void (*opened)(void *ctx);
  /* Just closed, for whatever reason: the host forgets the client's side
   * with the port (optional). */
  void (*closed)(void *ctx);
  /* False while the agent is behind: the host waits instead of our queue
   * growing. */
  bool (*may_read)(void *ctx);
} vds_port_events;

typedef struct vds_port {
  const wchar_t *path;
  size_t queue_limit;
  vda_stream *stream;   /* NULL while closed */
  bool reading;         /* a read is in flight */
  vds_read_guard empty; /* gathering reads that ended with nothing */
  vda_reader *reader;
  vds_port_out out;
  vds_backoff retry;
  /* Reopens after framing errors: a stream that stays desynchronised after
   * a reopen (the host still delivering the rest of a message) is retried
   * 250 ms, 500 ms ... 5 s apart, never in a busy loop; a chunk that frames
   * correctly resets it. */
  vds_backoff resync;
  DWORD last_open_error;
  uint64_t open_at;
  const vds_port_events *ev;
  void *ev_ctx;
} vds_port;

/* ours: what we announce, for the reader. False when out of memory. */
bool vds_port_init(vds_port *p, const wchar_t *path, size_t queue_limit,
                   const vda_reader_ops *reader_ops, void *reader_ctx, const vda_caps *ours,
                   const vds_port_events *ev, void *ev_ctx);
void vds_port_free(vds_port *p);

bool vds_port_is_open(const vds_port *p);
/* The Win32 error of the last failed open (ERROR_SUCCESS: none since the
 * last success), for `vdservice status`. */
DWORD vds_port_last_error(const vds_port *p);
/* Opens the port when a retry is due. */
void vds_port_try_open(vds_port *p, uint64_t now);
/* When the next attempt is due (GetTickCount64 time). */
uint64_t vds_port_open_at(const vds_port *p);
/* The next attempt is due now. */
void vds_port_open_soon(vds_port *p);
void vds_port_close(vds_port *p, const char *why);
/* Closes the port if writing to it failed. */
void vds_port_close_if_broken(vds_port *p);

void vds_port_set_caps(vds_port *p, const vda_caps *ours);
void vds_port_reset_client(vds_port *p);
const vda_negotiated *vds_port_negotiated(const vds_port *p);

/* Outgoing (see port_out.h); all do nothing while closed. */
void vds_port_send(vds_port *p, uint32_t type, const void *body, size_t size);
void vds_port_send_own(vds_port *p, const vda_body *b);
bool vds_port_busy(const vds_port *p);
void vds_port_begin(vds_port *p, uint32_t type, uint32_t size);
void vds_port_write(vds_port *p, const void *data, size_t len);
void vds_port_end(vds_port *p);
size_t vds_port_queued(const vds_port *p);

/* Starts the next read unless one is in flight or may_read says wait. */
void vds_port_update_reading(vds_port *p);
/* The read or write event of an open port. */
HANDLE vds_port_read_event(const vds_port *p);
HANDLE vds_port_write_event(const vds_port *p);
void vds_port_on_read(vds_port *p);
void vds_port_on_write(vds_port *p);

#endif
