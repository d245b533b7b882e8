/* The agent's settings, from the registry.
 *
 * Two keys hold the same values; Group Policy wins over the plain setting:
 *   HKLM\SOFTWARE\Policies\SPICE Agent   (Group Policy, installer/spice-agent.admx)
 *   HKLM\SOFTWARE\SPICE Agent            (set by an administrator or a script)
 *
 *   value                type                        default
 *   LogLevel             REG_SZ  error|warn|info|debug   info
 *                        or REG_DWORD 0..3
 *   ClipboardEnabled     REG_DWORD 0 or 1            1
 *   FileTransferEnabled  REG_DWORD 0 or 1            1
 *   DownloadFolder       REG_SZ or REG_EXPAND_SZ,    empty: the user's Downloads folder
 *                        an absolute path
 *
 * A value of the wrong type, out of range or too long is logged (LOG_WARN)
 * and ignored: the next source (plain setting, then default) is used.
 * The 64-bit registry view is read whatever the process's bitness.
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
#define VDA_CONFIG_VALUE_FILE_XFER L"FileTransferEnabled"
#define VDA_CONFIG_VALUE_DOWNLOAD_DIR L"DownloadFolder"

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
  DWORD file_xfer_enabled; /* 0 or 1 */
  /* Environment variables of a REG_EXPAND_SZ are expanded in the reading
   * process (vdagent runs as the user: %USERPROFILE% is that user's).
   * Empty: use the user's Downloads folder. */
  wchar_t download_dir[VDA_CONFIG_DIR_MAX + 1];
  struct {
    vda_config_source log_level;
    vda_config_source clipboard_enabled;
    vda_config_source file_xfer_enabled;
    vda_config_source download_dir;
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

/* "default", "setting", "policy". */
const char *vda_config_source_name(vda_config_source source);

/* One LOG_INFO line with every value and its source. */
void vda_config_log(const vda_config *cfg);

#endif
