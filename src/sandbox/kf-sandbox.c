/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "kf-sandbox.h"
#include "kf-sandbox-multipart.h"

#define UPLOAD_PATH        "/cgi-bin/upload.cgi"
#define DIRECT_PREFIX      "/d/"
#define CUT_AFTER_BYTES    (64 * 1024)
#define DEFAULT_SLOW_MS    3000
#define MAX_FIELD_LEN      (64 * 1024)
#define UNITS_PER_CURRENCY 100000   /* balances are kept in 1/100000 to avoid float drift */
#define ACCOUNT_CREATED    "2023-01-15 10:00:00"
#define REQUEST_STATE_KEY  "kf-sandbox-request"

#define TRANSIENT_FILE_ERROR "failed while requesting fs.cgi: timeout"
#define REFUSED_FILE_ERROR   "unallowed extension"

typedef struct {
  KfSandboxFault  kind;
  char           *path_prefix;
  guint           remaining;      /* 0: sticky */
} Fault;

typedef struct {
  char *id;
  char *parent_id;
  char *name;
  char *code;
} Folder;

typedef struct {
  KfSandboxFile  file;
  char          *uploaded;
  guint          downloads;
} StoredFile;

typedef struct {
  char *path;
  char *text;
} LogEntry;

typedef struct {
  KfSandbox     *self;
  char          *file_code;
  char          *name;
  char          *folder_id;
  char          *part_path;
  char          *status;          /* "WORKING", "OK" or "ERROR: ..." (under the lock) */
  int            progress;        /* percent (under the lock) */
  GInputStream  *input;
  GOutputStream *output;
  gint64         received;
  gint64         total;
} RemoteJob;

typedef struct {
  KfSandbox         *self;
  SoupServerMessage *msg;
  GSource           *source;
  gulong             finished_id;
  gboolean           finished;
} SlowReply;

typedef struct {
  char          *field;
  char          *name;
  char          *file_code;
  char          *part_path;
  GOutputStream *output;
  gint64         size;
  const char    *fail_status;     /* a per-file fault, or NULL */
} UploadPart;

typedef struct {
  KfSandbox          *self;
  SoupServerMessage  *msg;
  gboolean            is_upload;
  gboolean            logged;
  gboolean            done;            /* stored, discarded or aborted: no more cleanup */
  gboolean            bad_request;
  gboolean            has_fault;
  KfSandboxFault      fault;
  gboolean            slow;
  gboolean            cut;
  guint64             received;
  guint64             cut_after;
  KfMultipartParser  *parser;
  GError             *parse_error;
  GPtrArray          *field_lines;
  char               *sess_id;
  char               *utype;
  char               *fld_id;
  char               *text_name;
  GString            *text_value;
  gboolean            skipping;
  UploadPart         *current;
  GPtrArray          *parts;
} RequestState;

struct _KfSandbox {
  GObject       parent_instance;

  GMutex        lock;
  GCond         cond;

  char         *data_dir;
  gboolean      own_data_dir;

  /* lifecycle (lock) */
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  gboolean      thread_ready;
  GError       *start_error;
  guint         requested_port;
  char         *url;
  char         *file_url;

  /* owned by the server thread */
  SoupServer   *api_server;
  SoupServer   *file_server;
  SoupSession  *session;
  GCancellable *cancellable;
  GPtrArray    *slow_replies;
  guint         n_remote_running;

  /* state (lock) */
  GPtrArray    *faults;
  guint         slow_delay_ms;
  gboolean      premium;
  gint64        balance;
  GPtrArray    *vouchers;
  GPtrArray    *files;
  GHashTable   *files_by_code;
  GPtrArray    *folders;
  guint         next_folder_id;
  GHashTable   *sessions;
  GHashTable   *remote_jobs;
  GPtrArray    *request_log;
  guint         n_incomplete;
  GHashTable   *downloads_per_day;
  GHashTable   *disabled_ops;      /* operation names answered as unknown */
};

G_DEFINE_FINAL_TYPE (KfSandbox, kf_sandbox, G_TYPE_OBJECT)

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

/* small helpers */

static char *
random_code (guint len)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char *s = g_malloc (len + 1);

  for (guint i = 0; i < len; i++)
    s[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  s[len] = '\0';
  return s;
}

static char *
format_time (GDateTime *dt)
{
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

static char *
now_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return format_time (now);
}

static char *
today_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%d");
}

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

static void
fault_free (Fault *fault)
{
  g_free (fault->path_prefix);
  g_free (fault);
}

static void
folder_free (Folder *folder)
{
  g_free (folder->id);
  g_free (folder->parent_id);
  g_free (folder->name);
  g_free (folder->code);
  g_free (folder);
}

static void
stored_file_free (StoredFile *stored)
{
  g_free (stored->file.file_code);
  g_free (stored->file.name);
  g_free (stored->file.path);
  g_free (stored->file.folder_id);
  g_free (stored->file.utype);
  g_free (stored->uploaded);
  g_free (stored);
}

static void
log_entry_free (LogEntry *entry)
{
  g_free (entry->path);
  g_free (entry->text);
  g_free (entry);
}

static void
remote_job_free (RemoteJob *job)
{
  g_free (job->file_code);
  g_free (job->name);
  g_free (job->folder_id);
  g_free (job->part_path);
  g_free (job->status);
  g_clear_object (&job->input);
  g_clear_object (&job->output);
  g_free (job);
}

void
kf_sandbox_file_free (KfSandboxFile *file)
{
  if (file == NULL)
    return;
  g_free (file->file_code);
  g_free (file->name);
  g_free (file->path);
  g_free (file->folder_id);
  g_free (file->utype);
  g_free (file);
}

static KfSandboxFile *
file_copy (const KfSandboxFile *src)
{
  KfSandboxFile *file = g_new0 (KfSandboxFile, 1);

  file->file_code = g_strdup (src->file_code);
  file->name = g_strdup (src->name);
  file->size = src->size;
  file->path = g_strdup (src->path);
  file->folder_id = g_strdup (src->folder_id);
  file->utype = g_strdup (src->utype);
  return file;
}

static Folder *
find_folder (KfSandbox  *self,
             const char *id)
{
  for (guint i = 0; i < self->folders->len; i++)
    {
      Folder *folder = g_ptr_array_index (self->folders, i);

      if (g_str_equal (folder->id, id))
        return folder;
    }
  return NULL;
}

static gboolean
folder_exists (KfSandbox  *self,
               const char *id)
{
  return g_str_equal (id, "0") || find_folder (self, id) != NULL;
}

