/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The API host: one function per operation, listed in api_ops, each run on
 * the server thread. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "kf-sandbox-private.h"

#define ACCOUNT_CREATED "2023-01-15 10:00:00"
#define MAX_NAME_LEN    255         /* bytes */

typedef struct {
  const char *plan;
  gint64      price;              /* in balance units */
} Plan;

static const Plan plans[] = {
  { "30p",    5 * UNITS_PER_CURRENCY },
  { "90p",   12 * UNITS_PER_CURRENCY },
  { "180p",  20 * UNITS_PER_CURRENCY },
  { "365p",  35 * UNITS_PER_CURRENCY },
  { "30b",    8 * UNITS_PER_CURRENCY },
  { "90b",   20 * UNITS_PER_CURRENCY },
  { "180b",  35 * UNITS_PER_CURRENCY },
  { "365b",  60 * UNITS_PER_CURRENCY },
  { "50t",    4 * UNITS_PER_CURRENCY },
  { "200t",  12 * UNITS_PER_CURRENCY },
  { "500t",  25 * UNITS_PER_CURRENCY },
  { "2000t", 80 * UNITS_PER_CURRENCY },
};

/* Locale-independent "%.5f" of a balance in units. */
static char *
format_units (gint64 units)
{
  const char *sign = units < 0 ? "-" : "";

  if (units < 0)
    units = -units;
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%05d", sign,
                          units / UNITS_PER_CURRENCY, (int) (units % UNITS_PER_CURRENCY));
}

static const char *
query_get (GHashTable *query,
           const char *name)
{
  const char *value;

  if (query == NULL)
    return NULL;
  value = g_hash_table_lookup (query, name);
  if (value == NULL || *value == '\0')
    return NULL;
  return value;
}

static gint64
query_get_int (GHashTable *query,
               const char *name,
               gint64      fallback)
{
  const char *value = query_get (query, name);
  gint64 n;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &n, NULL))
    return fallback;
  return n;
}

static gint64
id_to_int (const char *id)
{
  return g_ascii_strtoll (id, NULL, 10);
}

static char *
direct_link_for (KfSandbox  *self,
                 StoredFile *stored)
{
  g_autofree char *escaped = g_uri_escape_string (stored->file.name, NULL, FALSE);

  return g_strconcat (self->file_url, DIRECT_PREFIX, stored->file.file_code, "/", escaped, NULL);
}

/* An operation runs on the server thread and takes the lock itself. */
typedef void (*ApiOp) (KfSandbox         *self,
                       SoupServerMessage *msg,
                       GHashTable        *query);

