/* vda_msg_table.c - the message-type table (see vda_msg_table.h). */
#include "vda_msg_table.h"

#include "vda_body_checks.h"

#define C VDA_FROM_CLIENT
#define S VDA_FROM_SERVER
#define A VDA_FROM_AGENT
#define SVC VDA_BY_SERVICE
#define AGT VDA_BY_AGENT
#define NO_GATE (-1)

/* Bounds before the rule's additions. Where a rule replaces max entirely
 * (MONITORS, XFER_START, GRAPHICS_INFO) the max written here is unused. */
static const vda_msg_info rows[] = {
    /* spice-server makes it on port 2; QEMU's own peer (qemu-vdagent, the
     * VNC side of Proxmox) sends everything on port 1, mouse included. */
    {VD_AGENT_MOUSE_STATE, "MOUSE_STATE", S | C, AGT, false, VD_AGENT_CAP_MOUSE_STATE, 13, 13,
     VDA_SIZE_FIXED, NULL},
    {VD_AGENT_MONITORS_CONFIG, "MONITORS_CONFIG", C, AGT, false, VD_AGENT_CAP_MONITORS_CONFIG,
     8 + 20, 0, VDA_SIZE_MONITORS, vda_check_monitors_config},
    /* The host never has a reason to send REPLY; it is passed on (and
     * ignored) rather than refused, as by the reference agents. */
    {VD_AGENT_REPLY, "REPLY", A | C, AGT, false, VD_AGENT_CAP_REPLY, 8, 8, VDA_SIZE_FIXED,
     vda_check_reply},
    {VD_AGENT_CLIPBOARD, "CLIPBOARD", C | A, AGT, true, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND, 4, 4,
     VDA_SIZE_CLIPBOARD, vda_check_clipboard},
    {VD_AGENT_DISPLAY_CONFIG, "DISPLAY_CONFIG", C, AGT, false, VD_AGENT_CAP_DISPLAY_CONFIG, 8, 8,
     VDA_SIZE_FIXED, NULL},
    /* The service answers with both processes' capabilities; the agent
     * needs the client's to negotiate the clipboard formats. */
    {VD_AGENT_ANNOUNCE_CAPABILITIES, "ANNOUNCE_CAPABILITIES", C | A, SVC | AGT, false, NO_GATE, 4,
     4 + 4 * VDA_MAX_CAPS_WORDS, VDA_SIZE_FIXED, vda_check_announce},
    {VD_AGENT_CLIPBOARD_GRAB, "CLIPBOARD_GRAB", C | A, AGT, false, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND,
     0, 0, VDA_SIZE_GRAB, vda_check_grab},
    {VD_AGENT_CLIPBOARD_REQUEST, "CLIPBOARD_REQUEST", C | A, AGT, false,
     VD_AGENT_CAP_CLIPBOARD_BY_DEMAND, 4, 4, VDA_SIZE_SELECTION, vda_check_request},
    {VD_AGENT_CLIPBOARD_RELEASE, "CLIPBOARD_RELEASE", C | A, AGT, false,
     VD_AGENT_CAP_CLIPBOARD_BY_DEMAND, 0, 0, VDA_SIZE_SELECTION, vda_check_release},
    /* File transfer is opt-out (FILE_XFER_DISABLED): no gate. The service
     * answers itself while no agent is ready or the session is locked. */
    {VD_AGENT_FILE_XFER_START, "FILE_XFER_START", C, SVC | AGT, false, NO_GATE, 4 + 1, 0,
     VDA_SIZE_XFER_START, vda_check_xfer_start},
    {VD_AGENT_FILE_XFER_STATUS, "FILE_XFER_STATUS", C | A, AGT, false, NO_GATE, 8, 8,
     VDA_SIZE_XFER_STATUS, vda_check_xfer_status},
    {VD_AGENT_FILE_XFER_DATA, "FILE_XFER_DATA", C, AGT, true, NO_GATE, VDA_XFER_DATA_PREFIX_SIZE,
     VDA_XFER_DATA_PREFIX_SIZE, VDA_SIZE_XFER_DATA, vda_check_xfer_data},
    /* The service resets the client's half of the reader; the agent drops
     * the client's clipboard and cancels its transfers. */
    {VD_AGENT_CLIENT_DISCONNECTED, "CLIENT_DISCONNECTED", S, SVC | AGT, false, NO_GATE, 0, 0,
     VDA_SIZE_FIXED, NULL},
    /* The service's reader applies it to every clipboard stream; the agent
     * to what it sends. */
    {VD_AGENT_MAX_CLIPBOARD, "MAX_CLIPBOARD", C, SVC | AGT, false, VD_AGENT_CAP_MAX_CLIPBOARD, 4, 4,
     VDA_SIZE_FIXED, vda_check_max_clipboard},
    {VD_AGENT_AUDIO_VOLUME_SYNC, "AUDIO_VOLUME_SYNC", C, AGT, false, VD_AGENT_CAP_AUDIO_VOLUME_SYNC,
     3 + 2, 3 + 2 * VDA_AUDIO_MAX_CHANNELS, VDA_SIZE_FIXED, vda_check_audio},
    {VD_AGENT_GRAPHICS_DEVICE_INFO, "GRAPHICS_DEVICE_INFO", S, AGT, false,
     VD_AGENT_CAP_GRAPHICS_DEVICE_INFO, 4, 0, VDA_SIZE_GRAPHICS_INFO, vda_check_graphics_info},
};

