/* spice-host-xgrab: reads the whole X screen (the guest's framebuffer). */
#ifndef SPICE_HOST_XGRAB_H
#define SPICE_HOST_XGRAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  const uint8_t *data; /* top-down rows of 32-bit pixels, B G R X bytes */
  size_t stride;
} XGrabFrame;

/* Open the X display NAME; false (logged) when it cannot be used. */
bool xgrab_open(const char *name);
/* The root window's size now (it changes with xrandr). */
bool xgrab_size(int *w, int *h);
/* Whether anything was drawn on the screen since the last call (always true
 * without the DAMAGE extension). Call it just before xgrab_frame. */
bool xgrab_changed(void);
/* Size the grab buffer for a WxH screen; false (logged) on failure. */
bool xgrab_resize(int w, int h);
/* Read the whole screen (the size given to xgrab_resize). False when the
 * grab failed, e.g. the screen was resized meanwhile: try again later. The
 * frame stays valid until the next xgrab_* call. */
bool xgrab_frame(XGrabFrame *f);

#endif