static Folder *
add_folder (KfSandbox  *self,
            const char *parent_id,
            const char *name)
{
  Folder *folder = g_new0 (Folder, 1);

  folder->id = g_strdup_printf ("%u", self->next_folder_id++);
  folder->parent_id = g_strdup (parent_id);
  folder->name = g_strdup (name);
  folder->code = random_code (10);
  g_ptr_array_add (self->folders, folder);
  return folder;
}

static char *
new_file_code (KfSandbox *self)
{
  char *code;

  do
    code = random_code (12);
  while (g_hash_table_contains (self->files_by_code, code) ||
         g_hash_table_contains (self->remote_jobs, code));
  return code;
}

static void
store_file (KfSandbox  *self,
            const char *file_code,
            const char *name,
            gint64      size,
            const char *path,
            const char *folder_id,
            const char *utype)
{
  StoredFile *stored = g_new0 (StoredFile, 1);

  stored->file.file_code = g_strdup (file_code);
  stored->file.name = g_strdup (name);
  stored->file.size = size;
  stored->file.path = g_strdup (path);
  stored->file.folder_id = g_strdup (folder_id != NULL && folder_exists (self, folder_id) ? folder_id : "0");
  stored->file.utype = g_strdup (utype);
  stored->uploaded = now_string ();
  g_ptr_array_add (self->files, stored);
  g_hash_table_insert (self->files_by_code, stored->file.file_code, stored);
}

static char *
direct_link_for (KfSandbox  *self,
                 StoredFile *stored)
{
  g_autofree char *escaped = g_uri_escape_string (stored->file.name, NULL, FALSE);

  return g_strconcat (self->file_url, DIRECT_PREFIX, stored->file.file_code, "/", escaped, NULL);
}

/* faults */

static gboolean
fault_matches_path (const Fault *fault,
                    const char  *path)
{
  if (fault->path_prefix == NULL)
    return g_str_has_prefix (path, "/api/") || g_str_equal (path, UPLOAD_PATH);
  return g_str_has_prefix (path, fault->path_prefix);
}

/* Consumes one hit of the first active fault of one of @kinds for @path. */
static gboolean
take_fault_locked (KfSandbox            *self,
                   const char           *path,
                   const KfSandboxFault *kinds,
                   guint                 n_kinds,
                   KfSandboxFault       *out_kind)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (self->faults, i);
      gboolean wanted = FALSE;

      for (guint k = 0; k < n_kinds; k++)
        wanted = wanted || fault->kind == kinds[k];
      if (!wanted || !fault_matches_path (fault, path))
        continue;

      *out_kind = fault->kind;
      if (fault->remaining > 0 && --fault->remaining == 0)
        g_ptr_array_remove_index (self->faults, i);
      return TRUE;
    }
  return FALSE;
}

static gboolean
take_slow_locked (KfSandbox  *self,
                  const char *path)
{
  static const KfSandboxFault kinds[] = { KF_SANDBOX_FAULT_SLOW };
  KfSandboxFault kind;

  return take_fault_locked (self, path, kinds, G_N_ELEMENTS (kinds), &kind);
}

/* responses */

static void
send_text (SoupServerMessage *msg,
           guint              status,
           const char        *content_type,
           const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
send_json_node (SoupServerMessage *msg,
                JsonNode          *node)
{
  g_autofree char *body = json_to_string (node, FALSE);

  send_text (msg, SOUP_STATUS_OK, "application/json", body);
}

static void
send_builder (SoupServerMessage *msg,
              JsonBuilder       *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);

  send_json_node (msg, node);
}

/* The API's errors are HTTP 200 with the status in the body. */
static void
send_api_error (SoupServerMessage *msg,
                int                status,
                const char        *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "msg");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_end_object (builder);
  send_builder (msg, builder);
}

static JsonBuilder *
begin_ok (void)
{
  JsonBuilder *builder = json_builder_new ();
  g_autofree char *now = now_string ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "msg");
  json_builder_add_string_value (builder, "OK");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, 200);
  json_builder_set_member_name (builder, "server_time");
  json_builder_add_string_value (builder, now);
  return builder;
}

static void
end_ok (SoupServerMessage *msg,
        JsonBuilder       *builder)
{
  json_builder_end_object (builder);
  send_builder (msg, builder);
}

static void
send_html (SoupServerMessage *msg,
           guint              status)
{
  g_autofree char *body = NULL;
  /* libsoup 3.2 has no name for 429 */
  const char *phrase = status == 429 ? "Too Many Requests" : soup_status_get_phrase (status);

  body = g_strdup_printf ("<html>\r\n<head><title>%u %s</title></head>\r\n"
                          "<body>\r\n<center><h1>%u %s</h1></center>\r\n"
                          "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                          status, phrase, status, phrase);
  soup_server_message_set_status (msg, status, phrase);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, body, strlen (body));
}

