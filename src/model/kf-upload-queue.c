/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-remote-upload.h"
#include "kf-upload-queue-private.h"

/* Rows are refreshed at most this often while uploading. */
#define PROGRESS_INTERVAL_MS 250
/* Automatic retries after a transient failure, 5 s, 10 s, then 20 s apart. */
#define DEFAULT_MAX_RETRIES 3
#define DEFAULT_RETRY_DELAY_MS 5000
#define MAX_RETRY_DELAY_MS (5 * 60 * 1000)

G_DEFINE_FINAL_TYPE (KfUploadQueue, kf_upload_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_PENDING,
  PROP_N_PAUSED,
  PROP_MAX_PARALLEL,
  PROP_UPLOAD_TYPE,
  PROP_FOLDER_ID,
  PROP_REPORT_PROGRESS,
  N_PROPS
};

enum {
  BATCH_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void pump (KfUploadQueue *self);

static Job *
job_new (KfUploadQueue *queue,
         KfUploadItem  *item)
{
  Job *job = g_rc_box_new0 (Job);

  job->queue = g_object_ref (queue);
  job->item = g_object_ref (item);
  job->cancellable = g_cancellable_new ();
  return job;
}

static void
job_clear (Job *job)
{
  g_clear_object (&job->queue);
  g_clear_object (&job->item);
  g_clear_object (&job->cancellable);
}

static void
job_unref (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) job_clear);
}

static Job *
job_ref (Job *job)
{
  return g_rc_box_acquire (job);
}

static void
notify_pending (KfUploadQueue *self)
{
  /* Every change of what is pending comes through here: the saved queue follows. */
  _kf_upload_queue_mark_dirty (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
add_paused (KfUploadQueue *self,
            KfUploadItem  *item)
{
  kf_upload_item_set_paused (item);
  _kf_upload_queue_mark_dirty (self);
  if (g_hash_table_add (self->paused, g_object_ref (item)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAUSED]);
}

/* In line, at the end: its turn is remembered, so a paused row that is
 * resumed goes back to its place. */
static void
enqueue (KfUploadQueue *self,
         KfUploadItem  *item)
{
  g_hash_table_replace (self->turns, g_object_ref (item), GSIZE_TO_POINTER ((gsize) ++self->next_turn));
  g_queue_push_tail (&self->waiting, g_object_ref (item));
}

static gboolean
drop_paused (KfUploadQueue *self,
             KfUploadItem  *item)
{
  if (!g_hash_table_remove (self->paused, item))
    return FALSE;
  _kf_upload_queue_mark_dirty (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAUSED]);
  return TRUE;
}

static void
record (KfUploadQueue  *self,
        KfUploadItem   *item,
        KfHistoryState  state)
{
  g_autoptr(KfHistoryEntry) entry = NULL;
  GFile *file;

  if (self->history == NULL)
    return;

  entry = kf_history_entry_new ();
  entry->id = g_strdup (kf_upload_item_get_id (item));
  entry->name = g_strdup (kf_upload_item_get_name (item));
  entry->size = kf_upload_item_get_size (item);
  entry->state = state;
  entry->link = g_strdup (kf_upload_item_get_link (item));
  entry->file_code = g_strdup (kf_upload_item_get_file_code (item));
  entry->date = kf_upload_item_get_date (item) ? g_date_time_ref (kf_upload_item_get_date (item))
                                               : g_date_time_new_now_local ();
  file = kf_upload_item_get_file (item);
  if (file != NULL)
    entry->uri = g_file_get_uri (file);
  kf_history_put (self->history, entry);
}

static void
forget (KfUploadQueue *self,
        KfUploadItem  *item)
{
  if (self->history != NULL)
    kf_history_remove (self->history, kf_upload_item_get_id (item));
}

static gboolean
tick_cb (gpointer user_data)
{
  KfUploadQueue *self = KF_UPLOAD_QUEUE (user_data);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Job *job;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    {
      if (job->total > 0 || job->sent > 0)
        kf_upload_item_update_progress (job->item, job->sent, job->total, now);
    }

  return G_SOURCE_CONTINUE;
}

static void
update_tick (KfUploadQueue *self)
{
  if (g_hash_table_size (self->jobs) > 0 && self->report_progress)
    {
      if (self->tick_id == 0)
        self->tick_id = g_timeout_add_full (G_PRIORITY_DEFAULT, PROGRESS_INTERVAL_MS,
                                            tick_cb, self, NULL);
    }
  else
    {
      g_clear_handle_id (&self->tick_id, g_source_remove);
    }
}

static void
progress_cb (goffset  sent,
             goffset  total,
             gpointer user_data)
{
  Job *job = user_data;

  /* Only remembered here; tick_cb shows it a few times a second. */
  job->sent = sent;
  job->total = total;
}

static gboolean
is_cancel_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
maybe_finish_batch (KfUploadQueue *self)
{
  g_auto(GStrv) links = NULL;
  guint done, failed;

  if (g_hash_table_size (self->jobs) > 0 || g_hash_table_size (self->remotes) > 0 ||
      g_hash_table_size (self->retrying) > 0 || self->waiting.length > 0)
    return;
  g_ptr_array_set_size (self->batch_items, 0);
  if (self->batch_done == 0 && self->batch_failed == 0)
    return;

  g_ptr_array_add (self->batch_links, NULL);
  links = (GStrv) g_ptr_array_free (g_steal_pointer (&self->batch_links), FALSE);
  self->batch_links = g_ptr_array_new_with_free_func (g_free);
  done = self->batch_done;
  failed = self->batch_failed;
  self->batch_done = 0;
  self->batch_failed = 0;

  g_signal_emit (self, signals[BATCH_FINISHED], 0, done, failed, links);
}

/* What happened, in words: the kind of failure first, then the details. */
static char *
describe_failure (const GError *error)
{
  if (error == NULL)
    return g_strdup (_("The server gave no answer for this file."));

  if (error->domain == KF_ERROR)
    switch ((KfError) error->code)
      {
      case KF_ERROR_NETWORK:
        /* TRANSLATORS: the second sentence gives the details */
        return g_strdup_printf (_("Connection lost. %s"), error->message);
      case KF_ERROR_TIMED_OUT:
        return g_strdup_printf (_("Timed out. %s"), error->message);
      case KF_ERROR_SERVER:
        return g_strdup_printf (_("Server error. %s"), error->message);
      case KF_ERROR_RATE_LIMITED:
        return g_strdup_printf (_("Server busy. %s"), error->message);
      case KF_ERROR_REFUSED:
        return g_strdup_printf (_("The server refused this file: %s"), error->message);
      default:
        break;
      }
  return g_strdup (error->message);
}

typedef struct {
  KfUploadQueue *queue;   /* borrowed: timers are removed in dispose */
  KfUploadItem  *item;    /* borrowed from the retrying table */
} RetryWait;

static gboolean
retry_wait_cb (gpointer user_data)
{
  RetryWait *wait = user_data;
  KfUploadQueue *self = wait->queue;
  g_autoptr(KfUploadItem) item = g_object_ref (wait->item);

  g_hash_table_steal (self->retrying, item);
  g_object_unref (item);   /* the table's reference */
  enqueue (self, item);
  pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
drop_retrying (KfUploadQueue *self,
               KfUploadItem  *item)
{
  gpointer id;

  if (!g_hash_table_lookup_extended (self->retrying, item, NULL, &id))
    return FALSE;
  g_source_remove (GPOINTER_TO_UINT (id));
  g_hash_table_remove (self->retrying, item);
  return TRUE;
}

static void
fail_or_retry (KfUploadQueue *self,
               KfUploadItem  *item,
               const GError  *error)
{
  g_autofree char *words = describe_failure (error);
  guint tries = GPOINTER_TO_UINT (g_hash_table_lookup (self->retries, item));

  if (kf_error_is_transient (error) && tries < self->max_retries)
    {
      guint64 delay = (guint64) self->retry_delay_ms << MIN (tries, 16);
      g_autofree char *message = NULL;
      RetryWait *wait;
      guint id;

      delay = MIN (delay, MAX_RETRY_DELAY_MS);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%s Trying again in %u second…",
                                              "%s Trying again in %u seconds…",
                                              (guint) ((delay + 999) / 1000)),
                                 words, (guint) ((delay + 999) / 1000));
      g_hash_table_replace (self->retries, g_object_ref (item), GUINT_TO_POINTER (tries + 1));
      kf_upload_item_set_retrying (item, message);

      wait = g_new0 (RetryWait, 1);
      wait->queue = self;
      wait->item = item;
      id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) delay, retry_wait_cb, wait, g_free);
      g_hash_table_replace (self->retrying, g_object_ref (item), GUINT_TO_POINTER (id));
      return;
    }

  g_hash_table_remove (self->retries, item);
  kf_upload_item_set_error (item, error);
  kf_upload_item_set_failed (item, words);
  self->batch_failed++;
}

