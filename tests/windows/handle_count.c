/* handle_count.c - see handle_count.h. */
#include "handle_count.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winternl.h>

typedef LONG(WINAPI *query_fn)(ULONG, PVOID, ULONG, PULONG);

#define SYSTEM_EXTENDED_HANDLE_INFORMATION 64
#define STATUS_INFO_LENGTH_MISMATCH ((LONG)0xC0000004)
#define MAX_TABLE_BYTES (256u * 1024u * 1024u)

/* The whole table, grown until it fits (bounded). NULL on failure. */
handle_table *vda_handle_table_read(void)
{
  query_fn query = (query_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                            "NtQuerySystemInformation");
  ULONG size = 1u << 20, need = 0;
  handle_table *t = NULL;
  LONG st;

  if (!query) {
    fputs("handle_probe: no NtQuerySystemInformation in ntdll\n", stderr);
    return NULL;
  }
  for (;;) {
    free(t);
    t = malloc(size);
    if (!t) {
      fprintf(stderr, "handle_probe: out of memory for %lu bytes\n", (unsigned long)size);
      return NULL;
    }
    st = query(SYSTEM_EXTENDED_HANDLE_INFORMATION, t, size, &need);
    if (st != STATUS_INFO_LENGTH_MISMATCH)
      break;
    if (size >= MAX_TABLE_BYTES) {
      fputs("handle_probe: the handle table is larger than 256 MiB\n", stderr);
      free(t);
      return NULL;
    }
    size = need > size ? need + 65536 : size * 2;
  }
  if (st < 0) {
    fprintf(stderr, "handle_probe: NtQuerySystemInformation: status 0x%08lx\n", (unsigned long)st);
    free(t);
    return NULL;
  }
  return t;
}

unsigned long vda_handle_table_count(const handle_table *t, ULONG_PTR pid)
{
  unsigned long count = 0;
  for (ULONG_PTR k = 0; k < t->count; k++)
    count += t->entries[k].pid == pid;
  return count;
}

unsigned long vda_handle_count(ULONG_PTR pid)
{
  handle_table *t = vda_handle_table_read();
  unsigned long n = t ? vda_handle_table_count(t, pid) : 0;
  free(t);
  return n;
}

typedef LONG(WINAPI *query_object_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);
#define OBJECT_NAME_CLASS 1

bool vda_handle_name(HANDLE h, wchar_t *out, size_t cap)
{
  static query_object_fn query;
  union {
    OBJECT_NAME_INFORMATION info;
    unsigned char bytes[2048];
  } name;
  ULONG need = 0;
  size_t n;

  if (!query)
    query = (query_object_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                            "NtQueryObject");
  memset(&name, 0, sizeof(name));
  if (cap == 0 || !query || query(h, OBJECT_NAME_CLASS, &name, sizeof(name) - 2, &need) < 0 ||
      !name.info.Name.Buffer)
    return false;
  n = name.info.Name.Length / sizeof(WCHAR);
  if (n >= cap)
    n = cap - 1;
  memcpy(out, name.info.Name.Buffer, n * sizeof(WCHAR));
  out[n] = 0;
  return true;
}
