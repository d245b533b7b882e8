/* `vdservice status`: the snapshot's wire form, the verdict and the printout
 * (vdservice/status_format.c). */
#include <stdlib.h>
#include <string.h>

#include "status_format.h"
#include "vda_test.h"

/* A healthy service as spice-gtk sees it: the guest announces what the
 * service and the agent do, the client what spice-gtk 0.42 does. */
static void healthy(vds_status *s)
{
  static const unsigned guest[] = {0, 1, 2, 4, 5, 6, 7, 9, 10, 14, 15, 16, 17};
  static const unsigned client[] = {0, 1, 2, 4, 5, 6, 12, 14, 16, 17};
  vds_status_init(s);
  strcpy(s->service_state, "running");
  s->have_reply = true;
  strcpy(s->version, "0.1.0");
  s->port_open = true;
  s->agent_running = true;
  s->agent_ready = true;
  s->agent_pid = 1234;
  s->agent_session = 1;
  s->client_connected = true;
  for (size_t i = 0; i < sizeof(guest) / sizeof(guest[0]); i++)
    vda_caps_set(&s->guest_caps, guest[i]);
  for (size_t i = 0; i < sizeof(client) / sizeof(client[0]); i++)
    vda_caps_set(&s->client_caps, client[i]);
  vds_status_add_setting(s, "LogLevel", "info", VDS_STATUS_DEFAULT);
  vds_status_add_setting(s, "ClipboardEnabled", "0", VDS_STATUS_REGISTRY);
  vds_status_add_setting(s, "DownloadFolder", "D:\\Dateien f\xc3\xbcr G\xc3\xa4ste",
                         VDS_STATUS_POLICY);
  vds_status_add_warning(s, "2026-12-02 07:00:00.000 WARN  vdservice[8] f: first");
  vds_status_add_warning(s, "2026-12-02 07:00:01.000 ERROR vdservice[8] g: second");
}

static void test_round_trip(void)
{
  vds_status a, b;
  char wire[VDS_STATUS_REPLY_MAX];
  const char *why;
  size_t n;

  healthy(&a);
  a.port_error = 2;
  strcpy(a.port_error_text, "The system cannot find the file specified.");
  n = vds_status_serialize(&a, wire, sizeof(wire));
  CHECK(n > 0);
  CHECK_EQ(strlen(wire), n);
  CHECK(strncmp(wire, "spice-agent-status 1\n", 21) == 0);
  CHECK(n >= 4 && strcmp(wire + n - 4, "end\n") == 0);

  vds_status_init(&b);
  strcpy(b.service_state, "running"); /* the command's, kept by the parser */
  CHECK_ACCEPTED(vds_status_parse(wire, n, &b, &why), why);
  CHECK(b.have_reply);
  CHECK(strcmp(b.service_state, "running") == 0);
  CHECK(strcmp(b.version, "0.1.0") == 0);
  CHECK(b.port_open);
  CHECK_EQ(b.port_error, 2);
  CHECK(strcmp(b.port_error_text, a.port_error_text) == 0);
  CHECK(b.agent_running && b.agent_ready);
  CHECK_EQ(b.agent_pid, 1234);
  CHECK_EQ(b.agent_session, 1);
  CHECK(b.client_connected);
  CHECK(memcmp(&b.guest_caps, &a.guest_caps, sizeof(vda_caps)) == 0);
  CHECK(memcmp(&b.client_caps, &a.client_caps, sizeof(vda_caps)) == 0);
  CHECK_EQ(b.n_settings, 3);
  CHECK(strcmp(b.settings[0].name, "LogLevel") == 0);
  CHECK(strcmp(b.settings[0].value, "info") == 0);
  CHECK_EQ(b.settings[0].source, VDS_STATUS_DEFAULT);
  CHECK_EQ(b.settings[1].source, VDS_STATUS_REGISTRY);
  CHECK_EQ(b.settings[2].source, VDS_STATUS_POLICY);
  CHECK(strcmp(b.settings[2].value, a.settings[2].value) == 0); /* UTF-8 and spaces kept */
  CHECK_EQ(b.n_warnings, 2);
  CHECK(strcmp(b.warnings[1], a.warnings[1]) == 0);
}

/* A text with line breaks cannot forge fields on the wire. */
static void test_newlines_cannot_inject(void)
{
  vds_status a, b;
  char wire[VDS_STATUS_REPLY_MAX];
  const char *why;
  size_t n;

  healthy(&a);
  a.client_connected = false;
  vds_status_add_warning(&a, "evil\nclient_connected 1\r\nend");
  n = vds_status_serialize(&a, wire, sizeof(wire));
  vds_status_init(&b);
  CHECK_ACCEPTED(vds_status_parse(wire, n, &b, &why), why);
  CHECK(!b.client_connected);
  CHECK_EQ(b.n_warnings, 3);
  CHECK(strcmp(b.warnings[2], "evil client_connected 1  end") == 0);
}

