#include "clipboard_win.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "clipboard_formats.h"
#include "log.h"
#include "vda_builder.h"
#include "vda_clip_state.h"
#include "vda_le.h"
#include "vda_views.h"
#include "winerror_text.h"

/* OpenClipboard tries, 10 ms apart (another program may hold it). How long
 * a paste waits for the client's data is the state's (VDA_CLIP_IDLE_MS). */
#define OPEN_TRIES 20

enum {
  WM_VDA_NEGOTIATED = WM_APP + 1,
  WM_VDA_MESSAGE,
  WM_VDA_STOP,
};

typedef struct posted_msg {
  uint32_t vd_type;
  size_t size;
  uint8_t body[];
} posted_msg;

typedef enum { NEG_UPDATE, NEG_CONNECTED, NEG_DISCONNECTED } neg_event;

typedef struct posted_neg {
  vda_negotiated n;
  int32_t peer_max;
  neg_event event;
} posted_neg;

struct vda_clipboard_win {
  HANDLE thread, ready;
  HWND hwnd;
  vda_outbox *out;
  /* The protocol state is shared with the main thread (client data arrives
   * there while this thread waits in WM_RENDERFORMAT): always under lock. */
  CRITICAL_SECTION lock;
  vda_clip_state st;
  /* the data slot a WM_RENDERFORMAT waits on */
  HANDLE data_event;
  vda_clip_payload data;
  bool data_failed;
  /* Bytes of client clipboard data received (main thread adds, the
   * render wait reads): a paste still arriving is not given up on. */
  volatile LONG64 received;
  /* tries left for a pending TIMER_EMPTY (clipboard thread only) */
  int empty_tries;
};

#define TIMER_RELEASE 1
/* Emptying the client's offer when the clipboard is busy: the program that
 * holds it open is often the one pasting, waiting in GetClipboardData for
 * our WM_RENDERFORMAT answer, so this thread must not sleep on it; it tries
 * again every EMPTY_RETRY_MS, for at most EMPTY_TRIES tries (5 s). */
#define TIMER_EMPTY 2
#define EMPTY_RETRY_MS 25
#define EMPTY_TRIES 200

/* OpenClipboard fails while another program has it open: retry briefly. */
static bool open_clipboard(HWND hwnd)
{
  for (int i = 0; i < OPEN_TRIES; i++) {
    if (OpenClipboard(hwnd))
      return true;
    Sleep(10);
  }
  LOG_WARN("OpenClipboard: %s", vda_win_strerror(GetLastError()));
  return false;
}

static void send_body(vda_clipboard_win *c, const vda_body *b)
{
  uint8_t *copy = malloc(b->len ? b->len : 1);
  if (!copy) {
    LOG_ERROR("out of memory sending clipboard message type %u", (unsigned)b->type);
    return;
  }
  memcpy(copy, b->data, b->len);
  vda_outbox_post(c->out, b->type, copy, b->len);
}

/* Wakes the WM_RENDERFORMAT wait with data (NULL: the request failed). */
static void fill_slot(vda_clipboard_win *c, vda_clip_payload *p)
{
  vda_clip_payload_free(&c->data);
  if (p) {
    c->data = *p;
    *p = (vda_clip_payload){0};
  }
  c->data_failed = p == NULL;
  SetEvent(c->data_event);
}

static void serve(vda_clipboard_win *c, uint32_t type);

static void cancel_empty(vda_clipboard_win *c)
{
  if (c->empty_tries > 0)
    KillTimer(c->hwnd, TIMER_EMPTY);
  c->empty_tries = 0;
}

/* Takes the client's offer off the clipboard (it can no longer be
 * rendered). Without this a departed client's formats stay offered, and
 * every later paste in the guest asks for data nobody has. */
