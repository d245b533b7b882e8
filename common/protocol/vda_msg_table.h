/*
 * vda_msg_table.h - one row per VD_AGENT_* message type.
 *
 * Everything the code needs to know about a message type that is not the
 * meaning of its fields lives in its row: its name, who may send it, its
 * size bounds, whether it is streamed, the capability that gates it and
 * which process handles it when it comes from the host.  The validator
 * (vda_validate.c), the reader (vda_reader.c), the service's router
 * (vdservice/mux.c) and the agent's dispatch read it; adding a type means
 * adding a row here and a handler in the feature that owns it
 * (docs/ARCHITECTURE.md, "Adding a message type").
 */
#ifndef VDA_MSG_TABLE_H
#define VDA_MSG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_caps.h"
#include "vda_limits.h"

/* Who may send a type (bits). */
enum {
  VDA_FROM_CLIENT = 1u << 0, /* port 1, relayed by the server */
  VDA_FROM_SERVER = 1u << 1, /* port 2, made by the server itself */
  VDA_FROM_AGENT = 1u << 2,  /* guest -> host */
};

/* Which guest process acts on a type that arrives from the host (bits).
 * The service forwards to the agent exactly the types with VDA_BY_AGENT. */
enum {
  VDA_BY_SERVICE = 1u << 0,
  VDA_BY_AGENT = 1u << 1,
};

/* How the upper size bound depends on negotiation or configuration. */
typedef enum vda_size_rule {
  VDA_SIZE_FIXED,         /* [min, max] as written */
  VDA_SIZE_SELECTION,     /* + selection prefix when negotiated */
  VDA_SIZE_GRAB,          /* + selection + serial, + VDA_MAX_GRAB_TYPES u32 */
  VDA_SIZE_CLIPBOARD,     /* + selection; max + configured clipboard limit */
  VDA_SIZE_MONITORS,      /* max = 8 + max_monitors * 24 */
  VDA_SIZE_XFER_START,    /* max = configured FILE_XFER_START limit */
  VDA_SIZE_XFER_STATUS,   /* max + 8 with FILE_XFER_DETAILED_ERRORS */
  VDA_SIZE_XFER_DATA,     /* max + configured file piece limit */
  VDA_SIZE_GRAPHICS_INFO, /* max = configured GRAPHICS_DEVICE_INFO limit */
} vda_size_rule;

/* Checks a body whose size is already within bounds; NULL: any bytes of a
 * valid size are meaningful. */
typedef bool (*vda_body_check_fn)(const uint8_t *body, size_t size, const vda_negotiated *n,
                                  const vda_limits *lim, const char **why);

typedef struct vda_msg_info {
  uint32_t type;
  const char *name;
  uint8_t from;       /* VDA_FROM_* bits */
  uint8_t handled_by; /* VDA_BY_* bits, for types from the host */
  bool streamed;      /* large: passed on in pieces, never held whole */
  int gate_cap;       /* VD_AGENT_CAP_* we must have announced, or -1 */
  uint32_t min, max;  /* body size before the size rule's additions */
  vda_size_rule size_rule;
  vda_body_check_fn check;
} vda_msg_info;

/* The row of a type, or NULL for a type this build does not know. */
const vda_msg_info *vda_msg_info_of(uint32_t type);

/* All rows, in type order (for tests and docs). */
const vda_msg_info *vda_msg_table(size_t *count);

/* "MOUSE_STATE", ...; "unknown" for a type without a row. For logs. */
const char *vda_type_name(uint32_t type);

/* The server itself makes it: it arrives on port 2 only. */
bool vda_type_from_server(uint32_t type);

/* An agent may send it to the host. */
bool vda_type_from_agent(uint32_t type);

/* The host's message goes to the session agent (VDA_BY_AGENT). */
bool vda_type_for_agent(uint32_t type);

/* The type's gate is open: it has no gating capability, or `ours` has it. */
bool vda_type_gate_open(uint32_t type, const vda_caps *ours);

/* Inclusive size bounds for a body of this type under this negotiation and
 * these limits. False for unknown types. */
bool vda_msg_bounds(uint32_t type, const vda_negotiated *n, const vda_limits *lim, uint64_t *min,
                    uint64_t *max);

/* What vdservice announces on its own, before any session agent said hello,
 * derived from what it implements: the capability gating each type the
 * service handles itself (VDA_BY_SERVICE rows: today MAX_CLIPBOARD, which its
 * reader applies to every clipboard stream), plus GUEST_LINEEND_CRLF, a
 * property of the guest rather than of a message (Windows text is CRLF: the
 * client converts line ends). The session agent adds its features' bits. */
void vda_caps_service(vda_caps *out);

#endif /* VDA_MSG_TABLE_H */
