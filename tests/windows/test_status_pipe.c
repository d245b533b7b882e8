/* `vdservice status` over its pipe (vdservice/status_server.c, status_cmd.c):
 * the reply, the pipe's security descriptor read back, a token without
 * Administrators refused, a client that never reads or closes dropped
 * without blocking the next, a squatted name retried. */
#include <aclapi.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "log.h"
#include "status_cmd.h"
#include "status_format.h"
#include "status_server.h"
#include "vda_test.h"

#define TEST_PIPE L"\\\\.\\pipe\\spice-agent-status-test"

static WCHAR g_dir[MAX_PATH];
static unsigned g_fills;

/* What a loop with a ready agent and a connected client would say. */
static void fake_fill(void *ctx, vds_status *out)
{
  (void)ctx;
  g_fills++;
  out->port_open = true;
  out->agent_running = true;
  out->agent_ready = true;
  out->agent_pid = 4242;
  out->agent_session = 1;
  out->client_connected = true;
  vda_caps_set(&out->guest_caps, VD_AGENT_CAP_MONITORS_CONFIG);
  vda_caps_set(&out->guest_caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  vda_caps_set(&out->client_caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
}

typedef struct query {
  DWORD err;
  size_t len;
  char buf[VDS_STATUS_REPLY_MAX + 1];
} query;

static DWORD WINAPI query_thread(void *arg)
{
  query *q = arg;
  q->err = vds_status_query(TEST_PIPE, 5000, q->buf, sizeof(q->buf), &q->len);
  return 0;
}

/* The loop's part: wait on the server's event (and `done`), at most ms in
 * all; each server call is timed, since none may block the loop. */
static DWORD g_longest_call_ms;

static void pump(vds_status_server *s, HANDLE done, DWORD ms)
{
  ULONGLONG end = GetTickCount64() + ms;
  while (GetTickCount64() < end) {
    HANDLE h[2];
    DWORD n = 0, w;
    ULONGLONG t0 = GetTickCount64();
    HANDLE ev;

    vds_status_server_tick(s, t0);
    if (GetTickCount64() - t0 > g_longest_call_ms)
      g_longest_call_ms = (DWORD)(GetTickCount64() - t0);
    if (done && WaitForSingleObject(done, 0) == WAIT_OBJECT_0)
      return;
    ev = vds_status_server_event(s);
    if (ev)
      h[n++] = ev;
    if (done)
      h[n++] = done;
    if (n == 0) {
      Sleep(20);
      continue;
    }
    w = WaitForMultipleObjects(n, h, FALSE, 20);
    if (ev && w == WAIT_OBJECT_0) {
      t0 = GetTickCount64();
      vds_status_server_on_event(s, t0);
      if (GetTickCount64() - t0 > g_longest_call_ms)
        g_longest_call_ms = (DWORD)(GetTickCount64() - t0);
    }
  }
}

/* One query in a thread while the server is pumped here. */
static void ask(vds_status_server *s, query *q)
{
  HANDLE t = CreateThread(NULL, 0, query_thread, q, 0, NULL);
  CHECK(t != NULL);
  if (!t)
    return;
  pump(s, t, 8000);
  CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
  CloseHandle(t);
}

static void test_reply(void)
{
  vds_status_server s;
  static query q;
  vds_status st;
  const char *why;

  LOG_WARN("status-test warning %d", 1);
  LOG_ERROR("status-test error %d", 2);
  g_fills = 0;
  CHECK(vds_status_server_init(&s, TEST_PIPE, "9.9.9-test", fake_fill, NULL));
  vds_status_server_tick(&s, GetTickCount64());
  CHECK(vds_status_server_event(&s) != NULL); /* listening */

  for (int round = 0; round < 2; round++) { /* the next client is served too */
    memset(&q, 0, sizeof(q));
    ask(&s, &q);
    CHECK_EQ(q.err, ERROR_SUCCESS);
    vds_status_init(&st);
    CHECK_ACCEPTED(vds_status_parse(q.buf, q.len, &st, &why), why);
    CHECK(strcmp(st.version, "9.9.9-test") == 0);
    CHECK_EQ(st.agent_pid, 4242);
    CHECK(st.client_connected);
    CHECK_EQ(vds_status_problems(&st), 0);
    /* The settings come from the registry, each with its source. */
    CHECK(st.n_settings >= 6);
    CHECK(strcmp(st.settings[0].name, "LogLevel") == 0);
    CHECK_EQ(st.settings[0].source, VDS_STATUS_DEFAULT);
    /* The log's ring, oldest first. */
    CHECK(st.n_warnings >= 2);
    if (st.n_warnings >= 2) {
      CHECK(strstr(st.warnings[st.n_warnings - 2], "WARN  ") != NULL);
      CHECK(strstr(st.warnings[st.n_warnings - 2], "status-test warning 1") != NULL);
      CHECK(strstr(st.warnings[st.n_warnings - 1], "status-test error 2") != NULL);
    }
  }
  CHECK_EQ(g_fills, 2);
  vds_status_server_free(&s);
  CHECK(g_longest_call_ms < 500);
}

/* The log keeps the last VDA_LOG_RECENT_MAX warnings and errors, whatever
 * the level, and no INFO. */
static void test_log_ring(void)
{
  char recent[VDA_LOG_RECENT_MAX][VDA_LOG_RECENT_LINE];
  char want[64], longer[600];
  size_t n;

  vda_log_set_level(VDA_LOG_ERROR); /* WARN is not written, still kept */
  for (int i = 0; i < 20; i++) {
    LOG_WARN("ring %d", i);
    LOG_INFO("not kept %d", i);
  }
  vda_log_set_level(VDA_LOG_INFO);
  n = vda_log_recent(recent, VDA_LOG_RECENT_MAX);
  CHECK_EQ(n, VDA_LOG_RECENT_MAX);
  for (size_t i = 0; i < n; i++) {
    snprintf(want, sizeof(want), "ring %u", (unsigned)(20 - VDA_LOG_RECENT_MAX + i));
    CHECK(strstr(recent[i], want) != NULL);
    CHECK(strstr(recent[i], "not kept") == NULL);
    CHECK(strchr(recent[i], '\n') == NULL && strchr(recent[i], '\r') == NULL);
  }
  /* Fewer asked: the newest ones. */
  CHECK_EQ(vda_log_recent(recent, 2), 2);
  CHECK(strstr(recent[1], "ring 19") != NULL);
  /* A long line is cut to the slot on a UTF-8 boundary. */
  for (size_t i = 0; i + 2 < sizeof(longer); i += 2)
    longer[i] = (char)0xc3, longer[i + 1] = (char)0xa9;
  longer[sizeof(longer) - 2] = 0;
  LOG_ERROR("%s", longer);
  CHECK_EQ(vda_log_recent(recent, 1), 1);
  CHECK(strlen(recent[0]) < VDA_LOG_RECENT_LINE);
  CHECK(strlen(recent[0]) > VDA_LOG_RECENT_LINE - 4);
  CHECK(((unsigned char)recent[0][strlen(recent[0]) - 1] & 0xc0) == 0x80); /* ends in é */
  CHECK(((unsigned char)recent[0][strlen(recent[0]) - 2]) == 0xc3);
}

/* The DACL read back from the pipe itself: protected, SYSTEM and
 * Administrators only. */
static void test_dacl(void)
{
  HANDLE pipe = NULL, second = NULL;
  PACL dacl = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD rev, err;
  bool saw_system = false, saw_admins = false;

  CHECK_EQ(vds_status_pipe_create(TEST_PIPE, &pipe), ERROR_SUCCESS);
  if (!pipe)
    return;
  err = GetSecurityInfo(pipe, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl, NULL,
                        &sd);
  CHECK_EQ(err, ERROR_SUCCESS);
  if (err == ERROR_SUCCESS && dacl) {
    CHECK(GetSecurityDescriptorControl(sd, &control, &rev));
    CHECK(control & SE_DACL_PROTECTED);
    CHECK_EQ(dacl->AceCount, 2);
    for (WORD i = 0; i < dacl->AceCount; i++) {
      ACCESS_ALLOWED_ACE *ace = NULL;
      CHECK(GetAce(dacl, i, (void **)&ace));
      if (!ace)
        continue;
      CHECK_EQ(ace->Header.AceType, ACCESS_ALLOWED_ACE_TYPE);
      CHECK(ace->Mask == GENERIC_ALL || ace->Mask == FILE_ALL_ACCESS);
      if (IsWellKnownSid((PSID)&ace->SidStart, WinLocalSystemSid))
        saw_system = true;
      else if (IsWellKnownSid((PSID)&ace->SidStart, WinBuiltinAdministratorsSid))
        saw_admins = true;
      else
        CHECK(!"an ACE for another SID");
    }
  }
  CHECK(saw_system);
  CHECK(saw_admins);
  if (sd)
    LocalFree(sd);
  /* The name cannot be taken twice (FILE_FLAG_FIRST_PIPE_INSTANCE). */
  CHECK(vds_status_pipe_create(TEST_PIPE, &second) != ERROR_SUCCESS);
  CHECK(second == NULL);
  CloseHandle(pipe);
}

/* This process's token with Administrators made deny-only: an ordinary
 * user as far as the pipe's DACL is concerned. */
static HANDLE non_admin_token(void)
{
  HANDLE self = NULL, restricted = NULL;
  BYTE sid_buf[SECURITY_MAX_SID_SIZE];
  DWORD sid_len = sizeof(sid_buf);
  SID_AND_ATTRIBUTES disable = {.Sid = (PSID)sid_buf};

  if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid_buf, &sid_len))
    return NULL;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &self))
    return NULL;
  if (!CreateRestrictedToken(self, DISABLE_MAX_PRIVILEGE, 1, &disable, 0, NULL, 0, NULL,
                             &restricted))
    restricted = NULL;
  CloseHandle(self);
  return restricted;
}

