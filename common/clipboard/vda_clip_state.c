/*
 * vda_clip_state.c - clipboard protocol state machine (see vda_clip_state.h
 * for the rules and their references).
 */
#include "vda_clip_state.h"

#include <string.h>

static const unsigned clip_caps[] = {
    VD_AGENT_CAP_CLIPBOARD_BY_DEMAND,   VD_AGENT_CAP_CLIPBOARD_SELECTION,
    VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB,
    VD_AGENT_CAP_GUEST_LINEEND_CRLF,    VD_AGENT_CAP_MAX_CLIPBOARD,
};

void vda_clip_caps(bool enabled, vda_caps *c)
{
  for (size_t i = 0; i < sizeof(clip_caps) / sizeof(clip_caps[0]); i++) {
    if (enabled)
      vda_caps_set(c, clip_caps[i]);
    else
      vda_caps_clear(c, clip_caps[i]);
  }
  /* The legacy push clipboard is never offered; with sharing off, make
     * sure nothing clipboard-related remains. */
  vda_caps_clear(c, VD_AGENT_CAP_CLIPBOARD);
  /* We exchange CRLF text: never claim LF. */
  vda_caps_clear(c, VD_AGENT_CAP_GUEST_LINEEND_LF);
}

/* Start every action from a clean slate: callers only set what applies. */
static vda_clip_do act_reset(vda_clip_action *act, const char *why)
{
  act->what = VDA_CLIP_DO_NOTHING;
  act->why = why;
  act->type = VD_AGENT_CLIPBOARD_NONE;
  act->size = 0;
  act->fail_request = false;
  act->cancel_pending = false;
  act->cancel_release_timer = false;
  act->refused = false;
  act->ntypes = 0;
  act->body.type = 0;
  act->body.len = 0;
  return VDA_CLIP_DO_NOTHING;
}

static vda_clip_do act_do(vda_clip_action *act, vda_clip_do what, const char *why)
{
  act->what = what;
  act->why = why;
  return what;
}

void vda_clip_init(vda_clip_state *s, bool enabled, const vda_limits *lim)
{
  memset(s, 0, sizeof(*s));
  s->enabled = enabled;
  if (lim != NULL)
    s->lim = *lim;
  else
    vda_limits_default(&s->lim);
  s->peer_max = -1;
  vda_caps ours;
  vda_caps_init(&ours);
  vda_clip_caps(enabled, &ours);
  vda_negotiated_init(&s->neg, &ours);
}

void vda_clip_set_negotiated(vda_clip_state *s, const vda_negotiated *n, int32_t peer_max)
{
  s->neg = *n;
  s->peer_max = peer_max;
}

uint64_t vda_clip_limit(const vda_clip_state *s)
{
  return vda_clipboard_limit(&s->lim, s->peer_max);
}

/* Types the Windows side can offer or render; others (TIFF, JPG, FILE_LIST)
 * are dropped so the glue never sees them. */
static bool type_supported(uint32_t t)
{
  return t == VD_AGENT_CLIPBOARD_UTF8_TEXT || t == VD_AGENT_CLIPBOARD_IMAGE_PNG ||
         t == VD_AGENT_CLIPBOARD_IMAGE_BMP;
}

static bool type_in(const uint32_t *set, uint32_t n, uint32_t t)
{
  for (uint32_t i = 0; i < n; i++)
    if (set[i] == t)
      return true;
  return false;
}

/* Supported, deduplicated, bounded copy; returns the count. */
static uint32_t filter_types(uint32_t *dst, const uint32_t *src, size_t n)
{
  uint32_t k = 0;
  for (size_t i = 0; i < n && k < VDA_MAX_GRAB_TYPES; i++)
    if (type_supported(src[i]) && !type_in(dst, k, src[i]))
      dst[k++] = src[i];
  return k;
}

static void pending_remove_at(vda_clip_state *s, uint32_t i)
{
  memmove(&s->pending[i], &s->pending[i + 1], (s->n_pending - i - 1) * sizeof(s->pending[0]));
  s->n_pending--;
}

