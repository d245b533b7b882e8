/* Fakes of the port and the agent for the service's router (vdservice/mux.c):
 * a real reader fed with wire bytes on the port side, the real outgoing side
 * (port_out.c) emitting into a buffer, and a recording session agent. */
#include "mux_fake.h"

#include <stdlib.h>
#include <string.h>

#include "vda_ipc.h"
#include "vda_le.h"
#include "vda_limits.h"
#include "vda_test.h"

/* c = exactly the listed capability bits. */
void caps_list(vda_caps *c, const unsigned *bits, size_t n)
{
  vda_caps_init(c);
  for (size_t i = 0; i < n; i++)
    vda_caps_set(c, bits[i]);
}

/* --- the fakes --- */

fake F;
static tbuf payload_buf; /* wire_parse: the chunks' payloads, joined */

static bool emit(void *ctx, const uint8_t *chunk, size_t len)
{
  (void)ctx;
  tbuf_put(&F.wire, chunk, len);
  return true;
}

static void record(uint32_t ipc_type, uint32_t vd_type, size_t size)
{
  if (F.nagent < MAX_SENT)
    F.agent[F.nagent++] = (sent){ipc_type, vd_type, size};
}

static bool op_agent_ready(void *ctx)
{
  (void)ctx;
  return F.agent_ready;
}

static bool op_session_locked(void *ctx)
{
  (void)ctx;
  return F.locked;
}

static bool op_agent_message(void *ctx, uint32_t vd_type, const void *body, size_t size)
{
  (void)ctx, (void)body;
  if (F.agent_full)
    return false;
  record(VDA_IPC_MESSAGE, vd_type, size);
  return true;
}

static bool op_agent_frame(void *ctx, uint32_t ipc_type, const void *payload, size_t size)
{
  vda_ipc_stream_begin b = {0};
  (void)ctx;
  if (F.agent_full)
    return false;
  if (ipc_type == VDA_IPC_STREAM_BEGIN)
    vda_ipc_stream_begin_decode(payload, &b);
  record(ipc_type, b.vd_type, size);
  return true;
}

/* As agent.c does: a killed agent is not ready, and the mux hears it gone. */
static void op_agent_kill(void *ctx, const char *why)
{
  (void)ctx, (void)why;
  F.kills++;
  if (F.agent_ready) {
    F.agent_ready = false;
    vds_mux_agent_gone(&F.mux);
  }
}

static bool op_port_open(void *ctx)
{
  (void)ctx;
  return F.port_open;
}

static const vda_negotiated *op_port_negotiated(void *ctx)
{
  (void)ctx;
  return vda_reader_negotiated(F.reader);
}

static void op_port_reset_client(void *ctx)
{
  (void)ctx;
  F.resets++;
  vda_reader_reset_client(F.reader);
}

static void op_port_set_caps(void *ctx, const vda_caps *ours)
{
  (void)ctx;
  F.port_caps = *ours;
  vda_reader_set_ours(F.reader, ours);
}

static void op_port_open_soon(void *ctx)
{
  (void)ctx;
  F.open_soon++;
}

static bool op_port_busy(void *ctx)
{
  (void)ctx;
  return F.port_open && vds_port_out_busy(&F.out);
}

/* The rest as port.c does: nothing while closed, else port_out. */
static void op_port_send(void *ctx, uint32_t vd_type, const void *body, size_t size)
{
  const char *why;
  (void)ctx;
  if (F.port_open)
    vds_port_out_send(&F.out, vd_type, body, size, &why);
}

static void op_port_send_own(void *ctx, const vda_body *b)
{
  const char *why;
  (void)ctx;
  if (F.port_open && vds_port_out_send_own(&F.out, b, &why) == VDS_OWN_DROPPED)
    F.dropped_own++;
}

static void op_port_begin(void *ctx, uint32_t vd_type, uint32_t size)
{
  const char *why;
  (void)ctx;
  if (F.port_open)
    vds_port_out_begin(&F.out, vd_type, size, &why);
}

static void op_port_write(void *ctx, const void *data, size_t len)
{
  const char *why;
  (void)ctx;
  if (F.port_open)
    vds_port_out_write(&F.out, data, len, &why);
}

static void op_port_end(void *ctx)
{
  const char *why;
  (void)ctx;
  if (F.port_open)
    vds_port_out_end(&F.out, &why);
}

static void op_log(void *ctx, vds_log_level level, const char *func, const char *line)
{
  (void)ctx, (void)level, (void)func;
  if (F.nlog < MAX_LOG)
    snprintf(F.log[F.nlog++], sizeof(F.log[0]), "%s", line);
}

static size_t op_agent_backlog(void *ctx)
{
  (void)ctx;
  return F.agent_backlog;
}

static const vds_mux_ops fake_ops = {
    .agent_ready = op_agent_ready,
    .session_locked = op_session_locked,
    .agent_message = op_agent_message,
    .agent_frame = op_agent_frame,
    .agent_kill = op_agent_kill,
    .agent_backlog = op_agent_backlog,
    .port_open = op_port_open,
    .port_negotiated = op_port_negotiated,
    .port_reset_client = op_port_reset_client,
    .port_set_caps = op_port_set_caps,
    .port_open_soon = op_port_open_soon,
    .port_busy = op_port_busy,
    .port_send = op_port_send,
    .port_send_own = op_port_send_own,
    .port_begin = op_port_begin,
    .port_write = op_port_write,
    .port_end = op_port_end,
    .log = op_log,
};

