/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The saved queue: what is waiting, running or paused is handed to a
 * KfQueueFile whenever it changes (changes close together become one
 * snapshot, and the file coalesces and writes off the main loop), and is
 * listed again from it after a restart. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-remote-upload.h"
#include "kf-upload-queue-private.h"

/* Changes this close together become one snapshot. */
#define SNAPSHOT_DELAY_MS 100

#define FILE_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
                        G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC

typedef enum {
  CHECK_OK,
  CHECK_CHANGED,
  CHECK_VANISHED,
  CHECK_UNREADABLE,
} FileCheck;

/* Size and last change (µs) of @file; FALSE when it cannot be asked. */
static gboolean
query_file (GFile   *file,
            gint64  *size,
            gint64  *mtime,
            GError **error)
{
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file, FILE_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return FALSE;
  *size = g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR ? g_file_info_get_size (info) : -1;
  *mtime = -1;
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_TIME_MODIFIED))
    *mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
             g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  return TRUE;
}

static const char *
folder_of (KfUploadQueue *self,
           KfUploadItem  *item)
{
  return g_hash_table_lookup (self->folders, item);
}

/* The entry saved for @item, or NULL when it is not part of the queue
 * (done, cancelled, not finished, or a local file that failed). */
static KfQueueEntry *
entry_for_item (KfUploadQueue *self,
                KfUploadItem  *item)
{
  g_autoptr(KfQueueEntry) entry = kf_queue_entry_new ();
  KfUploadState state = kf_upload_item_get_state (item);

  if (kf_upload_item_get_remote (item))
    {
      KfRemoteUpload *remote = g_hash_table_lookup (self->remotes, item);

      entry->kind = KF_QUEUE_ENTRY_REMOTE;
      entry->url = g_strdup (kf_upload_item_get_name (item));
      if (remote != NULL)
        {
          const KfRemoteStatus *status = kf_remote_upload_get_last_status (remote);

          entry->state = KF_QUEUE_ENTRY_RUNNING;
          entry->job_id = g_strdup (kf_remote_upload_get_file_code (remote));
          entry->progress = CLAMP (kf_remote_upload_get_progress (remote), -1, 100);
          if (status != NULL)
            entry->status = g_strdup (status->message);
        }
      else if (g_queue_find (&self->remote_waiting, item) != NULL)
        {
          entry->state = KF_QUEUE_ENTRY_WAITING;
          entry->job_id = g_strdup (g_hash_table_lookup (self->job_ids, item));
        }
      else if (state == KF_UPLOAD_STATE_FAILED)
        {
          entry->state = KF_QUEUE_ENTRY_FAILED;
          entry->error = g_strdup (kf_upload_item_get_error_message (item));
        }
      else
        return NULL;
    }
  else
    {
      Job *job = g_hash_table_lookup (self->jobs, item);
      GFile *file = kf_upload_item_get_file (item);

      if (file == NULL)
        return NULL;
      entry->kind = KF_QUEUE_ENTRY_FILE;
      entry->uri = g_file_get_uri (file);
      if (job != NULL)
        {
          if (job->stopping || job->removing)
            return NULL;
          entry->state = job->pausing && !job->resume ? KF_QUEUE_ENTRY_PAUSED : KF_QUEUE_ENTRY_RUNNING;
        }
      else if (g_hash_table_contains (self->paused, item))
        entry->state = KF_QUEUE_ENTRY_PAUSED;
      else if (state == KF_UPLOAD_STATE_WAITING)
        entry->state = KF_QUEUE_ENTRY_WAITING;
      else
        return NULL;
      entry->mtime = kf_upload_item_get_mtime (item);
      entry->folder_path = g_strdup (kf_upload_item_get_folder_path (item));
    }

  entry->id = g_strdup (kf_upload_item_get_id (item));
  entry->name = g_strdup (kf_upload_item_get_name (item));
  entry->size = kf_upload_item_get_size (item);
  entry->folder_id = g_strdup (folder_of (self, item));
  if (kf_upload_item_get_date (item) != NULL)
    entry->date = g_date_time_ref (kf_upload_item_get_date (item));
  return g_steal_pointer (&entry);
}

