/* Start, stop and fatal errors also go to the Windows Event Log
 * (Application log, source "spice-agent"), where administrators and
 * monitoring tools look first. Everything else stays in the file log. */
#ifndef VDS_EVENTLOG_H
#define VDS_EVENTLOG_H

#include <windows.h>

typedef enum vds_event_kind { VDS_EVENT_INFO, VDS_EVENT_WARNING, VDS_EVENT_ERROR } vds_event_kind;

/* Registers the source (HKLM\SYSTEM\...\EventLog\Application\spice-agent,
 * message file = this exe). Called by `vdservice install`. */
DWORD vds_eventlog_register(const wchar_t *exe_path);
void vds_eventlog_unregister(void);

/* Reports one UTF-8 line; failures are only logged to the file. */
void vds_eventlog_report(vds_event_kind kind, const char *fmt, ...)
    __attribute__((format(gnu_printf, 2, 3)));

#endif
