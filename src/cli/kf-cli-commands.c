/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The read-only commands and remote uploads: account, stats, link, files,
 * remote-upload, remote-status. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-cli.h"
#include "kf-remote-upload.h"
#include "kf-util.h"

#define DEFAULT_WAIT_TIMEOUT (60 * 60)

static char *opt_folder;
static int opt_days;
static gboolean opt_wait;
static int opt_wait_timeout = DEFAULT_WAIT_TIMEOUT;

/* Positional arguments left after option parsing, without the command. */
static gboolean
expect_args (KfCli       *cli,
             char       **argv,
             guint        n_expected,
             const char  *what)
{
  guint n = g_strv_length (argv) - 1;

  if (n == n_expected)
    return TRUE;

  if (n < n_expected)
    {
      g_autofree char *message = g_strdup_printf (_("Missing argument: %s."), what);
      kf_cli_usage_error (cli, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”."), argv[n_expected + 1]);
      kf_cli_usage_error (cli, message);
    }

  return FALSE;
}

/* account */

static void
account_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  KfCli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;
  gboolean premium;

  info = kf_client_get_account_info_finish (KF_CLIENT (source), result, &error);
  if (info == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  premium = kf_account_info_is_premium (info);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "email", info->email);
      json_builder_set_member_name (builder, "balance");
      json_builder_add_double_value (builder, info->balance);
      kf_cli_json_add_string (builder, "balance_text", info->balance_text);
      kf_cli_json_add_int (builder, "storage_used", info->storage_used, info->storage_used_known);
      kf_cli_json_add_int (builder, "storage_left", info->storage_left,
                           info->storage_left_known && !info->storage_unlimited);
      json_builder_set_member_name (builder, "storage_unlimited");
      json_builder_add_boolean_value (builder, info->storage_unlimited);
      json_builder_set_member_name (builder, "premium");
      json_builder_add_boolean_value (builder, premium);
      kf_cli_json_add_date (builder, "premium_expire", info->premium_expire);
      kf_cli_json_add_int (builder, "premium_days_left", kf_account_info_premium_days_left (info), TRUE);
      kf_cli_json_add_date (builder, "server_time", info->server_time);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    {
      g_autofree char *used = info->storage_used_known ? kf_format_size (info->storage_used)
                                                       : g_strdup (_("unknown"));
      g_autofree char *left = NULL;
      g_autofree char *premium_text = NULL;
      g_autofree char *balance = kf_format_money_text (info->balance_text, info->balance);

      if (info->storage_unlimited)
        left = g_strdup (_("unlimited"));
      else if (info->storage_left_known)
        left = kf_format_size (info->storage_left);
      else
        left = g_strdup (_("unknown"));

      if (premium)
        {
          g_autofree char *until = kf_cli_format_date (info->premium_expire);
          int days = kf_account_info_premium_days_left (info);

          premium_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "until %s (%d day left)",
                                                       "until %s (%d days left)", days),
                                          until, days);
        }
      else
        premium_text = g_strdup (_("no"));

      kf_cli_print_text (cli, "%-14s %s\n", _("Email:"), info->email != NULL ? info->email : "");
      kf_cli_print_text (cli, "%-14s %s\n", _("Balance:"), balance);
      kf_cli_print_text (cli, "%-14s %s\n", _("Storage used:"), used);
      kf_cli_print_text (cli, "%-14s %s\n", _("Storage left:"), left);
      kf_cli_print_text (cli, "%-14s %s\n", _("Premium:"), premium_text);
    }

  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
account_start (KfCli *cli)
{
  kf_client_get_account_info_async (cli->client, cli->cancellable, account_cb, cli);
}

