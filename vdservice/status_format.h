/* `vdservice status`: the snapshot of a running service, its wire form on
 * the status pipe and its text for an administrator. Win32-free, so the
 * serializer, the parser, the verdict and the printout are unit-tested
 * natively (tests/unit/test_status_format.c).
 *
 * The service (status_server.c) fills a vds_status from the loop's
 * read-only getters, the registry and the log's ring of warnings, and
 * writes it with vds_status_serialize(): one "key value" line per field,
 * framed by a "spice-agent-status 1" header and an "end" line, at most
 * VDS_STATUS_REPLY_MAX bytes. The command (status_cmd.c) parses it back
 * (unknown keys are skipped, so a newer service still answers an older
 * command), adds the state the Service Control Manager reports, prints
 * vds_status_format() and exits with 0 only when vds_status_problems()
 * finds nothing missing for auto-fit and clipboard. */
#ifndef VDS_STATUS_FORMAT_H
#define VDS_STATUS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_caps.h"

#define VDS_STATUS_PIPE_NAME L"\\\\.\\pipe\\spice-agent-status"
#define VDS_STATUS_REPLY_MAX (16u * 1024u)
#define VDS_STATUS_MAX_SETTINGS 12u
#define VDS_STATUS_MAX_WARNINGS 8u
#define VDS_STATUS_TEXT_MAX 256u
#define VDS_STATUS_NAME_MAX 32u

/* Where a setting's value came from (vda_config_source, common/win32). */
typedef enum vds_status_source {
  VDS_STATUS_DEFAULT = 0,
  VDS_STATUS_REGISTRY, /* HKLM\SOFTWARE\SPICE Agent */
  VDS_STATUS_POLICY,   /* HKLM\SOFTWARE\Policies\SPICE Agent */
} vds_status_source;

typedef struct vds_status_setting {
  char name[VDS_STATUS_NAME_MAX];
  char value[VDS_STATUS_TEXT_MAX]; /* UTF-8 */
  vds_status_source source;
} vds_status_setting;

typedef struct vds_status {
  /* Filled by the command from the SCM, never sent: "running", "stopped",
   * "not installed", ... */
  char service_state[VDS_STATUS_NAME_MAX];
  bool have_reply; /* the service answered */

  char version[VDS_STATUS_NAME_MAX];
  bool port_open;
  uint32_t port_error;                       /* last open failure (Win32), 0: none */
  char port_error_text[VDS_STATUS_TEXT_MAX]; /* its text */
  bool agent_running;                        /* a vdagent.exe process exists */
  bool agent_ready;                          /* ... and said hello */
  uint32_t agent_pid;
  uint32_t agent_session;
  bool client_connected; /* a client announced and has not disconnected */
  vda_caps guest_caps;   /* what the guest announces (service + agent) */
  vda_caps client_caps;  /* what the client announced */
  size_t n_settings;
  vds_status_setting settings[VDS_STATUS_MAX_SETTINGS];
  size_t n_warnings; /* oldest first */
  char warnings[VDS_STATUS_MAX_WARNINGS][VDS_STATUS_TEXT_MAX];
} vds_status;

/* Empty: nothing known, no reply. */
void vds_status_init(vds_status *s);
/* Appends a setting (dropped past VDS_STATUS_MAX_SETTINGS; text truncated). */
void vds_status_add_setting(vds_status *s, const char *name, const char *value,
                            vds_status_source source);
/* Appends a warning line (dropped past VDS_STATUS_MAX_WARNINGS). */
void vds_status_add_warning(vds_status *s, const char *line);

/* The wire form into out (NUL-terminated). Control characters in texts
 * become spaces, so every field stays on its line. Returns the length, or 0
 * when it does not fit in cap. */
size_t vds_status_serialize(const vds_status *s, char *out, size_t cap);
/* Parses a reply of len bytes into *s (service_state untouched, have_reply
 * set). False, with a static reason in *why, when the header or the end
 * line is missing or a known field is malformed. */
bool vds_status_parse(const char *in, size_t len, vds_status *s, const char **why);

/* Why auto-fit and clipboard are not both up: a bit per cause. 0: healthy. */
enum {
  VDS_STATUS_NO_SERVICE = 1u << 0,   /* not running, or no reply */
  VDS_STATUS_NO_PORT = 1u << 1,      /* the virtio-serial port is closed */
  VDS_STATUS_NO_AGENT = 1u << 2,     /* no session agent said hello */
  VDS_STATUS_NO_CLIENT = 1u << 3,    /* no client connected */
  VDS_STATUS_NO_AUTOFIT = 1u << 4,   /* MONITORS_CONFIG not announced by the guest */
  VDS_STATUS_NO_CLIPBOARD = 1u << 5, /* CLIPBOARD_BY_DEMAND not announced by both */
};
unsigned vds_status_problems(const vds_status *s);

/* The text an administrator reads (UTF-8, lines end with \n), ending with
 * a verdict line. Returns the length written (truncated to cap-1). */
size_t vds_status_format(const vds_status *s, char *out, size_t cap);

#endif
