/* The session agent's features as the agent describes them
 * (vdagent/agent_features.c), without starting any thread:
 *   - README's list "Capabilities announced (service + agent, all features
 *     enabled):" is exactly vda_caps_service() + the features' union with
 *     the default configuration;
 *   - the feature set passes vda_dispatch_build() under every configuration
 *     (no capability without its handler);
 *   - policy switches change what is announced;
 *   - the file-transfer feature's refusals that need no disk (session
 *     locked, disabled, an invalid name; unknown ids) as documented in
 *     vdagent/xfer/xfer_feature.h (transfers themselves: test_xfer_files
 *     and the e2e file_xfer tests);
 *   - a MAX_CLIPBOARD of the wrong size is refused by the clipboard feature.
 * argv[1]: README.md (a Windows path). */
#include <stdio.h>
#include <string.h>

#include "agent_dispatch.h"
#include "agent_features.h"
#include "config.h"
#include "vda_le.h"
#include "vda_msg_table.h"
#include "vda_test.h"

#define README_HEADER "Capabilities announced (service + agent, all features enabled):"

static const char *g_readme;

/* What the fake pipe received. */
static vda_body g_sent[8];
static unsigned g_nsent;

static bool fake_send(void *ctx, const vda_body *b)
{
  (void)ctx;
  if (g_nsent < sizeof(g_sent) / sizeof(g_sent[0]))
    g_sent[g_nsent] = *b;
  g_nsent++;
  return true;
}

static vda_negotiated g_neg;
static vda_limits g_lim;
static const vda_agent_env g_env = {.neg = &g_neg, .limits = &g_lim, .send = fake_send};

/* Describes the features under conf and builds their dispatch table. */
static bool describe(vda_agent_features *af, vda_dispatch *d, const vda_config *conf)
{
  const char *why = NULL;
  bool ok = vda_agent_features_describe(af, conf, &g_env);
  CHECK(ok);
  if (!ok)
    return false;
  CHECK_ACCEPTED(vda_dispatch_build(d, af->list, VDA_FEATURE_COUNT, &why), why);
  if (why)
    fprintf(stderr, "dispatch: %s\n", why);
  return why == NULL;
}

static int cap_by_name(const char *name)
{
  for (unsigned i = 0; i < VD_AGENT_END_CAP; i++)
    if (strcmp(vda_cap_name(i), name) == 0)
      return (int)i;
  return -1;
}

/* README's list, parsed: the header line, an optional blank line, then
 * "- NAME" lines up to the first line that is not one. */
static bool readme_caps(vda_caps *out)
{
  char line[256];
  bool in_list = false, seen_header = false, ok = true;
  FILE *f = fopen(g_readme, "r");
  vda_caps_init(out);
  if (!f) {
    fprintf(stderr, "cannot open %s\n", g_readme);
    return false;
  }
  while (fgets(line, sizeof(line), f)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!seen_header) {
      seen_header = strcmp(line, README_HEADER) == 0;
      continue;
    }
    if (!in_list && line[0] == 0)
      continue;
    if (strncmp(line, "- ", 2) != 0)
      break;
    in_list = true;
    int cap = cap_by_name(line + 2);
    if (cap < 0) {
      fprintf(stderr, "README lists \"%s\", not a capability name\n", line + 2);
      ok = false;
    } else {
      vda_caps_set(out, (unsigned)cap);
    }
  }
  fclose(f);
  if (!seen_header || !in_list)
    fprintf(stderr, "README lacks the line \"%s\" followed by a \"- NAME\" list\n", README_HEADER);
  return ok && seen_header && in_list;
}

static void test_readme_lists_what_is_announced(void)
{
  vda_agent_features af;
  vda_dispatch d;
  vda_config conf;
  vda_caps want, agent, got;
  vda_config_defaults(&conf);
  if (!describe(&af, &d, &conf))
    goto out;
  vda_caps_service(&want);
  vda_dispatch_caps(&d, &agent);
  vda_caps_union(&want, &want, &agent);
  CHECK(readme_caps(&got));
  for (unsigned i = 0; i < VD_AGENT_END_CAP; i++) {
    if (vda_caps_has(&want, i) != vda_caps_has(&got, i))
      fprintf(stderr, "%s: announced %s, README %s\n", vda_cap_name(i),
              vda_caps_has(&want, i) ? "yes" : "no", vda_caps_has(&got, i) ? "yes" : "no");
    CHECK_EQ(vda_caps_has(&want, i), vda_caps_has(&got, i));
  }
out:
  vda_agent_features_free(&af);
}