/* Whether `token` may open an object with security descriptor `sd` for
 * reading, as the kernel decides when a process opens the pipe. */
static bool may_read(PSECURITY_DESCRIPTOR sd, HANDLE token)
{
  GENERIC_MAPPING map = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                         FILE_ALL_ACCESS};
  PRIVILEGE_SET privs;
  DWORD privs_len = sizeof(privs), granted = 0, want = GENERIC_READ;
  BOOL status = FALSE;
  HANDLE imp = NULL;

  CHECK(DuplicateToken(token, SecurityImpersonation, &imp));
  if (!imp)
    return false;
  MapGenericMask(&want, &map);
  CHECK(AccessCheck(sd, imp, want, &map, &privs, &privs_len, &granted, &status));
  CloseHandle(imp);
  return status && (granted & want) == want;
}

/* A process whose token lacks Administrators (and is not SYSTEM) is refused
 * by the pipe's own security descriptor, read back from the live pipe. */
static void test_non_admin_refused(void)
{
  vds_status_server s;
  static query q;
  HANDLE restricted = non_admin_token(), self = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  BOOL member = TRUE;
  BYTE sid_buf[SECURITY_MAX_SID_SIZE];
  DWORD sid_len = sizeof(sid_buf), err;

  CHECK(restricted != NULL);
  CHECK(OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &self));
  if (!restricted || !self)
    return;
  /* The restricted token really is no administrator. */
  CHECK(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid_buf, &sid_len));
  {
    HANDLE imp = NULL;
    CHECK(DuplicateToken(restricted, SecurityImpersonation, &imp));
    CHECK(imp && CheckTokenMembership(imp, sid_buf, &member));
    CHECK(!member);
    if (imp)
      CloseHandle(imp);
  }
  CHECK(vds_status_server_init(&s, TEST_PIPE, "9.9.9-test", fake_fill, NULL));
  vds_status_server_tick(&s, GetTickCount64());
  CHECK(s.pipe != NULL);
  err = GetSecurityInfo(s.pipe, SE_KERNEL_OBJECT,
                        OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                            DACL_SECURITY_INFORMATION,
                        NULL, NULL, NULL, NULL, &sd);
  CHECK_EQ(err, ERROR_SUCCESS);
  if (err == ERROR_SUCCESS) {
    CHECK(!may_read(sd, restricted)); /* refused */
    CHECK(may_read(sd, self));        /* an administrator is let in */
    LocalFree(sd);
  }

  /* This (administrator) process is answered by the same pipe. */
  g_fills = 0;
  memset(&q, 0, sizeof(q));
  ask(&s, &q);
  CHECK_EQ(q.err, ERROR_SUCCESS);
  CHECK_EQ(g_fills, 1);
  vds_status_server_free(&s);
  CloseHandle(restricted);
  CloseHandle(self);
}

