/* The agent's main loop: the pipe to the service and the dispatch of what
 * arrives on it to the feature modules. */
#ifndef VDA_AGENT_LOOP_H
#define VDA_AGENT_LOOP_H

#include <stdbool.h>
#include <windows.h>

/* Runs until the pipe closes. `hang` (test mode) stops answering after the
 * hello, to let tests prove the service's hang detection. */
int vda_agent_loop_run(HANDLE pipe, bool hang);

#endif
