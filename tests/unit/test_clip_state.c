/* test_clip_state.c - the clipboard protocol state machine: serials,
 * selections, no-release-on-regrab, echo suppression, disconnect, policy,
 * limits and request bookkeeping. */
#include <string.h>

#include "vda_clip_state.h"
#include "vda_le.h"
#include "test_wire.h"
#include "vda_test.h"

enum { CLIP = VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, PRIM = VD_AGENT_CLIPBOARD_SELECTION_PRIMARY };
enum {
  TXT = VD_AGENT_CLIPBOARD_UTF8_TEXT,
  PNG = VD_AGENT_CLIPBOARD_IMAGE_PNG,
  BMP = VD_AGENT_CLIPBOARD_IMAGE_BMP,
  NONE = VD_AGENT_CLIPBOARD_NONE
};

static vda_clip_action A;

/* Peers: FULL = spice-gtk (selection, serial, no-release); OLD = a client
 * with only CLIPBOARD_BY_DEMAND; NOPEER = nobody announced yet. */
static vda_negotiated FULL, OLD, NOPEER;

static void setup(void)
{
  vda_caps ours, peer;
  CAPS_OF(&ours, GUEST_CAPS);
  vda_clip_caps(true, &ours);
  vda_negotiated_init(&NOPEER, &ours);

  vda_caps_init(&peer);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  vda_negotiated_init(&OLD, &ours);
  vda_negotiated_set_peer(&OLD, &peer);

  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_SELECTION);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
  vda_caps_set(&peer, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB);
  vda_negotiated_init(&FULL, &ours);
  vda_negotiated_set_peer(&FULL, &peer);
}

static void start(vda_clip_state *s, const vda_negotiated *n)
{
  vda_clip_init(s, true, NULL);
  vda_clip_set_negotiated(s, n, -1);
  vda_clip_client_connected(s, &A);
}

/* A client GRAB view over a little-endian types array. */
static uint8_t grab_bytes[4 * 8];
static vda_clipboard_grab mkgrab(uint8_t sel, bool has_serial, uint32_t serial,
                                 const uint32_t *types, uint32_t n)
{
  vda_clipboard_grab g;
  for (uint32_t i = 0; i < n; i++)
    vda_put_le32(grab_bytes + 4 * i, types[i]);
  g.selection = sel;
  g.has_serial = has_serial;
  g.serial = serial;
  g.ntypes = n;
  g.types = grab_bytes;
  return g;
}

static vda_clip_do client_grab(vda_clip_state *s, uint8_t sel, bool has_serial, uint32_t serial)
{
  static const uint32_t t[] = {TXT, PNG};
  vda_clipboard_grab g = mkgrab(sel, has_serial, serial, t, 2);
  return vda_clip_client_grab(s, &g, &A);
}

static vda_clip_do guest_change(vda_clip_state *s, bool own)
{
  static const uint32_t t[] = {TXT};
  return vda_clip_guest_changed(s, t, 1, own, &A);
}

/* Our GRAB parsed back with the same view. */
static vda_clipboard_grab sent_grab(const vda_negotiated *n)
{
  vda_clipboard_grab g;
  const char *why = NULL;
  memset(&g, 0, sizeof(g));
  CHECK_EQ(A.body.type, VD_AGENT_CLIPBOARD_GRAB);
  CHECK_ACCEPTED(vda_parse_clipboard_grab(A.body.data, A.body.len, n, &g, &why), why);
  return g;
}

static void test_caps(void)
{
  vda_caps c;
  CAPS_OF(&c, GUEST_CAPS);
  vda_caps_set(&c, VD_AGENT_CAP_CLIPBOARD);
  vda_clip_caps(false, &c);
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_SELECTION));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_GUEST_LINEEND_CRLF));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_MAX_CLIPBOARD));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_MOUSE_STATE)); /* untouched */
  vda_clip_caps(true, &c);
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_SELECTION));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_GUEST_LINEEND_CRLF));
  CHECK(vda_caps_has(&c, VD_AGENT_CAP_MAX_CLIPBOARD));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_GUEST_LINEEND_LF));
  CHECK(!vda_caps_has(&c, VD_AGENT_CAP_CLIPBOARD));
}

