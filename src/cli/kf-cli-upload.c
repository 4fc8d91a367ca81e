/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `kenfiles upload`: a queue of files, each its own kf_client_upload_async
 * call, at most --parallel of them in flight. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kf-cli.h"
#include "kf-util.h"

#define DEFAULT_PARALLEL 4
#define MAX_PARALLEL     32
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 10)

static char *opt_folder;
static int opt_parallel = DEFAULT_PARALLEL;
static char *opt_type;

typedef struct {
  char           *path;
  char           *name;
  goffset         size;        /* from stat, -1 when unknown */
  goffset         sent;
  KfUploadResult *result;      /* on success or per-file failure */
  GError         *error;       /* when the call itself failed */
  gboolean        done;
} UploadItem;

typedef struct {
  KfCli        *cli;
  UploadItem   *items;
  guint         n_items;
  guint         next;
  guint         in_flight;
  guint         n_done;
  guint         n_failed;
  guint         parallel;
  KfUploadType  type;
  gint64        last_progress;
  goffset       total_size;
} UploadJob;

typedef struct {
  UploadJob *job;
  guint      index;
} ItemRef;

static void
upload_job_free (UploadJob *job)
{
  for (guint i = 0; i < job->n_items; i++)
    {
      g_free (job->items[i].path);
      g_free (job->items[i].name);
      g_clear_pointer (&job->items[i].result, kf_upload_result_free);
      g_clear_error (&job->items[i].error);
    }
  g_free (job->items);
  g_free (job);
}

static gboolean
progress_shown (UploadJob *job)
{
  return job->cli->stderr_is_tty && !job->cli->json;
}

static void
update_progress (UploadJob *job,
                 gboolean   force)
{
  gint64 now = g_get_monotonic_time ();
  goffset sent = 0;
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *line = NULL;

  if (!progress_shown (job))
    return;
  if (!force && now - job->last_progress < PROGRESS_INTERVAL_US)
    return;
  job->last_progress = now;

  for (guint i = 0; i < job->n_items; i++)
    sent += job->items[i].done && job->items[i].size >= 0 ? job->items[i].size : job->items[i].sent;

  sent_text = kf_format_size (sent);
  total_text = kf_format_size (job->total_size);
  line = g_strdup_printf (_("Uploading: %u of %u files done, %s of %s"),
                          job->n_done, job->n_items, sent_text, total_text);
  kf_cli_show_progress (job->cli, line);
}

static void
on_progress (goffset  sent,
             goffset  total,
             gpointer user_data)
{
  ItemRef *ref = user_data;

  ref->job->items[ref->index].sent = sent;
  update_progress (ref->job, FALSE);
}

static void
print_results_json (UploadJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < job->n_items; i++)
    {
      UploadItem *item = &job->items[i];
      const GError *error = item->error != NULL ? item->error
                          : item->result != NULL ? item->result->error : NULL;

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "path", item->path);
      kf_cli_json_add_string (builder, "name", item->name);
      kf_cli_json_add_int (builder, "size", item->size, item->size >= 0);
      if (error == NULL && item->result != NULL)
        {
          kf_cli_json_add_string (builder, "file_code", item->result->file_code);
          kf_cli_json_add_string (builder, "url", item->result->url);
        }
      else
        {
          json_builder_set_member_name (builder, "error");
          json_builder_begin_object (builder);
          kf_cli_json_add_string (builder, "code",
                                  error != NULL ? kf_cli_error_code (error) : "failed");
          kf_cli_json_add_string (builder, "message",
                                  error != NULL ? error->message : _("The file was not uploaded."));
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  kf_cli_json_add_int (builder, "uploaded", job->n_items - job->n_failed, TRUE);
  kf_cli_json_add_int (builder, "failed", job->n_failed, TRUE);
  json_builder_end_object (builder);

  kf_cli_print_json (job->cli, builder);
}

static void start_next (UploadJob *job);

static void
upload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree ItemRef *ref = user_data;
  UploadJob *job = ref->job;
  UploadItem *item = &job->items[ref->index];
  KfCli *cli = job->cli;
  g_autoptr(GPtrArray) results = NULL;
  const GError *error;

  results = kf_client_upload_finish (KF_CLIENT (source), result, &item->error);
  if (results != NULL && results->len > 0)
    item->result = g_ptr_array_steal_index (results, 0);
  else if (item->error == NULL)
    item->error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                       _("The server did not say what became of the file."));

  item->done = TRUE;
  job->in_flight--;
  job->n_done++;

  error = item->error != NULL ? item->error : item->result->error;
  if (error == NULL && item->result->url == NULL)
    {
      item->error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                         _("The server gave no link for the file."));
      error = item->error;
    }

  if (error != NULL)
    {
      job->n_failed++;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” was not uploaded: %s"),
                                                      item->name, error->message);
          kf_cli_warn (cli, message);
        }
    }
  else if (!cli->json)
    kf_cli_print_text (cli, "%s: %s\n", item->name, item->result->url);

  /* A failure common to every file (bad key, no network) would only repeat. */
  if (error != NULL && item->error != NULL &&
      (g_error_matches (error, KF_ERROR, KF_ERROR_KEY_REJECTED) ||
       g_error_matches (error, KF_ERROR, KF_ERROR_NO_KEY) ||
       g_error_matches (error, KF_ERROR, KF_ERROR_INSECURE_URL)))
    g_cancellable_cancel (cli->cancellable);

  start_next (job);
}

