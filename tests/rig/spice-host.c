/* spice-host: the "VM host" side of the end-to-end test rig.
 *
 * Runs a real libspice-server on a GLib main loop, listening on 127.0.0.1 only,
 * with one "vdagent" char device whose bytes travel over a Linux pty. The guest
 * (the Windows agent under Wine, or null_agent.py) opens the pty slave, usually
 * through a symlink such as $WINEPREFIX/dosdevices/global/com.redhat.spice.0.
 *
 * stdout (line-buffered, machine-readable):
 *   READY port=<n> pty=<slave path>
 *   AGENT attached          the guest opened the port (interface added)
 *   AGENT detached          the guest closed the port (interface removed)
 *   DISPLAY <w>x<h>         the display's primary surface was (re)created
 *   EXIT                    on SIGTERM/SIGINT, just before exiting
 * Everything else goes to stderr.
 *
 * Raw injection (--inject PATH, spice-host-inject.c): a unix stream socket. Bytes received on a
 * connection are split into whole chunks (VDIChunkHeader {u32 port, u32 size}
 * little-endian + size bytes) and written to the pty towards the guest, only
 * at chunk boundaries of the server's own stream, so server traffic and
 * injected chunks never interleave inside a chunk. Bytes left over when a
 * connection closes (an incomplete chunk) are written as they are, which lets a
 * test send deliberately malformed data. Injected data is dropped while no
 * guest has the port open. Limitation: the rig's boundary tracking trusts the
 * server's chunk headers; it does not try to resynchronise if they were bad.
 *
 * Display (spice-host-display.c): by default the X screen of --x-display (or
 * $DISPLAY) is offered as a SPICE display, which also enables client-mouse
 * mode. Without an X display, or with --no-display, only the port is offered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <spice.h>

#include "spice-host-core.h"
#include "spice-host-audio.h"
#include "spice-host-display.h"
#include "spice-host-inject.h"

#define RBUF_CAP (256 * 1024) /* pty -> server buffer before we stop reading */
#define REOPEN_POLL_MS 20     /* how often to look for the guest opening the slave */

static bool verbose;

/* ------------------------------------------------------------------------ */
/* The vdagent port on a pty                                                 */

static struct {
  SpiceServer *server;
  SpiceCharDeviceInstance sin;
  int master;
  char slave[PATH_MAX];

  bool attached;
  guint in_watch;     /* master readable/HUP while attached */
  guint out_watch;    /* master writable, only while something is blocked */
  guint reopen_timer; /* looks for the guest opening the slave while detached */
  guint detach_idle;
  bool read_paused;

  GByteArray *rbuf; /* pty -> server */
  size_t rpos;

  /* boundary tracking of the server -> guest stream */
  uint8_t hdr[8];
  uint32_t hdr_have;
  uint32_t body_left;
  bool server_blocked; /* server write returned short: wake it when writable */

  GQueue inject_q; /* GBytes, whole chunks (or raw leftovers) */
  size_t inject_off;
} rig = {.master = -1};

static GMainLoop *loop;

static void out_watch_ensure(void);
static gboolean in_cb(gint fd, GIOCondition cond, gpointer data);

static bool at_boundary(void)
{
  return rig.hdr_have == 0 && rig.body_left == 0;
}

static void stream_advance(const uint8_t *p, size_t n)
{
  while (n) {
    if (rig.body_left == 0) {
      size_t take = MIN(n, 8 - rig.hdr_have);
      memcpy(rig.hdr + rig.hdr_have, p, take);
      rig.hdr_have += take;
      p += take;
      n -= take;
      if (rig.hdr_have == 8) {
        rig.body_left = (uint32_t)rig.hdr[4] | (uint32_t)rig.hdr[5] << 8 |
                        (uint32_t)rig.hdr[6] << 16 | (uint32_t)rig.hdr[7] << 24;
        rig.hdr_have = 0;
      }
    } else {
      size_t take = MIN(n, rig.body_left);
      rig.body_left -= (uint32_t)take;
      p += take;
      n -= take;
    }
  }
}

