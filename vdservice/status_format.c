/* The status snapshot: wire form, verdict and printout (see status_format.h). */
#include "status_format.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "spice-agent-status 1"

#if defined(__MINGW32__)
#define SB_PRINTF __attribute__((format(gnu_printf, 2, 3)))
#else
#define SB_PRINTF __attribute__((format(printf, 2, 3)))
#endif

/* A bounded text buffer: appends stop at cap-1, `full` remembers it. */
typedef struct sb {
  char *p;
  size_t cap, len;
  bool full;
} sb;

static void sb_add(sb *b, const char *fmt, ...) SB_PRINTF;
static void sb_add(sb *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  if (b->full || b->cap == 0)
    return;
  va_start(ap, fmt);
  n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= b->cap - b->len) {
    b->full = true;
    b->len = b->cap - 1;
    b->p[b->len] = 0;
    return;
  }
  b->len += (size_t)n;
}

/* Copies text into a fixed field: truncated on a UTF-8 character boundary,
 * control characters (CR, LF, tabs ...) replaced by spaces. */
static void copy_text(char *dst, size_t cap, const char *src)
{
  size_t n = 0;
  if (!src)
    src = "";
  while (src[n] && n < cap - 1)
    n++;
  /* Do not leave half a multi-byte character at the cut. */
  if (src[n])
    while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
      n--;
  for (size_t i = 0; i < n; i++)
    dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? ' ' : src[i];
  dst[n] = 0;
}

void vds_status_init(vds_status *s)
{
  memset(s, 0, sizeof(*s));
}

void vds_status_add_setting(vds_status *s, const char *name, const char *value,
                            vds_status_source source)
{
  vds_status_setting *st;
  if (s->n_settings >= VDS_STATUS_MAX_SETTINGS)
    return;
  st = &s->settings[s->n_settings++];
  copy_text(st->name, sizeof(st->name), name);
  /* A name is one word on the wire. */
  for (char *c = st->name; *c; c++)
    if (*c == ' ')
      *c = '_';
  copy_text(st->value, sizeof(st->value), value);
  st->source = source;
}

void vds_status_add_warning(vds_status *s, const char *line)
{
  if (s->n_warnings >= VDS_STATUS_MAX_WARNINGS)
    return;
  copy_text(s->warnings[s->n_warnings++], VDS_STATUS_TEXT_MAX, line);
}

static const char *source_word(vds_status_source source)
{
  switch (source) {
  case VDS_STATUS_DEFAULT:
    return "default";
  case VDS_STATUS_REGISTRY:
    return "registry";
  case VDS_STATUS_POLICY:
    return "policy";
  }
  return "?";
}

static void add_caps(sb *b, const char *key, const vda_caps *c)
{
  sb_add(b, "%s", key);
  for (unsigned w = 0; w < VD_AGENT_CAPS_SIZE; w++)
    sb_add(b, " %08lx", (unsigned long)c->words[w]);
  sb_add(b, "\n");
}

size_t vds_status_serialize(const vds_status *s, char *out, size_t cap)
{
  sb b = {.p = out, .cap = cap};
  char text[VDS_STATUS_TEXT_MAX];

  if (cap == 0)
    return 0;
  out[0] = 0;
  sb_add(&b, HEADER "\n");
  copy_text(text, sizeof(text), s->version);
  sb_add(&b, "version %s\n", text);
  sb_add(&b, "port_open %d\n", s->port_open ? 1 : 0);
  copy_text(text, sizeof(text), s->port_error_text);
  sb_add(&b, "port_error %lu %s\n", (unsigned long)s->port_error, text);
  sb_add(&b, "agent_running %d\n", s->agent_running ? 1 : 0);
  sb_add(&b, "agent_ready %d\n", s->agent_ready ? 1 : 0);
  sb_add(&b, "agent_pid %lu\n", (unsigned long)s->agent_pid);
  sb_add(&b, "agent_session %lu\n", (unsigned long)s->agent_session);
  sb_add(&b, "client_connected %d\n", s->client_connected ? 1 : 0);
  add_caps(&b, "guest_caps", &s->guest_caps);
  add_caps(&b, "client_caps", &s->client_caps);
  for (size_t i = 0; i < s->n_settings && i < VDS_STATUS_MAX_SETTINGS; i++) {
    const vds_status_setting *st = &s->settings[i];
    copy_text(text, sizeof(text), st->value);
    sb_add(&b, "setting %s %s %s\n", source_word(st->source), st->name, text);
  }
  for (size_t i = 0; i < s->n_warnings && i < VDS_STATUS_MAX_WARNINGS; i++) {
    copy_text(text, sizeof(text), s->warnings[i]);
    sb_add(&b, "warning %s\n", text);
  }
  sb_add(&b, "end\n");
  return b.full ? 0 : b.len;
}

