/* A foreign local process trying to get into the service <-> agent pipe.
 * Usage: ipc_intruder.exe <pipe name>
 * Tries to (1) open the pipe to read or write it, (2) create another
 * instance under the same name to catch the next agent, (3) wait for the
 * pipe. Prints one line per attempt and exits 0 only when every attempt was
 * refused. */
#include <stdio.h>
#include <windows.h>

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
  HANDLE h;
  DWORD err, n = 0;
  int breaches = 0;

  if (argc != 2) {
    fprintf(stderr, "usage: ipc_intruder <pipe name>\n");
    return 2;
  }
  h = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
  err = GetLastError();
  if (h != INVALID_HANDLE_VALUE) {
    BOOL wrote = WriteFile(h, "\x05\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00", 12, &n, NULL);
    printf("open: BREACH (opened; write %s)\n", wrote ? "succeeded" : "failed");
    CloseHandle(h);
    breaches++;
  } else {
    printf("open: refused (%lu)\n", (unsigned long)err);
  }
  h = CreateFileW(argv[1], GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
  err = GetLastError();
  if (h != INVALID_HANDLE_VALUE) {
    printf("open-write: BREACH\n");
    CloseHandle(h);
    breaches++;
  } else {
    printf("open-write: refused (%lu)\n", (unsigned long)err);
  }
  h = CreateNamedPipeW(argv[1], PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, PIPE_UNLIMITED_INSTANCES, 4096,
                       4096, 0, NULL);
  err = GetLastError();
  if (h != INVALID_HANDLE_VALUE) {
    printf("squat: BREACH (created a second instance)\n");
    CloseHandle(h);
    breaches++;
  } else {
    printf("squat: refused (%lu)\n", (unsigned long)err);
  }
  if (WaitNamedPipeW(argv[1], 500)) {
    printf("wait: BREACH (an instance became available)\n");
    breaches++;
  } else {
    printf("wait: refused (%lu)\n", (unsigned long)GetLastError());
  }
  printf("%s\n", breaches ? "INTRUSION POSSIBLE" : "ALL REFUSED");
  return breaches ? 1 : 0;
}