static void
upload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Job *job = user_data;
  KfUploadQueue *self = job->queue;
  KfUploadItem *item = job->item;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;

  results = kf_client_upload_finish (KF_CLIENT (object), result, &error);
  g_hash_table_remove (self->jobs, item);

  if (job->removing)
    {
      /* Nothing to show or record. */
    }
  else if (job->pausing && !job->stopping &&
           (results == NULL || results->len == 0 ||
            ((KfUploadResult *) g_ptr_array_index (results, 0))->error != NULL))
    {
      /* Stopped by the pause, or failed on the way: either way it is paused
       * now, and is sent again from the start when resumed. */
      add_paused (self, item);
      if (job->resume)
        {
          update_tick (self);
          kf_upload_queue_resume (self, item);
          job_unref (job);
          return;
        }
    }
  else if (results != NULL && results->len > 0)
    {
      KfUploadResult *r = g_ptr_array_index (results, 0);

      if (r->error == NULL && r->url == NULL)
        r->error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                        _("The server gave no link for the file."));

      if (r->error != NULL)
        {
          fail_or_retry (self, item, r->error);
        }
      else
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();

          if (r->size >= 0 && kf_upload_item_get_size (item) < 0)
            kf_upload_item_set_size (item, r->size);
          kf_upload_item_set_done (item, r->file_code, r->url, now);
          g_hash_table_remove (self->retries, item);
          record (self, item, KF_HISTORY_STATE_DONE);
          self->batch_done++;
          g_ptr_array_add (self->batch_links, g_strdup (r->url));
        }
    }
  else if (error != NULL && is_cancel_error (error))
    {
      if (job->stopping)
        {
          kf_upload_item_set_not_finished (item);
        }
      else
        {
          kf_upload_item_set_error (item, error);
          kf_upload_item_set_cancelled (item);
          forget (self, item);
        }
    }
  else
    {
      if (error == NULL)
        error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                     _("The server gave no answer for this file."));
      fail_or_retry (self, item, error);
    }

  update_tick (self);
  notify_pending (self);
  pump (self);
  maybe_finish_batch (self);

  job_unref (job);
}

static void
start_job (KfUploadQueue *self,
           KfUploadItem  *item)
{
  GFile *files[1] = { kf_upload_item_get_file (item) };
  const char *folder_id = g_hash_table_lookup (self->folders, item);
  Job *job;

  job = job_new (self, item);
  g_hash_table_insert (self->jobs, item, job);
  kf_upload_item_set_uploading (item);

  /* Without anyone showing progress, core skips its per-chunk work too. */
  kf_client_upload_async (self->client, files, 1, self->upload_type,
                          folder_id ? folder_id : self->folder_id,
                          self->report_progress ? progress_cb : NULL,
                          self->report_progress ? job_ref (job) : NULL,
                          self->report_progress ? job_unref : NULL,
                          job->cancellable, upload_cb, job);
  update_tick (self);
}

