#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "winerror_text.h"

/* Names used in log lines, so an administrator sees exactly which value
 * was ignored and where it lives. */
typedef struct where {
  const char *root;      /* "HKLM" */
  const wchar_t *subkey; /* "SOFTWARE\Policies\SPICE Agent" */
  const wchar_t *name;   /* "ClipboardEnabled" */
  /* Non-NULL: an ignored value is recorded here instead of logged
   * (vda_config_load_checked). */
  vda_config_problems *problems;
} where;

static const char *root_name(HKEY root)
{
  if (root == HKEY_LOCAL_MACHINE)
    return "HKLM";
  if (root == HKEY_CURRENT_USER)
    return "HKCU";
  if (root == HKEY_USERS)
    return "HKU";
  return "(root)";
}

static const char *type_name(DWORD type)
{
  switch (type) {
  case REG_NONE:
    return "REG_NONE";
  case REG_SZ:
    return "REG_SZ";
  case REG_EXPAND_SZ:
    return "REG_EXPAND_SZ";
  case REG_BINARY:
    return "REG_BINARY";
  case REG_DWORD:
    return "REG_DWORD";
  case REG_DWORD_BIG_ENDIAN:
    return "REG_DWORD_BIG_ENDIAN";
  case REG_MULTI_SZ:
    return "REG_MULTI_SZ";
  case REG_QWORD:
    return "REG_QWORD";
  default:
    return "an unknown type";
  }
}

/* Wide text as UTF-8 for a log line (truncated to fit). */
#define IGNORED(w, fmt, ...)                                                                  \
  ignored((w), __func__, "%s\\%ls\\%ls: " fmt "; ignored", (w)->root, (w)->subkey, (w)->name, \
          __VA_ARGS__)

static void ignored(const where *w, const char *func, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));
static void ignored(const where *w, const char *func, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (!w->problems) {
    vda_log_writev(VDA_LOG_WARN, func, fmt, ap);
  } else if (w->problems->count < VDA_CONFIG_PROBLEMS_MAX) {
    vsnprintf(w->problems->lines[w->problems->count++], VDA_CONFIG_PROBLEM_LINE, fmt, ap);
  } else {
    w->problems->more++;
  }
  va_end(ap);
}

/* Reads the type and size of a value. false when absent (silently) or
 * unreadable (logged). */
static bool probe(HKEY key, const where *w, DWORD *type, DWORD *size)
{
  LSTATUS st = RegQueryValueExW(key, w->name, NULL, type, NULL, size);
  if (st == ERROR_FILE_NOT_FOUND)
    return false;
  if (st != ERROR_SUCCESS) {
    IGNORED(w, "cannot read: %s", vda_win_strerror((DWORD)st));
    return false;
  }
  return true;
}

/* A REG_DWORD in [lo, hi]. */
static bool read_dword(HKEY key, const where *w, DWORD lo, DWORD hi, DWORD *out)
{
  DWORD type, size, value = 0;
  LSTATUS st;

  if (!probe(key, w, &type, &size))
    return false;
  if (type != REG_DWORD || size != sizeof(DWORD)) {
    IGNORED(w, "expected REG_DWORD, found %s (%lu bytes)", type_name(type), (unsigned long)size);
    return false;
  }
  st = RegQueryValueExW(key, w->name, NULL, &type, (BYTE *)&value, &size);
  if (st != ERROR_SUCCESS || type != REG_DWORD || size != sizeof(DWORD)) {
    IGNORED(w, "cannot read: %s", vda_win_strerror((DWORD)st));
    return false;
  }
  if (value < lo || value > hi) {
    IGNORED(w, "%lu is out of range %lu..%lu", (unsigned long)value, (unsigned long)lo,
            (unsigned long)hi);
    return false;
  }
  *out = value;
  return true;
}

/* A REG_SZ (or, if allow_expand, REG_EXPAND_SZ) of at most cap-1 characters,
 * NUL-terminated, trailing NULs dropped. *type_out tells which it was. */
