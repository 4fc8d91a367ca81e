/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kf-history.h"
#include "kf-json.h"
#include "kf-store-private.h"

#define HISTORY_FILE_NAME "history.json"
#define HISTORY_VERSION 1
/* Changes arriving together (a batch finishing) become one write. */
#define SAVE_DELAY_MS 300

/* Shared with the writer threads: writes are numbered so an older snapshot
 * never lands on disk after a newer one. */
typedef struct {
  gatomicrefcount  ref;
  GMutex           lock;
  guint64          written_gen;
  char            *path;
} Writer;

struct _KfHistory {
  GObject       parent_instance;

  Writer       *writer;
  GPtrArray    *entries;     /* KfHistoryEntry*, oldest first */
  GHashTable   *by_id;       /* id -> KfHistoryEntry* (borrowed) */
  GMainContext *context;
  GSource      *save_source;
  guint64       gen;
  gboolean      writing;
};

G_DEFINE_FINAL_TYPE (KfHistory, kf_history, G_TYPE_OBJECT)

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_save (KfHistory *self);

static Writer *
writer_new (const char *path)
{
  Writer *writer = g_new0 (Writer, 1);

  g_atomic_ref_count_init (&writer->ref);
  g_mutex_init (&writer->lock);
  writer->path = g_strdup (path);
  return writer;
}

static Writer *
writer_ref (Writer *writer)
{
  g_atomic_ref_count_inc (&writer->ref);
  return writer;
}

static void
writer_unref (Writer *writer)
{
  if (g_atomic_ref_count_dec (&writer->ref))
    {
      g_mutex_clear (&writer->lock);
      g_free (writer->path);
      g_free (writer);
    }
}

static gboolean
writer_write (Writer      *writer,
              guint64      gen,
              const char  *json,
              GError     **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&writer->lock);
  if (gen > writer->written_gen)
    {
      ok = kf_store_write_file (writer->path, json, -1, error);
      if (ok)
        writer->written_gen = gen;
    }
  g_mutex_unlock (&writer->lock);
  return ok;
}

static guint64
writer_get_written_gen (Writer *writer)
{
  guint64 gen;

  g_mutex_lock (&writer->lock);
  gen = writer->written_gen;
  g_mutex_unlock (&writer->lock);
  return gen;
}

KfHistoryEntry *
kf_history_entry_new (void)
{
  KfHistoryEntry *entry = g_new0 (KfHistoryEntry, 1);

  entry->size = -1;
  return entry;
}

KfHistoryEntry *
kf_history_entry_copy (const KfHistoryEntry *entry)
{
  KfHistoryEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = kf_history_entry_new ();
  copy->id = g_strdup (entry->id);
  copy->name = g_strdup (entry->name);
  copy->size = entry->size;
  copy->link = g_strdup (entry->link);
  copy->file_code = g_strdup (entry->file_code);
  copy->date = entry->date ? g_date_time_ref (entry->date) : NULL;
  copy->state = entry->state;
  copy->uri = g_strdup (entry->uri);
  return copy;
}

void
kf_history_entry_free (KfHistoryEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->id);
  g_free (entry->name);
  g_free (entry->link);
  g_free (entry->file_code);
  g_clear_pointer (&entry->date, g_date_time_unref);
  g_free (entry->uri);
  g_free (entry);
}

static const char *
state_to_string (KfHistoryState state)
{
  return state == KF_HISTORY_STATE_DONE ? "done" : "not-finished";
}

static char *
serialize (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, HISTORY_VERSION);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const KfHistoryEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, entry->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, entry->name ? entry->name : "");
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, entry->size);
      if (entry->link != NULL)
        {
          json_builder_set_member_name (builder, "link");
          json_builder_add_string_value (builder, entry->link);
        }
      if (entry->file_code != NULL)
        {
          json_builder_set_member_name (builder, "file_code");
          json_builder_add_string_value (builder, entry->file_code);
        }
      if (entry->date != NULL)
        {
          g_autofree char *date = g_date_time_format_iso8601 (entry->date);

          json_builder_set_member_name (builder, "date");
          json_builder_add_string_value (builder, date);
        }
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, state_to_string (entry->state));
      if (entry->uri != NULL)
        {
          json_builder_set_member_name (builder, "uri");
          json_builder_add_string_value (builder, entry->uri);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      /* (double) G_MAXINT64 rounds up to 2^63, which does not fit: compare
       * against 2^63 itself, exclusive (the cast would be undefined). */
      if (value >= -9223372036854775808.0 && value < 9223372036854775808.0)
        return (gint64) value;
    }
  return -1;
}