static void start_remote (KfUploadQueue *self,
                          KfUploadItem  *item);

static void
pump (KfUploadQueue *self)
{
  gboolean started = FALSE;

  /* Restored remote jobs, once there is someone to ask about them. */
  while (self->client != NULL &&
         kf_client_has_api_key (self->client) &&
         self->remote_waiting.length > 0)
    {
      g_autoptr(KfUploadItem) item = g_queue_pop_head (&self->remote_waiting);

      start_remote (self, item);
    }

  while (self->client != NULL &&
         kf_client_has_api_key (self->client) &&
         g_hash_table_size (self->jobs) < self->max_parallel &&
         self->waiting.length > 0)
    {
      g_autoptr(KfUploadItem) item = g_queue_pop_head (&self->waiting);

      start_job (self, item);
      started = TRUE;
    }

  /* The pending count is the same, but how many upload changed. */
  if (started)
    notify_pending (self);
}

static void
kf_upload_queue_dispose (GObject *object)
{
  KfUploadQueue *self = KF_UPLOAD_QUEUE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->remotes != NULL)
    {
      GHashTableIter iter;
      KfRemoteUpload *remote;

      g_hash_table_iter_init (&iter, self->remotes);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &remote))
        {
          g_signal_handlers_disconnect_by_data (remote, self);
          kf_remote_upload_cancel (remote);
        }
      g_hash_table_remove_all (self->remotes);
    }
  if (self->retrying != NULL)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, self->retrying);
      while (g_hash_table_iter_next (&iter, NULL, &id))
        g_source_remove (GPOINTER_TO_UINT (id));
      g_hash_table_remove_all (self->retrying);
    }
  g_queue_clear_full (&self->waiting, g_object_unref);
  g_queue_clear_full (&self->remote_waiting, g_object_unref);
  _kf_upload_queue_save_dispose (self);
  g_clear_object (&self->client);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (kf_upload_queue_parent_class)->dispose (object);
}

static void
kf_upload_queue_finalize (GObject *object)
{
  KfUploadQueue *self = KF_UPLOAD_QUEUE (object);

  /* Jobs hold a reference to the queue, so none is left here. */
  g_assert (g_hash_table_size (self->jobs) == 0);

  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->remotes, g_hash_table_unref);
  g_clear_pointer (&self->folders, g_hash_table_unref);
  g_clear_pointer (&self->retrying, g_hash_table_unref);
  g_clear_pointer (&self->retries, g_hash_table_unref);
  g_clear_pointer (&self->paused, g_hash_table_unref);
  g_clear_pointer (&self->turns, g_hash_table_unref);
  g_clear_pointer (&self->job_ids, g_hash_table_unref);
  g_clear_pointer (&self->batch_items, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->batch_links, g_ptr_array_unref);
  g_free (self->folder_id);

  G_OBJECT_CLASS (kf_upload_queue_parent_class)->finalize (object);
}

static void
kf_upload_queue_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KfUploadQueue *self = KF_UPLOAD_QUEUE (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, kf_upload_queue_get_n_pending (self));
      break;
    case PROP_N_PAUSED:
      g_value_set_uint (value, kf_upload_queue_get_n_paused (self));
      break;
    case PROP_MAX_PARALLEL:
      g_value_set_uint (value, self->max_parallel);
      break;
    case PROP_UPLOAD_TYPE:
      g_value_set_enum (value, self->upload_type);
      break;
    case PROP_FOLDER_ID:
      g_value_set_string (value, self->folder_id);
      break;
    case PROP_REPORT_PROGRESS:
      g_value_set_boolean (value, self->report_progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_upload_queue_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KfUploadQueue *self = KF_UPLOAD_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAX_PARALLEL:
      kf_upload_queue_set_max_parallel (self, g_value_get_uint (value));
      break;
    case PROP_UPLOAD_TYPE:
      kf_upload_queue_set_upload_type (self, g_value_get_enum (value));
      break;
    case PROP_FOLDER_ID:
      kf_upload_queue_set_folder_id (self, g_value_get_string (value));
      break;
    case PROP_REPORT_PROGRESS:
      kf_upload_queue_set_report_progress (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_upload_queue_class_init (KfUploadQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kf_upload_queue_dispose;
  object_class->finalize = kf_upload_queue_finalize;
  object_class->get_property = kf_upload_queue_get_property;
  object_class->set_property = kf_upload_queue_set_property;

  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PAUSED] =
    g_param_spec_uint ("n-paused", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PARALLEL] =
    g_param_spec_uint ("max-parallel", NULL, NULL, 1, G_MAXUINT, 2,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPLOAD_TYPE] =
    g_param_spec_enum ("upload-type", NULL, NULL, KF_TYPE_UPLOAD_TYPE, KF_UPLOAD_TYPE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLDER_ID] =
    g_param_spec_string ("folder-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPORT_PROGRESS] =
    g_param_spec_boolean ("report-progress", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BATCH_FINISHED] =
    g_signal_new ("batch-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRV);
}

static void
kf_upload_queue_init (KfUploadQueue *self)
{
  self->store = g_list_store_new (KF_TYPE_UPLOAD_ITEM);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->jobs = g_hash_table_new (NULL, NULL);
  self->remotes = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->folders = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->retrying = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->retries = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->paused = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->turns = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->job_ids = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  g_queue_init (&self->remote_waiting);
  self->batch_items = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
  self->max_parallel = 2;
  self->upload_type = KF_UPLOAD_TYPE_AUTO;
  self->report_progress = TRUE;
  self->batch_links = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->waiting);
}

KfUploadQueue *
kf_upload_queue_new (KfHistory *history)
{
  KfUploadQueue *self;

  g_return_val_if_fail (history == NULL || KF_IS_HISTORY (history), NULL);

  self = g_object_new (KF_TYPE_UPLOAD_QUEUE, NULL);
  self->history = history ? g_object_ref (history) : NULL;
  return self;
}

GListModel *
kf_upload_queue_get_model (KfUploadQueue *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), NULL);

  return G_LIST_MODEL (self->store);
}

