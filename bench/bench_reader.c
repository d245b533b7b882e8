/*
 * bench_reader.c - reassembly + validation throughput of a clipboard stream
 * against memcpy of the same bytes, in the same run.
 *
 * A 100 MiB CLIPBOARD message is framed (chunks of 2048 payload bytes, as
 * the server delivers them) into memory, then read back the way vdservice
 * reads the port: exactly vda_reader_want() bytes per push (8-byte header,
 * then the 2048-byte payload).  Two sinks are measured:
 *   - "reader, discard": the data callback does nothing (pure framing,
 *     reassembly and validation cost);
 *   - "reader + copy": the data callback copies each piece to a 100 MiB
 *     destination (what forwarding into a buffer costs).
 * The baseline is memcpy of the whole wire stream into a destination.  Each
 * figure is the best of several repetitions.  Ratio = reader throughput /
 * memcpy throughput; the goal is >= 0.5 for "reader + copy".
 *
 *   bench_reader [--mib N] [--reps N] [--md docs/BENCHMARKS.md]
 * With --md, the section between <!-- bench:protocol begin --> and
 * <!-- bench:protocol end --> is replaced (or appended); the rest of the
 * file is kept.  Exit status 1 if the goal is missed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "guest_caps.h"
#include "vda_builder.h"
#include "vda_reader.h"

#define BEGIN_MARK "<!-- bench:protocol begin -->"
#define END_MARK "<!-- bench:protocol end -->"
#define GOAL 0.5

struct wirebuf {
  uint8_t *p;
  size_t len, cap;
};

static bool emit_wire(void *ctx, const uint8_t *chunk, size_t len)
{
  struct wirebuf *w = ctx;
  if (len > w->cap - w->len)
    return false;
  memcpy(w->p + w->len, chunk, len);
  w->len += len;
  return true;
}

struct sink {
  uint8_t *dst;
  size_t off;
  bool copy;
  int ended;
  uint64_t bytes;
};

static void on_data(void *ctx, unsigned port, const uint8_t *d, size_t len)
{
  struct sink *s = ctx;
  (void)port;
  if (s->copy)
    memcpy(s->dst + s->off, d, len);
  s->off += len;
  s->bytes += len;
}

static void on_end(void *ctx, unsigned port)
{
  struct sink *s = ctx;
  (void)port;
  s->ended++;
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* memcpy through a volatile pointer: the compiler cannot drop it. */
static void *(*volatile copy_fn)(void *, const void *, size_t) = memcpy;

static double run_memcpy(uint8_t *dst, const uint8_t *src, size_t len)
{
  double t0 = now();
  copy_fn(dst, src, len);
  return now() - t0;
}

static double run_reader(const struct wirebuf *w, struct sink *s, uint64_t data_size)
{
  static const vda_reader_ops ops = {NULL, NULL, NULL, on_data, on_end, NULL};
  vda_caps ours;
  vda_reader *r;
  const char *why = NULL;
  size_t off = 0;
  double t0, t;
  guest_caps(&ours);
  r = vda_reader_new(&ops, s, &ours, NULL);
  if (!r) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  s->off = 0;
  s->ended = 0;
  s->bytes = 0;
  t0 = now();
  while (off < w->len) {
    size_t n = vda_reader_want(r);
    if (vda_reader_push(r, w->p + off, n, &why) != VDA_READER_OK) {
      fprintf(stderr, "reader: %s\n", why);
      exit(2);
    }
    off += n;
  }
  t = now() - t0;
  vda_reader_free(r);
  if (s->ended != 1 || s->bytes != data_size) {
    fprintf(stderr, "reader did not deliver the whole message\n");
    exit(2);
  }
  return t;
}

static void machine_info(char *cpu, size_t cpu_len, char *os, size_t os_len)
{
  FILE *f = fopen("/proc/cpuinfo", "r");
  struct utsname u;
  char line[512];
  snprintf(cpu, cpu_len, "unknown");
  while (f && fgets(line, sizeof(line), f)) {
    if (strncmp(line, "model name", 10) == 0) {
      char *c = strchr(line, ':');
      if (c) {
        c += 2;
        c[strcspn(c, "\n")] = '\0';
        snprintf(cpu, cpu_len, "%s", c);
      }
      break;
    }
  }
  if (f)
    fclose(f);
  if (uname(&u) == 0)
    snprintf(os, os_len, "%s %s %s", u.sysname, u.release, u.machine);
  else
    snprintf(os, os_len, "unknown");
}

/* Replace (or append) our marked section of the Markdown file. */
static int update_md(const char *path, const char *section)
{
  FILE *f = fopen(path, "rb");
  char *old = NULL, *begin, *end, *out;
  long len = 0;
  int rc = 1;
  if (f) {
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (old = malloc((size_t)len + 1)) && fread(old, 1, (size_t)len, f) == (size_t)len)
      old[len] = '\0';
    else {
      free(old);
      old = NULL;
    }
    fclose(f);
  }
  if (!old) {
    old = strdup("# Benchmarks\n\nFigures written by the benchmark "
                 "programs; each owns a marked section.\n");
    if (!old)
      return 1;
    len = (long)strlen(old);
  }
  out = malloc((size_t)len + strlen(section) + 4);
  if (!out)
    goto done;
  begin = strstr(old, BEGIN_MARK);
  end = begin ? strstr(begin, END_MARK) : NULL;
  if (begin && end) {
    end += strlen(END_MARK);
    sprintf(out, "%.*s%s%s", (int)(begin - old), old, section, end);
  } else {
    sprintf(out, "%s%s%s\n", old, (len > 0 && old[len - 1] != '\n') ? "\n\n" : "\n", section);
  }
  f = fopen(path, "wb");
  if (f && fputs(out, f) >= 0 && fclose(f) == 0)
    rc = 0;
  else if (f)
    fclose(f);
