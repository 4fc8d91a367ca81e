/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kf-dashboard-page.h"
#include "kf-dashboard-page-private.h"
#include "kf-pages-test.h"
#include "kf-stats-chart.h"

typedef struct {
  KfSandbox       *sandbox;
  KfClient        *client;
  KfDashboardPage *page;
  GtkWindow       *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->sandbox = kf_pages_test_start_sandbox ();
  fixture->client = kf_pages_test_new_client (fixture->sandbox);
  fixture->page = KF_DASHBOARD_PAGE (kf_dashboard_page_new (fixture->client));
  g_object_add_weak_pointer (G_OBJECT (fixture->page), (gpointer *) &fixture->page);
  fixture->window = kf_pages_test_show (GTK_WIDGET (fixture->page), 1000, 800);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_assert_null (fixture->page);
  g_assert_finalize_object (fixture->client);
  kf_sandbox_stop (fixture->sandbox);
  g_object_unref (fixture->sandbox);
}

static gboolean
loaded (Fixture *fixture)
{
  g_autofree char *csv = NULL;

  if (kf_dashboard_page_get_loading (fixture->page))
    return FALSE;
  csv = kf_dashboard_page_dup_stats_csv (fixture->page);
  return csv != NULL;
}

static KfStatsChart *
find_chart (GtkWidget        *root,
            KfStatsChartMode  mode)
{
  if (KF_IS_STATS_CHART (root) && kf_stats_chart_get_mode (KF_STATS_CHART (root)) == mode)
    return KF_STATS_CHART (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      KfStatsChart *chart = find_chart (child, mode);
      if (chart != NULL)
        return chart;
    }
  return NULL;
}

static guint
count_stats_requests (KfSandbox  *sandbox,
                      const char *last)
{
  g_auto(GStrv) log = kf_sandbox_dup_request_log (sandbox);
  g_autofree char *param = g_strdup_printf ("last=%s", last);
  guint n = 0;

  for (guint i = 0; log[i] != NULL; i++)
    {
      g_autofree char *first_line = g_strndup (log[i], strcspn (log[i], "\n"));

      if (strstr (first_line, "/api/account/stats") != NULL && strstr (first_line, param) != NULL)
        n++;
    }
  return n;
}

typedef struct {
  KfStats *stats;
  gboolean done;
} StatsWait;

static void
stats_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  StatsWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->stats = kf_client_get_account_stats_finish (KF_CLIENT (object), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static void
test_dashboard_account (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expire = g_date_time_add_days (now, 30);
  g_autoptr(GDateTime) expire_local = g_date_time_to_local (expire);
  g_autofree char *date = g_date_time_format (expire_local, "%-d %b %Y");
  g_autofree char *premium = g_strdup_printf ("Premium until %s, 30 days left", date);

  kf_pages_test_wait_until (loaded (fixture), 20);

  g_assert_true (kf_pages_test_shows_text (page, "demo@sandbox.invalid"));
  g_assert_true (kf_pages_test_shows_text (page, "$100.00"));
  g_assert_true (kf_pages_test_shows_text (page, premium));
  /* No file yet: storage_used is null, storage_left "inf". */
  g_assert_true (kf_pages_test_shows_text (page, "Nothing stored yet · Unlimited"));

  /* Premium is judged by the server: a free account says so after F5. */
  kf_sandbox_set_premium (fixture->sandbox, FALSE);
  kf_sandbox_set_balance (fixture->sandbox, 0.049);
  g_assert_true (gtk_widget_activate_action (page, "dashboard.refresh", NULL));
  g_assert_true (kf_dashboard_page_get_loading (fixture->page));
  /* The last good figures stay while the refresh runs. */
  g_assert_true (kf_pages_test_shows_text (page, "demo@sandbox.invalid"));
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_true (kf_pages_test_shows_text (page, "Not premium"));
  g_assert_true (kf_pages_test_shows_text (page, "$0.05"));
  g_assert_false (kf_pages_test_shows_text (page, premium));

  /* Always two decimals, rounded half up from what the server sent
   * ("23.12500"; printf would say 23.12). */
  kf_sandbox_set_balance (fixture->sandbox, 23.125);
  g_assert_true (gtk_widget_activate_action (page, "dashboard.refresh", NULL));
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_true (kf_pages_test_shows_text (page, "$23.13"));
}

static void
test_dashboard_chart_matches_rows (Fixture       *fixture,
                                   gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  KfStatsChart *traffic, *earnings;
  StatsWait wait = { NULL, FALSE };
  gint64 downloads = 0, views = 0;
  double profit = 0.0;
  g_autofree char *downloads_text = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *csv_total = NULL;
  g_auto(GStrv) lines = NULL;

  kf_pages_test_wait_until (loaded (fixture), 20);

  /* The same rows, fetched on our own. */
  kf_client_get_account_stats_async (fixture->client, 30, NULL, stats_cb, &wait);
  kf_pages_test_wait_until (wait.done, 20);
  g_assert_cmpuint (wait.stats->days->len, ==, 30);
  for (guint i = 0; i < wait.stats->days->len; i++)
    {
      KfStatsRow *row = g_ptr_array_index (wait.stats->days, i);

      downloads += row->downloads;
      views += row->views;
      profit += row->profit_total;
    }
  g_assert_cmpint (downloads, >, 0);

  traffic = find_chart (page, KF_STATS_CHART_MODE_TRAFFIC);
  earnings = find_chart (page, KF_STATS_CHART_MODE_EARNINGS);
  g_assert_nonnull (traffic);
  g_assert_nonnull (earnings);
  g_assert_cmpuint (kf_stats_chart_get_n_days (traffic), ==, 30);
  g_assert_cmpstr (kf_stats_chart_get_day (traffic, 29), ==,
                   ((KfStatsRow *) g_ptr_array_index (wait.stats->days, 29))->day);
  g_assert_cmpint (kf_stats_chart_get_total_downloads (traffic), ==, downloads);
  g_assert_cmpint (kf_stats_chart_get_total_views (traffic), ==, views);
  g_assert_cmpfloat_with_epsilon (kf_stats_chart_get_total_earnings (earnings), profit, 1e-6);

  /* The total beside the chart is the sum of the rows. */
  downloads_text = g_strdup_printf ("%" G_GINT64_FORMAT, downloads);
  g_assert_true (kf_pages_test_shows_text (page, downloads_text));
  g_assert_true (kf_pages_test_shows_text (page, "Last 30 days"));

  /* The export: one line per day plus the total. */
  csv = kf_dashboard_page_dup_stats_csv (fixture->page);
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 30 + 1 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "day,downloads,views,"));
  csv_total = g_strdup_printf ("total,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", downloads, views);
  g_assert_true (g_str_has_prefix (lines[31], csv_total));

  kf_stats_free (wait.stats);
}

