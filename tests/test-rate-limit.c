/* SPDX-License-Identifier: GPL-3.0-or-later */
/* KfRateLimit: the speed parser (curl's --limit-rate syntax) and the token
 * bucket, on a clock the test moves by hand. */
#include "config.h"

#include <string.h>

#include "kf-multipart-stream.h"
#include "kf-rate-limit.h"

#define K ((guint64) 1024)
#define M (K * K)
#define G (M * K)

static void
test_parse_good (void)
{
  static const struct {
    const char *text;
    guint64     rate;
  } cases[] = {
    { "0", 0 },
    { "0K", 0 },
    { "1", 1 },
    { "100", 100 },
    { "500K", 500 * K },
    { "500k", 500 * K },
    { "4M", 4 * M },
    { "4m", 4 * M },
    { "1G", G },
    { "1g", G },
    { "1T", G * K },
    { "1.5M", 3 * M / 2 },
    { ".5K", 512 },
    { "2.", 2 },
    { " 256K ", 256 * K },
    { "0004M", 4 * M },
    { "18446744073709551616", 0 },   /* overflow: must not wrap to this */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 rate = 12345;
      gboolean ok = kf_rate_limit_parse (cases[i].text, &rate, &error);

      if (i == G_N_ELEMENTS (cases) - 1)
        {
          /* 2^64 bytes per second is past the maximum, not 0. */
          g_assert_false (ok);
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
          g_assert_cmpuint (rate, ==, 12345);
          continue;
        }
      g_test_message ("%s", cases[i].text);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (rate, ==, cases[i].rate);
    }
}

