/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sandbox object: its lifecycle (the server thread), its state (files,
 * folders, faults, the request log) and the public API. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kf-sandbox-private.h"

#define DEFAULT_SLOW_MS 3000

typedef struct {
  KfSandboxFault  kind;
  char           *path_prefix;
  guint           remaining;      /* 0: sticky */
} Fault;

typedef struct {
  char *path;
  char *text;
} LogEntry;

G_DEFINE_FINAL_TYPE (KfSandbox, kf_sandbox, G_TYPE_OBJECT)

/* small helpers */

char *
_kf_sandbox_random_code (guint len)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char *s = g_malloc (len + 1);

  for (guint i = 0; i < len; i++)
    s[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  s[len] = '\0';
  return s;
}

char *
_kf_sandbox_format_time (GDateTime *dt)
{
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

char *
_kf_sandbox_now_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return _kf_sandbox_format_time (now);
}

char *
_kf_sandbox_today_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%d");
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
  g_free (stored->name_folded);
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

Folder *
_kf_sandbox_find_folder (KfSandbox  *self,
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

gboolean
_kf_sandbox_folder_exists (KfSandbox  *self,
                           const char *id)
{
  return g_str_equal (id, "0") || _kf_sandbox_find_folder (self, id) != NULL;
}

Folder *
_kf_sandbox_add_folder (KfSandbox  *self,
                        const char *parent_id,
                        const char *name)
{
  Folder *folder = g_new0 (Folder, 1);

  folder->id = g_strdup_printf ("%u", self->next_folder_id++);
  folder->parent_id = g_strdup (parent_id);
  folder->name = g_strdup (name);
  folder->code = _kf_sandbox_random_code (10);
  g_ptr_array_add (self->folders, folder);
  return folder;
}

void
_kf_sandbox_set_file_name (StoredFile *stored,
                           const char *name)
{
  g_free (stored->file.name);
  stored->file.name = g_strdup (name);
  g_free (stored->name_folded);
  stored->name_folded = g_utf8_casefold (name, -1);
}

char *
_kf_sandbox_new_file_code (KfSandbox *self)
{
  char *code;

  do
    code = _kf_sandbox_random_code (12);
  while (g_hash_table_contains (self->files_by_code, code) ||
         g_hash_table_contains (self->remote_jobs, code));
  return code;
}

void
_kf_sandbox_store_file (KfSandbox  *self,
                        const char *file_code,
                        const char *name,
                        gint64      size,
                        const char *path,
                        const char *folder_id,
                        const char *utype)
{
  StoredFile *stored = g_new0 (StoredFile, 1);

  stored->file.file_code = g_strdup (file_code);
  _kf_sandbox_set_file_name (stored, name);
  stored->file.size = size;
  stored->file.path = g_strdup (path);
  stored->file.folder_id = g_strdup (folder_id != NULL && _kf_sandbox_folder_exists (self, folder_id) ? folder_id : "0");
  stored->file.utype = g_strdup (utype);
  stored->uploaded = _kf_sandbox_now_string ();
  g_ptr_array_add (self->files, stored);
  g_hash_table_insert (self->files_by_code, stored->file.file_code, stored);
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
gboolean
_kf_sandbox_take_fault_locked (KfSandbox            *self,
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

gboolean
_kf_sandbox_take_slow_locked (KfSandbox  *self,
                              const char *path)
{
  static const KfSandboxFault kinds[] = { KF_SANDBOX_FAULT_SLOW };
  KfSandboxFault kind;

  return _kf_sandbox_take_fault_locked (self, path, kinds, G_N_ELEMENTS (kinds), &kind);
}

/* request log */

void
_kf_sandbox_log_request (KfSandbox         *self,
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
  g_autoptr(GMutexLocker) locker = NULL;
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

  locker = g_mutex_locker_new (&self->lock);
  g_ptr_array_add (self->request_log, entry);
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
  g_autoptr(GMutexLocker) locker = NULL;

  self->api_server = soup_server_new ("server-header", "KenFiles-Sandbox ", NULL);
  _kf_sandbox_api_attach (self, self->api_server);
  soup_server_add_handler (self->api_server, NULL, _kf_sandbox_not_found_handler, self, NULL);

  self->file_server = soup_server_new ("server-header", "KenFiles-Sandbox-FS ", NULL);
  _kf_sandbox_upload_attach (self, self->file_server);
  _kf_sandbox_files_attach (self, self->file_server);
  soup_server_add_handler (self->file_server, NULL, _kf_sandbox_not_found_handler, self, NULL);

  self->session = soup_session_new_with_options ("user-agent", KF_USER_AGENT " (sandbox)",
                                                 "timeout", 60, NULL);
  self->cancellable = g_cancellable_new ();
  self->slow_replies = g_ptr_array_new_with_free_func (_kf_sandbox_slow_reply_free);

  if (!soup_server_listen_local (self->api_server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error) ||
      !soup_server_listen_local (self->file_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  g_free (self->url);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", server_port (self->api_server));
  g_free (self->file_url);
  self->file_url = g_strdup_printf ("http://127.0.0.1:%u", server_port (self->file_server));
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

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    self->thread_ready = TRUE;
    if (!ok)
      self->start_error = g_steal_pointer (&error);
    g_cond_broadcast (&self->cond);
  }

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

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    if (self->thread != NULL)
      g_return_val_if_reached (FALSE);
    self->requested_port = port;
    self->thread_ready = FALSE;
    self->context = g_main_context_new ();
    self->loop = g_main_loop_new (self->context, FALSE);
    self->thread = g_thread_new ("kf-sandbox", server_thread, self);
    while (!self->thread_ready)
      g_cond_wait (&self->cond, &self->lock);
    start_error = g_steal_pointer (&self->start_error);
  }

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

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    thread = g_steal_pointer (&self->thread);
  }
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
  g_autoptr(GMutexLocker) locker = NULL;
  Fault *entry;

  g_return_if_fail (KF_IS_SANDBOX (self));
  g_return_if_fail (fault <= KF_SANDBOX_FAULT_TOO_LARGE);

  entry = g_new0 (Fault, 1);
  entry->kind = fault;
  entry->path_prefix = g_strdup (path_prefix);
  entry->remaining = times;
  locker = g_mutex_locker_new (&self->lock);
  g_ptr_array_add (self->faults, entry);
}

void
kf_sandbox_clear_faults (KfSandbox *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (KF_IS_SANDBOX (self));
  locker = g_mutex_locker_new (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
}

void
kf_sandbox_set_slow_delay (KfSandbox *self,
                           guint      delay_ms)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (KF_IS_SANDBOX (self));
  locker = g_mutex_locker_new (&self->lock);
  self->slow_delay_ms = delay_ms;
}

void
kf_sandbox_set_premium (KfSandbox *self,
                        gboolean   premium)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (KF_IS_SANDBOX (self));
  locker = g_mutex_locker_new (&self->lock);
  self->premium = !!premium;
}

void
kf_sandbox_set_balance (KfSandbox *self,
                        double     balance)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (KF_IS_SANDBOX (self));
  locker = g_mutex_locker_new (&self->lock);
  self->balance = (gint64) (balance * UNITS_PER_CURRENCY + (balance < 0 ? -0.5 : 0.5));
}

