/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "kf-client.h"
#include "kf-client-private.h"
#include "kf-json.h"
#include "kf-parse.h"
#include "kf-util.h"

#define DEFAULT_MAX_CONNECTIONS 8
#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_DEADLINE_S 60
#define DEFAULT_IDLE_TIMEOUT_S 60
#define DEFAULT_MAX_ATTEMPTS 4
#define DEFAULT_RETRY_DELAY_MS 500
#define MAX_BACKOFF_MS 30000

struct _KfClient
{
  GObject      parent_instance;

  char        *server_url;
  GError      *server_url_error;
  char        *api_key;
  SoupSession *session;

  guint        max_connections;
  guint        timeout;
  guint        deadline;
  guint        idle_timeout;
  guint        max_attempts;
  guint        retry_delay_ms;
  KfRateLimit *rate_limit;

  gboolean     premium_known;
  gboolean     premium;
};

G_DEFINE_FINAL_TYPE (KfClient, kf_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_API_KEY,
  PROP_MAX_CONNECTIONS,
  PROP_TIMEOUT,
  PROP_DEADLINE,
  PROP_IDLE_TIMEOUT,
  PROP_MAX_ATTEMPTS,
  PROP_RETRY_DELAY_MS,
  PROP_RATE_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* Private API shared with kf-client-upload.c                                */

SoupSession *
kf_client_get_session (KfClient *self)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), NULL);

  return self->session;
}

guint
kf_client_get_max_attempts (KfClient *self)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), 1);

  return MAX (self->max_attempts, 1);
}

guint
kf_client_get_backoff_ms (KfClient *self,
                          guint     attempt)
{
  guint64 delay;
  guint64 cap;

  g_return_val_if_fail (KF_IS_CLIENT (self), 0);

  if (self->retry_delay_ms == 0)
    return 0;

  cap = MAX ((guint64) MAX_BACKOFF_MS, (guint64) self->retry_delay_ms);
  delay = self->retry_delay_ms;
  for (guint i = 1; i < attempt && delay < cap; i++)
    delay *= 2;
  delay = MIN (delay, cap);

  /* Half fixed, half random: spreads clients that failed together. */
  return (guint) (delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1));
}

gboolean
kf_client_get_cached_premium (KfClient *self,
                              gboolean *is_premium)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), FALSE);

  if (self->premium_known && is_premium != NULL)
    *is_premium = self->premium;
  return self->premium_known;
}

/* Errors where nothing reached the server: safe to call "not sent". */
static gboolean
error_is_before_sending (const GError *error)
{
  if (error->domain == G_RESOLVER_ERROR)
    return TRUE;
  if (error->domain == G_TLS_ERROR)
    return !g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_EOF);
  if (error->domain == G_IO_ERROR)
    switch (error->code)
      {
      case G_IO_ERROR_CONNECTION_REFUSED:
      case G_IO_ERROR_HOST_NOT_FOUND:
      case G_IO_ERROR_HOST_UNREACHABLE:
      case G_IO_ERROR_NETWORK_UNREACHABLE:
      case G_IO_ERROR_PROXY_FAILED:
      case G_IO_ERROR_PROXY_AUTH_FAILED:
      case G_IO_ERROR_PROXY_NEED_AUTH:
      case G_IO_ERROR_PROXY_NOT_ALLOWED:
        return TRUE;
      default:
        return FALSE;
      }
  return FALSE;
}

GError *
kf_client_map_transport_error (const GError *error,
                               gboolean      big_body)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == KF_ERROR)
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                _("The operation was cancelled."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new_literal (KF_ERROR, KF_ERROR_TIMED_OUT,
                                _("The server did not answer in time. Check your "
                                  "connection and try again."));

  if (error->domain == G_RESOLVER_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                _("The server’s name could not be found. Check "
                                  "your internet connection."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                _("The server refused the connection. It may be "
                                  "down; try again later."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                _("The server cannot be reached. Check your "
                                  "internet connection."));

  if (error->domain == G_IO_ERROR &&
      (error->code == G_IO_ERROR_PROXY_FAILED ||
       error->code == G_IO_ERROR_PROXY_AUTH_FAILED ||
       error->code == G_IO_ERROR_PROXY_NEED_AUTH ||
       error->code == G_IO_ERROR_PROXY_NOT_ALLOWED))
    return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                _("The network proxy could not connect to the "
                                  "server. Check your proxy settings."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
      g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_EOF))
    {
      /* Not a guess at the size: a server going down cuts big bodies too.
       * Only a 413 answer says the file is too large. */
      if (big_body)
        return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                    _("The connection to the server was lost while "
                                      "the file was being sent."));
      return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                  _("The connection to the server was closed "
                                    "unexpectedly."));
    }

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
      g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED))
    return g_error_new_literal (KF_ERROR, KF_ERROR_CERTIFICATE,
                                _("The server’s certificate is not trusted, so no "
                                  "secure connection was made. The connection may be "
                                  "intercepted, or the server is misconfigured."));

  if (error->domain == G_TLS_ERROR)
    return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                _("A secure connection to the server could not be "
                                  "established. The server’s certificate may be "
                                  "invalid, or the connection is being "
                                  "intercepted."));

  if (error->domain == SOUP_SESSION_ERROR)
    return g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                _("The server’s answer could not be understood."));

  if (error->domain == G_IO_ERROR)
    return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                                _("A network error stopped the request. Check "
                                  "your connection and try again."));

  return g_error_new_literal (KF_ERROR, KF_ERROR_NETWORK,
                              _("The request to the server failed."));
}

/* ------------------------------------------------------------------------ */
/* The one request helper behind every API call                               */

typedef gpointer (*KfCallParseFunc) (KfClient  *self,
                                     GBytes    *body,
                                     JsonNode  *root,
                                     GError   **error);

typedef struct {
  const char      *path;           /* after {server}/api/ */
  gboolean         raw_body;       /* parse gets the body; no envelope check */
  gboolean         spends_money;   /* never retried; lost answers are UNCERTAIN */
  KfCallParseFunc  parse;
  GDestroyNotify   free_result;
} KfCallSpec;

