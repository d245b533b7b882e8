/* The agent's settings, from the registry.
 *
 * Two keys hold the same values; Group Policy wins over the plain setting:
 *   HKLM\SOFTWARE\Policies\SPICE Agent   (Group Policy, installer/spice-agent.admx)
 *   HKLM\SOFTWARE\SPICE Agent            (set by an administrator or a script)
 *
 *   value                type                                  default
 *   LogLevel             REG_SZ error|warn|warning|info|debug    info
 *                        or "0".."3" (case-insensitive),
 *                        or REG_DWORD 0..3 (error..debug)
 *   ClipboardEnabled     REG_DWORD 0 or 1                      1
 *   MaxClipboard         REG_DWORD 1..1024, in MiB: the        100 (spice-gtk's own default)
 *                        largest clipboard data the agent
 *                        accepts or sends
 *   FileTransferEnabled  REG_DWORD 0 or 1                      1
 *   DownloadFolder       REG_SZ or REG_EXPAND_SZ: empty, or    empty: the user's Downloads folder
 *                        an absolute path (X:\ or X:/, or
 *                        \\server\...), at most
 *                        VDA_CONFIG_DIR_MAX characters after
 *                        expansion; a REG_EXPAND_SZ is
 *                        expanded for the signed-in user
 *   FileTransferNotify   REG_DWORD 0 nothing, 1 a              1
 *                        notification naming the files,
 *                        2 open the folder
 *   AudioVolumeSync      REG_DWORD 0 or 1: the guest's         1
 *                        default endpoints follow the
 *                        client's volume and mute
 *
 * Each value is taken from the policy key if it is valid there, else from
 * the plain key if it is valid there, else the default; the source is kept
 * (vda_config.source) and logged by vda_config_log(). An invalid value
 * (wrong type, out of range, too long, not absolute) is logged (LOG_WARN,
 * naming key, value and reason) and skipped; so is a value that cannot be
 * read, and a key that exists but cannot be opened (all its values). A
 * missing key or value is silent. The 64-bit registry view is read
 * whatever the process's bitness (KEY_WOW64_64KEY).
 */
#ifndef VDA_WIN32_CONFIG_H
#define VDA_WIN32_CONFIG_H

#include <stdbool.h>
#include <wchar.h>
#include <windows.h>

#include "log.h"

#define VDA_CONFIG_KEY L"SOFTWARE\\SPICE Agent"
#define VDA_CONFIG_POLICY_KEY L"SOFTWARE\\Policies\\SPICE Agent"

#define VDA_CONFIG_VALUE_LOG_LEVEL L"LogLevel"
#define VDA_CONFIG_VALUE_CLIPBOARD L"ClipboardEnabled"
#define VDA_CONFIG_VALUE_MAX_CLIPBOARD L"MaxClipboard"
#define VDA_CONFIG_VALUE_FILE_XFER L"FileTransferEnabled"
#define VDA_CONFIG_VALUE_DOWNLOAD_DIR L"DownloadFolder"
#define VDA_CONFIG_VALUE_XFER_NOTIFY L"FileTransferNotify"
#define VDA_CONFIG_VALUE_AUDIO_SYNC L"AudioVolumeSync"

/* FileTransferNotify values. */
#define VDA_CONFIG_NOTIFY_NONE 0u
#define VDA_CONFIG_NOTIFY_BALLOON 1u
#define VDA_CONFIG_NOTIFY_OPEN_FOLDER 2u

/* MaxClipboard bounds, in MiB. The agent holds one clipboard transfer
 * whole in memory: the upper bound caps what one transfer may take. */
#define VDA_CONFIG_MAX_CLIPBOARD_MIN 1u
#define VDA_CONFIG_MAX_CLIPBOARD_MAX 1024u
#define VDA_CONFIG_MAX_CLIPBOARD_DEFAULT 100u

/* Longest accepted DownloadFolder, in characters, after expansion
 * (without the terminating NUL). */
#define VDA_CONFIG_DIR_MAX (MAX_PATH - 1)

/* Where a value came from. */
typedef enum vda_config_source {
  VDA_CONFIG_DEFAULT = 0,
  VDA_CONFIG_SETTING, /* SOFTWARE\SPICE Agent */
  VDA_CONFIG_POLICY,  /* SOFTWARE\Policies\SPICE Agent */
} vda_config_source;