static void
test_dashboard_period_changes_request (Fixture       *fixture,
                                       gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  GtkWidget *button;
  KfStatsChart *traffic;

  kf_pages_test_wait_until (loaded (fixture), 20);
  traffic = find_chart (page, KF_STATS_CHART_MODE_TRAFFIC);
  g_assert_cmpuint (count_stats_requests (fixture->sandbox, "30"), ==, 1);
  g_assert_cmpuint (count_stats_requests (fixture->sandbox, "7"), ==, 0);

  /* As a click on the "7 Days" button does. */
  button = kf_pages_test_find_button (page, "7 Days");
  g_assert_nonnull (button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  g_assert_cmpuint (kf_dashboard_page_get_days (fixture->page), ==, 7);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_cmpuint (count_stats_requests (fixture->sandbox, "7"), ==, 1);
  g_assert_cmpuint (kf_stats_chart_get_n_days (traffic), ==, 7);
  g_assert_true (kf_pages_test_shows_text (page, "Last 7 days"));

  button = kf_pages_test_find_button (page, "90 Days");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_cmpuint (count_stats_requests (fixture->sandbox, "90"), ==, 1);
  g_assert_cmpuint (kf_stats_chart_get_n_days (traffic), ==, 90);
}

static void
test_dashboard_error_and_retry (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);

  kf_pages_test_wait_until (loaded (fixture), 20);

  /* A failing refresh keeps the figures and says what went wrong. */
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_KEY_REJECTED, "/api/account/info", 1);
  kf_dashboard_page_refresh (fixture->page);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_true (kf_pages_test_shows_text (page, "demo@sandbox.invalid"));
  g_assert_nonnull (kf_pages_test_find_button (page, "Retry"));

  g_assert_true (gtk_widget_activate_action (page, "dashboard.refresh", NULL));
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_null (kf_pages_test_find_button (page, "Retry"));
}

static void
test_dashboard_refresh_cancels_previous (Fixture       *fixture,
                                         gconstpointer  data)
{
  kf_pages_test_wait_until (loaded (fixture), 20);

  /* The first refresh hangs; the second replaces it and wins. */
  kf_sandbox_set_slow_delay (fixture->sandbox, 1500);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_SLOW, "/api/account/info", 1);
  kf_sandbox_set_balance (fixture->sandbox, 7.0);
  kf_dashboard_page_refresh (fixture->page);
  kf_dashboard_page_refresh (fixture->page);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_true (kf_pages_test_shows_text (GTK_WIDGET (fixture->page), "$7.00"));
}

