/* File-transfer files under Wine: exclusive temporary files that vanish when
 * their handle closes without a commit (what protects against a killed
 * agent), commits that never overwrite ("name (1).ext"), discards, the
 * sweep of leftovers, the Downloads folder, and the writer thread's results
 * and back-pressure. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "vda_test.h"
#include "xfer_files.h"
#include "xfer_writer.h"

static wchar_t g_dir[MAX_PATH];

static bool exists(const wchar_t *name)
{
  wchar_t p[MAX_PATH * 2];
  swprintf(p, MAX_PATH * 2, L"%ls\\%ls", g_dir, name);
  return GetFileAttributesW(p) != INVALID_FILE_ATTRIBUTES;
}

/* Files in the folder, ignoring . and .. */
static unsigned count_files(void)
{
  wchar_t pat[MAX_PATH * 2];
  WIN32_FIND_DATAW fd;
  unsigned n = 0;
  HANDLE f;
  swprintf(pat, MAX_PATH * 2, L"%ls\\*", g_dir);
  f = FindFirstFileW(pat, &fd);
  if (f == INVALID_HANDLE_VALUE)
    return 0;
  do {
    if (wcscmp(fd.cFileName, L".") && wcscmp(fd.cFileName, L".."))
      n++;
  } while (FindNextFileW(f, &fd));
  FindClose(f);
  return n;
}

static size_t read_back(const wchar_t *path, char *buf, size_t cap)
{
  HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
  DWORD got = 0;
  if (h == INVALID_HANDLE_VALUE)
    return (size_t)-1;
  ReadFile(h, buf, (DWORD)cap, &got, NULL);
  CloseHandle(h);
  return got;
}

static void clean_dir(void)
{
  wchar_t pat[MAX_PATH * 2], p[MAX_PATH * 2];
  WIN32_FIND_DATAW fd;
  HANDLE f;
  swprintf(pat, MAX_PATH * 2, L"%ls\\*", g_dir);
  f = FindFirstFileW(pat, &fd);
  if (f == INVALID_HANDLE_VALUE)
    return;
  do {
    swprintf(p, MAX_PATH * 2, L"%ls\\%ls", g_dir, fd.cFileName);
    SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
    DeleteFileW(p);
  } while (FindNextFileW(f, &fd));
  FindClose(f);
}

