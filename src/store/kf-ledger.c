/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kf-json.h"
#include "kf-store-private.h"
#include "kf-ledger.h"

#define LEDGER_FILE_NAME "vouchers.json"

static const char * const state_names[] = {
  [KF_VOUCHER_STATE_BOUGHT] = "bought",
  [KF_VOUCHER_STATE_PENDING] = "pending",
  [KF_VOUCHER_STATE_FAILED] = "failed",
  [KF_VOUCHER_STATE_RESOLVED] = "resolved",
};

struct _KfLedgerLock {
  char *path;
  int   fd;
};

void
kf_voucher_entry_free (KfVoucherEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->id);
  g_free (entry->code);
  g_free (entry->plan);
  g_free (entry->server);
  g_free (entry->error);
  g_clear_pointer (&entry->created, g_date_time_unref);
  g_free (entry);
}

gboolean
kf_voucher_entry_is_uncertain (const KfVoucherEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  return entry->state == KF_VOUCHER_STATE_PENDING && !entry->in_progress;
}

const char *
kf_voucher_state_to_string (KfVoucherState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

static gboolean
state_from_string (const char     *name,
                   KfVoucherState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (name, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }

  return FALSE;
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
set_corrupt_error (GError     **error,
                   const char  *path,
                   const char  *detail)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT,
               _("The voucher list “%s” is damaged (%s); it was left as it is."),
               display, detail);
}

/* --- Lock ------------------------------------------------------------------ */

static void
set_lock_error (GError     **error,
                int          saved_errno,
                const char  *lock_path)
{
  g_autofree char *display = g_filename_display_name (lock_path);

  g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
               _("Cannot lock the voucher list with “%s”: %s"),
               display, g_strerror (saved_errno));
}

KfLedgerLock *
kf_ledger_lock (const char  *path,
                GError     **error)
{
  g_autofree char *file_path = NULL;
  g_autofree char *lock_path = NULL;
  KfLedgerLock *lock;
  int fd;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file_path = resolve_path (path, error);
  if (file_path == NULL)
    return NULL;

  lock_path = g_strconcat (file_path, ".lock", NULL);
  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_lock_error (error, errno, lock_path);
      return NULL;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno == EINTR)
        continue;
      set_lock_error (error, errno, lock_path);
      close (fd);
      return NULL;
    }

  lock = g_new0 (KfLedgerLock, 1);
  lock->path = g_steal_pointer (&file_path);
  lock->fd = fd;
  return lock;
}

void
kf_ledger_unlock (KfLedgerLock *lock)
{
  if (lock == NULL)
    return;

  /* Closing the last descriptor releases the flock. */
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}

const char *
kf_ledger_lock_get_path (KfLedgerLock *lock)
{
  g_return_val_if_fail (lock != NULL, NULL);

  return lock->path;
}

/* TRUE while some purchase (or other writer) holds the lock. */
static gboolean
ledger_is_busy (const char *path)
{
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  gboolean busy;
  int fd;

  fd = g_open (lock_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;

  busy = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return busy;
}

/* --- Reading --------------------------------------------------------------- */

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

static gboolean
member_is_string (JsonObject *object,
                  const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  return member != NULL && json_node_get_value_type (member) == G_TYPE_STRING;
}

static gboolean
member_is_optional (JsonObject *object,
                    const char *name,
                    GType       type)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL)
    return TRUE;
  if (type == G_TYPE_DOUBLE)
    return JSON_NODE_HOLDS_VALUE (member) &&
           (json_node_get_value_type (member) == G_TYPE_DOUBLE ||
            json_node_get_value_type (member) == G_TYPE_INT64);
  return json_node_get_value_type (member) == type;
}