static void
test_parse_bad (void)
{
  static const char *cases[] = {
    "", " ", "K", "-1", "-4M", "+4M", "4MB", "4 M", "4MM", "4X", "4Mi", "1e6", "0x10",
    "4M/s", "abc", ".", "1..5M", "4M ", /* trimmed, so fine: checked below */
    "2T", "99999999999999999999999", "0.1", "0.0001K",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 rate = 777;

      if (g_str_equal (cases[i], "4M "))
        continue;
      g_test_message ("%s", cases[i]);
      g_assert_false (kf_rate_limit_parse (cases[i], &rate, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_cmpuint (rate, ==, 777);
      /* The message names what was typed, so the user sees which value. */
      if (*cases[i] != '\0' && *cases[i] != ' ')
        g_assert_nonnull (strstr (error->message, cases[i]));
    }
}

static void
test_format (void)
{
  static const guint64 rates[] = { 1, 100, 1000, K, 500 * K, 4 * M, 3 * M / 2, G, 3 * K + 1, G * K };
  static const char *texts[] = { "1", "100", "1000", "1K", "500K", "4M", "1536K", "1G", "3073", "1T" };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autofree char *text = kf_rate_limit_format (rates[i]);
      guint64 back = 0;

      g_assert_cmpstr (text, ==, texts[i]);
      g_assert_true (kf_rate_limit_parse (text, &back, NULL));
      g_assert_cmpuint (back, ==, rates[i]);
    }
}

/* Takes as much as it is given from @limit between @from and @to (µs), as
 * a sender would: ask, wait as told, ask again. Returns the bytes granted. */
static guint64
drain (KfRateLimit *limit,
       gint64       from,
       gint64       to,
       gsize        chunk)
{
  guint64 total = 0;
  gint64 now = from;

  while (now < to)
    {
      gint64 wait_us = -1;
      gsize got = kf_rate_limit_take (limit, chunk, now, &wait_us);

      g_assert_cmpuint (got, <=, chunk);
      if (got > 0)
        {
          total += got;
          g_assert_cmpint (wait_us, ==, 0);
          continue;
        }
      g_assert_cmpint (wait_us, >=, 1000);
      now += wait_us;
    }
  return total;
}

static void
test_bucket_rate (void)
{
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (256 * K);
  gint64 start = g_get_monotonic_time ();
  guint64 sent;

  g_assert_cmpuint (kf_rate_limit_get_rate (limit), ==, 256 * K);
  /* Starts empty: nothing before the first step's worth has been earned. */
  g_assert_cmpuint (kf_rate_limit_take (limit, 8192, start, NULL), ==, 0);

  /* Ten seconds of asking for 8 KiB at a time: ten seconds' worth, give or
   * take one step. */
  sent = drain (limit, start, start + 10 * G_USEC_PER_SEC, 8192);
  g_assert_cmpuint (sent, <=, 10 * 256 * K + 8192);
  g_assert_cmpuint (sent, >=, 10 * 256 * K - 8192);
}

static void
test_bucket_burst (void)
{
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (4 * M);
  gint64 start = g_get_monotonic_time ();
  guint64 sent = 0;
  gsize got;

  /* After a long idle time, at most an eighth of a second's worth at once. */
  while ((got = kf_rate_limit_take (limit, 64 * K, start + 60 * G_USEC_PER_SEC, NULL)) > 0)
    sent += got;
  g_assert_cmpuint (sent, <=, 4 * M / 8);
  g_assert_cmpuint (sent, >=, 4 * M / 8 - 64 * K);
}

static void
test_bucket_small_steps (void)
{
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (1000);
  gint64 now = g_get_monotonic_time ();
  gint64 wait_us = 0;
  gsize got;

  /* 1000 bytes/s: grants of 20 bytes (what 20 ms makes), never 8 KiB at once. */
  g_assert_cmpuint (kf_rate_limit_take (limit, 8192, now, &wait_us), ==, 0);
  g_assert_cmpint (wait_us, >, 15000);
  g_assert_cmpint (wait_us, <=, 21000);
  now += wait_us;
  got = kf_rate_limit_take (limit, 8192, now, &wait_us);
  g_assert_cmpuint (got, >=, 20);
  g_assert_cmpuint (got, <=, 21);
}

static void
test_bucket_change (void)
{
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (100 * K);
  gint64 start = g_get_monotonic_time ();
  gint64 wait_us = 0;
  guint64 sent;

  sent = drain (limit, start, start + G_USEC_PER_SEC, 8192);
  g_assert_cmpuint (sent, <=, 100 * K + 8192);

  /* Unlimited: whatever is asked, at once. */
  kf_rate_limit_set_rate (limit, 0);
  g_assert_cmpuint (kf_rate_limit_take (limit, 1 << 30, start, &wait_us), ==, (gsize) 1 << 30);
  g_assert_cmpint (wait_us, ==, 0);

  /* Limited again: starts empty, not with what was "saved" meanwhile. */
  kf_rate_limit_set_rate (limit, 1 * M);
  g_assert_cmpuint (kf_rate_limit_take (limit, 8192, g_get_monotonic_time (), NULL), ==, 0);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (0);
  guint count = 0;
  guint64 rate = 0;

  g_signal_connect (limit, "notify::rate", G_CALLBACK (on_notify), &count);
  kf_rate_limit_set_rate (limit, 5);
  kf_rate_limit_set_rate (limit, 5);
  g_object_set (limit, "rate", (guint64) 6, NULL);
  g_object_get (limit, "rate", &rate, NULL);
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpuint (rate, ==, 6);
}

/* The body stream's non-blocking reads take from the same bucket. */
static void
test_stream_nonblocking (void)
{
  g_autoptr(KfMultipartStream) body = kf_multipart_stream_new ();
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (1000);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = g_strnfill (4000, 'x');
  char buffer[8192];
  gssize n;

  kf_multipart_stream_add_field (body, "big", value);
  kf_multipart_stream_finish (body);
  kf_multipart_stream_set_rate_limit (body, limit);

  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (body), buffer,
                                                sizeof buffer, NULL, &error);
  /* The bucket starts empty. */
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  /* No limit: the whole buffer. */
  kf_rate_limit_set_rate (limit, 0);
  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (body), buffer,
                                                sizeof buffer, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, MIN ((goffset) sizeof buffer, kf_multipart_stream_get_length (body)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limit/parse/good", test_parse_good);
  g_test_add_func ("/rate-limit/parse/bad", test_parse_bad);
  g_test_add_func ("/rate-limit/format", test_format);
  g_test_add_func ("/rate-limit/bucket/rate", test_bucket_rate);
  g_test_add_func ("/rate-limit/bucket/burst", test_bucket_burst);
  g_test_add_func ("/rate-limit/bucket/small-steps", test_bucket_small_steps);
  g_test_add_func ("/rate-limit/bucket/change", test_bucket_change);
  g_test_add_func ("/rate-limit/notify", test_notify);
  g_test_add_func ("/rate-limit/stream/nonblocking", test_stream_nonblocking);

  return g_test_run ();
}
