/* Win32 error codes as text for log lines. */
#ifndef VDA_WIN32_WINERROR_TEXT_H
#define VDA_WIN32_WINERROR_TEXT_H

#include <stddef.h>
#include <windows.h>

/* Writes "<system message> (<code>)" as UTF-8 into buf and returns buf.
 * Always NUL-terminates; falls back to "error <code>" when the system has
 * no message for the code. */
const char *vda_win_error_text(DWORD code, char *buf, size_t size);

/* Convenience for log lines: formats the code into a thread-local buffer. */
const char *vda_win_strerror(DWORD code);

#endif