/* bytes the server may write before the next chunk boundary */
static size_t until_boundary(void)
{
  return rig.body_left ? rig.body_left : 8 - rig.hdr_have;
}

static void inject_clear(const char *why)
{
  size_t dropped = 0;
  GBytes *b;
  while ((b = g_queue_pop_head(&rig.inject_q))) {
    dropped += g_bytes_get_size(b);
    g_bytes_unref(b);
  }
  dropped -= rig.inject_off;
  rig.inject_off = 0;
  if (dropped)
    fprintf(stderr, "spice-host: dropped %zu injected bytes (%s)\n", dropped, why);
}

/* Write queued injected chunks while the server stream is at a boundary.
 * Returns true when the inject queue is empty. */
static bool inject_flush(void)
{
  if (!rig.attached) {
    inject_clear("agent not attached");
    return true;
  }
  if (!at_boundary())
    return g_queue_is_empty(&rig.inject_q);
  GBytes *b;
  while ((b = g_queue_peek_head(&rig.inject_q))) {
    size_t len;
    const uint8_t *data = g_bytes_get_data(b, &len);
    while (rig.inject_off < len) {
      ssize_t n = write(rig.master, data + rig.inject_off, len - rig.inject_off);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        if (errno == EAGAIN)
          out_watch_ensure();
        else
          fprintf(stderr, "spice-host: inject write: %s\n", strerror(errno));
        return false;
      }
      rig.inject_off += (size_t)n;
    }
    if (verbose)
      fprintf(stderr, "spice-host: injected %zu bytes\n", len);
    g_queue_pop_head(&rig.inject_q);
    g_bytes_unref(b);
    rig.inject_off = 0;
  }
  return true;
}

static gboolean out_cb(gint fd, GIOCondition cond, gpointer data)
{
  (void)fd;
  (void)data;
  if (cond & (G_IO_HUP | G_IO_ERR)) {
    /* the guest went away; the in-watch handles detaching */
    rig.out_watch = 0;
    return G_SOURCE_REMOVE;
  }
  rig.out_watch = 0;
  bool empty = inject_flush();
  /* Wake the server when nothing injected waits, or when it is in the middle
     * of a chunk: it must finish that chunk before the injected ones can go.
     * Otherwise inject_flush hit EAGAIN and re-armed this watch. */
  if (rig.server_blocked && rig.attached && (empty || !at_boundary())) {
    rig.server_blocked = false;
    spice_server_char_device_wakeup(&rig.sin);
  }
  return G_SOURCE_REMOVE;
}

static void out_watch_ensure(void)
{
  if (!rig.out_watch && rig.attached)
    rig.out_watch = g_unix_fd_add(rig.master, G_IO_OUT, out_cb, NULL);
}

static int vmc_write(SpiceCharDeviceInstance *sin, const uint8_t *buf, int len)
{
  (void)sin;
  if (!rig.attached || len <= 0)
    return 0;
  if (!g_queue_is_empty(&rig.inject_q) && at_boundary() && !inject_flush()) {
    rig.server_blocked = true;
    out_watch_ensure();
    return 0;
  }
  size_t total = 0;
  while (total < (size_t)len) {
    size_t want = (size_t)len - total;
    /* stop at the next boundary when injected chunks wait for one */
    if (!g_queue_is_empty(&rig.inject_q))
      want = MIN(want, until_boundary());
    ssize_t n = write(rig.master, buf + total, want);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EIO)
        fprintf(stderr, "spice-host: pty write: %s\n", strerror(errno));
      break;
    }
    stream_advance(buf + total, (size_t)n);
    total += (size_t)n;
    if (!g_queue_is_empty(&rig.inject_q) && at_boundary() && !inject_flush())
      break;
  }
  if (total < (size_t)len) {
    rig.server_blocked = true;
    out_watch_ensure();
  }
  return (int)total;
}

