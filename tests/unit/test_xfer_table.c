/* test_xfer_table.c - the table of active file transfers. */
#include <stdint.h>
#include <string.h>

#include "vda_test.h"
#include "vda_xfer_table.h"

static vda_xfer_table t;
static const char *why;
static int files[VDA_XFER_MAX_ACTIVE + 1]; /* stand-ins for the caller's state */

#define GEN 7u

/* Slots in use (all generations). */
static unsigned active(void)
{
  unsigned n = 0;
  for (size_t i = 0; i < VDA_XFER_MAX_ACTIVE; i++)
    n += t.slot[i].state != VDA_XFER_SLOT_FREE;
  return n;
}

/* START + ready for a transfer that then waits for data. */
static void open_xfer(uint32_t id, uint64_t size)
{
  CHECK_EQ(vda_xfer_table_start(&t, id, GEN, size, &why), VDA_XFER_START_OK);
  CHECK(why == NULL);
  CHECK_EQ(vda_xfer_table_ready(&t, id, GEN, &files[id % 65]),
           size ? VDA_XFER_READY_SEND_DATA : VDA_XFER_READY_COMPLETE);
}

static vda_xfer_data_verdict data(uint32_t id, uint32_t gen, uint64_t len)
{
  static vda_xfer_slot sentinel;
  vda_xfer_slot *s = &sentinel; /* must be overwritten */
  vda_xfer_data_verdict v = vda_xfer_table_data(&t, id, gen, len, &s, &why);
  if (v == VDA_XFER_DATA_UNKNOWN)
    CHECK(s == NULL);
  else
    CHECK(s != NULL && s->id == id && s->generation == gen);
  return v;
}

static void test_lifecycle(void)
{
  vda_xfer_slot *s;
  vda_xfer_slot out;
  vda_xfer_table_init(&t);
  CHECK_EQ(active(), 0);
  CHECK_EQ(vda_xfer_table_start(&t, 5, GEN, 100, &why), VDA_XFER_START_OK);
  s = vda_xfer_table_find(&t, 5, GEN);
  CHECK(s != NULL);
  CHECK_EQ(s->state, VDA_XFER_SLOT_OPENING);
  CHECK_EQ(s->size, 100);
  CHECK_EQ(s->received, 0);
  CHECK(s->file == NULL);
  CHECK_EQ(active(), 1);
  /* DATA before CAN_SEND_DATA: the transfer is failed */
  CHECK_EQ(data(5, GEN, 10), VDA_XFER_DATA_UNEXPECTED);
  CHECK(why != NULL);
  CHECK_EQ(s->received, 0);
  CHECK_EQ(vda_xfer_table_ready(&t, 5, GEN, &files[5]), VDA_XFER_READY_SEND_DATA);
  CHECK_EQ(s->state, VDA_XFER_SLOT_WAITING_DATA);
  CHECK(s->file == &files[5]);
  /* ready twice is not a second CAN_SEND_DATA */
  CHECK_EQ(vda_xfer_table_ready(&t, 5, GEN, &files[5]), VDA_XFER_READY_UNKNOWN);
  CHECK_EQ(data(5, GEN, 60), VDA_XFER_DATA_MORE);
  CHECK_EQ(s->received, 60);
  CHECK(why == NULL);
  CHECK_EQ(data(5, GEN, 0), VDA_XFER_DATA_IGNORED);
  CHECK_EQ(s->received, 60);
  /* exact completion */
  CHECK_EQ(data(5, GEN, 40), VDA_XFER_DATA_COMPLETE);
  CHECK_EQ(s->received, 100);
  CHECK_EQ(s->state, VDA_XFER_SLOT_COMPLETE);
  /* after completion: 0 bytes ignored, 1 byte overflows */
  CHECK_EQ(data(5, GEN, 0), VDA_XFER_DATA_IGNORED);
  CHECK_EQ(data(5, GEN, 1), VDA_XFER_DATA_OVERFLOW);
  CHECK_EQ(s->received, 100);
  memset(&out, 0, sizeof(out));
  CHECK(vda_xfer_table_finish(&t, 5, GEN, &out));
  CHECK_EQ(out.id, 5);
  CHECK_EQ(out.received, 100);
  CHECK(out.file == &files[5]);
  CHECK_EQ(active(), 0);
  CHECK(vda_xfer_table_find(&t, 5, GEN) == NULL);
  CHECK(!vda_xfer_table_finish(&t, 5, GEN, &out));
  /* gone: later DATA is unknown */
  CHECK_EQ(data(5, GEN, 1), VDA_XFER_DATA_UNKNOWN);
  CHECK(why != NULL);
}

