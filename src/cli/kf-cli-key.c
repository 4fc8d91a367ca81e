/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `kenfiles key set|status|forget`: the key is read from standard input,
 * never from the command line, and never printed. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-cli.h"
#include "kf-keyring.h"

static gboolean opt_reseller;

typedef struct {
  KfCli        *cli;
  KfSecretKind  kind;
  char         *key;
  gboolean      from_env;
  gboolean      stored;
  gboolean      keyring_known;
} KeyJob;

static void
key_job_free (KeyJob *job)
{
  kf_keyring_free_secret (job->key);
  g_free (job);
}

static const char *
kind_name (KfSecretKind kind)
{
  return kind == KF_SECRET_RESELLER_KEY ? "reseller-key" : "api-key";
}

/* key set */

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KeyJob *job = user_data;
  KfCli *cli = job->cli;
  g_autoptr(GError) error = NULL;

  if (!kf_keyring_store_finish (result, &error))
    {
      if (g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
        kf_cli_fail_literal (cli, "no-keyring",
                             _("No keyring is available to save the key: set KENFILES_API_KEY instead."));
      else
        kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "kind", kind_name (job->kind));
      json_builder_set_member_name (builder, "stored");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else if (job->kind == KF_SECRET_RESELLER_KEY)
    kf_cli_print_text (cli, "%s\n", _("The reseller key is saved in the keyring. "
                                      "It is checked when you create a voucher."));
  else
    kf_cli_print_text (cli, "%s\n", _("The API key works and is saved in the keyring."));

  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
store_key (KeyJob *job)
{
  kf_keyring_store_async (job->kind, job->key, job->cli->cancellable, store_cb, job);
}

static void
check_before_store_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  KeyJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;

  info = kf_client_get_account_info_finish (KF_CLIENT (source), result, &error);
  if (info == NULL)
    {
      if (g_error_matches (error, KF_ERROR, KF_ERROR_KEY_REJECTED))
        kf_cli_fail_literal (job->cli, "key-rejected",
                             _("The server does not accept this key, so it was not saved."));
      else
        {
          g_autofree char *message = g_strdup_printf (_("%s The key was not saved."), error->message);
          kf_cli_fail_literal (job->cli, kf_cli_error_code (error), message);
        }
      return;
    }

  store_key (job);
}

/* key status */

static void
print_status (KeyJob     *job,
              const char *validity,
              const char *email)
{
  KfCli *cli = job->cli;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "kind", kind_name (job->kind));
      json_builder_set_member_name (builder, "stored");
      if (job->keyring_known)
        json_builder_add_boolean_value (builder, job->stored);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "environment");
      json_builder_add_boolean_value (builder, job->from_env);
      kf_cli_json_add_string (builder, "valid", validity);
      kf_cli_json_add_string (builder, "email", email);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
      return;
    }

  if (!job->keyring_known)
    kf_cli_print_text (cli, "%s\n", _("The keyring cannot be used."));
  else if (job->stored)
    kf_cli_print_text (cli, "%s\n", _("A key is stored in the keyring."));
  else
    kf_cli_print_text (cli, "%s\n", _("No key is stored in the keyring."));

  if (job->from_env)
    kf_cli_print_text (cli, "%s\n", _("KENFILES_API_KEY is set and is used instead of the keyring."));

  if (g_strcmp0 (validity, "valid") == 0)
    {
      if (email != NULL)
        kf_cli_print_text (cli, _("The server accepts the key (account %s).\n"), email);
      else
        kf_cli_print_text (cli, "%s\n", _("The server accepts the key."));
    }
  else if (g_strcmp0 (validity, "rejected") == 0)
    kf_cli_print_text (cli, "%s\n", _("The server does not accept the key."));
}

static void
status_check_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KeyJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;

  info = kf_client_get_account_info_finish (KF_CLIENT (source), result, &error);
  if (info != NULL)
    {
      print_status (job, "valid", info->email);
      kf_cli_finish (job->cli, KF_CLI_EXIT_OK);
    }
  else if (g_error_matches (error, KF_ERROR, KF_ERROR_KEY_REJECTED))
    {
      print_status (job, "rejected", NULL);
      kf_cli_warn (job->cli, _("The server does not accept the key: run “kenfiles key set” with a new one."));
      kf_cli_finish (job->cli, KF_CLI_EXIT_FAILED);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Could not check the key: %s"), error->message);

      print_status (job, "unknown", NULL);
      kf_cli_warn (job->cli, message);
      kf_cli_finish (job->cli, KF_CLI_EXIT_FAILED);
    }
}

