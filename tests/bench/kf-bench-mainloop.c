/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark (not a test): the longest gap between main-loop ticks of the
 * desktop app while one large file uploads to the in-process sandbox.
 *
 *   xvfb-run -a BUILD/tests/app/kf-bench-mainloop [SIZE_MIB]   (default 1024)
 *
 * KF_BENCH_LIMIT_KIB=N turns the app's speed limit (Preferences) on at N KiB/s
 * first: the wall time then checks the limit's accuracy through the app,
 * and the gaps what the limit costs the main loop.
 *
 * A 1 ms timer records every interval between its runs; any interval much
 * longer than 1 ms is time the main loop spent elsewhere (a stall). The
 * window's frame clock is watched too. */
#include "config.h"

#include <stdlib.h>

#include "kf-app-test-util.h"
#include "kf-test-util.h"

typedef struct {
  gint64 first_us;
  gint64 last_us;
  gint64 max_gap_at_us;
  gint64 max_gap_us;
  guint  n_ticks;
  guint  n_over_16ms;
} Ticks;

static void
ticks_record (Ticks *ticks)
{
  gint64 now = g_get_monotonic_time ();

  if (ticks->last_us > 0)
    {
      gint64 gap = now - ticks->last_us;

      if (gap > ticks->max_gap_us)
        {
          ticks->max_gap_us = gap;
          ticks->max_gap_at_us = now - ticks->first_us;
        }
      if (gap > 16000)
        ticks->n_over_16ms++;
    }
  else
    ticks->first_us = now;
  ticks->last_us = now;
  ticks->n_ticks++;
}

static gboolean
timer_cb (gpointer user_data)
{
  ticks_record (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  ticks_record (user_data);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GFile    *file;
  guint64   size_mib;
  gboolean  done;
} Bench;

static void
bench_body (KfApplication *app,
            gpointer       data)
{
  Bench *bench = data;
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadItem *item;
  Ticks timer = { 0 }, frames = { 0 };
  guint timer_id;
  gint64 start, elapsed;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  kf_app_test_run_for (500);

  /* KF_BENCH_HIDE=1 tells the network side from drawing. */
  if (g_strcmp0 (g_getenv ("KF_BENCH_HIDE"), "1") == 0)
    gtk_widget_set_visible (GTK_WIDGET (window), FALSE);

  if (g_getenv ("KF_BENCH_LIMIT_KIB") != NULL)
    {
      GSettings *settings = kf_application_get_settings (app);
      guint kib = (guint) g_ascii_strtoull (g_getenv ("KF_BENCH_LIMIT_KIB"), NULL, 10);

      g_settings_set_uint (settings, "speed-limit", MAX (kib, 1));
      g_settings_set_boolean (settings, "speed-limit-enabled", kib > 0);
      g_print ("Speed limit: %" G_GUINT64_FORMAT " bytes/s\n",
               kf_rate_limit_get_rate (kf_application_get_rate_limit (app)));
    }

  timer_id = g_timeout_add (1, timer_cb, &timer);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), frame_cb, &frames, NULL);

  start = g_get_monotonic_time ();
  kf_app_test_drop_files (window, &bench->file, 1);
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "big.bin")) != NULL, 10);
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 600);
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (timer_id);

  bench->done = kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE;
  g_print ("State: %s\n", bench->done ? "done" : "NOT DONE");
  g_print ("Upload of %" G_GUINT64_FORMAT " MiB took %.2f s (%.0f MiB/s)\n",
           bench->size_mib, elapsed / 1e6, bench->size_mib / (elapsed / 1e6));
  g_print ("Main loop: %u timer ticks, longest gap %.1f ms (%.2f s in), %u gaps over 16 ms\n",
           timer.n_ticks, timer.max_gap_us / 1000.0, timer.max_gap_at_us / 1e6, timer.n_over_16ms);
  g_print ("Frame clock: %u frames, longest gap %.1f ms (%.2f s in), %u gaps over 16 ms\n",
           frames.n_ticks, frames.max_gap_us / 1000.0, frames.max_gap_at_us / 1e6, frames.n_over_16ms);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  Bench bench = { NULL, 1024, FALSE };
  const char *data_home;

  data_home = kf_app_test_init (&argc, &argv, FALSE);
  if (argc > 1)
    bench.size_mib = g_ascii_strtoull (argv[1], NULL, 10);

  dir = g_build_filename (data_home, "bench", NULL);
  g_mkdir_with_parents (dir, 0700);
  g_print ("Writing a %" G_GUINT64_FORMAT " MiB file…\n", bench.size_mib);
  path = kf_test_make_file (dir, "big.bin", bench.size_mib * 1024 * 1024);
  bench.file = g_file_new_for_path (path);

  kf_app_test_run (TRUE, bench_body, &bench);
  g_object_unref (bench.file);
  return bench.done ? EXIT_SUCCESS : EXIT_FAILURE;
}