static void test_overflow_by_one_byte(void)
{
  vda_xfer_slot *s;
  vda_xfer_table_init(&t);
  open_xfer(1, 1000);
  s = vda_xfer_table_find(&t, 1, GEN);
  CHECK_EQ(data(1, GEN, 999), VDA_XFER_DATA_MORE);
  CHECK_EQ(data(1, GEN, 2), VDA_XFER_DATA_OVERFLOW);
  CHECK(why != NULL);
  CHECK_EQ(s->received, 999); /* nothing accounted */
  CHECK_EQ(s->state, VDA_XFER_SLOT_WAITING_DATA);
  /* a single piece one byte too big */
  open_xfer(2, 10);
  CHECK_EQ(data(2, GEN, 11), VDA_XFER_DATA_OVERFLOW);
  CHECK_EQ(data(2, GEN, 10), VDA_XFER_DATA_COMPLETE);
  /* huge values cannot wrap the accounting */
  open_xfer(3, UINT64_MAX);
  CHECK_EQ(data(3, GEN, UINT64_MAX - 1), VDA_XFER_DATA_MORE);
  CHECK_EQ(data(3, GEN, UINT64_MAX), VDA_XFER_DATA_OVERFLOW);
  CHECK_EQ(data(3, GEN, 2), VDA_XFER_DATA_OVERFLOW);
  CHECK_EQ(data(3, GEN, 1), VDA_XFER_DATA_COMPLETE);
  open_xfer(4, 5);
  CHECK_EQ(data(4, GEN, UINT64_MAX), VDA_XFER_DATA_OVERFLOW);
}

static void test_zero_size(void)
{
  vda_xfer_slot *s;
  vda_xfer_table_init(&t);
  CHECK_EQ(vda_xfer_table_start(&t, 9, GEN, 0, &why), VDA_XFER_START_OK);
  CHECK_EQ(vda_xfer_table_ready(&t, 9, GEN, &files[9]), VDA_XFER_READY_COMPLETE);
  s = vda_xfer_table_find(&t, 9, GEN);
  CHECK(s != NULL && s->state == VDA_XFER_SLOT_COMPLETE);
  /* the empty DATA older clients send is harmless */
  CHECK_EQ(data(9, GEN, 0), VDA_XFER_DATA_IGNORED);
  CHECK_EQ(data(9, GEN, 1), VDA_XFER_DATA_OVERFLOW);
  CHECK(vda_xfer_table_finish(&t, 9, GEN, NULL));
  CHECK_EQ(data(9, GEN, 0), VDA_XFER_DATA_UNKNOWN);
  CHECK_EQ(active(), 0);
}

static void test_cap(void)
{
  vda_xfer_slot out;
  vda_xfer_table_init(&t);
  for (uint32_t id = 1; id <= VDA_XFER_MAX_ACTIVE; id++)
    CHECK_EQ(vda_xfer_table_start(&t, id, GEN, id, &why), VDA_XFER_START_OK);
  CHECK_EQ(active(), 64);
  /* the 65th is refused and changes nothing */
  CHECK_EQ(vda_xfer_table_start(&t, 1000, GEN, 1, &why), VDA_XFER_START_FULL);
  CHECK(why != NULL);
  CHECK(vda_xfer_table_find(&t, 1000, GEN) == NULL);
  CHECK_EQ(active(), 64);
  /* also from another connection: the cap is global */
  CHECK_EQ(vda_xfer_table_start(&t, 1000, GEN + 1, 1, &why), VDA_XFER_START_FULL);
  /* a duplicate id is still reported as such when full */
  CHECK_EQ(vda_xfer_table_start(&t, 3, GEN, 1, &why), VDA_XFER_START_DUPLICATE);
  /* one finishes: room for one more */
  CHECK(vda_xfer_table_cancel(&t, 17, GEN, &out));
  CHECK_EQ(out.id, 17);
  CHECK_EQ(vda_xfer_table_start(&t, 1000, GEN, 1, &why), VDA_XFER_START_OK);
  CHECK_EQ(vda_xfer_table_start(&t, 1001, GEN, 1, &why), VDA_XFER_START_FULL);
}

