/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `kenfiles upload`: the files go through a KfUploadQueue, the same object
 * the app uploads with, --parallel of them at a time. No history is kept.
 * With -r, folders are walked by KfFileScan and made on the server by
 * KfTreeUpload, as the app does with a dropped folder. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-cli.h"
#include "kf-file-scan.h"
#include "kf-tree-upload.h"
#include "kf-upload-queue.h"
#include "kf-util.h"

#define DEFAULT_PARALLEL 4
#define MAX_PARALLEL     32
#define PROGRESS_INTERVAL_MS 100

static char *opt_folder;
static int opt_parallel = DEFAULT_PARALLEL;
static char *opt_type;
static char *opt_format;
static char *opt_limit_rate;
static gboolean opt_recursive;
static KfLinkFormat link_format = KF_LINK_FORMAT_PLAIN;

/* One argument. */
typedef struct {
  char         *path;         /* as given; with -r, the file's own path */
  char         *name;
  char         *label;        /* printed with the link: the name, or "Photos/2024/a.jpg" with -r */
  char         *folder_id;    /* with -r: the server folder it went into */
  goffset       size;         /* -1 when unknown */
  KfUploadItem *item;         /* NULL when refused before anything was sent */
  GError       *error;        /* refused, or never sent because the upload stopped */
  gboolean      started;
  gboolean      finished;
} Entry;

typedef struct {
  KfCli          *cli;
  KfUploadQueue  *queue;
  Entry          *entries;
  guint           n_entries;
  guint           n_finished;
  guint           n_failed;
  gulong          cancelled_id;
  guint           progress_id;
  goffset         total_size;
  gboolean        ended;
  GHashTable     *entry_of;   /* KfUploadItem* -> Entry* */
  /* -r */
  GPtrArray      *roots;      /* GFile* as given */
  GPtrArray      *problems;   /* char*, what was skipped while walking */
  guint           n_created;
  guint           n_reused;
} UploadJob;

static gboolean
is_finished (KfUploadItem *item)
{
  switch (kf_upload_item_get_state (item))
    {
    case KF_UPLOAD_STATE_DONE:
    case KF_UPLOAD_STATE_FAILED:
    case KF_UPLOAD_STATE_CANCELLED:
    case KF_UPLOAD_STATE_NOT_FINISHED:
      return TRUE;
    case KF_UPLOAD_STATE_WAITING:
    case KF_UPLOAD_STATE_UPLOADING:
    default:
      return FALSE;
    }
}

static void
upload_job_free (UploadJob *job)
{
  g_clear_handle_id (&job->progress_id, g_source_remove);
  if (job->cancelled_id != 0)
    g_cancellable_disconnect (job->cli->cancellable, job->cancelled_id);
  for (guint i = 0; i < job->n_entries; i++)
    {
      Entry *entry = &job->entries[i];

      if (entry->item != NULL)
        g_signal_handlers_disconnect_by_data (entry->item, job);
      g_clear_object (&entry->item);
      g_clear_error (&entry->error);
      g_free (entry->path);
      g_free (entry->name);
      g_free (entry->label);
      g_free (entry->folder_id);
    }
  g_free (job->entries);
  g_clear_pointer (&job->entry_of, g_hash_table_unref);
  g_clear_pointer (&job->roots, g_ptr_array_unref);
  g_clear_pointer (&job->problems, g_ptr_array_unref);
  g_clear_object (&job->queue);
  g_free (job);
}

static gboolean
progress_shown (UploadJob *job)
{
  return job->cli->stderr_is_tty && !job->cli->json;
}

