#include "session_queue.h"

#define QUEUE_LEN 32

static struct {
  CRITICAL_SECTION lock;
  HANDLE event;
  DWORD events[QUEUE_LEN], sessions[QUEUE_LEN];
  unsigned head, count;
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
  EnterCriticalSection(&q.lock);
  if (q.count > 0) {
    *event = q.events[q.head];
    *session = q.sessions[q.head];
    q.head = (q.head + 1) % QUEUE_LEN;
    q.count--;
    got = true;
  }
  LeaveCriticalSection(&q.lock);
  return got;
}

HANDLE vds_session_queue_event(void)
{
  return q.event;
}
