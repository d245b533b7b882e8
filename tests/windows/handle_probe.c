/* handle_probe.c - prints the Win32 handle count of processes, for the soak
 * test (tests/e2e/soak.sh): the handles the kernel (under Wine: wineserver)
 * holds for each process, as Task Manager's "Handles" column shows on
 * Windows, not the host's fd count.
 *
 *   wine handle_probe.exe PID...      one line per pid: "PID COUNT TYPES"
 *
 * TYPES is "index:count,..." over the table's object type indexes (what kind
 * of object each handle is), so a soak that sees a count step can tell which
 * kind of object was made (under Wine 8 the index is the position in
 * NtQueryObject(ObjectTypesInformation)'s list, Key being 19; resize_probe
 * names the handles themselves).
 *
 * The count comes from the system handle table
 * (NtQuerySystemInformation(SystemExtendedHandleInformation)), which Wine
 * fills from wineserver: GetProcessHandleCount of another process returns 0
 * under Wine 8. Exits 1 (and says why on stderr) when the table cannot be
 * read or holds no handle of a pid, so a soak never samples a count it did
 * not get. */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <windows.h>

#include "handle_count.h"

#define MAX_TYPES 256

static void print_types(const handle_table *t, ULONG_PTR pid)
{
  unsigned long n[MAX_TYPES] = {0};
  const char *sep = "";
  for (ULONG_PTR k = 0; k < t->count; k++)
    if (t->entries[k].pid == pid)
      n[t->entries[k].type % MAX_TYPES]++;
  for (unsigned i = 0; i < MAX_TYPES; i++)
    if (n[i]) {
      printf("%s%u:%lu", sep, i, n[i]);
      sep = ",";
    }
  putchar('\n');
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
  t = vda_handle_table_read();
  if (!t)
    return 1;
  for (int i = 1; i < argc; i++) {
    ULONG_PTR pid = wcstoul(argv[i], NULL, 10);
    unsigned long count = vda_handle_table_count(t, pid);
    if (count == 0) {
      fprintf(stderr, "handle_probe: no handle of pid %lu in the system table\n",
              (unsigned long)pid);
      rc = 1;
      continue;
    }
    printf("%lu %lu ", (unsigned long)pid, count);
    print_types(t, pid);
  }
  free(t);
  return rc;
}