/* Answers one of the faults that replace the real answer. */
static void
send_fault (SoupServerMessage *msg,
            KfSandboxFault     fault)
{
  switch (fault)
    {
    case KF_SANDBOX_FAULT_KEY_REJECTED:
      send_api_error (msg, 403, "Invalid key");
      break;
    case KF_SANDBOX_FAULT_HTML_5XX:
      send_html (msg, SOUP_STATUS_BAD_GATEWAY);
      break;
    case KF_SANDBOX_FAULT_RATE_LIMIT:
      send_html (msg, 429);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      break;
    case KF_SANDBOX_FAULT_TOO_LARGE:
      send_html (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
      break;
    case KF_SANDBOX_FAULT_INVALID_JSON:
      send_text (msg, SOUP_STATUS_OK, "application/json",
                 "{\"msg\":\"OK\",\"status\":200,\"result\":[{\"file_code\":");
      break;
    case KF_SANDBOX_FAULT_CUT_UPLOAD:
    case KF_SANDBOX_FAULT_CUT_RESPONSE:
    case KF_SANDBOX_FAULT_SLOW:
    case KF_SANDBOX_FAULT_FILE_ERROR:
    case KF_SANDBOX_FAULT_FILE_REFUSED:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_replacing_fault (KfSandboxFault fault)
{
  return fault == KF_SANDBOX_FAULT_KEY_REJECTED ||
         fault == KF_SANDBOX_FAULT_HTML_5XX ||
         fault == KF_SANDBOX_FAULT_RATE_LIMIT ||
         fault == KF_SANDBOX_FAULT_TOO_LARGE ||
         fault == KF_SANDBOX_FAULT_INVALID_JSON;
}

/* Shutting the socket down (not closing it) lets libsoup notice on its own
 * and tidy up the connection without complaint. */
static void
cut_connection (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
slow_reply_free (SlowReply *reply)
{
  if (reply->source != NULL)
    {
      g_source_destroy (reply->source);
      g_source_unref (reply->source);
    }
  g_clear_signal_handler (&reply->finished_id, reply->msg);
  g_object_unref (reply->msg);
  g_free (reply);
}

static void
slow_reply_finished_cb (SoupServerMessage *msg,
                        SlowReply         *reply)
{
  reply->finished = TRUE;
}

static gboolean
slow_reply_timeout_cb (gpointer user_data)
{
  SlowReply *reply = user_data;
  KfSandbox *self = reply->self;

  if (!reply->finished)
    soup_server_message_unpause (reply->msg);
  g_ptr_array_remove (self->slow_replies, reply);
  return G_SOURCE_REMOVE;
}

/* Holds an answer that is already filled in for the slow delay. */
static void
delay_response (KfSandbox         *self,
                SoupServerMessage *msg)
{
  SlowReply *reply = g_new0 (SlowReply, 1);
  guint delay;

  g_mutex_lock (&self->lock);
  delay = self->slow_delay_ms;
  g_mutex_unlock (&self->lock);

  reply->self = self;
  reply->msg = g_object_ref (msg);
  reply->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (slow_reply_finished_cb), reply);
  reply->source = g_timeout_source_new (delay);
  /* the source is destroyed in slow_reply_free, so no notify is needed */
  g_source_set_callback (reply->source, slow_reply_timeout_cb, reply, NULL);
  g_source_attach (reply->source, self->context);
  g_ptr_array_add (self->slow_replies, reply);
  soup_server_message_pause (msg);
}

/* request log */

static void
log_request (KfSandbox         *self,
             const char        *host,
             SoupServerMessage *msg,
             GPtrArray         *field_lines)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = uri ? g_uri_get_query (uri) : NULL;
  g_autofree char *path = NULL;
  GString *text = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  LogEntry *entry;

  path = g_strdup (uri ? g_uri_get_path (uri) : "");
  g_string_append_printf (text, "%s %s %s%s%s", host, soup_server_message_get_method (msg),
                          path, query ? "?" : "", query ? query : "");
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "\n%s: %s", name, value);
  for (guint i = 0; field_lines != NULL && i < field_lines->len; i++)
    g_string_append_printf (text, "\n%s", (const char *) g_ptr_array_index (field_lines, i));

  entry = g_new0 (LogEntry, 1);
  entry->path = g_steal_pointer (&path);
  entry->text = g_string_free (text, FALSE);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->request_log, entry);
  g_mutex_unlock (&self->lock);
}

/* API operations: each runs on the server thread and takes the lock */

typedef void (*ApiOp) (KfSandbox         *self,
                       SoupServerMessage *msg,
                       GHashTable        *query);

static void
op_account_info (KfSandbox         *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(JsonBuilder) builder = begin_ok ();
  g_autofree char *balance = format_units (self->balance);
  g_autofree char *expire = NULL;
  gint64 used = 0;

  for (guint i = 0; i < self->files->len; i++)
    used += ((StoredFile *) g_ptr_array_index (self->files, i))->file.size;

  if (self->premium)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) later = g_date_time_add_days (now, 30);

      expire = format_time (later);
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
  end_ok (msg, builder);
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
  g_autoptr(JsonBuilder) builder = begin_ok ();
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
  end_ok (msg, builder);
}

static void
op_upload_server (KfSandbox         *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(JsonBuilder) builder = begin_ok ();
  g_autofree char *upload_url = g_strconcat (self->file_url, UPLOAD_PATH, NULL);
  char *sess_id = random_code (16);

  g_hash_table_add (self->sessions, sess_id);
  json_builder_set_member_name (builder, "sess_id");
  json_builder_add_string_value (builder, sess_id);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, upload_url);
  end_ok (msg, builder);
}

/* remote upload */

static void remote_read_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
remote_job_finish (RemoteJob  *job,
                   const char *error_text)
{
  KfSandbox *self = job->self;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *final_path = NULL;

  if (job->output != NULL)
    g_output_stream_close (job->output, NULL, NULL);
  g_clear_object (&job->output);
  if (job->input != NULL)
    g_input_stream_close (job->input, NULL, NULL);
  g_clear_object (&job->input);

  final_path = g_build_filename (self->data_dir, job->file_code, NULL);
  if (error_text == NULL && g_rename (job->part_path, final_path) != 0)
    error_text = g_strerror (errno);

  locker = g_mutex_locker_new (&self->lock);
  g_free (job->status);
  if (error_text != NULL)
    {
      g_unlink (job->part_path);
      job->status = g_strconcat ("ERROR: ", error_text, NULL);
    }
  else
    {
      store_file (self, job->file_code, job->name, job->received, final_path, job->folder_id, NULL);
      job->status = g_strdup ("OK");
      job->progress = 100;
    }
  self->n_remote_running--;
}

static void
remote_read_next (RemoteJob *job)
{
  g_input_stream_read_bytes_async (job->input, 64 * 1024, G_PRIORITY_DEFAULT,
                                   job->self->cancellable, remote_read_cb, job);
}

static void
remote_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RemoteJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      remote_job_finish (job, error->message);
      return;
    }
  len = g_bytes_get_size (bytes);
  if (len == 0)
    {
      if (job->total >= 0 && job->received != job->total)
        remote_job_finish (job, "the download was cut short");
      else
        remote_job_finish (job, NULL);
      return;
    }
  if (!g_output_stream_write_all (job->output, g_bytes_get_data (bytes, NULL), len,
                                  NULL, NULL, &error))
    {
      remote_job_finish (job, error->message);
      return;
    }
  job->received += len;
  if (job->total > 0)
    {
      g_mutex_lock (&job->self->lock);
      job->progress = (int) MIN (99, job->received * 100 / job->total);
      g_mutex_unlock (&job->self->lock);
    }
  remote_read_next (job);
}

static void
remote_sent_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RemoteJob *job = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GFile) part = NULL;
  guint status;

  input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (input == NULL)
    {
      remote_job_finish (job, error->message);
      return;
    }
  job->input = g_steal_pointer (&input);
  status = soup_message_get_status (message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *text = g_strdup_printf ("the source answered HTTP %u", status);

      remote_job_finish (job, text);
      return;
    }
  job->total = soup_message_headers_get_content_length (soup_message_get_response_headers (message));
  if (soup_message_headers_get_encoding (soup_message_get_response_headers (message)) != SOUP_ENCODING_CONTENT_LENGTH)
    job->total = -1;

  part = g_file_new_for_path (job->part_path);
  job->output = G_OUTPUT_STREAM (g_file_replace (part, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                                 NULL, &error));
  if (job->output == NULL)
    {
      remote_job_finish (job, error->message);
      return;
    }
  remote_read_next (job);
}

