/*
 * vda_mouse_map.h - MOUSE_STATE to absolute input events.
 *
 * In client-mouse mode the server sends the client's pointer as MOUSE_STATE
 * {x, y, buttons, display_id}: x, y are pixels inside display display_id.
 * The guest injects them with SendInput(MOUSEEVENTF_ABSOLUTE |
 * MOUSEEVENTF_VIRTUALDESK), whose coordinates are 0..65535 over the whole
 * virtual desktop.  This module does the arithmetic and the button edges;
 * vdagent/mouse_win.c turns the events into INPUT structures.
 *
 * Normalisation (vda_mouse_normalise): pixel p of a desktop of size w
 * becomes n = ceil(p * 65536 / w).  Windows (and Wine, verified on the rig)
 * map back with floor(n * w / 65536); n is the smallest value that lands on
 * p, and it also lands on p under rounding back-conversions
 * (MulDiv(n, w, 65536) and MulDiv(n, w, 65535)) for every w < 32768, so
 * one formula serves every implementation.  The naive p * 65535 / w lands
 * on p - 1 for many p (the truncation error grows with p).
 *
 * Buttons (VD_AGENT_*_MASK): L, M, R, side (XBUTTON1) and extra (XBUTTON2)
 * are held states: an event is produced on each change (edge).  The wheel
 * bits U/D are set only in the state that reports a wheel click (spice-gtk
 * sends press-with-bit then release-without-bit), so every state that carries
 * a wheel bit is one click - counted even if the previous state also had it,
 * because the server coalesces unconsumed MOUSE_STATEs and a press, release,
 * press can reach us as press, press.
 */
#ifndef VDA_MOUSE_MAP_H
#define VDA_MOUSE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vda_display_layout.h"
#include "vda_views.h"

/* Display ids with a known rectangle (spice-gtk's maximum). */
#define VDA_MOUSE_DISPLAYS VDA_LAYOUT_MAX
/* Most events one MOUSE_STATE can produce: a move, 5 button edges, 2 wheel
 * clicks. */
#define VDA_MOUSE_EVENTS_MAX 8u
/* Most events vdagent/display/mouse_win.c injects in one SendInput batch
 * (its stack INPUT array). */
#define VDA_MOUSE_QUEUE_MAX 64u

typedef enum vda_mouse_action {
  VDA_MOUSE_MOVE,
  VDA_MOUSE_DOWN,
  VDA_MOUSE_UP,
  VDA_MOUSE_WHEEL,
} vda_mouse_action;

typedef enum vda_mouse_button {
  VDA_BUTTON_NONE,
  VDA_BUTTON_LEFT,
  VDA_BUTTON_MIDDLE,
  VDA_BUTTON_RIGHT,
  VDA_BUTTON_SIDE,  /* XBUTTON1 */
  VDA_BUTTON_EXTRA, /* XBUTTON2 */
} vda_mouse_button;

typedef struct vda_mouse_event {
  vda_mouse_action action;
  vda_mouse_button button; /* DOWN / UP */
  int32_t wheel;           /* WHEEL: +1 up (away from the user), -1 down */
  bool absolute;           /* nx, ny valid: the event happens there */
  uint16_t nx, ny;         /* 0..65535 over the virtual desktop */
} vda_mouse_event;

typedef struct vda_mouse_layout {
  vda_rect display[VDA_MOUSE_DISPLAYS]; /* per display id; w == 0: none */
  vda_rect desktop;                     /* the virtual desktop */
} vda_mouse_layout;

/* Where the layout cannot be known (enumeration failed, or no display got a
 * display id: an IDD or a passed-through GPU alone), the mouse must not go
 * dead: display 0 becomes the primary monitor and, when the desktop is
 * unknown too, so does the desktop.  A layout with any display is kept as
 * it is.  Returns true when it filled something in. */
bool vda_mouse_layout_fallback(vda_mouse_layout *l, vda_rect primary);

/* Map pixel p (desktop coordinates) over [origin, origin + size) to
 * 0..65535, clamping p into the desktop.  size 0: 0. */
uint16_t vda_mouse_normalise(int64_t p, int32_t origin, uint32_t size);

typedef struct vda_mouse_mapper {
  uint32_t buttons; /* held L/M/R/side/extra bits of the last state */
  bool has_pos;
  uint16_t nx, ny; /* last position sent */
} vda_mouse_mapper;

void vda_mouse_mapper_init(vda_mouse_mapper *m);

/*
 * Turn one MOUSE_STATE into events (at most VDA_MOUSE_EVENTS_MAX, written to
 * out; returns the count).  Order: a move when the position changed, then
 * releases, then presses, then wheel clicks - so a drag starts where the
 * pointer is.  Button and wheel events carry the position too.
 * A display_id without a rectangle, or a desktop of size 0, gives no
 * position: the state's buttons are still turned into events (an edge is
 * never lost) at the current pointer position, and *why tells why the move
 * was dropped (NULL otherwise).  x, y beyond the display are clamped to it.
 */
size_t vda_mouse_map_state(vda_mouse_mapper *m, const vda_mouse_layout *l, const vda_mouse_state *s,
                           vda_mouse_event out[VDA_MOUSE_EVENTS_MAX], const char **why);

#endif /* VDA_MOUSE_MAP_H */
