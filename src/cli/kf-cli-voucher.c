/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `kenfiles voucher PLAN`: spends balance, so it asks first, and buys through
 * the one purchase workflow (KfVoucherPurchase): the ledger is checked and a
 * pending record is on disk before anything is sent, the request is never
 * retried, and the code is saved before it is printed.
 * `kenfiles vouchers`: the ledger, uncertain purchases included. */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "kf-cli.h"
#include "kf-keyring.h"
#include "kf-ledger.h"
#include "kf-util.h"
#include "kf-voucher-purchase.h"

static gboolean opt_yes;

typedef struct {
  KfCli             *cli;
  char              *plan;
  char              *reseller_key;
  KfVoucherPurchase *purchase;
} VoucherJob;

static void
voucher_job_free (VoucherJob *job)
{
  g_free (job->plan);
  kf_keyring_free_secret (job->reseller_key);
  g_clear_object (&job->purchase);
  g_free (job);
}

/* A code is letters and digits; anything a terminal acts on, or a space
 * that would split it when copied, makes it suspect. */
static gboolean
code_is_plain (const char *code)
{
  if (!g_utf8_validate (code, -1, NULL))
    return FALSE;

  for (const char *p = code; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isgraph (g_utf8_get_char (p)) || *p == '\\')
      return FALSE;

  return TRUE;
}

/* Escaped for the terminal, and whitespace shown too: a code is copied by hand. */
static char *
escape_code (const char *code)
{
  g_autofree char *escaped = kf_util_escape_for_terminal (code);
  GString *out = g_string_new (NULL);

  for (const char *p = escaped; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == ' ')
        g_string_append (out, "\\x20");
      else if (g_unichar_isspace (c) || g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* For lines whose server values were escaped here already (codes show
 * their spaces too): kf_cli_print_text would escape the escapes again. */
static void
print_escaped_line (KfCli      *cli,
                    const char *line)
{
  kf_cli_clear_progress (cli);
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static void
print_voucher (VoucherJob *job,
               gboolean    charge_known,
               double      charged)
{
  KfCli *cli = job->cli;
  const char *code = kf_voucher_purchase_get_code (job->purchase);
  gboolean saved = kf_voucher_purchase_get_save_error (job->purchase) == NULL;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      /* JSON escapes the code itself: it is given exactly as received. */
      kf_cli_json_add_string (builder, "voucher", code);
      kf_cli_json_add_string (builder, "plan", job->plan);
      kf_cli_json_add_string (builder, "id", kf_voucher_purchase_get_id (job->purchase));
      json_builder_set_member_name (builder, "saved");
      json_builder_add_boolean_value (builder, saved);
      kf_cli_json_add_string (builder, "ledger",
                              saved ? kf_voucher_purchase_get_ledger_path (job->purchase) : NULL);
      json_builder_set_member_name (builder, "charged");
      if (charge_known)
        json_builder_add_double_value (builder, charged);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    {
      g_autofree char *shown = escape_code (code);

      print_escaped_line (cli, shown);
      if (charge_known)
        {
          g_autofree char *money = kf_format_money (charged);

          kf_cli_print_text (cli, _("Charged: %s\n"), money);
        }
    }
}

static void
finish_purchase (VoucherJob *job,
                 gboolean    charge_known,
                 double      charged)
{
  const GError *save_error = kf_voucher_purchase_get_save_error (job->purchase);
  const char *code = kf_voucher_purchase_get_code (job->purchase);

  print_voucher (job, charge_known, charged);

  if (!code_is_plain (code))
    kf_cli_warn (job->cli, _("The voucher code contains control characters or spaces: it is "
                             "shown escaped above and was saved exactly as the server sent it."));

  if (save_error != NULL)
    {
      g_autofree char *shown = escape_code (code);
      g_autofree char *message = NULL;

      /* The code is paid for: say loudly that this is the only copy. */
      message = g_strdup_printf (_("The voucher %s was created but NOT saved in the voucher list: "
                                   "write the code down now. %s"), shown, save_error->message);
      kf_cli_warn (job->cli, message);
      kf_cli_finish (job->cli, KF_CLI_EXIT_FAILED);
      return;
    }

  kf_cli_finish (job->cli, KF_CLI_EXIT_OK);
}

static void
charge_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  VoucherJob *job = user_data;
  g_autoptr(GError) error = NULL;
  double charged = 0;
  gboolean known;

  known = kf_voucher_purchase_measure_charge_finish (KF_VOUCHER_PURCHASE (source), result,
                                                     &charged, &error);
  if (error != NULL)
    g_debug ("What the voucher charged is not known: %s", error->message);

  finish_purchase (job, known, charged);
}

static void
purchase_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VoucherJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!kf_voucher_purchase_run_finish (job->purchase, result, &error))
    {
      if (g_error_matches (error, KF_ERROR, KF_ERROR_UNCERTAIN) ||
          g_error_matches (error, KF_ERROR, KF_ERROR_TIMED_OUT))
        kf_cli_fail_literal (job->cli, "uncertain",
                             _("The server’s answer was lost: the voucher may have been created and paid for. "
                               "It is listed as uncertain by “kenfiles vouchers”; check your balance and "
                               "vouchers on the website before trying again."));
      else
        kf_cli_fail (job->cli, error);
      return;
    }

  if (kf_voucher_purchase_get_save_error (job->purchase) != NULL)
    {
      finish_purchase (job, FALSE, 0);
      return;
    }

  /* The code is on disk; what it cost is read afterwards and never holds it back. */
  kf_voucher_purchase_measure_charge_async (job->purchase, job->cli->cancellable, charge_cb, job);
}

