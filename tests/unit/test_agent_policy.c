/* The service's decisions about the session agent: backoff, heartbeat,
 * session changes (what Wine cannot show is proven here). */
#include <spice/vd_agent.h>

#include "agent_policy.h"
#include "vda_test.h"

static void test_crash_loop_backs_off_to_cap(void)
{
  vds_backoff b;
  uint32_t expect[] = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
  vds_backoff_init(&b, 500, 30000);
  for (unsigned i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
    CHECK_EQ(vds_backoff_on_exit(&b, false), expect[i]);
}

static void test_launches_in_30s_of_crash_loop(void)
{
  /* An agent that exits at start is launched at t=0 and after each delay:
   * 0, 0.5, 1.5, 3.5, 7.5, 15.5, (31.5) -> 6 launches in 30 s. */
  vds_backoff b;
  uint64_t t = 0;
  unsigned launches = 0;
  vds_backoff_init(&b, 500, 30000);
  while (t <= 30000) {
    launches++;
    t += vds_backoff_on_exit(&b, false);
  }
  CHECK_EQ(launches, 6);
}

static void test_healthy_start_resets(void)
{
  vds_backoff b;
  vds_backoff_init(&b, 500, 30000);
  vds_backoff_on_exit(&b, false);
  vds_backoff_on_exit(&b, false);
  vds_backoff_on_exit(&b, false);
  /* A started agent killed later comes back at the minimum delay... */
  CHECK_EQ(vds_backoff_on_exit(&b, true), 500);
  /* ...and its healthy start forgets the earlier failures. */
  vds_backoff_healthy(&b);
  CHECK_EQ(vds_backoff_on_exit(&b, false), 500);
  CHECK_EQ(vds_backoff_on_exit(&b, false), 1000);
}

static void test_backoff_no_overflow(void)
{
  vds_backoff b;
  vds_backoff_init(&b, 3000000000u, 4000000000u);
  CHECK_EQ(vds_backoff_on_exit(&b, false), 3000000000u);
  CHECK_EQ(vds_backoff_on_exit(&b, false), 4000000000u);
  CHECK_EQ(vds_backoff_on_exit(&b, false), 4000000000u);
}

static void test_heartbeat(void)
{
  vds_heartbeat h;
  vds_heartbeat_init(&h, 5000, 15000, 1000);
  CHECK(!vds_heartbeat_ping_due(&h, 5999));
  CHECK_EQ(vds_heartbeat_next_ms(&h, 5999), 1);
  CHECK(vds_heartbeat_ping_due(&h, 6000));
  CHECK(!vds_heartbeat_ping_due(&h, 6001)); /* recorded as sent */
  CHECK(!vds_heartbeat_hung(&h, 15999));
  CHECK(vds_heartbeat_hung(&h, 16000));
  vds_heartbeat_rx(&h, 15000);
  CHECK(!vds_heartbeat_hung(&h, 29999));
  CHECK(vds_heartbeat_hung(&h, 30000));
  CHECK_EQ(vds_heartbeat_next_ms(&h, 20000), 0); /* ping overdue */
  /* A "now" taken before the last event is neither hung nor due. */
  vds_heartbeat_init(&h, 5000, 15000, 100000);
  CHECK(!vds_heartbeat_hung(&h, 99000));
  CHECK(!vds_heartbeat_ping_due(&h, 99000));
}

static void test_session_decisions(void)
{
  /* console moves to session 2 while the agent is in 1 */
  CHECK_EQ(vds_session_decide(VDS_SESSION_CONSOLE_CONNECT, 2, 1, 2), VDS_ACTION_RELAUNCH);
  /* console reconnects to the session the agent already serves */
  CHECK_EQ(vds_session_decide(VDS_SESSION_CONSOLE_CONNECT, 1, 1, 1), VDS_ACTION_NONE);
  /* no agent yet: a console connect starts one */
  CHECK_EQ(vds_session_decide(VDS_SESSION_CONSOLE_CONNECT, 1, VDS_NO_SESSION, 1),
           VDS_ACTION_RELAUNCH);
  CHECK_EQ(vds_session_decide(VDS_SESSION_CONSOLE_DISCONNECT, 1, 1, VDS_NO_SESSION),
           VDS_ACTION_STOP_AGENT);
  CHECK_EQ(vds_session_decide(VDS_SESSION_CONSOLE_DISCONNECT, 3, 1, 1), VDS_ACTION_NONE);
  CHECK_EQ(vds_session_decide(VDS_SESSION_LOGON, 1, 1, 1), VDS_ACTION_RELAUNCH);
  CHECK_EQ(vds_session_decide(VDS_SESSION_LOGOFF, 1, 1, 1), VDS_ACTION_RELAUNCH);
  CHECK_EQ(vds_session_decide(VDS_SESSION_LOGON, 4, 1, 1), VDS_ACTION_NONE);
  CHECK_EQ(vds_session_decide(VDS_SESSION_LOCK, 1, 1, 1), VDS_ACTION_INFORM_LOCKED);
  CHECK_EQ(vds_session_decide(VDS_SESSION_UNLOCK, 1, 1, 1), VDS_ACTION_INFORM_UNLOCKED);
  CHECK_EQ(vds_session_decide(VDS_SESSION_LOCK, 2, 1, 1), VDS_ACTION_NONE);
  CHECK_EQ(vds_session_decide(VDS_SESSION_REMOTE_CONNECT, 2, 1, 1), VDS_ACTION_NONE);
  CHECK(vds_session_event_name(VDS_SESSION_LOCK)[0] == 'l');
  CHECK(vds_session_event_name(99)[0] == 'o');
}

static void test_xfer_start_verdict(void)
{
  CHECK_EQ(vds_xfer_start_verdict(true, false), VDS_XFER_FORWARD);
  CHECK_EQ(vds_xfer_start_verdict(false, false), VD_AGENT_FILE_XFER_STATUS_VDAGENT_NOT_CONNECTED);
  CHECK_EQ(vds_xfer_start_verdict(false, true), VD_AGENT_FILE_XFER_STATUS_VDAGENT_NOT_CONNECTED);
  CHECK_EQ(vds_xfer_start_verdict(true, true), VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED);
}

int main(void)
{
  RUN_TEST(test_crash_loop_backs_off_to_cap);
  RUN_TEST(test_launches_in_30s_of_crash_loop);
  RUN_TEST(test_healthy_start_resets);
  RUN_TEST(test_backoff_no_overflow);
  RUN_TEST(test_heartbeat);
  RUN_TEST(test_session_decisions);
  RUN_TEST(test_xfer_start_verdict);
  return vda_test_report("agent policy");
}