static void try_empty(vda_clipboard_win *c)
{
  if (GetClipboardOwner() != c->hwnd) {
    cancel_empty(c); /* someone else's clipboard now: nothing of ours to take off */
    return;
  }
  if (OpenClipboard(c->hwnd)) {
    EmptyClipboard();
    CloseClipboard();
    cancel_empty(c);
    LOG_INFO("clipboard: the client released its clipboard");
    return;
  }
  DWORD err = GetLastError();
  if (--c->empty_tries > 0) {
    SetTimer(c->hwnd, TIMER_EMPTY, EMPTY_RETRY_MS, NULL);
    return;
  }
  KillTimer(c->hwnd, TIMER_EMPTY);
  LOG_WARN("clipboard: the client's formats stay offered: the clipboard stayed open "
           "elsewhere for %d ms (OpenClipboard: %s)",
           EMPTY_TRIES * EMPTY_RETRY_MS, vda_win_strerror(err));
}

/* Carries out what the state decided. Called with the lock held. */
static void run_action(vda_clipboard_win *c, const vda_clip_action *a)
{
  LOG_DEBUG("clipboard: %s", a->why ? a->why : "");
  if (a->cancel_release_timer)
    KillTimer(c->hwnd, TIMER_RELEASE);
  if (a->cancel_pending || a->fail_request)
    fill_slot(c, NULL);
  switch (a->what) {
  case VDA_CLIP_DO_NOTHING:
  case VDA_CLIP_DO_ACCEPT_DATA:
  case VDA_CLIP_DO_DISCARD_DATA:
  case VDA_CLIP_DO_STREAM:
    break;
  case VDA_CLIP_DO_SEND:
    send_body(c, &a->body);
    break;
  case VDA_CLIP_DO_OWN:
    cancel_empty(c); /* a new offer replaces the one still to be emptied */
    if (open_clipboard(c->hwnd)) {
      if (!EmptyClipboard())
        LOG_WARN("EmptyClipboard: %s", vda_win_strerror(GetLastError()));
      /* Delayed rendering: the data is fetched when a program pastes. */
      vda_clipboard_offer(a->types, a->ntypes);
      CloseClipboard();
      LOG_INFO("clipboard: the client's clipboard is offered (%u type(s))", (unsigned)a->ntypes);
    }
    break;
  case VDA_CLIP_DO_EMPTY:
    c->empty_tries = EMPTY_TRIES;
    try_empty(c);
    break;
  case VDA_CLIP_DO_DELAY_EMPTY:
    SetTimer(c->hwnd, TIMER_RELEASE, VDA_CLIP_RELEASE_DELAY_MS, NULL);
    break;
  case VDA_CLIP_DO_SERVE:
    serve(c, a->type);
    break;
  }
}

/* --- guest -> client ---------------------------------------------------- */

static void on_clipboard_update(vda_clipboard_win *c)
{
  uint32_t types[VDA_MAX_GRAB_TYPES];
  size_t n = 0;
  vda_clip_action a;
  bool ours = GetClipboardOwner() == c->hwnd;

  if (!ours && open_clipboard(c->hwnd)) {
    n = vda_clipboard_formats_to_types(types, VDA_MAX_GRAB_TYPES);
    CloseClipboard();
  }
  EnterCriticalSection(&c->lock);
  vda_clip_guest_changed(&c->st, types, n, ours, &a);
  run_action(c, &a);
  LeaveCriticalSection(&c->lock);
}

/* SERVE: read and convert the guest clipboard, then send it as the state
 * says (the whole message, or an empty answer over the limit). */
static void serve(vda_clipboard_win *c, uint32_t type)
{
  uint8_t *body = NULL;
  size_t len = 0;
  const char *why = NULL;
  vda_clip_action a;
  vda_body head;
  bool ok = false;
  uint64_t t0 = GetTickCount64();

  /* [selection] + type + data: one message, streamed by the outbox. The
   * data is read straight in behind its header. */
  if (!vda_body_clipboard(&head, &c->st.neg, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, type, NULL, 0,
                          &why)) {
    LOG_ERROR("clipboard: cannot build the answer: %s", why);
  } else if (open_clipboard(c->hwnd)) {
    ok = vda_clipboard_read(type, vda_clip_limit(&c->st), head.len, &body, &len, &why);
    CloseClipboard();
  }
  if (!ok)
    LOG_WARN("clipboard: cannot provide type %u: %s", (unsigned)type, why ? why : "busy");
  vda_clip_serve_result(&c->st, type, ok, len, &a);
  if (a.what != VDA_CLIP_DO_STREAM) {
    free(body);
    run_action(c, &a);
    return;
  }
  memcpy(body, head.data, head.len);
  /* The read's time is the part of a paste's wait spent before its first
   * byte leaves (docs/BENCHMARKS.md splits guest -> client this way). */
  LOG_INFO("clipboard: sending %zu bytes of type %u (read and converted in %llu ms)", len,
           (unsigned)type, (unsigned long long)(GetTickCount64() - t0));
  vda_outbox_post(c->out, VD_AGENT_CLIPBOARD, body, head.len + len);
}