static void test_commit_and_collisions(void)
{
  vda_xfer_dest d;
  vda_xfer_file f;
  wchar_t final[VDA_XFER_PATH_MAX];
  char buf[64];
  clean_dir();
  CHECK_EQ(vda_xfer_dest_open(&d, NULL, g_dir), ERROR_SUCCESS);
  for (int i = 0; i < 3; i++) {
    CHECK_EQ(vda_xfer_file_create(&d, 7, 5, &f), ERROR_SUCCESS);
    /* While it is written, only the hidden temporary exists. */
    CHECK(!exists(L"a.txt") || i > 0);
    CHECK_EQ(vda_xfer_file_write(&f, "hello", 5), ERROR_SUCCESS);
    CHECK_EQ(vda_xfer_file_commit(&d, &f, "a.txt", final, VDA_XFER_PATH_MAX), ERROR_SUCCESS);
    CHECK_EQ(read_back(final, buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK((GetFileAttributesW(final) & FILE_ATTRIBUTE_HIDDEN) == 0);
  }
  CHECK(exists(L"a.txt"));
  CHECK(exists(L"a (1).txt"));
  CHECK(exists(L"a (2).txt"));
  CHECK_EQ(count_files(), 3); /* no temporary left */
  vda_xfer_dest_close(&d);
}

static void test_discard_and_unclean_close(void)
{
  vda_xfer_dest d;
  vda_xfer_file f;
  clean_dir();
  CHECK_EQ(vda_xfer_dest_open(&d, NULL, g_dir), ERROR_SUCCESS);
  CHECK_EQ(vda_xfer_file_create(&d, 1, 100, &f), ERROR_SUCCESS);
  CHECK_EQ(count_files(), 1);
  CHECK_EQ(vda_xfer_file_write(&f, "partial", 7), ERROR_SUCCESS);
  vda_xfer_file_discard(&d, &f);
  CHECK_EQ(count_files(), 0);
  /* A process that dies closes its handles without any call of ours: the
   * delete disposition alone must remove the file. */
  CHECK_EQ(vda_xfer_file_create(&d, 2, 100, &f), ERROR_SUCCESS);
  CHECK_EQ(vda_xfer_file_write(&f, "partial", 7), ERROR_SUCCESS);
  CloseHandle(f.h);
  CHECK_EQ(count_files(), 0);
  vda_xfer_dest_close(&d);
}

static void test_sweep_leftovers(void)
{
  vda_xfer_dest d;
  wchar_t p[MAX_PATH * 2];
  HANDLE h;
  clean_dir();
  swprintf(p, MAX_PATH * 2, L"%ls\\.spice-agent-9-1.partial", g_dir);
  h = CreateFileW(p, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_HIDDEN, NULL);
  CHECK(h != INVALID_HANDLE_VALUE);
  CloseHandle(h);
  swprintf(p, MAX_PATH * 2, L"%ls\\keep.partial", g_dir);
  h = CreateFileW(p, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
  CloseHandle(h);
  CHECK_EQ(vda_xfer_dest_open(&d, NULL, g_dir), ERROR_SUCCESS);
  CHECK(!exists(L".spice-agent-9-1.partial"));
  CHECK(exists(L"keep.partial")); /* only our own pattern goes */
  vda_xfer_dest_close(&d);
}

static void test_downloads_folder(void)
{
  vda_xfer_dest d;
  uint64_t free_bytes = 0;
  CHECK_EQ(vda_xfer_dest_open(&d, NULL, L""), ERROR_SUCCESS);
  CHECK(wcsstr(d.dir, L"Downloads") != NULL);
  CHECK_EQ(vda_xfer_dest_free_bytes(&d, &free_bytes), ERROR_SUCCESS);
  CHECK(free_bytes > 0);
  vda_xfer_dest_close(&d);
}

static bool wait_result(vda_xfer_writer *w, vda_xfer_result *r)
{
  for (int i = 0; i < 100; i++) {
    if (vda_xfer_writer_take(w, r))
      return true;
    WaitForSingleObject(vda_xfer_writer_event(w), 100);
  }
  return false;
}

static void test_writer(void)
{
  static char piece[64 * 1024];
  vda_xfer_writer *w;
  vda_xfer_result r;
  clean_dir();
  memset(piece, 'x', sizeof(piece));
  w = vda_xfer_writer_start(NULL, g_dir, 0);
  CHECK(w != NULL);
  if (!w)
    return;
  CHECK(vda_xfer_writer_create(w, 5, 2 * sizeof(piece)));
  CHECK(wait_result(w, &r) && r.id == 5 && r.kind == VDA_XFER_CREATED);
  CHECK(vda_xfer_writer_write(w, 5, piece, sizeof(piece)));
  CHECK(vda_xfer_writer_write(w, 5, piece, sizeof(piece)));
  CHECK(vda_xfer_writer_commit(w, 5, "w.bin"));
  CHECK(wait_result(w, &r) && r.id == 5 && r.kind == VDA_XFER_COMMITTED);
  CHECK(wcsstr(r.path, L"w.bin") != NULL);
  CHECK_EQ(vda_xfer_writer_backlog(w), 0);
  CHECK(wcsncmp(r.path, g_dir, wcslen(g_dir)) == 0); /* in the configured folder */
  /* Too much at once is refused, never queued without bound. */
  CHECK(!vda_xfer_writer_write(w, 6, piece, VDA_XFER_WRITER_LIMIT + 1));
  /* A transfer still open when the writer stops leaves nothing. */
  CHECK(vda_xfer_writer_create(w, 8, 10));
  CHECK(wait_result(w, &r) && r.id == 8 && r.kind == VDA_XFER_CREATED);
  CHECK(vda_xfer_writer_write(w, 8, "12345", 5));
  /* More space than any disk has: NOT_ENOUGH_SPACE with the free bytes. */
  CHECK(vda_xfer_writer_create(w, 9, UINT64_MAX / 2));
  CHECK(wait_result(w, &r) && r.id == 9 && r.kind == VDA_XFER_NO_SPACE && r.free_bytes > 0);
  vda_xfer_writer_stop(w);
  CHECK_EQ(count_files(), 1); /* w.bin only */
}

int main(void)
{
  DWORD n = GetTempPathW(MAX_PATH, g_dir);
  swprintf(g_dir + n, MAX_PATH - n, L"vda-xfer-test-%lu", (unsigned long)GetCurrentProcessId());
  CreateDirectoryW(g_dir, NULL);
  RUN_TEST(test_commit_and_collisions);
  RUN_TEST(test_discard_and_unclean_close);
  RUN_TEST(test_sweep_leftovers);
  RUN_TEST(test_downloads_folder);
  RUN_TEST(test_writer);
  clean_dir();
  RemoveDirectoryW(g_dir);
  return vda_test_report("test_xfer_files");
}