typedef struct {
  const KfCallSpec *spec;
  char             *key;           /* as sent, to scrub from server texts */
  char             *url;           /* of the current request (a redirect changes it) */
  char             *redacted_url;
  guint             attempt;       /* 1-based, attempt being made */
  guint             redirects;     /* same-origin redirects followed so far */
  GSource          *wait_source;

  /* Time limits: the whole call ends at deadline_us (monotonic, 0 = none). */
  guint             deadline_s;
  gint64            deadline_us;
  GSource          *deadline_source;
  gboolean          timed_out;

  /* Cancelled by the caller's cancellable, the deadline, or a bad answer;
   * one per attempt, so a bad answer does not end later attempts. */
  GCancellable     *caller_cancellable;
  gulong            caller_handler;
  GCancellable     *attempt_cancellable;
  gboolean          sent;          /* the current attempt's request went out */
} KfRequest;

static void
kf_request_free (gpointer data)
{
  KfRequest *request = data;

  if (request->wait_source != NULL)
    {
      g_source_destroy (request->wait_source);
      g_source_unref (request->wait_source);
    }
  if (request->deadline_source != NULL)
    {
      g_source_destroy (request->deadline_source);
      g_source_unref (request->deadline_source);
    }
  if (request->caller_handler != 0)
    g_cancellable_disconnect (request->caller_cancellable, request->caller_handler);
  g_clear_object (&request->caller_cancellable);
  g_clear_object (&request->attempt_cancellable);
  g_free (request->key);
  g_free (request->url);
  g_free (request->redacted_url);
  g_free (request);
}

/* ------------------------------------------------------------------------ */
/* Pieces shared with the upload: bounded reads, header checks, deadlines    */

typedef struct {
  GInputStream *stream;
  GByteArray   *data;
  gsize         max_bytes;
} BoundedRead;

static void
bounded_read_free (gpointer data)
{
  BoundedRead *read = data;

  g_clear_object (&read->stream);
  g_clear_pointer (&read->data, g_byte_array_unref);
  g_free (read);
}

#define BOUNDED_READ_CHUNK (64 * 1024)

static void bounded_read_next (GTask *task);

static void
on_bounded_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BoundedRead *read = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source),
                                                              result, &error);

  if (chunk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->data)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (g_bytes_get_size (chunk) > read->max_bytes - read->data->len)
    {
      /* Refused as soon as the limit is passed: a gzip bomb is never
       * inflated further than this. */
      g_autoptr(GError) too_large = NULL;

      kf_parse_set_answer_too_large (&too_large);
      g_task_return_error (task, g_steal_pointer (&too_large));
      return;
    }
  g_byte_array_append (read->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  bounded_read_next (g_steal_pointer (&task));
}

static void
bounded_read_next (GTask *task)
{
  BoundedRead *read = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (read->stream, BOUNDED_READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_bounded_read, task);
}

void
kf_read_bounded_async (GInputStream        *stream,
                       gsize                max_bytes,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BoundedRead *read;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_read_bounded_async);
  read = g_new0 (BoundedRead, 1);
  read->stream = g_object_ref (stream);
  read->data = g_byte_array_new ();
  read->max_bytes = max_bytes;
  g_task_set_task_data (task, read, bounded_read_free);
  bounded_read_next (g_steal_pointer (&task));
}

GBytes *
kf_read_bounded_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_read_bounded_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#define BAD_LENGTH_KEY "kf-bad-content-length"

static void
on_got_headers_check (SoupMessage *msg,
                      gpointer     user_data)
{
  GCancellable *cancellable = user_data;
  const char *length = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                     "Content-Length");
  g_autofree char *text = NULL;
  guint64 value;

  if (length == NULL)
    return;
  text = g_strstrip (g_strdup (length));
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    return;

  /* libsoup would hand this length to its body stream, which warns about a
   * negative one; stop before it reads the body. */
  g_object_set_data (G_OBJECT (msg), BAD_LENGTH_KEY, GINT_TO_POINTER (TRUE));
  g_cancellable_cancel (cancellable);
}

void
kf_message_guard_headers (SoupMessage  *msg,
                          GCancellable *cancellable)
{
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (G_IS_CANCELLABLE (cancellable));

  g_signal_connect_data (msg, "got-headers", G_CALLBACK (on_got_headers_check),
                         g_object_ref (cancellable), (GClosureNotify) (void (*) (void)) g_object_unref,
                         0);
}

typedef struct {
  gatomicrefcount  ref_count;
  GCancellable    *send;
  gint             got_headers;   /* atomic: @attempt may be cancelled in another thread */
} SendBridge;

static SendBridge *
send_bridge_ref (SendBridge *bridge)
{
  g_atomic_ref_count_inc (&bridge->ref_count);
  return bridge;
}

static void
send_bridge_unref (gpointer data)
{
  SendBridge *bridge = data;

  if (g_atomic_ref_count_dec (&bridge->ref_count))
    {
      g_object_unref (bridge->send);
      g_free (bridge);
    }
}

static void
send_bridge_got_headers_cb (SoupMessage *msg,
                            SendBridge  *bridge)
{
  g_atomic_int_set (&bridge->got_headers, TRUE);
}

static void
send_bridge_restarted_cb (SoupMessage *msg,
                          SendBridge  *bridge)
{
  /* Sent again (libsoup's own authentication, say): headers awaited again. */
  g_atomic_int_set (&bridge->got_headers, FALSE);
}

static void
send_bridge_attempt_cancelled_cb (GCancellable *attempt,
                                  SendBridge   *bridge)
{
  if (!g_atomic_int_get (&bridge->got_headers))
    g_cancellable_cancel (bridge->send);
}

