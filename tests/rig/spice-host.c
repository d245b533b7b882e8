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
 *   EXIT                    on SIGTERM/SIGINT, just before exiting
 * Everything else goes to stderr.
 *
 * Raw injection (--inject PATH): a unix stream socket. Bytes received on a
 * connection are split into whole chunks (VDIChunkHeader {u32 port, u32 size}
 * little-endian + size bytes) and written to the pty towards the guest, only
 * at chunk boundaries of the server's own stream, so server traffic and
 * injected chunks never interleave inside a chunk. Bytes left over when a
 * connection closes (an incomplete chunk) are written as they are, which lets a
 * test send deliberately malformed data. Injected data is dropped while no
 * guest has the port open. Limitation: the rig's boundary tracking trusts the
 * server's chunk headers; it does not try to resynchronise if they were bad.
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

#define RBUF_CAP (256 * 1024) /* pty -> server buffer before we stop reading */
#define REOPEN_POLL_MS 20     /* how often to look for the guest opening the slave */
#define INJECT_MAX_CHUNK (1u << 20)

/* ------------------------------------------------------------------------ */
/* SpiceCoreInterface on GLib                                                */

struct SpiceTimer {
  SpiceTimerFunc func;
  void *opaque;
  GSource *source;
};

struct SpiceWatch {
  int fd;
  int mask;
  SpiceWatchFunc func;
  void *opaque;
  GSource *source;
};

static gboolean timer_dispatch(gpointer data)
{
  SpiceTimer *t = data;
  /* the callback may restart or remove the timer: forget the source first */
  g_source_unref(t->source);
  t->source = NULL;
  t->func(t->opaque);
  return G_SOURCE_REMOVE;
}

static SpiceTimer *core_timer_add(SpiceTimerFunc func, void *opaque)
{
  SpiceTimer *t = g_new0(SpiceTimer, 1);
  t->func = func;
  t->opaque = opaque;
  return t;
}

static void core_timer_cancel(SpiceTimer *t)
{
  if (t->source) {
    g_source_destroy(t->source);
    g_source_unref(t->source);
    t->source = NULL;
  }
}

static void core_timer_start(SpiceTimer *t, uint32_t ms)
{
  core_timer_cancel(t);
  t->source = g_timeout_source_new(ms);
  g_source_set_callback(t->source, timer_dispatch, t, NULL);
  g_source_attach(t->source, NULL);
}

static void core_timer_remove(SpiceTimer *t)
{
  core_timer_cancel(t);
  g_free(t);
}

static gboolean watch_dispatch(gint fd, GIOCondition cond, gpointer data)
{
  SpiceWatch *w = data;
  int events = 0;
  if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    events |= SPICE_WATCH_EVENT_READ;
  if (cond & (G_IO_OUT | G_IO_ERR))
    events |= SPICE_WATCH_EVENT_WRITE;
  events &= w->mask;
  /* the callback may remove (free) the watch: do not touch w afterwards */
  if (events)
    w->func(fd, events, w->opaque);
  return G_SOURCE_CONTINUE;
}

static void watch_attach(SpiceWatch *w)
{
  GIOCondition cond = 0;
  if (w->source) {
    g_source_destroy(w->source);
    g_source_unref(w->source);
    w->source = NULL;
  }
  if (w->mask & SPICE_WATCH_EVENT_READ)
    cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (w->mask & SPICE_WATCH_EVENT_WRITE)
    cond |= G_IO_OUT | G_IO_ERR;
  if (!cond)
    return;
  w->source = g_unix_fd_source_new(w->fd, cond);
  g_source_set_callback(w->source, G_SOURCE_FUNC(watch_dispatch), w, NULL);
  g_source_attach(w->source, NULL);
}

static SpiceWatch *core_watch_add(int fd, int mask, SpiceWatchFunc func, void *opaque)
{
  SpiceWatch *w = g_new0(SpiceWatch, 1);
  w->fd = fd;
  w->mask = mask;
  w->func = func;
  w->opaque = opaque;
  watch_attach(w);
  return w;
}

static void core_watch_update_mask(SpiceWatch *w, int mask)
{
  if (w->mask == mask && w->source)
    return;
  w->mask = mask;
  watch_attach(w);
}

static void core_watch_remove(SpiceWatch *w)
{
  if (w->source) {
    g_source_destroy(w->source);
    g_source_unref(w->source);
  }
  g_free(w);
}

static bool verbose;

static void core_channel_event(int event, SpiceChannelEventInfo *info)
{
  if (verbose)
    fprintf(stderr, "spice-host: channel event %d type %d id %d\n", event, info ? info->type : -1,
            info ? info->id : -1);
}

