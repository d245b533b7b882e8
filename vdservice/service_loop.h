/* The service's event loop: owns the port, speaks the protocol, and
 * (from the Service issue on) talks to the session agent. */
#ifndef VDS_SERVICE_LOOP_H
#define VDS_SERVICE_LOOP_H

#include <windows.h>

typedef struct vds_loop_options {
  const wchar_t *port_path; /* normally VDA_PORT_PATH */
} vds_loop_options;

/* Runs until stop_event is signalled. Returns a process exit code. */
int vds_loop_run(const vds_loop_options *opt, HANDLE stop_event);

#endif
