/* vda_mouse_map.c - see vda_mouse_map.h. */
#include "vda_mouse_map.h"

#include <string.h>

static const struct {
  uint32_t mask;
  vda_mouse_button button;
} held_buttons[] = {
    {VD_AGENT_LBUTTON_MASK, VDA_BUTTON_LEFT},  {VD_AGENT_MBUTTON_MASK, VDA_BUTTON_MIDDLE},
    {VD_AGENT_RBUTTON_MASK, VDA_BUTTON_RIGHT}, {VD_AGENT_SBUTTON_MASK, VDA_BUTTON_SIDE},
    {VD_AGENT_EBUTTON_MASK, VDA_BUTTON_EXTRA},
};
#define HELD_MASK                                                                                  \
  (VD_AGENT_LBUTTON_MASK | VD_AGENT_MBUTTON_MASK | VD_AGENT_RBUTTON_MASK | VD_AGENT_SBUTTON_MASK | \
   VD_AGENT_EBUTTON_MASK)

uint16_t vda_mouse_normalise(int64_t p, int32_t origin, uint32_t size)
{
  int64_t rel;
  uint64_t n;
  if (size == 0)
    return 0;
  rel = p - origin;
  if (rel < 0)
    rel = 0;
  if (rel > (int64_t)size - 1)
    rel = (int64_t)size - 1;
  /* ceil(rel * 65536 / size): see the header for why this lands on rel. */
  n = ((uint64_t)rel * 65536u + size - 1) / size;
  return n > 65535u ? 65535u : (uint16_t)n;
}

void vda_mouse_mapper_init(vda_mouse_mapper *m)
{
  memset(m, 0, sizeof(*m));
}

bool vda_mouse_layout_fallback(vda_mouse_layout *l, vda_rect primary)
{
  bool filled = false;
  for (uint32_t i = 0; i < VDA_MOUSE_DISPLAYS; i++)
    if (l->display[i].w != 0 && l->display[i].h != 0)
      return false;
  if (primary.w == 0 || primary.h == 0)
    return false;
  l->display[0] = primary;
  filled = true;
  if (l->desktop.w == 0 || l->desktop.h == 0)
    l->desktop = primary;
  return filled;
}

/* Desktop pixel of the state, or false when its display is unknown. */
static bool locate(const vda_mouse_layout *l, const vda_mouse_state *s, uint16_t *nx, uint16_t *ny,
                   const char **why)
{
  const vda_rect *r;
  int64_t px, py;
  if (s->display_id >= VDA_MOUSE_DISPLAYS) {
    *why = "MOUSE_STATE display_id beyond the known displays";
    return false;
  }
  r = &l->display[s->display_id];
  if (r->w == 0 || r->h == 0 || l->desktop.w == 0 || l->desktop.h == 0) {
    *why = "MOUSE_STATE for a display that is not attached";
    return false;
  }
  /* Clamp into the display: a client's pointer can sit on the border. */
  px = (int64_t)r->x + (s->x < r->w ? s->x : r->w - 1);
  py = (int64_t)r->y + (s->y < r->h ? s->y : r->h - 1);
  *nx = vda_mouse_normalise(px, l->desktop.x, l->desktop.w);
  *ny = vda_mouse_normalise(py, l->desktop.y, l->desktop.h);
  return true;
}

size_t vda_mouse_map_state(vda_mouse_mapper *m, const vda_mouse_layout *l, const vda_mouse_state *s,
                           vda_mouse_event out[VDA_MOUSE_EVENTS_MAX], const char **why)
{
  size_t n = 0;
  uint16_t nx = 0, ny = 0;
  uint32_t held = s->buttons & HELD_MASK;
  uint32_t changed = held ^ m->buttons;
  vda_mouse_event base;
  bool pos;
  *why = NULL;
  pos = locate(l, s, &nx, &ny, why);
  memset(&base, 0, sizeof(base));
  if (pos) {
    base.absolute = true;
    base.nx = nx;
    base.ny = ny;
    if (!m->has_pos || nx != m->nx || ny != m->ny) {
      out[n] = base;
      out[n++].action = VDA_MOUSE_MOVE;
    }
    m->has_pos = true;
    m->nx = nx;
    m->ny = ny;
  }
  /* Releases before presses: a state that swaps buttons must not show
     * both held at once. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < sizeof(held_buttons) / sizeof(held_buttons[0]); i++) {
      bool down = (held & held_buttons[i].mask) != 0;
      if (!(changed & held_buttons[i].mask) || down != (pass == 1))
        continue;
      out[n] = base;
      out[n].action = down ? VDA_MOUSE_DOWN : VDA_MOUSE_UP;
      out[n++].button = held_buttons[i].button;
    }
  }
  if (s->buttons & VD_AGENT_UBUTTON_MASK) {
    out[n] = base;
    out[n].action = VDA_MOUSE_WHEEL;
    out[n++].wheel = 1;
  }
  if (s->buttons & VD_AGENT_DBUTTON_MASK) {
    out[n] = base;
    out[n].action = VDA_MOUSE_WHEEL;
    out[n++].wheel = -1;
  }
  m->buttons = held;
  return n;
}