static char *
name_from_uri (GUri *uri)
{
  const char *path = g_uri_get_path (uri);
  const char *slash = strrchr (path, '/');
  g_autofree char *name = g_uri_unescape_string (slash ? slash + 1 : path, NULL);

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return g_strdup ("download");
  return g_steal_pointer (&name);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
op_upload_url (KfSandbox         *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *url = query_get (query, "url");
  const char *file_code = query_get (query, "file_code");
  const char *fld_id = query_get (query, "fld_id");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  RemoteJob *job;

  if (url == NULL && file_code != NULL)
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

      job = g_hash_table_lookup (self->remote_jobs, file_code);
      if (job == NULL)
        {
          send_api_error (msg, 404, "No such remote upload");
          return;
        }
      builder = begin_ok ();
      json_builder_set_member_name (builder, "result");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file_code");
      json_builder_add_string_value (builder, job->file_code);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, job->status);
      json_builder_set_member_name (builder, "progress");
      json_builder_add_int_value (builder, job->progress);
      json_builder_end_object (builder);
      end_ok (msg, builder);
      return;
    }

  if (url == NULL)
    {
      send_api_error (msg, 400, "No URL given");
      return;
    }
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      send_api_error (msg, 400, "Invalid URL");
      return;
    }
  if (!host_is_loopback (g_uri_get_host (uri)))
    {
      send_api_error (msg, 400, "The sandbox only fetches URLs on this computer (127.0.0.1)");
      return;
    }

  job = g_new0 (RemoteJob, 1);
  job->self = self;
  job->name = name_from_uri (uri);
  job->total = -1;
  g_mutex_lock (&self->lock);
  job->file_code = new_file_code (self);
  job->folder_id = g_strdup (fld_id != NULL && folder_exists (self, fld_id) ? fld_id : "0");
  job->status = g_strdup ("WORKING");
  job->part_path = g_strdup_printf ("%s/%s.part", self->data_dir, job->file_code);
  g_hash_table_insert (self->remote_jobs, job->file_code, job);
  self->n_remote_running++;
  g_mutex_unlock (&self->lock);

  message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, self->cancellable,
                           remote_sent_cb, job);

  builder = begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filecode");
  json_builder_add_string_value (builder, job->file_code);
  json_builder_end_object (builder);
  end_ok (msg, builder);
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
      send_api_error (msg, 404, "File not found");
      return;
    }
  link = direct_link_for (self, stored);
  builder = begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, link);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, stored->file.size);
  json_builder_end_object (builder);
  end_ok (msg, builder);
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
      send_text (msg, SOUP_STATUS_OK, "text/plain", "ERROR:Invalid time");
      return;
    }
  if (self->balance < found->price)
    {
      send_text (msg, SOUP_STATUS_OK, "text/plain", "ERROR:Not enough money");
      return;
    }

  self->balance -= found->price;
  voucher = random_code (18);
  g_ptr_array_add (self->vouchers, voucher);

  now = now_string ();
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server_time");
  json_builder_add_string_value (builder, now);
  json_builder_set_member_name (builder, "voucher");
  json_builder_add_string_value (builder, voucher);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, 200);
  json_builder_end_object (builder);
  send_builder (msg, builder);
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
      send_api_error (msg, 400, "No file_code given");
      return;
    }
  list = g_strsplit (codes, ",", -1);
  builder = begin_ok ();
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
  end_ok (msg, builder);
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
  g_autoptr(JsonBuilder) builder = begin_ok ();
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
      if (name_folded != NULL)
        {
          g_autofree char *folded = g_utf8_casefold (stored->file.name, -1);

          if (strstr (folded, name_folded) == NULL)
            continue;
        }
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
  end_ok (msg, builder);
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
  if (!folder_exists (self, fld_id))
    {
      send_api_error (msg, 404, "Folder not found");
      return;
    }

  builder = begin_ok ();
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
  end_ok (msg, builder);
}

static void
op_folder_create (KfSandbox         *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *parent_id = query_get (query, "parent_id");
  const char *name = query_get (query, "name");
  g_autoptr(JsonBuilder) builder = NULL;
  Folder *folder;

  if (parent_id == NULL)
    parent_id = "0";
  if (name == NULL)
    {
      send_api_error (msg, 400, "Folder name is required");
      return;
    }
  if (!folder_exists (self, parent_id))
    {
      send_api_error (msg, 404, "Parent folder not found");
      return;
    }
  folder = add_folder (self, parent_id, name);
  builder = begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fld_id");
  json_builder_add_int_value (builder, id_to_int (folder->id));
  json_builder_end_object (builder);
  end_ok (msg, builder);
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
  g_autoptr(JsonBuilder) builder = NULL;

  if (stored == NULL)
    {
      send_api_error (msg, 404, "File not found");
      return;
    }
  if (name == NULL)
    {
      send_api_error (msg, 400, "File name is required");
      return;
    }
  g_free (stored->file.name);
  stored->file.name = g_strdup (name);
  builder = begin_ok ();
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, "true");
  end_ok (msg, builder);
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
  { "folder/list", op_folder_list },
  { "folder/create", op_folder_create },
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

  log_request (self, "api", msg, NULL);

  g_mutex_lock (&self->lock);
  has_fault = take_fault_locked (self, path, primary_kinds, G_N_ELEMENTS (primary_kinds), &fault);
  slow = take_slow_locked (self, path);
  disabled = g_hash_table_contains (self->disabled_ops, op_name);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < G_N_ELEMENTS (api_ops) && !disabled; i++)
    {
      if (g_str_equal (api_ops[i].name, op_name))
        op = api_ops[i].op;
    }

  if (has_fault && is_replacing_fault (fault))
    send_fault (msg, fault);
  else if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_GET) != 0 &&
           g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    send_html (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  else if (g_strcmp0 (key, KF_SANDBOX_DEMO_KEY) != 0 &&
           !(op == op_reseller_create && g_strcmp0 (key, KF_SANDBOX_RESELLER_KEY) == 0))
    send_api_error (msg, 403, "Invalid key");
  else if (op == NULL)
    send_api_error (msg, 400, "Unknown operation");
  else
    op (self, msg, query);

  if (has_fault && fault == KF_SANDBOX_FAULT_CUT_RESPONSE)
    cut_connection (msg);
  else if (slow)
    delay_response (self, msg);
}

