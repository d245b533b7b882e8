/* wine_probe.c - a tiny Windows program that proves the rig's Wine path:
 * opens \\.\Global\com.redhat.spice.0 (resolved by Wine through
 * $WINEPREFIX/dosdevices/global/com.redhat.spice.0 -> pty slave), answers
 * ANNOUNCE_CAPABILITIES(request=1), answers MONITORS_CONFIG with REPLY SUCCESS
 * and exits (closing the port) after a MONITORS_CONFIG whose first monitor is
 * WIDTH wide. Reads exact sizes: 8-byte chunk header, then the body.
 * Test-only; built by selftest.sh --with-wine with x86_64-w64-mingw32-gcc.
 *
 *   wine wine_probe.exe WIDTH
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE port;

static int read_exact(void *buf, DWORD n)
{
  DWORD got = 0;
  while (got < n) {
    DWORD r = 0;
    if (!ReadFile(port, (char *)buf + got, n - got, &r, NULL) || r == 0)
      return 0;
    got += r;
  }
  return 1;
}

static int write_all(const void *buf, DWORD n)
{
  DWORD done = 0;
  while (done < n) {
    DWORD w = 0;
    if (!WriteFile(port, (const char *)buf + done, n - done, &w, NULL))
      return 0;
    done += w;
  }
  return 1;
}

static void put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* one chunk on port 1 carrying a whole message (payload <= 2028 bytes) */
static int send_msg(uint32_t type, const uint8_t *data, uint32_t size)
{
  uint8_t buf[2056];
  put32(buf, 1);
  put32(buf + 4, 20 + size);
  put32(buf + 8, 1);
  put32(buf + 12, type);
  memset(buf + 16, 0, 8);
  put32(buf + 24, size);
  memcpy(buf + 28, data, size);
  return write_all(buf, 28 + size);
}

static int announce(uint32_t request)
{
  uint8_t d[8];
  put32(d, request);
  put32(d + 4, (1u << 0) | (1u << 1) | (1u << 2)); /* MOUSE_STATE, MONITORS_CONFIG, REPLY */
  return send_msg(6, d, sizeof d);
}

int main(int argc, char **argv)
{
  uint32_t want_width = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
  port = CreateFileW(L"\\\\.\\Global\\com.redhat.spice.0", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                     OPEN_EXISTING, 0, NULL);
  if (port == INVALID_HANDLE_VALUE) {
    printf("probe: open failed: %lu\n", GetLastError());
    return 1;
  }
  printf("probe: port open\n");
  fflush(stdout);
  announce(1);
  uint32_t skip[3] = {0, 0, 0}; /* continuation bytes of long messages, per port */
  for (;;) {
    uint8_t hdr[8], body[2048];
    if (!read_exact(hdr, 8))
      break;
    uint32_t chport = get32(hdr), size = get32(hdr + 4);
    if ((chport != 1 && chport != 2) || size > 2048) {
      printf("probe: bad chunk port=%u size=%u\n", chport, size);
      break;
    }
    if (size && !read_exact(body, size))
      break;
    if (skip[chport]) {
      skip[chport] -= size < skip[chport] ? size : skip[chport];
      continue;
    }
    if (size < 20)
      continue;
    uint32_t type = get32(body + 4), msize = get32(body + 16);
    if (msize > size - 20)
      skip[chport] = msize - (size - 20);
    const uint8_t *d = body + 20;
    printf("probe: port %u message type %u size %u\n", chport, type, msize);
    fflush(stdout);
    if (type == 6 && msize >= 4 && get32(d) == 1) {
      announce(0);
    } else if (type == 2 && msize >= 28) {
      uint8_t r[8];
      put32(r, 2);
      put32(r + 4, 1);
      send_msg(3, r, sizeof r);
      uint32_t h = get32(d + 8), w = get32(d + 12);
      printf("probe: monitors config %ux%u\n", w, h);
      fflush(stdout);
      if (w == want_width) {
        Sleep(200); /* let the REPLY drain before closing */
        break;
      }
    } else if (type == 1 && msize >= 13) {
      printf("probe: mouse %u,%u buttons %u\n", get32(d), get32(d + 4), get32(d + 8));
      fflush(stdout);
    }
  }
  CloseHandle(port);
  printf("probe: port closed\n");
  return 0;
}
