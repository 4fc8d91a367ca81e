/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "kf-dashboard-page.h"
#include "kf-files-page.h"
#include "kf-ledger.h"
#include "kf-alert.h"
#include "kf-pages-test.h"
#include "kf-remote-upload-dialog.h"
#include "kf-stats-chart.h"
#include "kf-voucher-page.h"

/* Renders every page, light and dark, for a person to look at. The PNGs go
 * to $KF_SHOTS_DIR (default: a temporary folder); they are not kept in git. */

static KfSandbox *sandbox;
static KfClient *client;
static char *out_dir;
static char *tmp_dir;
static gboolean keep_shots;

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
save (GtkWidget  *widget,
      const char *name,
      gboolean    dark)
{
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, dark ? "dark" : "light");
  g_autofree char *path = g_build_filename (out_dir, file, NULL);
  GStatBuf st;

  kf_pages_test_save_png (widget, path);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 10000);
  g_test_message ("Saved %s", path);
}

static GtkWidget *
find_first_chart (GtkWidget *root)
{
  if (KF_IS_STATS_CHART (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_first_chart (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
dashboard_loaded (GtkWidget *page)
{
  g_autofree char *csv = NULL;

  if (kf_dashboard_page_get_loading (KF_DASHBOARD_PAGE (page)))
    return FALSE;
  csv = kf_dashboard_page_dup_stats_csv (KF_DASHBOARD_PAGE (page));
  return csv != NULL;
}

static void
test_shots_dashboard (gconstpointer data)
{
  gboolean dark = GPOINTER_TO_INT (data);
  GtkWidget *page = kf_dashboard_page_new (client);
  GtkWindow *window;

  set_dark (dark);
  window = kf_pages_test_show (page, 1000, 860);
  kf_pages_test_wait_until (dashboard_loaded (page), 20);
  save (page, "dashboard", dark);

  /* 90 days, the pointer over a day of the traffic chart. */
  kf_dashboard_page_set_days (KF_DASHBOARD_PAGE (page), 90);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (KF_DASHBOARD_PAGE (page)), 20);
  {
    GtkWidget *chart = find_first_chart (page);
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (chart);

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
          g_signal_emit_by_name (controller, "motion",
                                 gtk_widget_get_width (chart) * 0.7,
                                 gtk_widget_get_height (chart) * 0.5);
      }
  }
  save (page, "dashboard-90-hover", dark);
  gtk_window_destroy (window);
}

static void
test_shots_dashboard_error (gconstpointer data)
{
  gboolean dark = GPOINTER_TO_INT (data);
  GtkWidget *page = kf_dashboard_page_new (client);
  GtkWindow *window;

  set_dark (dark);
  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_KEY_REJECTED, "/api/account/info", 0);
  window = kf_pages_test_show (page, 800, 600);
  kf_pages_test_wait_until (!kf_dashboard_page_get_loading (KF_DASHBOARD_PAGE (page)), 20);
  kf_sandbox_clear_faults (sandbox);
  save (page, "dashboard-error", dark);
  gtk_window_destroy (window);
}

static void
test_shots_voucher (gconstpointer data)
{
  gboolean dark = GPOINTER_TO_INT (data);
  g_autofree char *ledger = g_build_filename (tmp_dir, dark ? "dark.json" : "light.json", NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *page;
  GtkWindow *window;
  GtkWidget *dialog;

  kf_ledger_append (ledger, "90b", "CLI0000000000000001", &error);
  g_assert_no_error (error);

  set_dark (dark);
  page = kf_voucher_page_new (client, ledger);
  window = kf_pages_test_show (page, 900, 1000);
  kf_pages_test_run_for (200);

  kf_voucher_page_set_plan (KF_VOUCHER_PAGE (page), "90p");
  gtk_widget_activate_action (page, "voucher.create", NULL);
  dialog = kf_pages_test_wait_dialog ();
  save (GTK_WIDGET (dialog), "voucher-confirm", dark);
  kf_pages_test_click_response (dialog, "C_reate and Charge");
  kf_pages_test_wait_until (kf_voucher_page_get_last_code (KF_VOUCHER_PAGE (page)) != NULL &&
                            !kf_voucher_page_get_busy (KF_VOUCHER_PAGE (page)), 20);
  save (page, "voucher", dark);

  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, "/api/reseller/create", 1);
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), "C_reate and Charge");
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (KF_VOUCHER_PAGE (page)), 20);
  kf_pages_test_run_for (300);
  save (page, "voucher-uncertain", dark);

  kf_sandbox_set_balance (sandbox, 0.5);
  kf_voucher_page_set_plan (KF_VOUCHER_PAGE (page), "2000t");
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), "C_reate and Charge");
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (KF_VOUCHER_PAGE (page)), 20);
  kf_pages_test_run_for (300);
  save (page, "voucher-refused", dark);
  kf_sandbox_set_balance (sandbox, 100.0);

  gtk_window_destroy (window);
}

