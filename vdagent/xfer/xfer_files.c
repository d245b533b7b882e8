#include "xfer_files.h"

#include <knownfolders.h>
#include <shlobj.h>
#include <stdio.h>
#include <userenv.h>
#include <wchar.h>

#include "log.h"
#include "vda_xfer_name.h"
#include "winerror_text.h"

#define TEMP_PREFIX L".spice-agent-"
#define TEMP_SUFFIX L".partial"
/* Collision variants tried before giving up: "name (1).ext" ... */
#define MAX_VARIANTS 9999u

/* Impersonate the destination's user around file system calls: creation,
 * rename and free space are the user's, never SYSTEM's. */
static DWORD as_user(const vda_xfer_dest *d)
{
  if (d->token && !ImpersonateLoggedOnUser(d->token))
    return GetLastError();
  return ERROR_SUCCESS;
}

static void as_self(const vda_xfer_dest *d)
{
  if (d->token)
    RevertToSelf();
}

static bool utf8_to_wide(const char *in, wchar_t *out, size_t cap)
{
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, in, -1, out, (int)cap);
  return n > 0;
}

/* Deletes our own leftovers only: hidden files with our exact prefix and
 * suffix. */
static void sweep_leftovers(const vda_xfer_dest *d)
{
  wchar_t pattern[VDA_XFER_PATH_MAX], path[VDA_XFER_PATH_MAX];
  WIN32_FIND_DATAW fd;
  HANDLE find;
  if (swprintf(pattern, VDA_XFER_PATH_MAX, L"%ls\\" TEMP_PREFIX L"*" TEMP_SUFFIX, d->dir) < 0)
    return;
  find = FindFirstFileW(pattern, &fd);
  if (find == INVALID_HANDLE_VALUE)
    return;
  do {
    if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
      continue;
    if (swprintf(path, VDA_XFER_PATH_MAX, L"%ls\\%ls", d->dir, fd.cFileName) < 0)
      continue;
    if (DeleteFileW(path)) {
      char shown[3 * MAX_PATH];
      LOG_INFO("deleted a partial file left by an earlier run: %s",
               vda_log_utf8(fd.cFileName, shown, sizeof(shown)));
    }
  } while (FindNextFileW(find, &fd));
  FindClose(find);
}

