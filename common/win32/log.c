#include "log.h"

#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "vda_ratelimit.h"
#include "winerror_text.h"

/* All state is behind one lock: log lines come from several threads. */
static struct {
  CRITICAL_SECTION lock;
  bool lock_ready;
  HANDLE file;
  WCHAR path[MAX_PATH];
  WCHAR component[32];
  char tag[64];
  bool to_stderr;
  volatile LONG level;
  unsigned long max_bytes;
  unsigned generations;
  unsigned long written;
  /* The ring behind vda_log_recent(): recent[(recent_next - k) % MAX] is
   * the k-th newest line. */
  char recent[VDA_LOG_RECENT_MAX][VDA_LOG_RECENT_LINE];
  size_t recent_next, recent_count;
} g_log = {.file = INVALID_HANDLE_VALUE, .level = VDA_LOG_INFO};

void vda_log_config_default(vda_log_config *cfg, const wchar_t *component)
{
  memset(cfg, 0, sizeof(*cfg));
  cfg->component = component;
  cfg->level = VDA_LOG_INFO;
  cfg->max_bytes = 1024 * 1024;
  cfg->generations = 3;
}

static const char *level_name(vda_log_level level)
{
  switch (level) {
  case VDA_LOG_ERROR:
    return "ERROR";
  case VDA_LOG_WARN:
    return "WARN ";
  case VDA_LOG_INFO:
    return "INFO ";
  case VDA_LOG_DEBUG:
    return "DEBUG";
  }
  return "?    ";
}

bool vda_log_level_parse(const char *text, vda_log_level *out)
{
  static const char *const names[] = {"error", "warn", "info", "debug"};
  for (int i = 0; i < 4; i++) {
    if (_stricmp(text, names[i]) == 0 || (text[0] == (char)('0' + i) && text[1] == 0)) {
      *out = (vda_log_level)i;
      return true;
    }
  }
  if (_stricmp(text, "warning") == 0) {
    *out = VDA_LOG_WARN;
    return true;
  }
  return false;
}

/* Builds "<dir>\<component><suffix>" into out. */
static bool make_path(WCHAR *out, size_t cap, const WCHAR *dir, const WCHAR *suffix)
{
  int n = _snwprintf(out, cap, L"%ls\\%ls%ls", dir, g_log.component, suffix);
  return n > 0 && (size_t)n < cap;
}

static HANDLE open_log_file(const WCHAR *path, unsigned long *size_out)
{
  LARGE_INTEGER size;
  /* Shared for reading, writing and deletion: an administrator can read or
   * remove the log while we run, and a second process (`vdservice install`
   * while the service runs) can append too; FILE_APPEND_DATA keeps every
   * write at the end. */
  HANDLE h =
      CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return h;
  *size_out =
      GetFileSizeEx(h, &size) && size.QuadPart < 0x7fffffff ? (unsigned long)size.QuadPart : 0;
  return h;
}

/* Shifts name.log -> name.1.log -> ... and reopens a fresh file.
 * Called with the lock held. */
static void rotate(void)
{
  WCHAR dir[MAX_PATH], from[MAX_PATH], to[MAX_PATH], suffix[16];
  WCHAR *slash;

  if (g_log.file == INVALID_HANDLE_VALUE || g_log.generations == 0)
    return;
  wcscpy(dir, g_log.path);
  slash = wcsrchr(dir, L'\\');
  if (!slash)
    return;
  *slash = 0;
  CloseHandle(g_log.file);
  g_log.file = INVALID_HANDLE_VALUE;
  for (unsigned i = g_log.generations; i >= 1; i--) {
    if (i == 1)
      wcscpy(from, g_log.path);
    else {
      _snwprintf(suffix, ARRAYSIZE(suffix), L".%u.log", i - 1);
      make_path(from, ARRAYSIZE(from), dir, suffix);
    }
    _snwprintf(suffix, ARRAYSIZE(suffix), L".%u.log", i);
    make_path(to, ARRAYSIZE(to), dir, suffix);
    MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING);
  }
  g_log.file = open_log_file(g_log.path, &g_log.written);
}

