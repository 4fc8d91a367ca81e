/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kf-pages-test.h"
#include "kf-stats-chart.h"

static KfStats *
make_stats (guint         n_days,
            const gint64 *downloads)
{
  KfStats *stats = g_new0 (KfStats, 1);

  stats->days = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_stats_row_free);
  for (guint i = 0; i < n_days; i++)
    {
      KfStatsRow *row = g_new0 (KfStatsRow, 1);

      row->day = g_strdup_printf ("2026-10-%02u", i + 1);
      row->downloads = downloads[i];
      row->views = downloads[i] * 3 + 1;
      row->profit_total = downloads[i] * 0.001;
      g_ptr_array_add (stats->days, row);
    }
  return stats;
}

static void
test_chart_sums_and_axis (void)
{
  const gint64 downloads[] = { 3, 0, 17, 42, 8 };
  g_autoptr(KfStats) stats = make_stats (G_N_ELEMENTS (downloads), downloads);
  KfStatsChart *chart = g_object_ref_sink (KF_STATS_CHART (kf_stats_chart_new (KF_STATS_CHART_MODE_TRAFFIC)));

  kf_stats_chart_set_stats (chart, stats);
  g_assert_cmpuint (kf_stats_chart_get_n_days (chart), ==, 5);
  g_assert_cmpint (kf_stats_chart_get_total_downloads (chart), ==, 70);
  g_assert_cmpint (kf_stats_chart_get_total_views (chart), ==, 70 * 3 + 5);
  g_assert_cmpfloat_with_epsilon (kf_stats_chart_get_total_earnings (chart), 0.070, 1e-9);
  g_assert_cmpstr (kf_stats_chart_get_day (chart, 3), ==, "2026-10-04");

  /* The largest value (127 views) sits under a round top: 150 in steps of 50. */
  g_assert_cmpfloat (kf_stats_chart_get_axis_step (chart), ==, 50.0);
  g_assert_cmpfloat (kf_stats_chart_get_axis_max (chart), ==, 150.0);

  kf_stats_chart_set_mode (chart, KF_STATS_CHART_MODE_EARNINGS);
  /* 0.042 at most: steps of 0.02 up to 0.06. */
  g_assert_cmpfloat_with_epsilon (kf_stats_chart_get_axis_step (chart), 0.02, 1e-12);
  g_assert_cmpfloat_with_epsilon (kf_stats_chart_get_axis_max (chart), 0.06, 1e-12);

  /* Rows without a day are not days of the chart. */
  {
    KfStatsRow *total = g_new0 (KfStatsRow, 1);

    total->downloads = 1000;
    g_ptr_array_add (stats->days, total);
    kf_stats_chart_set_stats (chart, stats);
    g_assert_cmpuint (kf_stats_chart_get_n_days (chart), ==, 5);
    g_assert_cmpint (kf_stats_chart_get_total_downloads (chart), ==, 70);
  }

  kf_stats_chart_set_stats (chart, NULL);
  g_assert_cmpuint (kf_stats_chart_get_n_days (chart), ==, 0);
  g_assert_cmpint (kf_stats_chart_get_total_downloads (chart), ==, 0);

  g_assert_finalize_object (chart);
}

static void
test_chart_hover_and_tooltip (void)
{
  const gint64 downloads[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_autoptr(KfStats) stats = make_stats (G_N_ELEMENTS (downloads), downloads);
  GtkWidget *chart = kf_stats_chart_new (KF_STATS_CHART_MODE_TRAFFIC);
  GtkWindow *window;
  g_autofree char *summary = NULL;
  int width, height, first, last, middle;

  kf_stats_chart_set_stats (KF_STATS_CHART (chart), stats);
  window = kf_pages_test_show (chart, 600, 300);
  width = gtk_widget_get_width (chart);
  height = gtk_widget_get_height (chart);

  /* Left to right, oldest to newest; nothing outside the plot. */
  first = kf_stats_chart_get_day_at (KF_STATS_CHART (chart), width * 0.2, height / 2.0);
  middle = kf_stats_chart_get_day_at (KF_STATS_CHART (chart), width * 0.6, height / 2.0);
  last = kf_stats_chart_get_day_at (KF_STATS_CHART (chart), width - 10, height / 2.0);
  g_assert_cmpint (first, >=, 0);
  g_assert_cmpint (first, <, middle);
  g_assert_cmpint (middle, <, last);
  g_assert_cmpint (last, ==, 9);
  g_assert_cmpint (kf_stats_chart_get_day_at (KF_STATS_CHART (chart), 2, height / 2.0), ==, -1);
  g_assert_cmpint (kf_stats_chart_get_day_at (KF_STATS_CHART (chart), width / 2.0, 1), ==, -1);
  g_assert_cmpint (kf_stats_chart_get_hovered_day (KF_STATS_CHART (chart)), ==, -1);

  /* The pointer over a day highlights it; leaving clears it. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (chart);
    GtkEventController *motion = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
          motion = controller;
      }
    g_assert_nonnull (motion);
    g_signal_emit_by_name (motion, "motion", width * 0.6, height / 2.0);
    g_assert_cmpint (kf_stats_chart_get_hovered_day (KF_STATS_CHART (chart)), ==, middle);
    g_signal_emit_by_name (motion, "leave");
    g_assert_cmpint (kf_stats_chart_get_hovered_day (KF_STATS_CHART (chart)), ==, -1);
  }

  summary = kf_stats_chart_dup_day_summary (KF_STATS_CHART (chart), 3);
  g_assert_nonnull (strstr (summary, "2026"));
  g_assert_nonnull (strstr (summary, "Downloads: 4\n"));
  g_assert_nonnull (strstr (summary, "Views: 13\n"));
  g_assert_nonnull (strstr (summary, "Earnings: less than $0.01"));

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  kf_pages_test_init (&argc, &argv);

  g_test_add_func ("/pages/chart/sums-and-axis", test_chart_sums_and_axis);
  g_test_add_func ("/pages/chart/hover-and-tooltip", test_chart_hover_and_tooltip);

  return g_test_run ();
}
