/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "kf-alert.h"
#include "kf-app-test-util.h"
#include "kf-preferences.h"
#include "kf-test-util.h"

/* Renders the main states of the window to PNGs in $KF_SHOTS_DIR (or a
 * temporary folder that is removed), checking each renders at all. */

static const char *data_home;
static char *shots_dir;
static const char *variant = "light";

static void
shoot (GtkWidget  *widget,
       const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, variant);
  g_autofree char *path = g_build_filename (shots_dir, file, NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  /* Let transitions and the first frames settle. */
  kf_app_test_run_for (450);
  g_assert_true (kf_screenshot_widget (widget, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);
}

static char *
make_dir (void)
{
  char *dir = g_build_filename (data_home, "files-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static void
drop_one (KfWindow   *window,
          const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert_true (kf_app_test_drop_files (window, &file, 1));
}

static KfUploadItem *
wait_item (KfApplication *app,
           const char    *name)
{
  KfUploadItem *item;

  kf_app_test_wait_until ((item = kf_app_test_find_item (app, name)) != NULL, 10);
  return item;
}

static void
welcome_body (KfApplication *app,
              gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfWelcomePage *welcome;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "welcome") == 0, 10);
  shoot (GTK_WIDGET (window), "welcome");

  welcome = kf_window_get_welcome_page (window);
  gtk_editable_set_text (kf_welcome_page_get_key_entry (welcome), "not-the-right-key");
  g_signal_emit_by_name (kf_welcome_page_get_sign_in_button (welcome), "clicked");
  kf_app_test_wait_until (!kf_welcome_page_get_busy (welcome), 30);
  g_assert_nonnull (kf_welcome_page_get_error (welcome));
  shoot (GTK_WIDGET (window), "welcome-error");
}

static void
test_welcome (void)
{
  g_autoptr(KfSandbox) sandbox = kf_sandbox_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (kf_sandbox_start (sandbox, 0, &error));
  g_setenv ("KENFILES_SERVER", kf_sandbox_get_url (sandbox), TRUE);
  kf_app_test_run (FALSE, welcome_body, NULL);
  g_setenv ("KENFILES_SERVER", "", TRUE);
  kf_sandbox_stop (sandbox);
}

static void
upload_states_body (KfApplication *app,
                    gpointer       data)
{
  const char *dir = data;
  g_autofree char *report = g_build_filename (dir, "Quarterly report 2024.pdf", NULL);
  g_autofree char *setup = g_build_filename (dir, "setup.exe", NULL);
  g_autofree char *draft = g_build_filename (dir, "R&D <draft>.odt", NULL);
  g_autofree char *video = g_build_filename (dir, "Holiday video.mkv", NULL);
  g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *photos = g_build_filename (dir, "Photos", NULL);
  g_autoptr(GFile) photos_file = g_file_new_for_path (photos);
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadPage *page = kf_window_get_upload_page (window);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  KfUploadItem *item;
  GtkWidget *dialog;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  shoot (GTK_WIDGET (window), "upload-empty");

  drop_one (window, report);
  item = wait_item (app, "Quarterly report 2024.pdf");
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE, 30);

  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_FILE_REFUSED, NULL, 1);
  drop_one (window, setup);
  item = wait_item (app, "setup.exe");
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_FAILED, 30);

  drop_one (window, draft);
  item = wait_item (app, "R&D <draft>.odt");
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE, 30);

  g_settings_set_uint (kf_application_get_settings (app), "parallel-uploads", 1);
  {
    GFile *both[2] = { g_file_new_for_path (video), g_file_new_for_path (notes) };

    g_assert_true (kf_app_test_drop_files (window, both, 2));
    g_object_unref (both[0]);
    g_object_unref (both[1]);
  }
  item = wait_item (app, "Holiday video.mkv");
  kf_app_test_wait_until (kf_upload_item_get_speed (item) > 0 || !kf_upload_item_is_active (item), 30);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_UPLOADING);
  {
    g_autofree char *file = g_strdup_printf ("upload-queue-%s.png", variant);
    g_autofree char *full = g_build_filename (shots_dir, file, NULL);
    g_autoptr(GError) error = NULL;

    /* A short pause only: the upload would finish. */
    kf_app_test_run_for (60);
    if (!kf_screenshot_widget (GTK_WIDGET (window), full, &error))
      g_error ("%s", error->message);
    g_test_message ("Queue shot taken at %.0f%%", kf_upload_item_get_progress (item) * 100);
  }
  gtk_widget_activate_action (GTK_WIDGET (page), "upload.cancel", "s", kf_upload_item_get_id (item));
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 10);
  item = wait_item (app, "notes.txt");
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 30);
  shoot (GTK_WIDGET (window), "upload-finished");

  g_assert_true (kf_app_test_drop_files (window, &photos_file, 1));
  kf_app_test_wait_until ((dialog = kf_upload_page_get_folder_dialog (page)) != NULL, 10);
  shoot (GTK_WIDGET (dialog), "folder-dialog");
  kf_alert_response (dialog, "cancel");

  gtk_editable_set_text (kf_upload_page_get_search_entry (page), "zzz");
  shoot (GTK_WIDGET (window), "upload-no-results");
  gtk_editable_set_text (kf_upload_page_get_search_entry (page), "");

  {
    GtkWidget *preferences = kf_preferences_new (app);
    KfPreferencesPage *general = kf_preferences_get_page (preferences);

    kf_preferences_present (preferences, GTK_WIDGET (window));
    kf_app_test_wait_until (kf_preferences_find (GTK_WINDOW (window)) == preferences &&
                            gtk_widget_get_mapped (preferences), 10);
    shoot (preferences, "preferences");
    g_assert_nonnull (kf_preferences_page_apply_server_url (general, "http://example.com"));
    shoot (preferences, "preferences-error");
    g_assert_null (kf_preferences_page_apply_server_url (general, "https://example.com/"));
    g_assert_cmpstr (g_settings_get_string (kf_application_get_settings (app), "server-url"), ==, "https://example.com");
    kf_preferences_close (preferences);
    kf_app_test_wait_until (kf_preferences_find (GTK_WINDOW (window)) == NULL, 10);
  }
}