static GPtrArray *
snapshot_entries (KfUploadQueue *self)
{
  GListModel *model = G_LIST_MODEL (self->store);
  guint n = g_list_model_get_n_items (model);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_queue_entry_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (model, i);
      KfQueueEntry *entry = entry_for_item (self, item);

      if (entry != NULL)
        g_ptr_array_add (entries, entry);
    }
  return entries;
}

static gboolean
snapshot_cb (gpointer user_data)
{
  KfUploadQueue *self = KF_UPLOAD_QUEUE (user_data);

  self->save_id = 0;
  if (self->saved != NULL)
    kf_queue_file_set_entries (self->saved, snapshot_entries (self));
  return G_SOURCE_REMOVE;
}

void
_kf_upload_queue_mark_dirty (KfUploadQueue *self)
{
  if (self->saved == NULL || self->save_id != 0)
    return;
  self->save_id = g_timeout_add_full (G_PRIORITY_DEFAULT, SNAPSHOT_DELAY_MS, snapshot_cb, self, NULL);
}

void
_kf_upload_queue_save_dispose (KfUploadQueue *self)
{
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_object (&self->saved);
}

gboolean
kf_upload_queue_finish_saving (KfUploadQueue  *self,
                               GError        **error)
{
  g_autoptr(KfQueueFile) saved = NULL;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), FALSE);

  if (self->saved == NULL)
    return TRUE;

  g_clear_handle_id (&self->save_id, g_source_remove);
  saved = g_steal_pointer (&self->saved);
  kf_queue_file_set_entries (saved, snapshot_entries (self));
  return kf_queue_file_flush (saved, error);
}

KfQueueFile *
kf_upload_queue_get_queue_file (KfUploadQueue *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), NULL);

  return self->saved;
}

/* Noting files' sizes and last changes ---------------------------------- */

typedef struct {
  GPtrArray *items;    /* KfUploadItem* (owned): only touched on the main thread */
  GPtrArray *files;    /* GFile* (owned) */
  GArray    *sizes;    /* gint64 */
  GArray    *mtimes;   /* gint64 */
} TrackData;

static void
track_data_free (TrackData *data)
{
  g_ptr_array_unref (data->items);
  g_ptr_array_unref (data->files);
  g_array_unref (data->sizes);
  g_array_unref (data->mtimes);
  g_free (data);
}

static void
track_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TrackData *data = task_data;

  for (guint i = 0; i < data->files->len; i++)
    {
      gint64 size = -1, mtime = -1;

      query_file (g_ptr_array_index (data->files, i), &size, &mtime, NULL);
      g_array_append_val (data->sizes, size);
      g_array_append_val (data->mtimes, mtime);
    }
  g_task_return_boolean (task, TRUE);
}

static void
track_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  KfUploadQueue *self = KF_UPLOAD_QUEUE (object);
  TrackData *data = g_task_get_task_data (G_TASK (result));

  for (guint i = 0; i < data->items->len; i++)
    {
      KfUploadItem *item = g_ptr_array_index (data->items, i);
      gint64 size = g_array_index (data->sizes, gint64, i);

      kf_upload_item_set_mtime (item, g_array_index (data->mtimes, gint64, i));
      if (kf_upload_item_get_size (item) < 0 && size >= 0)
        kf_upload_item_set_size (item, size);
    }
  _kf_upload_queue_mark_dirty (self);
}

