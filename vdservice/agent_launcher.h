/* Starting vdagent.exe in the active console session, connected to the
 * service by a private pipe.
 *
 * The pipe has a random name, one instance (FILE_FLAG_FIRST_PIPE_INSTANCE,
 * so nobody can squat the name first) and a DACL that admits only SYSTEM.
 * The service opens the client end itself, makes only that handle
 * inheritable by the child, and closes its copy after the launch: the one
 * instance is connected before the agent even runs, so no other process can
 * open it, and the name is useless to anyone else.
 *
 * The agent runs as LocalSystem in the console session (the service's token
 * with its session id changed), like the upstream agent, so it can follow
 * the input desktop onto the logon and UAC secure desktops; see
 * docs/ARCHITECTURE.md for the argument. It is placed in a job that kills it
 * if the service dies, so it never outlives the port owner.
 */
#ifndef VDS_AGENT_LAUNCHER_H
#define VDS_AGENT_LAUNCHER_H

#include <stdbool.h>
#include <windows.h>

typedef struct vds_agent_proc {
  HANDLE process; /* signalled when the agent exits */
  DWORD pid;
  DWORD session;
  HANDLE pipe; /* service end, overlapped, connected */
  WCHAR pipe_name[96];
} vds_agent_proc;

/* Launches exe_path in `session`. On failure returns the Win32 error and
 * leaves *out empty; everything half-made is released. */
DWORD vds_agent_launch(const wchar_t *exe_path, DWORD session, HANDLE job, vds_agent_proc *out);

/* Closes the handles of a launched agent (does not stop it). */
void vds_agent_proc_release(vds_agent_proc *p);

/* A job object whose processes die when its last handle closes. NULL when
 * the system refuses (the agent then simply is not tied to the service). */
HANDLE vds_agent_job_create(void);

#endif