static KfVoucherState
entry_state (JsonObject *entry)
{
  KfVoucherState state = KF_VOUCHER_STATE_BOUGHT;

  /* Records older than the write-ahead ledger have no state: they were bought. */
  if (json_object_has_member (entry, "state"))
    state_from_string (json_object_get_string_member (entry, "state"), &state);
  return state;
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
      KfVoucherState state;
      g_autoptr(GDateTime) created = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad_entry;

      entry = json_node_get_object (element);

      if (json_object_has_member (entry, "state"))
        {
          if (!member_is_string (entry, "state") ||
              !state_from_string (json_object_get_string_member (entry, "state"), &state))
            goto bad_entry;
          /* Every record we write ahead has an ID to resolve it by. */
          if (!member_is_string (entry, "id") || *json_object_get_string_member (entry, "id") == '\0')
            goto bad_entry;
        }
      else
        state = KF_VOUCHER_STATE_BOUGHT;

      if (state == KF_VOUCHER_STATE_BOUGHT &&
          (!member_is_string (entry, "code") || *json_object_get_string_member (entry, "code") == '\0'))
        goto bad_entry;
      if (!member_is_optional (entry, "code", G_TYPE_STRING) ||
          !member_is_optional (entry, "id", G_TYPE_STRING) ||
          !member_is_optional (entry, "server", G_TYPE_STRING) ||
          !member_is_optional (entry, "error", G_TYPE_STRING) ||
          !member_is_optional (entry, "updated", G_TYPE_STRING) ||
          !member_is_optional (entry, "given", G_TYPE_BOOLEAN) ||
          !member_is_optional (entry, "balance_before", G_TYPE_DOUBLE) ||
          !member_is_optional (entry, "balance_after", G_TYPE_DOUBLE))
        goto bad_entry;

      if (!member_is_string (entry, "plan") || !member_is_string (entry, "created"))
        goto bad_entry;
      created = g_date_time_new_from_iso8601 (json_object_get_string_member (entry, "created"), NULL);
      if (created == NULL)
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

/* @path only names the file in messages. */
static JsonNode *
parse_tree (const char  *contents,
            gsize        length,
            const char  *path,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *duplicate = NULL;
  JsonNode *root;

  root = kf_json_parse_bounded (contents, length, KF_JSON_MAX_DEPTH, &local_error);
  if (root == NULL)
    {
      g_autofree char *detail = NULL;

      if (g_error_matches (local_error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_DEEP))
        detail = g_strdup_printf (_("nested more deeply than %u levels"),
                                  (guint) KF_JSON_MAX_DEPTH);
      else if (g_error_matches (local_error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_LARGE))
        detail = g_strdup (_("too large"));
      else if (g_error_matches (local_error, KF_JSON_ERROR, KF_JSON_ERROR_NUMBER))
        detail = g_strdup (_("a number too large to use"));
      else
        detail = g_strdup (_("not valid JSON"));
      set_corrupt_error (error, path, detail);
      return NULL;
    }

  if (kf_store_json_find_duplicate_key (contents, length, &duplicate))
    {
      g_autofree char *detail = g_strdup_printf (_("the key “%s” appears twice"), duplicate);

      g_clear_pointer (&root, json_node_unref);
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

static JsonNode *
read_tree (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!kf_store_read_file (path, KF_STORE_MAX_FILE_SIZE, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND))
        return new_empty_tree ();

      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return parse_tree (contents, length, path, error);
}

static JsonArray *
tree_get_vouchers (JsonNode *root)
{
  return json_object_get_array_member (json_node_get_object (root), "vouchers");
}

static gint64
entry_updated (JsonObject *entry)
{
  g_autoptr(GDateTime) updated = NULL;

  if (!json_object_has_member (entry, "updated"))
    return 0;
  updated = g_date_time_new_from_iso8601 (json_object_get_string_member (entry, "updated"), NULL);
  if (updated == NULL)
    return 0;
  /* g_date_time_to_unix_usec () is newer than GLib 2.74. */
  return g_date_time_to_unix (updated) * G_USEC_PER_SEC + g_date_time_get_microsecond (updated);
}

static void
touch_entry (JsonObject *entry)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = g_date_time_format_iso8601 (now);

  json_object_set_string_member (entry, "updated", text);
}

/* Rounded to cents, as money is shown: the difference of two binary
 * fractions is not a whole number of cents. */
static double
round_cents (double amount)
{
  double cents = amount * 100.0;

  /* Past 2^53 a double has no fraction to round; the cast needs a range. */
  if (!(cents > -1e15 && cents < 1e15))
    return amount;
  cents = cents >= 0 ? (double) (gint64) (cents + 0.5) : -(double) (gint64) (-cents + 0.5);
  return cents / 100.0;
}

static KfVoucherEntry *
entry_from_json (JsonObject *object)
{
  KfVoucherEntry *entry = g_new0 (KfVoucherEntry, 1);
  g_autoptr(GDateTime) created = NULL;

  entry->id = g_strdup (json_object_get_string_member_with_default (object, "id", NULL));
  entry->code = g_strdup (json_object_get_string_member_with_default (object, "code", NULL));
  entry->plan = g_strdup (json_object_get_string_member (object, "plan"));
  entry->server = g_strdup (json_object_get_string_member_with_default (object, "server", NULL));
  entry->error = g_strdup (json_object_get_string_member_with_default (object, "error", NULL));
  created = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "created"), NULL);
  entry->created = g_date_time_to_local (created);
  entry->given = json_object_get_boolean_member_with_default (object, "given", FALSE);
  entry->state = entry_state (object);
  if (json_object_has_member (object, "balance_before") &&
      json_object_has_member (object, "balance_after"))
    {
      double charged = json_object_get_double_member (object, "balance_before") -
                       json_object_get_double_member (object, "balance_after");

      /* Two huge balances of opposite signs differ by infinity. */
      entry->charge_known = isfinite (charged);
      entry->charged = entry->charge_known ? round_cents (charged) : 0;
    }

  return entry;
}

