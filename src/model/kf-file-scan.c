/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-file-scan.h"

#define SCAN_ATTRIBUTES \
  G_FILE_ATTRIBUTE_STANDARD_NAME "," \
  G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
  G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," \
  G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK "," \
  G_FILE_ATTRIBUTE_UNIX_DEVICE "," \
  G_FILE_ATTRIBUTE_UNIX_INODE "," \
  G_FILE_ATTRIBUTE_ACCESS_CAN_READ
#define ENTRIES_PER_BATCH 128

/* A folder still to walk. */
typedef struct {
  GFile *file;
  int    dir;                 /* its index in scan->dirs */
} Pending;

typedef struct {
  KfFileScan      *scan;
  GPtrArray       *roots;
  guint            next_root;
  GQueue           folders;   /* Pending*, still to walk */
  GHashTable      *visited;   /* "device:inode" of every folder entered */
  GHashTable      *dir_index; /* "parent/name" -> index in scan->dirs + 1 */
  GFileEnumerator *enumerator;
  GFile           *folder;
  int              folder_dir;
} ScanState;

static void next_root (GTask *task);
static void next_folder (GTask *task);

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->file);
  g_free (pending);
}

static void
scan_dir_free (KfScanDir *dir)
{
  g_free (dir->name);
  g_free (dir->path);
  g_free (dir);
}

void
kf_file_scan_free (KfFileScan *scan)
{
  if (scan == NULL)
    return;

  g_clear_pointer (&scan->files, g_ptr_array_unref);
  g_clear_pointer (&scan->names, g_ptr_array_unref);
  g_clear_pointer (&scan->sizes, g_array_unref);
  g_clear_pointer (&scan->file_dirs, g_array_unref);
  g_clear_pointer (&scan->dirs, g_ptr_array_unref);
  g_clear_pointer (&scan->problems, g_ptr_array_unref);
  g_free (scan->folder_name);
  g_free (scan);
}

static void
scan_state_free (ScanState *state)
{
  kf_file_scan_free (state->scan);
  g_clear_pointer (&state->roots, g_ptr_array_unref);
  g_queue_clear_full (&state->folders, (GDestroyNotify) pending_free);
  g_clear_pointer (&state->visited, g_hash_table_unref);
  g_clear_pointer (&state->dir_index, g_hash_table_unref);
  g_clear_object (&state->enumerator);
  g_clear_object (&state->folder);
  g_free (state);
}

static char *
describe (GFile *file)
{
  return g_file_get_parse_name (file);
}

static void
add_problem (ScanState  *state,
             char       *sentence)
{
  g_ptr_array_add (state->scan->problems, sentence);
}

char *
kf_file_scan_dup_path (const KfFileScan *scan,
                       guint             index)
{
  int dir;

  g_return_val_if_fail (scan != NULL, NULL);
  g_return_val_if_fail (index < scan->files->len, NULL);

  dir = g_array_index (scan->file_dirs, int, index);
  if (dir < 0)
    return g_strdup (g_ptr_array_index (scan->names, index));
  return g_strconcat (((KfScanDir *) g_ptr_array_index (scan->dirs, dir))->path, "/",
                      (const char *) g_ptr_array_index (scan->names, index), NULL);
}

/* The index of the folder @name in @parent, added when new. */
static int
lookup_dir (ScanState  *state,
            int         parent,
            const char *name)
{
  g_autofree char *key = g_strdup_printf ("%d/%s", parent, name);
  gpointer found = g_hash_table_lookup (state->dir_index, key);
  KfScanDir *dir;

  if (found != NULL)
    return GPOINTER_TO_INT (found) - 1;

  dir = g_new0 (KfScanDir, 1);
  dir->name = g_strdup (name);
  dir->parent = parent;
  if (parent < 0)
    {
      dir->path = g_strdup (name);
      dir->depth = 1;
    }
  else
    {
      KfScanDir *up = g_ptr_array_index (state->scan->dirs, parent);

      dir->path = g_strconcat (up->path, "/", name, NULL);
      dir->depth = up->depth + 1;
    }
  g_ptr_array_add (state->scan->dirs, dir);
  g_hash_table_insert (state->dir_index, g_steal_pointer (&key),
                       GINT_TO_POINTER ((int) state->scan->dirs->len));
  return state->scan->dirs->len - 1;
}

