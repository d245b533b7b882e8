/* The service's router (vdservice/mux.c) under a host flooding MOUSE_STATE:
 * while the agent is behind, motion-only states are coalesced (the next one
 * supersedes them), button changes always pass, and nothing is coalesced
 * while the agent keeps up. Found by e2e_hostile_host's mouse_flood: 20 000
 * states made the agent miss its heartbeats and get killed as hung. */
#include <spice/vd_agent.h>
#include <string.h>

#include "mux_fake.h"
#include "vda_ipc.h"
#include "vda_le.h"
#include "vda_test.h"

static void mouse(uint32_t x, uint32_t y, uint32_t buttons)
{
  uint8_t b[13] = {0};
  vda_put_le32(b, x);
  vda_put_le32(b + 4, y);
  vda_put_le32(b + 8, buttons);
  host(VDP_SERVER_PORT, VD_AGENT_MOUSE_STATE, b, sizeof(b));
}

static void ready_for_mouse(void)
{
  vda_caps c;
  setup();
  CAPS(&c, VD_AGENT_CAP_MOUSE_STATE);
  agent_ready(&c);
}

static size_t mouse_sent(void)
{
  return count_sent(VDA_IPC_MESSAGE, VD_AGENT_MOUSE_STATE);
}

/* An agent that keeps up gets every state. */
static void test_all_pass_while_agent_keeps_up(void)
{
  ready_for_mouse();
  for (uint32_t i = 0; i < 20; i++)
    mouse(i, i, 0);
  CHECK_EQ(mouse_sent(), 20);
  CHECK(!log_has("mouse position dropped"));
}

/* Behind: positions with the same buttons are dropped (one log line),
 * a press and its release pass. */
static void test_behind_coalesces_positions_keeps_buttons(void)
{
  ready_for_mouse();
  mouse(1, 1, 0);
  CHECK_EQ(mouse_sent(), 1);
  F.agent_backlog = VDS_MUX_MOUSE_BACKLOG + 1;
  for (uint32_t i = 0; i < 20; i++)
    mouse(10 + i, 10, 0);
  CHECK_EQ(mouse_sent(), 1);
  mouse(30, 10, 1u << 1); /* left press */
  CHECK_EQ(mouse_sent(), 2);
  mouse(31, 10, 1u << 1); /* dragging: a position again */
  CHECK_EQ(mouse_sent(), 2);
  mouse(32, 10, 0); /* release */
  CHECK_EQ(mouse_sent(), 3);
  CHECK(log_has("mouse position dropped"));
  /* Caught up: the next position passes. */
  F.agent_backlog = 0;
  mouse(40, 40, 0);
  CHECK_EQ(mouse_sent(), 4);
}

/* A new agent starts with every button up: its first state with buttons
 * up is not taken for a repeat of the old agent's press. */
static void test_new_agent_starts_buttons_up(void)
{
  vda_caps c;
  ready_for_mouse();
  mouse(1, 1, 1u << 1);
  vds_mux_agent_gone(&F.mux);
  CAPS(&c, VD_AGENT_CAP_MOUSE_STATE);
  agent_ready(&c);
  F.agent_backlog = VDS_MUX_MOUSE_BACKLOG + 1;
  mouse(2, 2, 1u << 1); /* differs from "all up": passes */
  CHECK_EQ(mouse_sent(), 2);
}

int main(void)
{
  RUN_TEST(test_all_pass_while_agent_keeps_up);
  RUN_TEST(test_behind_coalesces_positions_keeps_buttons);
  RUN_TEST(test_new_agent_starts_buttons_up);
  teardown();
  return vda_test_report("test_mux_mouse");
}