GCancellable *
kf_send_cancellable_new (SoupMessage  *msg,
                         GCancellable *attempt)
{
  SendBridge *bridge;
  GCancellable *send;

  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), NULL);
  g_return_val_if_fail (G_IS_CANCELLABLE (attempt), NULL);

  send = g_cancellable_new ();
  bridge = g_new0 (SendBridge, 1);
  g_atomic_ref_count_init (&bridge->ref_count);
  bridge->send = g_object_ref (send);

  g_signal_connect_data (msg, "got-headers", G_CALLBACK (send_bridge_got_headers_cb),
                         send_bridge_ref (bridge), (GClosureNotify) (void (*) (void)) send_bridge_unref, 0);
  g_signal_connect_data (msg, "restarted", G_CALLBACK (send_bridge_restarted_cb),
                         send_bridge_ref (bridge), (GClosureNotify) (void (*) (void)) send_bridge_unref, 0);
  /* Runs at once if @attempt is cancelled already. */
  g_cancellable_connect (attempt, G_CALLBACK (send_bridge_attempt_cancelled_cb),
                         bridge, send_bridge_unref);
  return send;
}

gboolean
kf_message_take_bad_length_error (SoupMessage  *msg,
                                  GError      **error)
{
  if (g_object_get_data (G_OBJECT (msg), BAD_LENGTH_KEY) == NULL)
    return FALSE;

  g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                       _("The server’s answer gave an impossible length; it was not read."));
  return TRUE;
}

GError *
kf_client_new_timed_out_error (guint seconds)
{
  return g_error_new (KF_ERROR, KF_ERROR_TIMED_OUT,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "The server did not answer within %u second. Check "
                                   "your connection and try again.",
                                   "The server did not answer within %u seconds. Check "
                                   "your connection and try again.",
                                   seconds),
                      seconds);
}

/* ------------------------------------------------------------------------ */
/* The one request helper behind every API call                               */

static void request_send (GTask *task);

static void
task_return_cancelled (GTask *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                           _("The operation was cancelled."));
}

static gboolean
on_retry_wait_done (gpointer user_data)
{
  GTask *task = user_data;
  KfRequest *request = g_task_get_task_data (task);

  g_clear_pointer (&request->wait_source, g_source_unref);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    task_return_cancelled (task);
  else
    request_send (g_object_ref (task));

  return G_SOURCE_REMOVE;
}

/* Returns FALSE when the backoff wait would end after the deadline. */
static gboolean
schedule_retry (GTask *task)
{
  KfClient *self = g_task_get_source_object (task);
  KfRequest *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint delay = kf_client_get_backoff_ms (self, request->attempt);
  GSource *source;

  if (request->deadline_us != 0 &&
      g_get_monotonic_time () + (gint64) delay * 1000 >= request->deadline_us)
    return FALSE;

  request->attempt++;
  g_debug ("Retrying %s in %u ms (attempt %u of %u)", request->redacted_url,
           delay, request->attempt, kf_client_get_max_attempts (self));

  source = g_timeout_source_new (delay);
  if (cancellable != NULL)
    {
      /* Cancelling wakes the wait at once instead of after the delay. */
      g_autoptr(GSource) cancel_source = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancel_source);
      g_source_add_child_source (source, cancel_source);
    }
  g_source_set_static_name (source, "[kenfiles] retry backoff");
  g_task_attach_source (task, source, on_retry_wait_done);
  request->wait_source = source;
  return TRUE;
}

/* Why the server's HTTP error makes a money-spending call uncertain. */
static gboolean
http_error_may_have_happened (const GError *error)
{
  return g_error_matches (error, KF_ERROR, KF_ERROR_SERVER) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_PROTOCOL);
}

static void
set_uncertain_error (GError **error)
{
  g_clear_error (error);
  g_set_error_literal (error, KF_ERROR, KF_ERROR_UNCERTAIN,
                       _("The answer from the server was lost. The voucher may "
                         "have been created and paid for: check your balance "
                         "and your vouchers on the website before trying "
                         "again."));
}

/* Ends the call with @error, or retries. Takes @error. */
static void
request_fail (GTask   *task,
              GError  *error,
              gboolean retryable)
{
  KfClient *self = g_task_get_source_object (task);
  KfRequest *request = g_task_get_task_data (task);

  g_assert (error != NULL);

  /* A server that echoes the key in its message must not leak it to a UI. */
  if (strstr (error->message, request->key) != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (error->message, request->key, -1);

      g_free (error->message);
      error->message = g_strjoinv ("…", parts);
    }

  if (retryable && !request->spec->spends_money &&
      request->attempt < kf_client_get_max_attempts (self) &&
      schedule_retry (task))
    {
      g_error_free (error);
      return;
    }

  g_task_return_error (task, error);
}

/* The attempt's own operation failed (or was cancelled): say why. */
static void
request_fail_transport (GTask        *task,
                        SoupMessage  *msg,
                        const GError *transport_error)
{
  KfRequest *request = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      task_return_cancelled (task);
      return;
    }

  if (kf_message_take_bad_length_error (msg, &error))
    {
      if (request->spec->spends_money)
        set_uncertain_error (&error);
      request_fail (task, error, FALSE);
      return;
    }

  if (request->timed_out)
    {
      error = kf_client_new_timed_out_error (request->deadline_s);
      if (request->spec->spends_money && request->sent)
        set_uncertain_error (&error);
      request_fail (task, error, FALSE);
      return;
    }

  error = kf_client_map_transport_error (transport_error, FALSE);
  g_debug ("%s failed: %s", request->redacted_url, error->message);
  if (request->spec->spends_money && !error_is_before_sending (transport_error))
    set_uncertain_error (&error);
  request_fail (task, error, kf_error_is_transient (error));
}