KfHistory *
kf_upload_queue_get_history (KfUploadQueue *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), NULL);

  return self->history;
}

void
kf_upload_queue_set_client (KfUploadQueue *self,
                            KfClient      *client)
{
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (client == NULL || KF_IS_CLIENT (client));

  /* Running uploads keep the client they started with. */
  g_set_object (&self->client, client);
  pump (self);
}

KfClient *
kf_upload_queue_get_client (KfUploadQueue *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), NULL);

  return self->client;
}

void
kf_upload_queue_set_max_parallel (KfUploadQueue *self,
                                  guint          max_parallel)
{
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  max_parallel = MAX (max_parallel, 1);
  if (self->max_parallel == max_parallel)
    return;
  self->max_parallel = max_parallel;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PARALLEL]);
  pump (self);
}

void
kf_upload_queue_set_upload_type (KfUploadQueue *self,
                                 KfUploadType   upload_type)
{
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  if (self->upload_type == upload_type)
    return;
  self->upload_type = upload_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOAD_TYPE]);
}

void
kf_upload_queue_set_folder_id (KfUploadQueue *self,
                               const char    *folder_id)
{
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  if (folder_id != NULL && *folder_id == '\0')
    folder_id = NULL;
  if (g_strcmp0 (self->folder_id, folder_id) == 0)
    return;
  g_free (self->folder_id);
  self->folder_id = g_strdup (folder_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDER_ID]);
}

void
kf_upload_queue_set_report_progress (KfUploadQueue *self,
                                     gboolean       report_progress)
{
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  report_progress = !!report_progress;
  if (self->report_progress == report_progress)
    return;
  self->report_progress = report_progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT_PROGRESS]);
}

static void
insert_items (KfUploadQueue *self,
              guint          position,
              GPtrArray     *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      KfUploadItem *item = g_ptr_array_index (items, i);

      g_hash_table_insert (self->by_id, (gpointer) kf_upload_item_get_id (item), item);
    }
  g_list_store_splice (self->store, position, 0, items->pdata, items->len);
  _kf_upload_queue_mark_dirty (self);
}

void
kf_upload_queue_add_files (KfUploadQueue      *self,
                           GFile * const      *files,
                           const char * const *names,
                           const gint64       *sizes,
                           guint               n_files)
{
  kf_upload_queue_add_files_to_folder (self, files, names, sizes, n_files, NULL);
}

static void
add_files (KfUploadQueue      *self,
           GFile * const      *files,
           const char * const *names,
           const gint64       *sizes,
           guint               n_files,
           const char         *folder_id,
           const char * const *folder_ids)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (n_files == 0)
    return;

  items = g_ptr_array_new_full (n_files, g_object_unref);
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      KfUploadItem *item;

      item = kf_upload_item_new (id, files[i], names ? names[i] : NULL, sizes ? sizes[i] : -1);
      kf_upload_item_set_date (item, now);
      if (folder_ids != NULL)
        folder_id = folder_ids[i];
      if (folder_id != NULL)
        g_hash_table_insert (self->folders, g_object_ref (item), g_strdup (folder_id));
      g_ptr_array_add (items, item);
      g_ptr_array_add (self->batch_items, g_object_ref (item));
      enqueue (self, item);
      record (self, item, KF_HISTORY_STATE_NOT_FINISHED);
    }

  insert_items (self, 0, items);
  if (self->track_files)
    _kf_upload_queue_track_files (self, items);
  notify_pending (self);
  pump (self);
}

void
kf_upload_queue_add_files_to_folder (KfUploadQueue      *self,
                                     GFile * const      *files,
                                     const char * const *names,
                                     const gint64       *sizes,
                                     guint               n_files,
                                     const char         *folder_id)
{
  add_files (self, files, names, sizes, n_files, folder_id, NULL);
}

void
kf_upload_queue_add_files_to_folders (KfUploadQueue      *self,
                                      GFile * const      *files,
                                      const char * const *names,
                                      const gint64       *sizes,
                                      const char * const *folder_ids,
                                      guint               n_files)
{
  g_return_if_fail (folder_ids != NULL || n_files == 0);

  add_files (self, files, names, sizes, n_files, NULL, folder_ids);
}

static void
drop_remote (KfUploadQueue *self,
             KfUploadItem  *item)
{
  gpointer key, value;

  if (!g_hash_table_steal_extended (self->remotes, item, &key, &value))
    return;

  /* Disconnected first: the row is gone or stopped, nothing is to be shown. */
  g_signal_handlers_disconnect_by_data (value, self);
  kf_remote_upload_cancel (value);
  g_object_unref (value);
  g_object_unref (key);
}

static KfUploadItem *
remote_item (KfUploadQueue  *self,
             KfRemoteUpload *remote)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->remotes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == remote)
      return key;
  return NULL;
}

static void
remote_progress_cb (KfRemoteUpload *remote,
                    GParamSpec     *pspec,
                    KfUploadQueue  *self)
{
  KfUploadItem *item = remote_item (self, remote);
  int progress = kf_remote_upload_get_progress (remote);

  if (item != NULL && progress >= 0)
    kf_upload_item_set_progress (item, progress / 100.0);
  /* The server's last report is saved with the job (once per poll at most). */
  _kf_upload_queue_mark_dirty (self);
}

