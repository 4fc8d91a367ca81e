/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs inside tests/with-keyring.sh: a private session bus with a real,
 * unlocked gnome-keyring-daemon. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kf-keyring.h"

#define TEST_KEY      "testkey0123456789abcdefghijklmnopqrstuvw"
#define TEST_KEY_2    "secondkey0123456789abcdefghijklmnopqrstu"
#define RESELLER_KEY  "resellerkey0123456789abcdefghijklmnopqrs"

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} AsyncWait;

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for_result (AsyncWait *wait)
{
  g_main_loop_run (wait->loop);
  g_assert_nonnull (wait->result);
  return wait->result;
}

static void
clear_all (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kf_keyring_clear_sync (KF_SECRET_API_KEY, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kf_keyring_clear_sync (KF_SECRET_RESELLER_KEY, NULL, &error));
  g_assert_no_error (error);
}

static void
test_sync_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  clear_all ();

  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  g_assert_true (kf_keyring_store_sync (KF_SECRET_API_KEY, TEST_KEY, NULL, &error));
  g_assert_no_error (error);

  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TEST_KEY);
  kf_keyring_free_secret (secret);

  /* Storing again replaces the item rather than adding a second one. */
  g_assert_true (kf_keyring_store_sync (KF_SECRET_API_KEY, TEST_KEY_2, NULL, &error));
  g_assert_no_error (error);
  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TEST_KEY_2);
  kf_keyring_free_secret (secret);

  g_assert_true (kf_keyring_clear_sync (KF_SECRET_API_KEY, NULL, &error));
  g_assert_no_error (error);
  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  /* Clearing what is not there is not an error. */
  g_assert_true (kf_keyring_clear_sync (KF_SECRET_API_KEY, NULL, &error));
  g_assert_no_error (error);
}

static void
test_kinds_independent (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  clear_all ();

  g_assert_true (kf_keyring_store_sync (KF_SECRET_API_KEY, TEST_KEY, NULL, &error));
  g_assert_no_error (error);

  secret = kf_keyring_lookup_sync (KF_SECRET_RESELLER_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  g_assert_true (kf_keyring_store_sync (KF_SECRET_RESELLER_KEY, RESELLER_KEY, NULL, &error));
  g_assert_no_error (error);

  secret = kf_keyring_lookup_sync (KF_SECRET_RESELLER_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, RESELLER_KEY);
  kf_keyring_free_secret (secret);

  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TEST_KEY);
  kf_keyring_free_secret (secret);

  g_assert_true (kf_keyring_clear_sync (KF_SECRET_RESELLER_KEY, NULL, &error));
  g_assert_no_error (error);

  secret = kf_keyring_lookup_sync (KF_SECRET_RESELLER_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TEST_KEY);
  kf_keyring_free_secret (secret);

  clear_all ();
}

