/* test_audio_plan.c - AUDIO_VOLUME_SYNC fields, scaling and channel mapping
 * (common/audio/vda_audio). */
#include <stdint.h>
#include <string.h>

#include "vda_audio.h"
#include "vda_le.h"
#include "vda_test.h"

static const char *why;

#define CHECK_NEAR(a, b) CHECK((float)(a) - (float)(b) < 1e-6f && (float)(b) - (float)(a) < 1e-6f)

/* A message body: is_playback, mute, n channels of vol[]. */
static size_t body(uint8_t *b, int playback, int mute, uint32_t n, const uint16_t *vol)
{
  b[0] = (uint8_t)playback;
  b[1] = (uint8_t)mute;
  b[2] = (uint8_t)n;
  for (uint32_t i = 0; i < n; i++)
    vda_put_le16(b + 3 + 2 * i, vol[i]);
  return 3 + 2 * (size_t)n;
}

static vda_audio_volume parsed(int playback, int mute, uint32_t n, const uint16_t *vol)
{
  uint8_t b[3 + 2 * VDA_AUDIO_MAX_CHANNELS];
  vda_audio_volume v;
  vda_audio_dir dir = VDA_AUDIO_DIRS;
  size_t size = body(b, playback, mute, n, vol);
  memset(&v, 0xa5, sizeof(v));
  CHECK_ACCEPTED(vda_audio_parse(b, size, &dir, &v, &why), why);
  CHECK_EQ(dir, playback ? VDA_AUDIO_PLAYBACK : VDA_AUDIO_CAPTURE);
  CHECK_EQ(v.nchannels, n);
  CHECK_EQ(v.mute, mute != 0);
  for (uint32_t i = 0; i < n; i++)
    CHECK_EQ(v.volume[i], vol[i]);
  return v;
}

static void test_parse(void)
{
  static const uint16_t two[] = {0x1234, 0xfedc};
  uint8_t b[3 + 2 * 40];
  vda_audio_volume v;
  vda_audio_dir dir;
  (void)parsed(1, 0, 2, two);
  (void)parsed(0, 1, 2, two);
  /* Refused by the validator: the wrong size, 0 or too many channels. */
  body(b, 1, 0, 2, two);
  CHECK_REFUSED(vda_audio_parse(b, 6, &dir, &v, &why), why);
  CHECK_REFUSED(vda_audio_parse(b, 8, &dir, &v, &why), why);
  b[2] = 0;
  CHECK_REFUSED(vda_audio_parse(b, 3, &dir, &v, &why), why);
  memset(b, 0, sizeof(b));
  b[0] = 1;
  b[2] = VDA_AUDIO_MAX_CHANNELS + 1;
  CHECK_REFUSED(vda_audio_parse(b, 3 + 2 * (VDA_AUDIO_MAX_CHANNELS + 1), &dir, &v, &why), why);
  CHECK(strcmp(vda_audio_dir_name(VDA_AUDIO_PLAYBACK), "playback") == 0);
  CHECK(strcmp(vda_audio_dir_name(VDA_AUDIO_CAPTURE), "capture") == 0);
}

static void test_scaling(void)
{
  CHECK_NEAR(vda_audio_scalar(0), 0.0f);
  CHECK_NEAR(vda_audio_scalar(65535), 1.0f);
  CHECK_NEAR(vda_audio_scalar(32768), 32768.0f / 65535.0f);
  /* Monotonic over the whole range, never outside 0..1. */
  for (uint32_t v = 1; v <= 65535; v++) {
    float a = vda_audio_scalar((uint16_t)(v - 1)), b = vda_audio_scalar((uint16_t)v);
    if (!(a < b) || b > 1.0f || a < 0.0f) {
      CHECK(!"vda_audio_scalar not increasing within 0..1");
      break;
    }
  }
  CHECK(vda_audio_scalar(1) > 0.0f);
}

