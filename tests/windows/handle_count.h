/* handle_count.h - the Win32 handle count of a process as the system handle
 * table (NtQuerySystemInformation(SystemExtendedHandleInformation)) shows
 * it: under Wine 8 GetProcessHandleCount returns 0, for another process and
 * for the own one alike, so the soak (handle_probe.c) and the resize probe
 * (resize_probe.c) both count table entries. */
#ifndef VDA_HANDLE_COUNT_H
#define VDA_HANDLE_COUNT_H

#include <stdbool.h>
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

/* The whole table (free() it), or NULL after saying why on stderr. */
handle_table *vda_handle_table_read(void);

/* Entries of pid in t. */
unsigned long vda_handle_table_count(const handle_table *t, ULONG_PTR pid);

/* The object name of h (a handle of this process) into out (cap units,
 * NUL-terminated); false when it has none or cannot be read. */
bool vda_handle_name(HANDLE h, wchar_t *out, size_t cap);

/* Handles of pid now; 0 when the table cannot be read. */
unsigned long vda_handle_count(ULONG_PTR pid);

#endif
