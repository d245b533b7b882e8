/* The files of a file transfer, on disk, as the logged-on user.
 *
 * The agent runs as LocalSystem, so every file operation here runs while the
 * writer thread impersonates the session's user: files get the user's owner
 * and the folder's inherited ACLs, and a folder the user may not write to
 * refuses us as it would refuse them.
 *
 * A transfer is written under a hidden temporary name in the destination
 * (".spice-agent-<id>-<n>.partial") whose delete disposition is set from the
 * moment it is created: if the agent dies, is killed or the service stops
 * it, Windows deletes the file when the handle closes, so no partial file
 * survives. Commit clears the disposition and renames the file to its final
 * name without ever replacing an existing file ("name (1).ext" ...).
 * Only the window between those two calls could leave a complete but hidden
 * temporary file (a power cut, say): opening a destination sweeps such
 * leftovers of earlier runs. */
#ifndef VDA_XFER_FILES_H
#define VDA_XFER_FILES_H

#include <stdbool.h>
#include <stdint.h>
#include <windows.h>

#define VDA_XFER_PATH_MAX 1024

typedef struct vda_xfer_dest {
  HANDLE token; /* the user's primary token (owned), or NULL: act as ourselves */
  wchar_t dir[VDA_XFER_PATH_MAX];
} vda_xfer_dest;

/* Resolves the destination for the user of `token` (duplicated; NULL: the
 * calling process's own identity, for tests): `configured` when non-empty
 * (environment variables expanded for that user), else the user's
 * FOLDERID_Downloads. The folder is created when missing. Leftover
 * temporary files of earlier runs are deleted. */
DWORD vda_xfer_dest_open(vda_xfer_dest *d, HANDLE token, const wchar_t *configured);
void vda_xfer_dest_close(vda_xfer_dest *d);

/* Bytes the user may still write to the destination's volume. */
DWORD vda_xfer_dest_free_bytes(const vda_xfer_dest *d, uint64_t *free_bytes);

typedef struct vda_xfer_file {
  HANDLE h;
  wchar_t temp[VDA_XFER_PATH_MAX];
} vda_xfer_file;

/* Creates the temporary file of transfer `id`, exclusively, delete-on-close,
 * with `size` bytes reserved when the file system allows it. */
DWORD vda_xfer_file_create(const vda_xfer_dest *d, uint32_t id, uint64_t size, vda_xfer_file *f);
DWORD vda_xfer_file_write(vda_xfer_file *f, const void *data, size_t len);
/* Gives the file its final name: `clean_utf8` (a name vda_xfer_name_clean
 * accepted), or its first free variant. On success the file is closed and
 * `final_out` holds the full path; on failure it is deleted. */
DWORD vda_xfer_file_commit(const vda_xfer_dest *d, vda_xfer_file *f, const char *clean_utf8,
                           wchar_t *final_out, size_t final_cap);
/* Closes and deletes it (no-op for a file never created). */
void vda_xfer_file_discard(const vda_xfer_dest *d, vda_xfer_file *f);

#endif
