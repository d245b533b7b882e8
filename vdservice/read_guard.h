/* When the service's gathering port reads give up and go back to exact
 * sizes. Free of Win32 so it is unit-tested natively (port.c feeds it).
 *
 * Under Wine a read with a serial interval timeout on the pty can end
 * before its first byte (ERROR_TIMEOUT): the port reads again. Should that
 * keep happening with nothing else going on, the read loop would spin, so
 * after VDS_READ_GUARD_EMPTY_MAX empty reads in a row it falls back to
 * exact-size reads. Two things end a run: a read with data, and a port
 * write completing - Wine also ends a pending read when a write on the same
 * pty completes (65 empty reads in a row over one 20 MiB guest -> client
 * paste). Counting those made the port read exact sizes for the rest of the
 * service's life, and every later client -> guest paste 2 to 3 times slower. */
#ifndef VDS_READ_GUARD_H
#define VDS_READ_GUARD_H

#include <stdbool.h>

#define VDS_READ_GUARD_EMPTY_MAX 64u

typedef struct vds_read_guard {
  unsigned empty; /* empty reads since data or a write completed */
} vds_read_guard;

void vds_read_guard_reset(vds_read_guard *g);
/* A read ended with nothing: true when reads should stop gathering. */
bool vds_read_guard_empty(vds_read_guard *g);
/* A read brought data, or a write completed: the run of empties ends. */
void vds_read_guard_progress(vds_read_guard *g);
/* Empty reads in the current run (for the log line). */
unsigned vds_read_guard_count(const vds_read_guard *g);

#endif
