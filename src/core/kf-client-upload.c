/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "kf-client.h"
#include "kf-client-private.h"
#include "kf-json.h"
#include "kf-multipart-stream.h"
#include "kf-parse.h"
#include "kf-util.h"

/* Proxies in front of file hosts cap a request at about 100 MB: a cut
 * connection on a body this large is most likely that cap. */
#define BIG_BODY_BYTES ((goffset) 90 * 1000 * 1000)

/* After a lost answer, a stored file counts as ours if the server's clock
 * says it arrived during our attempt, give or take this much. */
#define LOOKUP_SLACK_S 120
/* Files listed per look-up (one name each). */
#define LOOKUP_PER_PAGE 100

#define FILE_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME

typedef struct {
  GFile            *file;
  GFileInputStream *stream;    /* open during an attempt */
  KfUploadResult   *result;    /* name, size, and what happened */
  gboolean          pending;   /* still to be sent */
} UploadFile;

typedef struct {
  KfClient          *client;
  GPtrArray         *files;    /* UploadFile* in the caller's order */
  KfUploadType       upload_type;
  gboolean           premium;
  char              *folder_id;
  KfProgressFunc     progress;
  gpointer           progress_data;
  GDestroyNotify     progress_destroy;

  guint              attempt;  /* 1-based, attempt being made */
  guint              n_opening;
  GPtrArray         *batch;    /* UploadFile* sent in this attempt (borrowed) */
  KfUploadServer    *server;
  KfMultipartStream *body;
  SoupMessage       *msg;
  GSocket           *nagle_socket; /* the body's connection while it coalesces writes */
  goffset            body_written;
  goffset            reported;
  GSource           *wait_source;

  /* Per attempt: cancelled by the caller, by the answer's deadline, or by
   * an answer we stop reading. */
  GCancellable      *caller_cancellable;
  gulong             caller_handler;
  GCancellable      *attempt_cancellable;
  GSource           *answer_deadline;
  guint              answer_deadline_s;
  gboolean           answer_timed_out;

  /* The whole body was written in this attempt: a lost answer may mean
   * the server stored the files anyway. */
  gboolean           body_sent;
  gint64             attempt_started_us;
  GError            *lost_answer;  /* why, while the files are looked up */
  gint64             lost_after_s; /* how long the attempt had taken */
} UploadData;

static void
upload_file_free (gpointer data)
{
  UploadFile *file = data;

  g_clear_object (&file->file);
  g_clear_object (&file->stream);
  g_clear_pointer (&file->result, kf_upload_result_free);
  g_free (file);
}

static void
end_nagle (UploadData *data)
{
  /* Back to libsoup's setting, which also sends a held tail at once. */
  if (data->nagle_socket != NULL && !g_socket_is_closed (data->nagle_socket))
    g_socket_set_option (data->nagle_socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  g_clear_object (&data->nagle_socket);
}

static void
close_body (UploadData *data)
{
  end_nagle (data);
  if (data->answer_deadline != NULL)
    {
      g_source_destroy (data->answer_deadline);
      g_clear_pointer (&data->answer_deadline, g_source_unref);
    }
  if (data->msg != NULL)
    g_signal_handlers_disconnect_by_data (data->msg, data);
  g_clear_object (&data->msg);

  /* Closes every file part; fails harmlessly if libsoup already did. */
  if (data->body != NULL)
    g_input_stream_close (G_INPUT_STREAM (data->body), NULL, NULL);
  g_clear_object (&data->body);

  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];

      if (file->stream != NULL)
        g_input_stream_close (G_INPUT_STREAM (file->stream), NULL, NULL);
      g_clear_object (&file->stream);
    }
  g_clear_pointer (&data->batch, g_ptr_array_unref);
  g_clear_pointer (&data->server, kf_upload_server_free);
}

static void
upload_data_free (gpointer user_data)
{
  UploadData *data = user_data;

  close_body (data);
  if (data->wait_source != NULL)
    {
      g_source_destroy (data->wait_source);
      g_clear_pointer (&data->wait_source, g_source_unref);
    }
  if (data->caller_handler != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_handler);
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->attempt_cancellable);
  g_clear_error (&data->lost_answer);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_clear_pointer (&data->folder_id, g_free);
  g_clear_object (&data->client);
  g_free (data);
}