static void
handle_info (ScanState *state,
             GFile     *file,
             GFileInfo *info,
             gboolean   is_root)
{
  GFileType type = g_file_info_get_file_type (info);
  g_autofree char *where = describe (file);
  int parent = is_root ? -1 : state->folder_dir;

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ) &&
      !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
    {
      add_problem (state, g_strdup_printf (_("“%s” cannot be read and is skipped."), where));
      return;
    }

  switch (type)
    {
    case G_FILE_TYPE_REGULAR:
      {
        gint64 size = g_file_info_get_size (info);
        const char *name = g_file_info_get_display_name (info);

        g_ptr_array_add (state->scan->files, g_object_ref (file));
        g_ptr_array_add (state->scan->names, g_strdup (name));
        g_array_append_val (state->scan->sizes, size);
        g_array_append_val (state->scan->file_dirs, parent);
        state->scan->total_size += MAX (size, 0);
      }
      break;

    case G_FILE_TYPE_DIRECTORY:
      {
        const char *name = g_file_info_get_display_name (info);
        g_autofree char *key = NULL;
        Pending *pending;

        key = g_strdup_printf ("%u:%" G_GUINT64_FORMAT,
                               g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                               g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE));

        if (is_root)
          {
            state->scan->n_folders++;
            if (state->scan->folder_name == NULL)
              state->scan->folder_name = g_strdup (name);
          }
        /* What the user chose is taken as it is; inside it, a link to a
         * folder could lead anywhere, back up the tree included. */
        else if (g_file_info_get_is_symlink (info))
          {
            add_problem (state, g_strdup_printf (_("“%s” is a link to a folder and is skipped: links to folders are not followed, they can loop."), where));
            return;
          }
        if (!is_root &&
            ((KfScanDir *) g_ptr_array_index (state->scan->dirs, parent))->depth >= KF_FILE_SCAN_MAX_DEPTH)
          {
            add_problem (state, g_strdup_printf (_("“%s” is more than %d folders deep and is skipped."),
                                                 where, KF_FILE_SCAN_MAX_DEPTH));
            return;
          }
        if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_INODE) &&
            !g_hash_table_add (state->visited, g_steal_pointer (&key)))
          {
            add_problem (state, g_strdup_printf (_("“%s” leads back to a folder that is already included (a link loop) and is skipped."), where));
            return;
          }
        pending = g_new0 (Pending, 1);
        pending->file = g_object_ref (file);
        pending->dir = lookup_dir (state, parent, name);
        g_queue_push_tail (&state->folders, pending);
      }
      break;

    case G_FILE_TYPE_SYMBOLIC_LINK:
      add_problem (state, g_strdup_printf (_("“%s” is a link to something that does not exist and is skipped."), where));
      break;

    case G_FILE_TYPE_UNKNOWN:
    case G_FILE_TYPE_SPECIAL:
    case G_FILE_TYPE_SHORTCUT:
    case G_FILE_TYPE_MOUNTABLE:
    default:
      add_problem (state, g_strdup_printf (_("“%s” is not a regular file and is skipped."), where));
      break;
    }
}

static void
root_info_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScanState *state = g_task_get_task_data (task);
  GFile *file = G_FILE (object);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (file, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (info == NULL)
    {
      g_autofree char *where = describe (file);

      add_problem (state, g_strdup_printf (_("“%s” cannot be read: %s"), where, error->message));
    }
  else
    {
      handle_info (state, file, info, TRUE);
    }

  next_root (g_steal_pointer (&task));
}

