/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kf-json.h"
#include "kf-queue-file.h"
#include "kf-store-private.h"

#define QUEUE_FILE_NAME "queue.json"
#define QUEUE_VERSION 1
/* Changes arriving together (a drop of many files, a batch ending) become
 * one write. */
#define SAVE_DELAY_MS 500
/* A temp file this old cannot belong to a save still running. */
#define STALE_TEMP_SECONDS (60 * 60)
/* Longer strings are not ours: a path, a URL or a message is far shorter. */
#define MAX_STRING_LENGTH (64 * 1024)

/* Shared with the writer threads: writes are numbered so an older snapshot
 * never lands on disk after a newer one. */
typedef struct {
  gatomicrefcount  ref;
  GMutex           lock;
  guint64          written_gen;
  guint            n_writes;
  char            *path;
} Writer;

struct _KfQueueFile {
  GObject       parent_instance;

  Writer       *writer;
  GPtrArray    *entries;     /* KfQueueEntry*, list order; never changed once set */
  GMainContext *context;
  GSource      *save_source;
  guint64       gen;
  gboolean      writing;
};

G_DEFINE_FINAL_TYPE (KfQueueFile, kf_queue_file, G_TYPE_OBJECT)

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_save (KfQueueFile *self);

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

static guint64
writer_get_written_gen (Writer *writer)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&writer->lock);

  return writer->written_gen;
}

KfQueueEntry *
kf_queue_entry_new (void)
{
  KfQueueEntry *entry = g_new0 (KfQueueEntry, 1);

  entry->size = -1;
  entry->mtime = -1;
  entry->progress = -1;
  return entry;
}

KfQueueEntry *
kf_queue_entry_copy (const KfQueueEntry *entry)
{
  KfQueueEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = kf_queue_entry_new ();
  copy->id = g_strdup (entry->id);
  copy->kind = entry->kind;
  copy->state = entry->state;
  copy->name = g_strdup (entry->name);
  copy->uri = g_strdup (entry->uri);
  copy->url = g_strdup (entry->url);
  copy->folder_id = g_strdup (entry->folder_id);
  copy->folder_path = g_strdup (entry->folder_path);
  copy->size = entry->size;
  copy->mtime = entry->mtime;
  copy->job_id = g_strdup (entry->job_id);
  copy->progress = entry->progress;
  copy->status = g_strdup (entry->status);
  copy->error = g_strdup (entry->error);
  copy->date = entry->date ? g_date_time_ref (entry->date) : NULL;
  return copy;
}

void
kf_queue_entry_free (KfQueueEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->id);
  g_free (entry->name);
  g_free (entry->uri);
  g_free (entry->url);
  g_free (entry->folder_id);
  g_free (entry->folder_path);
  g_free (entry->job_id);
  g_free (entry->status);
  g_free (entry->error);
  g_clear_pointer (&entry->date, g_date_time_unref);
  g_free (entry);
}

static const char *const state_names[] = { "waiting", "running", "paused", "failed" };

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static char *
serialize (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, QUEUE_VERSION);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const KfQueueEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", entry->id);
      add_string (builder, "kind", entry->kind == KF_QUEUE_ENTRY_REMOTE ? "remote" : "file");
      add_string (builder, "state", state_names[entry->state]);
      add_string (builder, "name", entry->name ? entry->name : "");
      add_string (builder, "uri", entry->uri);
      add_string (builder, "url", entry->url);
      add_string (builder, "folder_id", entry->folder_id);
      add_string (builder, "folder_path", entry->folder_path);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, entry->size);
      if (entry->mtime >= 0)
        {
          json_builder_set_member_name (builder, "mtime");
          json_builder_add_int_value (builder, entry->mtime);
        }
      add_string (builder, "job_id", entry->job_id);
      if (entry->progress >= 0)
        {
          json_builder_set_member_name (builder, "progress");
          json_builder_add_int_value (builder, entry->progress);
        }
      add_string (builder, "status", entry->status);
      add_string (builder, "error", entry->error);
      if (entry->date != NULL)
        {
          g_autofree char *date = g_date_time_format_iso8601 (entry->date);

          add_string (builder, "date", date);
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

static gboolean
writer_write (Writer     *writer,
              guint64     gen,
              GPtrArray  *entries,
              GError    **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&writer->lock);
  g_autofree char *json = NULL;

  if (gen <= writer->written_gen)
    return TRUE;
  json = serialize (entries);
  if (!kf_store_write_file (writer->path, json, -1, error))
    return FALSE;
  writer->written_gen = gen;
  writer->n_writes++;
  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  if (value == NULL || strlen (value) > MAX_STRING_LENGTH || !g_utf8_validate (value, -1, NULL))
    return NULL;
  return value;
}

