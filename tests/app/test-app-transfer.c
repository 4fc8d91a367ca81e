/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Transfers under the user's control, through the window: pause and resume
 * a row by clicking its buttons, Pause All / Resume All (Ctrl+P), the speed
 * limit in Preferences and the "Limited Speed" toggle, applied to uploads
 * that are running. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kf-app-test-util.h"
#include "kf-preferences.h"
#include "kf-test-util.h"

#define KIB 1024
#define MIB (1024 * 1024)

static const char *data_home;

static char *
make_dir (void)
{
  char *dir = g_build_filename (data_home, "files-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static void
forget_history (void)
{
  g_autofree char *path = g_build_filename (data_home, "kenfiles", "history-sandbox.json", NULL);

  g_unlink (path);
}

/* The memory settings backend lives as long as the process: each test
 * starts from the defaults. */
static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("com.kenfiles.Desktop");

  g_settings_reset (settings, "speed-limit-enabled");
  g_settings_reset (settings, "speed-limit");
  g_settings_reset (settings, "alternative-speed-enabled");
  g_settings_reset (settings, "alternative-speed-limit");
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action_name) == 0)
        return child;
      found = find_button (child, action_name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks @button as the pointer would: only a visible, sensitive one. */
static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static guint
n_server_files (KfApplication *app,
                const char    *name)
{
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (kf_application_get_sandbox (app));
  guint n = 0;

  for (guint i = 0; i < files->len; i++)
    if (g_strcmp0 (((KfSandboxFile *) files->pdata[i])->name, name) == 0)
      n++;
  return n;
}

static void
pause_row_body (KfApplication *app,
                gpointer       data)
{
  const char *dir = data;
  g_autofree char *path = g_build_filename (dir, "movie.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadPage *page = kf_window_get_upload_page (window);
  GSettings *settings = kf_application_get_settings (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  KfUploadItem *item;
  KfUploadRow *row;
  g_autoptr(GPtrArray) stored = NULL;

  /* 256 KiB/s from Preferences' setting: 4 MiB would take 16 s. */
  g_settings_set_uint (settings, "speed-limit", 256);
  g_settings_set_boolean (settings, "speed-limit-enabled", TRUE);
  g_assert_cmpuint (kf_rate_limit_get_rate (kf_application_get_rate_limit (app)), ==, 256 * KIB);
  g_assert_true (kf_client_get_rate_limit (kf_application_get_client (app)) ==
                 kf_application_get_rate_limit (app));
  g_assert_nonnull (strstr (gtk_label_get_text (kf_upload_page_get_summary_label (page)), "limited to"));

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "movie.bin")) != NULL, 10);
  kf_app_test_wait_until ((row = kf_app_test_find_row (window, item)) != NULL, 10);
  kf_app_test_wait_until (kf_upload_item_get_bytes_sent (item) > 0, 30);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_UPLOADING);
  g_assert_false (gtk_widget_get_visible (find_button (GTK_WIDGET (row), "upload.resume")));

  /* Pause, by its button: the request stops mid-body. */
  click (find_button (GTK_WIDGET (row), "upload.pause"));
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_PAUSED, 10);
  kf_app_test_wait_until (kf_sandbox_get_n_incomplete_uploads (sandbox) >= 1, 10);
  g_assert_cmpuint (n_server_files (app, "movie.bin"), ==, 0);
  g_assert_cmpint (kf_upload_item_get_bytes_sent (item), <, 4 * MIB);

  /* The row says it is paused and that resuming starts over. */
  kf_app_test_wait_until (strstr (kf_upload_row_get_detail (row), "Paused") != NULL, 5);
  g_assert_nonnull (kf_upload_row_get_message (row));
  g_assert_nonnull (strstr (kf_upload_row_get_message (row), "again from the start"));
  g_assert_false (gtk_widget_get_visible (find_button (GTK_WIDGET (row), "upload.pause")));
  g_assert_nonnull (strstr (gtk_label_get_text (kf_upload_page_get_summary_label (page)), "1 paused"));
  if (kf_screenshot_dir () != NULL)
    {
      g_autofree char *shot = g_build_filename (kf_screenshot_dir (), "paused.png", NULL);
      g_autoptr(GError) error = NULL;

      /* For a person to look at (KF_SHOTS_DIR=...): the paused row. */
      g_assert_true (kf_screenshot_widget (GTK_WIDGET (window), shot, &error));
      g_assert_no_error (error);
    }

  /* The limit lifted in Preferences; resumed by its button, from the start. */
  g_settings_set_boolean (settings, "speed-limit-enabled", FALSE);
  g_assert_cmpuint (kf_rate_limit_get_rate (kf_application_get_rate_limit (app)), ==, 0);
  click (find_button (GTK_WIDGET (row), "upload.resume"));
  g_assert_cmpint (kf_upload_item_get_bytes_sent (item), ==, 0);
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE, 30);

  /* Exactly one complete file on the server. */
  stored = kf_sandbox_list_files (sandbox);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_true (kf_test_files_equal (((KfSandboxFile *) stored->pdata[0])->path, path));
  g_assert_null (strstr (gtk_label_get_text (kf_upload_page_get_summary_label (page)), "paused"));
  g_assert_null (strstr (gtk_label_get_text (kf_upload_page_get_summary_label (page)), "limited"));
}

static void
test_pause_row (void)
{
  g_autofree char *dir = make_dir ();

  g_free (kf_test_make_file (dir, "movie.bin", 4 * MIB));
  forget_history ();
  reset_settings ();
  kf_app_test_run (TRUE, pause_row_body, dir);
}

