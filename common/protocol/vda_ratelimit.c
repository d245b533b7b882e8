/* One log line per reason per interval (see vda_ratelimit.h). */
#include "vda_ratelimit.h"

#include <string.h>

void vda_ratelimit_init(vda_ratelimit *rl, uint32_t interval_ms, uint32_t burst)
{
  memset(rl, 0, sizeof(*rl));
  rl->interval_ms = interval_ms;
  rl->burst = burst ? burst : 1;
}

static bool ended(const vda_ratelimit *rl, const vda_ratelimit_slot *s, uint64_t now_ms)
{
  return now_ms - s->start_ms >= rl->interval_ms;
}

static void start(vda_ratelimit_slot *s, uintptr_t key, const char *what, uint64_t now_ms)
{
  s->key = key;
  s->start_ms = now_ms;
  s->passed = 0;
  s->suppressed = 0;
  if (what) {
    strncpy(s->what, what, sizeof(s->what) - 1);
    s->what[sizeof(s->what) - 1] = 0;
  } else {
    s->what[0] = 0;
  }
}

/* The key's slot; else a free one or one whose quiet interval has ended
 * with nothing to report; else the overflow slot. */
static vda_ratelimit_slot *find(vda_ratelimit *rl, uintptr_t key, uint64_t now_ms)
{
  vda_ratelimit_slot *spare = NULL;
  for (size_t i = 0; i < VDA_RATELIMIT_SLOTS; i++) {
    vda_ratelimit_slot *s = &rl->slots[i];
    if (s->key == key)
      return s;
    if (!spare && (s->key == 0 || (ended(rl, s, now_ms) && s->suppressed == 0)))
      spare = s;
  }
  if (spare) {
    spare->key = 0;
    return spare;
  }
  return &rl->slots[VDA_RATELIMIT_SLOTS];
}

vda_ratelimit_verdict vda_ratelimit_check(vda_ratelimit *rl, uintptr_t key, const char *what,
                                          uint64_t now_ms)
{
  vda_ratelimit_verdict v = {.pass = false};
  vda_ratelimit_slot *s = find(rl, key, now_ms);

  if (s == &rl->slots[VDA_RATELIMIT_SLOTS])
    key = UINTPTR_MAX; /* every key that found no slot */
  if (s->key != key) {
    start(s, key, what, now_ms);
  } else if (ended(rl, s, now_ms)) {
    if (s->suppressed > 0) {
      /* Still flooding: say how many, and keep counting (one summary per
       * interval, as vda_ratelimit_expire() does). */
      v.suppressed = s->suppressed;
      v.interval_ms = now_ms - s->start_ms;
      v.what = s->what;
      s->start_ms = now_ms;
      s->passed = rl->burst;
      s->suppressed = 0;
    } else {
      start(s, key, what, now_ms);
    }
  }
  if (s->passed < rl->burst) {
    s->passed++;
    v.pass = true;
  } else {
    s->suppressed++;
  }
  return v;
}

void vda_ratelimit_expire(vda_ratelimit *rl, uint64_t now_ms,
                          void (*report)(void *ctx, const char *what, uint64_t suppressed,
                                         uint64_t interval_ms),
                          void *ctx)
{
  for (size_t i = 0; i <= VDA_RATELIMIT_SLOTS; i++) {
    vda_ratelimit_slot *s = &rl->slots[i];
    if (s->key == 0 || !ended(rl, s, now_ms))
      continue;
    if (s->suppressed > 0) {
      report(ctx, s->what, s->suppressed, now_ms - s->start_ms);
      /* A fresh interval that keeps counting: a flood that goes on gives
       * one summary per interval; a key quiet for an interval is forgotten
       * and its next line is written again. */
      s->start_ms = now_ms;
      s->passed = rl->burst;
      s->suppressed = 0;
    } else {
      s->key = 0;
    }
  }
}

uint64_t vda_ratelimit_next_due(const vda_ratelimit *rl, uint64_t now_ms)
{
  uint64_t due = UINT64_MAX;
  for (size_t i = 0; i <= VDA_RATELIMIT_SLOTS; i++) {
    const vda_ratelimit_slot *s = &rl->slots[i];
    uint64_t left;
    if (s->key == 0 || s->suppressed == 0)
      continue;
    left = ended(rl, s, now_ms) ? 0 : rl->interval_ms - (now_ms - s->start_ms);
    if (left < due)
      due = left;
  }
  return due;
}