gboolean
kf_cli_account (KfCli  *cli,
                char  **argv)
{
  if (!kf_cli_parse_options (cli, "account", NULL, _("Show account information."), NULL, &argv) ||
      !expect_args (cli, argv, 0, NULL) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  kf_cli_require_key (cli, account_start);
  return TRUE;
}

/* stats */

static void
add_stats_row_json (JsonBuilder      *builder,
                    const KfStatsRow *row)
{
  json_builder_begin_object (builder);
  if (row->day != NULL)
    kf_cli_json_add_string (builder, "day", row->day);
  kf_cli_json_add_int (builder, "downloads", row->downloads, TRUE);
  kf_cli_json_add_int (builder, "views", row->views, TRUE);
  kf_cli_json_add_int (builder, "sales", row->sales, TRUE);
  kf_cli_json_add_int (builder, "refs", row->refs, TRUE);
#define ADD_DOUBLE(field) \
  json_builder_set_member_name (builder, #field); \
  json_builder_add_double_value (builder, row->field)
  ADD_DOUBLE (profit_dl);
  ADD_DOUBLE (profit_sales);
  ADD_DOUBLE (profit_rebills);
  ADD_DOUBLE (profit_refs);
  ADD_DOUBLE (profit_site);
  ADD_DOUBLE (profit_total);
#undef ADD_DOUBLE
  json_builder_end_object (builder);
}

static void
print_stats_row (KfCli            *cli,
                 const char       *label,
                 const KfStatsRow *row)
{
  kf_cli_print_text (cli, "%-12s %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
                     " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %12.5f\n",
                     label, row->downloads, row->views, row->sales, row->refs,
                     row->profit_total);
}

static void
stats_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KfCli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfStats) stats = NULL;

  stats = kf_client_get_account_stats_finish (KF_CLIENT (source), result, &error);
  if (stats == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "days");
      json_builder_begin_array (builder);
      for (guint i = 0; i < stats->days->len; i++)
        add_stats_row_json (builder, g_ptr_array_index (stats->days, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "totals");
      add_stats_row_json (builder, &stats->totals);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    {
      kf_cli_print_text (cli, "%-12s %10s %10s %8s %8s %12s\n",
                         _("Day"), _("Downloads"), _("Views"), _("Sales"), _("Refs"), _("Profit"));
      for (guint i = 0; i < stats->days->len; i++)
        {
          const KfStatsRow *row = g_ptr_array_index (stats->days, i);
          print_stats_row (cli, row->day, row);
        }
      print_stats_row (cli, _("Total"), &stats->totals);
    }

  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
stats_start (KfCli *cli)
{
  kf_client_get_account_stats_async (cli->client, opt_days, cli->cancellable, stats_cb, cli);
}

gboolean
kf_cli_stats (KfCli  *cli,
              char  **argv)
{
  const GOptionEntry entries[] = {
    { "days", 0, 0, G_OPTION_ARG_INT, &opt_days, N_("Number of days (default: the server’s)"), N_("N") },
    { NULL }
  };

  if (!kf_cli_parse_options (cli, "stats", NULL, _("Show statistics per day, with totals."), entries, &argv) ||
      !expect_args (cli, argv, 0, NULL))
    return FALSE;

  if (opt_days < 0 || opt_days > 3650)
    {
      kf_cli_usage_error (cli, _("--days must be between 1 and 3650."));
      return FALSE;
    }

  if (!kf_cli_connect (cli, 2))
    return FALSE;

  kf_cli_require_key (cli, stats_start);
  return TRUE;
}

/* link */

static char *link_code;
static char *opt_link_format;
static KfLinkFormat link_format = KF_LINK_FORMAT_DIRECT;

static void
print_link (KfCli      *cli,
            const char *url,
            const char *name,
            gint64      size)
{
  g_autofree char *formatted = kf_link_format (link_format, url, name);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "file_code", link_code);
      kf_cli_json_add_string (builder, "url", url);
      if (link_format == KF_LINK_FORMAT_DIRECT)
        kf_cli_json_add_int (builder, "size", size, size >= 0);
      else
        kf_cli_json_add_string (builder, "name", name);
      kf_cli_json_add_string (builder, "format", kf_link_format_to_string (link_format));
      kf_cli_json_add_string (builder, "formatted", formatted);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    kf_cli_print_text (cli, "%s\n", formatted);

  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
link_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  KfCli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfDirectLink) link = NULL;

  link = kf_client_get_direct_link_finish (KF_CLIENT (source), result, &error);
  if (link == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  print_link (cli, link->url, NULL, link->size);
}

static void
link_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KfCli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  const KfFileInfo *info = NULL;

  files = kf_client_get_file_info_finish (KF_CLIENT (source), result, &error);
  if (files == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  /* Only the file asked for: never another entry's name or link. */
  for (guint i = 0; i < files->len && info == NULL; i++)
    {
      const KfFileInfo *candidate = g_ptr_array_index (files, i);

      /* An unknown code comes back as {filecode, status: 404}. */
      if (g_strcmp0 (candidate->file_code, link_code) == 0 &&
          g_strcmp0 (candidate->status, "404") != 0)
        info = candidate;
    }

  if (info == NULL || info->url == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The server knows no file “%s”."), link_code);

      kf_cli_fail_literal (cli, "not-found", message);
      return;
    }

  print_link (cli, info->url, info->name, info->size);
}

static void
link_start (KfCli *cli)
{
  if (link_format == KF_LINK_FORMAT_DIRECT)
    kf_client_get_direct_link_async (cli->client, link_code, cli->cancellable, link_cb, cli);
  else
    {
      const char *codes[] = { link_code, NULL };

      kf_client_get_file_info_async (cli->client, codes, cli->cancellable, link_info_cb, cli);
    }
}

gboolean
kf_cli_link (KfCli  *cli,
             char  **argv)
{
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_link_format,
      N_("Link format: direct (default), plain (the file’s page), bbcode, html or markdown"), N_("FORMAT") },
    { NULL }
  };

  if (!kf_cli_parse_options (cli, "link", _("CODE"),
                             _("Print a link to one of your files: its direct download link, "
                               "or its page in a format for forums, web pages or Markdown."),
                             entries, &argv) ||
      !expect_args (cli, argv, 1, _("the file code")) ||
      !kf_cli_parse_link_format (cli, opt_link_format, &link_format) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  link_code = g_strdup (argv[1]);
  cli->command_data = link_code;
  cli->command_data_free = g_free;
  kf_cli_require_key (cli, link_start);
  return TRUE;
}