static void
not_found_handler (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  send_html (msg, SOUP_STATUS_NOT_FOUND);
}

/* file server: direct links */

static void
direct_link_handler (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  static const KfSandboxFault primary_kinds[] = {
    KF_SANDBOX_FAULT_HTML_5XX, KF_SANDBOX_FAULT_RATE_LIMIT, KF_SANDBOX_FAULT_TOO_LARGE,
    KF_SANDBOX_FAULT_CUT_RESPONSE,
  };
  KfSandbox *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *rest = g_str_has_prefix (path, DIRECT_PREFIX) ? path + strlen (DIRECT_PREFIX) : "";
  const char *slash = strchr (rest, '/');
  g_autofree char *code = slash ? g_strndup (rest, slash - rest) : g_strdup (rest);
  g_autofree char *file_path = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  KfSandboxFault fault = KF_SANDBOX_FAULT_SLOW;
  gboolean has_fault, slow;
  StoredFile *stored;

  log_request (self, "files", msg, NULL);

  g_mutex_lock (&self->lock);
  has_fault = take_fault_locked (self, path, primary_kinds, G_N_ELEMENTS (primary_kinds), &fault);
  slow = take_slow_locked (self, path);
  stored = g_hash_table_lookup (self->files_by_code, code);
  if (stored != NULL)
    file_path = g_strdup (stored->file.path);
  g_mutex_unlock (&self->lock);

  if (has_fault && is_replacing_fault (fault))
    send_fault (msg, fault);
  else if (g_strcmp0 (method, SOUP_METHOD_GET) != 0 && g_strcmp0 (method, SOUP_METHOD_HEAD) != 0)
    send_html (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  else if (file_path == NULL ||
           (mapped = g_mapped_file_new (file_path, FALSE, NULL)) == NULL)
    send_html (msg, SOUP_STATUS_NOT_FOUND);
  else
    {
      /* mapped, not read: a big file does not become resident heap */
      bytes = g_mapped_file_get_bytes (mapped);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                             "application/octet-stream", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);

      if (g_str_equal (method, SOUP_METHOD_GET))
        {
          g_autofree char *today = today_string ();
          guint count;

          g_mutex_lock (&self->lock);
          stored = g_hash_table_lookup (self->files_by_code, code);
          if (stored != NULL)
            stored->downloads++;
          count = GPOINTER_TO_UINT (g_hash_table_lookup (self->downloads_per_day, today));
          g_hash_table_insert (self->downloads_per_day, g_steal_pointer (&today),
                               GUINT_TO_POINTER (count + 1));
          g_mutex_unlock (&self->lock);
        }
    }

  if (has_fault && fault == KF_SANDBOX_FAULT_CUT_RESPONSE)
    cut_connection (msg);
  else if (slow)
    delay_response (self, msg);
}

/* file server: uploads, parsed as they arrive */

static void
upload_part_free (UploadPart *part)
{
  if (part->output != NULL)
    g_output_stream_close (part->output, NULL, NULL);
  g_clear_object (&part->output);
  if (part->part_path != NULL)
    g_unlink (part->part_path);
  g_free (part->field);
  g_free (part->name);
  g_free (part->file_code);
  g_free (part->part_path);
  g_free (part);
}

static void
request_state_free (RequestState *state)
{
  if (state->current != NULL)
    upload_part_free (state->current);
  g_clear_pointer (&state->parts, g_ptr_array_unref);
  g_clear_pointer (&state->parser, kf_multipart_parser_free);
  g_clear_error (&state->parse_error);
  g_clear_pointer (&state->field_lines, g_ptr_array_unref);
  g_free (state->sess_id);
  g_free (state->utype);
  g_free (state->fld_id);
  g_free (state->text_name);
  if (state->text_value != NULL)
    g_string_free (state->text_value, TRUE);
  g_free (state);
}

static void
request_log_once (RequestState *state)
{
  if (state->logged)
    return;
  state->logged = TRUE;
  log_request (state->self, "files", state->msg, state->field_lines);
}

/* Drops every byte received so far; counts the request as incomplete. */
static void
upload_abort (RequestState *state)
{
  if (state->done)
    return;
  state->done = TRUE;
  if (state->current != NULL)
    {
      upload_part_free (state->current);
      state->current = NULL;
    }
  g_ptr_array_set_size (state->parts, 0);
  g_mutex_lock (&state->self->lock);
  state->self->n_incomplete++;
  g_mutex_unlock (&state->self->lock);
}

static gboolean
part_begin_cb (gpointer     user_data,
               const char  *name,
               const char  *filename,
               GError     **error)
{
  static const KfSandboxFault file_kinds[] = {
    KF_SANDBOX_FAULT_FILE_ERROR, KF_SANDBOX_FAULT_FILE_REFUSED,
  };
  RequestState *state = user_data;
  KfSandbox *self = state->self;
  UploadPart *part;
  KfSandboxFault fault;
  gboolean has_fault;

  state->skipping = FALSE;
  if (filename == NULL)
    {
      g_free (state->text_name);
      state->text_name = g_strdup (name);
      state->text_value = g_string_new (NULL);
      return TRUE;
    }
  if (*filename == '\0')
    {
      /* an empty file input of a browser form */
      state->skipping = TRUE;
      return TRUE;
    }

  part = g_new0 (UploadPart, 1);
  part->field = g_strdup (name);
  part->name = g_strdup (filename);
  state->current = part;

  g_mutex_lock (&self->lock);
  part->file_code = new_file_code (self);
  has_fault = take_fault_locked (self, UPLOAD_PATH, file_kinds, G_N_ELEMENTS (file_kinds), &fault);
  g_mutex_unlock (&self->lock);

  if (has_fault)
    part->fail_status = fault == KF_SANDBOX_FAULT_FILE_ERROR ? TRANSIENT_FILE_ERROR : REFUSED_FILE_ERROR;

  if (part->fail_status == NULL && !state->has_fault)
    {
      g_autoptr(GFile) file = NULL;

      part->part_path = g_strdup_printf ("%s/%s.part", self->data_dir, part->file_code);
      file = g_file_new_for_path (part->part_path);
      part->output = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                                      NULL, error));
      if (part->output == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
part_data_cb (gpointer       user_data,
              const guint8  *data,
              gsize          len,
              GError       **error)
{
  RequestState *state = user_data;

  if (state->skipping)
    return TRUE;
  if (state->current == NULL)
    {
      if (state->text_value->len + len > MAX_FIELD_LEN)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               "form field too long");
          return FALSE;
        }
      g_string_append_len (state->text_value, (const char *) data, len);
      return TRUE;
    }
  state->current->size += len;
  if (state->current->output != NULL)
    return g_output_stream_write_all (state->current->output, data, len, NULL, NULL, error);
  return TRUE;
}