static void
update_progress (UploadJob *job)
{
  goffset sent = 0;
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *line = NULL;

  if (!progress_shown (job) || job->ended)
    return;

  for (guint i = 0; i < job->n_entries; i++)
    {
      KfUploadItem *item = job->entries[i].item;
      gint64 size;

      if (item == NULL)
        continue;
      size = kf_upload_item_get_size (item);
      sent += is_finished (item) && size >= 0 ? size : kf_upload_item_get_bytes_sent (item);
    }

  sent_text = kf_format_size (sent);
  total_text = kf_format_size (job->total_size);
  line = g_strdup_printf (_("Uploading: %u of %u files done, %s of %s"),
                          job->n_finished, job->n_entries, sent_text, total_text);
  kf_cli_show_progress (job->cli, line);
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  update_progress (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
entry_uploaded (const Entry *entry)
{
  return entry->item != NULL && kf_upload_item_get_state (entry->item) == KF_UPLOAD_STATE_DONE;
}

/* Why a file was not uploaded (refused here, never sent, or as core
 * reported it); NULL when it was uploaded. */
static const GError *
entry_error (const Entry *entry)
{
  if (entry->error != NULL)
    return entry->error;
  if (entry->item == NULL || entry_uploaded (entry))
    return NULL;
  return kf_upload_item_get_error (entry->item);
}

static void
print_results_json (UploadJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < job->n_entries; i++)
    {
      const Entry *entry = &job->entries[i];
      const GError *error = entry_error (entry);

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "path", entry->path);
      kf_cli_json_add_string (builder, "name", entry->name);
      if (opt_recursive)
        {
          kf_cli_json_add_string (builder, "relative_path", entry->label);
          kf_cli_json_add_string (builder, "folder_id", entry->folder_id);
        }
      kf_cli_json_add_int (builder, "size", entry->size, entry->size >= 0);
      if (entry_uploaded (entry))
        {
          kf_cli_json_add_string (builder, "file_code", kf_upload_item_get_file_code (entry->item));
          g_autofree char *formatted = kf_link_format (link_format,
                                                       kf_upload_item_get_link (entry->item),
                                                       entry->name);

          kf_cli_json_add_string (builder, "url", kf_upload_item_get_link (entry->item));
          kf_cli_json_add_string (builder, "formatted", formatted);
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
  kf_cli_json_add_int (builder, "uploaded", job->n_entries - job->n_failed, TRUE);
  kf_cli_json_add_int (builder, "failed", job->n_failed, TRUE);
  if (opt_recursive)
    {
      kf_cli_json_add_int (builder, "folders_created", job->n_created, TRUE);
      kf_cli_json_add_int (builder, "folders_reused", job->n_reused, TRUE);
      json_builder_set_member_name (builder, "skipped");
      json_builder_begin_array (builder);
      for (guint i = 0; job->problems != NULL && i < job->problems->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (job->problems, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  kf_cli_print_json (job->cli, builder);
}

static void
end_upload (UploadJob *job)
{
  KfCli *cli = job->cli;

  update_progress (job);
  job->ended = TRUE;
  g_clear_handle_id (&job->progress_id, g_source_remove);

  if (cli->json)
    print_results_json (job);
  else if (job->n_failed > 0 && job->n_entries > 1)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u files was not uploaded.",
                                      "%u of %u files were not uploaded.", job->n_failed),
                         job->n_failed, job->n_entries);
      kf_cli_warn (cli, message);
    }

  /* Something skipped while walking a folder is not uploaded either. */
  kf_cli_finish (cli, job->n_failed > 0 || (job->problems != NULL && job->problems->len > 0)
                      ? KF_CLI_EXIT_FAILED : KF_CLI_EXIT_OK);
}

static void
cancel_all (GCancellable *cancellable,
            UploadJob    *job)
{
  /* Once stopped (Ctrl-C, a key the server refused), nothing more is sent. */
  for (guint i = 0; i < job->n_entries; i++)
    {
      KfUploadItem *item = job->entries[i].item;

      if (item != NULL && !is_finished (item))
        kf_upload_queue_cancel (job->queue, item);
    }
}

static void
item_state_cb (KfUploadItem *item,
               GParamSpec   *pspec,
               UploadJob    *job)
{
  KfCli *cli = job->cli;
  Entry *entry = g_hash_table_lookup (job->entry_of, item);
  const GError *error;

  g_assert (entry != NULL);

  if (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_UPLOADING)
    entry->started = TRUE;
  if (!is_finished (item) || entry->finished)
    return;

  entry->finished = TRUE;
  job->n_finished++;
  if (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_CANCELLED && !entry->started)
    entry->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        _("The file was not sent: the upload was stopped."));

  error = entry_error (entry);
  if (!entry_uploaded (entry))
    {
      job->n_failed++;
      if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” was not uploaded: %s"), entry->label,
                             error != NULL ? error->message : _("The file was not uploaded."));
          kf_cli_warn (cli, message);
        }
    }
  else if (!cli->json && opt_format != NULL)
    {
      g_autofree char *formatted = kf_link_format (link_format, kf_upload_item_get_link (item),
                                                   entry->name);

      kf_cli_print_text (cli, "%s\n", formatted);
    }
  else if (!cli->json)
    kf_cli_print_text (cli, "%s: %s\n", entry->label, kf_upload_item_get_link (item));

  /* A failure common to every file (bad key, no network) would only repeat. */
  if (error != NULL &&
      (g_error_matches (error, KF_ERROR, KF_ERROR_KEY_REJECTED) ||
       g_error_matches (error, KF_ERROR, KF_ERROR_NO_KEY) ||
       g_error_matches (error, KF_ERROR, KF_ERROR_INSECURE_URL)))
    g_cancellable_cancel (cli->cancellable);

  if (job->n_finished == job->n_entries && !job->ended)
    end_upload (job);
  else
    update_progress (job);
}