static bool read_string(HKEY key, const where *w, bool allow_expand, wchar_t *out, size_t cap,
                        DWORD *type_out)
{
  DWORD type, size, got;
  LSTATUS st;
  size_t len;

  if (!probe(key, w, &type, &size))
    return false;
  if (type != REG_SZ && !(allow_expand && type == REG_EXPAND_SZ)) {
    IGNORED(w, "expected REG_SZ%s, found %s", allow_expand ? " or REG_EXPAND_SZ" : "",
            type_name(type));
    return false;
  }
  /* Room for the terminator we add: the stored data need not have one. */
  if (size > (cap - 1) * sizeof(wchar_t) + sizeof(wchar_t) /* its own NUL */) {
    IGNORED(w, "too long (%lu bytes, at most %lu characters)", (unsigned long)size,
            (unsigned long)(cap - 1));
    return false;
  }
  got = (DWORD)(cap * sizeof(wchar_t));
  st = RegQueryValueExW(key, w->name, NULL, &type, (BYTE *)out, &got);
  if (st != ERROR_SUCCESS) {
    /* ERROR_MORE_DATA: it grew between the two reads. */
    IGNORED(w, "cannot read: %s", vda_win_strerror((DWORD)st));
    return false;
  }
  len = got / sizeof(wchar_t);
  while (len > 0 && out[len - 1] == 0)
    len--;
  if (len > cap - 1) { /* cap characters and no terminator */
    IGNORED(w, "too long (at most %lu characters)", (unsigned long)(cap - 1));
    return false;
  }
  out[len] = 0;
  *type_out = type;
  return true;
}

static bool read_log_level(HKEY key, const where *w, vda_log_level *out)
{
  DWORD type, size;
  wchar_t text[16];
  char narrow[16];
  size_t i;

  if (!probe(key, w, &type, &size))
    return false;
  if (type == REG_DWORD) {
    DWORD v;
    if (!read_dword(key, w, VDA_LOG_ERROR, VDA_LOG_DEBUG, &v))
      return false;
    *out = (vda_log_level)v;
    return true;
  }
  if (type != REG_SZ) {
    IGNORED(w, "expected REG_SZ (error, warn, info, debug) or REG_DWORD 0..3, found %s",
            type_name(type));
    return false;
  }
  if (!read_string(key, w, false, text, ARRAYSIZE(text), &type))
    return false;
  for (i = 0; text[i]; i++) {
    if (text[i] > 0x7e) {
      IGNORED(w, "%s", "not one of error, warn, info, debug");
      return false;
    }
    narrow[i] = (char)text[i];
  }
  narrow[i] = 0;
  if (!vda_log_level_parse(narrow, out)) {
    IGNORED(w, "\"%s\" is not one of error, warn, info, debug", narrow);
    return false;
  }
  return true;
}

static bool is_absolute(const wchar_t *p)
{
  bool drive = ((p[0] >= L'A' && p[0] <= L'Z') || (p[0] >= L'a' && p[0] <= L'z')) && p[1] == L':' &&
               (p[2] == L'\\' || p[2] == L'/');
  bool unc = p[0] == L'\\' && p[1] == L'\\' && p[2] && p[2] != L'\\';
  return drive || unc;
}

static bool read_download_dir(HKEY key, const where *w, wchar_t *out)
{
  wchar_t raw[VDA_CONFIG_DIR_MAX + 1];
  wchar_t expanded[VDA_CONFIG_DIR_MAX + 1];
  char shown[3 * (VDA_CONFIG_DIR_MAX + 1)];
  DWORD type, n;

  if (!read_string(key, w, true, raw, ARRAYSIZE(raw), &type))
    return false;
  if (type == REG_EXPAND_SZ) {
    n = ExpandEnvironmentStringsW(raw, expanded, ARRAYSIZE(expanded));
    if (n == 0 || n > ARRAYSIZE(expanded)) {
      IGNORED(w, "\"%s\" is too long once expanded (at most %u characters)",
              vda_log_utf8(raw, shown, sizeof(shown)), (unsigned)VDA_CONFIG_DIR_MAX);
      return false;
    }
  } else {
    wcscpy(expanded, raw);
  }
  /* Empty means "the default folder": a valid choice, e.g. a policy that
   * forces the default over a plain setting. */
  if (expanded[0] && !is_absolute(expanded)) {
    IGNORED(w, "\"%s\" is not an absolute path", vda_log_utf8(expanded, shown, sizeof(shown)));
    return false;
  }
  /* Kept unexpanded: the file-transfer writer expands it for the signed-in
   * user (this process's %USERPROFILE% is the system profile). The shape
   * was checked with our own environment above. */
  wcscpy(out, raw);
  return true;
}