static void
remote_finished_cb (KfRemoteUpload *remote,
                    KfUploadQueue  *self)
{
  g_autoptr(KfUploadItem) item = NULL;
  g_autoptr(KfRemoteUpload) keep = g_object_ref (remote);
  gpointer key, value;

  if (!g_hash_table_steal_extended (self->remotes, remote_item (self, remote), &key, &value))
    return;
  item = key;
  g_signal_handlers_disconnect_by_data (remote, self);
  g_object_unref (value);
  g_hash_table_remove (self->job_ids, item);

  switch (kf_remote_upload_get_state (remote))
    {
    case KF_REMOTE_UPLOAD_DONE:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();

        kf_upload_item_set_done (item, kf_remote_upload_get_file_code (remote),
                                 kf_remote_upload_get_link (remote), now);
        record (self, item, KF_HISTORY_STATE_DONE);
        self->batch_done++;
        g_ptr_array_add (self->batch_links, g_strdup (kf_remote_upload_get_link (remote)));
      }
      break;
    case KF_REMOTE_UPLOAD_CANCELLED:
      kf_upload_item_set_cancelled (item);
      break;
    case KF_REMOTE_UPLOAD_FAILED:
    default:
      kf_upload_item_set_failed (item, kf_remote_upload_get_error_message (remote)
                                       ? kf_remote_upload_get_error_message (remote)
                                       : _("The server could not fetch this address."));
      self->batch_failed++;
      break;
    }

  notify_pending (self);
  maybe_finish_batch (self);
}

static void
start_remote (KfUploadQueue *self,
              KfUploadItem  *item)
{
  const char *folder_id = g_hash_table_lookup (self->folders, item);
  const char *job_id;
  KfRemoteUpload *remote;

  if (self->client == NULL || !kf_client_has_api_key (self->client))
    {
      kf_upload_item_set_failed (item, _("Sign in to upload from a web address."));
      return;
    }

  remote = kf_remote_upload_new (self->client, kf_upload_item_get_name (item),
                                 folder_id ? folder_id : self->folder_id);
  job_id = g_hash_table_lookup (self->job_ids, item);
  g_hash_table_insert (self->remotes, g_object_ref (item), remote);
  if (!g_ptr_array_find (self->batch_items, item, NULL))
    g_ptr_array_add (self->batch_items, g_object_ref (item));
  kf_upload_item_set_uploading (item);
  g_signal_connect (remote, "notify::progress", G_CALLBACK (remote_progress_cb), self);
  g_signal_connect (remote, "finished", G_CALLBACK (remote_finished_cb), self);
  g_signal_connect_swapped (remote, "notify::file-code", G_CALLBACK (_kf_upload_queue_mark_dirty), self);
  notify_pending (self);
  /* A job restored from the saved queue is polled again, not sent again. */
  if (job_id != NULL)
    kf_remote_upload_resume (remote, job_id);
  else
    kf_remote_upload_start (remote);
}

KfUploadItem *
kf_upload_queue_add_remote (KfUploadQueue *self,
                            const char    *url,
                            const char    *folder_id)
{
  g_autoptr(KfUploadItem) item = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *id = g_uuid_string_random ();

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  item = kf_upload_item_new (id, NULL, url, -1);
  kf_upload_item_set_remote (item, TRUE);
  kf_upload_item_set_date (item, now);
  if (folder_id != NULL)
    g_hash_table_insert (self->folders, g_object_ref (item), g_strdup (folder_id));

  items = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (items, g_object_ref (item));
  insert_items (self, 0, items);
  start_remote (self, item);
  return item;
}

void
kf_upload_queue_load_history (KfUploadQueue *self)
{
  g_autoptr(GPtrArray) items = NULL;
  GPtrArray *entries;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  if (self->history == NULL)
    return;

  entries = kf_history_get_entries (self->history);
  items = g_ptr_array_new_full (entries->len, g_object_unref);

  /* The file is oldest first; the list is newest first. */
  for (guint i = entries->len; i > 0; i--)
    {
      const KfHistoryEntry *entry = g_ptr_array_index (entries, i - 1);
      g_autoptr(GFile) file = entry->uri ? g_file_new_for_uri (entry->uri) : NULL;
      KfUploadItem *item;

      if (g_hash_table_contains (self->by_id, entry->id))
        continue;

      item = kf_upload_item_new (entry->id, file, entry->name, entry->size);
      if (entry->state == KF_HISTORY_STATE_DONE)
        kf_upload_item_set_done (item, entry->file_code, entry->link, entry->date);
      else
        {
          kf_upload_item_set_date (item, entry->date);
          kf_upload_item_set_not_finished (item);
        }
      g_ptr_array_add (items, item);
    }

  insert_items (self, g_list_model_get_n_items (G_LIST_MODEL (self->store)), items);
}

KfUploadItem *
kf_upload_queue_lookup (KfUploadQueue *self,
                        const char    *id)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, id);
}

static gboolean
drop_remote_waiting (KfUploadQueue *self,
                     KfUploadItem  *item)
{
  GList *link = g_queue_find (&self->remote_waiting, item);

  g_hash_table_remove (self->job_ids, item);
  if (link == NULL)
    return FALSE;
  g_queue_delete_link (&self->remote_waiting, link);
  g_object_unref (item);
  return TRUE;
}

static gboolean
drop_waiting (KfUploadQueue *self,
              KfUploadItem  *item)
{
  GList *link = g_queue_find (&self->waiting, item);

  if (link == NULL)
    return FALSE;
  g_queue_delete_link (&self->waiting, link);
  g_object_unref (item);
  return TRUE;
}