/* files */

static void
files_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KfCli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfFolderList) list = NULL;

  list = kf_client_list_folder_finish (KF_CLIENT (source), result, &error);
  if (list == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "folders");
      json_builder_begin_array (builder);
      for (guint i = 0; i < list->folders->len; i++)
        {
          const KfFolder *folder = g_ptr_array_index (list->folders, i);

          json_builder_begin_object (builder);
          kf_cli_json_add_string (builder, "folder_id", folder->folder_id);
          kf_cli_json_add_string (builder, "name", folder->name);
          kf_cli_json_add_string (builder, "code", folder->code);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
      for (guint i = 0; i < list->files->len; i++)
        {
          const KfFileInfo *file = g_ptr_array_index (list->files, i);

          json_builder_begin_object (builder);
          kf_cli_json_add_string (builder, "file_code", file->file_code);
          kf_cli_json_add_string (builder, "name", file->name);
          kf_cli_json_add_int (builder, "size", file->size, file->size >= 0);
          kf_cli_json_add_int (builder, "downloads", file->downloads, file->downloads >= 0);
          kf_cli_json_add_string (builder, "uploaded", file->uploaded);
          kf_cli_json_add_string (builder, "url", file->url);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    {
      if (list->folders->len > 0)
        {
          kf_cli_print_text (cli, "%s\n", _("Folders:"));
          for (guint i = 0; i < list->folders->len; i++)
            {
              const KfFolder *folder = g_ptr_array_index (list->folders, i);
              kf_cli_print_text (cli, "  %-14s %s/\n", folder->folder_id, folder->name);
            }
        }

      kf_cli_print_text (cli, "%s\n", _("Files:"));
      if (list->files->len == 0)
        kf_cli_print_text (cli, "  %s\n", _("(none)"));
      for (guint i = 0; i < list->files->len; i++)
        {
          const KfFileInfo *file = g_ptr_array_index (list->files, i);
          g_autofree char *size = file->size >= 0 ? kf_format_size (file->size) : g_strdup ("?");

          kf_cli_print_text (cli, "  %-14s %10s  %s\n", file->file_code, size,
                             file->name != NULL ? file->name : "");
        }
    }

  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
files_start (KfCli *cli)
{
  kf_client_list_folder_async (cli->client, opt_folder, cli->cancellable, files_cb, cli);
}

gboolean
kf_cli_files (KfCli  *cli,
              char  **argv)
{
  const GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder, N_("Folder to list (default: the top folder)"), N_("ID") },
    { NULL }
  };

  if (!kf_cli_parse_options (cli, "files", NULL, _("List folders, then files."), entries, &argv) ||
      !expect_args (cli, argv, 0, NULL) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  kf_cli_require_key (cli, files_start);
  return TRUE;
}

/* remote-upload and remote-status */

typedef struct {
  KfCli          *cli;
  char           *url;
  char           *file_code;
  KfRemoteUpload *upload;       /* with --wait */
  gulong          cancelled_id;
} RemoteJob;

static void
remote_job_free (RemoteJob *job)
{
  if (job->cancelled_id != 0)
    g_cancellable_disconnect (job->cli->cancellable, job->cancelled_id);
  if (job->upload != NULL)
    {
      g_signal_handlers_disconnect_by_data (job->upload, job);
      kf_remote_upload_cancel (job->upload);
      g_clear_object (&job->upload);
    }
  g_free (job->url);
  g_free (job->file_code);
  g_free (job);
}

static const char *
remote_state_name (KfRemoteState state)
{
  switch (state)
    {
    case KF_REMOTE_STATE_WORKING:
      return "working";
    case KF_REMOTE_STATE_DONE:
      return "done";
    case KF_REMOTE_STATE_FAILED:
      return "failed";
    default:
      return "unknown";
    }
}

static void
print_remote_status (KfCli                *cli,
                     const KfRemoteStatus *status,
                     const char           *file_code)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "file_code",
                              status->file_code != NULL ? status->file_code : file_code);
      kf_cli_json_add_string (builder, "state", remote_state_name (status->state));
      kf_cli_json_add_int (builder, "progress", status->progress, status->progress >= 0);
      kf_cli_json_add_string (builder, "message", status->message);
      kf_cli_json_add_string (builder, "url", status->url);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
      return;
    }

  switch (status->state)
    {
    case KF_REMOTE_STATE_WORKING:
      if (status->progress >= 0)
        kf_cli_print_text (cli, _("Working: %d%%\n"), status->progress);
      else
        kf_cli_print_text (cli, "%s\n", _("Working."));
      break;
    case KF_REMOTE_STATE_DONE:
      if (status->url != NULL)
        kf_cli_print_text (cli, "%s\n", status->url);
      else
        kf_cli_print_text (cli, "%s\n", _("Done."));
      break;
    case KF_REMOTE_STATE_FAILED:
    default:
      break;
    }
}

