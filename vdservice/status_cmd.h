/* `vdservice status`: asks the running service through its status pipe
 * (status_server.h), adds what the Service Control Manager says, prints the
 * snapshot (status_format.h) and returns the exit code:
 *   0  the service runs, the port is open, the agent is ready and a client
 *      is connected with the capabilities auto-fit and clipboard need;
 *   1  something of that is missing (the verdict line says what);
 *   2  the service could not be asked: access denied (only Administrators
 *      and SYSTEM may), no answer in time, or a malformed reply. */
#ifndef VDS_STATUS_CMD_H
#define VDS_STATUS_CMD_H

#include <stddef.h>
#include <windows.h>

#define VDS_STATUS_QUERY_MS 5000u

/* The verb. */
int vds_status_command(void);

/* One reply from the pipe `name` into buf (NUL-terminated; cap at least
 * VDS_STATUS_REPLY_MAX + 1), waiting at most timeout_ms in all (a busy
 * pipe included). Returns ERROR_SUCCESS, or the Win32 error
 * (ERROR_FILE_NOT_FOUND: nobody serves it; ERROR_ACCESS_DENIED: not an
 * administrator; ERROR_TIMEOUT; ERROR_INSUFFICIENT_BUFFER: a reply past
 * the bound). */
DWORD vds_status_query(const wchar_t *name, DWORD timeout_ms, char *buf, size_t cap, size_t *len);

#endif
