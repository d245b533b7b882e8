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

/* `text` as UTF-8 in buf, for log lines: the C runtime's %ls would turn
 * anything outside ASCII into '?'. Returns buf, always terminated. */
const char *vda_log_utf8(const wchar_t *text, char *buf, size_t cap);

/* Parses "error", "warn", "info", "debug" (case-insensitive) or "0".."3". */
bool vda_log_level_parse(const char *text, vda_log_level *out);

#endif