/* Applies every valid value found under root\subkey, tagging it `source`. */
static void apply(vda_config *cfg, HKEY root, const wchar_t *subkey, vda_config_source source,
                  vda_config_problems *problems)
{
  HKEY key;
  LSTATUS st;
  where w = {root_name(root), subkey, NULL, problems};
  vda_log_level level;
  DWORD v;

  if (!subkey)
    return;
  st = RegOpenKeyExW(root, subkey, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key);
  if (st == ERROR_FILE_NOT_FOUND)
    return;
  if (st != ERROR_SUCCESS) {
    LOG_WARN("%s\\%ls: cannot open: %s; its settings are ignored", w.root, subkey,
             vda_win_strerror((DWORD)st));
    return;
  }

  w.name = VDA_CONFIG_VALUE_LOG_LEVEL;
  if (read_log_level(key, &w, &level)) {
    cfg->log_level = level;
    cfg->source.log_level = source;
  }
  w.name = VDA_CONFIG_VALUE_CLIPBOARD;
  if (read_dword(key, &w, 0, 1, &v)) {
    cfg->clipboard_enabled = v;
    cfg->source.clipboard_enabled = source;
  }
  w.name = VDA_CONFIG_VALUE_MAX_CLIPBOARD;
  if (read_dword(key, &w, VDA_CONFIG_MAX_CLIPBOARD_MIN, VDA_CONFIG_MAX_CLIPBOARD_MAX, &v)) {
    cfg->max_clipboard_mib = v;
    cfg->source.max_clipboard_mib = source;
  }
  w.name = VDA_CONFIG_VALUE_FILE_XFER;
  if (read_dword(key, &w, 0, 1, &v)) {
    cfg->file_xfer_enabled = v;
    cfg->source.file_xfer_enabled = source;
  }
  w.name = VDA_CONFIG_VALUE_DOWNLOAD_DIR;
  if (read_download_dir(key, &w, cfg->download_dir))
    cfg->source.download_dir = source;
  w.name = VDA_CONFIG_VALUE_XFER_NOTIFY;
  if (read_dword(key, &w, VDA_CONFIG_NOTIFY_NONE, VDA_CONFIG_NOTIFY_OPEN_FOLDER, &v)) {
    cfg->file_xfer_notify = v;
    cfg->source.file_xfer_notify = source;
  }
  w.name = VDA_CONFIG_VALUE_AUDIO_SYNC;
  if (read_dword(key, &w, 0, 1, &v)) {
    cfg->audio_volume_sync = v;
    cfg->source.audio_volume_sync = source;
  }

  RegCloseKey(key);
}

void vda_config_defaults(vda_config *out)
{
  memset(out, 0, sizeof(*out));
  out->log_level = VDA_LOG_INFO;
  out->clipboard_enabled = 1;
  out->max_clipboard_mib = VDA_CONFIG_MAX_CLIPBOARD_DEFAULT;
  out->file_xfer_enabled = 1;
  out->download_dir[0] = 0;
  out->file_xfer_notify = VDA_CONFIG_NOTIFY_BALLOON;
  out->audio_volume_sync = 1;
  /* memset already made every source VDA_CONFIG_DEFAULT */
}