/* Watches @item for @entry. */
static void
watch_item (UploadJob    *job,
            Entry        *entry,
            KfUploadItem *item)
{
  entry->item = item;
  g_hash_table_insert (job->entry_of, item, entry);
  g_signal_connect (item, "notify::state", G_CALLBACK (item_state_cb), job);
}

static void
upload_start (KfCli *cli)
{
  UploadJob *job = cli->command_data;

  if (progress_shown (job))
    {
      job->progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_tick_cb, job);
      update_progress (job);
    }
  /* Ctrl-C (or a failure common to all files) stops every upload. */
  job->cancelled_id = g_cancellable_connect (cli->cancellable, G_CALLBACK (cancel_all), job, NULL);
  kf_upload_queue_set_client (job->queue, cli->client);

  /* Every argument was refused: nothing to wait for. */
  if (job->n_finished == job->n_entries && !job->ended)
    end_upload (job);
}

static void
tree_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  UploadJob *job = user_data;
  KfCli *cli = job->cli;
  g_autoptr(KfTreeUpload) upload = NULL;
  g_autoptr(GError) error = NULL;
  KfFileScan *scan;

  upload = kf_tree_upload_finish (result, &error);
  if (upload == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  scan = upload->scan;
  job->n_created = upload->n_created;
  job->n_reused = upload->n_reused;
  job->n_entries = scan->files->len;
  job->entries = g_new0 (Entry, job->n_entries);
  for (guint i = 0; i < job->n_entries; i++)
    {
      Entry *entry = &job->entries[i];
      gint64 size = g_array_index (scan->sizes, gint64, i);

      entry->path = g_file_get_parse_name (g_ptr_array_index (scan->files, i));
      entry->name = g_strdup (g_ptr_array_index (scan->names, i));
      entry->label = kf_file_scan_dup_path (scan, i);
      entry->folder_id = g_strdup (g_ptr_array_index (upload->folder_ids, i));
      entry->size = size;
      if (size > 0)
        job->total_size += size;
      watch_item (job, entry, g_object_ref (g_ptr_array_index (upload->items, i)));
    }

  upload_start (cli);
}

static void
scan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  UploadJob *job = user_data;
  KfCli *cli = job->cli;
  g_autoptr(KfFileScan) scan = NULL;
  g_autoptr(GError) error = NULL;

  scan = kf_file_scan_finish (result, &error);
  if (scan == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  for (guint i = 0; i < scan->problems->len; i++)
    {
      kf_cli_warn (cli, g_ptr_array_index (scan->problems, i));
      g_ptr_array_add (job->problems, g_strdup (g_ptr_array_index (scan->problems, i)));
    }
  if (scan->files->len == 0 && scan->dirs->len == 0)
    {
      kf_cli_fail_literal (cli, "nothing", _("Nothing to upload."));
      return;
    }

  kf_tree_upload_async (job->queue, cli->client, g_steal_pointer (&scan), NULL,
                        cli->cancellable, tree_cb, job);
}

static void
tree_start (KfCli *cli)
{
  UploadJob *job = cli->command_data;

  kf_file_scan_async ((GFile * const *) job->roots->pdata, job->roots->len, cli->cancellable,
                      scan_cb, job);
}

/* Connects (two spare connections for the API calls beside the uploads),
 * applies the speed limit and makes the job's queue. No history: the
 * command line prints its results instead. */
static gboolean
connect_queue (KfCli        *cli,
               UploadJob    *job,
               KfUploadType  type,
               guint64       rate)
{
  if (!kf_cli_connect (cli, opt_parallel + 2))
    return FALSE;
  if (rate > 0)
    {
      g_autoptr(KfRateLimit) limit = kf_rate_limit_new (rate);

      kf_client_set_rate_limit (cli->client, limit);
    }

  job->queue = g_object_new (KF_TYPE_UPLOAD_QUEUE,
                             "max-parallel", (guint) opt_parallel,
                             "upload-type", type,
                             "folder-id", opt_folder,
                             "report-progress", progress_shown (job),
                             NULL);
  return TRUE;
}

/* upload -r: walks the arguments, makes their folders on the server, then
 * uploads as without -r. */