done:
  free(out);
  free(old);
  return rc;
}

int main(int argc, char **argv)
{
  size_t mib = 100, reps = 5;
  const char *md = NULL;
  struct wirebuf w = {NULL, 0, 0};
  struct sink s = {NULL, 0, false, 0, 0};
  vda_framer f = {0};
  const char *why = NULL;
  uint64_t data_size;
  double t_memcpy = 1e9, t_discard = 1e9, t_copy = 1e9;
  double r_discard, r_copy, mb;
  char cpu[256], os[256], date[64], section[4096];
  time_t tt = time(NULL);
  int rc = 0;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc)
      mib = strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
      reps = strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--md") == 0 && i + 1 < argc)
      md = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--mib N] [--reps N] [--md FILE]\n", argv[0]);
      return 2;
    }
  }
  if (mib == 0 || mib > 1024 || reps == 0) {
    fprintf(stderr, "--mib must be 1..1024, --reps >= 1\n");
    return 2;
  }
  data_size = (uint64_t)mib * 1024 * 1024;
  w.cap = (size_t)vda_wire_size(data_size + 4);
  w.p = malloc(w.cap);
  s.dst = malloc(w.cap);
  if (!w.p || !s.dst) {
    fprintf(stderr, "out of memory\n");
    return 2;
  }
  /* Build the stream: one CLIPBOARD message, text data. */
  {
    uint8_t piece[65536];
    uint64_t left = data_size, k = 0;
    vda_body head;
    /* The agent's head ([selection] + type; no selection negotiated),
         * then the data, framed as the service frames it. */
    if (!vda_body_clipboard(&head, NULL, 0, VD_AGENT_CLIPBOARD_UTF8_TEXT, NULL, 0, &why) ||
        !vda_framer_begin(&f, VD_AGENT_CLIPBOARD, (uint32_t)(head.len + data_size), emit_wire, &w,
                          &why) ||
        !vda_framer_write(&f, head.data, head.len, &why)) {
      fprintf(stderr, "framer: %s\n", why);
      return 2;
    }
    while (left > 0) {
      size_t n = left < sizeof(piece) ? (size_t)left : sizeof(piece);
      for (size_t i = 0; i < n; i++)
        piece[i] = (uint8_t)('a' + (k + i) % 26);
      k += n;
      if (!vda_framer_write(&f, piece, n, &why)) {
        fprintf(stderr, "framer: %s\n", why);
        return 2;
      }
      left -= n;
    }
  }
  /* Touch the destination once so page faults are not timed. */
  memset(s.dst, 1, w.cap);
  for (size_t i = 0; i < reps; i++) {
    double t = run_memcpy(s.dst, w.p, w.len);
    if (t < t_memcpy)
      t_memcpy = t;
    s.copy = false;
    t = run_reader(&w, &s, data_size);
    if (t < t_discard)
      t_discard = t;
    s.copy = true;
    t = run_reader(&w, &s, data_size);
    if (t < t_copy)
      t_copy = t;
  }
  mb = (double)w.len / (1024.0 * 1024.0);
  r_discard = t_memcpy / t_discard;
  r_copy = t_memcpy / t_copy;
  machine_info(cpu, sizeof(cpu), os, sizeof(os));
  strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&tt));
  snprintf(section, sizeof(section),
           BEGIN_MARK "\n"
                      "## Protocol core: clipboard stream reassembly + validation\n\n"
                      "Written by `bench/bench_reader` (do not edit by hand).\n\n"
                      "- Date: %s\n- CPU: %s\n- OS: %s\n- Compiler: %s, -O2, no sanitizers\n"
                      "- Stream: one CLIPBOARD message of %zu MiB data, %.1f MiB on the wire "
                      "in 2048-byte chunks; read with exact `vda_reader_want()` pushes\n"
                      "- Best of %zu runs\n\n"
                      "| Case | Time (ms) | Throughput (MiB/s) | x memcpy |\n"
                      "|---|---:|---:|---:|\n"
                      "| memcpy of the wire bytes | %.1f | %.0f | 1.00 |\n"
                      "| reader, data discarded | %.1f | %.0f | %.2f |\n"
                      "| reader + copy to a destination | %.1f | %.0f | %.2f |\n\n"
                      "Goal: reader + copy >= %.1f x memcpy: **%s**.\n" END_MARK,
           date, cpu, os, __VERSION__, mib, mb, reps, t_memcpy * 1e3, mb / t_memcpy,
           t_discard * 1e3, mb / t_discard, r_discard, t_copy * 1e3, mb / t_copy, r_copy, GOAL,
           r_copy >= GOAL ? "met" : "missed");
  printf("%s\n", section);
  if (md && update_md(md, section) != 0) {
    fprintf(stderr, "cannot update %s\n", md);
    rc = 2;
  }
  if (rc == 0 && r_copy < GOAL)
    rc = 1;
  free(w.p);
  free(s.dst);
  return rc;
}