static DWORD resolve_dir(vda_xfer_dest *d, const wchar_t *configured)
{
  PWSTR known = NULL;
  HRESULT hr;
  if (configured && configured[0]) {
    /* REG_EXPAND_SZ values are expanded for the user, not for SYSTEM. */
    if (d->token) {
      if (!ExpandEnvironmentStringsForUserW(d->token, configured, d->dir, VDA_XFER_PATH_MAX))
        return GetLastError();
    } else if (!ExpandEnvironmentStringsW(configured, d->dir, VDA_XFER_PATH_MAX)) {
      return GetLastError();
    }
    if (!CreateDirectoryW(d->dir, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
      return GetLastError();
    return ERROR_SUCCESS;
  }
  hr = SHGetKnownFolderPath(&FOLDERID_Downloads, KF_FLAG_CREATE, d->token, &known);
  if (FAILED(hr))
    return HRESULT_CODE(hr) ? (DWORD)HRESULT_CODE(hr) : ERROR_PATH_NOT_FOUND;
  if (wcslen(known) >= VDA_XFER_PATH_MAX) {
    CoTaskMemFree(known);
    return ERROR_FILENAME_EXCED_RANGE;
  }
  wcscpy(d->dir, known);
  CoTaskMemFree(known);
  return ERROR_SUCCESS;
}

DWORD vda_xfer_dest_open(vda_xfer_dest *d, HANDLE token, const wchar_t *configured)
{
  DWORD err = ERROR_SUCCESS;
  d->token = NULL;
  d->dir[0] = 0;
  if (token && !DuplicateTokenEx(token, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenPrimary,
                                 &d->token)) {
    err = GetLastError();
    goto out;
  }
  err = as_user(d);
  if (err != ERROR_SUCCESS)
    goto out;
  err = resolve_dir(d, configured);
  if (err == ERROR_SUCCESS)
    sweep_leftovers(d);
  as_self(d);
out:
  if (err != ERROR_SUCCESS)
    vda_xfer_dest_close(d);
  return err;
}

void vda_xfer_dest_close(vda_xfer_dest *d)
{
  if (d->token)
    CloseHandle(d->token);
  d->token = NULL;
}

DWORD vda_xfer_dest_free_bytes(const vda_xfer_dest *d, uint64_t *free_bytes)
{
  ULARGE_INTEGER avail;
  DWORD err = as_user(d);
  if (err != ERROR_SUCCESS)
    return err;
  /* The caller's quota-aware figure, not the volume's total free space. */
  if (!GetDiskFreeSpaceExW(d->dir, &avail, NULL, NULL))
    err = GetLastError();
  else
    *free_bytes = avail.QuadPart;
  as_self(d);
  return err;
}

static DWORD set_delete(HANDLE h, BOOL del)
{
  FILE_DISPOSITION_INFO di = {.DeleteFile = del};
  return SetFileInformationByHandle(h, FileDispositionInfo, &di, sizeof(di)) ? ERROR_SUCCESS
                                                                             : GetLastError();
}

DWORD vda_xfer_file_create(const vda_xfer_dest *d, uint32_t id, uint64_t size, vda_xfer_file *f)
{
  static LONG counter;
  DWORD err = as_user(d);
  f->h = INVALID_HANDLE_VALUE;
  f->temp[0] = 0;
  if (err != ERROR_SUCCESS)
    return err;
  for (int tries = 0; tries < 16; tries++) {
    swprintf(f->temp, VDA_XFER_PATH_MAX, L"%ls\\" TEMP_PREFIX L"%u-%ld" TEMP_SUFFIX, d->dir,
             (unsigned)id, (long)InterlockedIncrement(&counter));
    /* Exclusive: CREATE_NEW never opens or truncates an existing file. */
    f->h = CreateFileW(f->temp, GENERIC_WRITE | DELETE, FILE_SHARE_DELETE, NULL, CREATE_NEW,
                       FILE_ATTRIBUTE_HIDDEN | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (f->h != INVALID_HANDLE_VALUE || GetLastError() != ERROR_FILE_EXISTS)
      break;
  }
  if (f->h == INVALID_HANDLE_VALUE) {
    err = GetLastError();
    goto out;
  }
  err = set_delete(f->h, TRUE);
  if (err != ERROR_SUCCESS) {
    /* Without the disposition a crash would leave the file: refuse. */
    CloseHandle(f->h);
    DeleteFileW(f->temp);
    f->h = INVALID_HANDLE_VALUE;
    goto out;
  }
  if (size > 0) {
    /* Reserving the space up front avoids fragmentation; a file system
     * that cannot do it still gets the file, so this is advisory. */
    FILE_ALLOCATION_INFO ai = {.AllocationSize.QuadPart = (LONGLONG)size};
    if (!SetFileInformationByHandle(f->h, FileAllocationInfo, &ai, sizeof(ai)))
      LOG_DEBUG("cannot reserve %llu bytes: %s", (unsigned long long)size,
                vda_win_strerror(GetLastError()));
  }
out:
  as_self(d);
  return err;
}

DWORD vda_xfer_file_write(vda_xfer_file *f, const void *data, size_t len)
{
  const uint8_t *p = data;
  while (len > 0) {
    DWORD chunk = len > 0x40000000u ? 0x40000000u : (DWORD)len, done = 0;
    if (!WriteFile(f->h, p, chunk, &done, NULL))
      return GetLastError();
    if (done == 0)
      return ERROR_WRITE_FAULT;
    p += done;
    len -= done;
  }
  return ERROR_SUCCESS;
}

/* Renames the open file to dir\name, never replacing: ERROR_ALREADY_EXISTS
 * when taken. The NT form of the path is what the rename call takes. */
static DWORD rename_to(HANDLE h, const wchar_t *full)
{
  union {
    FILE_RENAME_INFO info;
    uint8_t bytes[sizeof(FILE_RENAME_INFO) + (VDA_XFER_PATH_MAX + 8) * sizeof(wchar_t)];
  } u = {0};
  /* C:\x is \??\C:\x; a share (DownloadFolder \\server\share) is
   * \??\UNC\server\share. */
  bool unc = full[0] == L'\\' && full[1] == L'\\';
  int n = swprintf(u.info.FileName, VDA_XFER_PATH_MAX + 8, unc ? L"\\??\\UNC\\%ls" : L"\\??\\%ls",
                   unc ? full + 2 : full);
  if (n < 0)
    return ERROR_FILENAME_EXCED_RANGE;
  u.info.ReplaceIfExists = FALSE;
  u.info.FileNameLength = (DWORD)n * sizeof(wchar_t);
  if (SetFileInformationByHandle(h, FileRenameInfo, &u, sizeof(u)))
    return ERROR_SUCCESS;
  n = (int)GetLastError();
  return n == ERROR_FILE_EXISTS ? ERROR_ALREADY_EXISTS : (DWORD)n;
}

DWORD vda_xfer_file_commit(const vda_xfer_dest *d, vda_xfer_file *f, const char *clean_utf8,
                           wchar_t *final_out, size_t final_cap)
{
  char variant[1024];
  wchar_t wname[512];
  FILE_BASIC_INFO bi = {0};
  DWORD err = as_user(d);
  unsigned n;
  if (err != ERROR_SUCCESS)
    goto fail;
  bi.FileAttributes = FILE_ATTRIBUTE_NORMAL;
  if (!SetFileInformationByHandle(f->h, FileBasicInfo, &bi, sizeof(bi)) ||
      (err = set_delete(f->h, FALSE)) != ERROR_SUCCESS) {
    err = err ? err : GetLastError();
    goto fail_user;
  }
  err = ERROR_ALREADY_EXISTS;
  for (n = 0; n <= MAX_VARIANTS && err == ERROR_ALREADY_EXISTS; n++) {
    if (!vda_xfer_name_variant(clean_utf8, n, variant, sizeof(variant)) ||
        !utf8_to_wide(variant, wname, sizeof(wname) / sizeof(wname[0])) ||
        swprintf(final_out, final_cap, L"%ls\\%ls", d->dir, wname) < 0) {
      err = ERROR_INVALID_NAME;
      break;
    }
    err = rename_to(f->h, final_out);
  }
  if (err != ERROR_SUCCESS) {
    set_delete(f->h, TRUE);
    goto fail_user;
  }
  CloseHandle(f->h);
  f->h = INVALID_HANDLE_VALUE;
  as_self(d);
  return ERROR_SUCCESS;

fail_user:
  as_self(d);
fail:
  vda_xfer_file_discard(d, f);
  final_out[0] = 0;
  return err;
}

void vda_xfer_file_discard(const vda_xfer_dest *d, vda_xfer_file *f)
{
  if (f->h == INVALID_HANDLE_VALUE || !f->h)
    return;
  /* The disposition deletes it on close; set it again in case a commit
   * cleared it before failing. */
  set_delete(f->h, TRUE);
  CloseHandle(f->h);
  f->h = INVALID_HANDLE_VALUE;
  (void)d;
}