static KfHistoryEntry *
parse_entry (JsonNode *node)
{
  g_autoptr(KfHistoryEntry) entry = NULL;
  JsonObject *object;
  const char *id, *state, *date;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);

  id = member_string (object, "id");
  if (id == NULL || *id == '\0')
    return NULL;

  entry = kf_history_entry_new ();
  entry->id = g_strdup (id);
  entry->name = g_strdup (member_string (object, "name"));
  if (entry->name == NULL)
    entry->name = g_strdup ("");
  entry->size = member_int (object, "size");
  entry->link = g_strdup (member_string (object, "link"));
  entry->file_code = g_strdup (member_string (object, "file_code"));
  entry->uri = g_strdup (member_string (object, "uri"));

  date = member_string (object, "date");
  if (date != NULL)
    {
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (date, NULL);

      if (parsed != NULL)
        entry->date = g_date_time_to_local (parsed);
    }

  state = member_string (object, "state");
  entry->state = g_strcmp0 (state, "done") == 0 ? KF_HISTORY_STATE_DONE
                                                 : KF_HISTORY_STATE_NOT_FINISHED;
  return g_steal_pointer (&entry);
}

GPtrArray *
kf_history_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_history_entry_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object;
  JsonNode *list;

  root = kf_json_parse_bounded (data, length, KF_JSON_MAX_DEPTH, NULL);
  if (root == NULL)
    {
      g_set_error_literal (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT,
                           _("The upload history file is damaged."));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT,
                           _("The upload history file is damaged."));
      return NULL;
    }
  object = json_node_get_object (root);
  list = json_object_get_member (object, "entries");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT,
                           _("The upload history file is damaged."));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      KfHistoryEntry *entry = parse_entry (node);

      /* One bad entry must not cost the whole history. */
      if (entry == NULL || g_hash_table_contains (seen, entry->id))
        {
          kf_history_entry_free (entry);
          continue;
        }
      g_hash_table_add (seen, entry->id);
      g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}

/* Keeps a file we cannot use for the user, under a name that is free, so
 * that neither our next save nor an earlier damaged copy is overwritten. */
static void
move_aside (const char *path)
{
  g_autofree char *aside = g_strconcat (path, ".corrupt", NULL);

  if (g_file_test (aside, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

      for (guint i = 1; g_file_test (aside, G_FILE_TEST_EXISTS); i++)
        {
          g_free (aside);
          aside = i == 1 ? g_strdup_printf ("%s.corrupt-%s", path, stamp)
                         : g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, i);
        }
    }

  if (g_rename (path, aside) != 0)
    g_debug ("Cannot move the damaged history aside: %s", g_strerror (errno));
}

/* A temp file this old cannot belong to a save still running. */
#define STALE_TEMP_SECONDS (60 * 60)

static GPtrArray *
load_file (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  GPtrArray *entries;
  gsize length = 0;

  kf_store_remove_stale_temp_files (path, STALE_TEMP_SECONDS);

  if (!kf_store_read_file (path, KF_STORE_MAX_FILE_SIZE, &data, &length, &local_error))
    {
      if (g_error_matches (local_error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) kf_history_entry_free);

      /* Too large or unreadable: kept aside, or the next save would replace it. */
      move_aside (path);
      g_set_error (error, KF_STORE_ERROR, local_error->code,
                   _("The upload history cannot be read: %s"), local_error->message);
      return NULL;
    }

  entries = kf_history_parse (data, length, error);
  if (entries == NULL)
    move_aside (path);
  return entries;
}

static void
set_entries (KfHistory *self,
             GPtrArray *entries)
{
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->entries = entries;
  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < entries->len; i++)
    {
      KfHistoryEntry *entry = g_ptr_array_index (entries, i);

      g_hash_table_insert (self->by_id, entry->id, entry);
    }
}

static void
kf_history_dispose (GObject *object)
{
  KfHistory *self = KF_HISTORY (object);

  if (self->save_source != NULL)
    {
      g_source_destroy (self->save_source);
      g_clear_pointer (&self->save_source, g_source_unref);
    }

  G_OBJECT_CLASS (kf_history_parent_class)->dispose (object);
}

