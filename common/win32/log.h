/* Logging for both Windows executables.
 *
 * One line per event: "2026-11-22 02:40:01.123 INFO  vdservice[1234] func: text".
 * Lines go to a size-capped, rotating file under %ProgramData%\SPICE Agent\
 * (so an administrator finds every log in one place whatever account the
 * process runs as) and, when running in a console, to stderr as well.
 * Thread-safe. Messages are UTF-8.
 */
#ifndef VDA_WIN32_LOG_H
#define VDA_WIN32_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

typedef enum vda_log_level {
  VDA_LOG_ERROR = 0,
  VDA_LOG_WARN = 1,
  VDA_LOG_INFO = 2,
  VDA_LOG_DEBUG = 3,
} vda_log_level;

typedef struct vda_log_config {
  const wchar_t *component; /* file name stem and line tag, e.g. L"vdservice" */
  const wchar_t *directory; /* NULL: %ProgramData%\SPICE Agent */
  bool to_stderr;           /* also write to stderr (console mode) */
  vda_log_level level;
  unsigned long max_bytes; /* rotate when the file would exceed this */
  unsigned generations;    /* how many rotated files to keep (.1 .. .N) */
} vda_log_config;

/* Fills in the defaults: 1 MiB per file, 3 generations, level INFO. */
void vda_log_config_default(vda_log_config *cfg, const wchar_t *component);

/* Opens the log. Never fatal: if the file cannot be opened, logging falls
 * back to stderr only and the reason is logged there. */
void vda_log_open(const vda_log_config *cfg);
void vda_log_close(void);
void vda_log_set_level(vda_log_level level);

void vda_log_write(vda_log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));
void vda_log_writev(vda_log_level level, const char *func, const char *fmt, va_list ap)
    __attribute__((format(gnu_printf, 3, 0)));

#define LOG_ERROR(...) vda_log_write(VDA_LOG_ERROR, __func__, __VA_ARGS__)
#define LOG_WARN(...) vda_log_write(VDA_LOG_WARN, __func__, __VA_ARGS__)
#define LOG_INFO(...) vda_log_write(VDA_LOG_INFO, __func__, __VA_ARGS__)
#define LOG_DEBUG(...) vda_log_write(VDA_LOG_DEBUG, __func__, __VA_ARGS__)

/* Rate-limited lines, for every refusal of what came from outside (a host
 * or a client can send the same bad thing 20 000 times): `key` names the
 * reason (a static string's address, such as the reader's `why`, or the
 * format itself). After a quiet interval (VDA_LOG_LIMIT_INTERVAL_MS) a key
 * writes one line; later ones are counted and reported as one "N similar
 * lines suppressed" line per interval (vda_log_flush_suppressed, or the
 * key's own next line). Same level filter as vda_log_write. */
#define VDA_LOG_LIMIT_INTERVAL_MS 10000u
void vda_log_limited(vda_log_level level, const char *func, const void *key, const char *fmt, ...)
    __attribute__((format(gnu_printf, 4, 5)));
/* The "N similar lines suppressed" lines that are due. Returns the
 * milliseconds until the next one is (0xffffffff: none pending), for the
 * caller's wait timeout. */
unsigned long vda_log_flush_suppressed(void);

#define LOG_WARN_LIMITED(key, ...) vda_log_limited(VDA_LOG_WARN, __func__, (key), __VA_ARGS__)
#define LOG_INFO_LIMITED(key, ...) vda_log_limited(VDA_LOG_INFO, __func__, (key), __VA_ARGS__)

/* The last WARN and ERROR lines (whatever the level), kept for
 * `vdservice status`: a ring of VDA_LOG_RECENT_MAX lines, each cut to
 * VDA_LOG_RECENT_LINE - 1 bytes on a UTF-8 boundary, without the line end.
 * Copies at most max of them, oldest first, into out; returns how many. */
#define VDA_LOG_RECENT_MAX 8u
#define VDA_LOG_RECENT_LINE 256u
size_t vda_log_recent(char (*out)[VDA_LOG_RECENT_LINE], size_t max);

/* `text` as UTF-8 in buf, for log lines: the C runtime's %ls would turn
 * anything outside ASCII into '?'. Returns buf, always terminated. */
const char *vda_log_utf8(const wchar_t *text, char *buf, size_t cap);

/* Parses "error", "warn", "info", "debug" (case-insensitive) or "0".."3". */
bool vda_log_level_parse(const char *text, vda_log_level *out);

#endif