static void
send_request (VoucherJob *job)
{
  /* Ctrl-C counts until the pending record is written; after that the
   * purchase is seen through. */
  kf_voucher_purchase_run_async (job->purchase, job->reseller_key,
                                 job->cli->cancellable, purchase_cb, job);
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

  /* Reads the balance while the reseller key is looked up, so the charge can be known. */
  job->purchase = kf_voucher_purchase_new (cli->client, NULL, job->plan);

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
  g_autoptr(GPtrArray) entries = kf_ledger_load (NULL, NULL);
  char answer[64];
  double charged;

  if (entries != NULL && kf_ledger_find_last_charge (entries, plan, &charged))
    {
      g_autofree char *money = kf_format_money (charged);

      fprintf (stderr, _("Create a voucher for %s (last charged: %s)? This spends your balance. [y/N] "),
               plan, money);
    }
  else
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

/* --- kenfiles vouchers ------------------------------------------------------ */

static char *opt_resolve;

static const char *
entry_state_name (const KfVoucherEntry *entry)
{
  if (kf_voucher_entry_is_uncertain (entry))
    return "uncertain";
  if (entry->in_progress)
    return "in-progress";
  return kf_voucher_state_to_string (entry->state);
}

static void
print_entries_json (KfCli      *cli,
                    const char *path,
                    GPtrArray  *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  kf_cli_json_add_string (builder, "ledger", path);
  json_builder_set_member_name (builder, "vouchers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      KfVoucherEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "id", entry->id);
      kf_cli_json_add_string (builder, "state", entry_state_name (entry));
      kf_cli_json_add_string (builder, "plan", entry->plan);
      kf_cli_json_add_date (builder, "created", entry->created);
      kf_cli_json_add_string (builder, "code", entry->code);
      kf_cli_json_add_string (builder, "server", entry->server);
      json_builder_set_member_name (builder, "given");
      json_builder_add_boolean_value (builder, entry->given);
      json_builder_set_member_name (builder, "charged");
      if (entry->charge_known)
        json_builder_add_double_value (builder, entry->charged);
      else
        json_builder_add_null_value (builder);
      kf_cli_json_add_string (builder, "error", entry->error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  kf_cli_print_json (cli, builder);
}

static void
print_entries_text (KfCli     *cli,
                    GPtrArray *entries)
{
  guint n_uncertain = 0;

  if (entries->len == 0)
    kf_cli_print_text (cli, "%s\n", _("No vouchers bought on this computer yet."));

  for (guint i = 0; i < entries->len; i++)
    {
      KfVoucherEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *date = kf_cli_format_date (entry->created);
      g_autofree char *plan = kf_util_escape_for_terminal (entry->plan);
      g_autofree char *what = NULL;

      switch (entry->state)
        {
        case KF_VOUCHER_STATE_BOUGHT:
          {
            g_autofree char *code = escape_code (entry->code);
            g_autofree char *money = entry->charge_known ? kf_format_money (entry->charged) : NULL;

            what = g_strdup_printf ("%s%s%s%s%s", code,
                                    money != NULL ? "  " : "",
                                    money != NULL ? _("charged ") : "",
                                    money != NULL ? money : "",
                                    entry->given ? _("  (given)") : "");
            break;
          }
        case KF_VOUCHER_STATE_PENDING:
          if (entry->in_progress)
            what = g_strdup_printf (_("buying now (ID %s)"), entry->id);
          else
            {
              n_uncertain++;
              what = g_strdup_printf (_("uncertain: this purchase may have been charged; check your "
                                        "account on the website (ID %s)"), entry->id);
            }
          break;
        case KF_VOUCHER_STATE_FAILED:
          {
            g_autofree char *reason = kf_util_escape_for_terminal (entry->error);

            what = g_strdup_printf (_("not bought: %s"), reason);
            break;
          }
        case KF_VOUCHER_STATE_RESOLVED:
          what = g_strdup_printf (_("uncertain, marked resolved (ID %s)"), entry->id);
          break;
        default:
          g_assert_not_reached ();
        }

      g_autofree char *line = g_strdup_printf ("%-20s %-6s %s", date, plan, what);

      print_escaped_line (cli, line);
    }

  if (n_uncertain > 0)
    kf_cli_print_text (cli, "%s\n", _("When you have checked an uncertain purchase, mark it with "
                                      "“kenfiles vouchers --resolve ID”; it stays in the list."));
}

gboolean
kf_cli_vouchers (KfCli  *cli,
                 char  **argv)
{
  const GOptionEntry entries[] = {
    { "resolve", 0, 0, G_OPTION_ARG_STRING, &opt_resolve,
      N_("Mark the uncertain purchase ID as checked (it is kept)"), N_("ID") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *path = NULL;

  if (!kf_cli_parse_options (cli, "vouchers", NULL,
                             _("List the vouchers bought on this computer, with purchases whose "
                               "answer was lost (uncertain: they may have been charged)."),
                             entries, &argv))
    return FALSE;

  if (argv[1] != NULL)
    {
      kf_cli_usage_error (cli, _("This command takes no argument."));
      return FALSE;
    }

  cli->json = kf_cli_opt_json;

  path = kf_ledger_get_default_path (&error);
  if (path == NULL)
    {
      kf_cli_fail (cli, error);
      return FALSE;
    }

  if (opt_resolve != NULL)
    {
      if (!kf_ledger_resolve (path, opt_resolve, &error))
        {
          kf_cli_fail (cli, error);
          return FALSE;
        }
      if (!cli->json)
        kf_cli_print_text (cli, _("Purchase %s marked as resolved; it stays in the list.\n"),
                           opt_resolve);
    }

  list = kf_ledger_load (path, &error);
  if (list == NULL)
    {
      kf_cli_fail (cli, error);
      return FALSE;
    }

  if (cli->json)
    print_entries_json (cli, path, list);
  else if (opt_resolve == NULL)
    print_entries_text (cli, list);

  return FALSE;
}