static gboolean
upload_tree (KfCli         *cli,
             char         **args,
             KfUploadType   type,
             guint64        rate)
{
  UploadJob *job;

  job = g_new0 (UploadJob, 1);
  job->cli = cli;
  job->entry_of = g_hash_table_new (NULL, NULL);
  job->roots = g_ptr_array_new_with_free_func (g_object_unref);
  job->problems = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (job->roots, kf_cli_file_for_argument (args[i]));
  cli->command_data = job;
  cli->command_data_free = (GDestroyNotify) upload_job_free;

  /* The client is given to the queue once every file is in it. */
  if (!connect_queue (cli, job, type, rate))
    return FALSE;
  kf_cli_require_key (cli, tree_start);
  return TRUE;
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
    { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format,
      N_("Print each link alone, in this format: plain, bbcode, html or markdown"), N_("FORMAT") },
    { "limit-rate", 0, 0, G_OPTION_ARG_STRING, &opt_limit_rate,
      N_("Send at most RATE bytes per second, all files together (as curl: 500K, 4M, 1G; 0 = no limit)"),
      N_("RATE") },
    { "recursive", 'r', 0, G_OPTION_ARG_NONE, &opt_recursive,
      N_("Upload folders with everything in them, making the same folders on the server "
         "(in the --folder, reusing folders of the same name)"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GArray) sizes = NULL;
  GListModel *model;
  KfUploadType type;
  UploadJob *job;
  guint n_files;
  guint64 rate = 0;

  if (!kf_cli_parse_options (cli, "upload", _("FILE… | -r FOLDER…"),
                             _("Upload files and print each file’s link."), entries, &argv))
    return FALSE;

  n_files = g_strv_length (argv) - 1;
  if (n_files == 0)
    {
      kf_cli_usage_error (cli, opt_recursive ? _("Missing argument: at least one folder or file.")
                                             : _("Missing argument: at least one file."));
      return FALSE;
    }

  if (opt_parallel < 1 || opt_parallel > MAX_PARALLEL)
    {
      g_autofree char *message = g_strdup_printf (_("--parallel must be between 1 and %d."), MAX_PARALLEL);
      kf_cli_usage_error (cli, message);
      return FALSE;
    }

  if (!kf_cli_parse_link_format (cli, opt_format, &link_format))
    return FALSE;
  /* A direct link is one more call per file, not made here yet. */
  if (link_format == KF_LINK_FORMAT_DIRECT)
    {
      kf_cli_usage_error (cli, _("upload --format direct is not available; "
                                 "use “kenfiles link CODE --format direct”."));
      return FALSE;
    }

  if (opt_limit_rate != NULL)
    {
      g_autoptr(GError) rate_error = NULL;

      if (!kf_rate_limit_parse (opt_limit_rate, &rate, &rate_error))
        {
          g_autofree char *message = g_strdup_printf ("--limit-rate: %s", rate_error->message);

          kf_cli_usage_error (cli, message);
          return FALSE;
        }
    }

  if (opt_type == NULL || g_str_equal (opt_type, "auto"))
    type = KF_UPLOAD_TYPE_AUTO;
  else if (g_str_equal (opt_type, "prem"))
    type = KF_UPLOAD_TYPE_PREMIUM;
  else if (g_str_equal (opt_type, "reg"))
    type = KF_UPLOAD_TYPE_REGISTERED;
  else
    {
      kf_cli_usage_error (cli, _("--type must be auto, prem or reg."));
      return FALSE;
    }

  if (opt_recursive)
    return upload_tree (cli, argv + 1, type, rate);

  job = g_new0 (UploadJob, 1);
  job->cli = cli;
  job->entry_of = g_hash_table_new (NULL, NULL);
  job->n_entries = n_files;
  job->entries = g_new0 (Entry, n_files);
  cli->command_data = job;
  cli->command_data_free = (GDestroyNotify) upload_job_free;

  files = g_ptr_array_new_full (n_files, g_object_unref);
  names = g_ptr_array_new_full (n_files, g_free);
  sizes = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_files);
  for (guint i = 0; i < n_files; i++)
    {
      Entry *entry = &job->entries[i];
      gint64 size;

      entry->path = g_strdup (argv[i + 1]);
      entry->name = g_filename_display_basename (entry->path);
      entry->label = g_strdup (entry->name);
      /* Checked before anything is sent: a pipe or device is never opened. */
      if (!kf_cli_check_upload_argument (entry->path, &entry->size, &entry->error))
        {
          kf_cli_warn (cli, entry->error->message);
          entry->finished = TRUE;
          job->n_finished++;
          job->n_failed++;
          continue;
        }

      size = entry->size;
      g_ptr_array_add (files, kf_cli_file_for_argument (entry->path));
      g_ptr_array_add (names, g_strdup (entry->name));
      g_array_append_val (sizes, size);
      if (size > 0)
        job->total_size += size;
    }

  /* The client is set once the key is known, which starts the uploads. */
  if (!connect_queue (cli, job, type, rate))
    return FALSE;
  kf_upload_queue_add_files (job->queue, (GFile * const *) files->pdata,
                             (const char * const *) names->pdata,
                             (const gint64 *) sizes->data, files->len);

  /* The queue lists them newest first, in the order given. */
  model = kf_upload_queue_get_model (job->queue);
  for (guint i = 0, k = 0; i < n_files; i++)
    {
      Entry *entry = &job->entries[i];

      if (entry->finished)
        continue;
      watch_item (job, entry, g_list_model_get_item (model, k++));
    }

  kf_cli_require_key (cli, upload_start);
  return TRUE;
}