void
kf_upload_queue_cancel (KfUploadQueue *self,
                        KfUploadItem  *item)
{
  Job *job;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (KF_IS_UPLOAD_ITEM (item));

  job = g_hash_table_lookup (self->jobs, item);
  if (job != NULL)
    {
      g_cancellable_cancel (job->cancellable);
      return;
    }

  if (g_hash_table_contains (self->remotes, item))
    {
      /* "finished" follows with the cancelled state. */
      kf_remote_upload_cancel (g_hash_table_lookup (self->remotes, item));
      return;
    }

  if (drop_waiting (self, item) || drop_retrying (self, item) || drop_paused (self, item) ||
      drop_remote_waiting (self, item))
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The upload was cancelled."));

      g_hash_table_remove (self->retries, item);
      kf_upload_item_set_error (item, error);
      kf_upload_item_set_cancelled (item);
      forget (self, item);
      notify_pending (self);
      maybe_finish_batch (self);
    }
}

void
kf_upload_queue_retry (KfUploadQueue *self,
                       KfUploadItem  *item)
{
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (KF_IS_UPLOAD_ITEM (item));

  if (!kf_upload_item_can_retry (item) || g_hash_table_contains (self->jobs, item) ||
      g_hash_table_contains (self->remotes, item) || g_hash_table_contains (self->retrying, item))
    return;

  /* Asked by the user: the automatic retries start over. */
  g_hash_table_remove (self->retries, item);

  if (kf_upload_item_get_remote (item))
    {
      start_remote (self, item);
      return;
    }

  kf_upload_item_set_waiting (item);
  if (!g_ptr_array_find (self->batch_items, item, NULL))
    g_ptr_array_add (self->batch_items, g_object_ref (item));
  enqueue (self, item);
  record (self, item, KF_HISTORY_STATE_NOT_FINISHED);
  notify_pending (self);
  pump (self);
}

void
kf_upload_queue_remove (KfUploadQueue *self,
                        KfUploadItem  *item)
{
  g_autoptr(KfUploadItem) keep = NULL;
  Job *job;
  guint position;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (KF_IS_UPLOAD_ITEM (item));

  keep = g_object_ref (item);

  job = g_hash_table_lookup (self->jobs, item);
  if (job != NULL)
    {
      job->removing = TRUE;
      g_cancellable_cancel (job->cancellable);
    }
  drop_remote (self, item);
  drop_remote_waiting (self, item);
  drop_waiting (self, item);
  drop_retrying (self, item);
  drop_paused (self, item);
  g_hash_table_remove (self->turns, item);
  forget (self, item);
  g_hash_table_remove (self->folders, item);
  g_hash_table_remove (self->retries, item);
  g_ptr_array_remove (self->batch_items, item);

  g_hash_table_remove (self->by_id, kf_upload_item_get_id (item));
  if (g_list_store_find (self->store, item, &position))
    g_list_store_remove (self->store, position);

  notify_pending (self);
  maybe_finish_batch (self);
}

void
kf_upload_queue_stop_all (KfUploadQueue *self)
{
  GHashTableIter iter;
  Job *job;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  while (self->waiting.length > 0)
    {
      g_autoptr(KfUploadItem) item = g_queue_pop_head (&self->waiting);

      kf_upload_item_set_not_finished (item);
    }
  while (self->remote_waiting.length > 0)
    {
      g_autoptr(KfUploadItem) item = g_queue_pop_head (&self->remote_waiting);

      g_hash_table_remove (self->job_ids, item);
      kf_upload_item_set_not_finished (item);
    }

  while (g_hash_table_size (self->retrying) > 0)
    {
      GHashTableIter retry_iter;
      KfUploadItem *item;

      g_hash_table_iter_init (&retry_iter, self->retrying);
      g_hash_table_iter_next (&retry_iter, (gpointer *) &item, NULL);
      g_object_ref (item);
      drop_retrying (self, item);
      kf_upload_item_set_not_finished (item);
      g_object_unref (item);
    }

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    {
      job->stopping = TRUE;
      g_cancellable_cancel (job->cancellable);
    }

  /* Remote rows are only recorded once done, so a stopped one is just shown as not finished. */
  while (g_hash_table_size (self->remotes) > 0)
    {
      GHashTableIter remote_iter;
      KfUploadItem *item;

      g_hash_table_iter_init (&remote_iter, self->remotes);
      g_hash_table_iter_next (&remote_iter, (gpointer *) &item, NULL);
      g_object_ref (item);
      drop_remote (self, item);
      kf_upload_item_set_not_finished (item);
      g_object_unref (item);
    }

  notify_pending (self);
  maybe_finish_batch (self);
}

guint
kf_upload_queue_get_n_pending (KfUploadQueue *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  return self->waiting.length + g_hash_table_size (self->jobs) + g_hash_table_size (self->remotes) +
         g_hash_table_size (self->retrying) + self->remote_waiting.length;
}

guint
kf_upload_queue_get_n_uploading (KfUploadQueue *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  return g_hash_table_size (self->jobs) + g_hash_table_size (self->remotes);
}

void
kf_upload_queue_restore (KfUploadQueue *self,
                         KfUploadItem  *item,
                         guint          position)
{
  g_autoptr(GPtrArray) items = NULL;
  guint n;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (KF_IS_UPLOAD_ITEM (item));

  if (kf_upload_item_is_active (item) || g_hash_table_contains (self->by_id, kf_upload_item_get_id (item)))
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  items = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (items, g_object_ref (item));
  insert_items (self, MIN (position, n), items);

  switch (kf_upload_item_get_state (item))
    {
    case KF_UPLOAD_STATE_DONE:
      record (self, item, KF_HISTORY_STATE_DONE);
      break;
    case KF_UPLOAD_STATE_FAILED:
    case KF_UPLOAD_STATE_NOT_FINISHED:
      if (!kf_upload_item_get_remote (item))
        record (self, item, KF_HISTORY_STATE_NOT_FINISHED);
      break;
    case KF_UPLOAD_STATE_PAUSED:
      record (self, item, KF_HISTORY_STATE_NOT_FINISHED);
      if (g_hash_table_add (self->paused, g_object_ref (item)))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAUSED]);
      break;
    case KF_UPLOAD_STATE_CANCELLED:
    case KF_UPLOAD_STATE_WAITING:
    case KF_UPLOAD_STATE_UPLOADING:
    default:
      break;
    }
}