static gboolean
part_end_cb (gpointer   user_data,
             GError   **error)
{
  RequestState *state = user_data;

  if (state->skipping)
    {
      state->skipping = FALSE;
      return TRUE;
    }
  if (state->current == NULL)
    {
      g_autofree char *value = g_string_free (g_steal_pointer (&state->text_value), FALSE);
      char **slot = NULL;

      if (g_str_equal (state->text_name, "sess_id"))
        slot = &state->sess_id;
      else if (g_str_equal (state->text_name, "utype"))
        slot = &state->utype;
      else if (g_str_equal (state->text_name, "fld_id"))
        slot = &state->fld_id;
      g_ptr_array_add (state->field_lines, g_strdup_printf ("%s=%s", state->text_name, value));
      if (slot != NULL)
        {
          g_free (*slot);
          *slot = g_steal_pointer (&value);
        }
      return TRUE;
    }

  if (state->current->output != NULL &&
      !g_output_stream_close (state->current->output, NULL, error))
    return FALSE;
  g_clear_object (&state->current->output);
  g_ptr_array_add (state->field_lines,
                   g_strdup_printf ("%s=@%s", state->current->field, state->current->name));
  g_ptr_array_add (state->parts, g_steal_pointer (&state->current));
  return TRUE;
}

static const KfMultipartCallbacks upload_callbacks = {
  part_begin_cb,
  part_data_cb,
  part_end_cb,
};

static void
upload_got_headers_cb (SoupServerMessage *msg,
                       RequestState      *state)
{
  static const KfSandboxFault primary_kinds[] = {
    KF_SANDBOX_FAULT_KEY_REJECTED, KF_SANDBOX_FAULT_HTML_5XX, KF_SANDBOX_FAULT_RATE_LIMIT,
    KF_SANDBOX_FAULT_TOO_LARGE, KF_SANDBOX_FAULT_INVALID_JSON, KF_SANDBOX_FAULT_CUT_RESPONSE,
    KF_SANDBOX_FAULT_CUT_UPLOAD,
  };
  KfSandbox *self = state->self;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  GHashTable *params = NULL;
  const char *content_type;
  const char *boundary = NULL;
  goffset length;

  if (uri == NULL || !g_str_equal (g_uri_get_path (uri), UPLOAD_PATH) ||
      g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    return;

  state->is_upload = TRUE;
  state->field_lines = g_ptr_array_new_with_free_func (g_free);
  state->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) upload_part_free);

  g_mutex_lock (&self->lock);
  state->has_fault = take_fault_locked (self, UPLOAD_PATH, primary_kinds,
                                        G_N_ELEMENTS (primary_kinds), &state->fault);
  state->slow = take_slow_locked (self, UPLOAD_PATH);
  g_mutex_unlock (&self->lock);

  /* a cut after the work is done must still store the files */
  if (state->has_fault && state->fault == KF_SANDBOX_FAULT_CUT_RESPONSE)
    {
      state->has_fault = FALSE;
      state->cut = TRUE;
    }

  if (state->has_fault && state->fault == KF_SANDBOX_FAULT_CUT_UPLOAD)
    {
      length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
               ? soup_message_headers_get_content_length (headers) : 0;
      state->cut_after = length > 0 ? MIN (CUT_AFTER_BYTES, (guint64) length / 2) : CUT_AFTER_BYTES;
      state->cut_after = MAX (state->cut_after, 1);
    }

  content_type = soup_message_headers_get_content_type (headers, &params);
  if (params != NULL)
    boundary = g_hash_table_lookup (params, "boundary");
  if (g_strcmp0 (content_type, "multipart/form-data") != 0 ||
      !kf_multipart_boundary_is_valid (boundary))
    state->bad_request = TRUE;
  else
    state->parser = kf_multipart_parser_new (boundary, &upload_callbacks, state);
  g_clear_pointer (&params, g_hash_table_destroy);
}

static void
upload_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     RequestState      *state)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  if (!state->is_upload || state->done || state->bad_request)
    return;

  state->received += len;
  if (state->has_fault && state->fault == KF_SANDBOX_FAULT_CUT_UPLOAD &&
      state->received >= state->cut_after)
    {
      upload_abort (state);
      request_log_once (state);
      cut_connection (msg);
      return;
    }

  if (state->parse_error == NULL &&
      !kf_multipart_parser_feed (state->parser, data, len, &state->parse_error))
    g_debug ("Upload body rejected: %s", state->parse_error->message);
}

static void
upload_respond (RequestState      *state,
                SoupServerMessage *msg)
{
  KfSandbox *self = state->self;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean valid_session;

  g_mutex_lock (&self->lock);
  valid_session = state->sess_id != NULL && g_hash_table_contains (self->sessions, state->sess_id);
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->parts->len; i++)
    {
      UploadPart *part = g_ptr_array_index (state->parts, i);
      const char *status = part->fail_status;
      g_autofree char *final_path = NULL;

      if (status == NULL && !valid_session)
        status = "invalid sess_id";
      if (status == NULL)
        {
          final_path = g_build_filename (self->data_dir, part->file_code, NULL);
          if (g_rename (part->part_path, final_path) != 0)
            status = "No file on disk (rename failed)";
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file_code");
      json_builder_add_string_value (builder, status ? "undef" : part->file_code);
      json_builder_set_member_name (builder, "file_status");
      json_builder_add_string_value (builder, status ? status : "OK");
      json_builder_end_object (builder);

      if (status == NULL)
        {
          store_file (self, part->file_code, part->name, part->size, final_path,
                      state->fld_id, state->utype);
          g_clear_pointer (&part->part_path, g_free);
        }
    }
  json_builder_end_array (builder);
  g_mutex_unlock (&self->lock);

  root = json_builder_get_root (builder);
  send_json_node (msg, root);
}

