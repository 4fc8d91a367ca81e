/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The file host's upload handler: multipart bodies are parsed as they
 * arrive and each file streams to disk, never into memory. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kf-sandbox-private.h"
#include "kf-sandbox-multipart.h"

#define CUT_AFTER_BYTES   (64 * 1024)
#define MAX_FIELD_LEN     (64 * 1024)
#define REQUEST_STATE_KEY "kf-sandbox-request"

#define TRANSIENT_FILE_ERROR "failed while requesting fs.cgi: timeout"
#define REFUSED_FILE_ERROR   "unallowed extension"

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
  _kf_sandbox_log_request (state->self, "files", state->msg, state->field_lines);
}

/* Drops every byte received so far; counts the request as incomplete. */
static void
upload_abort (RequestState *state)
{
  g_autoptr(GMutexLocker) locker = NULL;

  if (state->done)
    return;
  state->done = TRUE;
  if (state->current != NULL)
    {
      upload_part_free (state->current);
      state->current = NULL;
    }
  g_ptr_array_set_size (state->parts, 0);
  locker = g_mutex_locker_new (&state->self->lock);
  state->self->n_incomplete++;
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

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    part->file_code = _kf_sandbox_new_file_code (self);
    has_fault = _kf_sandbox_take_fault_locked (self, UPLOAD_PATH, file_kinds,
                                               G_N_ELEMENTS (file_kinds), &fault);
  }

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

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

    state->has_fault = _kf_sandbox_take_fault_locked (self, UPLOAD_PATH, primary_kinds,
                                                      G_N_ELEMENTS (primary_kinds), &state->fault);
    state->slow = _kf_sandbox_take_slow_locked (self, UPLOAD_PATH);
  }

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
      _kf_sandbox_cut_connection (msg);
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
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  gboolean valid_session;

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
          _kf_sandbox_store_file (self, part->file_code, part->name, part->size, final_path,
                                  state->fld_id, state->utype);
          g_clear_pointer (&part->part_path, g_free);
        }
    }
  json_builder_end_array (builder);
  g_clear_pointer (&locker, g_mutex_locker_free);

  root = json_builder_get_root (builder);
  _kf_sandbox_send_json_node (msg, root);
}

static void
upload_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  KfSandbox *self = user_data;
  RequestState *state = g_object_get_data (G_OBJECT (msg), REQUEST_STATE_KEY);

  if (state == NULL || !state->is_upload)
    {
      _kf_sandbox_log_request (self, "files", msg, NULL);
      _kf_sandbox_send_html (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }

  if (state->done)
    {
      /* cut: libsoup's write will fail on the shut-down socket */
      _kf_sandbox_send_html (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }

  request_log_once (state);

  if (state->bad_request)
    {
      state->done = TRUE;
      _kf_sandbox_send_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "ERROR: expected multipart/form-data");
    }
  else if (state->parse_error != NULL || !kf_multipart_parser_is_complete (state->parser))
    {
      upload_abort (state);
      _kf_sandbox_send_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "ERROR: incomplete upload body");
    }
  else if (state->has_fault)
    {
      state->done = TRUE;
      g_ptr_array_set_size (state->parts, 0);
      _kf_sandbox_send_fault (msg, state->fault);
    }
  else
    {
      state->done = TRUE;
      upload_respond (state, msg);
    }

  if (state->cut)
    _kf_sandbox_cut_connection (msg);
  else if (state->slow)
    _kf_sandbox_delay_response (self, msg);
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

/* Every request to the file host gets a state, direct links too: only then
 * is it known whether it is an upload. */
void
_kf_sandbox_upload_attach (KfSandbox  *self,
                           SoupServer *server)
{
  soup_server_add_handler (server, UPLOAD_PATH, upload_handler, self, NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (file_request_started_cb), self);
  g_signal_connect (server, "request-aborted", G_CALLBACK (file_request_aborted_cb), self);
}