/* The items of the list, for acting on them while the list changes. */
static GPtrArray *
snapshot (KfUploadQueue *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  GPtrArray *items = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->store), i));
  return items;
}

guint
kf_upload_queue_cancel_all (KfUploadQueue *self)
{
  g_autoptr(GPtrArray) items = NULL;
  guint n = 0;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  items = snapshot (self);
  for (guint i = 0; i < items->len; i++)
    {
      KfUploadItem *item = g_ptr_array_index (items, i);

      if (kf_upload_item_is_active (item) || g_hash_table_contains (self->paused, item))
        {
          kf_upload_queue_cancel (self, item);
          n++;
        }
    }
  return n;
}

guint
kf_upload_queue_retry_failed (KfUploadQueue *self)
{
  g_autoptr(GPtrArray) items = NULL;
  guint n = 0;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  /* Oldest first, so they upload in the order they were added. */
  items = snapshot (self);
  for (guint i = items->len; i > 0; i--)
    {
      KfUploadItem *item = g_ptr_array_index (items, i - 1);

      if (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_FAILED && kf_upload_item_can_retry (item))
        {
          kf_upload_queue_retry (self, item);
          n++;
        }
    }
  return n;
}

guint
kf_upload_queue_clear_finished (KfUploadQueue *self,
                                GPtrArray     *removed,
                                GArray        *positions)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  items = snapshot (self);
  for (guint i = 0; i < items->len; i++)
    if (kf_upload_item_get_state (g_ptr_array_index (items, i)) == KF_UPLOAD_STATE_DONE)
      g_array_append_val (found, i);

  if (removed != NULL)
    for (guint i = 0; i < found->len; i++)
      g_ptr_array_add (removed, g_object_ref (g_ptr_array_index (items, g_array_index (found, guint, i))));
  if (positions != NULL)
    g_array_append_vals (positions, found->data, found->len);

  /* From the bottom up, so each position is still the one recorded. */
  for (guint i = found->len; i > 0; i--)
    {
      KfUploadItem *item = g_ptr_array_index (items, g_array_index (found, guint, i - 1));

      forget (self, item);
      g_hash_table_remove (self->by_id, kf_upload_item_get_id (item));
      g_hash_table_remove (self->folders, item);
      g_hash_table_remove (self->turns, item);
      g_ptr_array_remove (self->batch_items, item);
      g_list_store_remove (self->store, g_array_index (found, guint, i - 1));
    }
  return found->len;
}

GStrv
kf_upload_queue_dup_links (KfUploadQueue *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE && kf_upload_item_get_link (item) != NULL)
        g_strv_builder_add (builder, kf_upload_item_get_link (item));
    }
  return g_strv_builder_end (builder);
}

void
kf_upload_queue_set_retry_policy (KfUploadQueue *self,
                                  guint          max_retries,
                                  guint          base_delay_ms)
{
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  self->max_retries = max_retries;
  self->retry_delay_ms = base_delay_ms;
}

void
kf_upload_queue_get_progress (KfUploadQueue *self,
                              guint         *files_done,
                              guint         *files_total,
                              gint64        *bytes_done,
                              gint64        *bytes_total,
                              gint64        *seconds_left)
{
  guint n_done = 0, n_total = 0;
  gint64 done = 0, total = 0;
  double speed = 0;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));

  for (guint i = 0; i < self->batch_items->len; i++)
    {
      KfUploadItem *item = g_ptr_array_index (self->batch_items, i);
      KfUploadState state = kf_upload_item_get_state (item);
      gint64 size = kf_upload_item_get_size (item);

      /* A cancelled upload is no longer part of what is being done. */
      if (state == KF_UPLOAD_STATE_CANCELLED || state == KF_UPLOAD_STATE_NOT_FINISHED ||
          state == KF_UPLOAD_STATE_PAUSED)
        continue;
      n_total++;
      if (!kf_upload_item_is_active (item))
        n_done++;
      if (size < 0)
        continue;
      total += size;
      if (!kf_upload_item_is_active (item))
        done += size;
      else if (state == KF_UPLOAD_STATE_UPLOADING)
        {
          done += MIN (kf_upload_item_get_bytes_sent (item), size);
          speed += kf_upload_item_get_speed (item);
        }
    }

  if (files_done != NULL)
    *files_done = n_done;
  if (files_total != NULL)
    *files_total = n_total;
  if (bytes_done != NULL)
    *bytes_done = done;
  if (bytes_total != NULL)
    *bytes_total = total;
  if (seconds_left != NULL)
    *seconds_left = speed > 0 ? (gint64) ((total - done) / speed + 0.5) : -1;
}

/* Pause and resume ---------------------------------------------------------- */

gboolean
kf_upload_queue_pause (KfUploadQueue *self,
                       KfUploadItem  *item)
{
  Job *job;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), FALSE);
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (item), FALSE);

  if (!kf_upload_item_can_pause (item))
    return FALSE;

  job = g_hash_table_lookup (self->jobs, item);
  if (job != NULL)
    {
      /* upload_cb marks it paused once the request has stopped. */
      job->pausing = TRUE;
      job->resume = FALSE;
      g_cancellable_cancel (job->cancellable);
      return TRUE;
    }

  if (!drop_waiting (self, item) && !drop_retrying (self, item))
    return FALSE;
  add_paused (self, item);
  notify_pending (self);
  maybe_finish_batch (self);
  return TRUE;
}

