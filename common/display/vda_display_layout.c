/* vda_display_layout.c - see vda_display_layout.h. */
#include "vda_display_layout.h"

#include <stddef.h>

/* Internal rectangles in int64_t: translating a client's int32_t position by
 * another int32_t position overflows int32_t. */
typedef struct lrect {
  int64_t x, y, w, h;
} lrect;

static bool overlaps(const lrect *a, const lrect *b)
{
  return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static int64_t abs64(int64_t v)
{
  return v < 0 ? -v : v;
}

static bool check_args(const vda_rect *r, uint32_t n, uint32_t primary, const char **why)
{
  if (n == 0 || n > VDA_LAYOUT_MAX) {
    *why = "layout needs 1 to 16 displays";
    return false;
  }
  if (primary >= n) {
    *why = "layout primary index out of range";
    return false;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (r[i].w == 0 || r[i].h == 0 || r[i].w > VDA_DISPLAY_PX_MAX || r[i].h > VDA_DISPLAY_PX_MAX) {
      *why = "layout display size is 0 or above 16384 pixels";
      return false;
    }
  }
  return true;
}

static void left_to_right(vda_rect *r, uint32_t n, uint32_t primary)
{
  int64_t x = 0;
  r[primary].x = 0;
  r[primary].y = 0;
  x = r[primary].w;
  for (uint32_t i = 0; i < n; i++) {
    if (i == primary)
      continue;
    r[i].x = (int32_t)x;
    r[i].y = 0;
    x += r[i].w;
  }
}

/* Try candidate c for rectangle `self`: valid when it overlaps no placed
 * rectangle; keep it when it is closer to the request than *best. */
static void consider(const lrect *placed, const bool *done, uint32_t n, const lrect *c,
                     const lrect *want, lrect *best, int64_t *best_dist)
{
  int64_t d;
  for (uint32_t j = 0; j < n; j++)
    if (done[j] && overlaps(&placed[j], c))
      return;
  d = abs64(c->x - want->x) + abs64(c->y - want->y);
  if (d < *best_dist) {
    *best = *c;
    *best_dist = d;
  }
}

/* Best position for `want` next to the placed set (see the header). */
static lrect place_one(const lrect *placed, const bool *done, uint32_t n, const lrect *want)
{
  lrect best = *want;
  int64_t best_dist = INT64_MAX;
  for (uint32_t j = 0; j < n; j++) {
    const lrect *p = &placed[j];
    lrect c = *want;
    if (!done[j])
      continue;
    /* Right and left of p: any y with a positive shared edge. */
    c.y = clamp64(want->y, p->y - want->h + 1, p->y + p->h - 1);
    c.x = p->x + p->w;
    consider(placed, done, n, &c, want, &best, &best_dist);
    c.x = p->x - want->w;
    consider(placed, done, n, &c, want, &best, &best_dist);
    /* Below and above p. */
    c.x = clamp64(want->x, p->x - want->w + 1, p->x + p->w - 1);
    c.y = p->y + p->h;
    consider(placed, done, n, &c, want, &best, &best_dist);
    c.y = p->y - want->h;
    consider(placed, done, n, &c, want, &best, &best_dist);
  }
  return best;
}

static void gravity(vda_rect *r, uint32_t n, uint32_t primary)
{
  lrect want[VDA_LAYOUT_MAX], placed[VDA_LAYOUT_MAX];
  bool done[VDA_LAYOUT_MAX] = {false};
  int64_t ox = r[primary].x, oy = r[primary].y;
  for (uint32_t i = 0; i < n; i++) {
    want[i].x = (int64_t)r[i].x - ox;
    want[i].y = (int64_t)r[i].y - oy;
    want[i].w = r[i].w;
    want[i].h = r[i].h;
  }
  placed[primary] = want[primary];
  done[primary] = true;
  /* Nearest to the primary first (ties: lower index), so displays close to
     * it keep their place and far ones adapt. n <= 16: selection is fine. */
  for (uint32_t k = 1; k < n; k++) {
    uint32_t pick = n;
    int64_t pick_d = INT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
      int64_t d = abs64(want[i].x) + abs64(want[i].y);
      if (!done[i] && d < pick_d) {
        pick = i;
        pick_d = d;
      }
    }
    placed[pick] = place_one(placed, done, n, &want[pick]);
    done[pick] = true;
  }
  /* Every placed rectangle touches an earlier one, so coordinates stay
     * within +-(sum of sizes) <= 16 * 16384: int32_t holds them. */
  for (uint32_t i = 0; i < n; i++) {
    r[i].x = (int32_t)placed[i].x;
    r[i].y = (int32_t)placed[i].y;
  }
}

bool vda_layout_normalise(vda_rect *r, uint32_t n, uint32_t primary, bool use_pos, const char **why)
{
  if (!check_args(r, n, primary, why))
    return false;
  if (use_pos)
    gravity(r, n, primary);
  else
    left_to_right(r, n, primary);
  return true;
}

vda_rect vda_layout_bounds(const vda_rect *r, uint32_t n)
{
  int64_t x0 = r[0].x, y0 = r[0].y;
  int64_t x1 = x0 + r[0].w, y1 = y0 + r[0].h;
  vda_rect b;
  for (uint32_t i = 1; i < n; i++) {
    if (r[i].x < x0)
      x0 = r[i].x;
    if (r[i].y < y0)
      y0 = r[i].y;
    if ((int64_t)r[i].x + r[i].w > x1)
      x1 = (int64_t)r[i].x + r[i].w;
    if ((int64_t)r[i].y + r[i].h > y1)
      y1 = (int64_t)r[i].y + r[i].h;
  }
  b.x = (int32_t)x0;
  b.y = (int32_t)y0;
  b.w = (uint32_t)(x1 - x0);
  b.h = (uint32_t)(y1 - y0);
  return b;
}