static GPtrArray *
entries_from_tree (JsonNode *root,
                   gboolean  busy)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_voucher_entry_free);
  JsonArray *vouchers = tree_get_vouchers (root);
  guint n = json_array_get_length (vouchers);

  for (guint i = 0; i < n; i++)
    {
      KfVoucherEntry *entry = entry_from_json (json_array_get_object_element (vouchers, i));

      entry->in_progress = busy && entry->state == KF_VOUCHER_STATE_PENDING;
      g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}

GPtrArray *
kf_ledger_load (const char  *path,
                GError     **error)
{
  g_autofree char *file_path = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean busy;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file_path = resolve_path (path, error);
  if (file_path == NULL)
    return NULL;

  /* Asked before reading: a purchase that starts after this is not yet in the file. */
  busy = ledger_is_busy (file_path);
  root = read_tree (file_path, error);
  if (root == NULL)
    return NULL;

  return entries_from_tree (root, busy);
}

GPtrArray *
kf_ledger_parse (const char  *data,
                 gsize        length,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = parse_tree (data, length, path, error);
  if (root == NULL)
    return NULL;
  return entries_from_tree (root, FALSE);
}

gboolean
kf_ledger_find_last_charge (GPtrArray  *entries,
                            const char *plan,
                            double     *charged)
{
  g_return_val_if_fail (entries != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  for (guint i = entries->len; i > 0; i--)
    {
      KfVoucherEntry *entry = g_ptr_array_index (entries, i - 1);

      if (entry->state == KF_VOUCHER_STATE_BOUGHT && entry->charge_known &&
          g_strcmp0 (entry->plan, plan) == 0)
        {
          if (charged != NULL)
            *charged = entry->charged;
          return TRUE;
        }
    }

  return FALSE;
}

/* --- Writing (under the lock) ---------------------------------------------- */

static gboolean
write_tree (JsonNode    *root,
            const char  *path,
            GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;
  gsize length;
  gboolean ok;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  ok = kf_store_write_file (path, data, length, error);
  /* Under the lock no live writer owns a temp file: any left is a killed writer's. */
  kf_store_remove_stale_temp_files (path, 0);
  return ok;
}

static JsonObject *
find_entry (JsonNode   *root,
            const char *member,
            const char *value)
{
  JsonArray *vouchers = tree_get_vouchers (root);
  guint n = json_array_get_length (vouchers);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (vouchers, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, member, NULL), value) == 0)
        return object;
    }

  return NULL;
}

static char *
new_id (JsonNode *root)
{
  for (;;)
    {
      g_autofree char *id = g_strdup_printf ("%08x%04x", g_random_int (),
                                             g_random_int_range (0, 0x10000));

      if (find_entry (root, "id", id) == NULL)
        return g_steal_pointer (&id);
    }
}

static JsonObject *
new_entry (JsonNode   *root,
           const char *plan,
           const char *server,
           const char *state)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *id = new_id (root);
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "id", id);
  json_object_set_string_member (entry, "state", state);
  json_object_set_string_member (entry, "plan", plan);
  json_object_set_string_member (entry, "created", created);
  if (server != NULL)
    json_object_set_string_member (entry, "server", server);
  touch_entry (entry);
  json_array_add_object_element (tree_get_vouchers (root), entry);

  return entry;
}

