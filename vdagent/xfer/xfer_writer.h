/* The file-transfer writer: one thread that owns every open transfer file
 * and does all disk work (create, write, rename, delete) as the user, so a
 * slow or large transfer never delays the agent's main loop, the mouse,
 * the display worker or the clipboard thread.
 *
 * The main loop posts operations in order; data is copied into the queue.
 * The queue is bounded by bytes: the main loop stops reading the service's
 * pipe while vda_xfer_writer_backlog() is above VDA_XFER_WRITER_HIGH and
 * resumes when the writer signals it drained below VDA_XFER_WRITER_LOW, so
 * back-pressure runs from the disk through the pipe and the service to the
 * port. Results (created, committed, failed) come back through a queue
 * whose event the main loop waits on. */
#ifndef VDA_XFER_WRITER_H
#define VDA_XFER_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <windows.h>

#include "xfer_files.h"

#define VDA_XFER_WRITER_HIGH (4u * 1024u * 1024u)
#define VDA_XFER_WRITER_LOW (1u * 1024u * 1024u)
/* Hard cap on queued data: a caller that ignores back-pressure gets
 * refusals, never unbounded memory. */
#define VDA_XFER_WRITER_LIMIT (16u * 1024u * 1024u)

typedef enum vda_xfer_result_kind {
  VDA_XFER_CREATED,   /* the temporary file exists: ask for data */
  VDA_XFER_NO_SPACE,  /* free_bytes holds what the user may still write */
  VDA_XFER_FAILED,    /* err holds the Win32 error; the file is gone */
  VDA_XFER_COMMITTED, /* path holds the final name */
} vda_xfer_result_kind;

typedef struct vda_xfer_result {
  uint32_t id;
  vda_xfer_result_kind kind;
  DWORD err;
  uint64_t free_bytes;
  wchar_t path[VDA_XFER_PATH_MAX];
} vda_xfer_result;

typedef struct vda_xfer_writer vda_xfer_writer;

/* token: the session user's token (duplicated; NULL: our own identity).
 * configured_dir: the DownloadFolder setting, empty for the user's
 * Downloads. Space below `reserve` bytes is never used. */
vda_xfer_writer *vda_xfer_writer_start(HANDLE token, const wchar_t *configured_dir,
                                       uint64_t reserve);
/* Discards every open file (deleted, never left partial), then stops. */
void vda_xfer_writer_stop(vda_xfer_writer *w);

/* Each returns false when the operation could not be queued (out of
 * memory or over VDA_XFER_WRITER_LIMIT): the caller fails the transfer. */
bool vda_xfer_writer_create(vda_xfer_writer *w, uint32_t id, uint64_t size);
bool vda_xfer_writer_write(vda_xfer_writer *w, uint32_t id, const void *data, size_t len);
bool vda_xfer_writer_commit(vda_xfer_writer *w, uint32_t id, const char *clean_name);
bool vda_xfer_writer_discard(vda_xfer_writer *w, uint32_t id);

/* Bytes of data queued and not yet written. */
size_t vda_xfer_writer_backlog(vda_xfer_writer *w);
/* Signalled when a result is ready or the backlog fell below the low mark
 * after having been above the high one. */
HANDLE vda_xfer_writer_event(const vda_xfer_writer *w);
bool vda_xfer_writer_take(vda_xfer_writer *w, vda_xfer_result *out);

#endif