static void
start_next (UploadJob *job)
{
  KfCli *cli = job->cli;

  /* Once stopped (Ctrl-C, a key the server refused), nothing more is sent. */
  while (job->in_flight < job->parallel && job->next < job->n_items &&
         !g_cancellable_is_cancelled (cli->cancellable))
    {
      guint index = job->next++;
      UploadItem *item = &job->items[index];
      g_autoptr(GFile) file = NULL;
      GFile *files[1];
      ItemRef *done_ref;

      if (item->done)  /* refused before anything was sent */
        continue;

      file = kf_cli_file_for_argument (item->path);
      files[0] = file;
      done_ref = g_new0 (ItemRef, 1);

      done_ref->job = job;
      done_ref->index = index;
      job->in_flight++;

      /* No progress line to draw: no per-chunk callbacks either. */
      if (progress_shown (job))
        {
          ItemRef *progress_ref = g_memdup2 (done_ref, sizeof *done_ref);

          kf_client_upload_async (cli->client, files, 1, job->type, opt_folder,
                                  on_progress, progress_ref, g_free,
                                  cli->cancellable, upload_cb, done_ref);
        }
      else
        kf_client_upload_async (cli->client, files, 1, job->type, opt_folder,
                                NULL, NULL, NULL, cli->cancellable, upload_cb, done_ref);
    }

  update_progress (job, TRUE);

  if (job->in_flight > 0)
    return;

  for (guint i = 0; i < job->n_items; i++)
    if (!job->items[i].done)
      {
        job->items[i].error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                   _("The file was not sent: the upload was stopped."));
        job->items[i].done = TRUE;
        job->n_done++;
        job->n_failed++;
      }

  if (cli->json)
    print_results_json (job);
  else if (job->n_failed > 0 && job->n_items > 1)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u files was not uploaded.",
                                      "%u of %u files were not uploaded.", job->n_failed),
                         job->n_failed, job->n_items);
      kf_cli_warn (cli, message);
    }

  kf_cli_finish (cli, job->n_failed > 0 ? KF_CLI_EXIT_FAILED : KF_CLI_EXIT_OK);
}

static void
upload_start (KfCli *cli)
{
  start_next (cli->command_data);
}

gboolean
kf_cli_upload (KfCli  *cli,
               char  **argv)
{
  const GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder, N_("Folder to upload into"), N_("ID") },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &opt_parallel,
      N_("Files uploaded at the same time (default: 4)"), N_("N") },
    { "type", 0, 0, G_OPTION_ARG_STRING, &opt_type,
      N_("Upload type: auto (premium if the account is), prem or reg"), N_("TYPE") },
    { NULL }
  };
  UploadJob *job;
  guint n_files;

  if (!kf_cli_parse_options (cli, "upload", _("FILE…"),
                             _("Upload files and print each file’s link."), entries, &argv))
    return FALSE;

  n_files = g_strv_length (argv) - 1;
  if (n_files == 0)
    {
      kf_cli_usage_error (cli, _("Missing argument: at least one file."));
      return FALSE;
    }

  if (opt_parallel < 1 || opt_parallel > MAX_PARALLEL)
    {
      g_autofree char *message = g_strdup_printf (_("--parallel must be between 1 and %d."), MAX_PARALLEL);
      kf_cli_usage_error (cli, message);
      return FALSE;
    }

  job = g_new0 (UploadJob, 1);
  job->cli = cli;
  job->parallel = opt_parallel;
  cli->command_data = job;
  cli->command_data_free = (GDestroyNotify) upload_job_free;

  if (opt_type == NULL || g_str_equal (opt_type, "auto"))
    job->type = KF_UPLOAD_TYPE_AUTO;
  else if (g_str_equal (opt_type, "prem"))
    job->type = KF_UPLOAD_TYPE_PREMIUM;
  else if (g_str_equal (opt_type, "reg"))
    job->type = KF_UPLOAD_TYPE_REGISTERED;
  else
    {
      kf_cli_usage_error (cli, _("--type must be auto, prem or reg."));
      return FALSE;
    }

  job->n_items = n_files;
  job->items = g_new0 (UploadItem, n_files);
  for (guint i = 0; i < n_files; i++)
    {
      UploadItem *item = &job->items[i];

      item->path = g_strdup (argv[i + 1]);
      item->name = g_filename_display_basename (item->path);
      /* Checked before anything is sent: a pipe or device is never opened. */
      if (!kf_cli_check_upload_argument (item->path, &item->size, &item->error))
        {
          kf_cli_warn (cli, item->error->message);
          item->done = TRUE;
          job->n_done++;
          job->n_failed++;
        }
      else if (item->size > 0)
        job->total_size += item->size;
    }

  /* Two spare connections for the API calls beside the uploads. */
  if (!kf_cli_connect (cli, job->parallel + 2))
    return FALSE;

  kf_cli_require_key (cli, upload_start);
  return TRUE;
}
