/*
 * vda_xfer_table.h - the agent's table of active file transfers: portable
 * state only.  The Win32 side (creating, writing, renaming, deleting files)
 * reaches its own state for each transfer through the opaque slot->file.
 *
 * Rules (lessons of the Linux agent's CVE-2020-25650/25651):
 *   - a transfer exists only because the client's FILE_XFER_START created
 *     it, with the client's id; nothing else creates slots;
 *   - at most VDA_XFER_MAX_ACTIVE transfers; one more is refused
 *     (START_FULL: answer ERROR, GIO TOO_MANY_OPEN_FILES, as the Linux agent);
 *   - an id already active is refused (START_DUPLICATE): the client gets an
 *     ERROR for the *new* START, the existing transfer continues untouched;
 *   - every slot belongs to the client connection that created it: the
 *     caller passes a generation (bumped on CLIENT_DISCONNECTED / a new
 *     client) with every call, and a slot is found only by (id, generation).
 *     DATA carrying the id of a previous connection's transfer is UNKNOWN.
 *
 * Life of a slot:
 *   start()            -> OPENING: the caller creates the (temporary) file;
 *   ready(file)        -> WAITING_DATA: the caller sends CAN_SEND_DATA;
 *                         or COMPLETE at once for a 0-byte file (below);
 *   data(len) ...      -> MORE while bytes are missing, COMPLETE when the
 *                         declared size is reached: the caller renames the
 *                         file and answers SUCCESS, then finish();
 *   cancel()           client STATUS CANCELLED/ERROR, a failure of ours, or
 *                      CLIENT_DISCONNECTED / a new client / agent stopping
 *                      (the caller cancels each of its transfers in turn);
 *   finish()           the transfer is over (after SUCCESS or ERROR sent).
 * cancel and finish remove the slot and hand back a copy, so the caller can
 * close or delete its file.  Slot pointers returned by find()
 * and data() stay valid until that slot is removed.
 *
 * Empty files.  spice-gtk (channel-main.c, file_xfer_read_async_cb) reads
 * only after CAN_SEND_DATA; for a 0-byte file it then sends one
 * FILE_XFER_DATA with size 0 (rhbz#1135099) and never sends a 0-byte DATA
 * for a non-empty file (fdo#97227); on any STATUS it completes the task.
 * So ready() completes a 0-byte transfer at once: the caller answers SUCCESS
 * instead of CAN_SEND_DATA and the client never sends that empty DATA.  A
 * client that sends it anyway finds the id unknown (logged, dropped), or
 * IGNORED while the slot is still COMPLETE.
 *
 * What goes on the wire: common/protocol/vda_builder.h already maps our
 * results and the client's FILE_XFER_DETAILED_ERRORS capability
 * (vda_body_xfer_status / _error / _no_space: NOT_ENOUGH_SPACE,
 * SESSION_LOCKED, DISABLED ... become plain ERROR without the capability,
 * details only with it), so nothing here duplicates it; the GIO error codes
 * for the ERROR detail are below.
 *
 * Free space: see vda_xfer_fits().
 */
#ifndef VDA_XFER_TABLE_H
#define VDA_XFER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDA_XFER_MAX_ACTIVE 64u

/* GLib GIOErrorEnum values for the ERROR detail (vda_body_xfer_status_error),
 * which spice-gtk turns into its message to the user. */
#define VDA_GIO_ERROR_FAILED 0u
#define VDA_GIO_ERROR_EXISTS 2u
#define VDA_GIO_ERROR_INVALID_FILENAME 10u
#define VDA_GIO_ERROR_NO_SPACE 12u
#define VDA_GIO_ERROR_PERMISSION_DENIED 14u
#define VDA_GIO_ERROR_CANCELLED 19u
#define VDA_GIO_ERROR_TOO_MANY_OPEN_FILES 31u

typedef enum vda_xfer_state {
  VDA_XFER_SLOT_FREE = 0,     /* not in use */
  VDA_XFER_SLOT_OPENING,      /* START accepted, file being created */
  VDA_XFER_SLOT_WAITING_DATA, /* CAN_SEND_DATA sent, DATA expected */
  VDA_XFER_SLOT_COMPLETE,     /* every declared byte arrived */
} vda_xfer_state;

typedef struct vda_xfer_slot {
  uint32_t id;         /* the client's id */
  uint32_t generation; /* the client connection that started it */
  uint64_t size;       /* declared by START */
  uint64_t received;   /* accounted by data(); <= size */
  vda_xfer_state state;
  void *file; /* the caller's, set by ready(); NULL before */
} vda_xfer_slot;