/* -1 when missing, not an integer, or out of [-1, max]. */
static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      max)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  value = json_node_get_int (node);
  return value >= -1 && value <= max ? value : -1;
}

static gboolean
parse_state (const char        *text,
             KfQueueEntryState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

/* NULL for an entry that cannot be used; the others are kept. */
static KfQueueEntry *
parse_entry (JsonNode *node)
{
  g_autoptr(KfQueueEntry) entry = NULL;
  JsonObject *object;
  const char *id, *kind, *date, *folder_id;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);

  id = member_string (object, "id");
  kind = member_string (object, "kind");
  if (id == NULL || *id == '\0' || kind == NULL)
    return NULL;

  entry = kf_queue_entry_new ();
  entry->id = g_strdup (id);
  if (g_str_equal (kind, "file"))
    entry->kind = KF_QUEUE_ENTRY_FILE;
  else if (g_str_equal (kind, "remote"))
    entry->kind = KF_QUEUE_ENTRY_REMOTE;
  else
    return NULL;
  if (!parse_state (member_string (object, "state"), &entry->state))
    return NULL;

  entry->name = g_strdup (member_string (object, "name"));
  if (entry->name == NULL)
    entry->name = g_strdup ("");
  folder_id = member_string (object, "folder_id");
  if (folder_id != NULL && *folder_id != '\0')
    entry->folder_id = g_strdup (folder_id);
  entry->folder_path = g_strdup (member_string (object, "folder_path"));
  entry->size = member_int (object, "size", G_MAXINT64);
  entry->error = g_strdup (member_string (object, "error"));

  if (entry->kind == KF_QUEUE_ENTRY_FILE)
    {
      const char *uri = member_string (object, "uri");
      g_autofree char *scheme = uri ? g_uri_parse_scheme (uri) : NULL;

      /* Only what a GFile can be made from; a failed local file is not queued. */
      if (scheme == NULL || entry->state == KF_QUEUE_ENTRY_FAILED)
        return NULL;
      entry->uri = g_strdup (uri);
      entry->mtime = member_int (object, "mtime", G_MAXINT64);
    }
  else
    {
      const char *url = member_string (object, "url");
      const char *job_id = member_string (object, "job_id");

      if (url == NULL || *url == '\0' || entry->state == KF_QUEUE_ENTRY_PAUSED)
        return NULL;
      entry->url = g_strdup (url);
      if (job_id != NULL && *job_id != '\0')
        entry->job_id = g_strdup (job_id);
      entry->progress = (int) member_int (object, "progress", 100);
      entry->status = g_strdup (member_string (object, "status"));
    }

  date = member_string (object, "date");
  if (date != NULL)
    {
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (date, NULL);

      if (parsed != NULL)
        entry->date = g_date_time_to_local (parsed);
    }

  return g_steal_pointer (&entry);
}

GPtrArray *
kf_queue_file_parse (const char  *data,
                     gsize        length,
                     GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_queue_entry_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *list;
  JsonArray *array;

  root = kf_json_parse_bounded (data, length, KF_JSON_MAX_DEPTH, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "entries")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT,
                           _("The saved upload queue is damaged."));
      return NULL;
    }

  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KfQueueEntry *entry = parse_entry (json_array_get_element (array, i));

      /* One bad entry must not cost the whole queue. */
      if (entry == NULL || g_hash_table_contains (seen, entry->id))
        {
          kf_queue_entry_free (entry);
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
    g_debug ("Cannot move the damaged queue aside: %s", g_strerror (errno));
}

GPtrArray *
kf_queue_file_load (KfQueueFile  *self,
                    GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  const char *path;
  GPtrArray *entries;
  gsize length = 0;

  g_return_val_if_fail (KF_IS_QUEUE_FILE (self), NULL);

  path = self->writer->path;
  kf_store_remove_stale_temp_files (path, STALE_TEMP_SECONDS);

  if (!kf_store_read_file (path, KF_STORE_MAX_FILE_SIZE, &data, &length, &local_error))
    {
      if (g_error_matches (local_error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) kf_queue_entry_free);

      /* Too large or unreadable: kept aside, or the next save would replace it. */
      move_aside (path);
      g_set_error (error, KF_STORE_ERROR, local_error->code,
                   _("The saved upload queue cannot be read: %s"), local_error->message);
      return NULL;
    }

  entries = kf_queue_file_parse (data, length, error);
  if (entries == NULL)
    move_aside (path);
  return entries;
}