static void
test_shots_files (gconstpointer data)
{
  gboolean dark = GPOINTER_TO_INT (data);
  GtkWidget *page = kf_files_page_new (client);
  GtkWindow *window;

  set_dark (dark);
  window = kf_pages_test_show (page, 900, 640);
  kf_pages_test_wait_until (!kf_files_page_get_loading (KF_FILES_PAGE (page)) &&
                            g_list_model_get_n_items (kf_files_page_get_items (KF_FILES_PAGE (page))) > 0, 20);
  save (page, "files", dark);

  /* Two files selected: the bar of actions; then the folder picker and the
   * details of one file. */
  {
    GtkSelectionModel *selection = kf_files_page_get_selection (KF_FILES_PAGE (page));
    GtkWidget *dialog;

    gtk_selection_model_select_item (selection, 2, TRUE);
    gtk_selection_model_select_item (selection, 3, FALSE);
    kf_pages_test_run_for (300);
    save (page, "files-selection", dark);

    g_assert_true (gtk_widget_activate_action (page, "files.move-selection", NULL));
    dialog = kf_pages_test_wait_dialog ();
    kf_pages_test_wait_until (kf_pages_test_shows_text (dialog, "Documents"), 20);
    kf_pages_test_run_for (300);
    save (dialog, "files-move", dark);
    kf_pages_test_click_response (dialog, "_Cancel");

    gtk_selection_model_select_item (selection, 2, TRUE);
    g_assert_true (gtk_widget_activate_action (page, "files.details-selection", NULL));
    dialog = kf_pages_test_wait_dialog ();
    kf_pages_test_run_for (300);
    save (dialog, "files-details", dark);
    kf_pages_test_click_response (dialog, "_Close");
    gtk_selection_model_unselect_all (selection);
  }

  kf_files_page_open_folder (KF_FILES_PAGE (page), "2", "Backups");
  kf_pages_test_wait_until (!kf_files_page_get_loading (KF_FILES_PAGE (page)), 20);
  save (page, "files-empty", dark);
  gtk_window_destroy (window);
}

static void
test_shots_remote_dialog (gconstpointer data)
{
  gboolean dark = GPOINTER_TO_INT (data);
  GtkWidget *parent = gtk_label_new ("");
  GtkWindow *window;
  GtkWidget *dialog;

  set_dark (dark);
  window = kf_pages_test_show (parent, 900, 600);
  dialog = kf_remote_upload_dialog_new (window);
  kf_remote_upload_dialog_set_text (KF_REMOTE_UPLOAD_DIALOG (dialog),
                                    "https://example.com/files/report.pdf\n"
                                    "ftp://example.com/old.zip\n"
                                    "http://127.0.0.1:8080/video.mkv\n");
  gtk_window_present (GTK_WINDOW (dialog));
  kf_pages_test_wait_until (gtk_widget_get_mapped (dialog), 10);
  g_assert_false (kf_remote_upload_dialog_submit (KF_REMOTE_UPLOAD_DIALOG (dialog)));
  save (dialog, "remote-upload-dialog", dark);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *names[] = { "Holiday photos 2026.zip", "R&D <draft>.bin", "invoice-0042.pdf",
                          "a file with a rather long name that must be ellipsized nicely.tar.gz",
                          NULL };
  int status;

  kf_pages_test_init (&argc, &argv);

  tmp_dir = g_dir_make_tmp ("kf-shots-XXXXXX", &error);
  g_assert_no_error (error);
  out_dir = g_strdup (g_getenv ("KF_SHOTS_DIR"));
  keep_shots = out_dir != NULL && *out_dir != '\0';
  if (!keep_shots)
    {
      g_free (out_dir);
      out_dir = g_strdup (tmp_dir);
    }
  g_mkdir_with_parents (out_dir, 0755);

  sandbox = kf_pages_test_start_sandbox ();
  client = kf_pages_test_new_client (sandbox);
  g_strfreev (kf_pages_test_upload_files (client, tmp_dir, names, 4096, NULL));

  for (int dark = 0; dark <= 1; dark++)
    {
      g_autofree char *d = g_strdup_printf ("/pages/shots/dashboard/%s", dark ? "dark" : "light");
      g_autofree char *v = g_strdup_printf ("/pages/shots/voucher/%s", dark ? "dark" : "light");
      g_autofree char *f = g_strdup_printf ("/pages/shots/files/%s", dark ? "dark" : "light");
      g_autofree char *r = g_strdup_printf ("/pages/shots/remote-dialog/%s", dark ? "dark" : "light");

      g_autofree char *e = g_strdup_printf ("/pages/shots/dashboard-error/%s", dark ? "dark" : "light");

      g_test_add_data_func (d, GINT_TO_POINTER (dark), test_shots_dashboard);
      g_test_add_data_func (e, GINT_TO_POINTER (dark), test_shots_dashboard_error);
      g_test_add_data_func (v, GINT_TO_POINTER (dark), test_shots_voucher);
      g_test_add_data_func (f, GINT_TO_POINTER (dark), test_shots_files);
      g_test_add_data_func (r, GINT_TO_POINTER (dark), test_shots_remote_dialog);
    }

  status = g_test_run ();

  g_object_unref (client);
  kf_sandbox_stop (sandbox);
  g_object_unref (sandbox);

  /* Without KF_SHOTS_DIR the run only checks that every page renders. */
  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

        if (!keep_shots || !g_str_has_suffix (name, ".png"))
          g_remove (path);
      }
    g_rmdir (tmp_dir);
  }
  g_free (out_dir);
  g_free (tmp_dir);
  return status;
}
