#include "session_queue.h"

#include "log.h"

#define QUEUE_LEN 32

static struct {
  CRITICAL_SECTION lock;
  HANDLE event;
  DWORD events[QUEUE_LEN], sessions[QUEUE_LEN];
  unsigned head, count;
  unsigned lost; /* overwritten since the last pop */
} q;

bool vds_session_queue_init(void)
{
  InitializeCriticalSection(&q.lock);
  q.event = CreateEventW(NULL, FALSE, FALSE, NULL);
  return q.event != NULL;
}

void vds_session_queue_push(DWORD event, DWORD session)
{
  EnterCriticalSection(&q.lock);
  if (q.count == QUEUE_LEN) {
    q.head = (q.head + 1) % QUEUE_LEN;
    q.count--;
    q.lost++;
  }
  q.events[(q.head + q.count) % QUEUE_LEN] = event;
  q.sessions[(q.head + q.count) % QUEUE_LEN] = session;
  q.count++;
  LeaveCriticalSection(&q.lock);
  SetEvent(q.event);
}

bool vds_session_queue_pop(DWORD *event, DWORD *session)
{
  bool got = false;
  unsigned lost;
  EnterCriticalSection(&q.lock);
  lost = q.lost;
  q.lost = 0;
  if (q.count > 0) {
    *event = q.events[q.head];
    *session = q.sessions[q.head];
    q.head = (q.head + 1) % QUEUE_LEN;
    q.count--;
    got = true;
  }
  LeaveCriticalSection(&q.lock);
  /* Logged here, on the loop's thread, once per burst. */
  if (lost)
    LOG_WARN("%u session change(s) lost: more than %u arrived before the loop ran", lost,
             QUEUE_LEN);
  return got;
}

HANDLE vds_session_queue_event(void)
{
  return q.event;
}