static SpiceCoreInterface core = {
    .base =
        {
            .type = SPICE_INTERFACE_CORE,
            .description = "spice-host glib core",
            .major_version = SPICE_INTERFACE_CORE_MAJOR,
            .minor_version = SPICE_INTERFACE_CORE_MINOR,
        },
    .timer_add = core_timer_add,
    .timer_start = core_timer_start,
    .timer_cancel = core_timer_cancel,
    .timer_remove = core_timer_remove,
    .watch_add = core_watch_add,
    .watch_update_mask = core_watch_update_mask,
    .watch_remove = core_watch_remove,
    .channel_event = core_channel_event,
};

/* ------------------------------------------------------------------------ */
/* The vdagent port on a pty                                                 */

typedef struct {
  GByteArray *buf;
  GSource *source;
  int fd;
} InjectConn;

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
  int inject_listen;
  char *inject_path;
} rig = {.master = -1, .inject_listen = -1};

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
/* Raw injection socket                                                      */

static void inject_conn_take_chunks(InjectConn *c, bool eof)
{
  for (;;) {
    size_t have = c->buf->len;
    if (have < 8)
      break;
    const uint8_t *h = c->buf->data;
    uint32_t size =
        (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
    if (size > INJECT_MAX_CHUNK) {
      fprintf(stderr, "spice-host: injected chunk size %u too large; queued raw\n", size);
      break;
    }
    if (have < 8 + (size_t)size)
      break;
    g_queue_push_tail(&rig.inject_q, g_bytes_new(h, 8 + (size_t)size));
    g_byte_array_remove_range(c->buf, 0, 8 + size);
  }
  if (eof && c->buf->len) {
    fprintf(stderr, "spice-host: %u trailing injected bytes queued raw\n", c->buf->len);
    g_queue_push_tail(&rig.inject_q, g_bytes_new(c->buf->data, c->buf->len));
    g_byte_array_set_size(c->buf, 0);
  }
  if (!g_queue_is_empty(&rig.inject_q) && inject_flush() && rig.server_blocked && rig.attached) {
    rig.server_blocked = false;
    spice_server_char_device_wakeup(&rig.sin);
  }
}

static gboolean inject_conn_cb(gint fd, GIOCondition cond, gpointer data)
{
  InjectConn *c = data;
  (void)cond;
  uint8_t tmp[16384];
  ssize_t n = read(fd, tmp, sizeof tmp);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return G_SOURCE_CONTINUE;
  if (n > 0) {
    g_byte_array_append(c->buf, tmp, (guint)n);
    inject_conn_take_chunks(c, false);
    return G_SOURCE_CONTINUE;
  }
  inject_conn_take_chunks(c, true);
  close(fd);
  g_byte_array_unref(c->buf);
  g_free(c);
  return G_SOURCE_REMOVE;
}

static gboolean inject_accept_cb(gint fd, GIOCondition cond, gpointer data)
{
  (void)cond;
  (void)data;
  int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (c < 0)
    return G_SOURCE_CONTINUE;
  InjectConn *conn = g_new0(InjectConn, 1);
  conn->fd = c;
  conn->buf = g_byte_array_new();
  g_unix_fd_add(c, G_IO_IN | G_IO_HUP | G_IO_ERR, inject_conn_cb, conn);
  return G_SOURCE_CONTINUE;
}

static bool inject_listen(const char *path)
{
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path) {
    fprintf(stderr, "spice-host: inject socket path too long\n");
    return false;
  }
  strcpy(sa.sun_path, path);
  unlink(path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 64) != 0) {
    fprintf(stderr, "spice-host: inject socket %s: %s\n", path, strerror(errno));
    if (s >= 0)
      close(s);
    return false;
  }
  rig.inject_listen = s;
  g_unix_fd_add(s, G_IO_IN, inject_accept_cb, NULL);
  return true;
}

/* ------------------------------------------------------------------------ */

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
  gchar *inject = NULL;
  gboolean no_copy_paste = FALSE, no_file_xfer = FALSE, opt_verbose = FALSE;
  GOptionEntry entries[] = {
      {"port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port on 127.0.0.1 (0 = pick a free one)", "N"},
      {"link", 'l', 0, G_OPTION_ARG_FILENAME, &link, "create/replace symlink PATH -> pty slave",
       "PATH"},
      {"inject", 'i', 0, G_OPTION_ARG_FILENAME, &inject,
       "unix socket for raw chunks towards the guest", "PATH"},
      {"raw-inject", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &inject, NULL, NULL},
      {"no-copy-paste", 0, 0, G_OPTION_ARG_NONE, &no_copy_paste, "disable agent copy & paste",
       NULL},
      {"no-file-xfer", 0, 0, G_OPTION_ARG_NONE, &no_file_xfer, "disable agent file transfer", NULL},
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
  if (inject && !inject_listen(inject))
    return 1;

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
    if (spice_server_init(s, &core) == 0) {
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
  if (inject)
    unlink(inject);
  /* no spice_server_destroy: exiting is enough and avoids teardown ordering issues */
  _exit(0);
}