/* The same channel count: each channel, in order. */
static void test_matching_channels(void)
{
  static const uint16_t one[] = {49151};
  static const uint16_t two[] = {65535, 16384};
  vda_audio_volume v = parsed(1, 0, 1, one);
  vda_audio_plan p;
  vda_audio_plan_make(&v, 1, &p);
  CHECK(p.per_channel);
  CHECK_EQ(p.count, 1);
  CHECK_NEAR(p.channel[0], 49151.0f / 65535.0f);
  CHECK(!p.mute);

  v = parsed(1, 0, 2, two);
  vda_audio_plan_make(&v, 2, &p);
  CHECK(p.per_channel);
  CHECK_EQ(p.count, 2);
  CHECK_NEAR(p.channel[0], 1.0f);
  CHECK_NEAR(p.channel[1], 16384.0f / 65535.0f);
}

/* Different counts: the master, at the loudest channel. */
static void test_master_when_counts_differ(void)
{
  static const uint16_t one[] = {20000};
  static const uint16_t two[] = {10000, 30000};
  static const uint16_t six[] = {100, 60000, 5, 65000, 0, 300};
  vda_audio_volume v;
  vda_audio_plan p;

  v = parsed(1, 0, 1, one); /* mono message, stereo endpoint */
  vda_audio_plan_make(&v, 2, &p);
  CHECK(!p.per_channel);
  CHECK_EQ(p.count, 0);
  CHECK_NEAR(p.master, 20000.0f / 65535.0f);

  v = parsed(1, 0, 2, two); /* stereo message, mono endpoint */
  vda_audio_plan_make(&v, 1, &p);
  CHECK(!p.per_channel);
  CHECK_NEAR(p.master, 30000.0f / 65535.0f);

  v = parsed(1, 0, 6, six); /* 5.1 message, mono and stereo endpoints */
  vda_audio_plan_make(&v, 1, &p);
  CHECK(!p.per_channel);
  CHECK_NEAR(p.master, 65000.0f / 65535.0f);
  vda_audio_plan_make(&v, 2, &p);
  CHECK(!p.per_channel);
  CHECK_NEAR(p.master, 65000.0f / 65535.0f);
  /* 6 on a 6-channel endpoint pairs them again. */
  vda_audio_plan_make(&v, 6, &p);
  CHECK(p.per_channel);
  CHECK_EQ(p.count, 6);
  CHECK_NEAR(p.channel[3], 65000.0f / 65535.0f);
  CHECK_NEAR(p.channel[4], 0.0f);

  /* Unknown endpoint channel count (GetChannelCount failed): the master. */
  v = parsed(1, 0, 2, two);
  vda_audio_plan_make(&v, 0, &p);
  CHECK(!p.per_channel);
  CHECK_NEAR(p.master, 30000.0f / 65535.0f);
}

static void test_mute(void)
{
  static const uint16_t two[] = {40000, 40000};
  static const uint16_t silent[] = {0, 0};
  vda_audio_volume v = parsed(1, 1, 2, two);
  vda_audio_plan p;
  vda_audio_plan_make(&v, 2, &p);
  CHECK(p.mute);
  /* Mute does not touch the volume: unmuting restores it. */
  CHECK(p.per_channel);
  CHECK_NEAR(p.channel[0], 40000.0f / 65535.0f);
  vda_audio_plan_make(&v, 1, &p);
  CHECK(p.mute);
  CHECK_NEAR(p.master, 40000.0f / 65535.0f);

  v = parsed(0, 0, 2, silent); /* volume 0 is not mute */
  vda_audio_plan_make(&v, 2, &p);
  CHECK(!p.mute);
  CHECK_NEAR(p.channel[0], 0.0f);
  CHECK_NEAR(p.master, 0.0f);
}

int main(void)
{
  RUN_TEST(test_parse);
  RUN_TEST(test_scaling);
  RUN_TEST(test_matching_channels);
  RUN_TEST(test_master_when_counts_differ);
  RUN_TEST(test_mute);
  return vda_test_report("test_audio_plan");
}