void
kf_sandbox_set_operation_enabled (KfSandbox  *self,
                                  const char *operation,
                                  gboolean    enabled)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (KF_IS_SANDBOX (self));
  g_return_if_fail (operation != NULL);
  locker = g_mutex_locker_new (&self->lock);
  if (enabled)
    g_hash_table_remove (self->disabled_ops, operation);
  else
    g_hash_table_add (self->disabled_ops, g_strdup (operation));
}

void
kf_sandbox_set_remote_answer (KfSandbox             *self,
                              KfSandboxRemoteAnswer  answer)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (KF_IS_SANDBOX (self));
  g_return_if_fail (answer <= KF_SANDBOX_REMOTE_WORKING);
  locker = g_mutex_locker_new (&self->lock);
  self->remote_answer = answer;
}

double
kf_sandbox_get_balance (KfSandbox *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KF_IS_SANDBOX (self), 0.0);
  locker = g_mutex_locker_new (&self->lock);
  return (double) self->balance / UNITS_PER_CURRENCY;
}

GStrv
kf_sandbox_dup_vouchers (KfSandbox *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  builder = g_strv_builder_new ();
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    for (guint i = 0; i < self->vouchers->len; i++)
      g_strv_builder_add (builder, g_ptr_array_index (self->vouchers, i));
  }
  return g_strv_builder_end (builder);
}