static char *
display_name_of (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename == NULL)
    return g_file_get_parse_name (file);
  if (g_utf8_validate (basename, -1, NULL))
    return g_steal_pointer (&basename);
  return g_filename_display_name (basename);
}

static gboolean
is_cancelled (GTask *task)
{
  return g_cancellable_is_cancelled (g_task_get_cancellable (task));
}

static void
return_cancelled (GTask *task)
{
  close_body (g_task_get_task_data (task));
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                           _("The upload was cancelled."));
}

static void
return_error (GTask  *task,
              GError *error)
{
  close_body (g_task_get_task_data (task));
  g_task_return_error (task, error);
}

static void
return_results (GTask *task)
{
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_upload_result_free);

  close_body (data);
  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];

      g_ptr_array_add (results, g_steal_pointer (&file->result));
    }
  g_task_return_pointer (task, g_steal_pointer (&results), (GDestroyNotify) g_ptr_array_unref);
}

static void
report_progress (UploadData *data,
                 goffset     sent,
                 goffset     total)
{
  if (data->progress != NULL)
    data->progress (sent, total, data->progress_data);
}

static void start_attempt (GTask *task);

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  UploadData *data = user_data;
  GCancellable *attempt = data->attempt_cancellable;

  /* Thread-safe enough: a new attempt checks the caller's state itself. */
  if (attempt != NULL)
    g_cancellable_cancel (attempt);
}

static gboolean
on_retry_wait_done (gpointer user_data)
{
  GTask *task = user_data;
  UploadData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->wait_source, g_source_unref);

  if (is_cancelled (task))
    return_cancelled (task);
  else
    start_attempt (task);

  return G_SOURCE_REMOVE;
}

/* Returns FALSE when no attempt is left. */
static gboolean
schedule_retry (GTask        *task,
                const GError *reason)
{
  UploadData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint delay;
  GSource *source;

  if (data->attempt >= kf_client_get_max_attempts (data->client))
    return FALSE;

  close_body (data);
  delay = kf_client_get_backoff_ms (data->client, data->attempt);
  data->attempt++;
  g_debug ("Upload failed (%s); attempt %u of %u in %u ms", reason->message,
           data->attempt, kf_client_get_max_attempts (data->client), delay);

  source = g_timeout_source_new (delay);
  if (cancellable != NULL)
    {
      /* Cancelling ends the wait at once instead of after the delay. */
      g_autoptr(GSource) cancel_source = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancel_source);
      g_source_add_child_source (source, cancel_source);
    }
  g_source_set_static_name (source, "[kenfiles] upload retry backoff");
  g_task_attach_source (task, source, on_retry_wait_done);
  data->wait_source = source;
  return TRUE;
}

static gboolean
request_error_is_retryable (const GError *error)
{
  /* A garbled answer from the upload server is a proxy hiccup, not a verdict. */
  return kf_error_is_transient (error) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_PROTOCOL);
}

/* No attempt left for the files still pending. Files that did arrive
 * (in an earlier attempt, or found after a lost answer) keep their links;
 * the others get @error. */
static void
give_up (GTask  *task,
         GError *error)
{
  UploadData *data = g_task_get_task_data (task);
  gboolean any_done = FALSE;

  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];

      if (file->result->file_code != NULL)
        any_done = TRUE;
    }
  if (!any_done)
    {
      return_error (task, error);
      return;
    }

  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];

      if (!file->pending)
        continue;
      g_clear_error (&file->result->error);
      file->result->error = g_error_copy (error);
      file->pending = FALSE;
    }
  g_error_free (error);
  return_results (task);
}

static void look_up_lost_answer (GTask  *task,
                                 GError *error);

static void
fail_or_retry (GTask  *task,
               GError *error)
{
  UploadData *data = g_task_get_task_data (task);

  if (!request_error_is_retryable (error))
    {
      return_error (task, error);
      return;
    }
  if (data->body_sent)
    {
      look_up_lost_answer (task, error);
      return;
    }
  if (schedule_retry (task, error))
    {
      g_error_free (error);
      return;
    }
  give_up (task, error);
}

/* Looking up files after a lost answer.
 *
 * XFileSharing has no idempotency key: when the body was sent in full and
 * the answer lost (cut, timed out, a proxy's error page), the server may
 * have stored the files. Each pending file is looked up by name in the
 * target folder, and adopted when exactly one stored file has its name and
 * size and arrived during the attempt by the server's own clock (an older
 * file of the same name is another upload). Two pending files of one name
 * and size cannot be told apart, so they are sent again. If the host has
 * no file/list, or anything is uncertain, the files are sent again as
 * before: a duplicate is better than a link to the wrong file. */

