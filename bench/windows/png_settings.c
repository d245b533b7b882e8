/* png_settings.exe - the DIB -> PNG encoder's settings side by side (issue:
 * clipboard; run by bench/png_bench.sh under Wine, where the agent runs).
 *
 *   png_settings.exe [--runs N] [--agent] FILE.bmp|FILE.png...
 *
 * For each BMP (as the guest clipboard holds it: a packed DIB), encodes it
 * with every setting of the grid below through the agent's own encoder
 * (vda_dib_to_png_with) N times (3), and prints one JSON line per setting:
 * the median and each run's seconds, and the PNG's size; then the same for
 * the agent's own path (vda_dib_to_png: fast pass, dense pass on flat
 * content); then the time to decode libpng's default PNG back to a DIB (the
 * client -> guest side). With --agent, only the agent's own path is timed
 * (bench/clipboard_bench.sh: the encoding inside its guest -> client image
 * cases). A FILE.png is only decoded, as the agent decodes what a client
 * sends (client -> guest image cases). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "clipboard_image.h"

#define MAX_RUNS 9
#define MAX_FILE (512u << 20)

static const struct {
  const char *name;
  vda_png_settings s;
} grid[] = {
    {"libpng default (level 6, adaptive filters)", {-1, -1, -1}},
    {"level 0, no filter (floor: stored)", {0, 0x08, -1}},
    {"level 1, adaptive filters", {1, -1, -1}},
    {"level 1, no filter", {1, 0x08, -1}},
    {"level 1, sub", {1, 0x10, -1}},
    {"level 1, up", {1, 0x20, -1}},
    {"level 1, paeth", {1, 0x80, -1}},
    {"level 1, sub, RLE", {1, 0x10, 3}},
    {"level 1, up, RLE", {1, 0x20, 3}},
    {"level 2, sub", {2, 0x10, -1}},
    {"level 2, up", {2, 0x20, -1}},
    {"level 3, sub", {3, 0x10, -1}},
    {"level 3, up", {3, 0x20, -1}},
    {"level 3, adaptive filters", {3, -1, -1}},
    {"level 6, sub", {6, 0x10, -1}},
    {"level 6, up", {6, 0x20, -1}},
    {"level 9, adaptive filters", {9, -1, -1}},
};

static double now_s(void)
{
  static LARGE_INTEGER f;
  LARGE_INTEGER c;
  if (!f.QuadPart)
    QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart / (double)f.QuadPart;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median of n figures (sorted in place). */
static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof(*v), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint8_t *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long n;
  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && (size_t)n <= MAX_FILE &&
      fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL &&
      fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  if (buf)
    *len = (size_t)n;
  fclose(f);
  return buf;
}

static void print_runs(const double *runs, int n)
{
  for (int r = 0; r < n; r++)
    printf("%s%.4f", r ? ", " : "", runs[r]);
}

#define AGENT (-1) /* measure(): the agent's own path, vda_dib_to_png */

/* One setting (or AGENT), runs times: prints its line; the last PNG stays in *png. */
static int measure(const char *file, const uint8_t *dib, size_t dib_len, int i, int runs,
                   uint8_t **png, size_t *png_len)
{
  double t[MAX_RUNS], sorted[MAX_RUNS];
  const char *why = NULL;
  const char *name = i == AGENT
                         ? "agent: 2 slices on 2 threads, up; level 6 if flat, else level 1 RLE"
                         : grid[i].name;
  for (int r = 0; r < runs; r++) {
    free(*png);
    *png = NULL;
    double t0 = now_s();
    bool ok = i == AGENT
                  ? vda_dib_to_png(dib, dib_len, SIZE_MAX, png, png_len, &why)
                  : vda_dib_to_png_with(dib, dib_len, SIZE_MAX, &grid[i].s, png, png_len, &why);
    if (!ok) {
      fprintf(stderr, "png_settings: %s, %s: %s\n", file, name, why);
      return 1;
    }
    t[r] = sorted[r] = now_s() - t0;
  }
  printf("{\"file\": \"%s\", \"setting\": \"%s\", \"agent\": %s, \"png_bytes\": %zu, "
         "\"seconds\": %.4f, \"runs\": [",
         file, name, i == AGENT ? "true" : "false", *png_len, median(sorted, runs));
  print_runs(t, runs);
  printf("]}\n");
  fflush(stdout);
  return 0;
}

