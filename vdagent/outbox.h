/* Messages that worker threads (the clipboard thread) want sent to the
 * client. Only the main thread writes to the service pipe, so workers queue
 * whole message bodies here and the main loop sends them: small ones as one
 * MESSAGE frame, large ones (a 100 MiB clipboard) as OUT_BEGIN + DATA pieces
 * + END, a piece at a time as the pipe drains, so the agent never queues more
 * than a few pieces on the pipe. The queue is bounded by count; the bodies
 * by the clipboard limit their producer enforces. */
#ifndef VDA_OUTBOX_H
#define VDA_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <windows.h>

#include "ipc_link.h"

typedef struct vda_outbox vda_outbox;

vda_outbox *vda_outbox_new(void);
void vda_outbox_free(vda_outbox *o);

/* Takes ownership of body (malloc'ed; freed on refusal too). False when the
 * queue is full. Thread-safe. */
bool vda_outbox_post(vda_outbox *o, uint32_t vd_type, uint8_t *body, size_t len);

/* Signalled while something waits to be sent. */
HANDLE vda_outbox_event(const vda_outbox *o);

/* Main thread: sends what the pipe can take now (call on the outbox event
 * and whenever the pipe drained). Returns false when the pipe refused a
 * frame (the link is then unusable). */
bool vda_outbox_pump(vda_outbox *o, vda_ipc_link *link);
/* The last pump stopped for back-pressure: pump again when the pipe drained,
 * and do not wait on the outbox event meanwhile (it stays signalled). */
bool vda_outbox_blocked(const vda_outbox *o);

#endif
