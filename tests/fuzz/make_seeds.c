/*
 * make_seeds.c - writes the seed corpora of the fuzz targets.
 *
 * The seeds in corpus/ were produced by this program; rerun it after a
 * protocol change:  vda_fuzz_make_seeds <tests/fuzz/corpus>
 * Reader seeds are: config byte, slicing byte, then wire bytes built from
 * valid messages of every type (see fuzz_reader.c for the format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vda_builder.h"
#include "vda_le.h"

static char dir[4096];
static unsigned counter;

static void write_file(const char *sub, const uint8_t *p, size_t len)
{
  char path[4200];
  FILE *f;
  snprintf(path, sizeof(path), "%s/%s/seed-%03u", dir, sub, counter++);
  f = fopen(path, "wb");
  if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
}

static uint8_t seed[70000];
static size_t seed_len;

static void seed_start(uint8_t cfg, uint8_t step)
{
  seed[0] = cfg;
  seed[1] = step;
  seed_len = 2;
}

/* Append a message on a port, chunked like a conforming sender. */
static void add_msg(uint32_t port, uint32_t type, const uint8_t *body, size_t len)
{
  size_t wl = 0;
  const char *why = NULL;
  size_t off;
  if (!vda_build_message(type, body, len, seed + seed_len, sizeof(seed) - seed_len, &wl, &why)) {
    fprintf(stderr, "build: %s\n", why);
    exit(1);
  }
  /* The builder writes port 1; patch each chunk header for port 2. */
  for (off = 0; off < wl; off += 8 + vda_le32(seed + seed_len + off + 4))
    vda_put_le32(seed + seed_len + off, port);
  seed_len += wl;
}

static void seed_done(void)
{
  write_file("reader", seed, seed_len);
}

static void reader_seeds(void)
{
  uint8_t b[4096];
  size_t gdi;
  memset(b, 0, sizeof(b));
  for (unsigned cfg = 0; cfg < 32; cfg += 7) {
    uint8_t step = (uint8_t)(cfg * 5);
    int sel = cfg & 1, ser = (cfg & 2) != 0;
    size_t so = sel ? 4 : 0;
    /* Client messages. */
    seed_start((uint8_t)cfg, step);
    vda_put_le32(b, 1);
    vda_put_le32(b + 4, 0x3007f);
    add_msg(1, VD_AGENT_ANNOUNCE_CAPABILITIES, b, 8);
    memset(b, 0, 64);
    vda_put_le32(b, 1);
    vda_put_le32(b + 4, VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE);
    vda_put_le32(b + 8, 768);
    vda_put_le32(b + 12, 1024);
    vda_put_le32(b + 16, 32);
    vda_put_le16(b + 28, 300);
    vda_put_le16(b + 30, 200);
    add_msg(1, VD_AGENT_MONITORS_CONFIG, b, 32);
    memset(b, 0, 64);
    vda_put_le32(b, 9);
    add_msg(1, VD_AGENT_DISPLAY_CONFIG, b, 8);
    memset(b, 0, 64);
    vda_put_le32(b + so, 3);
    vda_put_le32(b + so + (ser ? 4 : 0), VD_AGENT_CLIPBOARD_UTF8_TEXT);
    add_msg(1, VD_AGENT_CLIPBOARD_GRAB, b, so + (ser ? 4 : 0) + 4);
    memset(b, 0, 64);
    vda_put_le32(b + so, VD_AGENT_CLIPBOARD_UTF8_TEXT);
    add_msg(1, VD_AGENT_CLIPBOARD_REQUEST, b, so + 4);
    memset(b, 0, 64);
    add_msg(1, VD_AGENT_CLIPBOARD_RELEASE, b, so);
    vda_put_le32(b, (uint32_t)-1);
    add_msg(1, VD_AGENT_MAX_CLIPBOARD, b, 4);
    b[0] = 1;
    b[1] = 0;
    b[2] = 2;
    add_msg(1, VD_AGENT_AUDIO_VOLUME_SYNC, b, 7);
    seed_done();

    /* Server messages, and a clipboard split by them. */
    seed_start((uint8_t)cfg, step);
    memset(b, 0, 64);
    vda_put_le32(b, 100);
    add_msg(2, VD_AGENT_MOUSE_STATE, b, 13);
    vda_put_le32(b, 1);
    vda_put_le32(b + 12, 14);
    memcpy(b + 16, "pci/0000/02.0", 14);
    gdi = 30;
    add_msg(2, VD_AGENT_GRAPHICS_DEVICE_INFO, b, gdi);
    add_msg(2, VD_AGENT_CLIENT_DISCONNECTED, NULL, 0);
    memset(b, 'x', 3000);
    memset(b, 0, so + 4);
    vda_put_le32(b + so, VD_AGENT_CLIPBOARD_UTF8_TEXT);
    add_msg(1, VD_AGENT_CLIPBOARD, b, 3000);
    seed_done();

    /* File transfer. */
    seed_start((uint8_t)cfg, step);
    {
      static const char kf[] = "[vdagent-file-xfer]\nname=file.txt\nsize=20\n";
      vda_put_le32(b, 1);
      memcpy(b + 4, kf, sizeof(kf));
      add_msg(1, VD_AGENT_FILE_XFER_START, b, 4 + sizeof(kf));
      vda_put_le32(b, 1);
      vda_put_le64(b + 4, 20);
      memset(b + 12, 'd', 20);
      add_msg(1, VD_AGENT_FILE_XFER_DATA, b, 32);
      vda_put_le32(b, 1);
      vda_put_le32(b + 4, VD_AGENT_FILE_XFER_STATUS_CANCELLED);
      add_msg(1, VD_AGENT_FILE_XFER_STATUS, b, 8);
    }
    seed_done();
  }
  /* A framing error followed by more data. */
  seed_start(0, 0);
  vda_put_le32(seed + seed_len, 3);
  vda_put_le32(seed + seed_len + 4, 4);
  seed_len += 12;
  memset(b, 0, 13);
  add_msg(2, VD_AGENT_MOUSE_STATE, b, 13);
  seed_done();
}

static void meta_seeds(void)
{
  static const char *const seeds[] = {
      "[vdagent-file-xfer]\nname=report.pdf\nsize=1234\n",
      "[vdagent-file-xfer]\r\nname=\\sa\\\\b \xc3\xa9\r\nsize=0\r\n",
      "# "
      "comment\n\n[other]\nk=v\n[vdagent-file-xfer]\nsize=18446744073709551615\nname=x\nname[fr]="
      "y\n",
      "[vdagent-file-xfer]\nname=a\nname=b\nsize=1\n",
      "name=a\nsize=1\n",
  };
  for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
    write_file("xfer_meta", (const uint8_t *)seeds[i], strlen(seeds[i]) + 1);
}

int main(int argc, char **argv)
{
  if (argc != 2 || strlen(argv[1]) >= sizeof(dir)) {
    fprintf(stderr, "usage: %s <corpus dir with reader/ and xfer_meta/>\n", argv[0]);
    return 2;
  }
  strcpy(dir, argv[1]);
  reader_seeds();
  meta_seeds();
  return 0;
}
