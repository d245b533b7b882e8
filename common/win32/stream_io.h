/* A byte stream over an overlapped handle: the virtio-serial port
 * (\\.\Global\com.redhat.spice.0) and the service <-> agent pipe.
 *
 * Reads are exact-size by default: the caller asks for exactly the bytes
 * its framing needs next (a header, then a body). On Wine's pty a read of N
 * bytes completes only when N bytes arrived, and a real virtio-serial port
 * or a pipe may return fewer: the caller loops on short reads. A serial
 * device can be told to end a read at a pause instead
 * (vda_stream_gather_reads): then one read may take whatever the framing
 * knows is coming, up to a whole buffer.
 *
 * Writes go through a bounded queue with one overlapped write in flight, so
 * an event loop never blocks on a peer that is slow to drain; what queues
 * behind the write in flight is gathered into writes of up to 64 KiB, or
 * what vda_stream_set_io_size says.
 *
 * Both directions signal a manual-reset event the owner's loop waits on.
 */
#ifndef VDA_WIN32_STREAM_IO_H
#define VDA_WIN32_STREAM_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <windows.h>

typedef struct vda_stream vda_stream;

/* Opens a device or pipe path exclusively. Returns ERROR_SUCCESS or the
 * Win32 error (ERROR_FILE_NOT_FOUND when the device is not there yet,
 * ERROR_ACCESS_DENIED when someone else has it open). queue_limit bounds the
 * bytes waiting to be written. */
DWORD vda_stream_open(const wchar_t *path, size_t queue_limit, vda_stream **out);
/* Takes ownership of an overlapped handle (closed by vda_stream_close, also
 * on failure). */
DWORD vda_stream_wrap(HANDLE handle, size_t queue_limit, vda_stream **out);

/* Closes the stream: cancels pending I/O, waits for it to settle, frees the
 * queue. Safe with NULL. */
void vda_stream_close(vda_stream *s);

/* --- reading --- */

/* Starts an overlapped read of at most `len` bytes (len <= vda_stream_read_max,
 * VDA_STREAM_READ_MAX unless set otherwise). The port asks for exactly what
 * its framing needs; the pipe (byte mode, which completes a read with
 * whatever has arrived) asks for a whole buffer, so one read takes many
 * frames. Returns ERROR_SUCCESS or the Win32 error. */
#define VDA_STREAM_READ_MAX (64 * 1024)
DWORD vda_stream_read_start(vda_stream *s, size_t len);
/* The largest read and the size writes are gathered up to, each between
 * VDA_STREAM_READ_MAX and VDA_STREAM_IO_SIZE_MAX (see ipc_link.h for the
 * pipe's). Only while no read is pending (ERROR_IO_PENDING otherwise);
 * ERROR_NOT_ENOUGH_MEMORY leaves the stream as it was. */
#define VDA_STREAM_IO_SIZE_MAX (4 * 1024 * 1024)
DWORD vda_stream_set_io_size(vda_stream *s, size_t read_max, size_t gather);
size_t vda_stream_read_max(const vda_stream *s);
HANDLE vda_stream_read_event(const vda_stream *s);
/* Serial devices only (Wine's pty): a read then completes when its buffer is
 * full or when no byte has arrived for gap_ms after the first one
 * (COMMTIMEOUTS.ReadIntervalTimeout, the same rule on Windows and in Wine).
 * Without it each read on the pty ends at the tty's 4 KiB buffer or earlier,
 * and under Wine every read costs several wineserver round trips. False when
 * the device takes no serial timeouts (a virtio-serial port): reads stay
 * exact-size there. gap_ms 0 turns it off.
 * Wine differs: its interval timer can end a read before the first byte,
 * which vda_stream_read_finish reports as ERROR_TIMEOUT with nothing read
 * (Windows never does); the caller reads again. */
bool vda_stream_gather_reads(vda_stream *s, DWORD gap_ms);
bool vda_stream_gathers(const vda_stream *s);
/* Bytes that have arrived and wait to be read, as the device reports them
 * (ClearCommError's cbInQue: a serial device such as Wine's pty); 0 when
 * none wait or the device cannot tell (then it is never asked again). A
 * read of at most this many bytes completes at once on any device. */
size_t vda_stream_available(vda_stream *s);
/* A read was started and not yet collected: only then is waiting on the read
 * event meaningful. */
bool vda_stream_read_pending(const vda_stream *s);
/* After the read event is signalled: data and got describe what arrived (may be
 * fewer bytes than asked). Returns ERROR_SUCCESS, or an error: the peer is
 * gone or the handle broken. A zero-byte success is reported as
 * ERROR_HANDLE_EOF, since on the pty it means the host side closed. */
DWORD vda_stream_read_finish(vda_stream *s, const unsigned char **data, size_t *got);

/* --- writing --- */

/* Appends bytes to the write queue (copied). Returns false when the queue
 * would exceed its limit: nothing is queued then, and the caller applies
 * back-pressure or drops with a log line. */
bool vda_stream_write(vda_stream *s, const void *data, size_t len);
/* Bytes queued and not yet written. */
/* Appends a then b as one unit: both are queued or neither is (a frame
 * header and its payload never get separated by a refusal). */
bool vda_stream_write2(vda_stream *s, const void *a, size_t alen, const void *b, size_t blen);
size_t vda_stream_queued(const vda_stream *s);
HANDLE vda_stream_write_event(const vda_stream *s);
/* Call when the write event is signalled: completes the write in flight and
 * starts the next. Returns ERROR_SUCCESS or the Win32 error of the failed write. */
DWORD vda_stream_write_continue(vda_stream *s);

/* I/O operations started since the stream opened: what a benchmark divides
 * by the bytes moved to see how many round trips a MiB costs. */
typedef struct vda_stream_stats {
  unsigned long long reads, writes;
  unsigned long long read_bytes;    /* collected by vda_stream_read_finish */
  unsigned long long written_bytes; /* completed writes */
} vda_stream_stats;
vda_stream_stats vda_stream_get_stats(const vda_stream *s);

#endif