/* Index of the oldest pending request of type t, or n_pending. */
static uint32_t pending_find(const vda_clip_state *s, uint32_t t)
{
  uint32_t i = 0;
  while (i < s->n_pending && s->pending[i] != t)
    i++;
  return i;
}

/* The client's clipboard is gone (disconnect, new client, release):
 * empty our delayed-render ownership and wake every waiting render. */
static vda_clip_do drop_client(vda_clip_state *s, vda_clip_action *act, const char *why_empty,
                               const char *why_none)
{
  bool owned = s->client_owns;
  act->cancel_pending = s->n_pending > 0;
  act->cancel_release_timer = s->release_delayed;
  s->client_owns = false;
  s->release_delayed = false;
  s->n_client_types = 0;
  s->n_pending = 0;
  s->client_unanswered = false;
  if (owned)
    return act_do(act, VDA_CLIP_DO_EMPTY, why_empty);
  return act_do(act, VDA_CLIP_DO_NOTHING, why_none);
}

static vda_clip_do client_gone(vda_clip_state *s, vda_clip_action *act, const char *why_empty)
{
  act_reset(act, "");
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_NOTHING, "clipboard disabled by policy");
  /* Our grab was for the old client: a new one learns the guest
     * clipboard from a fresh GRAB (the glue re-reads it). */
  s->guest_grabbed = false;
  s->n_guest_types = 0;
  s->peer_max = -1;
  s->client_leaving = false;
  return drop_client(s, act, why_empty, "client had no clipboard here");
}

vda_clip_do vda_clip_client_connected(vda_clip_state *s, vda_clip_action *act)
{
  if (s->enabled)
    s->serial = 0; /* both sides restart at 0 (vdagentd, spice-gtk) */
  return client_gone(s, act, "new client: previous client clipboard dropped");
}

vda_clip_do vda_clip_client_disconnected(vda_clip_state *s, vda_clip_action *act)
{
  return client_gone(s, act, "client disconnected: its clipboard dropped");
}

vda_clip_do vda_clip_guest_changed(vda_clip_state *s, const uint32_t *types, size_t ntypes,
                                   bool own_change, vda_clip_action *act)
{
  const char *why = NULL;
  act_reset(act, "");
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_NOTHING, "clipboard disabled by policy");
  if (own_change)
    return act_do(act, VDA_CLIP_DO_NOTHING, "our own clipboard change (not echoed)");

  /* Another guest program replaced our delayed-render clipboard: the
     * client no longer owns it here. */
  if (s->client_owns) {
    s->client_owns = false;
    s->n_client_types = 0;
    act->cancel_release_timer = s->release_delayed;
    s->release_delayed = false;
  }

  uint32_t t[VDA_MAX_GRAB_TYPES];
  uint32_t k = filter_types(t, types, ntypes);
  if (!vda_use_clipboard_by_demand(&s->neg)) {
    s->guest_grabbed = false;
    return act_do(act, VDA_CLIP_DO_NOTHING, "client lacks CLIPBOARD_BY_DEMAND: nothing announced");
  }

  if (k == 0) {
    if (!s->guest_grabbed)
      return act_do(act, VDA_CLIP_DO_NOTHING, "nothing to offer and nothing grabbed");
    if (!vda_body_clipboard_release(&act->body, &s->neg, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD,
                                    &why))
      return act_do(act, VDA_CLIP_DO_NOTHING, why);
    s->guest_grabbed = false;
    s->n_guest_types = 0;
    return act_do(act, VDA_CLIP_DO_SEND, "guest clipboard emptied: RELEASE");
  }

  /* A new GRAB replaces the previous one for every peer: no RELEASE
     * first (see the header). */
  if (!vda_body_clipboard_grab(&act->body, &s->neg, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD,
                               s->serial, t, k, &why))
    return act_do(act, VDA_CLIP_DO_NOTHING, why);
  if (vda_use_grab_serial(&s->neg))
    s->serial++;
  s->guest_grabbed = true;
  s->n_guest_types = k;
  memcpy(s->guest_types, t, k * sizeof(t[0]));
  return act_do(act, VDA_CLIP_DO_SEND, "guest clipboard changed: GRAB");
}