static void in_watch_start(void)
{
  if (!rig.in_watch && rig.attached)
    rig.in_watch = g_unix_fd_add(rig.master, G_IO_IN | G_IO_HUP | G_IO_ERR, in_cb, NULL);
}

static int vmc_read(SpiceCharDeviceInstance *sin, uint8_t *buf, int len)
{
  (void)sin;
  if (len <= 0)
    return 0;
  size_t avail = rig.rbuf->len - rig.rpos;
  size_t n = MIN(avail, (size_t)len);
  if (n) /* an empty GByteArray has no data pointer to copy from */
    memcpy(buf, rig.rbuf->data + rig.rpos, n);
  rig.rpos += n;
  if (rig.rpos == rig.rbuf->len) {
    g_byte_array_set_size(rig.rbuf, 0);
    rig.rpos = 0;
    if (rig.read_paused) {
      rig.read_paused = false;
      in_watch_start();
    }
  }
  return (int)n;
}

static void vmc_state(SpiceCharDeviceInstance *sin, int connected)
{
  (void)sin;
  if (verbose)
    fprintf(stderr, "spice-host: server set device state %d\n", connected);
}

static SpiceCharDeviceInterface vmc_sif = {
    .base =
        {
            .type = SPICE_INTERFACE_CHAR_DEVICE,
            .description = "spice-host vdagent pty",
            .major_version = SPICE_INTERFACE_CHAR_DEVICE_MAJOR,
            .minor_version = SPICE_INTERFACE_CHAR_DEVICE_MINOR,
        },
    .state = vmc_state,
    .write = vmc_write,
    .read = vmc_read,
    .flags = SPICE_CHAR_DEVICE_NOTIFY_WRITABLE,
};