typedef struct {
  GTask *task;
  guint  index;                    /* into data->files */
} LookupOp;

static void look_up_from (GTask *task,
                          guint  index);

static gboolean
pending_twin_exists (UploadData *data,
                     UploadFile *file)
{
  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *other = data->files->pdata[i];

      if (other != file && other->pending && other->result->size == file->result->size &&
          g_strcmp0 (other->result->name, file->result->name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
code_is_taken (UploadData *data,
               const char *file_code)
{
  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];

      if (g_strcmp0 (file->result->file_code, file_code) == 0)
        return TRUE;
    }
  return FALSE;
}

static const KfFileInfo *
find_arrived (UploadData       *data,
              UploadFile       *file,
              const KfFileList *list)
{
  const char *folder_id = data->folder_id != NULL && *data->folder_id != '\0' ? data->folder_id : "0";
  const KfFileInfo *found = NULL;
  g_autoptr(GDateTime) earliest = NULL;
  g_autoptr(GDateTime) latest = NULL;

  if (list->server_time == NULL)
    return NULL;
  earliest = g_date_time_add_seconds (list->server_time, -(double) (data->lost_after_s + LOOKUP_SLACK_S));
  latest = g_date_time_add_seconds (list->server_time, LOOKUP_SLACK_S);

  for (guint i = 0; i < list->files->len; i++)
    {
      const KfFileInfo *info = list->files->pdata[i];
      g_autoptr(GDateTime) uploaded = NULL;

      if (info->file_code == NULL || g_strcmp0 (info->name, file->result->name) != 0 ||
          info->size != file->result->size)
        continue;
      if (info->folder_id != NULL && g_strcmp0 (info->folder_id, folder_id) != 0)
        continue;
      uploaded = kf_parse_server_date (info->uploaded);
      if (uploaded == NULL || g_date_time_compare (uploaded, earliest) < 0 ||
          g_date_time_compare (uploaded, latest) > 0)
        continue;
      if (code_is_taken (data, info->file_code))
        continue;
      if (found != NULL)
        return NULL;               /* two candidates: not ours to pick */
      found = info;
    }
  return found;
}

static void
look_up_done (GTask *task)
{
  UploadData *data = g_task_get_task_data (task);
  GError *error = g_steal_pointer (&data->lost_answer);
  gboolean any_pending = FALSE;

  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];

      if (file->pending)
        any_pending = TRUE;
    }

  if (!any_pending)
    {
      g_error_free (error);
      return_results (task);
    }
  else if (schedule_retry (task, error))
    g_error_free (error);
  else
    give_up (task, error);
}

static void
on_lookup_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LookupOp *op = user_data;
  g_autoptr(GTask) task = op->task;
  guint index = op->index;
  UploadData *data = g_task_get_task_data (task);
  UploadFile *file = data->files->pdata[index];
  g_autoptr(GError) error = NULL;
  g_autoptr(KfFileList) list = kf_client_list_files_finish (KF_CLIENT (source), result, &error);
  const KfFileInfo *found;

  g_free (op);
  if (is_cancelled (task))
    {
      return_cancelled (task);
      return;
    }
  if (list == NULL)
    {
      /* No way to look: send again, as without a look-up. */
      g_debug ("Could not look up files after a lost answer: %s", error->message);
      look_up_done (task);
      return;
    }

  found = find_arrived (data, file, list);
  if (found != NULL)
    {
      g_debug ("The server stored a file whose answer was lost; adopting it");
      g_clear_error (&file->result->error);
      g_free (file->result->file_code);
      file->result->file_code = g_strdup (found->file_code);
      g_free (file->result->url);
      file->result->url = found->url != NULL ? g_strdup (found->url)
                                             : kf_client_build_file_url (data->client, found->file_code);
      file->pending = FALSE;
    }
  look_up_from (task, index + 1);
}