static void test_bounds(void)
{
  vds_status s;
  char big[1000];
  char small[64];

  vds_status_init(&s);
  for (unsigned i = 0; i < VDS_STATUS_MAX_SETTINGS + 5; i++)
    vds_status_add_setting(&s, "Name", "v", VDS_STATUS_DEFAULT);
  CHECK_EQ(s.n_settings, VDS_STATUS_MAX_SETTINGS);
  for (unsigned i = 0; i < VDS_STATUS_MAX_WARNINGS + 5; i++)
    vds_status_add_warning(&s, "w");
  CHECK_EQ(s.n_warnings, VDS_STATUS_MAX_WARNINGS);

  /* Long UTF-8 text is cut on a character boundary. */
  for (size_t i = 0; i + 2 < sizeof(big); i += 2)
    big[i] = (char)0xc3, big[i + 1] = (char)0xa4; /* U+00E4 */
  big[sizeof(big) - 2] = 0;
  vds_status_init(&s);
  vds_status_add_warning(&s, big);
  CHECK_EQ(strlen(s.warnings[0]) % 2, 0);
  CHECK(strlen(s.warnings[0]) < VDS_STATUS_TEXT_MAX);

  /* A reply that does not fit is refused whole, never cut. */
  healthy(&s);
  CHECK_EQ(vds_status_serialize(&s, small, sizeof(small)), 0);

  /* The largest snapshot fits the reply bound. */
  vds_status_init(&s);
  memset(big, 'x', sizeof(big));
  big[sizeof(big) - 1] = 0;
  strcpy(s.version, "0.1.0");
  for (unsigned i = 0; i < VDS_STATUS_MAX_SETTINGS; i++)
    vds_status_add_setting(&s, "AVeryLongSettingNameThatIsCut_____", big, VDS_STATUS_POLICY);
  for (unsigned i = 0; i < VDS_STATUS_MAX_WARNINGS; i++)
    vds_status_add_warning(&s, big);
  memset(s.port_error_text, 'y', sizeof(s.port_error_text) - 1);
  {
    char *wire = malloc(VDS_STATUS_REPLY_MAX);
    CHECK(wire != NULL);
    if (wire) {
      CHECK(vds_status_serialize(&s, wire, VDS_STATUS_REPLY_MAX) > 0);
      free(wire);
    }
  }
}

static void test_parse_refusals(void)
{
  vds_status s;
  const char *why;
  const char *bad_header = "hello\nend\n";
  const char *no_end = "spice-agent-status 1\nport_open 1\n";
  const char *cut = "spice-agent-status 1\nport_open 1\nen";
  const char *bad_bool = "spice-agent-status 1\nport_open yes\nend\n";
  const char *bad_pid = "spice-agent-status 1\nagent_pid 99999999999\nend\n";
  const char *bad_caps = "spice-agent-status 1\nguest_caps zz\nend\n";
  const char *bad_source = "spice-agent-status 1\nsetting gpo LogLevel info\nend\n";
  const char *unknown = "spice-agent-status 1\nfuture_field 42\nport_open 1\nend\n";
  const char nul[] = "spice-agent-status 1\nversion a\0b\nend\n";

  CHECK_REFUSED(vds_status_parse("", 0, &s, &why), why);
  CHECK_REFUSED(vds_status_parse(bad_header, strlen(bad_header), &s, &why), why);
  CHECK_REFUSED(vds_status_parse(no_end, strlen(no_end), &s, &why), why);
  CHECK_REFUSED(vds_status_parse(cut, strlen(cut), &s, &why), why);
  CHECK_REFUSED(vds_status_parse(bad_bool, strlen(bad_bool), &s, &why), why);
  CHECK_REFUSED(vds_status_parse(bad_pid, strlen(bad_pid), &s, &why), why);
  CHECK_REFUSED(vds_status_parse(bad_caps, strlen(bad_caps), &s, &why), why);
  CHECK_REFUSED(vds_status_parse(bad_source, strlen(bad_source), &s, &why), why);
  CHECK_REFUSED(vds_status_parse(nul, sizeof(nul) - 1, &s, &why), why);
  CHECK(!s.have_reply);
  /* A newer service's field is skipped, not refused. */
  CHECK_ACCEPTED(vds_status_parse(unknown, strlen(unknown), &s, &why), why);
  CHECK(s.port_open);
}

