/* spice-host-inject: the raw injection socket of spice-host (--inject PATH).
 *
 * A unix stream socket; bytes received on a connection are cut into whole
 * chunks (VDIChunkHeader {u32 port, u32 size} little-endian + size bytes) and
 * handed to the port (spice-host.c), which writes them to the pty only at
 * chunk boundaries of the server's own stream. A chunk header announcing more
 * than INJECT_MAX_CHUNK bytes stops the cutting; what is left when a
 * connection closes is handed over raw, which lets a test send deliberately
 * malformed data. One allocation per connection, bounded by what the peer
 * sends before closing (test traffic only).
 */
#define _GNU_SOURCE
#include "spice-host-inject.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#define INJECT_MAX_CHUNK (1u << 20)

static struct {
  void (*queue)(GBytes *chunk);
  void (*kick)(void);
} inj;

typedef struct {
  GByteArray *buf;
  GSource *source;
  int fd;
} InjectConn;

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
    inj.queue(g_bytes_new(h, 8 + (size_t)size));
    g_byte_array_remove_range(c->buf, 0, 8 + size);
  }
  if (eof && c->buf->len) {
    fprintf(stderr, "spice-host: %u trailing injected bytes queued raw\n", c->buf->len);
    inj.queue(g_bytes_new(c->buf->data, c->buf->len));
    g_byte_array_set_size(c->buf, 0);
  }
  inj.kick();
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

bool inject_socket_listen(const char *path, void (*queue)(GBytes *chunk), void (*kick)(void))
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
  inj.queue = queue;
  inj.kick = kick;
  g_unix_fd_add(s, G_IO_IN, inject_accept_cb, NULL);
  return true;
}