void vda_log_open(const vda_log_config *cfg)
{
  WCHAR dir[MAX_PATH];
  DWORD err = 0;

  if (!g_log.lock_ready) {
    InitializeCriticalSection(&g_log.lock);
    g_log.lock_ready = true;
  }
  EnterCriticalSection(&g_log.lock);
  wcsncpy(g_log.component, cfg->component, ARRAYSIZE(g_log.component) - 1);
  snprintf(g_log.tag, sizeof(g_log.tag), "%ls[%lu]", cfg->component,
           (unsigned long)GetCurrentProcessId());
  g_log.to_stderr = cfg->to_stderr;
  g_log.level = cfg->level;
  g_log.max_bytes = cfg->max_bytes;
  g_log.generations = cfg->generations;
  g_log.path[0] = 0;

  if (cfg->directory) {
    wcsncpy(dir, cfg->directory, ARRAYSIZE(dir) - 1);
    dir[ARRAYSIZE(dir) - 1] = 0;
  } else {
    /* Where Windows keeps ProgramData (the ProfileList value behind
     * FOLDERID_ProgramData), not SHGetKnownFolderPath: shell32 would pull
     * user32 into the service, and a service must not initialise a display
     * driver (under Wine it even spoils the session's display mode list).
     * Not %ProgramData% either: Wine gives services a different one. */
    WCHAR raw[MAX_PATH], base[MAX_PATH];
    DWORD size = sizeof(raw), n = 0;
    if (RegGetValueW(HKEY_LOCAL_MACHINE,
                     L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList",
                     L"ProgramData", RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL, raw,
                     &size) == ERROR_SUCCESS)
      n = ExpandEnvironmentStringsW(raw, base, ARRAYSIZE(base));
    if (n == 0 || n > ARRAYSIZE(base) || wcschr(base, L'%')) {
      /* It is "ProgramData" on the system drive. */
      n = GetSystemWindowsDirectoryW(base, ARRAYSIZE(base));
      if (n >= 3 && n < ARRAYSIZE(base) && base[1] == L':') {
        wcscpy(base + 3, L"ProgramData");
        n = (DWORD)wcslen(base);
      } else {
        n = 0;
      }
    }
    if (n > 0 && n < ARRAYSIZE(base)) {
      _snwprintf(dir, ARRAYSIZE(dir), L"%ls\\SPICE Agent", base);
      dir[ARRAYSIZE(dir) - 1] = 0;
    } else {
      dir[0] = 0;
    }
  }
  if (dir[0] && (CreateDirectoryW(dir, NULL) || GetLastError() == ERROR_ALREADY_EXISTS) &&
      make_path(g_log.path, ARRAYSIZE(g_log.path), dir, L".log")) {
    g_log.file = open_log_file(g_log.path, &g_log.written);
    if (g_log.file == INVALID_HANDLE_VALUE)
      err = GetLastError();
  } else {
    err = GetLastError();
  }
  if (g_log.file == INVALID_HANDLE_VALUE) {
    g_log.to_stderr = true;
    g_log.path[0] = 0;
  }
  LeaveCriticalSection(&g_log.lock);
  if (err)
    LOG_WARN("cannot open log file in '%ls': %s; logging to stderr only", dir,
             vda_win_strerror(err));
}

void vda_log_close(void)
{
  if (!g_log.lock_ready)
    return;
  EnterCriticalSection(&g_log.lock);
  if (g_log.file != INVALID_HANDLE_VALUE)
    CloseHandle(g_log.file);
  g_log.file = INVALID_HANDLE_VALUE;
  LeaveCriticalSection(&g_log.lock);
}

void vda_log_set_level(vda_log_level level)
{
  InterlockedExchange(&g_log.level, (LONG)level);
}

/* Keeps a WARN or ERROR line in the ring (len bytes, no line end). Called
 * with the lock held. */
static void remember(const char *line, size_t len)
{
  char *slot = g_log.recent[g_log.recent_next];
  if (len > VDA_LOG_RECENT_LINE - 1) {
    len = VDA_LOG_RECENT_LINE - 1;
    /* Not half a UTF-8 character at the cut. */
    while (len > 0 && ((unsigned char)line[len] & 0xc0) == 0x80)
      len--;
  }
  memcpy(slot, line, len);
  slot[len] = 0;
  g_log.recent_next = (g_log.recent_next + 1) % VDA_LOG_RECENT_MAX;
  if (g_log.recent_count < VDA_LOG_RECENT_MAX)
    g_log.recent_count++;
}

size_t vda_log_recent(char (*out)[VDA_LOG_RECENT_LINE], size_t max)
{
  size_t n, first;
  if (!g_log.lock_ready)
    return 0;
  EnterCriticalSection(&g_log.lock);
  n = g_log.recent_count < max ? g_log.recent_count : max;
  /* The n newest, oldest of them first. */
  first = (g_log.recent_next + VDA_LOG_RECENT_MAX - n) % VDA_LOG_RECENT_MAX;
  for (size_t i = 0; i < n; i++)
    memcpy(out[i], g_log.recent[(first + i) % VDA_LOG_RECENT_MAX], VDA_LOG_RECENT_LINE);
  LeaveCriticalSection(&g_log.lock);
  return n;
}

