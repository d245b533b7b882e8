/* Session changes travel from the SCM's control-handler thread to the
 * service loop through this small bounded queue; its event wakes the loop.
 * When full, the oldest entries are overwritten (the newest state is what
 * matters); the loss is counted and logged once by the next pop. */
#ifndef VDS_SESSION_QUEUE_H
#define VDS_SESSION_QUEUE_H

#include <stdbool.h>
#include <windows.h>

bool vds_session_queue_init(void);
void vds_session_queue_push(DWORD event, DWORD session);
bool vds_session_queue_pop(DWORD *event, DWORD *session);
HANDLE vds_session_queue_event(void);

#endif