static void test_duplicate_id(void)
{
  vda_xfer_slot *s;
  vda_xfer_table_init(&t);
  open_xfer(42, 100);
  CHECK_EQ(data(42, GEN, 30), VDA_XFER_DATA_MORE);
  CHECK_EQ(vda_xfer_table_start(&t, 42, GEN, 5, &why), VDA_XFER_START_DUPLICATE);
  CHECK(why != NULL);
  /* the existing transfer continues untouched */
  s = vda_xfer_table_find(&t, 42, GEN);
  CHECK(s != NULL);
  CHECK_EQ(s->size, 100);
  CHECK_EQ(s->received, 30);
  CHECK_EQ(s->state, VDA_XFER_SLOT_WAITING_DATA);
  CHECK(s->file == &files[42]);
  CHECK_EQ(active(), 1);
  CHECK_EQ(data(42, GEN, 70), VDA_XFER_DATA_COMPLETE);
  /* also while still OPENING or COMPLETE */
  CHECK_EQ(vda_xfer_table_start(&t, 42, GEN, 5, &why), VDA_XFER_START_DUPLICATE);
  CHECK_EQ(vda_xfer_table_start(&t, 43, GEN, 5, &why), VDA_XFER_START_OK);
  CHECK_EQ(vda_xfer_table_start(&t, 43, GEN, 5, &why), VDA_XFER_START_DUPLICATE);
  /* once finished, the id may be used again */
  CHECK(vda_xfer_table_finish(&t, 42, GEN, NULL));
  CHECK_EQ(vda_xfer_table_start(&t, 42, GEN, 5, &why), VDA_XFER_START_OK);
}

static void test_unknown_id(void)
{
  vda_xfer_table_init(&t);
  CHECK_EQ(data(1, GEN, 10), VDA_XFER_DATA_UNKNOWN);
  CHECK(why != NULL);
  open_xfer(1, 10);
  CHECK_EQ(data(2, GEN, 10), VDA_XFER_DATA_UNKNOWN);
  CHECK_EQ(vda_xfer_table_ready(&t, 2, GEN, NULL), VDA_XFER_READY_UNKNOWN);
  CHECK(!vda_xfer_table_cancel(&t, 2, GEN, NULL));
  CHECK(vda_xfer_table_find(&t, 2, GEN) == NULL);
  CHECK_EQ(active(), 1);
  /* a transfer cancelled while its file was being created */
  CHECK_EQ(vda_xfer_table_start(&t, 3, GEN, 10, &why), VDA_XFER_START_OK);
  CHECK(vda_xfer_table_cancel(&t, 3, GEN, NULL));
  CHECK_EQ(vda_xfer_table_ready(&t, 3, GEN, &files[3]), VDA_XFER_READY_UNKNOWN);
}

static void test_generation_mismatch(void)
{
  vda_xfer_slot *s;
  vda_xfer_table_init(&t);
  open_xfer(8, 100);
  /* a later connection cannot reach the earlier one's transfer */
  CHECK_EQ(data(8, GEN + 1, 10), VDA_XFER_DATA_UNKNOWN);
  CHECK(vda_xfer_table_find(&t, 8, GEN + 1) == NULL);
  CHECK(!vda_xfer_table_cancel(&t, 8, GEN + 1, NULL));
  CHECK(!vda_xfer_table_finish(&t, 8, GEN + 1, NULL));
  CHECK_EQ(vda_xfer_table_ready(&t, 8, GEN + 1, NULL), VDA_XFER_READY_UNKNOWN);
  /* the same id from the new connection is a different transfer */
  CHECK_EQ(vda_xfer_table_start(&t, 8, GEN + 1, 5, &why), VDA_XFER_START_OK);
  CHECK_EQ(vda_xfer_table_ready(&t, 8, GEN + 1, &files[64]), VDA_XFER_READY_SEND_DATA);
  CHECK_EQ(data(8, GEN + 1, 5), VDA_XFER_DATA_COMPLETE);
  s = vda_xfer_table_find(&t, 8, GEN);
  CHECK(s != NULL);
  CHECK_EQ(s->received, 0);
  CHECK(s->file == &files[8]);
  CHECK_EQ(data(8, GEN, 100), VDA_XFER_DATA_COMPLETE);
  CHECK_EQ(active(), 2);
}

