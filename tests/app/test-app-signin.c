/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-app-test-util.h"
#include "kf-keyring.h"

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
  AdwMessageDialog *dialog;
  g_autofree char *key = NULL;

  /* Signed in from the keyring. */
  wait_for_page (window, "main");

  /* Sign Out asks first; cancelling keeps the key. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  kf_app_test_wait_until ((dialog = kf_app_test_find_dialog (GTK_WINDOW (window))) != NULL, 5);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  kf_app_test_run_for (200);
  g_assert_cmpstr (kf_window_get_visible_page (window), ==, "main");
  key = stored_key ();
  g_assert_nonnull (key);
  g_clear_pointer (&key, kf_keyring_free_secret);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  kf_app_test_wait_until ((dialog = kf_app_test_find_dialog (GTK_WINDOW (window))) != NULL, 5);
  adw_message_dialog_response (dialog, "sign-out");
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
  g_test_add_func ("/app/sign-in/network-error", test_network_error_told_apart);

  status = g_test_run ();
  kf_sandbox_stop (sandbox);
  g_clear_object (&sandbox);
  return status;
}
