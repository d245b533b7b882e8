/* spice-host-display: the guest's X screen offered as a SPICE display (QXL interface). */
#ifndef SPICE_HOST_DISPLAY_H
#define SPICE_HOST_DISPLAY_H

#include <stdbool.h>
#include <spice.h>

typedef struct {
  const char *x_display; /* X display name to read the framebuffer from */
  unsigned fps;          /* grab rate, 1..60 */
  bool verbose;
} HostDisplayConfig;

/* --image-compression NAME (NULL = "off"); false for an unknown name. */
bool host_display_parse_compression(const char *name, SpiceImageCompression *out);

/* Before spice_server_init: lossless only, so a test can compare the client's
 * pixels with the X screen exactly: the chosen lossless image compression,
 * never JPEG or zlib-over-GLZ, and no video streams (spice-server would turn
 * a region that changes often into MJPEG). */
void host_display_server_settings(SpiceServer *s, SpiceImageCompression compression);

/* Open the X display, add a QXL instance to SERVER (after spice_server_init)
 * and start the grab timer on the default GLib main context. Prints
 * "DISPLAY <w>x<h>" on stdout each time the primary surface is (re)created.
 * Returns false, with a message on stderr, when the display cannot be used. */
bool host_display_start(SpiceServer *server, const HostDisplayConfig *cfg);

/* One line of figures (frames, updates, bytes, grab cost) on stderr. */
void host_display_report(void);

#endif
