/* spice-host-inject: the --inject unix socket, cut into whole chunks. */
#ifndef SPICE_HOST_INJECT_H
#define SPICE_HOST_INJECT_H

#include <stdbool.h>

#include <glib.h>

/* Listen on PATH (replaced if it exists). Each whole chunk received
 * (VDIChunkHeader {u32 port, u32 size} LE + size bytes), and the leftover of
 * a connection that closes mid-chunk, goes to QUEUE (which owns it); KICK is
 * called after each batch so the port can write what was queued. */
bool inject_socket_listen(const char *path, void (*queue)(GBytes *chunk), void (*kick)(void));

#endif