static void test_policy_changes_the_announced_set(void)
{
  vda_agent_features af;
  vda_dispatch d;
  vda_config conf;
  vda_caps c;

  vda_config_defaults(&conf);
  conf.clipboard_enabled = 0;
  if (describe(&af, &d, &conf)) {
    vda_dispatch_caps(&d, &c);
    CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
    CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_SELECTION));
    CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
    CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB));
    CHECK(vda_caps_has(&c, VD_AGENT_CAP_MOUSE_STATE));
    CHECK(!vda_caps_has(&c, VD_AGENT_CAP_FILE_XFER_DISABLED));
    /* Clipboard messages have no handler then. */
    CHECK(!vda_dispatch_message(&d, VD_AGENT_CLIPBOARD_RELEASE, (const uint8_t *)"", 0));
  }
  vda_agent_features_free(&af);

  vda_config_defaults(&conf);
  conf.file_xfer_enabled = 0;
  if (describe(&af, &d, &conf)) {
    vda_dispatch_caps(&d, &c);
    CHECK(vda_caps_has(&c, VD_AGENT_CAP_FILE_XFER_DISABLED));
    CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
  }
  vda_agent_features_free(&af);

  /* AudioVolumeSync = 0: not announced, and the message has no handler. */
  vda_config_defaults(&conf);
  conf.audio_volume_sync = 0;
  if (describe(&af, &d, &conf)) {
    static const uint8_t avs[] = {1, 0, 1, 0xff, 0xff};
    vda_dispatch_caps(&d, &c);
    CHECK(!vda_caps_has(&c, VD_AGENT_CAP_AUDIO_VOLUME_SYNC));
    CHECK(vda_caps_has(&c, VD_AGENT_CAP_MOUSE_STATE));
    CHECK(!vda_dispatch_message(&d, VD_AGENT_AUDIO_VOLUME_SYNC, avs, sizeof(avs)));
  }
  vda_agent_features_free(&af);
  vda_config_defaults(&conf);
  if (describe(&af, &d, &conf)) {
    vda_dispatch_caps(&d, &c);
    CHECK(vda_caps_has(&c, VD_AGENT_CAP_AUDIO_VOLUME_SYNC));
  }
  vda_agent_features_free(&af);
}

/* FILE_XFER_START id 42 for a 3-byte "sub/a.txt": a name that addresses
 * another folder, which the feature refuses before touching the disk. */
static size_t xfer_start(uint8_t *b, uint32_t id)
{
  static const char meta[] = "[vdagent-file-xfer]\nname=sub/a.txt\nsize=3\n";
  vda_put_le32(b, id);
  memcpy(b + 4, meta, sizeof(meta)); /* with its NUL */
  return 4 + sizeof(meta);
}

