/* The file-transfer feature of the session agent (agent_feature.h):
 * FILE_XFER_START, FILE_XFER_STATUS and the streamed FILE_XFER_DATA, into
 * the signed-in user's Downloads folder (or DownloadFolder).
 *
 * START is answered, in this order:
 *   - the session is locked: SESSION_LOCKED (the service answers that
 *     itself while it knows the session is locked; this covers a START it
 *     forwarded just before the lock), as when no user is signed in;
 *   - FileTransferEnabled is 0: DISABLED (and FILE_XFER_DISABLED is
 *     announced, so clients do not offer transfers at all);
 *   - a name that is not a plain file name: ERROR (INVALID_FILENAME), or
 *     the name made safe (vda_xfer_name.h);
 *   - an id already active, or 64 active: ERROR (EXISTS /
 *     TOO_MANY_OPEN_FILES) (vda_xfer_table.h);
 *   - not enough space for the declared size: NOT_ENOUGH_SPACE with the
 *     usable bytes;
 *   - otherwise CAN_SEND_DATA once the writer thread created the hidden
 *     temporary file (xfer_files.h), or SUCCESS at once for a 0-byte file.
 * DATA goes to the writer thread; the declared size reached, the file is
 * renamed to its final name ("name (1).ext" when taken) and SUCCESS is
 * sent after the rename; the user is told (xfer_notify.h). A client STATUS
 * CANCELLED/ERROR, CLIENT_DISCONNECTED, a new client, an error and the agent
 * stopping each delete the partial file. DATA and STATUS for unknown ids are
 * logged and dropped. Values above SUCCESS and the error detail go only to
 * clients that announced FILE_XFER_DETAILED_ERRORS (vda_builder.h); the
 * agent announces it. */
#ifndef VDA_XFER_FEATURE_H
#define VDA_XFER_FEATURE_H

#include "agent_feature.h"
#include "config.h"
#include "vda_xfer_table.h"

typedef struct vda_xfer_feature vda_xfer_feature;

/* Describes the feature into *f (always enabled: even disabled transfers
 * get an answer); nothing runs yet. NULL when out of memory. *f must
 * outlive the returned object. */
vda_xfer_feature *vda_xfer_feature_new(const vda_agent_env *env, const vda_config *conf,
                                       vda_feature *f);
/* Starts the notifications; the writer thread starts with the first
 * transfer, as the signed-in user. */
void vda_xfer_feature_start(vda_xfer_feature *x);
/* Deletes every unfinished file, then frees. */
void vda_xfer_feature_free(vda_xfer_feature *x);

#endif