static void
status_lookup_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KeyJob *job = user_data;
  KfCli *cli = job->cli;
  g_autoptr(GError) error = NULL;
  char *stored_key;

  stored_key = kf_keyring_lookup_finish (result, &error);
  job->keyring_known = error == NULL;
  job->stored = stored_key != NULL;

  if (job->key == NULL)
    job->key = g_steal_pointer (&stored_key);
  kf_keyring_free_secret (stored_key);

  if (job->key == NULL)
    {
      print_status (job, NULL, NULL);
      if (error != NULL)
        kf_cli_warn (cli, error->message);
      else
        kf_cli_warn (cli, _("No API key is set: run “kenfiles key set” or set KENFILES_API_KEY."));
      kf_cli_finish (cli, KF_CLI_EXIT_FAILED);
      return;
    }

  if (job->kind == KF_SECRET_RESELLER_KEY)
    {
      /* A reseller key can only be checked by buying something. */
      print_status (job, NULL, NULL);
      kf_cli_finish (cli, KF_CLI_EXIT_OK);
      return;
    }

  kf_client_set_api_key (cli->client, job->key);
  kf_client_get_account_info_async (cli->client, cli->cancellable, status_check_cb, job);
}

/* key forget */

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KeyJob *job = user_data;
  KfCli *cli = job->cli;
  g_autoptr(GError) error = NULL;

  if (!kf_keyring_clear_finish (result, &error))
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "kind", kind_name (job->kind));
      json_builder_set_member_name (builder, "stored");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    kf_cli_print_text (cli, "%s\n", _("No key is stored in the keyring any more."));

  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

gboolean
kf_cli_key (KfCli  *cli,
            char  **argv)
{
  const GOptionEntry entries[] = {
    { "reseller", 0, 0, G_OPTION_ARG_NONE, &opt_reseller,
      N_("Act on the separate reseller key (for vouchers) instead of the API key"), NULL },
    { NULL }
  };
  const char *action;
  KeyJob *job;

  if (!kf_cli_parse_options (cli, "key", "set|status|forget",
                             _("Manage the key in the keyring. “set” reads the key from standard input, "
                               "checks it and saves it; “status” says whether a key is stored and accepted; "
                               "“forget” removes it."),
                             entries, &argv))
    return FALSE;

  if (g_strv_length (argv) != 2)
    {
      kf_cli_usage_error (cli, _("Give one of: set, status, forget."));
      return FALSE;
    }

  action = argv[1];
  if (!g_str_equal (action, "set") && !g_str_equal (action, "status") && !g_str_equal (action, "forget"))
    {
      g_autofree char *message = g_strdup_printf (_("Unknown key action “%s”: use set, status or forget."),
                                                  action);
      kf_cli_usage_error (cli, message);
      return FALSE;
    }

  if (!kf_cli_connect (cli, 2))
    return FALSE;

  job = g_new0 (KeyJob, 1);
  job->cli = cli;
  job->kind = opt_reseller ? KF_SECRET_RESELLER_KEY : KF_SECRET_API_KEY;
  cli->command_data = job;
  cli->command_data_free = (GDestroyNotify) key_job_free;

  if (g_str_equal (action, "set"))
    {
      job->key = kf_cli_read_secret (opt_reseller ? _("Reseller key: ") : _("API key: "));
      if (job->key == NULL || *job->key == '\0')
        {
          kf_cli_fail_literal (cli, "no-key", _("No key was given on standard input."));
          return FALSE;
        }

      if (job->kind == KF_SECRET_RESELLER_KEY)
        store_key (job);
      else
        {
          kf_client_set_api_key (cli->client, job->key);
          kf_client_get_account_info_async (cli->client, cli->cancellable, check_before_store_cb, job);
        }
    }
  else if (g_str_equal (action, "status"))
    {
      const char *env_key = g_getenv ("KENFILES_API_KEY");

      if (job->kind == KF_SECRET_API_KEY && env_key != NULL && *env_key != '\0')
        {
          job->from_env = TRUE;
          job->key = g_strdup (env_key);
        }
      kf_keyring_lookup_async (job->kind, cli->cancellable, status_lookup_cb, job);
    }
  else
    kf_keyring_clear_async (job->kind, cli->cancellable, clear_cb, job);

  return TRUE;
}