static void
look_up_from (GTask *task,
              guint  index)
{
  UploadData *data = g_task_get_task_data (task);
  const char *folder_id = data->folder_id != NULL && *data->folder_id != '\0' ? data->folder_id : "0";

  for (; index < data->files->len; index++)
    {
      UploadFile *file = data->files->pdata[index];
      LookupOp *op;

      if (!file->pending || pending_twin_exists (data, file))
        continue;

      op = g_new0 (LookupOp, 1);
      op->task = g_object_ref (task);
      op->index = index;
      kf_client_list_files_async (data->client, 1, LOOKUP_PER_PAGE, folder_id, file->result->name,
                                  g_task_get_cancellable (task), on_lookup_listed, op);
      return;
    }
  look_up_done (task);
}

static void
look_up_lost_answer (GTask  *task,
                     GError *error)
{
  UploadData *data = g_task_get_task_data (task);

  g_debug ("Upload answer lost after the whole body was sent (%s); looking for the files",
           error->message);
  close_body (data);
  data->body_sent = FALSE;
  data->lost_after_s = (g_get_monotonic_time () - data->attempt_started_us) / G_USEC_PER_SEC;
  g_clear_error (&data->lost_answer);
  data->lost_answer = error;
  look_up_from (task, 0);
}

static gboolean
result_is_transient (const KfUploadResult *result)
{
  return kf_error_is_transient (result->error) ||
         kf_parse_upload_status_is_transient (result->error->message);
}

/* The answer to the POST, or why there is none (@body NULL). */
static void
upload_answered (GTask        *task,
                 SoupMessage  *msg,
                 GBytes       *body,
                 const GError *transport_error)
{
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  const GError *read_error;
  gboolean retry_some = FALSE;
  GError *first_transient = NULL;

  g_signal_handlers_disconnect_by_data (msg, data);

  if (is_cancelled (task))
    {
      return_cancelled (task);
      return;
    }

  if (body == NULL && transport_error->domain == KF_ERROR)
    {
      /* Our own verdict on the answer (too large): final. */
      return_error (task, g_error_copy (transport_error));
      return;
    }

  if (body == NULL && kf_message_take_bad_length_error (msg, &error))
    {
      fail_or_retry (task, g_steal_pointer (&error));
      return;
    }

  if (body == NULL && data->answer_timed_out)
    {
      fail_or_retry (task, kf_client_new_timed_out_error (data->answer_deadline_s));
      return;
    }

  read_error = kf_multipart_stream_get_read_error (data->body);
  if (read_error != NULL)
    {
      return_error (task, g_error_new_literal (KF_ERROR, KF_ERROR_LOCAL_FILE, read_error->message));
      return;
    }

  if (body == NULL)
    {
      gboolean big = kf_multipart_stream_get_length (data->body) >= BIG_BODY_BYTES;

      fail_or_retry (task, kf_client_map_transport_error (transport_error, big));
      return;
    }

  g_debug ("Upload server answered HTTP %u with %" G_GSIZE_FORMAT " bytes",
           soup_message_get_status (msg), g_bytes_get_size (body));

  if (!kf_parse_check_http (soup_message_get_status (msg),
                            soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                            body, &error))
    {
      fail_or_retry (task, g_steal_pointer (&error));
      return;
    }

  results = kf_parse_upload_results (body, kf_client_get_server_url (data->client), &error);
  if (results == NULL)
    {
      fail_or_retry (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < data->batch->len; i++)
    {
      UploadFile *file = data->batch->pdata[i];
      KfUploadResult *answer = i < results->len ? results->pdata[i] : NULL;

      g_clear_error (&file->result->error);
      if (answer == NULL)
        {
          file->result->error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                                     _("The server did not say what happened to this file."));
          retry_some = TRUE;
          first_transient = first_transient != NULL ? first_transient : file->result->error;
          continue;
        }

      if (answer->error != NULL)
        {
          file->result->error = g_steal_pointer (&answer->error);
          if (result_is_transient (file->result))
            {
              retry_some = TRUE;
              first_transient = first_transient != NULL ? first_transient : file->result->error;
            }
          else
            file->pending = FALSE;
          continue;
        }

      g_free (file->result->file_code);
      file->result->file_code = g_steal_pointer (&answer->file_code);
      g_free (file->result->url);
      file->result->url = g_steal_pointer (&answer->url);
      if (file->result->url == NULL && file->result->file_code != NULL)
        file->result->url = kf_client_build_file_url (data->client, file->result->file_code);
      file->pending = FALSE;
    }

  /* Only the files that failed for a passing reason go again; the others
   * keep their error (transient ones too, once attempts run out). */
  if (retry_some && schedule_retry (task, first_transient))
    return;

  return_results (task);
}