static void test_guest_grab_full(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  static const uint32_t t[] = {TXT, PNG, BMP, PNG, VD_AGENT_CLIPBOARD_FILE_LIST};
  CHECK_EQ(vda_clip_guest_changed(&s, t, 5, false, &A), VDA_CLIP_DO_SEND);
  vda_clipboard_grab g = sent_grab(&FULL);
  CHECK_EQ(g.selection, CLIP);
  CHECK(g.has_serial);
  CHECK_EQ(g.serial, 0);
  CHECK_EQ(g.ntypes, 3); /* deduplicated, unsupported dropped */
  CHECK_EQ(vda_clipboard_grab_type(&g, 0), TXT);
  CHECK_EQ(vda_clipboard_grab_type(&g, 1), PNG);
  CHECK_EQ(vda_clipboard_grab_type(&g, 2), BMP);
  /* Re-grab: serial 1, and no RELEASE in between. */
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_SEND);
  g = sent_grab(&FULL);
  CHECK_EQ(g.serial, 1);
  CHECK(A.why != NULL && A.why[0] != '\0');
}

static void test_guest_grab_old_peer(void)
{
  vda_clip_state s;
  start(&s, &OLD);
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_SEND);
  /* No selection prefix, no serial: the body is the types alone. */
  CHECK_EQ(A.body.len, 4);
  CHECK_EQ(vda_le32(A.body.data), TXT);
  CHECK_EQ(s.serial, 0); /* no serial used, counter untouched */
  /* Still no RELEASE before a re-grab: a GRAB implies it. */
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.type, VD_AGENT_CLIPBOARD_GRAB);
}

static void test_guest_grab_no_peer(void)
{
  vda_clip_state s;
  start(&s, &NOPEER);
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_NOTHING);
  CHECK(!s.guest_grabbed);
  /* After the peer announces, the glue re-offers and it goes out. */
  vda_clip_set_negotiated(&s, &FULL, -1);
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_SEND);
}