static void
test_async_roundtrip (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncWait wait = { loop, NULL };
  g_autoptr(GError) error = NULL;
  char *secret;

  clear_all ();

  kf_keyring_lookup_async (KF_SECRET_API_KEY, NULL, async_done, &wait);
  secret = kf_keyring_lookup_finish (wait_for_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_clear_object (&wait.result);

  kf_keyring_store_async (KF_SECRET_API_KEY, TEST_KEY, NULL, async_done, &wait);
  g_assert_true (kf_keyring_store_finish (wait_for_result (&wait), &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  kf_keyring_lookup_async (KF_SECRET_API_KEY, NULL, async_done, &wait);
  secret = kf_keyring_lookup_finish (wait_for_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TEST_KEY);
  kf_keyring_free_secret (secret);
  g_clear_object (&wait.result);

  /* The sync and async paths share one schema and item. */
  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TEST_KEY);
  kf_keyring_free_secret (secret);

  kf_keyring_clear_async (KF_SECRET_API_KEY, NULL, async_done, &wait);
  g_assert_true (kf_keyring_clear_finish (wait_for_result (&wait), &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  kf_keyring_lookup_async (KF_SECRET_API_KEY, NULL, async_done, &wait);
  secret = kf_keyring_lookup_finish (wait_for_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_clear_object (&wait.result);
}

static void
assert_no_keyring_error (const GError *error)
{
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING);
  g_assert_null (strstr (error->message, TEST_KEY));
  g_assert_cmpuint (strlen (error->message), >, 10);
}

static void
test_no_keyring_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bus = NULL;
  char *secret;

  /* A bus address where nothing listens: no secret service at all. */
  bus = g_strdup_printf ("unix:path=%s/no-such-bus", g_get_tmp_dir ());
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);

  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_null (secret);
  assert_no_keyring_error (error);
  g_clear_error (&error);

  g_assert_false (kf_keyring_store_sync (KF_SECRET_API_KEY, TEST_KEY, NULL, &error));
  assert_no_keyring_error (error);
  g_clear_error (&error);

  g_assert_false (kf_keyring_clear_sync (KF_SECRET_API_KEY, NULL, &error));
  assert_no_keyring_error (error);
}

static void
test_no_keyring (void)
{
  g_test_trap_subprocess ("/keyring/no-keyring/subprocess", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_no_service_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  /* A working bus on which nobody provides org.freedesktop.secrets: the
   * caller of this subprocess starts a bare dbus-daemon for it. */
  secret = kf_keyring_lookup_sync (KF_SECRET_API_KEY, NULL, &error);
  g_assert_null (secret);
  assert_no_keyring_error (error);
}

static void
test_no_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *address = NULL;
  g_autofree char *config_dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
  gsize length;

  if (dbus_daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }

  /* A session bus with no service files, so nothing can be activated. */
  config_dir = g_dir_make_tmp ("kf-bus-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_strdup_printf ("<busconfig><type>session</type>"
                            "<listen>unix:dir=%s</listen>"
                            "<policy context=\"default\">"
                            "<allow send_destination=\"*\" eavesdrop=\"true\"/>"
                            "<allow eavesdrop=\"true\"/><allow own=\"*\"/>"
                            "</policy></busconfig>", config_dir);
  config_path = g_build_filename (config_dir, "bus.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, &error));
  g_assert_no_error (error);

  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             "dbus-daemon", "--nofork", "--print-address=1",
                             "--config-file", config_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line (out, &length, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);

  {
    const char *envp_var = "DBUS_SESSION_BUS_ADDRESS";
    g_autofree char *saved = g_strdup (g_getenv (envp_var));

    /* The subprocess inherits our environment at spawn time. */
    g_setenv (envp_var, address, TRUE);
    g_test_trap_subprocess ("/keyring/no-service/subprocess", 30 * G_USEC_PER_SEC,
                            G_TEST_SUBPROCESS_INHERIT_STDERR);
    if (saved != NULL)
      g_setenv (envp_var, saved, TRUE);
    else
      g_unsetenv (envp_var);
  }
  g_test_trap_assert_passed ();

  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);

  {
    g_autoptr(GDir) dir = g_dir_open (config_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (config_dir, name, NULL);
        g_remove (path);
      }
    g_rmdir (config_dir);
  }
}

static void
test_map_error (void)
{
  struct {
    GQuark domain;
    int    code;
    int    expected;
  } cases[] = {
    { G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN, KF_STORE_ERROR_NO_KEYRING },
    { G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER, KF_STORE_ERROR_NO_KEYRING },
    { G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED, KF_STORE_ERROR_NO_KEYRING },
    { G_IO_ERROR, G_IO_ERROR_NOT_FOUND, KF_STORE_ERROR_NO_KEYRING },
    { G_IO_ERROR, G_IO_ERROR_FAILED, KF_STORE_ERROR_NO_KEYRING },
    { G_IO_ERROR, G_IO_ERROR_DBUS_ERROR, KF_STORE_ERROR_KEYRING },
    { G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED, KF_STORE_ERROR_KEYRING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) in = g_error_new (cases[i].domain, cases[i].code, "detail %s", TEST_KEY);
      g_autoptr(GError) out = kf_keyring_map_error (in);

      g_assert_error (out, KF_STORE_ERROR, cases[i].expected);
      /* The original text may hold anything; it never reaches the user. */
      g_assert_null (strstr (out->message, TEST_KEY));
    }

  {
    g_autoptr(GError) in = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    g_autoptr(GError) out = kf_keyring_map_error (in);

    g_assert_error (out, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

static void
test_free_secret (void)
{
  char *secret = g_strdup (TEST_KEY);

  kf_keyring_free_secret (secret);
  kf_keyring_free_secret (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First, while this process has no D-Bus threads yet to race with setenv. */
  g_test_add_func ("/keyring/no-keyring", test_no_keyring);
  g_test_add_func ("/keyring/no-keyring/subprocess", test_no_keyring_subprocess);
  g_test_add_func ("/keyring/no-service", test_no_service);
  g_test_add_func ("/keyring/no-service/subprocess", test_no_service_subprocess);
  g_test_add_func ("/keyring/sync-roundtrip", test_sync_roundtrip);
  g_test_add_func ("/keyring/kinds-independent", test_kinds_independent);
  g_test_add_func ("/keyring/async-roundtrip", test_async_roundtrip);
  g_test_add_func ("/keyring/map-error", test_map_error);
  g_test_add_func ("/keyring/free-secret", test_free_secret);

  return g_test_run ();
}