static void
next_root (GTask *task)
{
  ScanState *state = g_task_get_task_data (task);
  GFile *root;

  if (state->next_root >= state->roots->len)
    {
      next_folder (task);
      return;
    }

  root = g_ptr_array_index (state->roots, state->next_root++);
  g_file_query_info_async (root, SCAN_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                           root_info_cb, task);
}

static void
next_files_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScanState *state = g_task_get_task_data (task);
  GFileEnumerator *enumerator = G_FILE_ENUMERATOR (object);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GList *infos;

  infos = g_file_enumerator_next_files_finish (enumerator, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    {
      g_autofree char *where = describe (state->folder);

      add_problem (state, g_strdup_printf (_("Part of the folder “%s” cannot be read: %s"), where, error->message));
    }

  if (infos == NULL)
    {
      g_clear_object (&state->enumerator);
      g_clear_object (&state->folder);
      next_folder (g_steal_pointer (&task));
      return;
    }

  for (GList *l = infos; l != NULL; l = l->next)
    {
      GFileInfo *info = l->data;
      g_autoptr(GFile) child = g_file_enumerator_get_child (enumerator, info);

      handle_info (state, child, info, FALSE);
    }
  g_list_free_full (infos, g_object_unref);

  cancellable = g_task_get_cancellable (task);
  g_file_enumerator_next_files_async (enumerator, ENTRIES_PER_BATCH, G_PRIORITY_DEFAULT,
                                      cancellable, next_files_cb, g_steal_pointer (&task));
}

static void
enumerate_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScanState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  state->enumerator = g_file_enumerate_children_finish (G_FILE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (state->enumerator == NULL)
    {
      g_autofree char *where = describe (state->folder);

      add_problem (state, g_strdup_printf (_("The folder “%s” cannot be read: %s"), where, error->message));
      g_clear_object (&state->folder);
      next_folder (g_steal_pointer (&task));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_file_enumerator_next_files_async (state->enumerator, ENTRIES_PER_BATCH, G_PRIORITY_DEFAULT,
                                      cancellable, next_files_cb, g_steal_pointer (&task));
}

static void
next_folder (GTask *task)
{
  ScanState *state = g_task_get_task_data (task);
  Pending *pending = g_queue_pop_head (&state->folders);

  if (pending != NULL)
    {
      state->folder = g_object_ref (pending->file);
      state->folder_dir = pending->dir;
      pending_free (pending);
    }
  if (state->folder == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&state->scan), (GDestroyNotify) kf_file_scan_free);
      g_object_unref (task);
      return;
    }

  g_file_enumerate_children_async (state->folder, SCAN_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   enumerate_cb, task);
}

void
kf_file_scan_async (GFile * const       *roots,
                    guint                n_roots,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScanState *state;

  g_return_if_fail (roots != NULL || n_roots == 0);

  state = g_new0 (ScanState, 1);
  state->scan = g_new0 (KfFileScan, 1);
  state->scan->files = g_ptr_array_new_with_free_func (g_object_unref);
  state->scan->names = g_ptr_array_new_with_free_func (g_free);
  state->scan->sizes = g_array_new (FALSE, FALSE, sizeof (gint64));
  state->scan->file_dirs = g_array_new (FALSE, FALSE, sizeof (int));
  state->scan->dirs = g_ptr_array_new_with_free_func ((GDestroyNotify) scan_dir_free);
  state->scan->problems = g_ptr_array_new_with_free_func (g_free);
  state->roots = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_roots; i++)
    g_ptr_array_add (state->roots, g_object_ref (roots[i]));
  g_queue_init (&state->folders);
  state->visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->dir_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_file_scan_async);
  g_task_set_task_data (task, state, (GDestroyNotify) scan_state_free);

  next_root (g_steal_pointer (&task));
}

KfFileScan *
kf_file_scan_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_file_scan_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
