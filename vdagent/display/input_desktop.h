/* Following the input desktop.
 *
 * Input and mode changes only work on the desktop that receives input now:
 * the user's Default desktop, the logon (Winlogon) desktop or the UAC
 * secure desktop. The agent runs as SYSTEM in the console session, so it may
 * open any of them; before injecting input or changing modes, a thread calls
 * vda_input_desktop_follow(), which moves it to the current input desktop
 * when that changed. A thread that owns windows cannot switch desktops, so
 * only the input (main) and display worker threads call it.
 *
 * Wine has one desktop: there the call is a cheap no-op, and the switching
 * itself is proven only on Windows. */
#ifndef VDA_INPUT_DESKTOP_H
#define VDA_INPUT_DESKTOP_H

#include <stdbool.h>

/* Returns false (and logs once per change) when the input desktop cannot be
 * opened or entered; the caller acts on its current desktop anyway. */
bool vda_input_desktop_follow(void);

#endif