/* The server reported the remote upload failed: its status, then a warning. */
static void
remote_failed (KfCli                *cli,
               const KfRemoteStatus *status,
               const char           *file_code)
{
  g_autofree char *message = NULL;

  if (cli->json)
    print_remote_status (cli, status, file_code);
  message = status->message != NULL
    ? g_strdup_printf (_("The remote upload failed: %s"), status->message)
    : g_strdup (_("The remote upload failed."));
  kf_cli_warn (cli, message);
  kf_cli_finish (cli, KF_CLI_EXIT_FAILED);
}

/* remote-status: one answer is all we print. */
static void
remote_status_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RemoteJob *job = user_data;
  KfCli *cli = job->cli;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfRemoteStatus) status = NULL;

  status = kf_client_remote_status_finish (KF_CLIENT (source), result, &error);
  if (status == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (status->state == KF_REMOTE_STATE_FAILED)
    {
      remote_failed (cli, status, job->file_code);
      return;
    }

  print_remote_status (cli, status, job->file_code);
  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

/* remote-upload --wait runs on KfRemoteUpload, as the app's queue does. */
static void
remote_progress_cb (KfRemoteUpload *upload,
                    GParamSpec     *pspec,
                    RemoteJob      *job)
{
  int progress = kf_remote_upload_get_progress (upload);
  const char *code = kf_remote_upload_get_file_code (upload);
  g_autofree char *line = NULL;

  if (!job->cli->stderr_is_tty || code == NULL ||
      kf_remote_upload_get_state (upload) != KF_REMOTE_UPLOAD_WORKING)
    return;

  line = progress >= 0
    ? g_strdup_printf (_("Remote upload %s: %d%%"), code, progress)
    : g_strdup_printf (_("Remote upload %s: working…"), code);
  kf_cli_show_progress (job->cli, line);
}

static void
remote_finished_cb (KfRemoteUpload *upload,
                    RemoteJob      *job)
{
  KfCli *cli = job->cli;
  const KfRemoteStatus *status = kf_remote_upload_get_last_status (upload);
  const GError *error = kf_remote_upload_get_error (upload);
  const char *code = kf_remote_upload_get_file_code (upload);

  switch (kf_remote_upload_get_state (upload))
    {
    case KF_REMOTE_UPLOAD_DONE:
      print_remote_status (cli, status, code);
      kf_cli_finish (cli, KF_CLI_EXIT_OK);
      break;

    case KF_REMOTE_UPLOAD_FAILED:
      if (g_error_matches (error, KF_ERROR, KF_ERROR_TIMED_OUT) && code != NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("%s The remote upload %s may still finish: check it with “kenfiles remote-status %s”."),
                             error->message, code, code);

          kf_cli_fail_literal (cli, kf_cli_error_code (error), message);
        }
      else if (error != NULL)
        kf_cli_fail (cli, error);
      else
        remote_failed (cli, status, code);
      break;

    case KF_REMOTE_UPLOAD_CANCELLED:
    default:
      {
        g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                           _("The operation was cancelled."));

        kf_cli_fail (cli, cancelled);
      }
      break;
    }
}