typedef struct {
  GTask       *task;
  SoupMessage *msg;
} AnswerRead;

static void
on_upload_answer_read (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  AnswerRead *op = user_data;
  g_autoptr(GTask) task = op->task;
  g_autoptr(SoupMessage) msg = op->msg;
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = kf_read_bounded_finish (result, &error);

  g_free (op);
  if (body == NULL && data->attempt_cancellable != NULL)
    g_cancellable_cancel (data->attempt_cancellable);
  upload_answered (task, msg, body, error);
}

static void
on_upload_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadData *data = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  AnswerRead *op;

  if (stream == NULL)
    {
      upload_answered (task, msg, NULL, error);
      return;
    }

  op = g_new0 (AnswerRead, 1);
  op->task = g_steal_pointer (&task);
  op->msg = g_object_ref (msg);
  kf_read_bounded_async (stream, KF_JSON_MAX_BYTES, data->attempt_cancellable,
                         on_upload_answer_read, op);
}

static void
on_wrote_body_data (SoupMessage *msg,
                    guint        chunk_size,
                    gpointer     user_data)
{
  UploadData *data = user_data;
  goffset sent;

  data->body_written += chunk_size;
  sent = kf_multipart_stream_file_bytes_at (data->body, data->body_written);
  if (sent != data->reported)
    {
      data->reported = sent;
      report_progress (data, sent, kf_multipart_stream_get_file_bytes (data->body));
    }
}

/* libsoup's splice writes the body 8 KiB per call, and with TCP_NODELAY
 * (libsoup's setting) each call leaves as its own packet with a small tail
 * segment; the receiver then wakes per 8 KiB. While the body is written,
 * Nagle's algorithm lets the kernel join those writes into full segments;
 * wrote-body turns it off again before the response is awaited. */
static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  UploadData *data = user_data;
  g_autoptr(GIOStream) base = NULL;

  if (event != G_SOCKET_CLIENT_COMPLETE || connection == NULL)
    return;
  if (G_IS_TLS_CONNECTION (connection))
    g_object_get (connection, "base-io-stream", &base, NULL);
  else
    base = g_object_ref (connection);
  if (!G_IS_SOCKET_CONNECTION (base))
    return;

  g_set_object (&data->nagle_socket, g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)));
  if (!g_socket_set_option (data->nagle_socket, IPPROTO_TCP, TCP_NODELAY, 0, NULL))
    g_clear_object (&data->nagle_socket);
}

