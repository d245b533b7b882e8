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
 *   wine handle_probe.exe --names PID  one line per handle of PID: "TYPE NAME"
 *
 * Each handle is duplicated into this process and named with NtQueryObject,
 * so a soak can say which objects piled up.
 *
 * The count comes from the system handle table
 * (NtQuerySystemInformation(SystemExtendedHandleInformation)), which Wine
 * fills from wineserver: GetProcessHandleCount of another process returns 0
 * under Wine 8. Exits 1 (and says why on stderr) when the table cannot be
 * read or holds no handle of a pid, so a soak never samples a count it did
 * not get. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int print_names(ULONG_PTR pid)
{
  HANDLE proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, (DWORD)pid);
  handle_table *t = proc ? vda_handle_table_read() : NULL;
  wchar_t name[1024];
  int rc = 1;

  if (!t) {
    fprintf(stderr, "handle_probe: cannot open pid %lu (error %lu) or read the table\n",
            (unsigned long)pid, GetLastError());
    goto out;
  }
  for (ULONG_PTR k = 0; k < t->count; k++) {
    HANDLE h = NULL;
    if (t->entries[k].pid != pid)
      continue;
    if (DuplicateHandle(proc, (HANDLE)t->entries[k].handle, GetCurrentProcess(), &h, 0, FALSE,
                        DUPLICATE_SAME_ACCESS) &&
        vda_handle_name(h, name, sizeof(name) / sizeof(name[0])))
      printf("%u %ls\n", (unsigned)t->entries[k].type, name);
    else
      printf("%u (no name)\n", (unsigned)t->entries[k].type);
    if (h)
      CloseHandle(h);
  }
  rc = 0;
out:
  free(t);
  if (proc)
    CloseHandle(proc);
  return rc;
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
  if (argc == 3 && wcscmp(argv[1], L"--names") == 0)
    return print_names(wcstoul(argv[2], NULL, 10));
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