static void
upload_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer          user_data)
{
  KfSandbox *self = user_data;
  RequestState *state = g_object_get_data (G_OBJECT (msg), REQUEST_STATE_KEY);

  if (state == NULL || !state->is_upload)
    {
      log_request (self, "files", msg, NULL);
      send_html (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }

  if (state->done)
    {
      /* cut: libsoup's write will fail on the shut-down socket */
      send_html (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }

  request_log_once (state);

  if (state->bad_request)
    {
      state->done = TRUE;
      send_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "ERROR: expected multipart/form-data");
    }
  else if (state->parse_error != NULL || !kf_multipart_parser_is_complete (state->parser))
    {
      upload_abort (state);
      send_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "ERROR: incomplete upload body");
    }
  else if (state->has_fault)
    {
      state->done = TRUE;
      g_ptr_array_set_size (state->parts, 0);
      send_fault (msg, state->fault);
    }
  else
    {
      state->done = TRUE;
      upload_respond (state, msg);
    }

  if (state->cut)
    cut_connection (msg);
  else if (state->slow)
    delay_response (self, msg);
}

static void
file_request_started_cb (SoupServer        *server,
                         SoupServerMessage *msg,
                         KfSandbox         *self)
{
  RequestState *state = g_new0 (RequestState, 1);

  state->self = self;
  state->msg = msg;
  /* libsoup 3.2's server never closes a kept-alive connection that the
   * client closed (fixed in 3.3): every upload would leave a socket in
   * CLOSE_WAIT and its descriptor open. Upload hosts commonly answer and
   * close anyway, and our client opens a fresh connection per upload. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  /* the body goes to disk through got-chunk, never into memory */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), REQUEST_STATE_KEY, state,
                          (GDestroyNotify) request_state_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (upload_got_headers_cb), state);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_got_chunk_cb), state);
}

static void
file_request_aborted_cb (SoupServer        *server,
                         SoupServerMessage *msg,
                         KfSandbox         *self)
{
  RequestState *state = g_object_get_data (G_OBJECT (msg), REQUEST_STATE_KEY);

  if (state == NULL || !state->is_upload)
    return;
  upload_abort (state);
  request_log_once (state);
}

/* the server thread */

