/* Telling the user that files arrived.
 *
 * Mode (FileTransferNotify): 0 nothing, 1 a notification (a tray balloon,
 * which Windows 10/11 show as a toast) naming the file(s) and the folder,
 * 2 the folder opened in Explorer with the file selected. Files saved within
 * a second of each other are told in one notification ("3 files saved to
 * Downloads: a.txt, b.txt, ..."). A thread of its own owns the window the
 * notification needs, so nothing here ever waits on the agent's main loop.
 * Explorer is started as the session's user (never as SYSTEM), with the
 * path as one quoted argument of a name that cannot hold a quote. */
#ifndef VDA_XFER_NOTIFY_H
#define VDA_XFER_NOTIFY_H

#include <wchar.h>
#include <windows.h>

#define VDA_XFER_NOTIFY_NONE 0u
#define VDA_XFER_NOTIFY_BALLOON 1u
#define VDA_XFER_NOTIFY_OPEN_FOLDER 2u

typedef struct vda_xfer_notify vda_xfer_notify;

vda_xfer_notify *vda_xfer_notify_start(DWORD mode);
void vda_xfer_notify_stop(vda_xfer_notify *n);
/* A file was saved at `path` (full path); token: the user's, for opening
 * the folder (duplicated). NULL n: nothing. */
void vda_xfer_notify_saved(vda_xfer_notify *n, const wchar_t *path, HANDLE token);

#endif