static void
kf_queue_file_dispose (GObject *object)
{
  KfQueueFile *self = KF_QUEUE_FILE (object);

  if (self->save_source != NULL)
    {
      g_source_destroy (self->save_source);
      g_clear_pointer (&self->save_source, g_source_unref);
    }

  G_OBJECT_CLASS (kf_queue_file_parent_class)->dispose (object);
}

static void
kf_queue_file_finalize (GObject *object)
{
  KfQueueFile *self = KF_QUEUE_FILE (object);

  g_clear_pointer (&self->writer, writer_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (kf_queue_file_parent_class)->finalize (object);
}

static void
kf_queue_file_class_init (KfQueueFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kf_queue_file_dispose;
  object_class->finalize = kf_queue_file_finalize;

  signals[SAVE_FAILED] =
    g_signal_new ("save-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kf_queue_file_init (KfQueueFile *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_queue_entry_free);
  self->context = g_main_context_ref_thread_default ();
}

KfQueueFile *
kf_queue_file_new (const char  *path,
                   GError     **error)
{
  g_autofree char *default_path = NULL;
  KfQueueFile *self;

  if (path == NULL)
    {
      g_autofree char *dir = kf_store_get_data_dir (error);

      if (dir == NULL)
        return NULL;
      default_path = g_build_filename (dir, QUEUE_FILE_NAME, NULL);
      path = default_path;
    }

  self = g_object_new (KF_TYPE_QUEUE_FILE, NULL);
  self->writer = writer_new (path);
  return self;
}

const char *
kf_queue_file_get_path (KfQueueFile *self)
{
  g_return_val_if_fail (KF_IS_QUEUE_FILE (self), NULL);

  return self->writer->path;
}

void
kf_queue_file_set_entries (KfQueueFile *self,
                           GPtrArray   *entries)
{
  g_return_if_fail (KF_IS_QUEUE_FILE (self));
  g_return_if_fail (entries != NULL);

  g_ptr_array_unref (self->entries);
  self->entries = entries;
  self->gen++;
  schedule_save (self);
}

typedef struct {
  Writer    *writer;
  guint64    gen;
  GPtrArray *entries;
} SaveData;

static void
save_data_free (SaveData *data)
{
  writer_unref (data->writer);
  g_ptr_array_unref (data->entries);
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

  /* Serialized here too: ten thousand rows are megabytes of JSON. */
  if (!writer_write (data->writer, data->gen, data->entries, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  KfQueueFile *self = KF_QUEUE_FILE (object);
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
  KfQueueFile *self = KF_QUEUE_FILE (user_data);
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_clear_pointer (&self->save_source, g_source_unref);

  if (self->writing)
    return G_SOURCE_REMOVE;   /* save_cb schedules the next write */

  data = g_new0 (SaveData, 1);
  data->writer = writer_ref (self->writer);
  data->gen = self->gen;
  data->entries = g_ptr_array_ref (self->entries);

  self->writing = TRUE;
  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, save_timeout_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);

  return G_SOURCE_REMOVE;
}

static void
schedule_save (KfQueueFile *self)
{
  if (self->save_source != NULL)
    return;

  self->save_source = g_timeout_source_new (SAVE_DELAY_MS);
  g_source_set_static_name (self->save_source, "[kenfiles] queue save");
  g_source_set_callback (self->save_source, save_timeout_cb, self, NULL);
  g_source_attach (self->save_source, self->context);
}

gboolean
kf_queue_file_flush (KfQueueFile  *self,
                     GError      **error)
{
  g_return_val_if_fail (KF_IS_QUEUE_FILE (self), FALSE);

  if (self->save_source != NULL)
    {
      g_source_destroy (self->save_source);
      g_clear_pointer (&self->save_source, g_source_unref);
    }

  if (writer_get_written_gen (self->writer) >= self->gen)
    return TRUE;
  return writer_write (self->writer, self->gen, self->entries, error);
}

gboolean
kf_queue_file_has_pending (KfQueueFile *self)
{
  g_return_val_if_fail (KF_IS_QUEUE_FILE (self), FALSE);

  return self->writing || writer_get_written_gen (self->writer) < self->gen;
}

guint
kf_queue_file_get_n_writes (KfQueueFile *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KF_IS_QUEUE_FILE (self), 0);

  locker = g_mutex_locker_new (&self->writer->lock);
  return self->writer->n_writes;
}
