/*
 * fuzz_xfer_meta.c - libFuzzer target for the FILE_XFER_START key-file
 * parser.  Each input is parsed as is (usually refused: no terminating NUL)
 * and with a NUL appended; an accepted result must be self-consistent and
 * parsing must be deterministic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vda_xfer_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vda_xfer_meta a, b;

static void check_result(bool ok, const char *why)
{
  if (ok) {
    if (a.name_len == 0 || a.name_len > VDA_XFER_NAME_MAX || strlen(a.name) != a.name_len)
      abort();
  } else if (why == NULL || why[0] == '\0') {
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *why = NULL, *why2 = NULL;
  uint8_t *copy;
  bool ok;
  if (size > 64 * 1024)
    return 0;
  ok = vda_xfer_meta_parse(data, size, &a, &why);
  check_result(ok, why);
  copy = malloc(size + 1);
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  ok = vda_xfer_meta_parse(copy, size + 1, &a, &why);
  check_result(ok, why);
  if (ok != vda_xfer_meta_parse(copy, size + 1, &b, &why2) ||
      (ok && (a.size != b.size || strcmp(a.name, b.name) != 0)))
    abort();
  free(copy);
  return 0;
}