GPtrArray *
kf_sandbox_list_files (KfSandbox *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GPtrArray *files;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  files = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_sandbox_file_free);
  locker = g_mutex_locker_new (&self->lock);
  for (guint i = 0; i < self->files->len; i++)
    g_ptr_array_add (files, file_copy (&((StoredFile *) g_ptr_array_index (self->files, i))->file));
  return files;
}

gboolean
kf_sandbox_set_file_uploaded (KfSandbox  *self,
                              const char *file_code,
                              GDateTime  *uploaded)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KF_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (file_code != NULL, FALSE);
  g_return_val_if_fail (uploaded != NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  for (guint i = 0; i < self->files->len; i++)
    {
      StoredFile *stored = g_ptr_array_index (self->files, i);

      if (g_strcmp0 (stored->file.file_code, file_code) != 0)
        continue;
      g_free (stored->uploaded);
      stored->uploaded = _kf_sandbox_format_time (uploaded);
      return TRUE;
    }
  return FALSE;
}

void
kf_sandbox_folder_free (KfSandboxFolder *folder)
{
  if (folder == NULL)
    return;
  g_free (folder->folder_id);
  g_free (folder->parent_id);
  g_free (folder->name);
  g_free (folder);
}

GPtrArray *
kf_sandbox_list_folders (KfSandbox *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GPtrArray *folders;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  folders = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_sandbox_folder_free);
  locker = g_mutex_locker_new (&self->lock);
  for (guint i = 0; i < self->folders->len; i++)
    {
      const Folder *folder = g_ptr_array_index (self->folders, i);
      KfSandboxFolder *copy = g_new0 (KfSandboxFolder, 1);

      copy->folder_id = g_strdup (folder->id);
      copy->parent_id = g_strdup (folder->parent_id);
      copy->name = g_strdup (folder->name);
      g_ptr_array_add (folders, copy);
    }
  return folders;
}

char *
kf_sandbox_add_folder (KfSandbox  *self,
                       const char *parent_id,
                       const char *name)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  if (parent_id == NULL)
    parent_id = "0";
  locker = g_mutex_locker_new (&self->lock);
  if (!_kf_sandbox_folder_exists (self, parent_id))
    return NULL;
  return g_strdup (_kf_sandbox_add_folder (self, parent_id, name)->id);
}

guint
kf_sandbox_get_n_incomplete_uploads (KfSandbox *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KF_IS_SANDBOX (self), 0);
  locker = g_mutex_locker_new (&self->lock);
  return self->n_incomplete;
}

GStrv
kf_sandbox_dup_request_log (KfSandbox *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (KF_IS_SANDBOX (self), NULL);
  builder = g_strv_builder_new ();
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    for (guint i = 0; i < self->request_log->len; i++)
      g_strv_builder_add (builder, ((LogEntry *) g_ptr_array_index (self->request_log, i))->text);
  }
  return g_strv_builder_end (builder);
}

guint
kf_sandbox_count_requests (KfSandbox  *self,
                           const char *path_prefix)
{
  g_autoptr(GMutexLocker) locker = NULL;
  guint n = 0;

  g_return_val_if_fail (KF_IS_SANDBOX (self), 0);
  locker = g_mutex_locker_new (&self->lock);
  for (guint i = 0; i < self->request_log->len; i++)
    {
      LogEntry *entry = g_ptr_array_index (self->request_log, i);

      if (path_prefix == NULL || g_str_has_prefix (entry->path, path_prefix))
        n++;
    }
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
                                             (GDestroyNotify) _kf_sandbox_remote_job_free);
  self->request_log = g_ptr_array_new_with_free_func ((GDestroyNotify) log_entry_free);
  self->downloads_per_day = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->disabled_ops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  _kf_sandbox_add_folder (self, "0", "Documents");
  _kf_sandbox_add_folder (self, "0", "Backups");
}