static void
kf_history_finalize (GObject *object)
{
  KfHistory *self = KF_HISTORY (object);

  g_clear_pointer (&self->writer, writer_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (kf_history_parent_class)->finalize (object);
}

static void
kf_history_class_init (KfHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kf_history_dispose;
  object_class->finalize = kf_history_finalize;

  signals[SAVE_FAILED] =
    g_signal_new ("save-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kf_history_init (KfHistory *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_history_entry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->context = g_main_context_ref_thread_default ();
}

KfHistory *
kf_history_new (const char  *path,
                GError     **error)
{
  g_autoptr(KfHistory) self = NULL;
  g_autofree char *default_path = NULL;

  if (path == NULL)
    {
      g_autofree char *dir = kf_store_get_data_dir (error);

      if (dir == NULL)
        return NULL;
      default_path = g_build_filename (dir, HISTORY_FILE_NAME, NULL);
      path = default_path;
    }

  self = g_object_new (KF_TYPE_HISTORY, NULL);
  self->writer = writer_new (path);
  return g_steal_pointer (&self);
}

const char *
kf_history_get_path (KfHistory *self)
{
  g_return_val_if_fail (KF_IS_HISTORY (self), NULL);

  return self->writer->path;
}

gboolean
kf_history_load (KfHistory  *self,
                 GError    **error)
{
  GPtrArray *entries;

  g_return_val_if_fail (KF_IS_HISTORY (self), FALSE);

  entries = load_file (self->writer->path, error);
  if (entries == NULL)
    {
      set_entries (self, g_ptr_array_new_with_free_func ((GDestroyNotify) kf_history_entry_free));
      return FALSE;
    }
  set_entries (self, entries);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  GPtrArray *entries;

  entries = load_file (path, &error);
  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

void
kf_history_load_async (KfHistory           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KF_IS_HISTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_history_load_async);
  g_task_set_task_data (task, g_strdup (self->writer->path), g_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
kf_history_load_finish (KfHistory     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  GPtrArray *entries;

  g_return_val_if_fail (KF_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  entries = g_task_propagate_pointer (G_TASK (result), error);
  if (entries == NULL)
    {
      set_entries (self, g_ptr_array_new_with_free_func ((GDestroyNotify) kf_history_entry_free));
      return FALSE;
    }
  set_entries (self, entries);
  return TRUE;
}

GPtrArray *
kf_history_get_entries (KfHistory *self)
{
  g_return_val_if_fail (KF_IS_HISTORY (self), NULL);

  return self->entries;
}

const KfHistoryEntry *
kf_history_lookup (KfHistory  *self,
                   const char *id)
{
  g_return_val_if_fail (KF_IS_HISTORY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, id);
}

void
kf_history_put (KfHistory            *self,
                const KfHistoryEntry *entry)
{
  KfHistoryEntry *copy;
  KfHistoryEntry *old;

  g_return_if_fail (KF_IS_HISTORY (self));
  g_return_if_fail (entry != NULL && entry->id != NULL);

  copy = kf_history_entry_copy (entry);
  old = g_hash_table_lookup (self->by_id, entry->id);
  if (old != NULL)
    {
      guint index;

      if (!g_ptr_array_find (self->entries, old, &index))
        g_assert_not_reached ();
      g_hash_table_remove (self->by_id, old->id);
      /* Replacing in place keeps the order entries were first added in. */
      self->entries->pdata[index] = copy;
      kf_history_entry_free (old);
    }
  else
    {
      g_ptr_array_add (self->entries, copy);
    }
  g_hash_table_insert (self->by_id, copy->id, copy);

  self->gen++;
  schedule_save (self);
}

gboolean
kf_history_remove (KfHistory  *self,
                   const char *id)
{
  KfHistoryEntry *entry;

  g_return_val_if_fail (KF_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL)
    return FALSE;

  g_hash_table_remove (self->by_id, id);
  g_ptr_array_remove (self->entries, entry);

  self->gen++;
  schedule_save (self);
  return TRUE;
}

typedef struct {
  Writer  *writer;
  guint64  gen;
  char    *json;
} SaveData;

static void
save_data_free (SaveData *data)
{
  writer_unref (data->writer);
  g_free (data->json);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GError *error = NULL;

  if (!writer_write (data->writer, data->gen, data->json, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  KfHistory *self = KF_HISTORY (object);
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_signal_emit (self, signals[SAVE_FAILED], 0, error->message);
      return;
    }

  if (writer_get_written_gen (self->writer) < self->gen)
    schedule_save (self);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  KfHistory *self = KF_HISTORY (user_data);
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_clear_pointer (&self->save_source, g_source_unref);

  if (self->writing)
    return G_SOURCE_REMOVE;   /* save_cb schedules the next write */

  data = g_new0 (SaveData, 1);
  data->writer = writer_ref (self->writer);
  data->gen = self->gen;
  data->json = serialize (self->entries);

  self->writing = TRUE;
  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, save_timeout_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);

  return G_SOURCE_REMOVE;
}

static void
schedule_save (KfHistory *self)
{
  if (self->save_source != NULL)
    return;

  self->save_source = g_timeout_source_new (SAVE_DELAY_MS);
  g_source_set_static_name (self->save_source, "[kenfiles] history save");
  g_source_set_callback (self->save_source, save_timeout_cb, self, NULL);
  g_source_attach (self->save_source, self->context);
}

gboolean
kf_history_flush (KfHistory  *self,
                  GError    **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (KF_IS_HISTORY (self), FALSE);

  if (self->save_source != NULL)
    {
      g_source_destroy (self->save_source);
      g_clear_pointer (&self->save_source, g_source_unref);
    }

  if (writer_get_written_gen (self->writer) >= self->gen)
    return TRUE;

  json = serialize (self->entries);
  return writer_write (self->writer, self->gen, json, error);
}

gboolean
kf_history_has_pending (KfHistory *self)
{
  g_return_val_if_fail (KF_IS_HISTORY (self), FALSE);

  return self->writing || writer_get_written_gen (self->writer) < self->gen;
}