/* --- parsing --- */

static bool parse_bool(const char *v, bool *out)
{
  if ((v[0] == '0' || v[0] == '1') && v[1] == 0) {
    *out = v[0] == '1';
    return true;
  }
  return false;
}

/* A decimal u32; *rest (if given) points after it. */
static bool parse_u32(const char *v, uint32_t *out, const char **rest)
{
  char *end;
  unsigned long long n;
  if (v[0] < '0' || v[0] > '9')
    return false;
  n = strtoull(v, &end, 10);
  if (n > 0xffffffffull || (!rest && *end) || (rest && *end && *end != ' '))
    return false;
  *out = (uint32_t)n;
  if (rest)
    *rest = *end ? end + 1 : end;
  return true;
}

static bool parse_caps(const char *v, vda_caps *out)
{
  vda_caps_init(out);
  for (unsigned w = 0; *v; w++) {
    char *end;
    unsigned long long word;
    if (!((v[0] >= '0' && v[0] <= '9') || (v[0] >= 'a' && v[0] <= 'f') ||
          (v[0] >= 'A' && v[0] <= 'F')))
      return false;
    word = strtoull(v, &end, 16);
    if (word > 0xffffffffull || (*end && *end != ' '))
      return false;
    /* Words past ours are bits this build does not know: dropped. */
    if (w < VD_AGENT_CAPS_SIZE)
      out->words[w] = (uint32_t)word;
    v = *end ? end + 1 : end;
  }
  /* Bits past VD_AGENT_END_CAP in the last word are not ours either. */
  for (unsigned cap = VD_AGENT_END_CAP; cap < VD_AGENT_CAPS_SIZE * 32u; cap++)
    out->words[cap / 32u] &= ~((uint32_t)1u << (cap % 32u));
  return true;
}

static bool parse_setting(const char *v, vds_status *s)
{
  static const vds_status_source sources[] = {VDS_STATUS_DEFAULT, VDS_STATUS_REGISTRY,
                                              VDS_STATUS_POLICY};
  char name[VDS_STATUS_NAME_MAX];
  const char *sp = strchr(v, ' '), *sp2;
  size_t n;
  int which = -1;

  if (!sp)
    return false;
  for (int i = 0; i < 3; i++) {
    const char *w = source_word(sources[i]);
    if ((size_t)(sp - v) == strlen(w) && memcmp(v, w, strlen(w)) == 0)
      which = i;
  }
  if (which < 0)
    return false;
  v = sp + 1;
  sp2 = strchr(v, ' ');
  n = sp2 ? (size_t)(sp2 - v) : strlen(v);
  if (n == 0 || n >= sizeof(name))
    return false;
  memcpy(name, v, n);
  name[n] = 0;
  vds_status_add_setting(s, name, sp2 ? sp2 + 1 : "", sources[which]);
  return true;
}

