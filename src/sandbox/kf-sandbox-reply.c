/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the sandbox answers: JSON and HTML bodies, the faults that replace an
 * answer, cut connections and slow replies. */
#include "config.h"

#include <string.h>

#include "kf-sandbox-private.h"

typedef struct {
  KfSandbox         *self;
  SoupServerMessage *msg;
  GSource           *source;
  gulong             finished_id;
  gboolean           finished;
} SlowReply;

void
_kf_sandbox_send_text (SoupServerMessage *msg,
                       guint              status,
                       const char        *content_type,
                       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

void
_kf_sandbox_send_json_node (SoupServerMessage *msg,
                            JsonNode          *node)
{
  g_autofree char *body = json_to_string (node, FALSE);

  _kf_sandbox_send_text (msg, SOUP_STATUS_OK, "application/json", body);
}

void
_kf_sandbox_send_builder (SoupServerMessage *msg,
                          JsonBuilder       *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);

  _kf_sandbox_send_json_node (msg, node);
}

/* The API's errors are HTTP 200 with the status in the body. */
void
_kf_sandbox_send_api_error (SoupServerMessage *msg,
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
  _kf_sandbox_send_builder (msg, builder);
}

JsonBuilder *
_kf_sandbox_begin_ok (void)
{
  JsonBuilder *builder = json_builder_new ();
  g_autofree char *now = _kf_sandbox_now_string ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "msg");
  json_builder_add_string_value (builder, "OK");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, 200);
  json_builder_set_member_name (builder, "server_time");
  json_builder_add_string_value (builder, now);
  return builder;
}

void
_kf_sandbox_end_ok (SoupServerMessage *msg,
                    JsonBuilder       *builder)
{
  json_builder_end_object (builder);
  _kf_sandbox_send_builder (msg, builder);
}

void
_kf_sandbox_send_html (SoupServerMessage *msg,
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
void
_kf_sandbox_send_fault (SoupServerMessage *msg,
                        KfSandboxFault     fault)
{
  switch (fault)
    {
    case KF_SANDBOX_FAULT_KEY_REJECTED:
      _kf_sandbox_send_api_error (msg, 403, "Invalid key");
      break;
    case KF_SANDBOX_FAULT_HTML_5XX:
      _kf_sandbox_send_html (msg, SOUP_STATUS_BAD_GATEWAY);
      break;
    case KF_SANDBOX_FAULT_RATE_LIMIT:
      _kf_sandbox_send_html (msg, 429);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      break;
    case KF_SANDBOX_FAULT_TOO_LARGE:
      _kf_sandbox_send_html (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
      break;
    case KF_SANDBOX_FAULT_INVALID_JSON:
      _kf_sandbox_send_text (msg, SOUP_STATUS_OK, "application/json",
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

gboolean
_kf_sandbox_is_replacing_fault (KfSandboxFault fault)
{
  return fault == KF_SANDBOX_FAULT_KEY_REJECTED ||
         fault == KF_SANDBOX_FAULT_HTML_5XX ||
         fault == KF_SANDBOX_FAULT_RATE_LIMIT ||
         fault == KF_SANDBOX_FAULT_TOO_LARGE ||
         fault == KF_SANDBOX_FAULT_INVALID_JSON;
}

/* Shutting the socket down (not closing it) lets libsoup notice on its own
 * and tidy up the connection without complaint. */
void
_kf_sandbox_cut_connection (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

void
_kf_sandbox_slow_reply_free (gpointer data)
{
  SlowReply *reply = data;

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
void
_kf_sandbox_delay_response (KfSandbox         *self,
                            SoupServerMessage *msg)
{
  SlowReply *reply = g_new0 (SlowReply, 1);
  guint delay;

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    delay = self->slow_delay_ms;
  }

  reply->self = self;
  reply->msg = g_object_ref (msg);
  reply->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (slow_reply_finished_cb), reply);
  reply->source = g_timeout_source_new (delay);
  /* the source is destroyed in _kf_sandbox_slow_reply_free, so no notify is needed */
  g_source_set_callback (reply->source, slow_reply_timeout_cb, reply, NULL);
  g_source_attach (reply->source, self->context);
  g_ptr_array_add (self->slow_replies, reply);
  soup_server_message_pause (msg);
}

void
_kf_sandbox_not_found_handler (SoupServer        *server,
                               SoupServerMessage *msg,
                               const char        *path,
                               GHashTable        *query,
                               gpointer           user_data)
{
  _kf_sandbox_send_html (msg, SOUP_STATUS_NOT_FOUND);
}