static void
op_account_info (KfSandbox         *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(JsonBuilder) builder = _kf_sandbox_begin_ok ();
  g_autofree char *balance = format_units (self->balance);
  g_autofree char *expire = NULL;
  gint64 used = 0;

  for (guint i = 0; i < self->files->len; i++)
    used += ((StoredFile *) g_ptr_array_index (self->files, i))->file.size;

  if (self->premium)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) later = g_date_time_add_days (now, 30);

      expire = _kf_sandbox_format_time (later);
    }
  else
    expire = g_strdup (ACCOUNT_CREATED);

  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, "demo@sandbox.invalid");
  json_builder_set_member_name (builder, "balance");
  json_builder_add_string_value (builder, balance);
  json_builder_set_member_name (builder, "storage_used");
  if (self->files->len > 0)
    json_builder_add_int_value (builder, used);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "premium_expire");
  json_builder_add_string_value (builder, expire);
  json_builder_set_member_name (builder, "storage_left");
  json_builder_add_string_value (builder, "inf");
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
add_units_member (JsonBuilder *builder,
                  const char  *name,
                  gint64       units)
{
  g_autofree char *text = format_units (units);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
add_count_member (JsonBuilder *builder,
                  const char  *name,
                  guint        count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
op_account_stats (KfSandbox         *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(JsonBuilder) builder = _kf_sandbox_begin_ok ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 last = CLAMP (query_get_int (query, "last", 7), 1, 3650);

  json_builder_set_member_name (builder, "result");
  json_builder_begin_array (builder);
  for (gint64 back = last - 1; back >= 0; back--)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (now, -back);
      g_autofree char *day_text = g_date_time_format (day, "%Y-%m-%d");
      /* days since the epoch make the demo figures the same on every run */
      guint seed = (guint) (g_date_time_to_unix (day) / 86400);
      guint downloads, views, sales, refs;
      gint64 profit_dl, profit_sales, profit_refs, profit_site, profit_rebills;

      if (back == 0)
        {
          downloads = GPOINTER_TO_UINT (g_hash_table_lookup (self->downloads_per_day, day_text));
          views = downloads;
          sales = refs = 0;
        }
      else
        {
          downloads = (seed * 37) % 50;
          views = downloads * 3 + seed % 7;
          sales = seed % 3 == 0 ? 1 : 0;
          refs = seed % 5 == 0 ? 1 : 0;
        }
      profit_dl = back == 0 ? 0 : downloads * 100;
      profit_sales = sales * 150000;
      profit_refs = refs * 50000;
      profit_site = back == 0 ? 0 : (seed % 4) * 1000;
      profit_rebills = back == 0 ? 0 : (seed % 11 == 0 ? 200000 : 0);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "day");
      json_builder_add_string_value (builder, day_text);
      add_count_member (builder, "downloads", downloads);
      add_count_member (builder, "views", views);
      add_count_member (builder, "sales", sales);
      add_count_member (builder, "refs", refs);
      add_units_member (builder, "profit_dl", profit_dl);
      add_units_member (builder, "profit_sales", profit_sales);
      add_units_member (builder, "profit_refs", profit_refs);
      add_units_member (builder, "profit_site", profit_site);
      add_units_member (builder, "profit_rebills", profit_rebills);
      add_units_member (builder, "profit_total",
                        profit_dl + profit_sales + profit_refs + profit_site + profit_rebills);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
op_upload_server (KfSandbox         *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(JsonBuilder) builder = _kf_sandbox_begin_ok ();
  g_autofree char *upload_url = g_strconcat (self->file_url, UPLOAD_PATH, NULL);
  char *sess_id = _kf_sandbox_random_code (16);

  g_hash_table_add (self->sessions, sess_id);
  json_builder_set_member_name (builder, "sess_id");
  json_builder_add_string_value (builder, sess_id);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, upload_url);
  _kf_sandbox_end_ok (msg, builder);
}

/* The published page's shape: a bare list of {file_code}. */
static void
send_code_list (SoupServerMessage *msg,
                const char        *file_code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file_code");
  json_builder_add_string_value (builder, file_code);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  _kf_sandbox_send_builder (msg, builder);
}

static void
send_remote_status (KfSandbox         *self,
                    SoupServerMessage *msg,
                    const char        *file_code)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  RemoteJob *job = g_hash_table_lookup (self->remote_jobs, file_code);
  g_autoptr(JsonBuilder) builder = NULL;

  if (job == NULL)
    {
      _kf_sandbox_send_api_error (msg, 404, "No such remote upload");
      return;
    }
  if (self->remote_answer == KF_SANDBOX_REMOTE_LIST)
    {
      send_code_list (msg, job->file_code);
      return;
    }
  if (self->remote_answer == KF_SANDBOX_REMOTE_WORKING && g_str_equal (job->status, "WORKING"))
    {
      g_autofree char *now = _kf_sandbox_now_string ();

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "msg");
      json_builder_add_string_value (builder, "WORKING");
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, 200);
      json_builder_set_member_name (builder, "server_time");
      json_builder_add_string_value (builder, now);
      json_builder_end_object (builder);
      _kf_sandbox_send_builder (msg, builder);
      return;
    }
  builder = _kf_sandbox_begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file_code");
  json_builder_add_string_value (builder, job->file_code);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, job->status);
  json_builder_set_member_name (builder, "progress");
  json_builder_add_int_value (builder, job->progress);
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