static guint
server_port (SoupServer *server)
{
  GSList *uris = soup_server_get_uris (server);
  guint port = uris ? (guint) g_uri_get_port (uris->data) : 0;

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

static gboolean
setup_servers (KfSandbox  *self,
               guint       port,
               GError    **error)
{
  self->api_server = soup_server_new ("server-header", "KenFiles-Sandbox ", NULL);
  soup_server_add_handler (self->api_server, "/api", api_handler, self, NULL);
  soup_server_add_handler (self->api_server, NULL, not_found_handler, self, NULL);

  self->file_server = soup_server_new ("server-header", "KenFiles-Sandbox-FS ", NULL);
  soup_server_add_handler (self->file_server, UPLOAD_PATH, upload_handler, self, NULL);
  soup_server_add_handler (self->file_server, "/d", direct_link_handler, self, NULL);
  soup_server_add_handler (self->file_server, NULL, not_found_handler, self, NULL);
  g_signal_connect (self->file_server, "request-started", G_CALLBACK (file_request_started_cb), self);
  g_signal_connect (self->file_server, "request-aborted", G_CALLBACK (file_request_aborted_cb), self);

  self->session = soup_session_new_with_options ("user-agent", KF_USER_AGENT " (sandbox)",
                                                 "timeout", 60, NULL);
  self->cancellable = g_cancellable_new ();
  self->slow_replies = g_ptr_array_new_with_free_func ((GDestroyNotify) slow_reply_free);

  if (!soup_server_listen_local (self->api_server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error) ||
      !soup_server_listen_local (self->file_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  g_free (self->url);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", server_port (self->api_server));
  g_free (self->file_url);
  self->file_url = g_strdup_printf ("http://127.0.0.1:%u", server_port (self->file_server));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
teardown_servers (KfSandbox *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    soup_session_abort (self->session);
  if (self->api_server != NULL)
    soup_server_disconnect (self->api_server);
  if (self->file_server != NULL)
    soup_server_disconnect (self->file_server);
  g_clear_pointer (&self->slow_replies, g_ptr_array_unref);

  /* let cancelled remote uploads and closed connections finish their callbacks */
  for (guint i = 0; i < 10000 && self->n_remote_running > 0; i++)
    g_main_context_iteration (self->context, TRUE);
  while (g_main_context_pending (self->context))
    g_main_context_iteration (self->context, FALSE);

  g_clear_object (&self->api_server);
  g_clear_object (&self->file_server);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  while (g_main_context_pending (self->context))
    g_main_context_iteration (self->context, FALSE);
}

static gpointer
server_thread (gpointer data)
{
  KfSandbox *self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->context);

  ok = setup_servers (self, self->requested_port, &error);

  g_mutex_lock (&self->lock);
  self->thread_ready = TRUE;
  if (!ok)
    self->start_error = g_steal_pointer (&error);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (ok)
    g_main_loop_run (self->loop);

  teardown_servers (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* public API */

KfSandbox *
kf_sandbox_new (const char *data_dir)
{
  KfSandbox *self = g_object_new (KF_TYPE_SANDBOX, NULL);

  if (data_dir != NULL)
    {
      self->data_dir = g_strdup (data_dir);
      g_mkdir_with_parents (data_dir, 0700);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      self->data_dir = g_dir_make_tmp ("kf-sandbox-XXXXXX", &error);
      if (self->data_dir == NULL)
        {
          /* nothing sensible to fall back to but the current folder */
          g_message ("Cannot create a temporary folder: %s", error->message);
          self->data_dir = g_get_current_dir ();
        }
      else
        self->own_data_dir = TRUE;
    }
  return self;
}

gboolean
kf_sandbox_start (KfSandbox  *self,
                  guint       port,
                  GError    **error)
{
  GError *start_error;

  g_return_val_if_fail (KF_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->thread != NULL)
    {
      g_mutex_unlock (&self->lock);
      g_return_val_if_reached (FALSE);
    }
  self->requested_port = port;
  self->thread_ready = FALSE;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("kf-sandbox", server_thread, self);
  while (!self->thread_ready)
    g_cond_wait (&self->cond, &self->lock);
  start_error = g_steal_pointer (&self->start_error);
  g_mutex_unlock (&self->lock);

  if (start_error != NULL)
    {
      kf_sandbox_stop (self);
      g_propagate_error (error, start_error);
      return FALSE;
    }
  return TRUE;
}

void
kf_sandbox_stop (KfSandbox *self)
{
  GThread *thread;
  GSource *source;

  g_return_if_fail (KF_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  thread = g_steal_pointer (&self->thread);
  g_mutex_unlock (&self->lock);
  if (thread == NULL)
    return;

  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop_cb, self->loop, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
  g_thread_join (thread);

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

const char *
kf_sandbox_get_url (KfSandbox *self)
{
  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  return self->url;
}

const char *
kf_sandbox_get_file_server_url (KfSandbox *self)
{
  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  return self->file_url;
}

const char *
kf_sandbox_get_api_key (KfSandbox *self)
{
  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  return KF_SANDBOX_DEMO_KEY;
}

const char *
kf_sandbox_get_data_dir (KfSandbox *self)
{
  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  return self->data_dir;
}

void
kf_sandbox_add_fault (KfSandbox      *self,
                      KfSandboxFault  fault,
                      const char     *path_prefix,
                      guint           times)
{
  Fault *entry;

  g_return_if_fail (KF_IS_SANDBOX (self));
  g_return_if_fail (fault <= KF_SANDBOX_FAULT_TOO_LARGE);

  entry = g_new0 (Fault, 1);
  entry->kind = fault;
  entry->path_prefix = g_strdup (path_prefix);
  entry->remaining = times;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->faults, entry);
  g_mutex_unlock (&self->lock);
}

void
kf_sandbox_clear_faults (KfSandbox *self)
{
  g_return_if_fail (KF_IS_SANDBOX (self));
  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

void
kf_sandbox_set_slow_delay (KfSandbox *self,
                           guint      delay_ms)
{
  g_return_if_fail (KF_IS_SANDBOX (self));
  g_mutex_lock (&self->lock);
  self->slow_delay_ms = delay_ms;
  g_mutex_unlock (&self->lock);
}

void
kf_sandbox_set_premium (KfSandbox *self,
                        gboolean   premium)
{
  g_return_if_fail (KF_IS_SANDBOX (self));
  g_mutex_lock (&self->lock);
  self->premium = !!premium;
  g_mutex_unlock (&self->lock);
}

void
kf_sandbox_set_balance (KfSandbox *self,
                        double     balance)
{
  g_return_if_fail (KF_IS_SANDBOX (self));
  g_mutex_lock (&self->lock);
  self->balance = (gint64) (balance * UNITS_PER_CURRENCY + (balance < 0 ? -0.5 : 0.5));
  g_mutex_unlock (&self->lock);
}

void
kf_sandbox_set_operation_enabled (KfSandbox  *self,
                                  const char *operation,
                                  gboolean    enabled)
{
  g_return_if_fail (KF_IS_SANDBOX (self));
  g_return_if_fail (operation != NULL);
  g_mutex_lock (&self->lock);
  if (enabled)
    g_hash_table_remove (self->disabled_ops, operation);
  else
    g_hash_table_add (self->disabled_ops, g_strdup (operation));
  g_mutex_unlock (&self->lock);
}

double
kf_sandbox_get_balance (KfSandbox *self)
{
  double balance;

  g_return_val_if_fail (KF_IS_SANDBOX (self), 0.0);
  g_mutex_lock (&self->lock);
  balance = (double) self->balance / UNITS_PER_CURRENCY;
  g_mutex_unlock (&self->lock);
  return balance;
}

GStrv
kf_sandbox_dup_vouchers (KfSandbox *self)
{
  GStrvBuilder *builder;
  GStrv result;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  builder = g_strv_builder_new ();
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->vouchers->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->vouchers, i));
  g_mutex_unlock (&self->lock);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

GPtrArray *
kf_sandbox_list_files (KfSandbox *self)
{
  GPtrArray *files;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  files = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_sandbox_file_free);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->files->len; i++)
    g_ptr_array_add (files, file_copy (&((StoredFile *) g_ptr_array_index (self->files, i))->file));
  g_mutex_unlock (&self->lock);
  return files;
}

guint
kf_sandbox_get_n_incomplete_uploads (KfSandbox *self)
{
  guint n;

  g_return_val_if_fail (KF_IS_SANDBOX (self), 0);
  g_mutex_lock (&self->lock);
  n = self->n_incomplete;
  g_mutex_unlock (&self->lock);
  return n;
}

GStrv
kf_sandbox_dup_request_log (KfSandbox *self)
{
  GStrvBuilder *builder;
  GStrv result;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  builder = g_strv_builder_new ();
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->request_log->len; i++)
    g_strv_builder_add (builder, ((LogEntry *) g_ptr_array_index (self->request_log, i))->text);
  g_mutex_unlock (&self->lock);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

guint
kf_sandbox_count_requests (KfSandbox  *self,
                           const char *path_prefix)
{
  guint n = 0;

  g_return_val_if_fail (KF_IS_SANDBOX (self), 0);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->request_log->len; i++)
    {
      LogEntry *entry = g_ptr_array_index (self->request_log, i);

      if (path_prefix == NULL || g_str_has_prefix (entry->path, path_prefix))
        n++;
    }
  g_mutex_unlock (&self->lock);
  return n;
}

/* GObject */

static void
remove_data_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
kf_sandbox_dispose (GObject *object)
{
  KfSandbox *self = KF_SANDBOX (object);

  kf_sandbox_stop (self);
  G_OBJECT_CLASS (kf_sandbox_parent_class)->dispose (object);
}

static void
kf_sandbox_finalize (GObject *object)
{
  KfSandbox *self = KF_SANDBOX (object);

  if (self->own_data_dir)
    remove_data_dir (self->data_dir);
  g_free (self->data_dir);
  g_free (self->url);
  g_free (self->file_url);
  g_clear_error (&self->start_error);
  g_ptr_array_unref (self->faults);
  g_ptr_array_unref (self->vouchers);
  g_hash_table_unref (self->files_by_code);
  g_ptr_array_unref (self->files);
  g_ptr_array_unref (self->folders);
  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->remote_jobs);
  g_ptr_array_unref (self->request_log);
  g_hash_table_unref (self->downloads_per_day);
  g_hash_table_unref (self->disabled_ops);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (kf_sandbox_parent_class)->finalize (object);
}

static void
kf_sandbox_class_init (KfSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kf_sandbox_dispose;
  object_class->finalize = kf_sandbox_finalize;
}

static void
kf_sandbox_init (KfSandbox *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->slow_delay_ms = DEFAULT_SLOW_MS;
  self->premium = TRUE;
  self->balance = 100 * (gint64) UNITS_PER_CURRENCY;
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) fault_free);
  self->vouchers = g_ptr_array_new_with_free_func (g_free);
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_file_free);
  self->files_by_code = g_hash_table_new (g_str_hash, g_str_equal);
  self->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) folder_free);
  self->next_folder_id = 1;
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->remote_jobs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) remote_job_free);
  self->request_log = g_ptr_array_new_with_free_func ((GDestroyNotify) log_entry_free);
  self->downloads_per_day = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->disabled_ops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  add_folder (self, "0", "Documents");
  add_folder (self, "0", "Backups");
}