void vda_config_load_from(vda_config *out, HKEY root, const wchar_t *setting_subkey,
                          const wchar_t *policy_subkey)
{
  vda_config_defaults(out);
  /* Plain settings first, then the policy over them: a valid policy value
   * wins; an invalid one is ignored and leaves the setting (or default). */
  apply(out, root, setting_subkey, VDA_CONFIG_SETTING, NULL);
  apply(out, root, policy_subkey, VDA_CONFIG_POLICY, NULL);
}

void vda_config_load(vda_config *out)
{
  vda_config_load_from(out, HKEY_LOCAL_MACHINE, VDA_CONFIG_KEY, VDA_CONFIG_POLICY_KEY);
}

void vda_config_load_from_checked(vda_config *out, HKEY root, const wchar_t *setting_subkey,
                                  const wchar_t *policy_subkey, vda_config_problems *problems)
{
  memset(problems, 0, sizeof(*problems));
  vda_config_defaults(out);
  apply(out, root, setting_subkey, VDA_CONFIG_SETTING, problems);
  apply(out, root, policy_subkey, VDA_CONFIG_POLICY, problems);
}

void vda_config_load_checked(vda_config *out, vda_config_problems *problems)
{
  vda_config_load_from_checked(out, HKEY_LOCAL_MACHINE, VDA_CONFIG_KEY, VDA_CONFIG_POLICY_KEY,
                               problems);
}

const char *vda_config_source_name(vda_config_source source)
{
  switch (source) {
  case VDA_CONFIG_DEFAULT:
    return "default";
  case VDA_CONFIG_SETTING:
    return "setting";
  case VDA_CONFIG_POLICY:
    return "policy";
  }
  return "?";
}

void vda_config_log(const vda_config *cfg)
{
  static const char *const levels[] = {"error", "warn", "info", "debug"};
  char dir[3 * (VDA_CONFIG_DIR_MAX + 1)];

  LOG_INFO(
      "config: LogLevel=%s (%s) ClipboardEnabled=%lu (%s) MaxClipboard=%lu MiB (%s) "
      "FileTransferEnabled=%lu (%s) DownloadFolder=\"%s\"%s (%s) FileTransferNotify=%lu (%s) "
      "AudioVolumeSync=%lu (%s)",
      (unsigned)cfg->log_level < 4 ? levels[cfg->log_level] : "?",
      vda_config_source_name(cfg->source.log_level), (unsigned long)cfg->clipboard_enabled,
      vda_config_source_name(cfg->source.clipboard_enabled), (unsigned long)cfg->max_clipboard_mib,
      vda_config_source_name(cfg->source.max_clipboard_mib), (unsigned long)cfg->file_xfer_enabled,
      vda_config_source_name(cfg->source.file_xfer_enabled),
      vda_log_utf8(cfg->download_dir, dir, sizeof(dir)),
      cfg->download_dir[0] ? "" : " (the user's Downloads)",
      vda_config_source_name(cfg->source.download_dir), (unsigned long)cfg->file_xfer_notify,
      vda_config_source_name(cfg->source.file_xfer_notify), (unsigned long)cfg->audio_volume_sync,
      vda_config_source_name(cfg->source.audio_volume_sync));
}

/* A per-user 0/1 switch that defaults to 1. */
static bool user_switch(HKEY user_root, const wchar_t *name)
{
  HKEY key;
  DWORD v = 1;
  where w;
  memset(&w, 0, sizeof(w)); /* problems NULL: an invalid value is logged */
  w.root = "(user)";
  w.subkey = VDA_CONFIG_USER_KEY;
  w.name = name;
  if (RegOpenKeyExW(user_root, VDA_CONFIG_USER_KEY, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
    return true; /* no key: the default */
  if (!read_dword(key, &w, 0, 1, &v))
    v = 1;
  RegCloseKey(key);
  return v != 0;
}

bool vda_config_user_follow_window(HKEY user_root)
{
  return user_switch(user_root, VDA_CONFIG_USER_VALUE_FOLLOW_WINDOW);
}

bool vda_config_user_follow_dpi(HKEY user_root)
{
  return user_switch(user_root, VDA_CONFIG_USER_VALUE_FOLLOW_DPI);
}