static void
request_process_body (GTask       *task,
                      SoupMessage *msg,
                      GBytes      *body)
{
  KfClient *self = g_task_get_source_object (task);
  KfRequest *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean retryable = FALSE;
  gpointer value = NULL;

  g_debug ("%s answered HTTP %u with %" G_GSIZE_FORMAT " bytes",
           request->redacted_url, status, g_bytes_get_size (body));

  if (!kf_parse_check_http (status, soup_message_headers_get_content_type (headers, NULL),
                            body, &error))
    {
      retryable = kf_error_is_transient (error);
      if (request->spec->spends_money && http_error_may_have_happened (error))
        set_uncertain_error (&error);
    }
  else if (request->spec->raw_body)
    {
      value = request->spec->parse (self, body, NULL, &error);
      if (value == NULL && request->spec->spends_money &&
          http_error_may_have_happened (error))
        set_uncertain_error (&error);
    }
  else if ((root = kf_parse_envelope (body, &error)) == NULL)
    {
      /* A body that is not JSON at all is usually a proxy hiccup. */
      retryable = kf_error_is_transient (error) ||
                  g_error_matches (error, KF_ERROR, KF_ERROR_PROTOCOL);
    }
  else
    value = request->spec->parse (self, body, root, &error);

  if (value != NULL)
    {
      g_task_return_pointer (task, value, request->spec->free_result);
      return;
    }

  request_fail (task, g_steal_pointer (&error), retryable);
}

typedef struct {
  GTask       *task;
  SoupMessage *msg;
} BodyRead;

static void
on_request_body (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BodyRead *op = user_data;
  g_autoptr(GTask) task = op->task;
  g_autoptr(SoupMessage) msg = op->msg;
  KfRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = kf_read_bounded_finish (result, &error);

  g_free (op);

  if (body == NULL)
    {
      /* Drop the rest of the answer with its connection. */
      g_cancellable_cancel (request->attempt_cancellable);
      if (error->domain == KF_ERROR)
        {
          GError *final = g_steal_pointer (&error);

          if (request->spec->spends_money)
            set_uncertain_error (&final);
          request_fail (task, final, FALSE);
        }
      else
        request_fail_transport (task, msg, error);
      return;
    }

  request_process_body (task, msg, body);
}

static gboolean
uri_same_origin (GUri *a,
                 GUri *b)
{
  const char *scheme_a = g_uri_get_scheme (a);
  const char *scheme_b = g_uri_get_scheme (b);
  int port_a = g_uri_get_port (a);
  int port_b = g_uri_get_port (b);
  gboolean https_a = g_ascii_strcasecmp (scheme_a, "https") == 0;
  gboolean https_b = g_ascii_strcasecmp (scheme_b, "https") == 0;

  if (port_a == -1)
    port_a = https_a ? 443 : 80;
  if (port_b == -1)
    port_b = https_b ? 443 : 80;

  return g_ascii_strcasecmp (scheme_a, scheme_b) == 0 &&
         g_uri_get_host (a) != NULL && g_uri_get_host (b) != NULL &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         port_a == port_b;
}

#define MAX_REDIRECTS 5

/* Returns TRUE when @msg was a redirect and has been dealt with. */
static gboolean
request_handle_redirect (GTask       *task,
                         SoupMessage *msg)
{
  KfRequest *request = g_task_get_task_data (task);
  guint status = soup_message_get_status (msg);
  const char *location;
  g_autoptr(GUri) target = NULL;
  GError *error = NULL;

  if (!SOUP_STATUS_IS_REDIRECTION (status))
    return FALSE;
  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  if (location == NULL)
    return FALSE;

  /* Its body is not wanted: drop it with the connection. */
  g_cancellable_cancel (request->attempt_cancellable);

  if (request->spec->spends_money)
    {
      error = g_error_new_literal (KF_ERROR, KF_ERROR_UNCERTAIN,
                                   _("The server answered the purchase with a redirect, "
                                     "which is never followed for a purchase. The voucher "
                                     "may have been created: check your balance and your "
                                     "vouchers on the website before trying again."));
      request_fail (task, error, FALSE);
      return TRUE;
    }

  target = g_uri_parse_relative (soup_message_get_uri (msg), location, SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL || !uri_same_origin (soup_message_get_uri (msg), target))
    {
      if (target != NULL && g_ascii_strcasecmp (g_uri_get_scheme (target), "http") == 0 &&
          g_ascii_strcasecmp (g_uri_get_scheme (soup_message_get_uri (msg)), "https") == 0)
        error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                     _("The server sent the request on to an unencrypted "
                                       "address. It was not followed, so that nothing is "
                                       "sent in the clear."));
      else
        error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                     _("The server sent the request on to another address. "
                                       "It was not followed: KenFiles only talks to the "
                                       "server you set."));
      request_fail (task, error, FALSE);
      return TRUE;
    }

  if (++request->redirects > MAX_REDIRECTS)
    {
      error = g_error_new_literal (KF_ERROR, KF_ERROR_PROTOCOL,
                                   _("The server sent the request on too many times."));
      request_fail (task, error, FALSE);
      return TRUE;
    }

  g_free (request->url);
  request->url = g_uri_to_string (target);
  g_free (request->redacted_url);
  request->redacted_url = kf_redact_url (request->url);
  request_send (g_object_ref (task));
  return TRUE;
}

static void
on_request_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KfRequest *request = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  BodyRead *op;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      request_fail_transport (task, msg, error);
      return;
    }

  if (request_handle_redirect (task, msg))
    return;

  op = g_new0 (BodyRead, 1);
  op->task = g_steal_pointer (&task);
  op->msg = g_object_ref (msg);
  kf_read_bounded_async (stream, KF_JSON_MAX_BYTES, request->attempt_cancellable,
                         on_request_body, op);
}

static void
on_wrote_headers (SoupMessage *msg,
                  gpointer     user_data)
{
  KfRequest *request = user_data;

  request->sent = TRUE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  KfRequest *request = user_data;

  /* May run in another thread: only cancel, which is thread-safe. */
  g_cancellable_cancel (request->attempt_cancellable);
}