/* --- client -> guest ---------------------------------------------------- */

static uint64_t progress(vda_clipboard_win *c)
{
  return (uint64_t)InterlockedCompareExchange64(&c->received, 0, 0);
}

/* WM_RENDERFORMAT: ask the client, wait for its data, set it. */
static void render(vda_clipboard_win *c, UINT format)
{
  uint32_t type = vda_clipboard_format_type(format);
  vda_clip_action a;
  vda_clip_payload data = {0};
  vda_clip_wait deadline;
  DWORD w, wait_ms = VDA_CLIP_WAIT_POLL_MS;

  EnterCriticalSection(&c->lock);
  vda_clip_payload_free(&c->data);
  c->data_failed = false;
  ResetEvent(c->data_event);
  vda_clip_request_data(&c->st, type, &a);
  if (a.what != VDA_CLIP_DO_SEND && type == VD_AGENT_CLIPBOARD_IMAGE_PNG) {
    /* A client that offered only BMP is asked for BMP. */
    type = VD_AGENT_CLIPBOARD_IMAGE_BMP;
    vda_clip_request_data(&c->st, type, &a);
  }
  run_action(c, &a);
  LeaveCriticalSection(&c->lock);
  if (a.what != VDA_CLIP_DO_SEND) {
    LOG_WARN("clipboard: cannot render format %u: %s", (unsigned)format, a.why);
    return;
  }

  /* This thread only: mouse, resizing and the pipe run elsewhere. The
   * deadline moves while the client's data keeps arriving. */
  vda_clip_wait_start(&deadline, GetTickCount64(), progress(c));
  while ((w = WaitForSingleObject(c->data_event, wait_ms)) == WAIT_TIMEOUT &&
         (wait_ms = vda_clip_wait_next(&deadline, GetTickCount64(), progress(c))) > 0)
    ;
  EnterCriticalSection(&c->lock);
  if (w == WAIT_OBJECT_0) {
    data = c->data;
    c->data = (vda_clip_payload){0};
  } else {
    vda_clip_request_timeout(&c->st, type, &a);
    run_action(c, &a);
  }
  LeaveCriticalSection(&c->lock);
  if (w != WAIT_OBJECT_0) {
    LOG_WARN("clipboard: no data of type %u from the client for %u s (%llu s since the request): "
             "the paste gets nothing",
             (unsigned)type, VDA_CLIP_IDLE_MS / 1000,
             (unsigned long long)(GetTickCount64() - deadline.start_ms) / 1000);
    return;
  }
  if (!vda_clip_payload_held(&data)) {
    LOG_INFO("clipboard: the client had no data of type %u", (unsigned)type);
    return;
  }
  if (!vda_clipboard_set(format, &data))
    LOG_WARN("clipboard: could not set format %u from %zu bytes", (unsigned)format, data.len);
  else
    LOG_INFO("clipboard: pasted %zu bytes of type %u from the client", data.len,
             (unsigned)data.type);
  vda_clip_payload_free(&data);
}

