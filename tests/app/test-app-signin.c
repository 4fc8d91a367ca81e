/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kf-alert.h"
#include "kf-app-test-util.h"
#include "kf-keyring.h"
#include "kf-store.h"
#include "kf-test-util.h"

static KfSandbox *sandbox;

static char *
stored_key (void)
{
  g_autoptr(GError) error = NULL;
  char *key = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);

  g_assert_no_error (error);
  return key;
}

static void
sign_in_with (KfWindow   *window,
              const char *key)
{
  KfWelcomePage *welcome = kf_window_get_welcome_page (window);
  GtkButton *button = kf_welcome_page_get_sign_in_button (welcome);

  gtk_editable_set_text (kf_welcome_page_get_key_entry (welcome), key);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (kf_welcome_page_get_busy (welcome));
  kf_app_test_wait_until (!kf_welcome_page_get_busy (welcome), 30);
}

static void
wait_for_page (KfWindow   *window,
               const char *page)
{
  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), page) == 0, 10);
}

static void
first_start_body (KfApplication *app,
                  gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  g_autofree char *key = NULL;
  const char *error;

  wait_for_page (window, "welcome");
  g_assert_null (kf_application_get_sandbox (app));
  g_assert_cmpstr (kf_application_get_server_url (app, NULL), ==, kf_sandbox_get_url (sandbox));

  /* A wrong key is refused inline and never stored. */
  sign_in_with (window, "wrongkey00000000000000000000000000000000");
  error = kf_welcome_page_get_error (kf_window_get_welcome_page (window));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "did not accept"));
  g_assert_cmpstr (kf_window_get_visible_page (window), ==, "welcome");
  key = stored_key ();
  g_assert_null (key);
  g_assert_cmpuint (kf_sandbox_count_requests (sandbox, "/api/account/info"), ==, 1);

  /* The right key signs in and lands in the keyring. */
  sign_in_with (window, kf_sandbox_get_api_key (sandbox));
  g_assert_null (kf_welcome_page_get_error (kf_window_get_welcome_page (window)));
  wait_for_page (window, "main");
  key = stored_key ();
  g_assert_cmpstr (key, ==, kf_sandbox_get_api_key (sandbox));
  g_clear_pointer (&key, kf_keyring_free_secret);
}

static void
second_start_body (KfApplication *app,
                   gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  GtkWidget *dialog;
  g_autofree char *key = NULL;

  /* Signed in from the keyring. */
  wait_for_page (window, "main");

  /* Sign Out asks first; cancelling keeps the key. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  kf_app_test_wait_until ((dialog = kf_app_test_find_dialog (GTK_WINDOW (window))) != NULL, 5);
  kf_alert_response (dialog, "cancel");
  kf_app_test_run_for (200);
  g_assert_cmpstr (kf_window_get_visible_page (window), ==, "main");
  key = stored_key ();
  g_assert_nonnull (key);
  g_clear_pointer (&key, kf_keyring_free_secret);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  kf_app_test_wait_until ((dialog = kf_app_test_find_dialog (GTK_WINDOW (window))) != NULL, 5);
  kf_alert_response (dialog, "sign-out");
  wait_for_page (window, "welcome");
  key = stored_key ();
  g_assert_null (key);
}

static void
third_start_body (KfApplication *app,
                  gpointer       data)
{
  /* Asks for a key again. */
  wait_for_page (kf_app_test_get_window (app), "welcome");
}

/* Someone without a key: links to the site's Account Settings and sign-up
 * pages, and a way to try the app on the built-in sandbox. */