static gboolean
on_deadline (gpointer user_data)
{
  KfRequest *request = user_data;

  request->timed_out = TRUE;
  g_clear_pointer (&request->deadline_source, g_source_unref);
  if (request->attempt_cancellable != NULL)
    g_cancellable_cancel (request->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
request_send (GTask *task)
{
  KfClient *self = g_task_get_source_object (task);
  KfRequest *request = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GCancellable) previous = NULL;
  g_autoptr(GCancellable) send = NULL;

  if (request->timed_out)
    {
      request_fail (task, kf_client_new_timed_out_error (request->deadline_s), FALSE);
      g_object_unref (task);
      return;
    }

  msg = soup_message_new ("GET", request->url);
  g_assert (msg != NULL);

  /* Redirects are ours to judge (same origin only, none for a purchase). */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  /* libsoup replays idempotent requests that die on a reused connection;
   * a voucher must be sent at most once, so give it a fresh one. */
  if (request->spec->spends_money)
    soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION);

  previous = g_steal_pointer (&request->attempt_cancellable);
  request->attempt_cancellable = g_cancellable_new ();
  if (g_cancellable_is_cancelled (request->caller_cancellable))
    g_cancellable_cancel (request->attempt_cancellable);
  request->sent = FALSE;
  send = kf_send_cancellable_new (msg, request->attempt_cancellable);
  kf_message_guard_headers (msg, send);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), request);

  g_debug ("GET %s (attempt %u)", request->redacted_url, request->attempt);
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, send, on_request_sent, task);
}

/* @params: name/value pairs ended by a NULL name; a NULL value skips its
 * pair. @key_override replaces the API key (reseller key). */
static void
kf_client_call (KfClient            *self,
                const KfCallSpec    *spec,
                const char * const  *params,
                const char          *key_override,
                GCancellable        *cancellable,
                gpointer             source_tag,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) url = NULL;
  g_autofree char *escaped_key = NULL;
  const char *key;
  KfRequest *request;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);

  if (self->server_url_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->server_url_error));
      return;
    }

  key = key_override != NULL && *key_override != '\0' ? key_override : self->api_key;
  if (key == NULL || *key == '\0')
    {
      g_task_return_new_error (task, KF_ERROR, KF_ERROR_NO_KEY, "%s",
                               _("No API key is set. Add your KenFiles API key "
                                 "from your account settings first."));
      return;
    }

  if (g_cancellable_is_cancelled (cancellable))
    {
      task_return_cancelled (task);
      return;
    }

  escaped_key = g_uri_escape_string (key, NULL, FALSE);
  url = g_string_new (self->server_url);
  g_string_append_printf (url, "/api/%s?key=%s", spec->path, escaped_key);
  for (guint i = 0; params != NULL && params[i] != NULL; i += 2)
    {
      g_autofree char *value = NULL;

      if (params[i + 1] == NULL)
        continue;
      value = g_uri_escape_string (params[i + 1], NULL, FALSE);
      g_string_append_printf (url, "&%s=%s", params[i], value);
    }

  request = g_new0 (KfRequest, 1);
  request->spec = spec;
  request->key = g_strdup (key);
  request->url = g_string_free (g_steal_pointer (&url), FALSE);
  request->redacted_url = kf_redact_url (request->url);
  request->attempt = 1;
  g_task_set_task_data (task, request, kf_request_free);

  request->attempt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      request->caller_cancellable = g_object_ref (cancellable);
      request->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                       request, NULL);
    }

  request->deadline_s = self->deadline;
  if (self->deadline > 0)
    {
      /* Not holding the task: freed with the request, whatever happens. */
      request->deadline_us = g_get_monotonic_time () + (gint64) self->deadline * G_USEC_PER_SEC;
      request->deadline_source = g_timeout_source_new ((guint) MIN ((guint64) self->deadline * 1000,
                                                                    G_MAXUINT));
      g_source_set_static_name (request->deadline_source, "[kenfiles] call deadline");
      g_source_set_callback (request->deadline_source, on_deadline, request, NULL);
      g_source_attach (request->deadline_source, g_task_get_context (task));
    }

  request_send (g_steal_pointer (&task));
}

static gpointer
kf_client_call_finish (KfClient      *self,
                       GAsyncResult  *result,
                       gpointer       source_tag,
                       GError       **error)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Per-call parsing                                                            */

static gpointer
call_parse_account_info (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  KfAccountInfo *info = kf_parse_account_info (root, error);

  if (info != NULL)
    {
      self->premium_known = TRUE;
      self->premium = kf_account_info_is_premium (info);
    }
  return info;
}

static gpointer
call_parse_stats (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_stats (root, error);
}

static gpointer
call_parse_upload_server (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_upload_server (root, error);
}

static gpointer
call_parse_remote_upload (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_remote_upload (root, error);
}

static gpointer
call_parse_remote_status (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_remote_status (root, self->server_url, error);
}

static gpointer
call_parse_direct_link (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_direct_link (root, error);
}

static gpointer
call_parse_voucher (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_voucher (body, error);
}

static gpointer
call_parse_file_info (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_file_info (root, self->server_url, error);
}

static gpointer
call_parse_file_list (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_file_list (root, self->server_url, error);
}

static gpointer
call_parse_folder_list (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_folder_list (root, self->server_url, error);
}

static gpointer
call_parse_folder_create (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_folder_create (root, error);
}

static gpointer
call_parse_file_clone (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  return kf_parse_file_clone (root, self->server_url, error);
}

static gpointer
call_parse_done (KfClient *self, GBytes *body, JsonNode *root, GError **error)
{
  /* The envelope already said OK; any non-NULL pointer means success. */
  return GINT_TO_POINTER (1);
}

typedef enum {
  CALL_ACCOUNT_INFO,
  CALL_ACCOUNT_STATS,
  CALL_UPLOAD_SERVER,
  CALL_REMOTE_UPLOAD,
  CALL_REMOTE_STATUS,
  CALL_DIRECT_LINK,
  CALL_VOUCHER,
  CALL_FILE_INFO,
  CALL_FILE_LIST,
  CALL_FOLDER_LIST,
  CALL_FOLDER_CREATE,
  CALL_FILE_RENAME,
  CALL_FILE_SET_FOLDER,
  CALL_FILE_CLONE,
  CALL_FOLDER_RENAME,
} KfCall;