/* One "key value" line (value may be empty). */
static bool parse_line(const char *key, const char *v, vds_status *s)
{
  if (strcmp(key, "version") == 0) {
    copy_text(s->version, sizeof(s->version), v);
    return true;
  }
  if (strcmp(key, "port_open") == 0)
    return parse_bool(v, &s->port_open);
  if (strcmp(key, "port_error") == 0) {
    const char *rest;
    if (!parse_u32(v, &s->port_error, &rest))
      return false;
    copy_text(s->port_error_text, sizeof(s->port_error_text), rest);
    return true;
  }
  if (strcmp(key, "agent_running") == 0)
    return parse_bool(v, &s->agent_running);
  if (strcmp(key, "agent_ready") == 0)
    return parse_bool(v, &s->agent_ready);
  if (strcmp(key, "agent_pid") == 0)
    return parse_u32(v, &s->agent_pid, NULL);
  if (strcmp(key, "agent_session") == 0)
    return parse_u32(v, &s->agent_session, NULL);
  if (strcmp(key, "client_connected") == 0)
    return parse_bool(v, &s->client_connected);
  if (strcmp(key, "guest_caps") == 0)
    return parse_caps(v, &s->guest_caps);
  if (strcmp(key, "client_caps") == 0)
    return parse_caps(v, &s->client_caps);
  if (strcmp(key, "setting") == 0)
    return parse_setting(v, s);
  if (strcmp(key, "warning") == 0) {
    vds_status_add_warning(s, v);
    return true;
  }
  return true; /* a newer service's field: skipped */
}

bool vds_status_parse(const char *in, size_t len, vds_status *s, const char **why)
{
  char line[VDS_STATUS_TEXT_MAX + 64];
  size_t pos = 0;
  bool header = false, end = false;
  char state[VDS_STATUS_NAME_MAX];

  memcpy(state, s->service_state, sizeof(state));
  vds_status_init(s);
  memcpy(s->service_state, state, sizeof(state));
  *why = NULL;
  while (pos < len && !end) {
    const char *nl = memchr(in + pos, '\n', len - pos);
    size_t n;
    char *sp;
    if (!nl) {
      *why = "reply cut short (no end line)";
      return false;
    }
    n = (size_t)(nl - (in + pos));
    if (n >= sizeof(line) || memchr(in + pos, 0, n)) {
      *why = "reply has an overlong or binary line";
      return false;
    }
    memcpy(line, in + pos, n);
    line[n] = 0;
    pos += n + 1;
    if (!header) {
      if (strcmp(line, HEADER) != 0) {
        *why = "not a status reply (bad header)";
        return false;
      }
      header = true;
      continue;
    }
    if (strcmp(line, "end") == 0) {
      end = true;
      break;
    }
    sp = strchr(line, ' ');
    if (sp)
      *sp = 0;
    if (!parse_line(line, sp ? sp + 1 : "", s)) {
      *why = "reply has a malformed field";
      return false;
    }
  }
  if (!header) {
    *why = "empty reply";
    return false;
  }
  if (!end) {
    *why = "reply cut short (no end line)";
    return false;
  }
  s->have_reply = true;
  return true;
}

/* --- verdict and printout --- */

unsigned vds_status_problems(const vds_status *s)
{
  unsigned p = 0;
  if (!s->have_reply)
    return VDS_STATUS_NO_SERVICE;
  if (!s->port_open)
    p |= VDS_STATUS_NO_PORT;
  if (!s->agent_ready)
    p |= VDS_STATUS_NO_AGENT;
  if (!s->client_connected)
    p |= VDS_STATUS_NO_CLIENT;
  if (!vda_caps_has(&s->guest_caps, VD_AGENT_CAP_MONITORS_CONFIG))
    p |= VDS_STATUS_NO_AUTOFIT;
  if (!vda_caps_has(&s->guest_caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND) ||
      !vda_caps_has(&s->client_caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND))
    p |= VDS_STATUS_NO_CLIPBOARD;
  return p;
}