static void
first_start_links_body (KfApplication *app,
                        gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfWelcomePage *welcome = kf_window_get_welcome_page (window);
  GtkLabel *account = kf_welcome_page_get_link_label (welcome, "account");
  GtkLabel *sign_up = kf_welcome_page_get_link_label (welcome, "sign-up");
  g_autofree char *account_link = g_strdup_printf ("<a href=\"%s/?op=my_account\">Account Settings</a>",
                                                   kf_sandbox_get_url (sandbox));
  g_autofree char *sign_up_link = g_strdup_printf ("<a href=\"%s/?op=registration\">",
                                                   kf_sandbox_get_url (sandbox));
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = kf_store_get_data_dir (&error);
  g_autofree char *sandbox_dir = NULL;
  g_autofree char *remove = NULL;
  GSubprocess *child;

  g_assert_no_error (error);
  wait_for_page (window, "welcome");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (account)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (sign_up)));
  g_assert_nonnull (strstr (gtk_label_get_label (account), account_link));
  g_assert_nonnull (strstr (gtk_label_get_text (account), "Account Settings"));
  g_assert_nonnull (strstr (gtk_label_get_label (sign_up), sign_up_link));
  g_assert_nonnull (strstr (gtk_label_get_text (sign_up), "Sign up"));

  /* "Try Without an Account" starts the app again on its own sandbox: it
   * makes the sandbox's folder and keeps running. */
  sandbox_dir = g_build_filename (data_dir, "sandbox", NULL);
  remove = g_strdup_printf ("rm -rf '%s'", sandbox_dir);
  g_assert_true (g_spawn_command_line_sync (remove, NULL, NULL, NULL, NULL));
  g_assert_false (g_file_test (sandbox_dir, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (kf_welcome_page_get_try_button (welcome))));
  g_signal_emit_by_name (kf_welcome_page_get_try_button (welcome), "clicked");
  child = kf_application_get_try_process (app);
  g_assert_nonnull (child);
  kf_app_test_wait_until (g_file_test (sandbox_dir, G_FILE_TEST_IS_DIR) ||
                          g_subprocess_get_identifier (child) == NULL, 60);
  g_assert_nonnull (g_subprocess_get_identifier (child));
  g_assert_true (g_file_test (sandbox_dir, G_FILE_TEST_IS_DIR));
  kf_app_test_run_for (500);
  g_assert_nonnull (g_subprocess_get_identifier (child));

  /* This window is left as it was. */
  g_assert_cmpstr (kf_window_get_visible_page (window), ==, "welcome");
  g_subprocess_force_exit (child);
  kf_app_test_wait_until (g_subprocess_get_identifier (child) == NULL, 10);
}

static void
test_first_start_links (void)
{
  kf_keyring_clear_sync (KF_SECRET_API_KEY, NULL, NULL);
  kf_app_test_run (FALSE, first_start_links_body, NULL);
}

static void
test_sign_in_out (void)
{
  kf_keyring_clear_sync (KF_SECRET_API_KEY, NULL, NULL);

  kf_app_test_run (FALSE, first_start_body, NULL);
  kf_app_test_run (FALSE, second_start_body, NULL);
  kf_app_test_run (FALSE, third_start_body, NULL);
}

static void
network_error_body (KfApplication *app,
                    gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  g_autofree char *key = NULL;
  const char *error;

  wait_for_page (window, "welcome");
  sign_in_with (window, kf_sandbox_get_api_key (sandbox));
  error = kf_welcome_page_get_error (kf_window_get_welcome_page (window));
  g_assert_nonnull (error);
  g_assert_null (strstr (error, "did not accept"));
  g_assert_nonnull (strstr (error, "could not be checked"));
  g_assert_cmpstr (kf_window_get_visible_page (window), ==, "welcome");
  key = stored_key ();
  g_assert_null (key);
}

static void
test_network_error_told_apart (void)
{
  kf_keyring_clear_sync (KF_SECRET_API_KEY, NULL, NULL);
  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_HTML_5XX, "/api/account/info", 0);
  kf_app_test_run (FALSE, network_error_body, NULL);
  kf_sandbox_clear_faults (sandbox);
}

/* --- No secret service ------------------------------------------------ */

#define NO_KEYRING_TEXT "This computer has no keyring to keep the key safe"

static gboolean
label_shows (GtkWidget  *root,
             const char *part)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (label_shows (child, part))
        return TRUE;
    }
  return FALSE;
}