static const KfCallSpec calls[] = {
  [CALL_ACCOUNT_INFO] = { "account/info", FALSE, FALSE, call_parse_account_info,
                          (GDestroyNotify) kf_account_info_free },
  [CALL_ACCOUNT_STATS] = { "account/stats", FALSE, FALSE, call_parse_stats,
                           (GDestroyNotify) kf_stats_free },
  [CALL_UPLOAD_SERVER] = { "upload/server", FALSE, FALSE, call_parse_upload_server,
                           (GDestroyNotify) kf_upload_server_free },
  [CALL_REMOTE_UPLOAD] = { "upload/url", FALSE, FALSE, call_parse_remote_upload, g_free },
  [CALL_REMOTE_STATUS] = { "upload/url", FALSE, FALSE, call_parse_remote_status,
                           (GDestroyNotify) kf_remote_status_free },
  [CALL_DIRECT_LINK] = { "file/direct_link", FALSE, FALSE, call_parse_direct_link,
                         (GDestroyNotify) kf_direct_link_free },
  [CALL_VOUCHER] = { "reseller/create", TRUE, TRUE, call_parse_voucher, g_free },
  [CALL_FILE_INFO] = { "file/info", FALSE, FALSE, call_parse_file_info,
                       (GDestroyNotify) g_ptr_array_unref },
  [CALL_FILE_LIST] = { "file/list", FALSE, FALSE, call_parse_file_list,
                       (GDestroyNotify) kf_file_list_free },
  [CALL_FOLDER_LIST] = { "folder/list", FALSE, FALSE, call_parse_folder_list,
                         (GDestroyNotify) kf_folder_list_free },
  [CALL_FOLDER_CREATE] = { "folder/create", FALSE, FALSE, call_parse_folder_create, g_free },
  [CALL_FILE_RENAME] = { "file/rename", FALSE, FALSE, call_parse_done, NULL },
  [CALL_FILE_SET_FOLDER] = { "file/set_folder", FALSE, FALSE, call_parse_done, NULL },
  [CALL_FILE_CLONE] = { "file/clone", FALSE, FALSE, call_parse_file_clone,
                        (GDestroyNotify) kf_file_info_free },
  [CALL_FOLDER_RENAME] = { "folder/rename", FALSE, FALSE, call_parse_done, NULL },
};

#define PARAMS(...) ((const char * const []) { __VA_ARGS__, NULL })

/* ------------------------------------------------------------------------ */
/* Public API                                                                  */

void
kf_client_get_account_info_async (KfClient            *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));

  kf_client_call (self, &calls[CALL_ACCOUNT_INFO], NULL, NULL, cancellable,
                  kf_client_get_account_info_async, callback, user_data);
}

KfAccountInfo *
kf_client_get_account_info_finish (KfClient      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_get_account_info_async, error);
}

void
kf_client_get_account_stats_async (KfClient            *self,
                                   guint                days,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *last = days > 0 ? g_strdup_printf ("%u", days) : NULL;

  g_return_if_fail (KF_IS_CLIENT (self));

  kf_client_call (self, &calls[CALL_ACCOUNT_STATS], PARAMS ("last", last), NULL,
                  cancellable, kf_client_get_account_stats_async, callback, user_data);
}

KfStats *
kf_client_get_account_stats_finish (KfClient      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_get_account_stats_async, error);
}

void
kf_client_get_upload_server_async (KfClient            *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));

  kf_client_call (self, &calls[CALL_UPLOAD_SERVER], NULL, NULL, cancellable,
                  kf_client_get_upload_server_async, callback, user_data);
}

KfUploadServer *
kf_client_get_upload_server_finish (KfClient      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_get_upload_server_async, error);
}

void
kf_client_remote_upload_async (KfClient            *self,
                               const char          *url,
                               const char          *folder_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (url != NULL);

  kf_client_call (self, &calls[CALL_REMOTE_UPLOAD],
                  PARAMS ("url", url, "fld_id", folder_id), NULL, cancellable,
                  kf_client_remote_upload_async, callback, user_data);
}

char *
kf_client_remote_upload_finish (KfClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_remote_upload_async, error);
}

void
kf_client_remote_status_async (KfClient            *self,
                               const char          *file_code,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (file_code != NULL);

  kf_client_call (self, &calls[CALL_REMOTE_STATUS], PARAMS ("file_code", file_code),
                  NULL, cancellable, kf_client_remote_status_async, callback, user_data);
}

KfRemoteStatus *
kf_client_remote_status_finish (KfClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_remote_status_async, error);
}

void
kf_client_get_direct_link_async (KfClient            *self,
                                 const char          *file_code,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (file_code != NULL);

  kf_client_call (self, &calls[CALL_DIRECT_LINK], PARAMS ("file_code", file_code),
                  NULL, cancellable, kf_client_get_direct_link_async, callback, user_data);
}

KfDirectLink *
kf_client_get_direct_link_finish (KfClient      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_get_direct_link_async, error);
}

void
kf_client_create_voucher_async (KfClient            *self,
                                const char          *plan,
                                const char          *reseller_key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (plan != NULL);

  kf_client_call (self, &calls[CALL_VOUCHER], PARAMS ("t", plan), reseller_key,
                  cancellable, kf_client_create_voucher_async, callback, user_data);
}

char *
kf_client_create_voucher_finish (KfClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_create_voucher_async, error);
}

void
kf_client_get_file_info_async (KfClient            *self,
                               const char * const  *file_codes,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *joined = NULL;

  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (file_codes != NULL && file_codes[0] != NULL);

  joined = g_strjoinv (",", (GStrv) file_codes);
  kf_client_call (self, &calls[CALL_FILE_INFO], PARAMS ("file_code", joined), NULL,
                  cancellable, kf_client_get_file_info_async, callback, user_data);
}

GPtrArray *
kf_client_get_file_info_finish (KfClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_get_file_info_async, error);
}

void
kf_client_list_files_async (KfClient            *self,
                            guint                page,
                            guint                per_page,
                            const char          *folder_id,
                            const char          *name_filter,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *page_text = g_strdup_printf ("%u", MAX (page, 1));
  g_autofree char *per_page_text = per_page > 0 ? g_strdup_printf ("%u", per_page) : NULL;

  g_return_if_fail (KF_IS_CLIENT (self));

  kf_client_call (self, &calls[CALL_FILE_LIST],
                  PARAMS ("page", page_text, "per_page", per_page_text,
                          "fld_id", folder_id, "name", name_filter),
                  NULL, cancellable, kf_client_list_files_async, callback, user_data);
}