static void test_verdict(void)
{
  vds_status s;

  healthy(&s);
  CHECK_EQ(vds_status_problems(&s), 0);

  vds_status_init(&s);
  CHECK_EQ(vds_status_problems(&s), VDS_STATUS_NO_SERVICE);

  healthy(&s);
  s.client_connected = false;
  vda_caps_init(&s.client_caps);
  CHECK_EQ(vds_status_problems(&s), VDS_STATUS_NO_CLIENT | VDS_STATUS_NO_CLIPBOARD);

  healthy(&s);
  s.agent_ready = false;
  s.port_open = false;
  CHECK_EQ(vds_status_problems(&s), VDS_STATUS_NO_AGENT | VDS_STATUS_NO_PORT);

  /* Clipboard off by policy: the agent does not announce it. */
  healthy(&s);
  vda_caps_clear(&s.guest_caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  CHECK_EQ(vds_status_problems(&s), VDS_STATUS_NO_CLIPBOARD);
  healthy(&s);
  vda_caps_clear(&s.client_caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  CHECK_EQ(vds_status_problems(&s), VDS_STATUS_NO_CLIPBOARD);
  healthy(&s);
  vda_caps_clear(&s.guest_caps, VD_AGENT_CAP_MONITORS_CONFIG);
  CHECK_EQ(vds_status_problems(&s), VDS_STATUS_NO_AUTOFIT);
}

static void test_format(void)
{
  vds_status s;
  char text[8192];

  healthy(&s);
  CHECK(vds_status_format(&s, text, sizeof(text)) > 0);
  CHECK(strstr(text, "service       running, version 0.1.0\n") != NULL);
  CHECK(strstr(text, "port          open\n") != NULL);
  CHECK(strstr(text, "agent         ready, pid 1234, session 1\n") != NULL);
  CHECK(strstr(text, "client        connected\n") != NULL);
  CHECK(strstr(text, "guest      MOUSE_STATE MONITORS_CONFIG REPLY DISPLAY_CONFIG") != NULL);
  CHECK(strstr(text, "MONITORS_CONFIG_POSITION") != NULL); /* the client's */
  CHECK(strstr(text, "ClipboardEnabled") != NULL && strstr(text, "registry\n") != NULL);
  CHECK(strstr(text, "policy\n") != NULL);
  CHECK(strstr(text, "ERROR vdservice[8] g: second") != NULL);
  CHECK(strstr(text, "verdict       OK: auto-fit and clipboard are up\n") != NULL);
  /* Only the names both sides announced on the "both" line. */
  {
    const char *both = strstr(text, "    both      ");
    CHECK(both != NULL);
    if (both) {
      const char *eol = strchr(both, '\n');
      CHECK(eol != NULL);
      CHECK(strstr(both, "CLIPBOARD_BY_DEMAND") < eol);
      CHECK(strstr(both, "MONITORS_CONFIG_POSITION") == NULL ||
            strstr(both, "MONITORS_CONFIG_POSITION") > eol);
    }
  }
  /* Every line fits 100 columns. */
  for (const char *l = text; *l;) {
    const char *eol = strchr(l, '\n');
    CHECK(eol != NULL);
    if (!eol)
      break;
    CHECK(eol - l <= 100);
    l = eol + 1;
  }

  healthy(&s);
  s.client_connected = false;
  vda_caps_init(&s.client_caps);
  s.port_open = false;
  s.port_error = 2;
  strcpy(s.port_error_text, "The system cannot find the file specified.");
  vds_status_format(&s, text, sizeof(text));
  CHECK(strstr(text, "client        not connected\n") != NULL);
  CHECK(strstr(text, "port          not open: The system cannot find the file specified.\n") !=
        NULL);
  CHECK(strstr(text, "NOT READY: port not open; client not connected; clipboard not") != NULL);

  vds_status_init(&s);
  strcpy(s.service_state, "stopped");
  vds_status_format(&s, text, sizeof(text));
  CHECK(strstr(text, "service       stopped\n") != NULL);
  CHECK(strstr(text, "NOT READY: service not running or not answering\n") != NULL);

  /* A small buffer is filled and terminated, never overrun. */
  healthy(&s);
  memset(text, 'Z', sizeof(text));
  CHECK_EQ(vds_status_format(&s, text, 40), 39);
  CHECK_EQ(text[39], 0);
  CHECK_EQ(text[40], 'Z');
}

int main(void)
{
  RUN_TEST(test_round_trip);
  RUN_TEST(test_newlines_cannot_inject);
  RUN_TEST(test_bounds);
  RUN_TEST(test_parse_refusals);
  RUN_TEST(test_verdict);
  RUN_TEST(test_format);
  return vda_test_report("test_status_format");
}
