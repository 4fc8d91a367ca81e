/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kf-json.h"
#include "kf-ledger.h"

#define LEDGER_FILE_NAME "vouchers.json"

void
kf_voucher_entry_free (KfVoucherEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->code);
  g_free (entry->plan);
  g_clear_pointer (&entry->created, g_date_time_unref);
  g_free (entry);
}

char *
kf_ledger_get_default_path (GError **error)
{
  g_autofree char *dir = kf_store_get_data_dir (error);

  if (dir == NULL)
    return NULL;

  return g_build_filename (dir, LEDGER_FILE_NAME, NULL);
}

static char *
resolve_path (const char  *path,
              GError     **error)
{
  if (path != NULL)
    return g_strdup (path);

  return kf_ledger_get_default_path (error);
}

static void
set_lock_error (GError     **error,
                int          saved_errno,
                const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
               _("Cannot lock the voucher list “%s”: %s"),
               display, g_strerror (saved_errno));
}

static void
set_corrupt_error (GError     **error,
                   const char  *path,
                   const char  *detail)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT,
               _("The voucher list “%s” is damaged (%s); it was left as it is."),
               display, detail);
}

/* Holds the ledger's lock file for the whole read-modify-write, so two
 * writers (the app and the command line) never drop each other's codes. */
static int
lock_ledger (const char  *path,
             GError     **error)
{
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  int fd;

  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_lock_error (error, errno, path);
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno == EINTR)
        continue;
      set_lock_error (error, errno, path);
      close (fd);
      return -1;
    }

  return fd;
}

static void
unlock_ledger (int fd)
{
  if (fd >= 0)
    close (fd);
}

/* A writer killed mid-write leaves its "vouchers.json.XXXXXX" temporary
 * file behind; under the lock no live writer can own one. */
static void
remove_stale_temp_files (const char *path)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = NULL;
  size_t base_len = strlen (base);
  const char *name;

  dir = g_dir_open (dir_name, 0, NULL);
  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean is_temp = TRUE;

      if (strlen (name) != base_len + 7 ||
          strncmp (name, base, base_len) != 0 ||
          name[base_len] != '.')
        continue;

      for (const char *p = name + base_len + 1; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p))
          is_temp = FALSE;

      if (is_temp)
        {
          g_autofree char *temp_path = g_build_filename (dir_name, name, NULL);
          g_unlink (temp_path);
        }
    }
}

static JsonNode *
new_empty_tree (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vouchers");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Checks every entry, so that a damaged file is refused as a whole rather
 * than rewritten without the entries we could not read. */
static gboolean
validate_tree (JsonNode    *root,
               const char  *path,
               GError     **error)
{
  JsonObject *object;
  JsonNode *vouchers;
  JsonArray *array;
  guint n;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_corrupt_error (error, path, _("not a JSON object"));
      return FALSE;
    }

  object = json_node_get_object (root);
  vouchers = json_object_get_member (object, "vouchers");
  if (vouchers == NULL || !JSON_NODE_HOLDS_ARRAY (vouchers))
    {
      set_corrupt_error (error, path, _("no list of vouchers"));
      return FALSE;
    }

  array = json_node_get_array (vouchers);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry;
      JsonNode *member;
      g_autoptr(GDateTime) created = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad_entry;

      entry = json_node_get_object (element);

      member = json_object_get_member (entry, "code");
      if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING ||
          *json_node_get_string (member) == '\0')
        goto bad_entry;

      member = json_object_get_member (entry, "plan");
      if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
        goto bad_entry;

      member = json_object_get_member (entry, "created");
      if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
        goto bad_entry;
      created = g_date_time_new_from_iso8601 (json_node_get_string (member), NULL);
      if (created == NULL)
        goto bad_entry;

      member = json_object_get_member (entry, "given");
      if (member != NULL && json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        goto bad_entry;

      continue;

    bad_entry:
      {
        g_autofree char *detail = g_strdup_printf (_("entry %u cannot be read"), i + 1);
        set_corrupt_error (error, path, detail);
        return FALSE;
      }
    }

  return TRUE;
}

