/* handle_probe.c - prints the Win32 handle count of processes, for the soak
 * test (tests/e2e/soak.sh): the handles the kernel (under Wine: wineserver)
 * holds for each process, as Task Manager's "Handles" column shows on
 * Windows, not the host's fd count.
 *
 *   wine handle_probe.exe PID...      one line per pid: "PID COUNT"
 *
 * The count comes from the system handle table
 * (NtQuerySystemInformation(SystemExtendedHandleInformation)), which Wine
 * fills from wineserver: GetProcessHandleCount of another process returns 0
 * under Wine 8. Exits 1 (and says why on stderr) when the table cannot be
 * read or holds no handle of a pid, so a soak never samples a count it did
 * not get. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <windows.h>

/* The documented layout of SystemExtendedHandleInformation (64); mingw's
 * winternl.h does not declare it. */
typedef struct handle_entry {
  PVOID object;
  ULONG_PTR pid;
  ULONG_PTR handle;
  ULONG access;
  USHORT backtrace;
  USHORT type;
  ULONG attributes;
  ULONG reserved;
} handle_entry;

typedef struct handle_table {
  ULONG_PTR count;
  ULONG_PTR reserved;
  handle_entry entries[1];
} handle_table;

typedef LONG(WINAPI *query_fn)(ULONG, PVOID, ULONG, PULONG);

#define SYSTEM_EXTENDED_HANDLE_INFORMATION 64
#define STATUS_INFO_LENGTH_MISMATCH ((LONG)0xC0000004)
#define MAX_TABLE_BYTES (256u * 1024u * 1024u)

/* The whole table, grown until it fits (bounded). NULL on failure. */
static handle_table *read_table(void)
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

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
  handle_table *t;
  int rc = 0;

  if (argc < 2) {
    fputs("usage: handle_probe PID...\n", stderr);
    return 2;
  }
  t = read_table();
  if (!t)
    return 1;
  for (int i = 1; i < argc; i++) {
    ULONG_PTR pid = wcstoul(argv[i], NULL, 10);
    unsigned long count = 0;
    for (ULONG_PTR k = 0; k < t->count; k++)
      count += t->entries[k].pid == pid;
    if (count == 0) {
      fprintf(stderr, "handle_probe: no handle of pid %lu in the system table\n",
              (unsigned long)pid);
      rc = 1;
      continue;
    }
    printf("%lu %lu\n", (unsigned long)pid, count);
  }
  free(t);
  return rc;
}