static int
compare_turns (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  GHashTable *turns = user_data;
  guint64 ta = GPOINTER_TO_SIZE (g_hash_table_lookup (turns, a));
  guint64 tb = GPOINTER_TO_SIZE (g_hash_table_lookup (turns, b));

  /* A row without a turn (put back by Undo) goes last. */
  if (ta == 0 || tb == 0)
    return ta == tb ? 0 : ta == 0 ? 1 : -1;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/* A resumed row goes back to its place in line: waiting uploads start in
 * the order they were queued, whatever order they were paused and resumed. */
static void
sort_waiting (KfUploadQueue *self)
{
  if (self->waiting.length > 1)
    g_queue_sort (&self->waiting, compare_turns, self->turns);
}

static void
resume_one (KfUploadQueue *self,
            KfUploadItem  *item)
{
  /* Nothing of the earlier request is kept by the server. */
  if (kf_upload_item_get_bytes_sent (item) > 0)
    kf_upload_item_set_retrying (item, _("Resumed: the file is sent again from the start."));
  else
    kf_upload_item_set_waiting (item);
  if (!g_ptr_array_find (self->batch_items, item, NULL))
    g_ptr_array_add (self->batch_items, g_object_ref (item));
  g_queue_push_tail (&self->waiting, g_object_ref (item));
}

gboolean
kf_upload_queue_resume (KfUploadQueue *self,
                        KfUploadItem  *item)
{
  Job *job;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), FALSE);
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (item), FALSE);

  job = g_hash_table_lookup (self->jobs, item);
  if (job != NULL && job->pausing)
    {
      /* Still stopping: it goes back in line once it has. */
      job->resume = TRUE;
      return TRUE;
    }

  if (!g_hash_table_contains (self->paused, item))
    return FALSE;

  {
    g_autoptr(KfUploadItem) keep = g_object_ref (item);

    drop_paused (self, item);
    resume_one (self, item);
  }
  sort_waiting (self);
  notify_pending (self);
  pump (self);
  return TRUE;
}

guint
kf_upload_queue_pause_all (KfUploadQueue *self)
{
  g_autoptr(GPtrArray) items = NULL;
  GHashTableIter iter;
  KfUploadItem *item;
  Job *job;
  guint n = 0;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  /* Waiting ones first, so none starts when a running one stops. */
  while (self->waiting.length > 0)
    {
      g_autoptr(KfUploadItem) waiting = g_queue_pop_head (&self->waiting);

      add_paused (self, waiting);
      n++;
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->retrying);
  while (g_hash_table_iter_next (&iter, (gpointer *) &item, NULL))
    g_ptr_array_add (items, g_object_ref (item));
  for (guint i = 0; i < items->len; i++)
    {
      drop_retrying (self, g_ptr_array_index (items, i));
      add_paused (self, g_ptr_array_index (items, i));
      n++;
    }

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    {
      if (job->pausing || job->stopping || job->removing)
        continue;
      job->pausing = TRUE;
      job->resume = FALSE;
      g_cancellable_cancel (job->cancellable);
      n++;
    }

  notify_pending (self);
  maybe_finish_batch (self);
  return n;
}

guint
kf_upload_queue_resume_all (KfUploadQueue *self)
{
  g_autoptr(GPtrArray) items = NULL;
  GHashTableIter iter;
  KfUploadItem *item;
  Job *job;
  guint n = 0;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    if (job->pausing && !job->resume)
      {
        job->resume = TRUE;
        n++;
      }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->paused);
  while (g_hash_table_iter_next (&iter, (gpointer *) &item, NULL))
    g_ptr_array_add (items, g_object_ref (item));
  g_hash_table_remove_all (self->paused);
  if (items->len > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAUSED]);

  for (guint i = 0; i < items->len; i++)
    {
      resume_one (self, g_ptr_array_index (items, i));
      n++;
    }
  sort_waiting (self);
  notify_pending (self);
  pump (self);
  return n;
}

guint
kf_upload_queue_get_n_pausable (KfUploadQueue *self)
{
  GHashTableIter iter;
  Job *job;
  guint n;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  n = self->waiting.length + g_hash_table_size (self->retrying);
  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    if (!job->pausing && !job->stopping && !job->removing)
      n++;
  return n;
}

guint
kf_upload_queue_get_n_paused (KfUploadQueue *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), 0);

  return g_hash_table_size (self->paused);
}

/* For kf-upload-queue-save.c ------------------------------------------------ */

void
_kf_upload_queue_insert_restored (KfUploadQueue *self,
                                  guint          position,
                                  GPtrArray     *items)
{
  insert_items (self, MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->store))), items);
}

void
_kf_upload_queue_add_paused (KfUploadQueue *self,
                             KfUploadItem  *item)
{
  /* Its turn is kept, so resuming them all starts them in their old order. */
  g_hash_table_replace (self->turns, g_object_ref (item), GSIZE_TO_POINTER ((gsize) ++self->next_turn));
  add_paused (self, item);
}

void
_kf_upload_queue_enqueue (KfUploadQueue *self,
                          KfUploadItem  *item)
{
  if (kf_upload_item_get_remote (item))
    {
      g_queue_push_tail (&self->remote_waiting, g_object_ref (item));
      return;
    }
  if (!g_ptr_array_find (self->batch_items, item, NULL))
    g_ptr_array_add (self->batch_items, g_object_ref (item));
  enqueue (self, item);
}

void
_kf_upload_queue_pump (KfUploadQueue *self)
{
  pump (self);
}

void
_kf_upload_queue_notify_pending (KfUploadQueue *self)
{
  notify_pending (self);
}