/* memmem is not in C11. */
static gboolean
bytes_contain (const char *data,
               gsize       length,
               const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= length && i <= length - n; i++)
    {
      if (memcmp (data + i, needle, n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Fails if any file under @path holds @needle anywhere in its bytes. */
static void
assert_no_file_holds (const char *path,
                      const char *needle,
                      guint      *n_files)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          !g_file_get_contents (path, &contents, &length, NULL))
        return;
      (*n_files)++;
      if (bytes_contain (contents, length, needle))
        g_error ("The API key was written to %s", path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      assert_no_file_holds (child, needle, n_files);
    }
}

/* Every key of every schema of ours, whatever the app wrote there. */
static void
assert_no_setting_holds (const char *needle)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_auto(GStrv) schemas = NULL;
  guint n_keys = 0;

  g_settings_schema_source_list_schemas (source, TRUE, &schemas, NULL);
  for (guint i = 0; schemas[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchema) schema = g_settings_schema_source_lookup (source, schemas[i], TRUE);
      g_autoptr(GSettings) settings = NULL;
      g_auto(GStrv) keys = NULL;

      if (!g_str_has_prefix (schemas[i], APPLICATION_ID))
        continue;
      settings = g_settings_new_full (schema, NULL, NULL);
      keys = g_settings_schema_list_keys (schema);
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autoptr(GVariant) value = g_settings_get_value (settings, keys[k]);
          g_autofree char *text = g_variant_print (value, FALSE);

          n_keys++;
          if (strstr (text, needle) != NULL)
            g_error ("The API key was written to the setting %s.%s", schemas[i], keys[k]);
        }
    }
  /* The schema was found and read, so the check above means something. */
  g_assert_cmpuint (n_keys, >=, 9);
}

static void
assert_key_kept_nowhere (void)
{
  const char *key = kf_sandbox_get_api_key (sandbox);
  const char *dirs[] = {
    g_get_home_dir (), g_get_user_data_dir (), g_get_user_config_dir (),
    g_get_user_cache_dir (), g_get_user_state_dir (), g_get_user_runtime_dir (),
    g_get_tmp_dir (),
  };
  guint n_files = 0;

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    assert_no_file_holds (dirs[i], key, &n_files);
  /* At least the upload history and the dropped file were looked at. */
  g_assert_cmpuint (n_files, >=, 2);
  assert_no_setting_holds (key);
}

static gboolean
upload_done (KfApplication *app,
             const char    *name)
{
  KfUploadItem *item = kf_app_test_find_item (app, name);

  return item != NULL && !kf_upload_item_is_active (item);
}

static void
no_keyring_body (KfApplication *app,
                 gpointer       data)
{
  const char *dir = data;
  KfWindow *window = kf_app_test_get_window (app);
  KfWelcomePage *welcome = kf_window_get_welcome_page (window);
  GtkButton *button = kf_welcome_page_get_sign_in_button (welcome);
  g_autofree char *path = kf_test_make_file (dir, "session only.bin", 70000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) stored = NULL;
  KfSandboxFile *server_file;
  KfUploadItem *item;

  /* Said plainly on the welcome page, before the user types anything. */
  wait_for_page (window, "welcome");
  kf_app_test_wait_until (!kf_application_get_keyring_available (app), 10);
  kf_app_test_wait_until (label_shows (GTK_WIDGET (welcome), NO_KEYRING_TEXT), 10);
  g_assert_true (label_shows (GTK_WIDGET (welcome), "You can still use it until you close KenFiles"));
  g_assert_true (label_shows (GTK_WIDGET (button), "Sign In for This Session"));

  /* The same path as a click on the button. */
  sign_in_with (window, kf_sandbox_get_api_key (sandbox));
  g_assert_null (kf_welcome_page_get_error (welcome));
  wait_for_page (window, "main");
  g_assert_cmpint (kf_application_get_session_state (app), ==, KF_SESSION_SIGNED_IN);
  g_assert_cmpuint (kf_sandbox_count_requests (sandbox, "/api/account/info"), ==, 1);

  /* Signed in for real: a dropped file arrives at the server intact. */
  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until (upload_done (app, "session only.bin"), 60);
  item = kf_app_test_find_item (app, "session only.bin");
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_DONE);
  stored = kf_sandbox_list_files (sandbox);
  g_assert_cmpuint (stored->len, ==, 1);
  server_file = g_ptr_array_index (stored, 0);
  g_assert_cmpstr (server_file->name, ==, "session only.bin");
  g_assert_true (kf_test_files_equal (path, server_file->path));

  assert_key_kept_nowhere ();
}

