/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-tree-upload.h"

/* Folder calls under way at once: parents before children, siblings side
 * by side. */
#define MAX_IN_FLIGHT 4

typedef struct {
  KfUploadQueue  *queue;
  KfClient       *client;
  KfFileScan     *scan;
  char           *target_id;     /* NULL: the top folder */
  guint           n_dirs;
  char          **ids;           /* per scan dir: its server folder, once known */
  GHashTable    **children;      /* per scan dir: name -> ID of the folders already in it,
                                  * NULL when we made it (empty) or need not know */
  gboolean       *ready;         /* per scan dir: its ID and children are known */
  gboolean       *has_children;  /* per scan dir: folders of the scan in it */
  GHashTable     *top_children;  /* the same for the target */
  gboolean        top_ready;
  guint           next;          /* the next scan dir to make */
  guint           n_in_flight;
  guint           n_created;
  guint           n_reused;
  GError         *error;         /* the first failure: nothing more starts */
} TreeState;

typedef struct {
  GTask *task;
  int    dir;                    /* -1: the target */
} Step;

static void advance (GTask *task);

void
kf_tree_upload_free (KfTreeUpload *upload)
{
  if (upload == NULL)
    return;

  kf_file_scan_free (upload->scan);
  g_clear_pointer (&upload->items, g_ptr_array_unref);
  g_clear_pointer (&upload->folder_ids, g_ptr_array_unref);
  g_free (upload);
}

static void
tree_state_free (TreeState *state)
{
  for (guint i = 0; i < state->n_dirs; i++)
    {
      g_free (state->ids[i]);
      g_clear_pointer (&state->children[i], g_hash_table_unref);
    }
  g_free (state->ids);
  g_free (state->children);
  g_free (state->ready);
  g_free (state->has_children);
  g_clear_pointer (&state->top_children, g_hash_table_unref);
  g_clear_object (&state->queue);
  g_clear_object (&state->client);
  kf_file_scan_free (state->scan);
  g_free (state->target_id);
  g_clear_error (&state->error);
  g_free (state);
}

static Step *
step_new (GTask *task,
          int    dir)
{
  Step *step = g_new0 (Step, 1);

  step->task = g_object_ref (task);
  step->dir = dir;
  return step;
}

static void
step_free (Step *step)
{
  g_object_unref (step->task);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

/* name -> ID of each folder in @list; the first of two of the same name wins. */
static GHashTable *
children_table (KfFolderList *list)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < list->folders->len; i++)
    {
      KfFolder *folder = g_ptr_array_index (list->folders, i);

      if (folder->name != NULL && folder->folder_id != NULL &&
          !g_hash_table_contains (table, folder->name))
        g_hash_table_insert (table, g_strdup (folder->name), g_strdup (folder->folder_id));
    }
  return table;
}

static const char *
dir_path (TreeState *state,
          int        dir)
{
  return ((KfScanDir *) g_ptr_array_index (state->scan->dirs, dir))->path;
}

static void
take_error (TreeState *state,
            GError    *error)
{
  if (state->error == NULL)
    state->error = error;
  else
    g_error_free (error);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  TreeState *state = g_task_get_task_data (step->task);
  g_autoptr(KfFolderList) list = NULL;
  GError *error = NULL;

  state->n_in_flight--;
  list = kf_client_list_folder_finish (KF_CLIENT (object), result, &error);
  if (list == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ;
      else if (step->dir < 0)
        g_prefix_error (&error, _("The folder to upload into cannot be listed: "));
      else
        g_prefix_error (&error, _("The folder “%s” on the server cannot be listed: "),
                        dir_path (state, step->dir));
      take_error (state, error);
    }
  else if (step->dir < 0)
    {
      state->top_children = children_table (list);
      state->top_ready = TRUE;
    }
  else
    {
      state->children[step->dir] = children_table (list);
      state->ready[step->dir] = TRUE;
    }
  advance (step->task);
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  TreeState *state = g_task_get_task_data (step->task);
  GError *error = NULL;
  char *id;

  state->n_in_flight--;
  id = kf_client_create_folder_finish (KF_CLIENT (object), result, &error);
  if (id == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("The folder “%s” cannot be made on the server: "),
                        dir_path (state, step->dir));
      take_error (state, error);
    }
  else
    {
      /* Made now, so empty: its children are made without asking. */
      state->ids[step->dir] = id;
      state->ready[step->dir] = TRUE;
      state->n_created++;
    }
  advance (step->task);
}