/* read everything available from the master into rbuf; returns false on EIO (no slave) */
static bool pty_drain(void)
{
  uint8_t tmp[16384];
  for (;;) {
    if (rig.rbuf->len - rig.rpos >= RBUF_CAP)
      return true;
    ssize_t n = read(rig.master, tmp, sizeof tmp);
    if (n > 0) {
      if (rig.rpos && rig.rpos == rig.rbuf->len) {
        g_byte_array_set_size(rig.rbuf, 0);
        rig.rpos = 0;
      }
      g_byte_array_append(rig.rbuf, tmp, (guint)n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return true;
    return false; /* EIO: slave closed (or 0) */
  }
}

static gboolean reopen_cb(gpointer data);

/* Bytes the server wrote that the guest never read (the rest of a message
 * in flight when the guest closed the port) sit in the pty's buffer. A host
 * drops what a closed port never took, so a reopened port starts with a
 * fresh stream: flush the slave's input. */
static void discard_undelivered(void)
{
  int fd = open(rig.slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return;
  if (tcflush(fd, TCIFLUSH) < 0)
    fprintf(stderr, "spice-host: tcflush: %s\n", strerror(errno));
  close(fd);
}

static gboolean detach_cb(gpointer data)
{
  (void)data;
  rig.detach_idle = 0;
  if (!rig.attached)
    return G_SOURCE_REMOVE;
  if (rig.in_watch) {
    g_source_remove(rig.in_watch);
    rig.in_watch = 0;
  }
  if (rig.out_watch) {
    g_source_remove(rig.out_watch);
    rig.out_watch = 0;
  }
  rig.attached = false;
  spice_server_remove_interface(&rig.sin.base);
  discard_undelivered();
  g_byte_array_set_size(rig.rbuf, 0);
  rig.rpos = 0;
  rig.read_paused = false;
  rig.server_blocked = false;
  inject_clear("agent detached");
  printf("AGENT detached\n");
  fprintf(stderr, "spice-host: guest closed the port\n");
  rig.reopen_timer = g_timeout_add(REOPEN_POLL_MS, reopen_cb, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean in_cb(gint fd, GIOCondition cond, gpointer data)
{
  (void)fd;
  (void)data;
  bool alive = pty_drain();
  if (rig.rbuf->len > rig.rpos)
    spice_server_char_device_wakeup(&rig.sin);
  if (!alive || (cond & (G_IO_HUP | G_IO_ERR) && !(cond & G_IO_IN))) {
    rig.in_watch = 0;
    if (!rig.detach_idle)
      rig.detach_idle = g_idle_add(detach_cb, NULL);
    return G_SOURCE_REMOVE;
  }
  if (rig.rbuf->len - rig.rpos >= RBUF_CAP) {
    rig.read_paused = true;
    rig.in_watch = 0;
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static void attach(void)
{
  rig.attached = true;
  rig.hdr_have = 0;
  rig.body_left = 0;
  rig.server_blocked = false;
  g_byte_array_set_size(rig.rbuf, 0);
  rig.rpos = 0;
  printf("AGENT attached\n");
  fprintf(stderr, "spice-host: guest opened the port\n");
  spice_server_add_interface(rig.server, &rig.sin.base);
  in_watch_start();
}

static gboolean reopen_cb(gpointer data)
{
  (void)data;
  struct pollfd p = {.fd = rig.master, .events = POLLIN};
  if (poll(&p, 1, 0) < 0)
    return G_SOURCE_CONTINUE;
  if (!(p.revents & POLLHUP) || (p.revents & POLLIN)) {
    rig.reopen_timer = 0;
    attach();
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static bool pty_create(void)
{
  rig.master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (rig.master < 0 || grantpt(rig.master) < 0 || unlockpt(rig.master) < 0) {
    fprintf(stderr, "spice-host: cannot create pty: %s\n", strerror(errno));
    return false;
  }
  if (ptsname_r(rig.master, rig.slave, sizeof rig.slave) != 0) {
    fprintf(stderr, "spice-host: ptsname: %s\n", strerror(errno));
    return false;
  }
  /* open the slave once (this arms POLLHUP reporting on the master) and put
     * the line in raw mode; the termios settings stay with the pty */
  int s = open(rig.slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    fprintf(stderr, "spice-host: open %s: %s\n", rig.slave, strerror(errno));
    return false;
  }
  struct termios t;
  if (tcgetattr(s, &t) == 0) {
    cfmakeraw(&t);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(s, TCSANOW, &t) != 0)
      fprintf(stderr, "spice-host: tcsetattr: %s\n", strerror(errno));
  }
  close(s);
  return true;
}

static bool make_link(const char *link)
{
  char *dir = g_path_get_dirname(link);
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    fprintf(stderr, "spice-host: mkdir %s: %s\n", dir, strerror(errno));
    g_free(dir);
    return false;
  }
  g_free(dir);
  if (unlink(link) != 0 && errno != ENOENT) {
    fprintf(stderr, "spice-host: unlink %s: %s\n", link, strerror(errno));
    return false;
  }
  if (symlink(rig.slave, link) != 0) {
    fprintf(stderr, "spice-host: symlink %s: %s\n", link, strerror(errno));
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------------ */
/* The --inject socket (spice-host-inject.c) hands over whole chunks         */

static void inject_queue(GBytes *chunk)
{
  g_queue_push_tail(&rig.inject_q, chunk);
}

/* write what was queued if the server's stream is at a boundary, and wake the
 * server if it was blocked behind the injected chunks */
static void inject_kick(void)
{
  if (!g_queue_is_empty(&rig.inject_q) && inject_flush() && rig.server_blocked && rig.attached) {
    rig.server_blocked = false;
    spice_server_char_device_wakeup(&rig.sin);
  }
}

/* ------------------------------------------------------------------------ */

/* Raw pass-through (--raw PATH, for the hostile-host driver): a unix
 * socket whose bytes go to the pty as they arrive, with no chunk splitting
 * and no boundary wait, so a test can cut chunks anywhere (1-byte
 * fragments). The rig's boundary tracking does not see them: use it only
 * while the server sends nothing towards the guest. One callback serves the
 * listener (data NULL) and its connections. */
static gboolean raw_cb(gint fd, GIOCondition cond, gpointer data)
{
  uint8_t tmp[4096];
  (void)cond;
  if (!data) {
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (c >= 0)
      g_unix_fd_add(c, G_IO_IN | G_IO_HUP | G_IO_ERR, raw_cb, GINT_TO_POINTER(1));
    return G_SOURCE_CONTINUE;
  }
  ssize_t n = read(fd, tmp, sizeof tmp);
  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;
  if (n <= 0) {
    close(fd);
    return G_SOURCE_REMOVE;
  }
  for (ssize_t off = 0; off < n && rig.attached;) {
    ssize_t w = write(rig.master, tmp + off, (size_t)(n - off));
    if (w > 0) {
      off += w;
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      struct pollfd pf = {.fd = rig.master, .events = POLLOUT};
      if (poll(&pf, 1, 1000) <= 0) {
        fprintf(stderr, "spice-host: raw: pty full for 1 s, %zd bytes dropped\n", n - off);
        break;
      }
    } else {
      fprintf(stderr, "spice-host: raw write: %s\n", strerror(errno));
      break;
    }
  }
  if (!rig.attached)
    fprintf(stderr, "spice-host: raw: %zd bytes dropped (agent not attached)\n", n);
  return G_SOURCE_CONTINUE;
}

static int free_port(void)
{
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof sa;
  int port = -1;
  if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 &&
      getsockname(s, (struct sockaddr *)&sa, &len) == 0)
    port = ntohs(sa.sin_port);
  if (s >= 0)
    close(s);
  return port;
}

static gboolean on_signal(gpointer data)
{
  (void)data;
  g_main_loop_quit(loop);
  return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
  gint port = 0;
  gchar *link = NULL;
  gchar *inject = NULL, *raw = NULL;
  gboolean no_copy_paste = FALSE, no_file_xfer = FALSE, opt_verbose = FALSE;
  gboolean no_display = FALSE;
  gchar *x_display = NULL, *image_compression = NULL;
  gint display_fps = 25;
  gchar *audio = NULL;
  GOptionEntry entries[] = {
      {"port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port on 127.0.0.1 (0 = pick a free one)", "N"},
      {"link", 'l', 0, G_OPTION_ARG_FILENAME, &link, "create/replace symlink PATH -> pty slave",
       "PATH"},
      {"inject", 'i', 0, G_OPTION_ARG_FILENAME, &inject,
       "unix socket for raw chunks towards the guest", "PATH"},
      {"raw-inject", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &inject, NULL, NULL},
      {"raw", 0, 0, G_OPTION_ARG_FILENAME, &raw,
       "unix socket whose bytes go to the pty at once, unsplit (hostile host)", "PATH"},
      {"no-copy-paste", 0, 0, G_OPTION_ARG_NONE, &no_copy_paste, "disable agent copy & paste",
       NULL},
      {"no-file-xfer", 0, 0, G_OPTION_ARG_NONE, &no_file_xfer, "disable agent file transfer", NULL},
      {"no-display", 0, 0, G_OPTION_ARG_NONE, &no_display, "offer no display channel", NULL},
      {"x-display", 0, 0, G_OPTION_ARG_STRING, &x_display,
       "X display to offer as the SPICE display (default $DISPLAY)", "NAME"},
      {"display-fps", 0, 0, G_OPTION_ARG_INT, &display_fps, "X screen grab rate (default 25)", "N"},
      {"image-compression", 0, 0, G_OPTION_ARG_STRING, &image_compression,
       "off (default), lz, quic, glz, auto_lz, auto_glz or lz4", "C"},
      {"audio", 0, 0, G_OPTION_ARG_STRING, &audio,
       "offer playback and record channels with this volume (VOL[,VOL...][:mute])", "SPEC"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "log more to stderr", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  GError *err = NULL;
  GOptionContext *ctx = g_option_context_new("- SPICE host for the agent test rig");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
    fprintf(stderr, "spice-host: %s\n", err->message);
    return 2;
  }
  g_option_context_free(ctx);
  verbose = opt_verbose;
  if (port < 0 || port > 65535) {
    fprintf(stderr, "spice-host: bad port %d\n", port);
    return 2;
  }
  if (display_fps < 1 || display_fps > 60) {
    fprintf(stderr, "spice-host: bad --display-fps %d (1..60)\n", display_fps);
    return 2;
  }
  SpiceImageCompression compression;
  if (!host_display_parse_compression(image_compression, &compression)) {
    fprintf(stderr, "spice-host: bad --image-compression '%s'\n", image_compression);
    return 2;
  }
  if (!x_display && !no_display) {
    const char *env = getenv("DISPLAY");
    if (env && *env)
      x_display = g_strdup(env);
    else
      fprintf(stderr, "spice-host: no X display ($DISPLAY unset): no display channel\n");
  }
  if (no_display)
    x_display = NULL;

  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);

  loop = g_main_loop_new(NULL, FALSE);
  rig.rbuf = g_byte_array_new();
  g_queue_init(&rig.inject_q);
  rig.sin.base.sif = &vmc_sif.base;
  rig.sin.subtype = "vdagent";

  if (!pty_create())
    return 1;
  if (link && !make_link(link))
    return 1;
  if (inject && !inject_socket_listen(inject, inject_queue, inject_kick))
    return 1;
  if (raw) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", raw);
    unlink(raw);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 8) != 0) {
      fprintf(stderr, "spice-host: raw socket %s: %s\n", raw, strerror(errno));
      return 1;
    }
    g_unix_fd_add(s, G_IO_IN, raw_cb, NULL);
  }

  /* with port 0, probe a free port; retry if someone takes it meanwhile */
  int chosen = -1;
  for (int attempt = 0; attempt < 10 && chosen < 0; attempt++) {
    int p = port ? port : free_port();
    if (p <= 0)
      continue;
    SpiceServer *s = spice_server_new();
    spice_server_set_addr(s, "127.0.0.1", SPICE_ADDR_FLAG_IPV4_ONLY);
    spice_server_set_port(s, p);
    spice_server_set_noauth(s);
    spice_server_set_name(s, "agent-test-rig");
    spice_server_set_agent_copypaste(s, !no_copy_paste);
    spice_server_set_agent_file_xfer(s, !no_file_xfer);
    host_display_server_settings(s, compression);
    if (spice_server_init(s, host_core(verbose)) == 0) {
      rig.server = s;
      chosen = p;
    } else {
      fprintf(stderr, "spice-host: cannot listen on 127.0.0.1:%d\n", p);
      /* a failed server may hold core sources: leak it rather than risk destroy */
      if (port)
        break;
    }
  }
  if (chosen < 0)
    return 1;

  if (x_display) {
    HostDisplayConfig dc = {
        .x_display = x_display, .fps = (unsigned)display_fps, .verbose = verbose};
    if (!host_display_start(rig.server, &dc))
      return 1;
  }

  if (audio && !host_audio_start(rig.server, audio))
    return 1;

  g_unix_signal_add(SIGTERM, on_signal, NULL);
  g_unix_signal_add(SIGINT, on_signal, NULL);

  /* the slave is closed now: wait for the guest to open it */
  rig.reopen_timer = g_timeout_add(REOPEN_POLL_MS, reopen_cb, NULL);

  printf("READY port=%d pty=%s\n", chosen, rig.slave);
  fprintf(stderr, "spice-host: listening on 127.0.0.1:%d, pty %s%s%s%s%s\n", chosen, rig.slave,
          link ? ", link " : "", link ? link : "", no_copy_paste ? ", no copy-paste" : "",
          no_file_xfer ? ", no file transfer" : "");

  g_main_loop_run(loop);

  printf("EXIT\n");
  fflush(stdout);
  fprintf(stderr, "spice-host: exiting on signal\n");
  host_display_report();
  if (inject)
    unlink(inject);
  /* no spice_server_destroy: exiting is enough and avoids teardown ordering issues */
  _exit(0);
}
