/* layout_check.c - see layout_check.h. */
#include "layout_check.h"

/* int64_t: positions near INT32_MIN/INT32_MAX plus a size overflow int32_t. */
typedef struct box {
  int64_t x0, y0, x1, y1; /* [x0, x1) x [y0, y1) */
} box;

static box box_of(const vda_rect *r)
{
  return (box){r->x, r->y, (int64_t)r->x + r->w, (int64_t)r->y + r->h};
}

static bool spans_overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
  return a0 < b1 && b0 < a1;
}

static bool boxes_overlap(const box *a, const box *b)
{
  return spans_overlap(a->x0, a->x1, b->x0, b->x1) && spans_overlap(a->y0, a->y1, b->y0, b->y1);
}

static bool boxes_share_edge(const box *a, const box *b)
{
  if ((a->x1 == b->x0 || b->x1 == a->x0) && spans_overlap(a->y0, a->y1, b->y0, b->y1))
    return true;
  return (a->y1 == b->y0 || b->y1 == a->y0) && spans_overlap(a->x0, a->x1, b->x0, b->x1);
}

bool layout_is_normal(const vda_rect *r, uint32_t n, uint32_t primary)
{
  box b[VDA_LAYOUT_MAX];
  bool reached[VDA_LAYOUT_MAX] = {false};
  uint32_t count = 1;
  bool grew = true;
  if (n == 0 || n > VDA_LAYOUT_MAX || primary >= n)
    return false;
  if (r[primary].x != 0 || r[primary].y != 0)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (r[i].w == 0 || r[i].h == 0)
      return false;
    b[i] = box_of(&r[i]);
    for (uint32_t j = 0; j < i; j++)
      if (boxes_overlap(&b[i], &b[j]))
        return false;
  }
  /* Grow the set connected to the primary until it stops growing (n is
     * at most 16: the quadratic passes cost nothing). */
  reached[primary] = true;
  while (grew) {
    grew = false;
    for (uint32_t i = 0; i < n; i++) {
      if (reached[i])
        continue;
      for (uint32_t j = 0; j < n; j++) {
        if (reached[j] && boxes_share_edge(&b[i], &b[j])) {
          reached[i] = true;
          count++;
          grew = true;
          break;
        }
      }
    }
  }
  return count == n;
}