static JsonNode *
read_tree (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  JsonNode *root;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return new_empty_tree ();

      g_set_error_literal (error, KF_STORE_ERROR, KF_STORE_ERROR_IO, local_error->message);
      return NULL;
    }

  root = kf_json_parse_bounded (contents, length, KF_JSON_MAX_DEPTH, &local_error);
  if (root == NULL)
    {
      g_autofree char *detail = NULL;

      if (g_error_matches (local_error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_DEEP))
        detail = g_strdup_printf (_("nested more deeply than %u levels"),
                                  (guint) KF_JSON_MAX_DEPTH);
      else if (g_error_matches (local_error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_LARGE))
        detail = g_strdup (_("too large"));
      else
        detail = g_strdup (_("not valid JSON"));
      set_corrupt_error (error, path, detail);
      return NULL;
    }

  if (!validate_tree (root, path, error))
    {
      g_clear_pointer (&root, json_node_unref);
      return NULL;
    }

  return root;
}

static JsonArray *
tree_get_vouchers (JsonNode *root)
{
  return json_object_get_array_member (json_node_get_object (root), "vouchers");
}

static gboolean
write_tree (JsonNode    *root,
            const char  *path,
            GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;
  gsize length;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  return kf_store_write_file (path, data, length, error);
}

GPtrArray *
kf_ledger_load (const char  *path,
                GError     **error)
{
  g_autofree char *file_path = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  JsonArray *vouchers;
  guint n;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file_path = resolve_path (path, error);
  if (file_path == NULL)
    return NULL;

  root = read_tree (file_path, error);
  if (root == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_voucher_entry_free);
  vouchers = tree_get_vouchers (root);
  n = json_array_get_length (vouchers);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (vouchers, i);
      KfVoucherEntry *entry = g_new0 (KfVoucherEntry, 1);
      g_autoptr(GDateTime) created = NULL;

      entry->code = g_strdup (json_object_get_string_member (object, "code"));
      entry->plan = g_strdup (json_object_get_string_member (object, "plan"));
      created = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "created"), NULL);
      entry->created = g_date_time_to_local (created);
      entry->given = json_object_get_boolean_member_with_default (object, "given", FALSE);
      g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}

gboolean
kf_ledger_append (const char  *path,
                  const char  *plan,
                  const char  *code,
                  GError     **error)
{
  g_autofree char *file_path = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *created = NULL;
  JsonObject *entry;
  gboolean ok;
  int lock_fd;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (code != NULL && *code != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file_path = resolve_path (path, error);
  if (file_path == NULL)
    return FALSE;

  lock_fd = lock_ledger (file_path, error);
  if (lock_fd < 0)
    return FALSE;

  root = read_tree (file_path, error);
  if (root == NULL)
    {
      unlock_ledger (lock_fd);
      return FALSE;
    }

  now = g_date_time_new_now_local ();
  created = g_date_time_format_iso8601 (now);

  entry = json_object_new ();
  json_object_set_string_member (entry, "code", code);
  json_object_set_string_member (entry, "plan", plan);
  json_object_set_string_member (entry, "created", created);
  json_object_set_boolean_member (entry, "given", FALSE);
  json_array_add_object_element (tree_get_vouchers (root), entry);

  ok = write_tree (root, file_path, error);
  remove_stale_temp_files (file_path);
  unlock_ledger (lock_fd);

  return ok;
}

gboolean
kf_ledger_set_given (const char  *path,
                     const char  *code,
                     gboolean     given,
                     GError     **error)
{
  g_autofree char *file_path = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *vouchers;
  gboolean found = FALSE;
  gboolean ok;
  int lock_fd;
  guint n;

  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file_path = resolve_path (path, error);
  if (file_path == NULL)
    return FALSE;

  lock_fd = lock_ledger (file_path, error);
  if (lock_fd < 0)
    return FALSE;

  root = read_tree (file_path, error);
  if (root == NULL)
    {
      unlock_ledger (lock_fd);
      return FALSE;
    }

  vouchers = tree_get_vouchers (root);
  n = json_array_get_length (vouchers);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (vouchers, i);

      if (g_strcmp0 (json_object_get_string_member (object, "code"), code) == 0)
        {
          json_object_set_boolean_member (object, "given", !!given);
          found = TRUE;
        }
    }

  if (!found)
    {
      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND,
                   _("The voucher %s is not in the voucher list."), code);
      unlock_ledger (lock_fd);
      return FALSE;
    }

  ok = write_tree (root, file_path, error);
  unlock_ledger (lock_fd);

  return ok;
}