/* Hides and shows the page again, as switching pages in the window does. */
static void
show_again (Fixture *fixture)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);

  gtk_widget_set_visible (page, FALSE);
  kf_pages_test_wait_until (!gtk_widget_get_mapped (page), 10);
  kf_pages_test_run_for (100);
  gtk_widget_set_visible (page, TRUE);
  kf_pages_test_wait_until (gtk_widget_get_mapped (page), 10);
}

static void
assert_requests (Fixture *fixture,
                 guint    n)
{
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/account/info"), ==, n);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/account/stats"), ==, n);
}

static void
test_dashboard_refresh_on_show (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);

  kf_pages_test_wait_until (loaded (fixture), 20);
  assert_requests (fixture, 1);

  /* Fresh figures: shown again at once, nothing asked. */
  show_again (fixture);
  kf_pages_test_run_for (300);
  g_assert_false (kf_dashboard_page_get_loading (fixture->page));
  assert_requests (fixture, 1);

  /* Just under a minute is still fresh. */
  kf_dashboard_page_set_figures_age (fixture->page, 59 * G_USEC_PER_SEC);
  show_again (fixture);
  kf_pages_test_run_for (300);
  assert_requests (fixture, 1);

  /* Older than a minute: showing the page fetches both again, once. */
  kf_sandbox_set_balance (fixture->sandbox, 3.0);
  kf_dashboard_page_set_figures_age (fixture->page, 61 * G_USEC_PER_SEC);
  show_again (fixture);
  g_assert_true (kf_dashboard_page_get_loading (fixture->page));
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  assert_requests (fixture, 2);
  g_assert_true (kf_pages_test_shows_text (page, "$3.00"));

  /* ...and those figures are fresh again. */
  show_again (fixture);
  kf_pages_test_run_for (300);
  assert_requests (fixture, 2);

  /* Stale while hidden: nothing is asked until the page is shown. */
  kf_dashboard_page_set_figures_age (fixture->page, 120 * G_USEC_PER_SEC);
  gtk_widget_set_visible (page, FALSE);
  kf_pages_test_run_for (300);
  assert_requests (fixture, 2);
  gtk_widget_set_visible (page, TRUE);
  kf_pages_test_wait_until (gtk_widget_get_mapped (page), 10);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  assert_requests (fixture, 3);
}

static void
test_dashboard_stale_answer_ignored (Fixture       *fixture,
                                     gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);

  kf_pages_test_wait_until (loaded (fixture), 20);

  /* The first refresh's answer is made at once with $5.00 but held back. */
  kf_sandbox_set_slow_delay (fixture->sandbox, 1000);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_SLOW, "/api/account/info", 1);
  kf_sandbox_set_balance (fixture->sandbox, 5.0);
  kf_dashboard_page_refresh (fixture->page);
  kf_pages_test_wait_until (kf_sandbox_count_requests (fixture->sandbox, "/api/account/info") == 2, 10);

  /* The second one, asked later, answers first with $7.00. */
  kf_sandbox_set_balance (fixture->sandbox, 7.0);
  kf_dashboard_page_refresh (fixture->page);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (fixture->page), 20);
  g_assert_true (kf_pages_test_shows_text (page, "$7.00"));

  /* The held-back answer arrives after its refresh was replaced: ignored. */
  kf_pages_test_run_for (1500);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/account/info"), ==, 3);
  g_assert_true (kf_pages_test_shows_text (page, "$7.00"));
  g_assert_false (kf_pages_test_shows_text (page, "$5.00"));
  g_assert_false (kf_dashboard_page_get_loading (fixture->page));
}

int
main (int   argc,
      char *argv[])
{
  kf_pages_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/pages/dashboard/account", test_dashboard_account);
  ADD ("/pages/dashboard/chart-matches-rows", test_dashboard_chart_matches_rows);
  ADD ("/pages/dashboard/period-changes-request", test_dashboard_period_changes_request);
  ADD ("/pages/dashboard/error-and-retry", test_dashboard_error_and_retry);
  ADD ("/pages/dashboard/refresh-cancels-previous", test_dashboard_refresh_cancels_previous);
  ADD ("/pages/dashboard/refresh-on-show", test_dashboard_refresh_on_show);
  ADD ("/pages/dashboard/stale-answer-ignored", test_dashboard_stale_answer_ignored);
#undef ADD

  return g_test_run ();
}