vda_clip_do vda_clip_client_grab(vda_clip_state *s, const vda_clipboard_grab *g,
                                 vda_clip_action *act)
{
  act_reset(act, "");
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_NOTHING, "clipboard disabled by policy");
  if (g->selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return act_do(act, VDA_CLIP_DO_NOTHING, "grab of a selection Windows does not have: ignored");

  if (g->has_serial) {
    if (g->serial == s->serial) {
      s->serial++;
    } else if (g->serial != s->serial - 1u) {
      return act_do(act, VDA_CLIP_DO_NOTHING, "grab with a stale serial: dropped");
    }
    /* serial == counter - 1: simultaneous grabs, the client wins and
         * the counter already moved past it with our own grab. */
  }

  /* The client's grab supersedes ours (implicit release) and cancels a
     * RELEASE still waiting for its delay. */
  s->guest_grabbed = false;
  s->n_guest_types = 0;
  act->cancel_release_timer = s->release_delayed;
  s->release_delayed = false;

  uint32_t raw[VDA_MAX_GRAB_TYPES];
  uint32_t n = g->ntypes < VDA_MAX_GRAB_TYPES ? g->ntypes : VDA_MAX_GRAB_TYPES;
  for (uint32_t i = 0; i < n; i++)
    raw[i] = vda_clipboard_grab_type(g, i);
  uint32_t k = filter_types(act->types, raw, n);
  if (k == 0) {
    /* Keep whatever the guest holds: there is nothing to render. */
    bool owned = s->client_owns;
    s->client_owns = false;
    s->n_client_types = 0;
    return act_do(act, owned ? VDA_CLIP_DO_EMPTY : VDA_CLIP_DO_NOTHING,
                  "client grab without a type Windows can take");
  }
  act->ntypes = k;
  s->client_owns = true;
  s->client_unanswered = false;
  s->n_client_types = k;
  memcpy(s->client_types, act->types, k * sizeof(act->types[0]));
  return act_do(act, VDA_CLIP_DO_OWN, "client grabbed the clipboard");
}

vda_clip_do vda_clip_client_release(vda_clip_state *s, uint8_t selection, vda_clip_action *act)
{
  act_reset(act, "");
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_NOTHING, "clipboard disabled by policy");
  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return act_do(act, VDA_CLIP_DO_NOTHING, "release of a selection Windows does not have");
  if (!s->client_owns || s->release_delayed) {
    act->refused = true;
    return act_do(act, VDA_CLIP_DO_NOTHING, "release while the client owns nothing here");
  }
  if (vda_use_no_release_on_regrab(&s->neg))
    return drop_client(s, act, "client released the clipboard", "");
  /* An old peer sends RELEASE between two grabs: wait for the next GRAB
     * before emptying (spice-gtk does the same for agents). */
  s->release_delayed = true;
  return act_do(act, VDA_CLIP_DO_DELAY_EMPTY,
                "client released the clipboard: emptied after a delay");
}

vda_clip_do vda_clip_release_timer(vda_clip_state *s, vda_clip_action *act)
{
  act_reset(act, "");
  if (!s->enabled || !s->release_delayed)
    return act_do(act, VDA_CLIP_DO_NOTHING, "no delayed release");
  s->release_delayed = false; /* the timer is the one that fired */
  return drop_client(s, act, "delayed client release: clipboard emptied", "");
}

/* An answer that carries no data: type NONE ("cannot serve") or the
 * requested type with no bytes (over the limit). */
static vda_clip_do answer_empty(vda_clip_state *s, vda_clip_action *act, uint8_t selection,
                                uint32_t type, const char *why)
{
  const char *bwhy = NULL;
  if (!vda_body_clipboard(&act->body, &s->neg, selection, type, NULL, 0, &bwhy))
    return act_do(act, VDA_CLIP_DO_NOTHING, bwhy);
  return act_do(act, VDA_CLIP_DO_SEND, why);
}

