/* spice-host-core: SpiceCoreInterface (timers, fd watches) on the GLib main loop. */
#ifndef SPICE_HOST_CORE_H
#define SPICE_HOST_CORE_H

#include <stdbool.h>
#include <spice.h>

/* The core interface for spice_server_init; VERBOSE logs channel events. */
SpiceCoreInterface *host_core(bool verbose);

#endif