static LRESULT CALLBACK wndproc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
  vda_clipboard_win *c = (vda_clipboard_win *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);

  switch (msg) {
  case WM_CLIPBOARDUPDATE:
    on_clipboard_update(c);
    return 0;
  case WM_RENDERFORMAT:
    render(c, (UINT)wp);
    return 0;
  case WM_RENDERALLFORMATS:
    /* The agent is going away while it owns the clipboard: without a live
     * client to ask, the honest thing is to leave the clipboard empty
     * rather than full of formats nobody can render. */
    if (open_clipboard(hwnd)) {
      if (GetClipboardOwner() == hwnd)
        EmptyClipboard();
      CloseClipboard();
    }
    return 0;
  case WM_DESTROYCLIPBOARD:
    return 0;
  case WM_VDA_NEGOTIATED: {
    posted_neg *p = (posted_neg *)lp;
    vda_clip_action a;
    EnterCriticalSection(&c->lock);
    vda_clip_set_negotiated(&c->st, &p->n, p->peer_max);
    if (p->event != NEG_UPDATE) {
      if (p->event == NEG_CONNECTED)
        vda_clip_client_connected(&c->st, &a);
      else
        vda_clip_client_disconnected(&c->st, &a);
      run_action(c, &a);
    }
    LeaveCriticalSection(&c->lock);
    /* A new client learns what the guest clipboard holds already. */
    if (p->event == NEG_CONNECTED)
      on_clipboard_update(c);
    free(p);
    return 0;
  }
  case WM_VDA_MESSAGE: {
    posted_msg *m = (posted_msg *)lp;
    vda_clip_action a;
    EnterCriticalSection(&c->lock);
    vda_clip_client_message(&c->st, m->vd_type, m->body, m->size, &a);
    /* Keyed by reason: a host repeating one bad message gets one line per
     * interval and a count, and a different mistake still gets its own. */
    if (a.refused)
      LOG_WARN_LIMITED(a.why, "clipboard: client message type %u refused: %s", (unsigned)m->vd_type,
                       a.why);
    run_action(c, &a);
    LeaveCriticalSection(&c->lock);
    free(m);
    return 0;
  }
  case WM_TIMER:
    if (wp == TIMER_EMPTY)
      try_empty(c);
    if (wp == TIMER_RELEASE) {
      vda_clip_action a;
      KillTimer(hwnd, TIMER_RELEASE);
      EnterCriticalSection(&c->lock);
      vda_clip_release_timer(&c->st, &a);
      run_action(c, &a);
      LeaveCriticalSection(&c->lock);
    }
    return 0;
  case WM_VDA_STOP:
    DestroyWindow(hwnd);
    return 0;
  case WM_DESTROY:
    RemoveClipboardFormatListener(hwnd);
    PostQuitMessage(0);
    return 0;
  }
  return DefWindowProcW(hwnd, msg, wp, lp);
}

static DWORD WINAPI clipboard_main(LPVOID arg)
{
  vda_clipboard_win *c = arg;
  WNDCLASSW wc = {.lpfnWndProc = wndproc,
                  .hInstance = GetModuleHandleW(NULL),
                  .lpszClassName = L"vda_clipboard"};
  MSG m;

  vda_clipboard_formats_init();
  RegisterClassW(&wc);
  c->hwnd = CreateWindowExW(0, wc.lpszClassName, L"SPICE clipboard", 0, 0, 0, 0, 0, HWND_MESSAGE,
                            NULL, wc.hInstance, NULL);
  if (c->hwnd) {
    SetWindowLongPtrW(c->hwnd, GWLP_USERDATA, (LONG_PTR)c);
    if (!AddClipboardFormatListener(c->hwnd))
      LOG_WARN("AddClipboardFormatListener: %s", vda_win_strerror(GetLastError()));
  } else {
    LOG_ERROR("cannot create the clipboard window: %s", vda_win_strerror(GetLastError()));
  }
  SetEvent(c->ready);
  if (!c->hwnd)
    return 1;
  while (GetMessageW(&m, NULL, 0, 0) > 0) {
    TranslateMessage(&m);
    DispatchMessageW(&m);
  }
  return 0;
}