typedef struct vda_config {
  vda_log_level log_level;
  DWORD clipboard_enabled; /* 0 or 1 */
  DWORD max_clipboard_mib; /* VDA_CONFIG_MAX_CLIPBOARD_MIN..MAX */
  DWORD file_xfer_enabled; /* 0 or 1 */
  /* As written: a REG_EXPAND_SZ stays unexpanded here, because vdagent runs
   * as LocalSystem (its own %USERPROFILE% is the system profile); the
   * file-transfer writer expands it for the signed-in user. Its shape was
   * checked after expanding with our environment. Empty: the user's
   * Downloads folder. */
  wchar_t download_dir[VDA_CONFIG_DIR_MAX + 1];
  DWORD file_xfer_notify;  /* VDA_CONFIG_NOTIFY_* */
  DWORD audio_volume_sync; /* 0 or 1 */
  struct {
    vda_config_source log_level;
    vda_config_source clipboard_enabled;
    vda_config_source max_clipboard_mib;
    vda_config_source file_xfer_enabled;
    vda_config_source download_dir;
    vda_config_source file_xfer_notify;
    vda_config_source audio_volume_sync;
  } source;
} vda_config;

/* The defaults, every source VDA_CONFIG_DEFAULT. */
void vda_config_defaults(vda_config *out);

/* Reads HKLM\VDA_CONFIG_KEY then HKLM\VDA_CONFIG_POLICY_KEY (policy wins).
 * Missing keys or values are not errors. Never fails: *out always holds a
 * usable configuration. */
void vda_config_load(vda_config *out);

/* The same from any root and subkeys (tests use HKCU\Software\vda-test\...).
 * Either subkey may be NULL (skipped). */
void vda_config_load_from(vda_config *out, HKEY root, const wchar_t *setting_subkey,
                          const wchar_t *policy_subkey);

/* For callers that read the settings often (`vdservice status` at every
 * query): the same as vda_config_load(_from), but each ignored value is
 * recorded in *problems (its log line's text, at most
 * VDA_CONFIG_PROBLEMS_MAX; `more` counts the rest) instead of logged, so
 * repeated reads of one bad value do not flood the log. A key that cannot
 * be opened is still logged. */
#define VDA_CONFIG_PROBLEMS_MAX 4u
#define VDA_CONFIG_PROBLEM_LINE 256u
typedef struct vda_config_problems {
  unsigned count, more;
  char lines[VDA_CONFIG_PROBLEMS_MAX][VDA_CONFIG_PROBLEM_LINE];
} vda_config_problems;
void vda_config_load_checked(vda_config *out, vda_config_problems *problems);
void vda_config_load_from_checked(vda_config *out, HKEY root, const wchar_t *setting_subkey,
                                  const wchar_t *policy_subkey, vda_config_problems *problems);

/* "default", "setting", "policy". */
const char *vda_config_source_name(vda_config_source source);

/* One LOG_INFO line with every value and its source. */
void vda_config_log(const vda_config *cfg);

/* Per-user settings, under Software\SPICE Agent in the signed-in user's
 * hive (the agent runs as LocalSystem: the caller opens that user's hive,
 * see vdagent/display/display_user.c).  No policy: it is the user's say.
 *   value                type                                  default
 *   FollowClientWindow   REG_DWORD 0 or 1: the resolution       1
 *                        follows the client window; 0: every
 *                        MONITORS_CONFIG is answered ERROR and
 *                        changes nothing (clipboard, mouse and
 *                        the rest keep working)
 *   FollowClientDpi      REG_DWORD 0 or 1: when the client      1
 *                        sends physical sizes, each monitor's
 *                        scale follows the client's DPI
 *                        (vda_display_dpi.h); 0: never touched
 * Read at every MONITORS_CONFIG the agent applies, so a change takes effect
 * at the next one.  An invalid value is logged and the default used. */
#define VDA_CONFIG_USER_KEY L"Software\\SPICE Agent"
#define VDA_CONFIG_USER_VALUE_FOLLOW_WINDOW L"FollowClientWindow"
#define VDA_CONFIG_USER_VALUE_FOLLOW_DPI L"FollowClientDpi"

/* user_root: the user's hive (HKEY_CURRENT_USER of that user). */
bool vda_config_user_follow_window(HKEY user_root);
bool vda_config_user_follow_dpi(HKEY user_root);

#endif
