/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The file host's downloads (direct links) and remote URL upload jobs. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "kf-sandbox-private.h"

void
_kf_sandbox_remote_job_free (RemoteJob *job)
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
      _kf_sandbox_store_file (self, job->file_code, job->name, job->received, final_path, job->folder_id, NULL);
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
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&job->self->lock);

      job->progress = (int) MIN (99, job->received * 100 / job->total);
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

char *
_kf_sandbox_start_remote_job (KfSandbox   *self,
                              const char  *url,
                              const char  *fld_id,
                              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  RemoteJob *job;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid URL");
      return NULL;
    }
  if (!host_is_loopback (g_uri_get_host (uri)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           "The sandbox only fetches URLs on this computer (127.0.0.1)");
      return NULL;
    }

  job = g_new0 (RemoteJob, 1);
  job->self = self;
  job->name = name_from_uri (uri);
  job->total = -1;
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    job->file_code = _kf_sandbox_new_file_code (self);
    job->folder_id = g_strdup (fld_id != NULL && _kf_sandbox_folder_exists (self, fld_id) ? fld_id : "0");
    job->status = g_strdup ("WORKING");
    job->part_path = g_strdup_printf ("%s/%s.part", self->data_dir, job->file_code);
    g_hash_table_insert (self->remote_jobs, job->file_code, job);
    self->n_remote_running++;
  }

  message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  /* the job lives in self->remote_jobs until the sandbox is finalized */
  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, self->cancellable,
                           remote_sent_cb, job);
  return g_strdup (job->file_code);
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

  _kf_sandbox_log_request (self, "files", msg, NULL);

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    has_fault = _kf_sandbox_take_fault_locked (self, path, primary_kinds,
                                               G_N_ELEMENTS (primary_kinds), &fault);
    slow = _kf_sandbox_take_slow_locked (self, path);
    stored = g_hash_table_lookup (self->files_by_code, code);
    if (stored != NULL)
      file_path = g_strdup (stored->file.path);
  }

  if (has_fault && _kf_sandbox_is_replacing_fault (fault))
    _kf_sandbox_send_fault (msg, fault);
  else if (g_strcmp0 (method, SOUP_METHOD_GET) != 0 && g_strcmp0 (method, SOUP_METHOD_HEAD) != 0)
    _kf_sandbox_send_html (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
  else if (file_path == NULL ||
           (mapped = g_mapped_file_new (file_path, FALSE, NULL)) == NULL)
    _kf_sandbox_send_html (msg, SOUP_STATUS_NOT_FOUND);
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
          g_autofree char *today = _kf_sandbox_today_string ();
          g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
          guint count;

          stored = g_hash_table_lookup (self->files_by_code, code);
          if (stored != NULL)
            stored->downloads++;
          count = GPOINTER_TO_UINT (g_hash_table_lookup (self->downloads_per_day, today));
          g_hash_table_insert (self->downloads_per_day, g_steal_pointer (&today),
                               GUINT_TO_POINTER (count + 1));
        }
    }

  if (has_fault && fault == KF_SANDBOX_FAULT_CUT_RESPONSE)
    _kf_sandbox_cut_connection (msg);
  else if (slow)
    _kf_sandbox_delay_response (self, msg);
}

void
_kf_sandbox_files_attach (KfSandbox  *self,
                          SoupServer *server)
{
  soup_server_add_handler (server, "/d", direct_link_handler, self, NULL);
}