/* --- helpers (see mux_fake.h) --- */

void teardown(void)
{
  vda_reader_free(F.reader);
  tbuf_free(&F.wire);
  tbuf_free(&payload_buf);
  memset(&F, 0, sizeof(F));
}

/* Port open, no agent yet. */
void setup(void)
{
  teardown();
  vds_mux_init(&F.mux, &fake_ops, &F);
  F.reader = vda_reader_new(&vds_mux_reader_ops, &F.mux, &F.mux.announced, NULL);
  if (!F.reader)
    abort();
  vds_port_out_init(&F.out, emit, &F);
  F.port_open = true;
}

/* An agent says hello with these capabilities; its announcement on the
 * port and the log are cleared. */
void agent_ready(const vda_caps *caps)
{
  F.agent_ready = true;
  vds_mux_agent_ready(&F.mux, caps);
  F.wire.len = 0;
  F.nlog = 0;
}

void agent_ready_clipboard(void)
{
  vda_caps c;
  CAPS(&c, VD_AGENT_CAP_MONITORS_CONFIG, VD_AGENT_CAP_REPLY, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  agent_ready(&c);
}

bool log_has(const char *text)
{
  for (size_t i = 0; i < F.nlog; i++)
    if (strstr(F.log[i], text))
      return true;
  return false;
}

/* The host sends a message on `port`; the reader must keep framing. */
void host(unsigned port, uint32_t type, const void *body, size_t len)
{
  tbuf t = {0};
  const char *why = NULL;
  wire_msg(&t, port, type, body, len, 2048);
  CHECK_EQ(vda_reader_push(F.reader, t.p, t.len, &why), VDA_READER_OK);
  tbuf_free(&t);
}

void client_announce(bool request, const vda_caps *caps)
{
  vda_body b;
  vda_body_announce_caps(&b, caps, request);
  host(1, VD_AGENT_ANNOUNCE_CAPABILITIES, b.data, b.len);
}

void client_xfer_start(uint32_t id)
{
  static const char kf[] = "[vdagent-file-xfer]\nname=a\nsize=1\n";
  uint8_t b[4 + sizeof(kf)];
  vda_put_le32(b, id);
  memcpy(b + 4, kf, sizeof(kf)); /* with its NUL */
  host(1, VD_AGENT_FILE_XFER_START, b, sizeof(b));
}

void client_monitors_config(void)
{
  uint8_t b[28] = {0};
  vda_put_le32(b, 1);
  vda_put_le32(b + 8, 600);
  vda_put_le32(b + 12, 800);
  host(1, VD_AGENT_MONITORS_CONFIG, b, sizeof(b));
}

/* A frame from the agent. */
void agent_msg(uint32_t vd_type, const void *body, size_t len)
{
  uint8_t p[64];
  vda_put_le32(p, vd_type);
  if (len)
    memcpy(p + 4, body, len);
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_MESSAGE, p, 4 + len);
}

void agent_out_begin(uint32_t vd_type, uint32_t size)
{
  uint8_t p[8];
  vda_put_le32(p, vd_type);
  vda_put_le32(p + 4, size);
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_OUT_BEGIN, p, sizeof(p));
}

void agent_out_data(size_t len)
{
  static uint8_t data[8192];
  memset(data, 'x', sizeof(data));
  vds_mux_on_agent_frame(&F.mux, VDA_IPC_DATA, data, len);
}

size_t wire_parse(wmsg *m, size_t max, bool *partial)
{
  size_t off = 0, n = 0;
  payload_buf.len = 0;
  while (off + 8 <= F.wire.len) {
    uint32_t port = vda_le32(F.wire.p + off), size = vda_le32(F.wire.p + off + 4);
    CHECK_EQ(port, 1);
    CHECK(size <= VDA_CHUNK_MAX_PAYLOAD);
    CHECK(off + 8 + size <= F.wire.len);
    tbuf_put(&payload_buf, F.wire.p + off + 8, size);
    off += 8 + size;
  }
  CHECK_EQ(off, F.wire.len);
  off = 0;
  while (n < max && off + VDA_MSG_HEADER_SIZE <= payload_buf.len) {
    uint32_t size = vda_le32(payload_buf.p + off + 16);
    if (off + VDA_MSG_HEADER_SIZE + size > payload_buf.len)
      break;
    CHECK_EQ(vda_le32(payload_buf.p + off), 1);
    m[n].type = vda_le32(payload_buf.p + off + 4);
    m[n].size = size;
    m[n].body = payload_buf.p + off + VDA_MSG_HEADER_SIZE;
    n++;
    off += VDA_MSG_HEADER_SIZE + size;
  }
  *partial = off < payload_buf.len;
  return n;
}

size_t count_sent(uint32_t ipc_type, uint32_t vd_type)
{
  size_t c = 0;
  for (size_t i = 0; i < F.nagent; i++)
    if (F.agent[i].ipc_type == ipc_type &&
        (ipc_type != VDA_IPC_MESSAGE && ipc_type != VDA_IPC_STREAM_BEGIN
             ? true
             : F.agent[i].vd_type == vd_type))
      c++;
  return c;
}