static void
append_csv_field (GString    *csv,
                  const char *value)
{
  gboolean needs_quotes;

  /* Spreadsheets run a cell starting with one of these as a formula. */
  if (value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL)
    {
      g_autofree char *neutral = g_strconcat ("'", value, NULL);
      append_csv_field (csv, neutral);
      return;
    }

  needs_quotes = strpbrk (value, ",\"\r\n") != NULL ||
                 g_ascii_isspace (value[0]) ||
                 (value[0] != '\0' && g_ascii_isspace (value[strlen (value) - 1]));

  if (!needs_quotes)
    {
      g_string_append (csv, value);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

char *
kf_ledger_to_csv (GPtrArray *entries)
{
  GString *csv;

  g_return_val_if_fail (entries != NULL, NULL);

  csv = g_string_new ("created,plan,code,given\r\n");

  for (guint i = 0; i < entries->len; i++)
    {
      KfVoucherEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *created = NULL;

      if (entry->created != NULL)
        created = g_date_time_format_iso8601 (entry->created);

      append_csv_field (csv, created != NULL ? created : "");
      g_string_append_c (csv, ',');
      append_csv_field (csv, entry->plan != NULL ? entry->plan : "");
      g_string_append_c (csv, ',');
      append_csv_field (csv, entry->code != NULL ? entry->code : "");
      g_string_append_c (csv, ',');
      g_string_append (csv, entry->given ? "yes" : "no");
      g_string_append (csv, "\r\n");
    }

  return g_string_free (csv, FALSE);
}

typedef struct {
  char     *path;
  char     *plan;
  char     *code;
  gboolean  given;
} LedgerTaskData;

static void
ledger_task_data_free (LedgerTaskData *data)
{
  g_free (data->path);
  g_free (data->plan);
  g_free (data->code);
  g_free (data);
}

static GTask *
new_ledger_task (gpointer             source_tag,
                 const char          *path,
                 const char          *plan,
                 const char          *code,
                 gboolean             given,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  LedgerTaskData *data = g_new0 (LedgerTaskData, 1);

  data->path = g_strdup (path);
  data->plan = g_strdup (plan);
  data->code = g_strdup (code);
  data->given = given;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) ledger_task_data_free);
  /* Once started, a write must finish: a cancelled append could lose a code. */
  g_task_set_return_on_cancel (task, FALSE);

  return task;
}

static void
append_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LedgerTaskData *data = task_data;
  GError *error = NULL;

  if (kf_ledger_append (data->path, data->plan, data->code, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kf_ledger_append_async (const char          *path,
                        const char          *plan,
                        const char          *code,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (plan != NULL);
  g_return_if_fail (code != NULL && *code != '\0');

  /* The code was bought already: cancelling must never skip saving it. */
  task = new_ledger_task (kf_ledger_append_async, path, plan, code, FALSE,
                          NULL, callback, user_data);
  g_task_run_in_thread (task, append_thread);
}

gboolean
kf_ledger_append_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_ledger_append_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LedgerTaskData *data = task_data;
  GError *error = NULL;
  GPtrArray *entries;

  entries = kf_ledger_load (data->path, &error);
  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
kf_ledger_load_async (const char          *path,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = new_ledger_task (kf_ledger_load_async, path, NULL, NULL, FALSE,
                          cancellable, callback, user_data);
  g_task_run_in_thread (task, load_thread);
}

GPtrArray *
kf_ledger_load_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_ledger_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
set_given_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  LedgerTaskData *data = task_data;
  GError *error = NULL;

  if (kf_ledger_set_given (data->path, data->code, data->given, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kf_ledger_set_given_async (const char          *path,
                           const char          *code,
                           gboolean             given,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (code != NULL);

  task = new_ledger_task (kf_ledger_set_given_async, path, NULL, code, given,
                          cancellable, callback, user_data);
  g_task_run_in_thread (task, set_given_thread);
}

gboolean
kf_ledger_set_given_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_ledger_set_given_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