vda_clip_do vda_clip_client_request(vda_clip_state *s, uint8_t selection, uint32_t type,
                                    vda_clip_action *act)
{
  act_reset(act, "");
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_NOTHING, "clipboard disabled by policy");
  /* Each way out below but the last answers a request out of order (or
   * one that crossed our RELEASE): worth a line, rate-limited. */
  act->refused = true;
  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return answer_empty(s, act, selection, VD_AGENT_CLIPBOARD_NONE,
                        "request for a selection Windows does not have: "
                        "empty answer");
  if (!s->guest_grabbed)
    return answer_empty(s, act, selection, VD_AGENT_CLIPBOARD_NONE,
                        "request while the guest holds no grab: "
                        "empty answer");
  if (!type_in(s->guest_types, s->n_guest_types, type))
    return answer_empty(s, act, selection, VD_AGENT_CLIPBOARD_NONE,
                        "request for a type we did not offer: "
                        "empty answer");
  act->type = type;
  act->refused = false;
  return act_do(act, VDA_CLIP_DO_SERVE, "client requested guest data");
}

vda_clip_do vda_clip_serve_result(vda_clip_state *s, uint32_t type, bool ok, uint64_t size,
                                  vda_clip_action *act)
{
  act_reset(act, "");
  act->type = type;
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_NOTHING, "clipboard disabled by policy");
  if (!ok)
    return answer_empty(s, act, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_NONE,
                        "guest data unavailable: empty answer");
  if (size > vda_clip_limit(s))
    return answer_empty(s, act, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, type,
                        "guest data over the clipboard limit: "
                        "sent empty");
  act->size = size;
  return act_do(act, VDA_CLIP_DO_STREAM, "sending guest data");
}

vda_clip_do vda_clip_request_data(vda_clip_state *s, uint32_t type, vda_clip_action *act)
{
  const char *why = NULL;
  act_reset(act, "");
  act->type = type;
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_NOTHING, "clipboard disabled by policy");
  if (!s->client_owns || s->release_delayed)
    return act_do(act, VDA_CLIP_DO_NOTHING, "the client owns no clipboard: nothing to request");
  if (s->client_leaving)
    return act_do(act, VDA_CLIP_DO_NOTHING, "the client is leaving: nothing to request");
  if (!type_in(s->client_types, s->n_client_types, type))
    return act_do(act, VDA_CLIP_DO_NOTHING, "the client did not offer this type");
  if (s->client_unanswered)
    return act_do(act, VDA_CLIP_DO_NOTHING,
                  "the client left a request for this clipboard unanswered: not asked again");
  if (s->n_pending >= VDA_CLIP_MAX_PENDING)
    return act_do(act, VDA_CLIP_DO_NOTHING, "too many clipboard requests outstanding");
  if (!vda_body_clipboard_request(&act->body, &s->neg, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, type,
                                  &why))
    return act_do(act, VDA_CLIP_DO_NOTHING, why);
  s->pending[s->n_pending++] = type;
  return act_do(act, VDA_CLIP_DO_SEND, "requesting client data");
}

vda_clip_do vda_clip_request_timeout(vda_clip_state *s, uint32_t type, vda_clip_action *act)
{
  act_reset(act, "");
  act->type = type;
  uint32_t i = pending_find(s, type);
  if (i == s->n_pending)
    return act_do(act, VDA_CLIP_DO_NOTHING, "no such pending request");
  pending_remove_at(s, i);
  act->fail_request = true;
  s->client_unanswered = true;
  return act_do(act, VDA_CLIP_DO_NOTHING, "client did not answer in time: request dropped");
}

vda_clip_do vda_clip_client_leaving(vda_clip_state *s, vda_clip_action *act)
{
  act_reset(act, "");
  /* Only the waits and new requests: ownership and grabs are the full
   * disconnect's business, which follows on the clipboard thread. */
  s->client_leaving = true;
  act->cancel_pending = s->n_pending > 0;
  s->n_pending = 0;
  return act_do(act, VDA_CLIP_DO_NOTHING, "the client is leaving: pastes get nothing");
}