static void test_cancel(void)
{
  vda_xfer_slot one;
  vda_xfer_table_init(&t);
  open_xfer(10, 100);
  open_xfer(11, 200);
  CHECK_EQ(vda_xfer_table_start(&t, 12, GEN, 300, &why), VDA_XFER_START_OK);
  CHECK_EQ(vda_xfer_table_start(&t, 13, GEN + 1, 400, &why), VDA_XFER_START_OK);
  CHECK_EQ(data(11, GEN, 50), VDA_XFER_DATA_MORE);
  /* cancel hands back the slot, file included */
  memset(&one, 0, sizeof(one));
  CHECK(vda_xfer_table_cancel(&t, 10, GEN, &one));
  CHECK_EQ(one.id, 10);
  CHECK_EQ(one.size, 100);
  CHECK(one.file == &files[10]);
  CHECK_EQ(one.state, VDA_XFER_SLOT_WAITING_DATA);
  CHECK(!vda_xfer_table_cancel(&t, 10, GEN, &one));
  CHECK_EQ(data(10, GEN, 1), VDA_XFER_DATA_UNKNOWN);
  CHECK_EQ(active(), 3);
  /* the rest, one by one as the agent drops them on CLIENT_DISCONNECTED:
     * each hands back its slot, whatever its state or generation */
  memset(&one, 0, sizeof(one));
  CHECK(vda_xfer_table_cancel(&t, 11, GEN, &one));
  CHECK_EQ(one.received, 50);
  CHECK(one.file == &files[11]);
  CHECK(vda_xfer_table_cancel(&t, 12, GEN, &one));
  CHECK_EQ(one.id, 12);
  CHECK_EQ(one.state, VDA_XFER_SLOT_OPENING);
  CHECK(one.file == NULL);
  CHECK(vda_xfer_table_cancel(&t, 13, GEN + 1, &one));
  CHECK_EQ(one.id, 13);
  CHECK_EQ(one.generation, GEN + 1);
  CHECK_EQ(active(), 0);
  CHECK_EQ(data(11, GEN, 1), VDA_XFER_DATA_UNKNOWN);
  /* a full table empties completely, and is usable again */
  for (uint32_t id = 0; id < VDA_XFER_MAX_ACTIVE; id++)
    open_xfer(id, 1);
  CHECK_EQ(active(), 64);
  for (uint32_t id = 0; id < VDA_XFER_MAX_ACTIVE; id++)
    CHECK(vda_xfer_table_cancel(&t, id, GEN, NULL));
  CHECK_EQ(active(), 0);
  CHECK_EQ(vda_xfer_table_start(&t, 0, GEN, 1, &why), VDA_XFER_START_OK);
}

static void test_free_space(void)
{
  const uint64_t R = VDA_XFER_RESERVE_DEFAULT;
  CHECK_EQ(R, 64u * 1024u * 1024u);
  CHECK(vda_xfer_fits(100, R + 100, R));
  CHECK(!vda_xfer_fits(101, R + 100, R));
  CHECK(!vda_xfer_fits(1, R, R));
  CHECK(!vda_xfer_fits(1, R - 1, R));
  CHECK(!vda_xfer_fits(1, 0, R));
  CHECK(vda_xfer_fits(0, 0, R)); /* an empty file always fits */
  CHECK(vda_xfer_fits(UINT64_MAX - R, UINT64_MAX, R));
  CHECK(!vda_xfer_fits(UINT64_MAX, UINT64_MAX, R));
  CHECK(vda_xfer_fits(UINT64_MAX, UINT64_MAX, 0));
  CHECK(vda_xfer_fits(5, 5, 0));
  CHECK_EQ(vda_xfer_usable(R + 7, R), 7);
  CHECK_EQ(vda_xfer_usable(R, R), 0);
  CHECK_EQ(vda_xfer_usable(3, R), 0);
}

int main(void)
{
  RUN_TEST(test_lifecycle);
  RUN_TEST(test_overflow_by_one_byte);
  RUN_TEST(test_zero_size);
  RUN_TEST(test_cap);
  RUN_TEST(test_duplicate_id);
  RUN_TEST(test_unknown_id);
  RUN_TEST(test_generation_mismatch);
  RUN_TEST(test_cancel);
  RUN_TEST(test_free_space);
  return vda_test_report("test_xfer_table");
}