typedef struct vda_xfer_table {
  vda_xfer_slot slot[VDA_XFER_MAX_ACTIVE]; /* state FREE: unused */
} vda_xfer_table;

void vda_xfer_table_init(vda_xfer_table *t);

typedef enum {
  VDA_XFER_START_OK,        /* slot OPENING: create the file, then ready() */
  VDA_XFER_START_DUPLICATE, /* id active in this generation: ERROR (EXISTS)
                               * for this START; the existing one continues */
  VDA_XFER_START_FULL,      /* VDA_XFER_MAX_ACTIVE active: ERROR
                               * (TOO_MANY_OPEN_FILES) */
} vda_xfer_start_verdict;

/* *why: static reason unless OK. */
vda_xfer_start_verdict vda_xfer_table_start(vda_xfer_table *t, uint32_t id, uint32_t generation,
                                            uint64_t size, const char **why);

typedef enum {
  VDA_XFER_READY_SEND_DATA, /* WAITING_DATA: send CAN_SEND_DATA */
  VDA_XFER_READY_COMPLETE,  /* 0-byte file, COMPLETE: rename, SUCCESS */
  VDA_XFER_READY_UNKNOWN,   /* no OPENING slot (id, generation): it was
                               * cancelled meanwhile; discard the file */
} vda_xfer_ready_verdict;

/* The caller's file exists (file: its state, kept in the slot). */
vda_xfer_ready_verdict vda_xfer_table_ready(vda_xfer_table *t, uint32_t id, uint32_t generation,
                                            void *file);

typedef enum {
  VDA_XFER_DATA_MORE,       /* accounted: write len bytes, wait for more */
  VDA_XFER_DATA_COMPLETE,   /* accounted: write len bytes; the declared
                               * size is reached: rename, SUCCESS, finish() */
  VDA_XFER_DATA_IGNORED,    /* len == 0 on a WAITING_DATA or COMPLETE slot:
                               * nothing to write, nothing changed */
  VDA_XFER_DATA_UNKNOWN,    /* no slot (id, generation): log and drop */
  VDA_XFER_DATA_OVERFLOW,   /* more bytes than declared (nothing accounted):
                               * fail the transfer with ERROR */
  VDA_XFER_DATA_UNEXPECTED, /* DATA before CAN_SEND_DATA (OPENING): fail
                               * the transfer with ERROR */
} vda_xfer_data_verdict;

/* len: the DATA message's size field (validated against the body by the
 * reader).  *slot: the slot for every verdict but UNKNOWN (NULL then).
 * *why: static reason for IGNORED, UNKNOWN, OVERFLOW and UNEXPECTED. */
vda_xfer_data_verdict vda_xfer_table_data(vda_xfer_table *t, uint32_t id, uint32_t generation,
                                          uint64_t len, vda_xfer_slot **slot, const char **why);

/* The slot (id, generation), or NULL. */
vda_xfer_slot *vda_xfer_table_find(vda_xfer_table *t, uint32_t id, uint32_t generation);

/* Remove the slot (id, generation), copying it to *out (may be NULL);
 * false when there is none.  cancel: the transfer failed or was cancelled
 * (delete its file); finish: it is over (the file was renamed or already
 * deleted).  Same effect on the table; two names so callers say which. */
bool vda_xfer_table_cancel(vda_xfer_table *t, uint32_t id, uint32_t generation, vda_xfer_slot *out);
bool vda_xfer_table_finish(vda_xfer_table *t, uint32_t id, uint32_t generation, vda_xfer_slot *out);

/* Free-space reserve: 64 MiB, never given to transfers.  A fixed amount
 * rather than a percentage: 1% of the *free* space shrinks to nothing on a
 * nearly full disk, exactly when the reserve matters (the Downloads folder
 * is usually on the system volume: the page file, the registry and the
 * logs need room), and the volume size is not known here.  64 MiB is far
 * below what a user would miss, far above what Windows needs to keep
 * running and to let the user free space. */
#define VDA_XFER_RESERVE_DEFAULT (64ull * 1024u * 1024u)

/* Bytes a transfer may use: free_bytes - reserve, 0 when free_bytes <=
 * reserve.  This is what NOT_ENOUGH_SPACE reports as free, so the client's
 * "N free, M to transfer" message is consistent with the refusal. */
uint64_t vda_xfer_usable(uint64_t free_bytes, uint64_t reserve);

/* size fits: size <= vda_xfer_usable(free_bytes, reserve).  A 0-byte file
 * always fits (it needs no data clusters). */
bool vda_xfer_fits(uint64_t size, uint64_t free_bytes, uint64_t reserve);

#endif /* VDA_XFER_TABLE_H */
