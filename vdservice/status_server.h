/* The service's side of `vdservice status`: one named pipe
 * (VDS_STATUS_PIPE_NAME) that only Administrators and SYSTEM may open
 * (VDS_STATUS_PIPE_SDDL, local clients only, a single instance the service
 * creates first so nobody can squat the name), served from the service loop
 * without ever blocking it.
 *
 * One client at a time: a connection gets one bounded reply (the snapshot,
 * status_format.h), then the server waits for the client to close its end
 * (closing ours first would discard what it has not read) and listens
 * again. Every step is one overlapped operation on one event the loop
 * waits on; a client that neither reads nor closes within
 * VDS_STATUS_CLIENT_MS is disconnected. If the pipe cannot be created (the
 * name taken), that is logged once per distinct error and retried every
 * VDS_STATUS_RETRY_MS; the service runs on without it.
 *
 * What the loop owns (port, agent, client) comes through the fill callback,
 * from their read-only getters; the server adds the version, the settings
 * as the registry holds them now (with their source) and the log's last
 * warnings. */
#ifndef VDS_STATUS_SERVER_H
#define VDS_STATUS_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#include "status_format.h"

/* Administrators and SYSTEM; no inherited entries. */
#define VDS_STATUS_PIPE_SDDL L"D:P(A;;GA;;;SY)(A;;GA;;;BA)"
#define VDS_STATUS_CLIENT_MS 2000u
#define VDS_STATUS_RETRY_MS 5000u

typedef void (*vds_status_fill_fn)(void *ctx, vds_status *out);

typedef enum vds_status_state {
  VDS_STATUS_IDLE,      /* no pipe (not created yet, or retrying) */
  VDS_STATUS_LISTENING, /* ConnectNamedPipe pending */
  VDS_STATUS_WRITING,   /* the reply is being written */
  VDS_STATUS_DRAINING,  /* waiting for the client to close */
} vds_status_state;

typedef struct vds_status_server {
  const wchar_t *name;
  const char *version;
  vds_status_fill_fn fill;
  void *fill_ctx;
  HANDLE pipe; /* NULL while IDLE */
  OVERLAPPED ov;
  vds_status_state state;
  uint64_t deadline; /* WRITING/DRAINING: disconnect then */
  uint64_t retry_at; /* IDLE: create the pipe then */
  DWORD last_error;  /* logged once per change */
  vds_status *snap;  /* heap: large */
  char *reply;       /* heap: VDS_STATUS_REPLY_MAX */
  uint8_t sink[16];  /* what a client writes is read and ignored */
} vds_status_server;

/* False when out of memory (logged). The pipe is created at the first tick. */
bool vds_status_server_init(vds_status_server *s, const wchar_t *name, const char *version,
                            vds_status_fill_fn fill, void *fill_ctx);
void vds_status_server_free(vds_status_server *s);

/* Creates the pipe when due, disconnects a client past its deadline. */
void vds_status_server_tick(vds_status_server *s, uint64_t now);
/* When tick has something to do (UINT64_MAX: nothing). */
uint64_t vds_status_server_next_due(const vds_status_server *s);
/* The event of the operation in flight; NULL when none. */
HANDLE vds_status_server_event(const vds_status_server *s);
/* That event was signalled. */
void vds_status_server_on_event(vds_status_server *s, uint64_t now);

/* The pipe instance as the server creates it (its security descriptor and
 * flags), for tests. Returns ERROR_SUCCESS or the Win32 error. */
DWORD vds_status_pipe_create(const wchar_t *name, HANDLE *out);

#endif
