/* Fakes of the port and the agent for the mux tests (test_mux.c,
 * test_mux_agent.c): the port side is a real vda_reader delivering to the
 * mux and a real vds_port_out emitting into F.wire; the agent side records
 * what it is sent; kill() behaves as agent.c (not ready, the mux hears it
 * gone). One fake at a time, in the global F. */
#ifndef MUX_FAKE_H
#define MUX_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mux.h"
#include "port_out.h"
#include "test_wire.h"

/* c = exactly the listed capability bits. */
void caps_list(vda_caps *c, const unsigned *bits, size_t n);
#define CAPS(c, ...)                              \
  caps_list((c), (const unsigned[]){__VA_ARGS__}, \
            sizeof((const unsigned[]){__VA_ARGS__}) / sizeof(unsigned))

typedef struct sent {
  uint32_t ipc_type; /* VDA_IPC_MESSAGE, _STREAM_BEGIN, _DATA, _END, _ABORT */
  uint32_t vd_type;  /* MESSAGE and STREAM_BEGIN */
  size_t size;       /* body (MESSAGE) or payload size */
} sent;

#define MAX_SENT 64
#define MAX_LOG 64

typedef struct fake {
  vds_mux mux;
  vda_reader *reader; /* the port's reader, delivering to the mux */
  vds_port_out out;   /* the port's outgoing side */
  tbuf wire;          /* what reached the port */
  bool port_open, agent_ready, locked, agent_full;
  size_t agent_backlog; /* what agent_backlog() says is queued */
  sent agent[MAX_SENT];
  size_t nagent;
  unsigned kills, resets, open_soon, dropped_own;
  vda_caps port_caps; /* last port_set_caps */
  char log[MAX_LOG][256];
  size_t nlog;
} fake;

extern fake F;

/* Port open, no agent yet (frees the previous fake). */
void setup(void);
void teardown(void);
/* An agent says hello with these capabilities; its announcement on the
 * port and the log are cleared. */
void agent_ready(const vda_caps *caps);
/* ... with MONITORS_CONFIG, REPLY and CLIPBOARD_BY_DEMAND. */
void agent_ready_clipboard(void);
bool log_has(const char *text);

/* The host sends a message on `port` (the reader must keep framing). */
void host(unsigned port, uint32_t type, const void *body, size_t len);
void client_announce(bool request, const vda_caps *caps);
void client_xfer_start(uint32_t id);
void client_monitors_config(void);

/* Frames from the agent. */
void agent_msg(uint32_t vd_type, const void *body, size_t len);
void agent_out_begin(uint32_t vd_type, uint32_t size);
void agent_out_data(size_t len);

/* What the port's wire carries, parsed independently of the framer: every
 * chunk on port 1 with at most 2048 payload bytes, then whole messages
 * (bodies valid until the next call). *partial: a message is incomplete. */
typedef struct wmsg {
  uint32_t type, size;
  const uint8_t *body;
} wmsg;
size_t wire_parse(wmsg *m, size_t max, bool *partial);

/* Frames of this IPC type sent to the agent (and of this vd_type, for
 * MESSAGE and STREAM_BEGIN). */
size_t count_sent(uint32_t ipc_type, uint32_t vd_type);

#endif