void vda_caps_service(vda_caps *out)
{
  vda_caps_init(out);
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    if ((rows[i].handled_by & VDA_BY_SERVICE) && rows[i].gate_cap >= 0)
      vda_caps_set(out, (unsigned)rows[i].gate_cap);
  vda_caps_set(out, VD_AGENT_CAP_GUEST_LINEEND_CRLF);
}

const vda_msg_info *vda_msg_table(size_t *count)
{
  *count = sizeof(rows) / sizeof(rows[0]);
  return rows;
}

const vda_msg_info *vda_msg_info_of(uint32_t type)
{
  /* Rows are in type order starting at 1 (checked by test_msg_table). */
  if (type == 0 || type > sizeof(rows) / sizeof(rows[0]))
    return NULL;
  return &rows[type - 1];
}

const char *vda_type_name(uint32_t type)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  return m ? m->name : "unknown";
}

bool vda_type_from_server(uint32_t type)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  return m && (m->from & VDA_FROM_SERVER);
}

bool vda_type_from_agent(uint32_t type)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  return m && (m->from & VDA_FROM_AGENT);
}

bool vda_type_for_agent(uint32_t type)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  return m && (m->handled_by & VDA_BY_AGENT);
}

bool vda_type_gate_open(uint32_t type, const vda_caps *ours)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  return m && (m->gate_cap < 0 || vda_caps_has(ours, (unsigned)m->gate_cap));
}

bool vda_msg_bounds(uint32_t type, const vda_negotiated *n, const vda_limits *lim, uint64_t *min,
                    uint64_t *max)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  uint64_t sel = vda_body_selection_size(n);
  if (!m)
    return false;
  *min = m->min;
  *max = m->max;
  switch (m->size_rule) {
  case VDA_SIZE_FIXED:
    break;
  case VDA_SIZE_SELECTION:
    *min += sel;
    *max += sel;
    break;
  case VDA_SIZE_GRAB:
    *min = sel + (vda_body_use_serial(n) ? 4 : 0);
    *max = *min + 4 * (uint64_t)VDA_MAX_GRAB_TYPES;
    break;
  case VDA_SIZE_CLIPBOARD:
    *min += sel;
    /* Saturate: a configured "unlimited" (UINT64_MAX) must not wrap. */
    *max += sel + (lim->max_clipboard > UINT32_MAX ? (uint64_t)UINT32_MAX : lim->max_clipboard);
    break;
  case VDA_SIZE_MONITORS:
    *max = 8 + (uint64_t)lim->max_monitors * (20 + 4);
    break;
  case VDA_SIZE_XFER_START:
    *max = lim->max_xfer_start;
    break;
  case VDA_SIZE_XFER_STATUS:
    if (n && vda_use_detailed_errors(n))
      *max += 8;
    break;
  case VDA_SIZE_XFER_DATA:
    *max += lim->max_file_piece;
    break;
  case VDA_SIZE_GRAPHICS_INFO:
    *max = lim->max_graphics_info;
    break;
  }
  return true;
}