/* PNG -> DIB of libpng's default PNG: what the guest pays client -> guest. */
static int measure_decode(const char *file, const uint8_t *png, size_t png_len, int runs)
{
  double t[MAX_RUNS], sorted[MAX_RUNS];
  const char *why = NULL;
  for (int r = 0; r < runs; r++) {
    uint8_t *dib = NULL;
    size_t dib_len = 0;
    bool alpha;
    double t0 = now_s();
    if (!vda_png_to_dib(png, png_len, SIZE_MAX, false, &dib, &dib_len, &alpha, &why)) {
      fprintf(stderr, "png_settings: %s: decode: %s\n", file, why);
      return 1;
    }
    t[r] = sorted[r] = now_s() - t0;
    free(dib);
  }
  printf("{\"file\": \"%s\", \"decode_png_bytes\": %zu, \"decode_seconds\": %.4f, \"runs\": [",
         file, png_len, median(sorted, runs));
  print_runs(t, runs);
  printf("]}\n");
  return 0;
}

static bool agent_only;

static int one_file(const char *path, int runs)
{
  size_t len = 0, dib_len = 0, png_len = 0, def_len = 0;
  uint8_t *bmp = read_file(path, &len), *dib = NULL, *png = NULL, *def = NULL;
  const char *why = NULL, *file = strrchr(path, '\\');
  int rc = 1;
  file = file ? file + 1 : path;
  if (!bmp) {
    fprintf(stderr, "png_settings: cannot read %s\n", path);
    goto out;
  }
  if (!vda_bmp_to_dib(bmp, len, SIZE_MAX, &dib, &dib_len, &why)) {
    fprintf(stderr, "png_settings: %s: %s\n", path, why);
    goto out;
  }
  rc = 0;
  for (int i = 0; i < (int)(sizeof(grid) / sizeof(grid[0])) && rc == 0 && !agent_only; i++) {
    rc = measure(file, dib, dib_len, i, runs, &png, &png_len);
    if (i == 0) { /* keep libpng's default PNG for the decode */
      def = png;
      def_len = png_len;
      png = NULL;
    }
  }
  if (rc == 0)
    rc = measure(file, dib, dib_len, AGENT, runs, &png, &png_len);
  if (rc == 0 && def)
    rc = measure_decode(file, def, def_len, runs);
out:
  free(bmp);
  free(dib);
  free(png);
  free(def);
  return rc;
}

/* A client's PNG, decoded as the agent does for CF_DIB. */
static int decode_file(const char *path, int runs)
{
  size_t len = 0;
  uint8_t *png = read_file(path, &len);
  const char *file = strrchr(path, '\\');
  int rc;
  if (!png) {
    fprintf(stderr, "png_settings: cannot read %s\n", path);
    return 1;
  }
  rc = measure_decode(file ? file + 1 : path, png, len, runs);
  free(png);
  return rc;
}

int main(int argc, char **argv)
{
  int runs = 3, first = 1, rc = 0;
  if (argc > first + 1 && strcmp(argv[first], "--runs") == 0) {
    runs = atoi(argv[first + 1]);
    first += 2;
  }
  if (argc > first && strcmp(argv[first], "--agent") == 0) {
    agent_only = true;
    first++;
  }
  if (runs < 1 || runs > MAX_RUNS || first >= argc) {
    fprintf(stderr, "usage: png_settings.exe [--runs 1..%d] [--agent] FILE.bmp|FILE.png...\n",
            MAX_RUNS);
    return 2;
  }
  for (int i = first; i < argc && rc == 0; i++) {
    size_t n = strlen(argv[i]);
    bool png = n > 4 && _stricmp(argv[i] + n - 4, ".png") == 0;
    rc = png ? decode_file(argv[i], runs) : one_file(argv[i], runs);
  }
  return rc;
}