static gboolean
on_answer_deadline (gpointer user_data)
{
  UploadData *data = user_data;

  data->answer_timed_out = TRUE;
  g_clear_pointer (&data->answer_deadline, g_source_unref);
  g_cancellable_cancel (data->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_wrote_body (SoupMessage *msg,
               gpointer     user_data)
{
  UploadData *data = user_data;

  end_nagle (data);
  data->body_sent = TRUE;

  /* Sending took as long as it took (the idle timeout watched it); the
   * answer gets the same deadline as any API call. */
  data->answer_deadline_s = kf_client_get_deadline (data->client);
  if (data->answer_deadline_s > 0 && data->answer_deadline == NULL)
    {
      data->answer_deadline = g_timeout_source_new ((guint) MIN ((guint64) data->answer_deadline_s * 1000,
                                                                 G_MAXUINT));
      g_source_set_static_name (data->answer_deadline, "[kenfiles] upload answer deadline");
      g_source_set_callback (data->answer_deadline, on_answer_deadline, data, NULL);
      g_source_attach (data->answer_deadline, g_main_context_get_thread_default ());
    }
}

static void
send_body (GTask *task)
{
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GCancellable) send = NULL;
  g_autofree char *redacted = NULL;
  const char *scheme;

  uri = g_uri_parse (data->server->url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      fail_or_retry (task, g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                                _("The server gave an upload address that is not a web address.")));
      return;
    }

  data->body = kf_multipart_stream_new ();
  kf_multipart_stream_add_field (data->body, "sess_id", data->server->sess_id);
  kf_multipart_stream_add_field (data->body, "utype", data->premium ? "prem" : "reg");
  if (data->folder_id != NULL && *data->folder_id != '\0')
    kf_multipart_stream_add_field (data->body, "fld_id", data->folder_id);
  for (guint i = 0; i < data->batch->len; i++)
    {
      UploadFile *file = data->batch->pdata[i];
      g_autofree char *field = g_strdup_printf ("file_%u", i);

      kf_multipart_stream_add_file (data->body, field, file->result->name,
                                    "application/octet-stream",
                                    G_INPUT_STREAM (file->stream), file->result->size);
    }
  kf_multipart_stream_finish (data->body);
  kf_multipart_stream_set_rate_limit (data->body, kf_client_get_rate_limit (data->client));

  data->msg = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  /* The body cannot be replayed: never let libsoup resend it on a stale
   * keep-alive connection or follow a redirect with it. */
  soup_message_add_flags (data->msg, SOUP_MESSAGE_NEW_CONNECTION | SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_request_body (data->msg,
                                 kf_multipart_stream_get_content_type (data->body),
                                 G_INPUT_STREAM (data->body),
                                 kf_multipart_stream_get_length (data->body));
  /* libsoup emits this every 8 KiB; with no one to tell, skip the emission cost. */
  if (data->progress != NULL)
    g_signal_connect (data->msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), data);

  g_signal_connect (data->msg, "network-event", G_CALLBACK (on_network_event), data);
  g_signal_connect (data->msg, "wrote-body", G_CALLBACK (on_wrote_body), data);

  data->body_written = 0;
  data->reported = 0;
  report_progress (data, 0, kf_multipart_stream_get_file_bytes (data->body));

  redacted = kf_redact_url (data->server->url);
  g_debug ("POST %s: %u file(s), %" G_GOFFSET_FORMAT " bytes (attempt %u)", redacted,
           data->batch->len, kf_multipart_stream_get_length (data->body), data->attempt);

  g_clear_object (&data->attempt_cancellable);
  data->attempt_cancellable = g_cancellable_new ();
  if (g_cancellable_is_cancelled (data->caller_cancellable))
    g_cancellable_cancel (data->attempt_cancellable);
  data->answer_timed_out = FALSE;
  data->body_sent = FALSE;
  data->attempt_started_us = g_get_monotonic_time ();
  send = kf_send_cancellable_new (data->msg, data->attempt_cancellable);
  kf_message_guard_headers (data->msg, send);

  soup_session_send_async (kf_client_get_session (data->client), data->msg,
                           G_PRIORITY_DEFAULT, send, on_upload_sent, g_object_ref (task));
}

static void
on_upload_server (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->server = kf_client_get_upload_server_finish (KF_CLIENT (source), result, &error);
  if (is_cancelled (task))
    {
      return_cancelled (task);
      return;
    }
  /* The API call has done its own retries already. */
  if (data->server == NULL)
    {
      return_error (task, g_steal_pointer (&error));
      return;
    }

  send_body (task);
}

static void
set_local_error (UploadFile   *file,
                 const GError *error)
{
  g_clear_error (&file->result->error);
  file->result->error = g_error_new (KF_ERROR, KF_ERROR_LOCAL_FILE,
                                     _("Could not read “%s”: %s"),
                                     file->result->name, error->message);
  file->pending = FALSE;
  g_clear_object (&file->stream);
}

/* Every file has been opened (or failed to): ask for an upload server. */
static void
files_opened (GTask *task)
{
  UploadData *data = g_task_get_task_data (task);
  gboolean any_sent = FALSE;

  if (is_cancelled (task))
    {
      return_cancelled (task);
      return;
    }

  g_clear_pointer (&data->batch, g_ptr_array_unref);
  data->batch = g_ptr_array_new ();
  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];

      if (file->pending && file->stream != NULL)
        g_ptr_array_add (data->batch, file);
      if (file->result->error == NULL || file->result->error->code != KF_ERROR_LOCAL_FILE)
        any_sent = TRUE;
    }

  if (data->batch->len == 0)
    {
      UploadFile *first = data->files->pdata[0];

      /* Nothing could be read at all: that is the call's error. */
      if (!any_sent && first->result->error != NULL)
        return_error (task, g_error_copy (first->result->error));
      else
        return_results (task);
      return;
    }

  kf_client_get_upload_server_async (data->client, g_task_get_cancellable (task),
                                     on_upload_server, g_object_ref (task));
}

typedef struct {
  GTask      *task;
  UploadFile *file;
} OpenOp;