char *
kf_ledger_add_pending (KfLedgerLock  *lock,
                       const char    *plan,
                       const char    *server,
                       gint64        *last_change,
                       GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *vouchers;
  JsonObject *entry;
  gint64 latest = 0;

  g_return_val_if_fail (lock != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = read_tree (lock->path, error);
  if (root == NULL)
    return NULL;

  vouchers = tree_get_vouchers (root);
  for (guint i = 0; i < json_array_get_length (vouchers); i++)
    latest = MAX (latest, entry_updated (json_array_get_object_element (vouchers, i)));

  entry = new_entry (root, plan, server, "pending");
  if (!write_tree (root, lock->path, error))
    return NULL;

  if (last_change != NULL)
    *last_change = latest;
  return g_strdup (json_object_get_string_member (entry, "id"));
}

static JsonObject *
find_pending (JsonNode    *root,
              const char  *path,
              const char  *id,
              GError     **error)
{
  JsonObject *entry = find_entry (root, "id", id);

  if (entry == NULL || entry_state (entry) != KF_VOUCHER_STATE_PENDING)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND,
                   _("There is no open purchase %s in the voucher list “%s”."), id, display);
      return NULL;
    }

  return entry;
}

gboolean
kf_ledger_complete (KfLedgerLock  *lock,
                    const char    *id,
                    const char    *code,
                    GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *entry;

  g_return_val_if_fail (lock != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (code != NULL && *code != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  root = read_tree (lock->path, error);
  if (root == NULL)
    return FALSE;

  entry = find_pending (root, lock->path, id, error);
  if (entry == NULL)
    return FALSE;

  json_object_set_string_member (entry, "state", "bought");
  json_object_set_string_member (entry, "code", code);
  json_object_set_boolean_member (entry, "given", FALSE);
  touch_entry (entry);

  return write_tree (root, lock->path, error);
}

gboolean
kf_ledger_fail (KfLedgerLock  *lock,
                const char    *id,
                const char    *reason,
                GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *entry;

  g_return_val_if_fail (lock != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  root = read_tree (lock->path, error);
  if (root == NULL)
    return FALSE;

  entry = find_pending (root, lock->path, id, error);
  if (entry == NULL)
    return FALSE;

  json_object_set_string_member (entry, "state", "failed");
  if (reason != NULL)
    json_object_set_string_member (entry, "error", reason);
  touch_entry (entry);

  return write_tree (root, lock->path, error);
}

/* --- Whole operations ------------------------------------------------------- */

gboolean
kf_ledger_append (const char  *path,
                  const char  *plan,
                  const char  *code,
                  GError     **error)
{
  g_autoptr(KfLedgerLock) lock = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *entry;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (code != NULL && *code != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lock = kf_ledger_lock (path, error);
  if (lock == NULL)
    return FALSE;

  root = read_tree (lock->path, error);
  if (root == NULL)
    return FALSE;

  entry = new_entry (root, plan, NULL, "bought");
  json_object_set_string_member (entry, "code", code);
  json_object_set_boolean_member (entry, "given", FALSE);

  return write_tree (root, lock->path, error);
}

gboolean
kf_ledger_set_given (const char  *path,
                     const char  *code,
                     gboolean     given,
                     GError     **error)
{
  g_autoptr(KfLedgerLock) lock = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *vouchers;
  gboolean found = FALSE;
  guint n;

  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lock = kf_ledger_lock (path, error);
  if (lock == NULL)
    return FALSE;

  root = read_tree (lock->path, error);
  if (root == NULL)
    return FALSE;

  vouchers = tree_get_vouchers (root);
  n = json_array_get_length (vouchers);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (vouchers, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "code", NULL), code) == 0)
        {
          json_object_set_boolean_member (object, "given", !!given);
          found = TRUE;
        }
    }

  if (!found)
    {
      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND,
                   _("The voucher %s is not in the voucher list."), code);
      return FALSE;
    }

  return write_tree (root, lock->path, error);
}