/* Starts a job with url=, or answers its status with file_code=. */
static void
op_upload_url (KfSandbox         *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *url = query_get (query, "url");
  const char *file_code = query_get (query, "file_code");
  const char *fld_id = query_get (query, "fld_id");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_code = NULL;
  KfSandboxRemoteAnswer answer;

  if (url == NULL && file_code != NULL)
    {
      send_remote_status (self, msg, file_code);
      return;
    }

  if (url == NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, "No URL given");
      return;
    }
  new_code = _kf_sandbox_start_remote_job (self, url, fld_id, &error);
  if (new_code == NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, error->message);
      return;
    }

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    answer = self->remote_answer;
  }
  if (answer == KF_SANDBOX_REMOTE_LIST)
    {
      send_code_list (msg, new_code);
      return;
    }
  builder = _kf_sandbox_begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filecode");
  json_builder_add_string_value (builder, new_code);
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
op_file_direct_link (KfSandbox         *self,
                     SoupServerMessage *msg,
                     GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *file_code = query_get (query, "file_code");
  StoredFile *stored = file_code ? g_hash_table_lookup (self->files_by_code, file_code) : NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *link = NULL;

  if (stored == NULL)
    {
      _kf_sandbox_send_api_error (msg, 404, "File not found");
      return;
    }
  link = direct_link_for (self, stored);
  builder = _kf_sandbox_begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, link);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, stored->file.size);
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
op_reseller_create (KfSandbox         *self,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *plan = query_get (query, "t");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *now = NULL;
  const Plan *found = NULL;
  char *voucher;

  for (guint i = 0; plan != NULL && i < G_N_ELEMENTS (plans); i++)
    {
      if (g_str_equal (plans[i].plan, plan))
        found = &plans[i];
    }
  /* the underlying software answers these two in plain text */
  if (found == NULL)
    {
      _kf_sandbox_send_text (msg, SOUP_STATUS_OK, "text/plain", "ERROR:Invalid time");
      return;
    }
  if (self->balance < found->price)
    {
      _kf_sandbox_send_text (msg, SOUP_STATUS_OK, "text/plain", "ERROR:Not enough money");
      return;
    }

  self->balance -= found->price;
  voucher = _kf_sandbox_random_code (18);
  g_ptr_array_add (self->vouchers, voucher);

  now = _kf_sandbox_now_string ();
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server_time");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "voucher");
  json_builder_add_string_value (builder, voucher);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, 200);
  json_builder_end_object (builder);
  _kf_sandbox_send_builder (msg, builder);
}

static void
op_file_info (KfSandbox         *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *codes = query_get (query, "file_code");
  g_autoptr(JsonBuilder) builder = NULL;
  g_auto(GStrv) list = NULL;

  if (codes == NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, "No file_code given");
      return;
    }
  list = g_strsplit (codes, ",", -1);
  builder = _kf_sandbox_begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_array (builder);
  for (guint i = 0; list[i] != NULL; i++)
    {
      const char *code = g_strstrip (list[i]);
      StoredFile *stored = g_hash_table_lookup (self->files_by_code, code);

      if (*code == '\0')
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "filecode");
      json_builder_add_string_value (builder, code);
      if (stored != NULL)
        {
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, stored->file.name);
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, stored->file.size);
          json_builder_set_member_name (builder, "uploaded");
          json_builder_add_string_value (builder, stored->uploaded);
          add_count_member (builder, "downloads", stored->downloads);
          json_builder_set_member_name (builder, "status");
          json_builder_add_int_value (builder, 200);
        }
      else
        {
          json_builder_set_member_name (builder, "status");
          json_builder_add_int_value (builder, 404);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
add_file_object (KfSandbox   *self,
                 JsonBuilder *builder,
                 StoredFile  *stored,
                 gboolean     with_folder)
{
  g_autofree char *link = g_strconcat (self->url, "/", stored->file.file_code, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file_code");
  json_builder_add_string_value (builder, stored->file.file_code);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, stored->file.name);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, stored->file.size);
  json_builder_set_member_name (builder, "uploaded");
  json_builder_add_string_value (builder, stored->uploaded);
  json_builder_set_member_name (builder, "downloads");
  json_builder_add_int_value (builder, stored->downloads);
  if (with_folder)
    {
      json_builder_set_member_name (builder, "fld_id");
      json_builder_add_int_value (builder, id_to_int (stored->file.folder_id));
    }
  json_builder_set_member_name (builder, "link");
  json_builder_add_string_value (builder, link);
  json_builder_end_object (builder);
}

