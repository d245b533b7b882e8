/* vda_ratelimit.h - one log line per reason per interval, and a count of
 * what was suppressed.
 *
 * A host that floods the port with refused messages must not flood the log
 * (or spend its time writing it): each refusal path passes a key that names
 * its reason (a static string's address, e.g. the reader's `why`). After a
 * quiet interval the first `burst` lines of a key pass; later ones are
 * counted. Once the interval has ended, vda_ratelimit_expire() (or the
 * key's next line) reports how many were suppressed, with the text of the
 * line that passed, so the log says "N similar"; while the flood goes on it
 * keeps counting, one summary per interval. A key quiet for a whole
 * interval is forgotten, and its next line passes again.
 *
 * Bounded: a fixed table of slots. Keys are reasons in the code, so there
 * are few; should more arrive than there are slots, the extra keys share one
 * overflow slot (still limited, still counted). No clock and no I/O: the
 * caller passes the time, so this is unit-tested natively. Not thread-safe:
 * the caller holds its own lock. */
#ifndef VDA_RATELIMIT_H
#define VDA_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDA_RATELIMIT_SLOTS 32
#define VDA_RATELIMIT_WHAT 96

typedef struct vda_ratelimit_slot {
  uintptr_t key; /* 0: free */
  uint64_t start_ms;
  uint32_t passed;     /* lines let through in this interval */
  uint64_t suppressed; /* lines counted instead */
  char what[VDA_RATELIMIT_WHAT];
} vda_ratelimit_slot;

typedef struct vda_ratelimit {
  uint32_t interval_ms;
  uint32_t burst;
  vda_ratelimit_slot slots[VDA_RATELIMIT_SLOTS + 1]; /* the last one: overflow */
} vda_ratelimit;

/* burst lines per interval_ms per key (burst 0 is taken as 1). */
void vda_ratelimit_init(vda_ratelimit *rl, uint32_t interval_ms, uint32_t burst);

/* What a line of `key` at now_ms may do. */
typedef struct vda_ratelimit_verdict {
  bool pass;            /* write the line */
  uint64_t suppressed;  /* before it: "N similar suppressed" (0: nothing to say) */
  uint64_t interval_ms; /* ... over this long */
  const char *what;     /* ... of lines like this (valid until the next call) */
} vda_ratelimit_verdict;

/* key must not be 0. what: a short description kept with the key when a
 * new interval starts (NULL: none), reported with the suppressed count. */
vda_ratelimit_verdict vda_ratelimit_check(vda_ratelimit *rl, uintptr_t key, const char *what,
                                          uint64_t now_ms);

/* For each key whose interval has ended with lines suppressed: report(ctx,
 * what, count, interval) and a fresh interval. Keys quiet for a whole
 * interval are forgotten. */
void vda_ratelimit_expire(vda_ratelimit *rl, uint64_t now_ms,
                          void (*report)(void *ctx, const char *what, uint64_t suppressed,
                                         uint64_t interval_ms),
                          void *ctx);

/* Milliseconds until vda_ratelimit_expire() has something to report;
 * UINT64_MAX when nothing is suppressed (no timer needed). */
uint64_t vda_ratelimit_next_due(const vda_ratelimit *rl, uint64_t now_ms);

#endif