vda_clip_do vda_clip_client_data_lost(vda_clip_state *s, uint8_t selection, uint32_t type,
                                      vda_clip_action *act)
{
  act_reset(act, "");
  act->type = type;
  if (!s->enabled || selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD || s->n_pending == 0)
    return act_do(act, VDA_CLIP_DO_NOTHING, "lost client data no request was waiting for");
  uint32_t i = pending_find(s, type);
  /* Refused before its type was known (NONE), or another type: like an
   * answer without data, it ends the oldest request. */
  if (i == s->n_pending)
    i = 0;
  act->type = s->pending[i];
  act->fail_request = true;
  pending_remove_at(s, i);
  return act_do(act, VDA_CLIP_DO_DISCARD_DATA,
                "the client's data was lost on the way: the paste gets nothing now");
}

vda_clip_do vda_clip_client_data(vda_clip_state *s, uint8_t selection, uint32_t type, uint64_t size,
                                 vda_clip_action *act)
{
  act_reset(act, "");
  act->type = type;
  if (!s->enabled)
    return act_do(act, VDA_CLIP_DO_DISCARD_DATA, "clipboard disabled by policy");
  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return act_do(act, VDA_CLIP_DO_DISCARD_DATA, "data for a selection Windows does not have");
  s->client_unanswered = false; /* late or not, the client answers */
  if (s->n_pending == 0)
    return act_do(act, VDA_CLIP_DO_DISCARD_DATA, "unsolicited or late clipboard data: dropped");

  uint32_t i = pending_find(s, type);
  if (i == s->n_pending) {
    /* NONE ("nothing") or a type we did not ask for: the client
         * answered its oldest request without usable data. */
    act->type = s->pending[0];
    act->fail_request = true;
    pending_remove_at(s, 0);
    return act_do(act, VDA_CLIP_DO_DISCARD_DATA,
                  type == VD_AGENT_CLIPBOARD_NONE ? "client has no data for our request"
                                                  : "client answered with another type: dropped");
  }
  pending_remove_at(s, i);
  if (size > vda_clip_limit(s)) {
    act->fail_request = true;
    return act_do(act, VDA_CLIP_DO_DISCARD_DATA, "client data over the clipboard limit: refused");
  }
  act->size = size;
  return act_do(act, VDA_CLIP_DO_ACCEPT_DATA, "client data for our request");
}

vda_clip_do vda_clip_client_message(vda_clip_state *s, uint32_t vd_type, const uint8_t *body,
                                    size_t size, vda_clip_action *act)
{
  const char *why = NULL;
  act_reset(act, "");
  switch (vd_type) {
  case VD_AGENT_CLIPBOARD_GRAB: {
    vda_clipboard_grab g;
    if (!vda_parse_clipboard_grab(body, size, &s->neg, &g, &why))
      break;
    return vda_clip_client_grab(s, &g, act);
  }
  case VD_AGENT_CLIPBOARD_REQUEST: {
    vda_clipboard_request r;
    if (!vda_parse_clipboard_request(body, size, &s->neg, &r, &why))
      break;
    return vda_clip_client_request(s, r.selection, r.type, act);
  }
  case VD_AGENT_CLIPBOARD_RELEASE: {
    uint8_t sel;
    if (!vda_parse_clipboard_release(body, size, &s->neg, &sel, &why))
      break;
    return vda_clip_client_release(s, sel, act);
  }
  default:
    why = "not a clipboard control message";
    break;
  }
  act->refused = true;
  return act_do(act, VDA_CLIP_DO_NOTHING, why ? why : "malformed message");
}

void vda_clip_wait_start(vda_clip_wait *w, uint64_t now_ms, uint64_t progress)
{
  *w = (vda_clip_wait){.start_ms = now_ms, .last_ms = now_ms, .seen = progress};
}

uint32_t vda_clip_wait_next(vda_clip_wait *w, uint64_t now_ms, uint64_t progress)
{
  uint64_t idle_end, max_end, end;
  if (progress != w->seen) {
    w->seen = progress;
    w->last_ms = now_ms;
  }
  idle_end = w->last_ms + VDA_CLIP_IDLE_MS;
  max_end = w->start_ms + VDA_CLIP_MAX_WAIT_MS;
  end = idle_end < max_end ? idle_end : max_end;
  if (now_ms >= end)
    return 0;
  return end - now_ms < VDA_CLIP_WAIT_POLL_MS ? (uint32_t)(end - now_ms) : VDA_CLIP_WAIT_POLL_MS;
}