/* Capability names, wrapped under a 14-column indent. */
static void add_cap_names(sb *b, const char *label, const vda_caps *a, const vda_caps *both_with)
{
  size_t col = 4 + strlen(label);
  unsigned count = 0;
  sb_add(b, "    %s", label);
  for (unsigned cap = 0; cap < VD_AGENT_END_CAP; cap++) {
    const char *name;
    if (!vda_caps_has(a, cap) || (both_with && !vda_caps_has(both_with, cap)))
      continue;
    name = vda_cap_name(cap);
    if (count > 0 && col + 1 + strlen(name) > 98) {
      sb_add(b, "\n%14s", "");
      col = 14;
    } else {
      sb_add(b, " ");
      col++;
    }
    sb_add(b, "%s", name);
    col += strlen(name);
    count++;
  }
  sb_add(b, "%s\n", count ? "" : " (none)");
}

static const struct {
  unsigned bit;
  const char *text;
} problem_text[] = {
    {VDS_STATUS_NO_SERVICE, "service not running or not answering"},
    {VDS_STATUS_NO_PORT, "port not open"},
    {VDS_STATUS_NO_AGENT, "agent not ready"},
    {VDS_STATUS_NO_CLIENT, "client not connected"},
    {VDS_STATUS_NO_AUTOFIT, "auto-fit not announced (MONITORS_CONFIG)"},
    {VDS_STATUS_NO_CLIPBOARD, "clipboard not negotiated (CLIPBOARD_BY_DEMAND on both sides)"},
};

size_t vds_status_format(const vds_status *s, char *out, size_t cap)
{
  sb b = {.p = out, .cap = cap};
  unsigned problems = vds_status_problems(s);

  if (cap == 0)
    return 0;
  out[0] = 0;
  sb_add(&b, "SPICE Agent status\n");
  sb_add(&b, "  service       %s", s->service_state[0] ? s->service_state : "unknown");
  if (s->have_reply)
    sb_add(&b, ", version %s", s->version);
  sb_add(&b, "\n");
  if (s->have_reply) {
    if (s->port_open)
      sb_add(&b, "  port          open\n");
    else if (s->port_error)
      sb_add(&b, "  port          not open: %s\n", s->port_error_text);
    else
      sb_add(&b, "  port          not open (waiting for a ready agent)\n");
    if (s->agent_ready)
      sb_add(&b, "  agent         ready, pid %lu, session %lu\n", (unsigned long)s->agent_pid,
             (unsigned long)s->agent_session);
    else if (s->agent_running)
      sb_add(&b, "  agent         not ready (pid %lu, session %lu, no hello yet)\n",
             (unsigned long)s->agent_pid, (unsigned long)s->agent_session);
    else
      sb_add(&b, "  agent         not ready (no vdagent.exe running)\n");
    sb_add(&b, "  client        %s\n", s->client_connected ? "connected" : "not connected");
    sb_add(&b, "  capabilities\n");
    add_cap_names(&b, "guest     ", &s->guest_caps, NULL);
    if (s->client_connected) {
      add_cap_names(&b, "client    ", &s->client_caps, NULL);
      add_cap_names(&b, "both      ", &s->guest_caps, &s->client_caps);
    } else {
      sb_add(&b, "    client     (no client)\n");
    }
    sb_add(&b, "  settings      (read from the registry now; the agent applies changes when it "
               "starts)\n");
    for (size_t i = 0; i < s->n_settings; i++)
      sb_add(&b, "    %-22s %-30s %s\n", s->settings[i].name, s->settings[i].value,
             source_word(s->settings[i].source));
    sb_add(&b, "  last warnings (oldest first)\n");
    for (size_t i = 0; i < s->n_warnings; i++)
      sb_add(&b, "    %s\n", s->warnings[i]);
    if (s->n_warnings == 0)
      sb_add(&b, "    (none)\n");
  }
  if (problems == 0) {
    sb_add(&b, "  verdict       OK: auto-fit and clipboard are up\n");
  } else {
    const char *sep = "";
    sb_add(&b, "  verdict       NOT READY: ");
    for (size_t i = 0; i < sizeof(problem_text) / sizeof(problem_text[0]); i++)
      if (problems & problem_text[i].bit) {
        sb_add(&b, "%s%s", sep, problem_text[i].text);
        sep = "; ";
      }
    sb_add(&b, "\n");
  }
  return b.len;
}