void
_kf_upload_queue_track_files (KfUploadQueue *self,
                              GPtrArray     *items)
{
  g_autoptr(GTask) task = NULL;
  TrackData *data;

  if (items->len == 0)
    return;

  data = g_new0 (TrackData, 1);
  data->items = g_ptr_array_new_full (items->len, g_object_unref);
  data->files = g_ptr_array_new_full (items->len, g_object_unref);
  data->sizes = g_array_sized_new (FALSE, FALSE, sizeof (gint64), items->len);
  data->mtimes = g_array_sized_new (FALSE, FALSE, sizeof (gint64), items->len);
  for (guint i = 0; i < items->len; i++)
    {
      KfUploadItem *item = g_ptr_array_index (items, i);

      g_ptr_array_add (data->items, g_object_ref (item));
      g_ptr_array_add (data->files, g_object_ref (kf_upload_item_get_file (item)));
    }

  task = g_task_new (self, NULL, track_cb, NULL);
  g_task_set_source_tag (task, _kf_upload_queue_track_files);
  g_task_set_task_data (task, data, (GDestroyNotify) track_data_free);
  g_task_run_in_thread (task, track_thread);
}

/* Restoring -------------------------------------------------------------- */

typedef struct {
  KfQueueFile *file;
  gboolean     start;
  GPtrArray   *entries;  /* KfQueueEntry*, set by the thread */
  GArray      *checks;   /* FileCheck, one per entry */
  GError      *error;    /* the file could not be used (it was moved aside) */
  guint        n_restored;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_clear_pointer (&data->checks, g_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static FileCheck
check_file (const KfQueueEntry *entry)
{
  g_autoptr(GFile) file = g_file_new_for_uri (entry->uri);
  g_autoptr(GError) error = NULL;
  gint64 size, mtime;

  if (!query_file (file, &size, &mtime, &error))
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? CHECK_VANISHED : CHECK_UNREADABLE;
  if (size < 0)
    return CHECK_UNREADABLE;   /* no longer a regular file */
  if ((entry->size >= 0 && size != entry->size) || (entry->mtime >= 0 && mtime != entry->mtime))
    return CHECK_CHANGED;
  return CHECK_OK;
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestoreData *data = task_data;

  data->entries = kf_queue_file_load (data->file, &data->error);
  if (data->entries == NULL)
    data->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_queue_entry_free);

  data->checks = g_array_sized_new (FALSE, FALSE, sizeof (FileCheck), data->entries->len);
  for (guint i = 0; i < data->entries->len; i++)
    {
      const KfQueueEntry *entry = g_ptr_array_index (data->entries, i);
      FileCheck check = entry->kind == KF_QUEUE_ENTRY_FILE ? check_file (entry) : CHECK_OK;

      g_array_append_val (data->checks, check);
    }
  g_task_return_boolean (task, TRUE);
}

static KfUploadItem *
item_for_entry (KfUploadQueue      *self,
                const KfQueueEntry *entry,
                FileCheck           check)
{
  g_autoptr(GFile) file = entry->uri ? g_file_new_for_uri (entry->uri) : NULL;
  KfUploadItem *item;

  /* A remote row's name is the address the server fetches. */
  item = kf_upload_item_new (entry->id, file,
                             entry->kind == KF_QUEUE_ENTRY_REMOTE ? entry->url : entry->name,
                             entry->size);
  if (entry->date != NULL)
    kf_upload_item_set_date (item, entry->date);
  kf_upload_item_set_mtime (item, entry->mtime);
  kf_upload_item_set_folder_path (item, entry->folder_path);
  if (entry->folder_id != NULL)
    g_hash_table_insert (self->folders, g_object_ref (item), g_strdup (entry->folder_id));

  if (entry->kind == KF_QUEUE_ENTRY_REMOTE)
    {
      kf_upload_item_set_remote (item, TRUE);
      if (entry->state == KF_QUEUE_ENTRY_FAILED)
        kf_upload_item_set_failed (item, entry->error ? entry->error
                                                      : _("The server could not fetch this address."));
      else
        {
          if (entry->job_id != NULL)
            g_hash_table_insert (self->job_ids, g_object_ref (item), g_strdup (entry->job_id));
          if (entry->progress >= 0)
            kf_upload_item_set_progress (item, entry->progress / 100.0);
        }
      return item;
    }

  switch (check)
    {
    case CHECK_CHANGED:
      kf_upload_item_set_failed (item, _("The file changed after it was queued, so it was not uploaded. "
                                         "Retry to upload it as it is now."));
      break;
    case CHECK_VANISHED:
      kf_upload_item_set_failed (item, _("The file is gone: it was moved or deleted after it was queued."));
      break;
    case CHECK_UNREADABLE:
      kf_upload_item_set_failed (item, _("The file can no longer be read, so it was not uploaded."));
      break;
    case CHECK_OK:
    default:
      break;
    }
  return item;
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KfUploadQueue *self = g_task_get_source_object (task);
  RestoreData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) runnable = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  items = g_ptr_array_new_with_free_func (g_object_unref);
  runnable = g_array_new (FALSE, FALSE, sizeof (gboolean));
  for (guint i = 0; i < data->entries->len; i++)
    {
      const KfQueueEntry *entry = g_ptr_array_index (data->entries, i);
      FileCheck check = g_array_index (data->checks, FileCheck, i);
      gboolean can_run;

      /* Listed already (a file given again before the restore ended). */
      if (g_hash_table_contains (self->by_id, entry->id))
        continue;
      g_ptr_array_add (items, item_for_entry (self, entry, check));
      can_run = entry->kind == KF_QUEUE_ENTRY_REMOTE ? entry->state != KF_QUEUE_ENTRY_FAILED
                                                      : check == CHECK_OK;
      g_array_append_val (runnable, can_run);
    }

  /* Below the rows added in this run, in their saved order. */
  _kf_upload_queue_insert_restored (self, G_MAXUINT, items);

  /* Oldest first, as they were queued: the bottom row goes first. */
  for (guint i = items->len; i > 0; i--)
    {
      KfUploadItem *item = g_ptr_array_index (items, i - 1);

      if (!g_array_index (runnable, gboolean, i - 1))
        continue;
      /* Remote jobs run on the server anyway: they are always polled again. */
      if (data->start || kf_upload_item_get_remote (item))
        _kf_upload_queue_enqueue (self, item);
      else
        _kf_upload_queue_add_paused (self, item);
    }
  data->n_restored = items->len;

  /* Only now: a save before the restore would have replaced the file. */
  g_set_object (&self->saved, data->file);
  self->track_files = TRUE;
  _kf_upload_queue_mark_dirty (self);
  _kf_upload_queue_notify_pending (self);
  _kf_upload_queue_pump (self);

  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

void
kf_upload_queue_restore_async (KfUploadQueue       *self,
                               KfQueueFile         *file,
                               gboolean             start,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  RestoreData *data;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (KF_IS_QUEUE_FILE (file));
  g_return_if_fail (self->saved == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_upload_queue_restore_async);
  data = g_new0 (RestoreData, 1);
  data->file = g_object_ref (file);
  data->start = start;
  g_task_set_task_data (task, data, (GDestroyNotify) restore_data_free);

  /* The thread fills @data; the outer task ends on the main context. */
  inner = g_task_new (self, NULL, restore_cb, g_object_ref (task));
  g_task_set_source_tag (inner, restore_thread);
  g_task_set_task_data (inner, data, NULL);
  g_task_run_in_thread (inner, restore_thread);
}

gboolean
kf_upload_queue_restore_finish (KfUploadQueue  *self,
                                GAsyncResult   *result,
                                guint          *n_restored,
                                GError        **error)
{
  RestoreData *data;

  g_return_val_if_fail (KF_IS_UPLOAD_QUEUE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (n_restored != NULL)
    *n_restored = data->n_restored;
  return g_task_propagate_boolean (G_TASK (result), error);
}
