/* test_audio_latest.c - the newest AUDIO_VOLUME_SYNC per direction and what
 * is still owed to an endpoint (common/audio/vda_audio). */
#include <stdint.h>
#include <string.h>

#include "vda_audio.h"
#include "vda_test.h"

static vda_audio_volume vol(uint16_t level, bool mute)
{
  vda_audio_volume v;
  memset(&v, 0, sizeof(v));
  v.nchannels = 2;
  v.volume[0] = v.volume[1] = level;
  v.mute = mute;
  return v;
}

static void test_nothing_owed_at_start(void)
{
  vda_audio_latest l;
  vda_audio_volume out;
  vda_audio_latest_init(&l);
  CHECK(!vda_audio_latest_take(&l, VDA_AUDIO_PLAYBACK, &out));
  CHECK(!vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out));
  /* An endpoint appearing before any value owes nothing. */
  CHECK(!vda_audio_latest_endpoint_changed(&l, VDA_AUDIO_PLAYBACK));
  CHECK(!vda_audio_latest_take(&l, VDA_AUDIO_PLAYBACK, &out));
}

/* A burst keeps only its newest value; each direction its own. */
static void test_burst_coalesces_per_direction(void)
{
  vda_audio_latest l;
  vda_audio_volume v, out;
  vda_audio_latest_init(&l);
  v = vol(100, false);
  CHECK(!vda_audio_latest_put(&l, VDA_AUDIO_PLAYBACK, &v));
  for (uint16_t i = 1; i <= 50; i++) {
    v = vol((uint16_t)(100 + i * 1000), i == 50);
    CHECK(vda_audio_latest_put(&l, VDA_AUDIO_PLAYBACK, &v));
  }
  v = vol(7, false);
  CHECK(!vda_audio_latest_put(&l, VDA_AUDIO_CAPTURE, &v));
  CHECK_EQ(l.dir[VDA_AUDIO_PLAYBACK].coalesced, 50);
  CHECK_EQ(l.dir[VDA_AUDIO_CAPTURE].coalesced, 0);

  CHECK(vda_audio_latest_take(&l, VDA_AUDIO_PLAYBACK, &out));
  CHECK_EQ(out.volume[0], 100 + 50 * 1000);
  CHECK(out.mute);
  CHECK(!vda_audio_latest_take(&l, VDA_AUDIO_PLAYBACK, &out)); /* taken once */
  CHECK(vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out));
  CHECK_EQ(out.volume[0], 7);
  CHECK(!out.mute);

  /* After a take, the next value is not a coalescing. */
  v = vol(9, false);
  CHECK(!vda_audio_latest_put(&l, VDA_AUDIO_PLAYBACK, &v));
  CHECK_EQ(l.dir[VDA_AUDIO_PLAYBACK].coalesced, 50);
}

/* No endpoint when taken: a new default endpoint gets the newest value. */
static void test_endpoint_appearing_gets_the_newest(void)
{
  vda_audio_latest l;
  vda_audio_volume v, out;
  vda_audio_latest_init(&l);
  v = vol(1000, false);
  vda_audio_latest_put(&l, VDA_AUDIO_CAPTURE, &v);
  CHECK(vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out)); /* ...and no endpoint */
  v = vol(2000, true);
  vda_audio_latest_put(&l, VDA_AUDIO_CAPTURE, &v);
  CHECK(vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out)); /* still none */
  CHECK(!vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out));

  /* A playback endpoint appearing owes nothing to capture. */
  CHECK(!vda_audio_latest_endpoint_changed(&l, VDA_AUDIO_PLAYBACK));
  CHECK(!vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out));

  CHECK(vda_audio_latest_endpoint_changed(&l, VDA_AUDIO_CAPTURE));
  memset(&out, 0, sizeof(out));
  CHECK(vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out));
  CHECK_EQ(out.volume[1], 2000);
  CHECK(out.mute);
  /* Changing endpoints again re-owes the same value (a new default device
   * starts with its own volume). */
  CHECK(vda_audio_latest_endpoint_changed(&l, VDA_AUDIO_CAPTURE));
  CHECK(vda_audio_latest_take(&l, VDA_AUDIO_CAPTURE, &out));
  CHECK_EQ(out.volume[0], 2000);
}

int main(void)
{
  RUN_TEST(test_nothing_owed_at_start);
  RUN_TEST(test_burst_coalesces_per_direction);
  RUN_TEST(test_endpoint_appearing_gets_the_newest);
  return vda_test_report("test_audio_latest");
}