KfFileList *
kf_client_list_files_finish (KfClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_list_files_async, error);
}

void
kf_client_list_folder_async (KfClient            *self,
                             const char          *folder_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));

  kf_client_call (self, &calls[CALL_FOLDER_LIST],
                  PARAMS ("fld_id", folder_id != NULL ? folder_id : "0"), NULL,
                  cancellable, kf_client_list_folder_async, callback, user_data);
}

KfFolderList *
kf_client_list_folder_finish (KfClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_list_folder_async, error);
}

void
kf_client_create_folder_async (KfClient            *self,
                               const char          *parent_id,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (name != NULL);

  kf_client_call (self, &calls[CALL_FOLDER_CREATE],
                  PARAMS ("parent_id", parent_id != NULL ? parent_id : "0", "name", name),
                  NULL, cancellable, kf_client_create_folder_async, callback, user_data);
}

char *
kf_client_create_folder_finish (KfClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_create_folder_async, error);
}

void
kf_client_rename_file_async (KfClient            *self,
                             const char          *file_code,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (file_code != NULL);
  g_return_if_fail (name != NULL);

  kf_client_call (self, &calls[CALL_FILE_RENAME],
                  PARAMS ("file_code", file_code, "name", name), NULL, cancellable,
                  kf_client_rename_file_async, callback, user_data);
}

gboolean
kf_client_rename_file_finish (KfClient      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_rename_file_async, error) != NULL;
}

void
kf_client_move_files_async (KfClient            *self,
                            const char * const  *file_codes,
                            const char          *folder_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *joined = NULL;

  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (file_codes != NULL && file_codes[0] != NULL);
  g_return_if_fail (folder_id != NULL);

  joined = g_strjoinv (",", (GStrv) file_codes);
  kf_client_call (self, &calls[CALL_FILE_SET_FOLDER],
                  PARAMS ("file_code", joined, "fld_id", folder_id), NULL, cancellable,
                  kf_client_move_files_async, callback, user_data);
}

gboolean
kf_client_move_files_finish (KfClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_move_files_async, error) != NULL;
}

typedef struct {
  char       *folder_id;
  KfFileInfo *copy;
} CloneData;

static void
clone_data_free (CloneData *data)
{
  g_free (data->folder_id);
  g_clear_pointer (&data->copy, kf_file_info_free);
  g_free (data);
}

static void
clone_moved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CloneData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!kf_client_move_files_finish (KF_CLIENT (object), result, &error))
    {
      g_task_return_new_error (task, error->domain, error->code,
                               /* TRANSLATORS: %s is the copy's code, then the reason */
                               _("The copy %s was made beside the original, but could not be moved: %s"),
                               data->copy->file_code, error->message);
      return;
    }
  data->copy->folder_id = g_strdup (data->folder_id);
  g_task_return_pointer (task, g_steal_pointer (&data->copy), (GDestroyNotify) kf_file_info_free);
}

static void
clone_made_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CloneData *data = g_task_get_task_data (task);
  GError *error = NULL;
  const char *codes[2] = { NULL, NULL };
  GCancellable *cancellable;

  data->copy = kf_client_call_finish (KF_CLIENT (object), result, clone_made_cb, &error);
  if (data->copy == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->folder_id == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->copy), (GDestroyNotify) kf_file_info_free);
      return;
    }
  codes[0] = data->copy->file_code;
  cancellable = g_task_get_cancellable (task);
  kf_client_move_files_async (KF_CLIENT (object), codes, data->folder_id, cancellable,
                              clone_moved_cb, g_steal_pointer (&task));
}

void
kf_client_clone_file_async (KfClient            *self,
                            const char          *file_code,
                            const char          *folder_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CloneData *data;

  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (file_code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_client_clone_file_async);
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (CloneData, 1);
  data->folder_id = g_strdup (folder_id);
  g_task_set_task_data (task, data, (GDestroyNotify) clone_data_free);

  /* Hosts differ on whether file/clone takes a folder; set_folder is the
   * one every host of this software documents. */
  kf_client_call (self, &calls[CALL_FILE_CLONE], PARAMS ("file_code", file_code), NULL,
                  cancellable, clone_made_cb, clone_made_cb, g_steal_pointer (&task));
}

KfFileInfo *
kf_client_clone_file_finish (KfClient      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_client_clone_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kf_client_rename_folder_async (KfClient            *self,
                               const char          *folder_id,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (folder_id != NULL);
  g_return_if_fail (name != NULL);

  kf_client_call (self, &calls[CALL_FOLDER_RENAME],
                  PARAMS ("fld_id", folder_id, "name", name), NULL, cancellable,
                  kf_client_rename_folder_async, callback, user_data);
}

gboolean
kf_client_rename_folder_finish (KfClient      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return kf_client_call_finish (self, result, kf_client_rename_folder_async, error) != NULL;
}

/* ------------------------------------------------------------------------ */
/* Object                                                                      */

KfClient *
kf_client_new (const char  *server_url,
               const char  *api_key,
               GError     **error)
{
  g_autofree char *url = kf_normalize_server_url (server_url != NULL ? server_url
                                                                     : KF_DEFAULT_SERVER,
                                                  error);

  if (url == NULL)
    return NULL;

  return g_object_new (KF_TYPE_CLIENT,
                       "server-url", url,
                       "api-key", api_key,
                       NULL);
}

const char *
kf_client_get_server_url (KfClient *self)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), NULL);

  return self->server_url;
}

void
kf_client_set_api_key (KfClient   *self,
                       const char *api_key)
{
  g_return_if_fail (KF_IS_CLIENT (self));

  if (g_strcmp0 (self->api_key, api_key) == 0)
    return;

  g_free (self->api_key);
  self->api_key = g_strdup (api_key);
  /* The premium state belonged to the previous account. */
  self->premium_known = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_KEY]);
}

gboolean
kf_client_has_api_key (KfClient *self)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), FALSE);

  return self->api_key != NULL && *self->api_key != '\0';
}

