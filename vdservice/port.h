/* The virtio-serial port, \\.\Global\com.redhat.spice.0, with overlapped I/O.
 *
 * Reads are exact-size: the caller asks for exactly the bytes the framing
 * needs next (8 for a chunk header, then the chunk body). On Wine's pty a
 * read of N bytes completes only when N bytes arrived, and a real
 * virtio-serial port may return fewer: the caller loops on short reads.
 *
 * Writes go through a bounded queue with one overlapped write in flight, so
 * the service loop never blocks on a host that is slow to drain.
 *
 * Both directions signal a manual-reset event the service loop waits on.
 */
#ifndef VDA_PORT_H
#define VDA_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <windows.h>

#define VDA_PORT_PATH L"\\\\.\\Global\\com.redhat.spice.0"

typedef struct vda_port vda_port;

/* Opens the port. Returns ERROR_SUCCESS or the Win32 error (ERROR_FILE_NOT_FOUND
 * when the device is not there yet, ERROR_ACCESS_DENIED when someone else has
 * it open). queue_limit bounds the bytes waiting to be written. */
DWORD vda_port_open(const wchar_t *path, size_t queue_limit, vda_port **out);

/* Closes the port: cancels pending I/O, waits for it to settle, frees the
 * queue. Safe with NULL. */
void vda_port_close(vda_port *port);

/* --- reading --- */

/* Starts an overlapped read of exactly `len` bytes (len <= VDA_PORT_READ_MAX).
 * Returns ERROR_SUCCESS or the Win32 error. */
#define VDA_PORT_READ_MAX 4096
DWORD vda_port_read_start(vda_port *port, size_t len);
HANDLE vda_port_read_event(const vda_port *port);
/* After the read event is signalled: data and got describe what arrived (may be
 * fewer bytes than asked). Returns ERROR_SUCCESS, or an error: the port is
 * gone (host closed it) or broken. A zero-byte success is reported as
 * ERROR_HANDLE_EOF, since on the pty it means the host side closed. */
DWORD vda_port_read_finish(vda_port *port, const unsigned char **data, size_t *got);

/* --- writing --- */

/* Appends bytes to the write queue (copied). Returns false when the queue
 * would exceed its limit: nothing is queued then, and the caller applies
 * back-pressure or drops with a log line. */
bool vda_port_write(vda_port *port, const void *data, size_t len);
/* Bytes queued and not yet written. */
size_t vda_port_queued(const vda_port *port);
HANDLE vda_port_write_event(const vda_port *port);
/* Call when the write event is signalled: completes the write in flight and
 * starts the next. Returns ERROR_SUCCESS or the Win32 error of the failed write. */
DWORD vda_port_write_continue(vda_port *port);

#endif