static void
pause_all_body (KfApplication *app,
                gpointer       data)
{
  const char *dir = data;
  static const char *names[] = { "one.bin", "two.bin", "three.bin" };
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadPage *page = kf_window_get_upload_page (window);
  GtkWidget *button = GTK_WIDGET (kf_upload_page_get_pause_all_button (page));
  KfUploadQueue *queue = kf_application_get_queue (app);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.pause-all");
  GSettings *settings = kf_application_get_settings (app);

  /* Ctrl+P, and the shortcuts window lists it. */
  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Control>p");

  g_settings_set_uint (settings, "speed-limit", 128);
  g_settings_set_boolean (settings, "speed-limit-enabled", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  /* Nothing to pause or resume: no button. */
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_true (kf_app_test_drop_files (window, (GFile * const *) files->pdata, files->len));
  kf_app_test_wait_until (kf_upload_queue_get_n_uploading (queue) > 0, 10);
  kf_app_test_wait_until (gtk_widget_get_visible (button), 5);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Pause All (Ctrl+P)");

  /* Pause All, by its button: every row paused, none left running. */
  click (button);
  kf_app_test_wait_until (kf_upload_queue_get_n_paused (queue) == 3, 10);
  g_assert_cmpuint (kf_upload_queue_get_n_pending (queue), ==, 0);
  kf_app_test_wait_until (g_strcmp0 (gtk_widget_get_tooltip_text (button), "Resume All (Ctrl+P)") == 0, 5);
  {
    g_autoptr(GPtrArray) stored = kf_sandbox_list_files (kf_application_get_sandbox (app));

    g_assert_cmpuint (stored->len, ==, 0);
  }

  /* Resume All through the window's action (the Ctrl+P shortcut). */
  g_settings_set_boolean (settings, "speed-limit-enabled", FALSE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-all", NULL);
  g_assert_cmpuint (kf_upload_queue_get_n_paused (queue), ==, 0);
  kf_app_test_wait_until (kf_upload_queue_get_n_pending (queue) == 0, 30);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      KfUploadItem *item = kf_app_test_find_item (app, names[i]);

      g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_DONE);
      g_assert_cmpuint (n_server_files (app, names[i]), ==, 1);
    }
  kf_app_test_wait_until (!gtk_widget_get_visible (button), 5);
}

static void
test_pause_all (void)
{
  g_autofree char *dir = make_dir ();

  g_free (kf_test_make_file (dir, "one.bin", MIB));
  g_free (kf_test_make_file (dir, "two.bin", MIB));
  g_free (kf_test_make_file (dir, "three.bin", MIB));
  forget_history ();
  reset_settings ();
  kf_app_test_run (TRUE, pause_all_body, dir);
}

static void
limited_speed_body (KfApplication *app,
                    gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfRateLimit *limit = kf_application_get_rate_limit (app);
  GSettings *settings = kf_application_get_settings (app);
  GtkWidget *preferences;
  g_autoptr(GVariant) state = NULL;
  GtkLabel *summary = kf_upload_page_get_summary_label (kf_window_get_upload_page (window));

  g_assert_cmpuint (kf_rate_limit_get_rate (limit), ==, 0);

  /* The queue menu's check item is a stateful action on the setting. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "alternative-speed-enabled"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "alternative-speed-enabled", NULL);
  state = g_action_group_get_action_state (G_ACTION_GROUP (app), "alternative-speed-enabled");
  g_assert_true (g_variant_get_boolean (state));
  g_assert_cmpuint (kf_rate_limit_get_rate (limit), ==, 256 * KIB);

  /* Preferences: the limit's own value while the toggle is on wins over it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL);
  kf_app_test_wait_until ((preferences = kf_preferences_find (GTK_WINDOW (window))) != NULL, 10);
  g_settings_set_boolean (settings, "speed-limit-enabled", TRUE);
  g_settings_set_uint (settings, "speed-limit", 2048);
  g_assert_cmpuint (kf_rate_limit_get_rate (limit), ==, 256 * KIB);
  g_settings_set_uint (settings, "alternative-speed-limit", 64);
  g_assert_cmpuint (kf_rate_limit_get_rate (limit), ==, 64 * KIB);

  /* Toggle off: back to the Preferences limit, then unlimited. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "alternative-speed-enabled", NULL);
  g_assert_cmpuint (kf_rate_limit_get_rate (limit), ==, 2 * MIB);
  g_settings_set_boolean (settings, "speed-limit-enabled", FALSE);
  g_assert_cmpuint (kf_rate_limit_get_rate (limit), ==, 0);
  g_assert_null (strstr (gtk_label_get_text (summary), "limited"));

  kf_preferences_close (preferences);
  kf_app_test_wait_until (kf_preferences_find (GTK_WINDOW (window)) == NULL, 10);
}

static void
test_limited_speed (void)
{
  forget_history ();
  reset_settings ();
  kf_app_test_run (TRUE, limited_speed_body, NULL);
}

int
main (int   argc,
      char *argv[])
{
  data_home = kf_app_test_init (&argc, &argv, FALSE);

  g_test_add_func ("/app/transfer/pause-row", test_pause_row);
  g_test_add_func ("/app/transfer/pause-all", test_pause_all);
  g_test_add_func ("/app/transfer/limited-speed", test_limited_speed);

  return g_test_run ();
}