void
kf_client_set_retry_policy (KfClient *self,
                            guint     max_attempts,
                            guint     base_delay_ms)
{
  g_return_if_fail (KF_IS_CLIENT (self));

  g_object_set (self,
                "max-attempts", MAX (max_attempts, 1),
                "retry-delay-ms", base_delay_ms,
                NULL);
}

void
kf_client_set_deadline (KfClient *self,
                        guint     seconds)
{
  g_return_if_fail (KF_IS_CLIENT (self));

  g_object_set (self, "deadline", seconds, NULL);
}

guint
kf_client_get_deadline (KfClient *self)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), 0);

  return self->deadline;
}

void
kf_client_set_timeout (KfClient *self,
                       guint     seconds)
{
  g_return_if_fail (KF_IS_CLIENT (self));

  g_object_set (self, "timeout", seconds, NULL);
}

guint
kf_client_get_timeout (KfClient *self)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), 0);

  return self->timeout;
}

void
kf_client_set_rate_limit (KfClient    *self,
                          KfRateLimit *limit)
{
  g_return_if_fail (KF_IS_CLIENT (self));
  g_return_if_fail (limit == NULL || KF_IS_RATE_LIMIT (limit));

  if (g_set_object (&self->rate_limit, limit))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMIT]);
}

KfRateLimit *
kf_client_get_rate_limit (KfClient *self)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), NULL);

  return self->rate_limit;
}

char *
kf_client_build_file_url (KfClient   *self,
                          const char *file_code)
{
  g_return_val_if_fail (KF_IS_CLIENT (self), NULL);
  g_return_val_if_fail (file_code != NULL, NULL);

  return g_strdup_printf ("%s/%s", self->server_url, file_code);
}

static void
kf_client_constructed (GObject *object)
{
  KfClient *self = KF_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  G_OBJECT_CLASS (kf_client_parent_class)->constructed (object);

  /* g_object_new() bypasses kf_client_new(): validate here too, and make
   * every call fail rather than send the key over plain http. */
  url = kf_normalize_server_url (self->server_url != NULL ? self->server_url
                                                          : KF_DEFAULT_SERVER,
                                 &error);
  g_free (self->server_url);
  if (url != NULL)
    self->server_url = g_steal_pointer (&url);
  else
    {
      self->server_url = g_strdup (KF_DEFAULT_SERVER);
      self->server_url_error = g_steal_pointer (&error);
    }

  self->session = soup_session_new_with_options (
      "max-conns-per-host", (int) self->max_connections,
      "max-conns", (int) MAX (self->max_connections * 2, 10),
      "user-agent", KF_USER_AGENT,
      "timeout", self->timeout,
      "idle-timeout", self->idle_timeout,
      NULL);
}

static void
kf_client_dispose (GObject *object)
{
  KfClient *self = KF_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->rate_limit);

  G_OBJECT_CLASS (kf_client_parent_class)->dispose (object);
}

static void
kf_client_finalize (GObject *object)
{
  KfClient *self = KF_CLIENT (object);

  g_free (self->server_url);
  g_clear_error (&self->server_url_error);
  g_free (self->api_key);

  G_OBJECT_CLASS (kf_client_parent_class)->finalize (object);
}

static void
kf_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  KfClient *self = KF_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_DEADLINE:
      g_value_set_uint (value, self->deadline);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_RETRY_DELAY_MS:
      g_value_set_uint (value, self->retry_delay_ms);
      break;
    case PROP_RATE_LIMIT:
      g_value_set_object (value, self->rate_limit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint_prop (KfClient *self,
               guint    *field,
               guint     value,
               guint     prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
kf_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  KfClient *self = KF_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_free (self->server_url);
      self->server_url = g_value_dup_string (value);
      break;
    case PROP_API_KEY:
      kf_client_set_api_key (self, g_value_get_string (value));
      break;
    case PROP_MAX_CONNECTIONS:
      self->max_connections = MAX (g_value_get_uint (value), 1);
      break;
    case PROP_TIMEOUT:
      set_uint_prop (self, &self->timeout, g_value_get_uint (value), prop_id);
      if (self->session != NULL)
        g_object_set (self->session, "timeout", self->timeout, NULL);
      break;
    case PROP_DEADLINE:
      set_uint_prop (self, &self->deadline, g_value_get_uint (value), prop_id);
      break;
    case PROP_IDLE_TIMEOUT:
      set_uint_prop (self, &self->idle_timeout, g_value_get_uint (value), prop_id);
      if (self->session != NULL)
        g_object_set (self->session, "idle-timeout", self->idle_timeout, NULL);
      break;
    case PROP_MAX_ATTEMPTS:
      set_uint_prop (self, &self->max_attempts, MAX (g_value_get_uint (value), 1), prop_id);
      break;
    case PROP_RETRY_DELAY_MS:
      set_uint_prop (self, &self->retry_delay_ms, g_value_get_uint (value), prop_id);
      break;
    case PROP_RATE_LIMIT:
      kf_client_set_rate_limit (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_client_class_init (KfClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = kf_client_constructed;
  object_class->dispose = kf_client_dispose;
  object_class->finalize = kf_client_finalize;
  object_class->get_property = kf_client_get_property;
  object_class->set_property = kf_client_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, KF_DEFAULT_SERVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 1, 64, DEFAULT_MAX_CONNECTIONS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_DEADLINE] =
    g_param_spec_uint ("deadline", NULL, NULL, 0, G_MAXUINT, DEFAULT_DEADLINE_S,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_IDLE_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, 100, DEFAULT_MAX_ATTEMPTS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_DELAY_MS] =
    g_param_spec_uint ("retry-delay-ms", NULL, NULL, 0, 600000, DEFAULT_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_object ("rate-limit", NULL, NULL, KF_TYPE_RATE_LIMIT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kf_client_init (KfClient *self)
{
  self->max_connections = DEFAULT_MAX_CONNECTIONS;
  self->timeout = DEFAULT_TIMEOUT_S;
  self->deadline = DEFAULT_DEADLINE_S;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
}