static void
op_file_list (KfSandbox         *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(JsonBuilder) builder = _kf_sandbox_begin_ok ();
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  const char *fld_id = query_get (query, "fld_id");
  const char *name = query_get (query, "name");
  g_autofree char *name_folded = name ? g_utf8_casefold (name, -1) : NULL;
  gint64 page = MAX (1, query_get_int (query, "page", 1));
  gint64 per_page = CLAMP (query_get_int (query, "per_page", 20), 1, 1000);
  g_autofree char *total_text = NULL;
  gint64 first;

  for (guint i = 0; i < self->files->len; i++)
    {
      StoredFile *stored = g_ptr_array_index (self->files, i);

      if (fld_id != NULL && !g_str_equal (stored->file.folder_id, fld_id))
        continue;
      if (name_folded != NULL && strstr (stored->name_folded, name_folded) == NULL)
        continue;
      g_ptr_array_add (matches, stored);
    }

  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  first = (page - 1) * per_page;
  for (gint64 i = first; i < (gint64) matches->len && i < first + per_page; i++)
    add_file_object (self, builder, g_ptr_array_index (matches, i), TRUE);
  json_builder_end_array (builder);
  /* the real server sends this one as a string */
  total_text = g_strdup_printf ("%u", matches->len);
  json_builder_set_member_name (builder, "results_total");
  json_builder_add_string_value (builder, total_text);
  json_builder_set_member_name (builder, "pages");
  json_builder_add_int_value (builder, (matches->len + per_page - 1) / per_page);
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
op_folder_list (KfSandbox         *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *fld_id = query_get (query, "fld_id");
  g_autoptr(JsonBuilder) builder = NULL;

  if (fld_id == NULL)
    fld_id = "0";
  if (!_kf_sandbox_folder_exists (self, fld_id))
    {
      _kf_sandbox_send_api_error (msg, 404, "Folder not found");
      return;
    }

  builder = _kf_sandbox_begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "folders");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->folders->len; i++)
    {
      Folder *folder = g_ptr_array_index (self->folders, i);

      if (!g_str_equal (folder->parent_id, fld_id))
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "fld_id");
      json_builder_add_int_value (builder, id_to_int (folder->id));
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, folder->name);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, folder->code);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->files->len; i++)
    {
      StoredFile *stored = g_ptr_array_index (self->files, i);

      if (g_str_equal (stored->file.folder_id, fld_id))
        add_file_object (self, builder, stored, FALSE);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

/* Why @name cannot name a folder, or NULL. The software behind the API
 * keeps names as typed, so only what would make no sense is refused. */
static const char *
folder_name_problem (const char *name)
{
  gboolean blank = TRUE;

  if (name == NULL)
    return "Folder name is required";
  if (!g_utf8_validate (name, -1, NULL))
    return "Folder name is not valid UTF-8";
  if (strlen (name) > MAX_NAME_LEN)
    return "Folder name is too long";
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\' || g_unichar_iscntrl (c))
        return "Folder name has characters that are not allowed";
      if (!g_unichar_isspace (c))
        blank = FALSE;
    }
  if (blank)
    return "Folder name is required";
  if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    return "Folder name is not allowed";
  return NULL;
}

static void
send_ok_true (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = _kf_sandbox_begin_ok ();

  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, "true");
  _kf_sandbox_end_ok (msg, builder);
}