static void
open_op_done (OpenOp *op)
{
  UploadData *data = g_task_get_task_data (op->task);
  g_autoptr(GTask) task = op->task;

  g_free (op);
  g_assert (data->n_opening > 0);
  if (--data->n_opening == 0)
    files_opened (task);
}

static void
on_file_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (source), result, &error);
  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_local_error (op->file, error);
    }
  else if (!g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    {
      g_autoptr(GError) no_size = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                       _("its size is unknown"));
      set_local_error (op->file, no_size);
    }
  else
    {
      op->file->result->size = g_file_info_get_size (info);
      if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME))
        {
          g_free (op->file->result->name);
          op->file->result->name = g_strdup (g_file_info_get_display_name (info));
        }
    }

  open_op_done (op);
}

static void
on_file_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenOp *op = user_data;
  g_autoptr(GError) error = NULL;

  op->file->stream = g_file_read_finish (G_FILE (source), result, &error);
  if (op->file->stream == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_local_error (op->file, error);
      open_op_done (op);
      return;
    }

  /* Size from the open file itself, not from a path that may change. */
  g_file_input_stream_query_info_async (op->file->stream, FILE_ATTRIBUTES, G_PRIORITY_DEFAULT,
                                        g_task_get_cancellable (op->task), on_file_info, op);
}

static void
start_attempt (GTask *task)
{
  UploadData *data = g_task_get_task_data (task);

  g_assert (data->n_opening == 0);

  /* Hold one count ourselves so no callback can finish the round early. */
  data->n_opening = 1;
  for (guint i = 0; i < data->files->len; i++)
    {
      UploadFile *file = data->files->pdata[i];
      OpenOp *op;

      if (!file->pending)
        continue;
      op = g_new0 (OpenOp, 1);
      op->task = g_object_ref (task);
      op->file = file;
      data->n_opening++;
      g_file_read_async (file->file, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                         on_file_read, op);
    }

  if (--data->n_opening == 0)
    files_opened (task);
}

static void
on_account_info (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;

  info = kf_client_get_account_info_finish (KF_CLIENT (source), result, &error);
  if (is_cancelled (task))
    {
      return_cancelled (task);
      return;
    }
  if (info == NULL)
    {
      return_error (task, g_steal_pointer (&error));
      return;
    }

  data->premium = kf_account_info_is_premium (info);
  start_attempt (task);
}

void
kf_client_upload_async (KfClient            *self,
                        GFile *const        *files,
                        guint                n_files,
                        KfUploadType         upload_type,
                        const char          *folder_id,
                        KfProgressFunc       progress,
                        gpointer             progress_data,
                        GDestroyNotify       progress_destroy,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  UploadData *data;

  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  for (guint i = 0; i < n_files; i++)
    g_return_if_fail (G_IS_FILE (files[i]));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_client_upload_async);
  /* return_cancelled() closes the body first, then returns G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (UploadData, 1);
  data->client = g_object_ref (self);
  data->files = g_ptr_array_new_with_free_func (upload_file_free);
  data->upload_type = upload_type;
  data->folder_id = g_strdup (folder_id);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  data->attempt = 1;
  g_task_set_task_data (task, data, upload_data_free);
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                    data, NULL);
    }

  for (guint i = 0; i < n_files; i++)
    {
      UploadFile *file = g_new0 (UploadFile, 1);

      file->file = g_object_ref (files[i]);
      file->pending = TRUE;
      file->result = g_new0 (KfUploadResult, 1);
      file->result->name = display_name_of (files[i]);
      g_ptr_array_add (data->files, file);
    }

  if (n_files == 0)
    {
      return_results (task);
      return;
    }

  if (g_cancellable_is_cancelled (cancellable))
    {
      return_cancelled (task);
      return;
    }

  switch (upload_type)
    {
    case KF_UPLOAD_TYPE_PREMIUM:
      data->premium = TRUE;
      break;
    case KF_UPLOAD_TYPE_REGISTERED:
      data->premium = FALSE;
      break;
    case KF_UPLOAD_TYPE_AUTO:
    default:
      if (!kf_client_get_cached_premium (self, &data->premium))
        {
          /* Step 0: premium or not, judged by the server's clock. */
          kf_client_get_account_info_async (self, cancellable, on_account_info,
                                            g_steal_pointer (&task));
          return;
        }
      break;
    }

  start_attempt (task);
}

GPtrArray *
kf_client_upload_finish (KfClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_client_upload_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