static void
no_keyring_again_body (KfApplication *app,
                       gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);

  /* Nothing kept: the next start asks for the key again. */
  wait_for_page (window, "welcome");
  kf_app_test_wait_until (label_shows (GTK_WIDGET (kf_window_get_welcome_page (window)),
                                       NO_KEYRING_TEXT), 10);
  g_assert_cmpint (kf_application_get_session_state (app), ==, KF_SESSION_SIGNED_OUT);
}

static void
test_no_keyring_subprocess (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "drop-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  kf_app_test_run (FALSE, no_keyring_body, dir);
  /* After quitting too, when the history and the state have been saved. */
  assert_key_kept_nowhere ();
  kf_app_test_run (FALSE, no_keyring_again_body, NULL);
  assert_key_kept_nowhere ();
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A session bus of its own with no service files: nothing can be activated,
 * so nobody provides org.freedesktop.secrets. Returns its address. */
static char *
start_bare_bus (const char   *root,
                GSubprocess **daemon)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = g_build_filename (root, "bus.conf", NULL);
  char *address;

  config = g_strdup_printf ("<busconfig><type>session</type>"
                            "<listen>unix:dir=%s</listen>"
                            "<policy context=\"default\">"
                            "<allow send_destination=\"*\" eavesdrop=\"true\"/>"
                            "<allow eavesdrop=\"true\"/><allow own=\"*\"/>"
                            "</policy></busconfig>", root);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));
  g_assert_no_error (error);

  *daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "dbus-daemon", "--nofork", "--print-address=1",
                              "--config-file", config_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (*daemon));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  return address;
}

static void
test_no_keyring (void)
{
  /* What the app gets: its own bus, home and XDG folders, all under root. */
  static const char *vars[] = {
    "DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "TMPDIR", "GTK_A11Y",
  };
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *bus_dir = NULL;
  g_autofree char *address = NULL;
  char *saved[G_N_ELEMENTS (vars)];
  guint n_files = 0;

  if (dbus_daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }

  root = g_dir_make_tmp ("kf-no-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  bus_dir = g_build_filename (root, "bus", NULL);
  g_assert_cmpint (g_mkdir (bus_dir, 0700), ==, 0);
  address = start_bare_bus (bus_dir, &daemon);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      saved[i] = g_strdup (g_getenv (vars[i]));
      if (g_str_equal (vars[i], "DBUS_SESSION_BUS_ADDRESS"))
        g_setenv (vars[i], address, TRUE);
      else if (g_str_equal (vars[i], "GTK_A11Y"))
        /* The accessibility bus is not on our bare bus either. */
        g_setenv (vars[i], "none", TRUE);
      else
        {
          g_autofree char *path = g_build_filename (root, vars[i], NULL);

          g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
          g_setenv (vars[i], path, TRUE);
        }
    }

  g_test_trap_subprocess ("/app/sign-in/no-keyring/subprocess", 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      if (saved[i] != NULL)
        g_setenv (vars[i], saved[i], TRUE);
      else
        g_unsetenv (vars[i]);
      g_free (saved[i]);
    }

  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);

  /* Whatever the app left behind once it had exited. */
  if (g_test_trap_has_passed ())
    assert_no_file_holds (root, kf_sandbox_get_api_key (sandbox), &n_files);
  remove_tree (root);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kf_app_test_init (&argc, &argv, FALSE);

  sandbox = kf_sandbox_new (NULL);
  g_assert_true (kf_sandbox_start (sandbox, 0, &error));
  g_assert_no_error (error);
  g_setenv ("KENFILES_SERVER", kf_sandbox_get_url (sandbox), TRUE);

  g_test_add_func ("/app/sign-in/in-and-out", test_sign_in_out);
  g_test_add_func ("/app/sign-in/first-start-links", test_first_start_links);
  g_test_add_func ("/app/sign-in/network-error", test_network_error_told_apart);
  g_test_add_func ("/app/sign-in/no-keyring", test_no_keyring);
  g_test_add_func ("/app/sign-in/no-keyring/subprocess", test_no_keyring_subprocess);

  status = g_test_run ();
  kf_sandbox_stop (sandbox);
  g_clear_object (&sandbox);
  return status;
}
