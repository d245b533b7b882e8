/* spice-host-xgrab: reads the whole X screen for spice-host-display.
 *
 * The Xorg dummy screen Wine draws on is the guest's framebuffer. It is read
 * with MIT-SHM (XShmGetImage into one screen-sized segment, no per-frame
 * allocation) when the server has it, else with XGetImage. Only 32 bits per
 * pixel (depth 24, the rig's Xorg) is accepted: that is SPICE's 32-bit xRGB
 * layout in memory, so frames are used as they are.
 *
 * With the DAMAGE extension (Xorg has it) a damage object on the root window
 * (which includes what is drawn into its children, i.e. every Wine window)
 * says whether anything was drawn since the last grab, so an idle screen costs
 * no grab at all; without it every tick grabs.
 *
 * X errors do not kill the host: a resize between reading the size and the
 * grab gives BadMatch, which is logged (rate-limited) and makes that grab
 * fail; the caller tries again on its next tick with the new size. Losing the
 * X connection is fatal (there is nothing left to show).
 */
#define _GNU_SOURCE
#include "spice-host-xgrab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <glib.h>

#define X_ERROR_LOG_EVERY_US 5000000 /* rate limit for X error lines */

static struct {
  Display *dpy;
  Window root;
  bool use_shm;
  XShmSegmentInfo shm;
  XImage *img; /* shm: the screen-sized target; else the last XGetImage */
  int width, height;
  bool have_damage;
  Damage damage; /* on the root window, reports when it becomes non-empty */
  int damage_event;
  int x_error; /* last X error code seen by the handler, 0 = none */
  gint64 x_error_logged;
} xg;

static int x_error_handler(Display *d, XErrorEvent *e)
{
  xg.x_error = e->error_code;
  gint64 now = g_get_monotonic_time();
  if (now - xg.x_error_logged >= X_ERROR_LOG_EVERY_US) {
    char text[128];
    XGetErrorText(d, e->error_code, text, sizeof text);
    fprintf(stderr, "spice-host: X error while reading the screen: %s (request %d)\n", text,
            e->request_code);
    xg.x_error_logged = now;
  }
  return 0;
}

static int x_io_error_handler(Display *d)
{
  fprintf(stderr, "spice-host: lost the X display %s: exiting\n", DisplayString(d));
  fflush(stderr);
  _exit(1);
}

bool xgrab_open(const char *name)
{
  XSetErrorHandler(x_error_handler);
  XSetIOErrorHandler(x_io_error_handler);
  xg.dpy = XOpenDisplay(name);
  if (!xg.dpy) {
    fprintf(stderr, "spice-host: cannot open X display '%s' (--no-display runs without one)\n",
            name ? name : "");
    return false;
  }
  xg.root = DefaultRootWindow(xg.dpy);
  xg.use_shm = XShmQueryExtension(xg.dpy);
  if (!xg.use_shm)
    fprintf(stderr, "spice-host: no MIT-SHM on %s: using XGetImage\n", name);
  int damage_error;
  xg.have_damage = XDamageQueryExtension(xg.dpy, &xg.damage_event, &damage_error);
  if (xg.have_damage)
    xg.damage = XDamageCreate(xg.dpy, xg.root, XDamageReportNonEmpty);
  else
    fprintf(stderr, "spice-host: no DAMAGE on %s: grabbing on every tick\n", name);
  return true;
}

bool xgrab_changed(void)
{
  if (!xg.have_damage)
    return true;
  bool drawn = false;
  while (XPending(xg.dpy)) {
    XEvent e;
    XNextEvent(xg.dpy, &e);
    if (e.type == xg.damage_event + XDamageNotify)
      drawn = true;
  }
  /* cleared before the grab: whatever is drawn after it notifies again */
  if (drawn)
    XDamageSubtract(xg.dpy, xg.damage, None, None);
  return drawn;
}