void vda_log_writev(vda_log_level level, const char *func, const char *fmt, va_list ap)
{
  char line[2048];
  SYSTEMTIME now;
  int head, body;
  size_t len;
  DWORD done;
  /* Warnings and errors are formatted even below the level, for the ring. */
  bool to_log = (LONG)level <= g_log.level;

  if (!to_log && level > VDA_LOG_WARN)
    return;
  GetLocalTime(&now);
  head = snprintf(line, sizeof(line), "%04u-%02u-%02u %02u:%02u:%02u.%03u %s %s %s: ", now.wYear,
                  now.wMonth, now.wDay, now.wHour, now.wMinute, now.wSecond, now.wMilliseconds,
                  level_name(level), g_log.tag[0] ? g_log.tag : "?", func);
  if (head < 0 || (size_t)head >= sizeof(line))
    head = 0;
  body = vsnprintf(line + head, sizeof(line) - (size_t)head - 2, fmt, ap);
  if (body < 0)
    body = 0;
  len = (size_t)head + (size_t)body;
  if (len > sizeof(line) - 3)
    len = sizeof(line) - 3; /* truncated: keep the line ending */
  line[len++] = '\r';
  line[len++] = '\n';
  line[len] = 0;

  if (!g_log.lock_ready) {
    if (to_log)
      fputs(line, stderr);
    return;
  }
  EnterCriticalSection(&g_log.lock);
  if (level <= VDA_LOG_WARN)
    remember(line, len - 2);
  if (!to_log) {
    LeaveCriticalSection(&g_log.lock);
    return;
  }
  if (g_log.file != INVALID_HANDLE_VALUE) {
    if (g_log.written + len > g_log.max_bytes)
      rotate();
    if (g_log.file != INVALID_HANDLE_VALUE && WriteFile(g_log.file, line, (DWORD)len, &done, NULL))
      g_log.written += done;
  }
  if (g_log.to_stderr) {
    fwrite(line, 1, len - 2, stderr);
    fputc('\n', stderr);
    fflush(stderr);
  }
  LeaveCriticalSection(&g_log.lock);
}

void vda_log_write(vda_log_level level, const char *func, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vda_log_writev(level, func, fmt, ap);
  va_end(ap);
}

const char *vda_log_utf8(const wchar_t *text, char *buf, size_t cap)
{
  int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, (int)cap, NULL, NULL);
  if (n <= 0)
    snprintf(buf, cap, "(unprintable)");
  buf[cap - 1] = 0;
  return buf;
}

/* --- rate-limited lines (vda_log_limited) ---
 * Their own state and lock, apart from the file's: the limiter decides, then
 * the line goes through vda_log_write like any other. */
static struct {
  SRWLOCK lock;
  bool ready;
  vda_ratelimit rl;
} g_limit = {.lock = SRWLOCK_INIT};

typedef struct suppressed_line {
  char what[VDA_RATELIMIT_WHAT];
  unsigned long long count;
  unsigned long long ms;
} suppressed_line;

/* Every slot may be due at once: room for all of them. */
typedef struct suppressed_batch {
  suppressed_line lines[VDA_RATELIMIT_SLOTS + 1];
  unsigned count;
} suppressed_batch;

static void write_suppressed(const suppressed_line *s)
{
  vda_log_write(VDA_LOG_WARN, "log", "%llu similar lines suppressed in the last %llu.%llu s: %s",
                s->count, s->ms / 1000, s->ms % 1000 / 100, s->what);
}

/* Called with g_limit.lock held; written after it is released. */
static void collect_suppressed(void *ctx, const char *what, uint64_t n, uint64_t interval_ms)
{
  suppressed_batch *out = ctx;
  if (out->count < ARRAYSIZE(out->lines)) {
    suppressed_line *l = &out->lines[out->count++];
    snprintf(l->what, sizeof(l->what), "%s", what);
    l->count = n;
    l->ms = interval_ms;
  }
}

static void limit_ready(void)
{
  if (!g_limit.ready) {
    vda_ratelimit_init(&g_limit.rl, VDA_LOG_LIMIT_INTERVAL_MS, 1);
    g_limit.ready = true;
  }
}

void vda_log_limited(vda_log_level level, const char *func, const void *key, const char *fmt, ...)
{
  char body[VDA_RATELIMIT_WHAT + 160], what[VDA_RATELIMIT_WHAT];
  vda_ratelimit_verdict v;
  suppressed_line before = {.count = 0};
  va_list ap;

  if ((LONG)level > g_log.level)
    return;
  va_start(ap, fmt);
  vsnprintf(body, sizeof(body), fmt, ap);
  va_end(ap);
  /* The summary names the function and the start of the line it stands for. */
  snprintf(what, sizeof(what), "%s: %s", func, body);
  AcquireSRWLockExclusive(&g_limit.lock);
  limit_ready();
  v = vda_ratelimit_check(&g_limit.rl, (uintptr_t)(key ? key : fmt), what, GetTickCount64());
  if (v.suppressed > 0) {
    snprintf(before.what, sizeof(before.what), "%s", v.what ? v.what : "?");
    before.count = v.suppressed;
    before.ms = v.interval_ms;
  }
  ReleaseSRWLockExclusive(&g_limit.lock);
  if (before.count > 0)
    write_suppressed(&before);
  if (v.pass)
    vda_log_write(level, func, "%s", body);
}

unsigned long vda_log_flush_suppressed(void)
{
  suppressed_batch due = {.count = 0};
  uint64_t now = GetTickCount64(), next;

  AcquireSRWLockExclusive(&g_limit.lock);
  limit_ready();
  vda_ratelimit_expire(&g_limit.rl, now, collect_suppressed, &due);
  next = vda_ratelimit_next_due(&g_limit.rl, now);
  ReleaseSRWLockExclusive(&g_limit.lock);
  for (unsigned i = 0; i < due.count; i++)
    write_suppressed(&due.lines[i]);
  return next > 0xfffffffful ? 0xfffffffful : (unsigned long)next;
}
