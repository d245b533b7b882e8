/* One end of the service <-> agent pipe: a vda_stream carrying vda_ipc
 * frames. The owner's loop waits on the read and write events and calls
 * vda_ipc_link_on_read / vda_ipc_link_on_write when they fire. */
#ifndef VDA_WIN32_IPC_LINK_H
#define VDA_WIN32_IPC_LINK_H

#include <stdbool.h>
#include <windows.h>

#include "stream_io.h"
#include "vda_caps.h"
#include "vda_ipc.h"

/* The pipe's I/O size each way: its buffer in that direction (the service
 * creates it so), the sender's gathered writes and the receiver's reads.
 * Towards the service 1 MiB: under Wine each pipe read and write is a
 * wineserver request that copies the bytes through the server, and 64 KiB
 * operations cost the pipe two to four times what 1 MiB ones do
 * (bench/windows/pipe_floor.c), on the guest -> client clipboard's path.
 * Towards the agent 64 KiB: that path is held by the port's reads, and a
 * resize or a click from the client queues behind at most 64 KiB of a
 * transfer in the pipe. */
#define VDA_IPC_TO_SERVICE_IO (1024u * 1024u)
#define VDA_IPC_TO_AGENT_IO (64u * 1024u)

typedef struct vda_ipc_link {
  vda_stream *stream;
  vda_ipc_decoder dec;
  bool reading_paused; /* the owner applies back-pressure */
} vda_ipc_link;

/* Takes ownership of an overlapped pipe handle and starts reading, in reads
 * of read_size, gathering writes up to write_size (VDA_IPC_TO_* for the
 * direction each end reads and writes). */
DWORD vda_ipc_link_open(vda_ipc_link *l, HANDLE pipe, size_t queue_limit, size_t read_size,
                        size_t write_size, vda_ipc_frame_fn on_frame, void *ctx);
void vda_ipc_link_close(vda_ipc_link *l);
bool vda_ipc_link_is_open(const vda_ipc_link *l);

/* Queues one frame (header + payload). False when the queue is full or the
 * frame too large: the caller logs and drops the link. */
bool vda_ipc_link_send(vda_ipc_link *l, uint32_t type, const void *payload, size_t size);
/* MESSAGE frame: u32 vd_type + body. */
bool vda_ipc_link_send_message(vda_ipc_link *l, uint32_t vd_type, const void *body, size_t size);
/* HELLO (agent) or HELLO_ACK (service): the IPC version, then the sender's
 * capability words, laid out like an ANNOUNCE_CAPABILITIES body. */
bool vda_ipc_link_send_hello(vda_ipc_link *l, uint32_t type, const vda_caps *caps);
size_t vda_ipc_link_queued(const vda_ipc_link *l);

HANDLE vda_ipc_link_read_event(const vda_ipc_link *l);
/* Wait on the read event only while this is true (not while paused). */
bool vda_ipc_link_read_pending(const vda_ipc_link *l);
HANDLE vda_ipc_link_write_event(const vda_ipc_link *l);
/* Collects a read, delivers the frames it completed, starts the next read
 * (unless paused). Returns ERROR_SUCCESS, or an error after which the link
 * must be closed; *why then says what broke. */
DWORD vda_ipc_link_on_read(vda_ipc_link *l, const char **why);
DWORD vda_ipc_link_on_write(vda_ipc_link *l);
/* Back-pressure: stop or resume reading frames from the peer. */
DWORD vda_ipc_link_pause(vda_ipc_link *l, bool paused);

#endif