vda_clipboard_win *vda_clipboard_win_start(vda_outbox *out, const vda_limits *lim)
{
  vda_clipboard_win *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->out = out;
  vda_clip_init(&c->st, true, lim);
  InitializeCriticalSection(&c->lock);
  c->ready = CreateEventW(NULL, TRUE, FALSE, NULL);
  c->data_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (c->ready && c->data_event)
    c->thread = CreateThread(NULL, 0, clipboard_main, c, 0, NULL);
  if (c->thread)
    WaitForSingleObject(c->ready, 10000);
  if (!c->thread || !c->hwnd) {
    LOG_ERROR("clipboard sharing unavailable: the clipboard thread did not start");
    vda_clipboard_win_stop(c);
    return NULL;
  }
  return c;
}

void vda_clipboard_win_stop(vda_clipboard_win *c)
{
  if (!c)
    return;
  if (c->thread) {
    if (c->hwnd)
      PostMessageW(c->hwnd, WM_VDA_STOP, 0, 0);
    if (WaitForSingleObject(c->thread, 5000) != WAIT_OBJECT_0)
      LOG_WARN("the clipboard thread did not stop within 5 s");
    CloseHandle(c->thread);
  }
  if (c->ready)
    CloseHandle(c->ready);
  if (c->data_event)
    CloseHandle(c->data_event);
  vda_clip_payload_free(&c->data);
  DeleteCriticalSection(&c->lock);
  free(c);
}

void vda_clipboard_win_negotiated(vda_clipboard_win *c, const vda_negotiated *n,
                                  int32_t peer_max_clipboard, int event)
{
  posted_neg *p = malloc(sizeof(*p));
  if (!p)
    return;
  *p = (posted_neg){*n, peer_max_clipboard, (neg_event)event};
  if (event != NEG_UPDATE) {
    /* The clipboard thread may be blocked in a paste's wait, not in its
     * message loop: end that wait now, the posted event does the rest. */
    vda_clip_action a;
    EnterCriticalSection(&c->lock);
    vda_clip_client_leaving(&c->st, &a);
    run_action(c, &a);
    LeaveCriticalSection(&c->lock);
  }
  if (!PostMessageW(c->hwnd, WM_VDA_NEGOTIATED, 0, (LPARAM)p))
    free(p);
}

void vda_clipboard_win_message(vda_clipboard_win *c, uint32_t vd_type, const uint8_t *body,
                               size_t size)
{
  posted_msg *m = malloc(sizeof(*m) + size);
  if (!m)
    return;
  m->vd_type = vd_type;
  m->size = size;
  memcpy(m->body, body, size);
  if (!PostMessageW(c->hwnd, WM_VDA_MESSAGE, 0, (LPARAM)m))
    free(m);
}

void vda_clipboard_win_data(vda_clipboard_win *c, uint8_t selection, vda_clip_payload *p)
{
  vda_clip_action a;
  /* Straight into the slot a WM_RENDERFORMAT is waiting on: the clipboard
   * thread is blocked in that wait, not in its message loop. */
  EnterCriticalSection(&c->lock);
  vda_clip_client_data(&c->st, selection, p->type, p->len, &a);
  if (a.what == VDA_CLIP_DO_ACCEPT_DATA)
    fill_slot(c, p);
  run_action(c, &a);
  LeaveCriticalSection(&c->lock);
  if (vda_clip_payload_held(p)) {
    LOG_WARN("clipboard: %zu bytes of type %u from the client dropped: %s", p->len,
             (unsigned)p->type, a.why);
    vda_clip_payload_free(p);
  }
}

void vda_clipboard_win_data_lost(vda_clipboard_win *c, uint8_t selection, uint32_t type)
{
  vda_clip_action a;
  EnterCriticalSection(&c->lock);
  vda_clip_client_data_lost(&c->st, selection, type, &a);
  run_action(c, &a);
  LeaveCriticalSection(&c->lock);
  if (a.fail_request)
    LOG_INFO("clipboard: %s (type %u)", a.why, (unsigned)a.type);
}

void vda_clipboard_win_progress(vda_clipboard_win *c, size_t len)
{
  InterlockedExchangeAdd64(&c->received, (LONG64)len);
}