static void
start_dir (GTask *task,
           guint  index)
{
  TreeState *state = g_task_get_task_data (task);
  KfScanDir *dir = g_ptr_array_index (state->scan->dirs, index);
  GHashTable *siblings = dir->parent < 0 ? state->top_children : state->children[dir->parent];
  const char *parent_id = dir->parent < 0 ? state->target_id : state->ids[dir->parent];
  const char *existing = siblings != NULL ? g_hash_table_lookup (siblings, dir->name) : NULL;

  if (existing != NULL)
    {
      state->ids[index] = g_strdup (existing);
      state->n_reused++;
      if (!state->has_children[index])
        {
          state->ready[index] = TRUE;
          return;
        }
      /* Its folders may be there already too. */
      state->n_in_flight++;
      kf_client_list_folder_async (state->client, existing, g_task_get_cancellable (task),
                                   list_cb, step_new (task, index));
      return;
    }

  state->n_in_flight++;
  kf_client_create_folder_async (state->client, parent_id, dir->name,
                                 g_task_get_cancellable (task), create_cb,
                                 step_new (task, index));
}

static void
queue_files (GTask *task)
{
  TreeState *state = g_task_get_task_data (task);
  KfFileScan *scan = state->scan;
  g_autoptr(KfTreeUpload) upload = g_new0 (KfTreeUpload, 1);
  guint n = scan->files->len;

  upload->items = g_ptr_array_new_full (n, g_object_unref);
  upload->folder_ids = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      int dir = g_array_index (scan->file_dirs, int, i);

      g_ptr_array_add (upload->folder_ids, g_strdup (dir < 0 ? state->target_id : state->ids[dir]));
    }

  if (n > 0)
    {
      GListModel *model = kf_upload_queue_get_model (state->queue);

      kf_upload_queue_add_files_to_folders (state->queue,
                                            (GFile * const *) scan->files->pdata,
                                            (const char * const *) scan->names->pdata,
                                            (const gint64 *) (gpointer) scan->sizes->data,
                                            (const char * const *) upload->folder_ids->pdata,
                                            n);
      /* The queue lists new files on top, in the order given. */
      for (guint i = 0; i < n; i++)
        {
          KfUploadItem *item = g_list_model_get_item (model, i);
          int dir = g_array_index (scan->file_dirs, int, i);

          /* Kept with the saved queue, to say where a restored row goes. */
          if (dir >= 0)
            kf_upload_item_set_folder_path (item, ((KfScanDir *) g_ptr_array_index (scan->dirs, dir))->path);
          g_ptr_array_add (upload->items, item);
        }
    }

  upload->n_created = state->n_created;
  upload->n_reused = state->n_reused;
  upload->scan = g_steal_pointer (&state->scan);
  g_task_return_pointer (task, g_steal_pointer (&upload), (GDestroyNotify) kf_tree_upload_free);
}

static void
advance (GTask *task)
{
  TreeState *state = g_task_get_task_data (task);
  guint n_dirs = state->n_dirs;

  while (state->error == NULL && state->top_ready &&
         state->n_in_flight < MAX_IN_FLIGHT && state->next < n_dirs)
    {
      KfScanDir *dir = g_ptr_array_index (state->scan->dirs, state->next);

      /* Parents come first in the scan: wait for this one's. */
      if (dir->parent >= 0 && !state->ready[dir->parent])
        break;
      start_dir (task, state->next++);
    }

  if (state->n_in_flight > 0)
    return;
  if (state->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&state->error));
      return;
    }
  g_assert (state->next == n_dirs);
  queue_files (task);
}

void
kf_tree_upload_async (KfUploadQueue       *queue,
                      KfClient            *client,
                      KfFileScan          *scan,
                      const char          *folder_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TreeState *state;
  guint n_dirs;

  g_return_if_fail (KF_IS_UPLOAD_QUEUE (queue));
  g_return_if_fail (KF_IS_CLIENT (client));
  g_return_if_fail (scan != NULL);

  n_dirs = scan->dirs->len;
  state = g_new0 (TreeState, 1);
  state->queue = g_object_ref (queue);
  state->client = g_object_ref (client);
  state->scan = scan;
  state->n_dirs = n_dirs;
  if (folder_id != NULL && *folder_id != '\0')
    state->target_id = g_strdup (folder_id);
  else
    g_object_get (queue, "folder-id", &state->target_id, NULL);
  state->ids = g_new0 (char *, n_dirs);
  state->children = g_new0 (GHashTable *, n_dirs);
  state->ready = g_new0 (gboolean, n_dirs);
  state->has_children = g_new0 (gboolean, n_dirs);
  for (guint i = 0; i < n_dirs; i++)
    {
      KfScanDir *dir = g_ptr_array_index (scan->dirs, i);

      if (dir->parent >= 0)
        state->has_children[dir->parent] = TRUE;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_tree_upload_async);
  g_task_set_task_data (task, state, (GDestroyNotify) tree_state_free);

  if (n_dirs == 0)
    {
      state->top_ready = TRUE;
      advance (task);
      return;
    }

  /* Which of the chosen folders are on the server already. */
  state->n_in_flight++;
  kf_client_list_folder_async (client, state->target_id, cancellable, list_cb, step_new (task, -1));
}

KfTreeUpload *
kf_tree_upload_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_tree_upload_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
