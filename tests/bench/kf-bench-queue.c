/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark (not a test): a big drop on the desktop app. N files of 1 KiB
 * (default 10,000) are dropped on the window at once; it prints the time
 * until every row is in the list, the memory each queued row costs, the
 * longest main-loop gap while they are added, and the longest frame gap
 * while the list is scrolled down (uploads running) and up (all paused).
 * KF_BENCH_WAIT_UPLOADS=1 also resumes them and times until all are
 * uploaded to the in-process sandbox.
 *
 *   xvfb-run -a BUILD/tests/app/kf-bench-queue [N]
 *
 * The same 1 ms timer as kf-bench-mainloop records main-loop gaps; the
 * window's frame clock records frame gaps. Memory is the resident set
 * (VmRSS) before the drop and once every row is listed. */
#include "config.h"

#include <stdlib.h>

#include "kf-app-test-util.h"
#include "kf-test-util.h"

typedef struct {
  gint64  last_us;
  gint64  max_gap_us;
  guint   n_ticks;
  guint   n_over_16ms;
  GArray *gaps;                  /* gint64 µs, when percentiles are wanted */
} Ticks;

static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The @percent-th percentile of the recorded gaps, in ms. */
static double
ticks_percentile (Ticks *ticks,
                  guint  percent)
{
  if (ticks->gaps == NULL || ticks->gaps->len == 0)
    return 0;
  g_array_sort (ticks->gaps, compare_gaps);
  return g_array_index (ticks->gaps, gint64, (ticks->gaps->len - 1) * percent / 100) / 1000.0;
}

static void
ticks_record (Ticks *ticks)
{
  gint64 now = g_get_monotonic_time ();

  if (ticks->last_us > 0)
    {
      gint64 gap = now - ticks->last_us;

      ticks->max_gap_us = MAX (ticks->max_gap_us, gap);
      if (ticks->gaps != NULL)
        g_array_append_val (ticks->gaps, gap);
      if (gap > 16000)
        ticks->n_over_16ms++;
    }
  ticks->last_us = now;
  ticks->n_ticks++;
}

static gboolean
timer_cb (gpointer user_data)
{
  ticks_record (user_data);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GtkAdjustment *adjustment;
  Ticks          frames;
  guint          step;
  guint          n_steps;
  gboolean       up;
  gboolean       still;        /* frames only, for a baseline */
  gboolean       done;
} Scroll;

/* One step down the list per frame, top to bottom. */
static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  Scroll *scroll = user_data;
  double end = gtk_adjustment_get_upper (scroll->adjustment) -
               gtk_adjustment_get_page_size (scroll->adjustment);

  ticks_record (&scroll->frames);
  if (scroll->still)
    gtk_widget_queue_draw (widget);
  if (scroll->step > scroll->n_steps)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (!scroll->still)
    gtk_adjustment_set_value (scroll->adjustment,
                              end * (scroll->up ? scroll->n_steps - scroll->step : scroll->step) / scroll->n_steps);
  scroll->step++;
  return G_SOURCE_CONTINUE;
}

static double
rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtod (line + 6, NULL) / 1024.0 : -1;
}

typedef struct {
  GPtrArray *files;
  gboolean   done;
} Bench;

static guint
n_finished (KfApplication *app)
{
  GListModel *items = kf_app_test_get_items (app);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

      if (!kf_upload_item_is_active (item))
        n++;
    }
  return n;
}

static void
bench_body (KfApplication *app,
            gpointer       data)
{
  Bench *bench = data;
  KfWindow *window = kf_app_test_get_window (app);
  GtkListView *list = kf_upload_page_get_list_view (kf_window_get_upload_page (window));
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_SCROLLED_WINDOW);
  GListModel *items = kf_app_test_get_items (app);
  guint n = bench->files->len;
  Ticks timer = { 0 };
  Scroll scroll = { 0 };
  double rss_before, rss_listed;
  gint64 start, listed, finished;
  guint timer_id;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  kf_app_test_run_for (500);
  rss_before = rss_mib ();

  timer_id = g_timeout_add (1, timer_cb, &timer);
  start = g_get_monotonic_time ();
  kf_app_test_drop_files (window, (GFile * const *) bench->files->pdata, n);
  kf_app_test_wait_until (g_list_model_get_n_items (items) >= n, 300);
  listed = g_get_monotonic_time ();
  rss_listed = rss_mib ();
  g_source_remove (timer_id);

  g_print ("%u files of 1 KiB dropped at once\n", n);
  g_print ("Every row listed after %.2f s\n", (listed - start) / 1e6);
  g_print ("Memory: %.1f MiB before, %.1f MiB listed: %.1f KiB per row\n",
           rss_before, rss_listed, (rss_listed - rss_before) * 1024 / n);
  g_print ("Main loop while adding: longest gap %.1f ms, %u gaps over 16 ms\n",
           timer.max_gap_us / 1000.0, timer.n_over_16ms);

  /* Down the whole list in 300 frames (about five seconds at 60 Hz) while
   * the uploads run, then up again with all of them paused. */
  g_assert_nonnull (scrolled);
  scroll.adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  for (guint pass = 0; pass < 3; pass++)
    {
      g_clear_pointer (&scroll.frames.gaps, g_array_unref);
      scroll.frames = (Ticks) { 0 };
      scroll.frames.gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
      scroll.step = 0;
      scroll.n_steps = 300;
      scroll.up = pass == 1;
      scroll.still = pass == 2;
      scroll.done = FALSE;
      if (pass == 1)
        {
          gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-all", NULL);
          kf_app_test_run_for (500);
        }
      gtk_widget_add_tick_callback (GTK_WIDGET (window), scroll_tick_cb, &scroll, NULL);
      kf_app_test_wait_until (scroll.done, 120);
      g_print ("Scrolling %s: %u frames, frame gap median %.1f ms, 95th percentile %.1f ms, "
               "longest %.1f ms\n",
               pass == 0 ? "down while uploading" : pass == 1 ? "up, all paused" : "not at all (baseline)",
               scroll.frames.n_ticks, ticks_percentile (&scroll.frames, 50),
               ticks_percentile (&scroll.frames, 95), scroll.frames.max_gap_us / 1000.0);
    }

  g_clear_pointer (&scroll.frames.gaps, g_array_unref);

  if (g_strcmp0 (g_getenv ("KF_BENCH_WAIT_UPLOADS"), "1") == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-all", NULL);
      kf_app_test_wait_until (n_finished (app) == n, 3600);
      finished = g_get_monotonic_time ();
      g_print ("All uploaded to the sandbox %.1f s after the drop\n", (finished - start) / 1e6);
    }
  bench->done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *dir = NULL;
  const char *data_home;
  Bench bench = { files, FALSE };
  guint n = 10000;

  data_home = kf_app_test_init (&argc, &argv, FALSE);
  if (argc > 1)
    n = (guint) g_ascii_strtoull (argv[1], NULL, 10);

  dir = g_build_filename (data_home, "bench", NULL);
  g_mkdir_with_parents (dir, 0700);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%05u.bin", i);
      g_autofree char *path = kf_test_make_file (dir, name, 1024);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }

  kf_app_test_run (TRUE, bench_body, &bench);
  return bench.done ? EXIT_SUCCESS : EXIT_FAILURE;
}