bool xgrab_size(int *w, int *h)
{
  Window r;
  int x, y;
  unsigned uw, uh, border, depth;
  xg.x_error = 0;
  if (!XGetGeometry(xg.dpy, xg.root, &r, &x, &y, &uw, &uh, &border, &depth) || xg.x_error)
    return false;
  *w = (int)uw;
  *h = (int)uh;
  return true;
}

static void buffer_free(void)
{
  if (!xg.img)
    return;
  if (xg.use_shm) {
    XShmDetach(xg.dpy, &xg.shm);
    XSync(xg.dpy, False);
    xg.img->data = NULL; /* the segment is not Xlib's to free */
    XDestroyImage(xg.img);
    shmdt(xg.shm.shmaddr);
  } else {
    XDestroyImage(xg.img);
  }
  xg.img = NULL;
}

/* one exit path for a half-built shm image */
static bool shm_fail(const char *what, int err)
{
  fprintf(stderr, "spice-host: %s: %s\n", what, err ? strerror(err) : "failed");
  if (xg.img) {
    xg.img->data = NULL;
    XDestroyImage(xg.img);
    xg.img = NULL;
  }
  if (xg.shm.shmaddr && xg.shm.shmaddr != (char *)-1)
    shmdt(xg.shm.shmaddr);
  xg.shm.shmaddr = NULL;
  return false;
}

bool xgrab_resize(int w, int h)
{
  buffer_free();
  xg.width = w;
  xg.height = h;
  if (!xg.use_shm)
    return true; /* XGetImage allocates per grab */
  int scr = DefaultScreen(xg.dpy);
  xg.shm.shmaddr = NULL;
  xg.img = XShmCreateImage(xg.dpy, DefaultVisual(xg.dpy, scr), (unsigned)DefaultDepth(xg.dpy, scr),
                           ZPixmap, NULL, &xg.shm, (unsigned)w, (unsigned)h);
  if (!xg.img)
    return shm_fail("XShmCreateImage", 0);
  if (xg.img->bits_per_pixel != 32) {
    fprintf(stderr, "spice-host: the X screen has %d bits per pixel, need 32\n",
            xg.img->bits_per_pixel);
    return shm_fail("X screen format", 0);
  }
  size_t size = (size_t)xg.img->bytes_per_line * (size_t)h;
  xg.shm.shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
  if (xg.shm.shmid < 0)
    return shm_fail("shmget", errno);
  xg.shm.shmaddr = xg.img->data = shmat(xg.shm.shmid, NULL, 0);
  int err = errno;
  /* marked for removal at once: it goes away with the last detach, even on a crash */
  shmctl(xg.shm.shmid, IPC_RMID, NULL);
  if (xg.shm.shmaddr == (char *)-1)
    return shm_fail("shmat", err);
  xg.shm.readOnly = False;
  if (!XShmAttach(xg.dpy, &xg.shm))
    return shm_fail("XShmAttach", 0);
  XSync(xg.dpy, False);
  return true;
}

bool xgrab_frame(XGrabFrame *f)
{
  xg.x_error = 0;
  if (xg.use_shm) {
    if (!xg.img || !XShmGetImage(xg.dpy, xg.root, xg.img, 0, 0, AllPlanes))
      return false;
  } else {
    if (xg.img)
      XDestroyImage(xg.img);
    xg.img = XGetImage(xg.dpy, xg.root, 0, 0, (unsigned)xg.width, (unsigned)xg.height, AllPlanes,
                       ZPixmap);
    if (!xg.img)
      return false;
    if (xg.img->bits_per_pixel != 32) {
      static bool told; /* once: this repeats on every tick */
      if (!told)
        fprintf(stderr, "spice-host: the X screen has %d bits per pixel, need 32\n",
                xg.img->bits_per_pixel);
      told = true;
      return false;
    }
  }
  if (xg.x_error)
    return false;
  f->data = (const uint8_t *)xg.img->data;
  f->stride = (size_t)xg.img->bytes_per_line;
  return true;
}