/* A client that neither reads nor closes is dropped after
 * VDS_STATUS_CLIENT_MS; the next one is served. */
static void test_stuck_client(void)
{
  vds_status_server s;
  static query q;
  HANDLE stuck;
  ULONGLONG t0;

  CHECK(vds_status_server_init(&s, TEST_PIPE, "9.9.9-test", fake_fill, NULL));
  vds_status_server_tick(&s, GetTickCount64());
  stuck = CreateFileW(TEST_PIPE, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
  CHECK(stuck != INVALID_HANDLE_VALUE);
  pump(&s, NULL, 200);
  CHECK(s.state == VDS_STATUS_DRAINING); /* replied, waiting for the close */
  t0 = GetTickCount64();
  memset(&q, 0, sizeof(q));
  ask(&s, &q); /* waits (busy pipe) until the stuck one is dropped */
  CHECK_EQ(q.err, ERROR_SUCCESS);
  CHECK(GetTickCount64() - t0 < VDS_STATUS_CLIENT_MS + 3000);
  CHECK(g_longest_call_ms < 500);
  if (stuck != INVALID_HANDLE_VALUE)
    CloseHandle(stuck);
  vds_status_server_free(&s);
}

/* Someone holds the name: logged, retried, then served. */
static void test_squatted_name(void)
{
  vds_status_server s;
  static query q;
  HANDLE squatter =
      CreateNamedPipeW(TEST_PIPE, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 512, 512, 0, NULL);
  ULONGLONG now = GetTickCount64();

  CHECK(squatter != INVALID_HANDLE_VALUE);
  CHECK(vds_status_server_init(&s, TEST_PIPE, "9.9.9-test", fake_fill, NULL));
  vds_status_server_tick(&s, now);
  CHECK(vds_status_server_event(&s) == NULL);
  CHECK(s.last_error != ERROR_SUCCESS);
  CHECK_EQ(vds_status_server_next_due(&s), now + VDS_STATUS_RETRY_MS);
  if (squatter != INVALID_HANDLE_VALUE)
    CloseHandle(squatter);
  vds_status_server_tick(&s, now + 1000); /* not yet due */
  CHECK(vds_status_server_event(&s) == NULL);
  vds_status_server_tick(&s, now + VDS_STATUS_RETRY_MS);
  CHECK(vds_status_server_event(&s) != NULL);
  memset(&q, 0, sizeof(q));
  ask(&s, &q);
  CHECK_EQ(q.err, ERROR_SUCCESS);
  vds_status_server_free(&s);
}

static void test_nobody_serves(void)
{
  static query q;
  DWORD err = vds_status_query(TEST_PIPE, 1000, q.buf, sizeof(q.buf), &q.len);
  CHECK_EQ(err, ERROR_FILE_NOT_FOUND);
}

int main(void)
{
  vda_log_config cfg;
  DWORD n = GetTempPathW(MAX_PATH, g_dir);
  CHECK(n > 0 && n < MAX_PATH - 40);
  wcscat(g_dir, L"vda-status-test");
  CreateDirectoryW(g_dir, NULL);
  vda_log_config_default(&cfg, L"status-test");
  cfg.directory = g_dir;
  vda_log_open(&cfg);

  RUN_TEST(test_reply);
  RUN_TEST(test_log_ring);
  RUN_TEST(test_dacl);
  RUN_TEST(test_non_admin_refused);
  RUN_TEST(test_stuck_client);
  RUN_TEST(test_squatted_name);
  RUN_TEST(test_nobody_serves);
  vda_log_close();
  return vda_test_report("test_status_pipe");
}