static void
op_folder_create (KfSandbox         *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *parent_id = query_get (query, "parent_id");
  const char *name = query_get (query, "name");
  const char *problem = folder_name_problem (name);
  g_autoptr(JsonBuilder) builder = NULL;
  Folder *folder;

  if (parent_id == NULL)
    parent_id = "0";
  if (problem != NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, problem);
      return;
    }
  if (!_kf_sandbox_folder_exists (self, parent_id))
    {
      _kf_sandbox_send_api_error (msg, 404, "Parent folder not found");
      return;
    }
  folder = _kf_sandbox_add_folder (self, parent_id, name);
  builder = _kf_sandbox_begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fld_id");
  json_builder_add_int_value (builder, id_to_int (folder->id));
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
op_file_rename (KfSandbox         *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *file_code = query_get (query, "file_code");
  const char *name = query_get (query, "name");
  StoredFile *stored = file_code ? g_hash_table_lookup (self->files_by_code, file_code) : NULL;

  if (stored == NULL)
    {
      _kf_sandbox_send_api_error (msg, 404, "File not found");
      return;
    }
  if (name == NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, "File name is required");
      return;
    }
  _kf_sandbox_set_file_name (stored, name);
  send_ok_true (msg);
}

/* Moves every file of a comma-separated list, or none of them. */
static void
op_file_set_folder (KfSandbox         *self,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *codes = query_get (query, "file_code");
  const char *fld_id = query_get (query, "fld_id");
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_auto(GStrv) list = NULL;

  if (codes == NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, "No file_code given");
      return;
    }
  if (fld_id == NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, "No fld_id given");
      return;
    }
  if (!_kf_sandbox_folder_exists (self, fld_id))
    {
      _kf_sandbox_send_api_error (msg, 404, "Folder not found");
      return;
    }
  list = g_strsplit (codes, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      const char *code = g_strstrip (list[i]);
      StoredFile *stored;

      if (*code == '\0')
        continue;
      stored = g_hash_table_lookup (self->files_by_code, code);
      if (stored == NULL)
        {
          _kf_sandbox_send_api_error (msg, 404, "File not found");
          return;
        }
      g_ptr_array_add (files, stored);
    }
  if (files->len == 0)
    {
      _kf_sandbox_send_api_error (msg, 400, "No file_code given");
      return;
    }
  for (guint i = 0; i < files->len; i++)
    {
      StoredFile *stored = g_ptr_array_index (files, i);

      g_free (stored->file.folder_id);
      stored->file.folder_id = g_strdup (fld_id);
    }
  send_ok_true (msg);
}

/* A hard link where the file system has them, else a copy. */
static gboolean
clone_bytes (const char  *from,
             const char  *to,
             GError     **error)
{
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) target = NULL;

  if (link (from, to) == 0)
    return TRUE;
  source = g_file_new_for_path (from);
  target = g_file_new_for_path (to);
  return g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, error);
}

static void
op_file_clone (KfSandbox         *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *file_code = query_get (query, "file_code");
  const char *fld_id = query_get (query, "fld_id");
  g_autofree char *new_code = NULL, *from = NULL, *to = NULL, *url = NULL;
  g_autofree char *name = NULL, *folder_id = NULL, *utype = NULL;
  gint64 size;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
    StoredFile *stored = file_code ? g_hash_table_lookup (self->files_by_code, file_code) : NULL;

    if (stored == NULL)
      {
        _kf_sandbox_send_api_error (msg, 404, "File not found");
        return;
      }
    if (fld_id != NULL && !_kf_sandbox_folder_exists (self, fld_id))
      {
        _kf_sandbox_send_api_error (msg, 404, "Folder not found");
        return;
      }
    name = g_strdup (stored->file.name);
    size = stored->file.size;
    folder_id = g_strdup (fld_id != NULL ? fld_id : stored->file.folder_id);
    utype = g_strdup (stored->file.utype);
    from = g_strdup (stored->file.path);
    new_code = _kf_sandbox_new_file_code (self);
  }

  /* off the lock: a copy of a big file takes a while; only this thread
   * adds files, so the code stays free */
  to = g_build_filename (self->data_dir, new_code, NULL);
  if (!clone_bytes (from, to, &error))
    {
      g_autofree char *text = g_strconcat ("Cannot clone the file: ", error->message, NULL);

      _kf_sandbox_send_api_error (msg, 500, text);
      return;
    }

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    _kf_sandbox_store_file (self, new_code, name, size, to, folder_id, utype);
    url = g_strconcat (self->url, "/", new_code, NULL);
  }

  builder = _kf_sandbox_begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filecode");
  json_builder_add_string_value (builder, new_code);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
  _kf_sandbox_end_ok (msg, builder);
}

