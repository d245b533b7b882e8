/* The service's event loop: owns the port, supervises the session agent and
 * routes messages between them (see service_state.h for the parts). */
#ifndef VDS_SERVICE_LOOP_H
#define VDS_SERVICE_LOOP_H

#include <stdint.h>
#include <windows.h>

#define VDS_PORT_PATH L"\\\\.\\Global\\com.redhat.spice.0"

typedef struct vds_loop_options {
  const wchar_t *port_path;  /* normally VDS_PORT_PATH */
  const wchar_t *agent_path; /* vdagent.exe beside vdservice.exe */
  uint64_t max_clipboard;    /* bytes (MaxClipboard); 0: the protocol default */
} vds_loop_options;

/* Runs until stop_event is signalled. Returns a process exit code. */
int vds_loop_run(const vds_loop_options *opt, HANDLE stop_event);

#endif