static void
test_upload_states (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *photos = g_build_filename (dir, "Photos", NULL);

  g_free (kf_test_make_file (dir, "Quarterly report 2024.pdf", 1200 * 1024));
  g_free (kf_test_make_file (dir, "setup.exe", 300 * 1024));
  g_free (kf_test_make_file (dir, "R&D <draft>.odt", 80 * 1024));
  g_free (kf_test_make_file (dir, "Holiday video.mkv", 768 * 1024 * 1024));
  g_free (kf_test_make_file (dir, "notes.txt", 2 * 1024));
  g_assert_cmpint (g_mkdir_with_parents (photos, 0700), ==, 0);
  g_free (kf_test_make_file (photos, "beach.jpg", 2 * 1024 * 1024));
  g_free (kf_test_make_file (photos, "sunset.jpg", 3 * 1024 * 1024));

  kf_app_test_run (TRUE, upload_states_body, dir);
}

static void
remove_shots (void)
{
  g_autoptr(GDir) dir = g_dir_open (shots_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (shots_dir, name, NULL);

      g_unlink (child);
    }
  g_rmdir (shots_dir);
}

int
main (int   argc,
      char *argv[])
{
  gboolean keep;
  int status;

  data_home = kf_app_test_init (&argc, &argv, FALSE);

  keep = kf_screenshot_dir () != NULL;
  if (keep)
    {
      shots_dir = g_strdup (kf_screenshot_dir ());
      g_mkdir_with_parents (shots_dir, 0755);
    }
  else
    {
      shots_dir = g_build_filename (data_home, "shots", NULL);
      g_mkdir_with_parents (shots_dir, 0700);
    }

  if (g_strcmp0 (g_getenv ("KF_SHOTS_DARK"), "1") == 0)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
      variant = "dark";
    }

  g_test_add_func ("/app/screenshots/welcome", test_welcome);
  g_test_add_func ("/app/screenshots/upload", test_upload_states);

  status = g_test_run ();
  if (!keep)
    remove_shots ();
  g_free (shots_dir);
  return status;
}