static void
remote_cancelled_cb (GCancellable *cancellable,
                     RemoteJob    *job)
{
  kf_remote_upload_cancel (job->upload);
}

static void
remote_upload_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RemoteJob *job = user_data;
  KfCli *cli = job->cli;
  g_autoptr(GError) error = NULL;

  job->file_code = kf_client_remote_upload_finish (KF_CLIENT (source), result, &error);
  if (job->file_code == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "file_code", job->file_code);
      kf_cli_json_add_string (builder, "state", "working");
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    kf_cli_print_text (cli, "%s\n", job->file_code);

  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
remote_upload_start (KfCli *cli)
{
  RemoteJob *job = cli->command_data;

  if (!opt_wait)
    {
      kf_client_remote_upload_async (cli->client, job->url, opt_folder, cli->cancellable,
                                     remote_upload_cb, job);
      return;
    }

  job->upload = kf_remote_upload_new (cli->client, job->url, opt_folder);
  /* A terminal user is waiting: ask soon, then less often. */
  kf_remote_upload_set_poll_delays (job->upload, 500, 10000);
  kf_remote_upload_set_wait_timeout (job->upload, (guint) opt_wait_timeout);
  g_signal_connect (job->upload, "notify::progress", G_CALLBACK (remote_progress_cb), job);
  g_signal_connect (job->upload, "notify::state", G_CALLBACK (remote_progress_cb), job);
  g_signal_connect (job->upload, "finished", G_CALLBACK (remote_finished_cb), job);
  job->cancelled_id = g_cancellable_connect (cli->cancellable, G_CALLBACK (remote_cancelled_cb),
                                            job, NULL);
  kf_remote_upload_start (job->upload);
}

gboolean
kf_cli_remote_upload (KfCli  *cli,
                      char  **argv)
{
  const GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder, N_("Folder for the new file"), N_("ID") },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &opt_wait, N_("Wait until the server has fetched the file"), NULL },
    { "wait-timeout", 0, 0, G_OPTION_ARG_INT, &opt_wait_timeout,
      N_("With --wait, give up after this many seconds (default: 3600)"), N_("SECONDS") },
    { NULL }
  };
  RemoteJob *job;

  if (!kf_cli_parse_options (cli, "remote-upload", _("URL"),
                             _("Let the server download a file from a URL. Prints the new file code, "
                               "or with --wait its link."), entries, &argv) ||
      !expect_args (cli, argv, 1, _("the URL")))
    return FALSE;

  if (opt_wait_timeout < 1)
    {
      kf_cli_usage_error (cli, _("--wait-timeout must be at least 1 second."));
      return FALSE;
    }

  if (!kf_cli_connect (cli, 2))
    return FALSE;

  job = g_new0 (RemoteJob, 1);
  job->cli = cli;
  job->url = g_strdup (argv[1]);
  cli->command_data = job;
  cli->command_data_free = (GDestroyNotify) remote_job_free;

  kf_cli_require_key (cli, remote_upload_start);
  return TRUE;
}

static void
remote_status_start (KfCli *cli)
{
  RemoteJob *job = cli->command_data;

  kf_client_remote_status_async (cli->client, job->file_code, cli->cancellable,
                                 remote_status_cb, job);
}

gboolean
kf_cli_remote_status (KfCli  *cli,
                      char  **argv)
{
  RemoteJob *job;

  if (!kf_cli_parse_options (cli, "remote-status", _("CODE"), _("Show the state of a remote upload."),
                             NULL, &argv) ||
      !expect_args (cli, argv, 1, _("the file code")) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  job = g_new0 (RemoteJob, 1);
  job->cli = cli;
  job->file_code = g_strdup (argv[1]);
  cli->command_data = job;
  cli->command_data_free = (GDestroyNotify) remote_job_free;

  kf_cli_require_key (cli, remote_status_start);
  return TRUE;
}