static void
op_folder_rename (KfSandbox         *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *fld_id = query_get (query, "fld_id");
  const char *name = query_get (query, "name");
  const char *problem;
  Folder *folder;

  if (fld_id == NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, "No fld_id given");
      return;
    }
  if (g_str_equal (fld_id, "0"))
    {
      _kf_sandbox_send_api_error (msg, 400, "The root folder cannot be renamed");
      return;
    }
  folder = _kf_sandbox_find_folder (self, fld_id);
  if (folder == NULL)
    {
      _kf_sandbox_send_api_error (msg, 404, "Folder not found");
      return;
    }
  problem = folder_name_problem (name);
  if (problem != NULL)
    {
      _kf_sandbox_send_api_error (msg, 400, problem);
      return;
    }
  g_free (folder->name);
  folder->name = g_strdup (name);
  send_ok_true (msg);
}

static const struct {
  const char *name;
  ApiOp       op;
} api_ops[] = {
  { "account/info", op_account_info },
  { "account/stats", op_account_stats },
  { "upload/server", op_upload_server },
  { "upload/url", op_upload_url },
  { "file/direct_link", op_file_direct_link },
  { "file/info", op_file_info },
  { "file/list", op_file_list },
  { "file/rename", op_file_rename },
  { "file/set_folder", op_file_set_folder },
  { "file/clone", op_file_clone },
  { "folder/list", op_folder_list },
  { "folder/create", op_folder_create },
  { "folder/rename", op_folder_rename },
  { "reseller/create", op_reseller_create },
};

static void
api_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  static const KfSandboxFault primary_kinds[] = {
    KF_SANDBOX_FAULT_KEY_REJECTED, KF_SANDBOX_FAULT_HTML_5XX, KF_SANDBOX_FAULT_RATE_LIMIT,
    KF_SANDBOX_FAULT_TOO_LARGE, KF_SANDBOX_FAULT_INVALID_JSON, KF_SANDBOX_FAULT_CUT_RESPONSE,
  };
  KfSandbox *self = user_data;
  const char *op_name = g_str_has_prefix (path, "/api/") ? path + strlen ("/api/") : "";
  const char *key = query_get (query, "key");
  KfSandboxFault fault = KF_SANDBOX_FAULT_SLOW;
  gboolean has_fault, slow, disabled;
  ApiOp op = NULL;

  _kf_sandbox_log_request (self, "api", msg, NULL);

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    has_fault = _kf_sandbox_take_fault_locked (self, path, primary_kinds,
                                               G_N_ELEMENTS (primary_kinds), &fault);
    slow = _kf_sandbox_take_slow_locked (self, path);
    disabled = g_hash_table_contains (self->disabled_ops, op_name);
  }

  for (guint i = 0; i < G_N_ELEMENTS (api_ops) && !disabled; i++)
    {
      if (g_str_equal (api_ops[i].name, op_name))
        op = api_ops[i].op;
    }

  if (has_fault && _kf_sandbox_is_replacing_fault (fault))
    _kf_sandbox_send_fault (msg, fault);
  else if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0 &&
           g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    _kf_sandbox_send_html (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  else if (g_strcmp0 (key, KF_SANDBOX_DEMO_KEY) != 0 &&
           !(op == op_reseller_create && g_strcmp0 (key, KF_SANDBOX_RESELLER_KEY) == 0))
    _kf_sandbox_send_api_error (msg, 403, "Invalid key");
  else if (op == NULL)
    _kf_sandbox_send_api_error (msg, 400, "Unknown operation");
  else
    op (self, msg, query);

  if (has_fault && fault == KF_SANDBOX_FAULT_CUT_RESPONSE)
    _kf_sandbox_cut_connection (msg);
  else if (slow)
    _kf_sandbox_delay_response (self, msg);
}

void
_kf_sandbox_api_attach (KfSandbox  *self,
                        SoupServer *server)
{
  soup_server_add_handler (server, "/api", api_handler, self, NULL);
}
