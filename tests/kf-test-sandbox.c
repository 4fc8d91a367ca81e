/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-test-sandbox.h"
#include "kf-test-util.h"

KfSandbox *
kf_test_sandbox_start (void)
{
  g_autoptr(KfSandbox) sandbox = kf_sandbox_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (kf_sandbox_start (sandbox, 0, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&sandbox);
}

KfClient *
kf_test_client_new (KfSandbox *sandbox)
{
  g_autoptr(GError) error = NULL;
  KfClient *client;

  client = kf_client_new (kf_sandbox_get_url (sandbox), kf_sandbox_get_api_key (sandbox), &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

void
kf_test_cli_run_clear (KfTestCliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static void
cli_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  KfTestCliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  run->done = TRUE;
}

GSubprocess *
kf_test_cli_start (KfSandbox          *sandbox,
                   const char * const *args,
                   KfTestCliRun       *run)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_SERVER", kf_sandbox_get_url (sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_API_KEY", kf_sandbox_get_api_key (sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);

  g_strv_builder_add (argv, g_getenv ("KENFILES_CLI"));
  g_strv_builder_addv (argv, (const char **) args);
  strv = g_strv_builder_end (argv);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) strv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, cli_done_cb, run);
  return process;
}

void
kf_test_cli_run (KfSandbox          *sandbox,
                 const char * const *args,
                 KfTestCliRun       *run)
{
  g_autoptr(GSubprocess) process = kf_test_cli_start (sandbox, args, run);

  kf_test_wait_for (&run->done, 120);
}