gboolean
kf_ledger_record_charge (const char  *path,
                         const char  *id,
                         double       balance_before,
                         double       balance_after,
                         gint64       since,
                         gboolean    *recorded,
                         GError     **error)
{
  g_autoptr(KfLedgerLock) lock = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *vouchers;
  JsonObject *entry;

  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (recorded != NULL)
    *recorded = FALSE;

  lock = kf_ledger_lock (path, error);
  if (lock == NULL)
    return FALSE;

  root = read_tree (lock->path, error);
  if (root == NULL)
    return FALSE;

  entry = find_entry (root, "id", id);
  if (entry == NULL || entry_state (entry) != KF_VOUCHER_STATE_BOUGHT)
    {
      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND,
                   _("The voucher %s is not in the voucher list."), id);
      return FALSE;
    }

  /* Another purchase in between would be counted as this one's price. */
  vouchers = tree_get_vouchers (root);
  for (guint i = 0; i < json_array_get_length (vouchers); i++)
    {
      JsonObject *other = json_array_get_object_element (vouchers, i);

      if (other != entry && entry_updated (other) >= since)
        return TRUE;
    }

  json_object_set_double_member (entry, "balance_before", balance_before);
  json_object_set_double_member (entry, "balance_after", balance_after);
  if (!write_tree (root, lock->path, error))
    return FALSE;

  if (recorded != NULL)
    *recorded = TRUE;
  return TRUE;
}

gboolean
kf_ledger_resolve (const char  *path,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(KfLedgerLock) lock = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *entry;

  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lock = kf_ledger_lock (path, error);
  if (lock == NULL)
    return FALSE;

  root = read_tree (lock->path, error);
  if (root == NULL)
    return FALSE;

  entry = find_pending (root, lock->path, id, error);
  if (entry == NULL)
    return FALSE;

  json_object_set_string_member (entry, "state", "resolved");
  touch_entry (entry);

  return write_tree (root, lock->path, error);
}

char *
kf_ledger_move_aside (const char  *path,
                      GError     **error)
{
  g_autoptr(KfLedgerLock) lock = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *new_path = NULL;
  g_autofree char *dir = NULL;
  int fd;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  lock = kf_ledger_lock (path, error);
  if (lock == NULL)
    return NULL;

  root = read_tree (lock->path, &read_error);
  if (root != NULL || g_error_matches (read_error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND))
    {
      g_autofree char *display = g_filename_display_name (lock->path);

      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                   _("The voucher list “%s” is not damaged; it was left in place."), display);
      return NULL;
    }

  for (guint i = 1; ; i++)
    {
      g_free (new_path);
      new_path = i == 1 ? g_strdup_printf ("%s.damaged-%s", lock->path, stamp)
                        : g_strdup_printf ("%s.damaged-%s-%u", lock->path, stamp, i);
      if (!g_file_test (new_path, G_FILE_TEST_EXISTS))
        break;
    }

  /* Same folder: a rename keeps every byte, and the user finds it beside the new list. */
  if (g_rename (lock->path, new_path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (lock->path);

      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                   _("Cannot move the voucher list “%s” aside: %s"),
                   display, g_strerror (saved_errno));
      return NULL;
    }

  dir = g_path_get_dirname (lock->path);
  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }

  return g_steal_pointer (&new_path);
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

      /* A pending or failed record has no code to hand on. */
      if (entry->state != KF_VOUCHER_STATE_BOUGHT)
        continue;

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

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LedgerTaskData *data = task_data;
  GError *error = NULL;

  /* data->code carries the record's ID. */
  if (kf_ledger_resolve (data->path, data->code, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kf_ledger_resolve_async (const char          *path,
                         const char          *id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (id != NULL);

  task = new_ledger_task (kf_ledger_resolve_async, path, NULL, id, FALSE,
                          cancellable, callback, user_data);
  g_task_run_in_thread (task, resolve_thread);
}

gboolean
kf_ledger_resolve_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_ledger_resolve_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
move_aside_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  LedgerTaskData *data = task_data;
  GError *error = NULL;
  char *new_path = kf_ledger_move_aside (data->path, &error);

  if (new_path != NULL)
    g_task_return_pointer (task, new_path, g_free);
  else
    g_task_return_error (task, error);
}

void
kf_ledger_move_aside_async (const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = new_ledger_task (kf_ledger_move_aside_async, path, NULL, NULL, FALSE,
                          cancellable, callback, user_data);
  g_task_run_in_thread (task, move_aside_thread);
}

char *
kf_ledger_move_aside_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_ledger_move_aside_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
