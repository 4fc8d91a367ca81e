/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `kenfiles voucher PLAN`: spends balance, so it asks first, is never
 * retried or cancelled once sent, and saves the code before printing it. */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "kf-cli.h"
#include "kf-keyring.h"
#include "kf-ledger.h"

static gboolean opt_yes;

typedef struct {
  KfCli *cli;
  char  *plan;
  char  *code;
  char  *reseller_key;
  char  *ledger_path;
} VoucherJob;

static void
voucher_job_free (VoucherJob *job)
{
  g_free (job->plan);
  g_free (job->code);
  kf_keyring_free_secret (job->reseller_key);
  g_free (job->ledger_path);
  g_free (job);
}

static void
print_voucher (VoucherJob *job,
               gboolean    saved)
{
  KfCli *cli = job->cli;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "voucher", job->code);
      kf_cli_json_add_string (builder, "plan", job->plan);
      json_builder_set_member_name (builder, "saved");
      json_builder_add_boolean_value (builder, saved);
      kf_cli_json_add_string (builder, "ledger", saved ? job->ledger_path : NULL);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    kf_cli_print_text (cli, "%s\n", job->code);
}

static void
ledger_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  VoucherJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!kf_ledger_append_finish (result, &error))
    {
      g_autofree char *message = NULL;

      /* The code is paid for: show it whatever happens, and say loudly that
       * this is the only copy. */
      print_voucher (job, FALSE);
      message = g_strdup_printf (_("The voucher %s was created but NOT saved in the voucher list: "
                                   "write the code down now. %s"), job->code, error->message);
      kf_cli_warn (job->cli, message);
      kf_cli_finish (job->cli, KF_CLI_EXIT_FAILED);
      return;
    }

  print_voucher (job, TRUE);
  kf_cli_finish (job->cli, KF_CLI_EXIT_OK);
}

static void
voucher_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VoucherJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) path_error = NULL;

  job->code = kf_client_create_voucher_finish (KF_CLIENT (source), result, &error);
  if (job->code == NULL)
    {
      if (g_error_matches (error, KF_ERROR, KF_ERROR_UNCERTAIN))
        kf_cli_fail_literal (job->cli, "uncertain",
                             _("The server’s answer was lost: the voucher may have been created and paid for. "
                               "Check your balance and vouchers on the website before trying again."));
      else
        kf_cli_fail (job->cli, error);
      return;
    }

  job->ledger_path = kf_ledger_get_default_path (&path_error);
  if (job->ledger_path == NULL)
    {
      g_autofree char *message = NULL;

      print_voucher (job, FALSE);
      message = g_strdup_printf (_("The voucher %s was created but NOT saved in the voucher list: "
                                   "write the code down now. %s"), job->code, path_error->message);
      kf_cli_warn (job->cli, message);
      kf_cli_finish (job->cli, KF_CLI_EXIT_FAILED);
      return;
    }

  kf_ledger_append_async (job->ledger_path, job->plan, job->code, NULL, ledger_cb, job);
}

static void
send_request (VoucherJob *job)
{
  /* No cancellable: once asked, a purchase must be seen through. */
  kf_client_create_voucher_async (job->cli->client, job->plan, job->reseller_key,
                                  NULL, voucher_cb, job);
}

static void
reseller_key_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VoucherJob *job = user_data;
  g_autoptr(GError) error = NULL;

  /* Without a stored reseller key the API key is used, as on most accounts. */
  job->reseller_key = kf_keyring_lookup_finish (result, &error);
  if (error != NULL)
    g_debug ("No reseller key from the keyring: %s", error->message);

  send_request (job);
}

static void
voucher_start (KfCli *cli)
{
  VoucherJob *job = cli->command_data;
  const char *env_key = g_getenv ("KENFILES_RESELLER_KEY");

  if (env_key != NULL && *env_key != '\0')
    {
      job->reseller_key = g_strdup (env_key);
      send_request (job);
      return;
    }

  kf_keyring_lookup_async (KF_SECRET_RESELLER_KEY, NULL, reseller_key_cb, job);
}

static gboolean
confirm (const char *plan)
{
  char answer[64];

  fprintf (stderr, _("Create a voucher for %s? This spends your balance. [y/N] "), plan);
  fflush (stderr);

  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;

  g_strstrip (answer);
  return g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0 ||
         g_utf8_collate (answer, C_("answer to a yes/no question", "y")) == 0 ||
         g_utf8_collate (answer, C_("answer to a yes/no question", "yes")) == 0;
}

gboolean
kf_cli_voucher (KfCli  *cli,
                char  **argv)
{
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes, N_("Do not ask for confirmation"), NULL },
    { NULL }
  };
  VoucherJob *job;
  const char *plan;

  if (!kf_cli_parse_options (cli, "voucher", _("PLAN"),
                             _("Create a reseller voucher; this spends account balance. Plans: "
                               "30p 90p 180p 365p (Premium), 30b 90b 180b 365b (Premium Pro), "
                               "50t 200t 500t 2000t (Premium Traffic). The reseller key comes from "
                               "KENFILES_RESELLER_KEY, else “kenfiles key set --reseller”, else the API key."),
                             entries, &argv))
    return FALSE;

  if (g_strv_length (argv) != 2)
    {
      kf_cli_usage_error (cli, argv[1] == NULL ? _("Missing argument: the plan.")
                                               : _("Give exactly one plan."));
      return FALSE;
    }

  plan = argv[1];
  if (kf_plan_lookup (plan) == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Unknown plan “%s”: use one of 30p 90p 180p 365p 30b 90b 180b 365b "
                           "50t 200t 500t 2000t."), plan);
      kf_cli_usage_error (cli, message);
      return FALSE;
    }

  if (!kf_cli_connect (cli, 2))
    return FALSE;

  if (!opt_yes && !confirm (plan))
    {
      kf_cli_fail_literal (cli, "declined", _("No voucher was created."));
      return FALSE;
    }

  job = g_new0 (VoucherJob, 1);
  job->cli = cli;
  job->plan = g_strdup (plan);
  cli->command_data = job;
  cli->command_data_free = (GDestroyNotify) voucher_job_free;

  kf_cli_require_key (cli, voucher_start);
  return TRUE;
}