static void test_echo_and_release(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  /* Emptied with nothing grabbed: nothing to say. */
  CHECK_EQ(vda_clip_guest_changed(&s, NULL, 0, false, &A), VDA_CLIP_DO_NOTHING);
  /* Our own change (delayed-render ownership) never becomes a GRAB. */
  CHECK_EQ(guest_change(&s, true), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(s.serial, 0);
  CHECK(!s.guest_grabbed);
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_SEND);
  /* Emptied after our grab: RELEASE with the selection prefix. */
  CHECK_EQ(vda_clip_guest_changed(&s, NULL, 0, false, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.type, VD_AGENT_CLIPBOARD_RELEASE);
  CHECK_EQ(A.body.len, 4);
  CHECK_EQ(A.body.data[0], CLIP);
  CHECK_EQ(vda_clip_guest_changed(&s, NULL, 0, false, &A), VDA_CLIP_DO_NOTHING);
  /* Only unsupported formats: like empty. */
  static const uint32_t tiff[] = {VD_AGENT_CLIPBOARD_IMAGE_TIFF};
  CHECK_EQ(vda_clip_guest_changed(&s, tiff, 1, false, &A), VDA_CLIP_DO_NOTHING);
  /* Old peer: RELEASE without prefix. */
  start(&s, &OLD);
  guest_change(&s, false);
  CHECK_EQ(vda_clip_guest_changed(&s, NULL, 0, false, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.len, 0);
}

static void test_client_grab_serials(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  /* Current serial: accepted, counter moves. */
  CHECK_EQ(client_grab(&s, CLIP, true, 0), VDA_CLIP_DO_OWN);
  CHECK_EQ(s.serial, 1);
  CHECK_EQ(client_grab(&s, CLIP, true, 1), VDA_CLIP_DO_OWN);
  CHECK_EQ(s.serial, 2);
  /* Stale (older than counter - 1) and future: dropped. */
  CHECK_EQ(client_grab(&s, CLIP, true, 0), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(client_grab(&s, CLIP, true, 7), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(s.serial, 2);
  /* Tie: we grab with 2 (counter 3) while the client grabs with 2: the
     * client wins, the counter stays. */
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_SEND);
  CHECK_EQ(sent_grab(&FULL).serial, 2);
  CHECK_EQ(s.serial, 3);
  CHECK_EQ(client_grab(&s, CLIP, true, 2), VDA_CLIP_DO_OWN);
  CHECK_EQ(s.serial, 3);
  CHECK(!s.guest_grabbed);
  /* Both sides are at 3 again (spice-gtk dropped our 2 and counted its
     * own): the next client grab carries 3. */
  CHECK_EQ(client_grab(&s, CLIP, true, 3), VDA_CLIP_DO_OWN);
  CHECK_EQ(s.serial, 4);
  /* A new client resets the counter. */
  vda_clip_client_connected(&s, &A);
  CHECK_EQ(s.serial, 0);
  CHECK_EQ(client_grab(&s, CLIP, true, 4), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(client_grab(&s, CLIP, true, 0), VDA_CLIP_DO_OWN);
  /* Modulo 2^32: at 0, serial 0xFFFFFFFF is the "tie" value. */
  vda_clip_client_connected(&s, &A);
  CHECK_EQ(client_grab(&s, CLIP, true, 0xFFFFFFFFu), VDA_CLIP_DO_OWN);
  CHECK_EQ(s.serial, 0);
}

static void test_client_grab_no_serial(void)
{
  vda_clip_state s;
  start(&s, &OLD);
  CHECK_EQ(client_grab(&s, CLIP, false, 0), VDA_CLIP_DO_OWN);
  CHECK_EQ(client_grab(&s, CLIP, false, 0), VDA_CLIP_DO_OWN);
  CHECK_EQ(s.serial, 0);
  CHECK_EQ(A.ntypes, 2);
  CHECK_EQ(A.types[0], TXT);
  CHECK_EQ(A.types[1], PNG);
}

static void test_primary_ignored(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  CHECK_EQ(client_grab(&s, PRIM, true, 0), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(s.serial, 0); /* a PRIMARY grab does not use our counter */
  CHECK(!s.client_owns);
  CHECK_EQ(vda_clip_client_release(&s, PRIM, &A), VDA_CLIP_DO_NOTHING);
  /* A PRIMARY request gets an empty NONE answer for PRIMARY. */
  CHECK_EQ(vda_clip_client_request(&s, PRIM, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.type, VD_AGENT_CLIPBOARD);
  CHECK_EQ(A.body.len, 8);
  CHECK_EQ(A.body.data[0], PRIM);
  CHECK_EQ(vda_le32(A.body.data + 4), NONE);
  CHECK_EQ(vda_clip_client_data(&s, PRIM, TXT, 3, &A), VDA_CLIP_DO_DISCARD_DATA);
}

static void test_client_grab_types(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  static const uint32_t files[] = {VD_AGENT_CLIPBOARD_FILE_LIST};
  vda_clipboard_grab g = mkgrab(CLIP, true, 0, files, 1);
  CHECK_EQ(vda_clip_client_grab(&s, &g, &A), VDA_CLIP_DO_NOTHING);
  CHECK(!s.client_owns);
  static const uint32_t mix[] = {VD_AGENT_CLIPBOARD_IMAGE_TIFF, BMP, BMP};
  g = mkgrab(CLIP, true, 1, mix, 3);
  CHECK_EQ(vda_clip_client_grab(&s, &g, &A), VDA_CLIP_DO_OWN);
  CHECK_EQ(A.ntypes, 1);
  CHECK_EQ(A.types[0], BMP);
  /* Now a grab with nothing usable drops the previous ownership. */
  g = mkgrab(CLIP, true, 2, files, 1);
  CHECK_EQ(vda_clip_client_grab(&s, &g, &A), VDA_CLIP_DO_EMPTY);
  CHECK(!s.client_owns);
}

static void test_client_request(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  /* Nothing grabbed: answered at once with NONE. */
  CHECK_EQ(vda_clip_client_request(&s, CLIP, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.type, VD_AGENT_CLIPBOARD);
  CHECK_EQ(A.body.len, 8);
  CHECK_EQ(vda_le32(A.body.data + 4), NONE);
  guest_change(&s, false); /* offers TXT */
  CHECK_EQ(vda_clip_client_request(&s, CLIP, TXT, &A), VDA_CLIP_DO_SERVE);
  CHECK_EQ(A.type, TXT);
  CHECK_EQ(vda_clip_client_request(&s, CLIP, PNG, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_le32(A.body.data + 4), NONE);
  /* Serving. */
  CHECK_EQ(vda_clip_serve_result(&s, TXT, true, 5, &A), VDA_CLIP_DO_STREAM);
  CHECK_EQ(A.size, 5);
  CHECK_EQ(vda_clip_serve_result(&s, TXT, false, 0, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_le32(A.body.data + 4), NONE);
  /* After the client grabbed, our offer is gone. */
  client_grab(&s, CLIP, true, s.serial);
  CHECK_EQ(vda_clip_client_request(&s, CLIP, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_le32(A.body.data + 4), NONE);
  /* Old peer: the answer has no selection prefix. */
  start(&s, &OLD);
  CHECK_EQ(vda_clip_client_request(&s, CLIP, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.len, 4);
  CHECK_EQ(vda_le32(A.body.data), NONE);
}

static void test_max_clipboard(void)
{
  vda_clip_state s;
  vda_limits lim;
  vda_limits_default(&lim);
  lim.max_clipboard = 1000;
  vda_clip_init(&s, true, &lim);
  vda_clip_set_negotiated(&s, &FULL, -1);
  CHECK_EQ(vda_clip_limit(&s), 1000);
  vda_clip_set_negotiated(&s, &FULL, 10);
  CHECK_EQ(vda_clip_limit(&s), 10);
  guest_change(&s, false);
  /* Outgoing over the limit: CLIPBOARD of the requested type, no data. */
  CHECK_EQ(vda_clip_serve_result(&s, TXT, true, 10, &A), VDA_CLIP_DO_STREAM);
  CHECK_EQ(vda_clip_serve_result(&s, TXT, true, 11, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.type, VD_AGENT_CLIPBOARD);
  CHECK_EQ(A.body.len, 8);
  CHECK_EQ(vda_le32(A.body.data + 4), TXT);
  /* Incoming over the limit: refused, the request ends without data. */
  client_grab(&s, CLIP, true, s.serial);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 11, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK(A.fail_request);
  CHECK_EQ(A.type, TXT);
  CHECK_EQ(s.n_pending, 0);
  /* A new client forgets the old client's limit. */
  vda_clip_client_connected(&s, &A);
  CHECK_EQ(vda_clip_limit(&s), 1000);
}

static void test_our_requests(void)
{
  vda_clip_state s;
  const char *why = NULL;
  start(&s, &FULL);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  client_grab(&s, CLIP, true, 0); /* offers TXT, PNG */
  CHECK_EQ(vda_clip_request_data(&s, BMP, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  vda_clipboard_request r;
  CHECK_ACCEPTED(vda_parse_clipboard_request(A.body.data, A.body.len, &FULL, &r, &why), why);
  CHECK_EQ(r.selection, CLIP);
  CHECK_EQ(r.type, TXT);
  /* Matching data. */
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 3, &A), VDA_CLIP_DO_ACCEPT_DATA);
  CHECK_EQ(A.size, 3);
  /* Unsolicited. */
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 3, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK(!A.fail_request);
  /* NONE answers the oldest request without data. */
  vda_clip_request_data(&s, PNG, &A);
  vda_clip_request_data(&s, TXT, &A);
  CHECK_EQ(vda_clip_client_data(&s, CLIP, NONE, 0, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK(A.fail_request);
  CHECK_EQ(A.type, PNG);
  CHECK_EQ(s.n_pending, 1);
  /* Timeout, then late data is unsolicited. */
  CHECK_EQ(vda_clip_request_timeout(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK(A.fail_request);
  CHECK_EQ(vda_clip_request_timeout(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK(!A.fail_request);
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 3, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK(!A.fail_request);
  /* Bounded. */
  for (unsigned i = 0; i < VDA_CLIP_MAX_PENDING; i++)
    CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  /* Old peer: REQUEST without prefix. */
  start(&s, &OLD);
  client_grab(&s, CLIP, false, 0);
  CHECK_EQ(vda_clip_request_data(&s, PNG, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(A.body.len, 4);
  CHECK_EQ(vda_le32(A.body.data), PNG);
}

/* Data that will never arrive whole ends its request at once (the paste
 * returns instead of waiting for the glue's deadline). */
static void test_lost_data(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  /* Nothing waits: nothing to do. */
  CHECK_EQ(vda_clip_client_data_lost(&s, CLIP, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK(!A.fail_request);
  client_grab(&s, CLIP, true, 0); /* offers TXT, PNG */
  CHECK_EQ(vda_clip_request_data(&s, PNG, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  /* The type is known: that request ends, the other still waits. */
  CHECK_EQ(vda_clip_client_data_lost(&s, CLIP, TXT, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK(A.fail_request);
  CHECK_EQ(A.type, TXT);
  CHECK_EQ(s.n_pending, 1);
  CHECK_EQ(s.pending[0], PNG);
  /* Another selection is not ours to end. */
  CHECK_EQ(vda_clip_client_data_lost(&s, VD_AGENT_CLIPBOARD_SELECTION_PRIMARY, PNG, &A),
           VDA_CLIP_DO_NOTHING);
  CHECK_EQ(s.n_pending, 1);
  /* Refused before its type was read: the oldest ends. */
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_clip_client_data_lost(&s, CLIP, NONE, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK(A.fail_request);
  CHECK_EQ(A.type, PNG);
  CHECK_EQ(s.n_pending, 1);
  /* The client leaves: every wait ends and a new paste asks nothing, the
   * ownership stays for the full disconnect that follows on the clipboard
   * thread. */
  CHECK_EQ(vda_clip_client_leaving(&s, &A), VDA_CLIP_DO_NOTHING);
  CHECK(A.cancel_pending);
  CHECK_EQ(s.n_pending, 0);
  CHECK(s.client_owns);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_client_disconnected(&s, &A), VDA_CLIP_DO_EMPTY);
  CHECK(!A.cancel_pending);
  /* A new client's grab can be pasted again. */
  CHECK_EQ(vda_clip_client_leaving(&s, &A), VDA_CLIP_DO_NOTHING);
  CHECK(!A.cancel_pending);
  vda_clip_client_connected(&s, &A);
  client_grab(&s, CLIP, true, 0);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 3, &A), VDA_CLIP_DO_ACCEPT_DATA);
  /* Late data after that is unsolicited. */
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 3, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK(!A.fail_request);
}

/* The render deadline: idle time ends a wait, arriving data extends it, up
 * to the overall cap. */
static void test_wait_deadline(void)
{
  vda_clip_wait w;
  uint64_t t = 1000000, p = 0;
  /* A paste blocks the application that pastes: no byte for 3 s ends it. */
  CHECK(VDA_CLIP_IDLE_MS <= 3000);
  vda_clip_wait_start(&w, t, p);
  /* Nothing arrives: polls every second, gives up at the idle limit. */
  CHECK_EQ(vda_clip_wait_next(&w, t, p), VDA_CLIP_WAIT_POLL_MS);
  CHECK_EQ(vda_clip_wait_next(&w, t + VDA_CLIP_IDLE_MS - 300, p), 300);
  CHECK_EQ(vda_clip_wait_next(&w, t + VDA_CLIP_IDLE_MS, p), 0);
  /* Data keeps arriving: a 100 MiB paste at 2 MiB/s (50 s) is not cut. */
  vda_clip_wait_start(&w, t, p);
  for (uint64_t s = 1; s <= 50; s++)
    CHECK(vda_clip_wait_next(&w, t + s * 1000, p += 2u << 20) > 0);
  /* It stops arriving: the idle limit counts from the last byte. */
  CHECK(vda_clip_wait_next(&w, t + 50000 + VDA_CLIP_IDLE_MS - 1, p) > 0);
  CHECK_EQ(vda_clip_wait_next(&w, t + 50000 + VDA_CLIP_IDLE_MS, p), 0);
  /* A trickle cannot hold the paste past the overall cap. */
  vda_clip_wait_start(&w, t, p);
  for (uint64_t s = 2; s < VDA_CLIP_MAX_WAIT_MS / 1000; s += 2)
    CHECK(vda_clip_wait_next(&w, t + s * 1000, ++p) > 0);
  CHECK_EQ(vda_clip_wait_next(&w, t + VDA_CLIP_MAX_WAIT_MS, ++p), 0);
}

/* A request that timed out: the client is not asked again for this grab
 * (each wait blocks the pasting application), until it grabs again, sends
 * any data, or a client connects. */
static void test_unanswered_not_asked_again(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  client_grab(&s, CLIP, true, 0);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  vda_clip_request_timeout(&s, TXT, &A);
  CHECK(A.fail_request);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_request_data(&s, PNG, &A), VDA_CLIP_DO_NOTHING);
  /* A new grab is asked. */
  client_grab(&s, CLIP, true, 1);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  vda_clip_request_timeout(&s, TXT, &A);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  /* Late data shows the client answers after all. */
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 3, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
  vda_clip_request_timeout(&s, TXT, &A);
  /* A new client starts afresh. */
  vda_clip_client_connected(&s, &A);
  client_grab(&s, CLIP, true, 0);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_SEND);
}

static void test_client_release(void)
{
  vda_clip_state s;
  /* With no-release-on-regrab: a RELEASE is final, empty now. */
  start(&s, &FULL);
  CHECK_EQ(vda_clip_client_release(&s, CLIP, &A), VDA_CLIP_DO_NOTHING);
  client_grab(&s, CLIP, true, 0);
  vda_clip_request_data(&s, TXT, &A);
  CHECK_EQ(vda_clip_client_release(&s, CLIP, &A), VDA_CLIP_DO_EMPTY);
  CHECK(A.cancel_pending);
  CHECK(!s.client_owns);
  CHECK_EQ(s.n_pending, 0);

  /* Without it: delayed; a GRAB in time cancels the delay. */
  start(&s, &OLD);
  client_grab(&s, CLIP, false, 0);
  CHECK_EQ(vda_clip_client_release(&s, CLIP, &A), VDA_CLIP_DO_DELAY_EMPTY);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(client_grab(&s, CLIP, false, 0), VDA_CLIP_DO_OWN);
  CHECK(A.cancel_release_timer);
  CHECK_EQ(vda_clip_release_timer(&s, &A), VDA_CLIP_DO_NOTHING);
  CHECK(s.client_owns);
  /* ... or the timer fires and the clipboard is emptied. */
  CHECK_EQ(vda_clip_client_release(&s, CLIP, &A), VDA_CLIP_DO_DELAY_EMPTY);
  CHECK_EQ(vda_clip_client_release(&s, CLIP, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_release_timer(&s, &A), VDA_CLIP_DO_EMPTY);
  CHECK(!A.cancel_release_timer);
  CHECK(!s.client_owns);
  /* A disconnect during the delay disarms the timer. */
  client_grab(&s, CLIP, false, 0);
  vda_clip_client_release(&s, CLIP, &A);
  CHECK_EQ(vda_clip_client_disconnected(&s, &A), VDA_CLIP_DO_EMPTY);
  CHECK(A.cancel_release_timer);
}

static void test_disconnect(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  CHECK_EQ(vda_clip_client_disconnected(&s, &A), VDA_CLIP_DO_NOTHING);
  client_grab(&s, CLIP, true, 0);
  vda_clip_request_data(&s, TXT, &A);
  CHECK_EQ(vda_clip_client_disconnected(&s, &A), VDA_CLIP_DO_EMPTY);
  CHECK(A.cancel_pending);
  CHECK(!s.client_owns);
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 1, &A), VDA_CLIP_DO_DISCARD_DATA);
  /* Our grab is forgotten too: a request now gets NONE. */
  guest_change(&s, false);
  vda_clip_client_disconnected(&s, &A);
  CHECK(!s.guest_grabbed);
  CHECK_EQ(vda_clip_client_request(&s, CLIP, TXT, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_le32(A.body.data + 4), NONE);
  /* A new client (request=1) without a disconnect also drops the old
     * client's ownership. */
  client_grab(&s, CLIP, true, s.serial);
  CHECK_EQ(vda_clip_client_connected(&s, &A), VDA_CLIP_DO_EMPTY);
}

static void test_guest_takes_over(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  client_grab(&s, CLIP, true, 0);
  /* Another guest program copies: the client no longer owns, we grab. */
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_SEND);
  CHECK(!s.client_owns);
  CHECK(s.guest_grabbed);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
}

static void test_disabled(void)
{
  vda_clip_state s;
  vda_clip_init(&s, false, NULL);
  vda_clip_set_negotiated(&s, &FULL, -1);
  CHECK_EQ(vda_clip_client_connected(&s, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(guest_change(&s, false), VDA_CLIP_DO_NOTHING);
  CHECK(A.why != NULL && A.why[0] != '\0');
  CHECK_EQ(vda_clip_guest_changed(&s, NULL, 0, false, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(client_grab(&s, CLIP, true, 0), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_client_release(&s, CLIP, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_client_request(&s, CLIP, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_serve_result(&s, TXT, true, 1, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_request_data(&s, TXT, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_release_timer(&s, &A), VDA_CLIP_DO_NOTHING);
  CHECK_EQ(vda_clip_client_data(&s, CLIP, TXT, 1, &A), VDA_CLIP_DO_DISCARD_DATA);
  CHECK_EQ(vda_clip_client_disconnected(&s, &A), VDA_CLIP_DO_NOTHING);
  CHECK(!s.client_owns && !s.guest_grabbed && s.n_pending == 0);
}

static void test_client_message(void)
{
  vda_clip_state s;
  start(&s, &FULL);
  /* GRAB: [selection][serial] types, as spice-gtk sends it. */
  uint8_t g[12] = {CLIP, 0, 0, 0};
  vda_put_le32(g + 4, 0);
  vda_put_le32(g + 8, TXT);
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_GRAB, g, 12, &A), VDA_CLIP_DO_OWN);
  CHECK(!A.refused);
  CHECK_EQ(A.ntypes, 1);
  CHECK_EQ(A.types[0], TXT);
  /* A serial far ahead of the counter is stale. */
  vda_put_le32(g + 4, 5);
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_GRAB, g, 12, &A), VDA_CLIP_DO_NOTHING);
  uint8_t r[8] = {CLIP, 0, 0, 0};
  vda_put_le32(r + 4, TXT);
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_REQUEST, r, 8, &A),
           VDA_CLIP_DO_SEND); /* nothing grabbed by us: NONE */
  CHECK(A.refused);           /* out of order: the glue logs it (rate-limited) */
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_RELEASE, r, 4, &A), VDA_CLIP_DO_EMPTY);
  CHECK(!A.refused);
  /* A second RELEASE: the client owns nothing here any more. */
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_RELEASE, r, 4, &A), VDA_CLIP_DO_NOTHING);
  CHECK(A.refused);
  /* Our own grab, then a request for what it offers: served, not refused;
   * for a type it does not offer: refused. */
  uint32_t txt = TXT;
  CHECK_EQ(vda_clip_guest_changed(&s, &txt, 1, false, &A), VDA_CLIP_DO_SEND);
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_REQUEST, r, 8, &A), VDA_CLIP_DO_SERVE);
  CHECK(!A.refused);
  vda_put_le32(r + 4, VD_AGENT_CLIPBOARD_IMAGE_JPG);
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_REQUEST, r, 8, &A), VDA_CLIP_DO_SEND);
  CHECK(A.refused);
  /* Malformed for this view (no selection prefix room) and foreign. */
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_CLIPBOARD_REQUEST, r, 3, &A), VDA_CLIP_DO_NOTHING);
  CHECK(A.why != NULL && A.why[0] != '\0');
  CHECK(A.refused);
  CHECK_EQ(vda_clip_client_message(&s, VD_AGENT_REPLY, r, 8, &A), VDA_CLIP_DO_NOTHING);
}

int main(void)
{
  setup();
  RUN_TEST(test_caps);
  RUN_TEST(test_guest_grab_full);
  RUN_TEST(test_guest_grab_old_peer);
  RUN_TEST(test_guest_grab_no_peer);
  RUN_TEST(test_echo_and_release);
  RUN_TEST(test_client_grab_serials);
  RUN_TEST(test_client_grab_no_serial);
  RUN_TEST(test_primary_ignored);
  RUN_TEST(test_client_grab_types);
  RUN_TEST(test_client_request);
  RUN_TEST(test_max_clipboard);
  RUN_TEST(test_our_requests);
  RUN_TEST(test_lost_data);
  RUN_TEST(test_wait_deadline);
  RUN_TEST(test_unanswered_not_asked_again);
  RUN_TEST(test_client_release);
  RUN_TEST(test_disconnect);
  RUN_TEST(test_guest_takes_over);
  RUN_TEST(test_disabled);
  RUN_TEST(test_client_message);
  return vda_test_report("clip_state");
}