static void set_peer(bool detailed)
{
  vda_caps ours, peer;
  vda_caps_service(&ours);
  vda_caps_init(&peer);
  if (detailed)
    vda_caps_set(&peer, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
  vda_negotiated_init(&g_neg, &ours);
  vda_negotiated_set_peer(&g_neg, &peer);
}

/* Sends one START through the dispatch; checks the one STATUS it answered. */
static void expect_status(vda_dispatch *d, uint32_t result, size_t len)
{
  uint8_t body[64];
  size_t n = xfer_start(body, 42);
  g_nsent = 0;
  CHECK(vda_dispatch_message(d, VD_AGENT_FILE_XFER_START, body, n));
  CHECK_EQ(g_nsent, 1);
  if (g_nsent != 1)
    return;
  CHECK_EQ(g_sent[0].type, VD_AGENT_FILE_XFER_STATUS);
  CHECK_EQ(g_sent[0].len, len);
  CHECK_EQ(vda_le32(g_sent[0].data), 42);
  CHECK_EQ(vda_le32(g_sent[0].data + 4), result);
}

static void test_xfer_refusals(void)
{
  vda_agent_features af;
  vda_dispatch d;
  vda_config conf;
  vda_ipc_stream_begin data = {.vd_type = VD_AGENT_FILE_XFER_DATA, .data_size = 3, .xfer_id = 42};
  uint8_t status[8];

  vda_config_defaults(&conf);
  if (describe(&af, &d, &conf)) {
    /* Enabled: ERROR, with {GLIB_IO, INVALID_FILENAME} for detailed clients. */
    set_peer(true);
    expect_status(&d, VD_AGENT_FILE_XFER_STATUS_ERROR, 13);
    if (g_sent[0].len == 13) {
      CHECK_EQ(g_sent[0].data[8], VD_AGENT_FILE_XFER_STATUS_ERROR_GLIB_IO);
      CHECK_EQ(vda_le32(g_sent[0].data + 9), VDA_GIO_ERROR_INVALID_FILENAME);
    }
    set_peer(false);
    expect_status(&d, VD_AGENT_FILE_XFER_STATUS_ERROR, 8);

    /* Locked (the service forwarded a START just before the lock). */
    vda_dispatch_session(&d, true);
    set_peer(true);
    expect_status(&d, VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED, 8);
    set_peer(false);
    expect_status(&d, VD_AGENT_FILE_XFER_STATUS_ERROR, 8);
    vda_dispatch_session(&d, false);
    set_peer(true);
    expect_status(&d, VD_AGENT_FILE_XFER_STATUS_ERROR, 13);

    /* STATUS and DATA for unknown ids: ignored, nothing sent. */
    g_nsent = 0;
    vda_put_le32(status, 42);
    vda_put_le32(status + 4, VD_AGENT_FILE_XFER_STATUS_CANCELLED);
    CHECK(vda_dispatch_message(&d, VD_AGENT_FILE_XFER_STATUS, status, 8));
    CHECK_EQ(vda_dispatch_stream_begin(&d, &data), VDA_STREAM_REFUSED);
    vda_dispatch_stream_data(&d, (const uint8_t *)"abc", 3);
    vda_dispatch_stream_end(&d, false);
    CHECK_EQ(g_nsent, 0);
  }
  vda_agent_features_free(&af);

  /* Disabled by FileTransferEnabled=0: DISABLED, ERROR for old clients. */
  conf.file_xfer_enabled = 0;
  if (describe(&af, &d, &conf)) {
    set_peer(true);
    expect_status(&d, VD_AGENT_FILE_XFER_STATUS_DISABLED, 8);
    set_peer(false);
    expect_status(&d, VD_AGENT_FILE_XFER_STATUS_ERROR, 8);
  }
  vda_agent_features_free(&af);
}

/* A MAX_CLIPBOARD whose body is not 4 bytes is logged and ignored by the
 * clipboard feature. The clipboard thread is not started here, so a body
 * that got through would be posted to a NULL window and crash the test. */
static void test_max_clipboard_refusal(void)
{
  vda_agent_features af;
  vda_dispatch d;
  vda_config conf;
  static const uint8_t body[5] = {1, 2, 3, 4, 5};

  vda_config_defaults(&conf);
  if (describe(&af, &d, &conf)) {
    g_nsent = 0;
    CHECK(vda_dispatch_message(&d, VD_AGENT_MAX_CLIPBOARD, body, 3));
    CHECK(vda_dispatch_message(&d, VD_AGENT_MAX_CLIPBOARD, body, 5));
    CHECK(vda_dispatch_message(&d, VD_AGENT_MAX_CLIPBOARD, body, 0));
    CHECK_EQ(g_nsent, 0);
  }
  vda_agent_features_free(&af);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: test_agent_features <README.md>\n");
    return 2;
  }
  g_readme = argv[1];
  vda_limits_default(&g_lim);
  set_peer(false);
  RUN_TEST(test_readme_lists_what_is_announced);
  RUN_TEST(test_policy_changes_the_announced_set);
  RUN_TEST(test_xfer_refusals);
  RUN_TEST(test_max_clipboard_refusal);
  return vda_test_report("agent features");
}
