/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kf-error.h"
#include "kf-json.h"
#include "kf-parse.h"

#define MAX_SERVER_TEXT 300

/* ------------------------------------------------------------------------ */
/* Lenient field access: numbers may be JSON numbers, strings or null.        */

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  return json_object_get_member (object, name);
}

/* The first of @names present and not null. */
static JsonNode *
get_member_any (JsonObject         *object,
                const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = get_member (object, names[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        return node;
    }
  return NULL;
}

#define NAMES(...) ((const char * const []) { __VA_ARGS__, NULL })

static char *
node_dup_text (JsonNode *node)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "1" : "0");
    default:
      return NULL;
    }
}

static char *
dup_text (JsonObject         *object,
          const char * const *names)
{
  return node_dup_text (get_member_any (object, names));
}

static gboolean
text_to_double (const char *text,
                double     *out)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  double value;

  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    return FALSE;

  errno = 0;
  value = g_ascii_strtod (copy, &end);
  if (errno != 0 || end == copy || *end != '\0' || !isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
node_get_double (JsonNode *node,
                 double   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *out = json_node_get_double (node);
      return isfinite (*out);
    case G_TYPE_STRING:
      return text_to_double (json_node_get_string (node), out);
    default:
      return FALSE;
    }
}

static gboolean
node_get_int64 (JsonNode *node,
                gint64   *out)
{
  const char *text;
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *copy = NULL;
      char *end = NULL;
      gint64 parsed;

      text = json_node_get_string (node);
      copy = g_strstrip (g_strdup (text));
      errno = 0;
      parsed = g_ascii_strtoll (copy, &end, 10);
      if (*copy != '\0' && errno == 0 && end != copy && *end == '\0')
        {
          *out = parsed;
          return TRUE;
        }
    }

  /* "12.0", 12.0: whole numbers written as decimals. */
  /* (double) G_MAXINT64 rounds up to 2^63, which does not fit: compare
   * against 2^63 itself, exclusive (the cast would be undefined). */
  if (node_get_double (node, &value) && value >= -9223372036854775808.0 &&
      value < 9223372036854775808.0)
    {
      *out = (gint64) value;
      return TRUE;
    }
  return FALSE;
}

static gint64
get_int64 (JsonObject         *object,
           const char * const *names,
           gint64              fallback)
{
  gint64 value;

  return node_get_int64 (get_member_any (object, names), &value) ? value : fallback;
}

static double
get_double (JsonObject         *object,
            const char * const *names,
            double              fallback)
{
  double value;

  return node_get_double (get_member_any (object, names), &value) ? value : fallback;
}

static JsonObject *
node_get_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
node_get_array (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
root_object (JsonNode *root)
{
  return node_get_object (root);
}

static JsonNode *
root_result (JsonNode *root)
{
  return get_member (root_object (root), "result");
}

/* Server text is shown as plain text: one line, bounded, no control bytes. */
static char *
clean_server_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        c = ' ';
      if (c == ' ' && (out->len == 0 || out->str[out->len - 1] == ' '))
        continue;
      if (g_utf8_strlen (out->str, -1) >= MAX_SERVER_TEXT)
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_unichar (out, c);
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static gboolean
text_has (const char *text,
          const char *needle)
{
  g_autofree char *lower = NULL;

  if (text == NULL)
    return FALSE;
  lower = g_ascii_strdown (text, -1);
  return strstr (lower, needle) != NULL;
}

static gboolean
text_is (const char *text,
         const char *word)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  return g_ascii_strcasecmp (copy, word) == 0;
}

GDateTime *
kf_parse_server_date (const char *text)
{
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int n;

  if (text == NULL)
    return NULL;

  n = sscanf (text, "%d-%d-%d%*[ T]%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  if (n != 3 && n != 6)
    return NULL;
  if (y < 1 || y > 9999 || !g_date_valid_dmy (d, mo, y) ||
      h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
    return NULL;
  return g_date_time_new_utc (y, mo, d, h, mi, MIN (s, 59));
}

static gboolean
body_looks_like_html (const char *text,
                      gsize       len)
{
  gsize i = 0;

  while (i < len && g_ascii_isspace (text[i]))
    i++;
  return i < len && text[i] == '<';
}

/* A plain-text "ERROR:..." body; returns the text after the colon. */
static gboolean
body_is_error_text (const char *text,
                    gsize       len,
                    char      **message)
{
  gsize i = 0;
  g_autofree char *rest = NULL;

  while (i < len && g_ascii_isspace (text[i]))
    i++;
  if (len - i < 6 || g_ascii_strncasecmp (text + i, "ERROR:", 6) != 0)
    return FALSE;

  rest = g_strndup (text + i + 6, len - i - 6);
  *message = clean_server_text (rest);
  return TRUE;
}

static void
set_refused (GError    **error,
             const char *server_text)
{
  g_autofree char *clean = clean_server_text (server_text);

  if (clean != NULL)
    g_set_error_literal (error, KF_ERROR, KF_ERROR_REFUSED, clean);
  else
    g_set_error_literal (error, KF_ERROR, KF_ERROR_REFUSED,
                         _("The server refused the request without giving a reason."));
}

static void
set_html_error (GError **error)
{
  g_set_error_literal (error, KF_ERROR, KF_ERROR_SERVER,
                       _("The server answered with a web page instead of data. "
                         "It may be busy or under maintenance; try again later."));
}

/* ------------------------------------------------------------------------ */

gboolean
kf_parse_check_http (guint         http_status,
                     const char   *content_type,
                     GBytes       *body,
                     GError      **error)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  if (http_status == 429)
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_RATE_LIMITED,
                           _("The server is receiving too many requests. Wait a "
                             "moment and try again."));
      return FALSE;
    }
  if (http_status == 413)
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_TOO_LARGE,
                           _("The server refused the request because it is too "
                             "large. The file may exceed the size the server "
                             "accepts."));
      return FALSE;
    }
  if (http_status == 401 || http_status == 403)
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_KEY_REJECTED,
                           _("The server rejected the API key. Check the key in "
                             "your KenFiles account settings."));
      return FALSE;
    }
  if (http_status == 404 || http_status == 501)
    {
      g_set_error (error, KF_ERROR, KF_ERROR_NOT_AVAILABLE,
                   _("The server does not offer this operation (HTTP error %u)."),
                   http_status);
      return FALSE;
    }
  if (http_status >= 500 && http_status <= 599)
    {
      g_set_error (error, KF_ERROR, KF_ERROR_SERVER,
                   _("The server had a problem (HTTP error %u). Try again later."),
                   http_status);
      return FALSE;
    }
  if (http_status >= 400 && http_status <= 499)
    {
      g_set_error (error, KF_ERROR, KF_ERROR_REFUSED,
                   _("The server refused the request (HTTP error %u)."), http_status);
      return FALSE;
    }
  if (http_status < 200 || http_status > 299)
    {
      g_set_error (error, KF_ERROR, KF_ERROR_PROTOCOL,
                   _("The server gave an unexpected answer (HTTP status %u)."),
                   http_status);
      return FALSE;
    }

  /* JSON never starts with '<': a 200 with markup is a proxy or error page. */
  if (data != NULL && body_looks_like_html (data, len))
    {
      set_html_error (error);
      return FALSE;
    }

  (void) content_type;
  return TRUE;
}

void
kf_parse_set_answer_too_large (GError **error)
{
  g_autofree char *limit = g_format_size_full (KF_JSON_MAX_BYTES, G_FORMAT_SIZE_IEC_UNITS);

  g_set_error (error, KF_ERROR, KF_ERROR_PROTOCOL,
               _("The server’s answer is larger than %s, more than any real answer: "
                 "it was not read."), limit);
}

static JsonNode *
parse_json (GBytes  *body,
            GError **error)
{
  g_autoptr(GError) json_error = NULL;
  g_autofree char *message = NULL;
  JsonNode *root;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  gsize i = 0;

  while (data != NULL && i < len && g_ascii_isspace (data[i]))
    i++;
  if (data == NULL || i == len)
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                           _("The server sent an empty answer."));
      return NULL;
    }
  if (body_is_error_text (data, len, &message))
    {
      set_refused (error, message);
      return NULL;
    }
  if (body_looks_like_html (data, len))
    {
      set_html_error (error);
      return NULL;
    }

  root = kf_json_parse_bounded (data, len, KF_JSON_MAX_DEPTH, &json_error);
  if (root == NULL)
    {
      if (g_error_matches (json_error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_DEEP))
        g_set_error (error, KF_ERROR, KF_ERROR_PROTOCOL,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The server’s answer could not be read: it is nested "
                                  "more deeply than %u level.",
                                  "The server’s answer could not be read: it is nested "
                                  "more deeply than %u levels.",
                                  KF_JSON_MAX_DEPTH),
                     (guint) KF_JSON_MAX_DEPTH);
      else if (g_error_matches (json_error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_LARGE))
        kf_parse_set_answer_too_large (error);
      else if (g_error_matches (json_error, KF_JSON_ERROR, KF_JSON_ERROR_NUMBER))
        g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                             _("The server’s answer could not be read: it holds a "
                               "number too large to use."));
      else
        g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                             _("The server’s answer could not be read: it is not "
                               "valid JSON."));
      return NULL;
    }

  return root;
}

static gboolean
msg_is_about_key (const char *msg)
{
  return text_has (msg, "key");
}

static gboolean
msg_is_unknown_operation (const char *msg)
{
  return text_has (msg, "operation") || text_has (msg, "method") ||
         text_has (msg, "not supported") || text_has (msg, "not implemented") ||
         text_has (msg, "unknown api") || text_has (msg, "unknown action");
}

static gboolean
node_is_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) == 0;
  return FALSE;
}

JsonNode *
kf_parse_envelope (GBytes  *body,
                   GError **error)
{
  g_autoptr(JsonNode) root = parse_json (body, error);
  JsonObject *object;
  g_autofree char *msg = NULL;
  gint64 status = 0;
  gboolean has_status;

  if (root == NULL)
    return NULL;

  /* Some answers (upload, upload/url) are a bare list. */
  if (JSON_NODE_HOLDS_ARRAY (root))
    return g_steal_pointer (&root);

  object = root_object (root);
  if (object == NULL)
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                           _("The server’s answer has an unexpected form."));
      return NULL;
    }

  msg = dup_text (object, NAMES ("msg", "message", "error"));
  has_status = node_get_int64 (get_member (object, "status"), &status);

  if ((has_status && (status == 401 || status == 403) && (msg == NULL || msg_is_about_key (msg))) ||
      ((!has_status || status != 200) && msg_is_about_key (msg) &&
       (text_has (msg, "invalid") || text_has (msg, "wrong") || text_has (msg, "bad"))))
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_KEY_REJECTED,
                           _("The server rejected the API key. Check the key in "
                             "your KenFiles account settings."));
      return NULL;
    }

  if (has_status && status != 200)
    {
      if (status == 501 || msg_is_unknown_operation (msg))
        {
          g_autofree char *clean = clean_server_text (msg);

          g_set_error (error, KF_ERROR, KF_ERROR_NOT_AVAILABLE,
                       _("The server does not offer this operation (it said: “%s”)."),
                       clean != NULL ? clean : "?");
          return NULL;
        }
      if (status >= 500 && status <= 599 && msg == NULL)
        {
          g_set_error (error, KF_ERROR, KF_ERROR_SERVER,
                       _("The server had a problem (error %d). Try again later."),
                       (int) status);
          return NULL;
        }
      if (msg == NULL)
        {
          g_set_error (error, KF_ERROR, KF_ERROR_REFUSED,
                       _("The server refused the request (error %d)."), (int) status);
          return NULL;
        }
      set_refused (error, msg);
      return NULL;
    }

  /* "OK" is success; "WORKING" is a remote upload in progress. A different
   * text with no payload is the server declining (e.g. stats disabled). */
  if (msg != NULL && !text_is (msg, "OK") && !text_is (msg, "WORKING") &&
      node_is_empty (get_member (object, "result")) &&
      get_member (object, "voucher") == NULL && get_member (object, "sess_id") == NULL)
    {
      if (msg_is_unknown_operation (msg))
        {
          g_autofree char *clean = clean_server_text (msg);

          g_set_error (error, KF_ERROR, KF_ERROR_NOT_AVAILABLE,
                       _("The server does not offer this operation (it said: “%s”)."),
                       clean);
          return NULL;
        }
      set_refused (error, msg);
      return NULL;
    }

  return g_steal_pointer (&root);
}

/* ------------------------------------------------------------------------ */

static void
set_incomplete (GError    **error,
                const char *what)
{
  /* @what is already translated. */
  g_set_error (error, KF_ERROR, KF_ERROR_PROTOCOL,
               _("The server’s answer is missing %s."), what);
}

KfAccountInfo *
kf_parse_account_info (JsonNode  *root,
                       GError   **error)
{
  g_autoptr(KfAccountInfo) info = NULL;
  JsonObject *result = node_get_object (root_result (root));
  g_autofree char *expire = NULL;
  g_autofree char *server_time = NULL;
  g_autofree char *left_text = NULL;
  JsonNode *node;
  gint64 value;

  if (result == NULL)
    {
      set_incomplete (error, _("the account information"));
      return NULL;
    }

  info = g_new0 (KfAccountInfo, 1);
  info->email = dup_text (result, NAMES ("email", "usr_email", "login"));
  info->balance_text = dup_text (result, NAMES ("balance"));
  if (info->balance_text == NULL || !text_to_double (info->balance_text, &info->balance))
    info->balance = 0.0;

  node = get_member_any (result, NAMES ("storage_used"));
  info->storage_used_known = node_get_int64 (node, &value);
  info->storage_used = info->storage_used_known ? value : 0;

  node = get_member_any (result, NAMES ("storage_left"));
  left_text = node_dup_text (node);
  if (left_text != NULL && (text_is (left_text, "inf") || text_is (left_text, "infinity") ||
                            text_is (left_text, "unlimited")))
    info->storage_unlimited = TRUE;
  else if (node_get_int64 (node, &value))
    {
      info->storage_left_known = TRUE;
      info->storage_left = value;
    }

  expire = dup_text (result, NAMES ("premium_expire", "premim_expire"));
  info->premium_expire = kf_parse_server_date (expire);

  server_time = dup_text (root_object (root), NAMES ("server_time"));
  if (server_time == NULL)
    server_time = dup_text (result, NAMES ("server_time"));
  info->server_time = kf_parse_server_date (server_time);

  return g_steal_pointer (&info);
}

static void
parse_stats_row (JsonObject *object,
                 KfStatsRow *row)
{
  g_autofree char *day = dup_text (object, NAMES ("day", "date"));
  double total;

  row->day = day != NULL && *g_strstrip (day) != '\0' ? g_steal_pointer (&day) : NULL;
  row->downloads = get_int64 (object, NAMES ("downloads"), 0);
  row->views = get_int64 (object, NAMES ("views"), 0);
  row->sales = get_int64 (object, NAMES ("sales"), 0);
  row->refs = get_int64 (object, NAMES ("refs"), 0);
  row->profit_dl = get_double (object, NAMES ("profit_dl"), 0);
  row->profit_sales = get_double (object, NAMES ("profit_sales"), 0);
  row->profit_rebills = get_double (object, NAMES ("profit_rebills"), 0);
  row->profit_refs = get_double (object, NAMES ("profit_refs"), 0);
  row->profit_site = get_double (object, NAMES ("profit_site"), 0);

  if (!node_get_double (get_member_any (object, NAMES ("profit_total")), &total))
    {
      total = kf_add_finite (row->profit_dl, row->profit_sales);
      total = kf_add_finite (total, row->profit_rebills);
      total = kf_add_finite (total, row->profit_refs);
      total = kf_add_finite (total, row->profit_site);
    }
  row->profit_total = total;
}

static int
compare_rows_by_day (gconstpointer a,
                     gconstpointer b)
{
  const KfStatsRow *ra = *(KfStatsRow * const *) a;
  const KfStatsRow *rb = *(KfStatsRow * const *) b;

  return strcmp (ra->day, rb->day);
}

KfStats *
kf_parse_stats (JsonNode  *root,
                GError   **error)
{
  g_autoptr(KfStats) stats = NULL;
  g_autoptr(GPtrArray) total_rows = NULL;
  JsonNode *result = root_result (root);
  g_autofree char *msg = dup_text (root_object (root), NAMES ("msg"));
  JsonArray *array;

  if (msg != NULL && !text_is (msg, "OK") && node_is_empty (result))
    {
      set_refused (error, msg);
      return NULL;
    }

  stats = g_new0 (KfStats, 1);
  stats->days = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_stats_row_free);
  total_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_stats_row_free);

  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    {
      KfStatsRow *row = g_new0 (KfStatsRow, 1);

      parse_stats_row (json_node_get_object (result), row);
      g_ptr_array_add (row->day != NULL ? stats->days : total_rows, row);
    }
  else if ((array = node_get_array (result)) != NULL)
    {
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *object = node_get_object (json_array_get_element (array, i));
          KfStatsRow *row;

          if (object == NULL)
            continue;
          row = g_new0 (KfStatsRow, 1);
          parse_stats_row (object, row);
          g_ptr_array_add (row->day != NULL ? stats->days : total_rows, row);
        }
    }
  else if (result != NULL && !JSON_NODE_HOLDS_NULL (result))
    {
      set_incomplete (error, _("the statistics"));
      return NULL;
    }

  g_ptr_array_sort (stats->days, compare_rows_by_day);

  /* Our own sum: server totals may cover a different period. */
  if (stats->days->len > 0)
    for (guint i = 0; i < stats->days->len; i++)
      kf_stats_row_add (&stats->totals, g_ptr_array_index (stats->days, i));
  else
    for (guint i = 0; i < total_rows->len; i++)
      kf_stats_row_add (&stats->totals, g_ptr_array_index (total_rows, i));

  return g_steal_pointer (&stats);
}

static gboolean
url_is_http (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 ||
          g_strcmp0 (g_uri_get_scheme (uri), "https") == 0);
}

KfUploadServer *
kf_parse_upload_server (JsonNode  *root,
                        GError   **error)
{
  g_autoptr(KfUploadServer) server = g_new0 (KfUploadServer, 1);
  JsonObject *object = root_object (root);
  JsonNode *result = root_result (root);
  JsonObject *result_object = node_get_object (result);

  if (result_object != NULL)
    {
      server->url = dup_text (result_object, NAMES ("url", "upload_url", "srv_url"));
      server->sess_id = dup_text (result_object, NAMES ("sess_id"));
    }
  else
    server->url = node_dup_text (result);

  if (server->sess_id == NULL)
    server->sess_id = dup_text (object, NAMES ("sess_id"));

  if (server->url != NULL)
    g_strstrip (server->url);

  if (!url_is_http (server->url) || server->sess_id == NULL || *server->sess_id == '\0')
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                           _("The server did not say where to upload the file."));
      return NULL;
    }

  return g_steal_pointer (&server);
}

gboolean
kf_parse_upload_status_is_transient (const char *file_status)
{
  return text_has (file_status, "failed while requesting fs.cgi") ||
         text_has (file_status, "no file on disk");
}

static gboolean
file_code_is_valid (const char *code)
{
  return code != NULL && *code != '\0' && g_ascii_strcasecmp (code, "undef") != 0;
}

static char *
build_file_url (const char *server_url,
                const char *domain,
                const char *file_code)
{
  if (domain != NULL && *domain != '\0')
    {
      const char *scheme_end = strstr (domain, "://");
      g_autofree char *base = NULL;
      gsize len;

      if (scheme_end != NULL)
        base = g_strdup (domain);
      else
        {
          const char *colon = server_url != NULL ? strchr (server_url, ':') : NULL;
          g_autofree char *scheme = colon != NULL ? g_strndup (server_url, colon - server_url)
                                                  : g_strdup ("https");

          base = g_strdup_printf ("%s://%s", scheme, domain);
        }
      len = strlen (base);
      while (len > 0 && base[len - 1] == '/')
        base[--len] = '\0';
      return g_strdup_printf ("%s/%s", base, file_code);
    }

  return g_strdup_printf ("%s/%s", server_url != NULL ? server_url : "https://kenfiles.com",
                          file_code);
}

static JsonArray *
find_list (JsonNode *root)
{
  JsonObject *object;
  JsonArray *array;

  if ((array = node_get_array (root)) != NULL)
    return array;

  object = root_object (root);
  if ((array = node_get_array (get_member (object, "result"))) != NULL)
    return array;
  if ((array = node_get_array (get_member (object, "files"))) != NULL)
    return array;
  if ((array = node_get_array (get_member (node_get_object (get_member (object, "result")),
                                           "files"))) != NULL)
    return array;
  return NULL;
}

GPtrArray *
kf_parse_upload_results (GBytes      *body,
                         const char  *server_url,
                         GError     **error)
{
  g_autoptr(JsonNode) root = kf_parse_envelope (body, error);
  g_autoptr(GPtrArray) results = NULL;
  JsonArray *array;
  JsonObject *single = NULL;
  guint n;

  if (root == NULL)
    return NULL;

  array = find_list (root);
  if (array == NULL)
    {
      single = root_object (root);
      if (get_member_any (single, NAMES ("file_code", "filecode", "file_status")) == NULL)
        single = NULL;
    }
  n = array != NULL ? json_array_get_length (array) : (single != NULL ? 1 : 0);
  if (n == 0)
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                           _("The upload server did not say what happened to the file."));
      return NULL;
    }

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_upload_result_free);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *entry = single != NULL ? single
                                         : node_get_object (json_array_get_element (array, i));
      KfUploadResult *result = g_new0 (KfUploadResult, 1);
      g_autofree char *code = dup_text (entry, NAMES ("file_code", "filecode"));
      g_autofree char *status = dup_text (entry, NAMES ("file_status", "status"));
      g_autofree char *domain = dup_text (entry, NAMES ("domain"));

      g_ptr_array_add (results, result);

      if (code != NULL)
        g_strstrip (code);

      if (file_code_is_valid (code) && (status == NULL || text_is (status, "OK")))
        {
          result->url = build_file_url (server_url, domain, code);
          result->file_code = g_steal_pointer (&code);
        }
      else if (status != NULL && !text_is (status, "OK") &&
               kf_parse_upload_status_is_transient (status))
        {
          g_autofree char *clean = clean_server_text (status);

          g_set_error (&result->error, KF_ERROR, KF_ERROR_SERVER,
                       _("The file server could not store the file (%s)."), clean);
        }
      else if (status != NULL && !text_is (status, "OK"))
        set_refused (&result->error, status);
      else
        g_set_error_literal (&result->error, KF_ERROR, KF_ERROR_REFUSED,
                             _("The server discarded the file without saying why."));
    }

  return g_steal_pointer (&results);
}

/* The object carrying a file code in any of the remote upload shapes. */
static JsonObject *
find_remote_entry (JsonNode *root)
{
  JsonArray *array = find_list (root);
  JsonObject *result;

  if (array != NULL)
    return json_array_get_length (array) > 0
           ? node_get_object (json_array_get_element (array, 0)) : NULL;

  result = node_get_object (root_result (root));
  if (result != NULL)
    return result;
  return root_object (root);
}

char *
kf_parse_remote_upload (JsonNode  *root,
                        GError   **error)
{
  JsonObject *entry = find_remote_entry (root);
  g_autofree char *code = dup_text (entry, NAMES ("file_code", "filecode"));

  if (code == NULL && root_result (root) != NULL &&
      JSON_NODE_HOLDS_VALUE (root_result (root)))
    code = node_dup_text (root_result (root));
  if (code != NULL)
    g_strstrip (code);

  if (!file_code_is_valid (code))
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                           _("The server did not return a code for the remote upload."));
      return NULL;
    }
  return g_steal_pointer (&code);
}

KfRemoteStatus *
kf_parse_remote_status (JsonNode    *root,
                        const char  *server_url,
                        GError     **error)
{
  g_autoptr(KfRemoteStatus) status = g_new0 (KfRemoteStatus, 1);
  JsonObject *entry = find_remote_entry (root);
  g_autofree char *msg = dup_text (root_object (root), NAMES ("msg"));
  g_autofree char *state = dup_text (entry, NAMES ("status", "state"));
  gint64 progress;

  status->file_code = dup_text (entry, NAMES ("file_code", "filecode"));
  if (status->file_code != NULL && !file_code_is_valid (g_strstrip (status->file_code)))
    g_clear_pointer (&status->file_code, g_free);
  status->progress = -1;

  if (node_get_int64 (get_member_any (entry, NAMES ("progress", "percent")), &progress))
    status->progress = (int) CLAMP (progress, 0, 100);

  /* A numeric status on the envelope itself (200) says nothing about the job. */
  if (entry == root_object (root) && state != NULL && g_ascii_isdigit (state[0]))
    g_clear_pointer (&state, g_free);

  if (text_is (msg, "WORKING") && state == NULL)
    status->state = KF_REMOTE_STATE_WORKING;
  else if (state == NULL)
    {
      /* Only a code, as on the API page: the file exists. */
      if (status->file_code == NULL)
        {
          g_set_error_literal (error, KF_ERROR, KF_ERROR_PROTOCOL,
                               _("The server did not report the state of the remote upload."));
          return NULL;
        }
      status->state = KF_REMOTE_STATE_DONE;
    }
  else if (text_is (state, "OK") || text_is (state, "done") || text_is (state, "finished") ||
           text_is (state, "completed") || text_is (state, "complete") ||
           text_is (state, "success"))
    status->state = KF_REMOTE_STATE_DONE;
  else if (text_is (state, "working") || text_is (state, "pending") ||
           text_is (state, "queued") || text_is (state, "new") ||
           text_is (state, "downloading") || text_is (state, "processing") ||
           text_is (state, "uploading") || text_is (state, "started"))
    status->state = KF_REMOTE_STATE_WORKING;
  else
    {
      g_autofree char *reason = dup_text (entry, NAMES ("error", "msg", "message"));

      status->state = KF_REMOTE_STATE_FAILED;
      status->message = clean_server_text (reason != NULL ? reason : state);
    }

  if (status->state == KF_REMOTE_STATE_DONE)
    {
      status->progress = 100;
      if (status->file_code != NULL)
        status->url = build_file_url (server_url, NULL, status->file_code);
    }

  return g_steal_pointer (&status);
}

KfDirectLink *
kf_parse_direct_link (JsonNode  *root,
                      GError   **error)
{
  g_autoptr(KfDirectLink) link = g_new0 (KfDirectLink, 1);
  JsonNode *result = root_result (root);
  JsonObject *object = node_get_object (result);

  if (object != NULL)
    {
      link->url = dup_text (object, NAMES ("url", "direct_link", "link"));
      link->size = get_int64 (object, NAMES ("size", "file_size"), -1);
    }
  else
    {
      link->url = node_dup_text (result);
      link->size = -1;
    }

  if (link->url != NULL)
    g_strstrip (link->url);
  if (!url_is_http (link->url))
    {
      set_incomplete (error, _("the download link"));
      return NULL;
    }
  return g_steal_pointer (&link);
}

char *
kf_parse_voucher (GBytes  *body,
                  GError **error)
{
  g_autoptr(JsonNode) root = kf_parse_envelope (body, error);
  JsonObject *object;
  g_autofree char *voucher = NULL;

  if (root == NULL)
    return NULL;

  object = root_object (root);
  voucher = dup_text (object, NAMES ("voucher"));
  if (voucher == NULL)
    voucher = dup_text (node_get_object (root_result (root)), NAMES ("voucher", "code"));
  if (voucher == NULL && root_result (root) != NULL &&
      JSON_NODE_HOLDS_VALUE (root_result (root)))
    voucher = node_dup_text (root_result (root));
  if (voucher != NULL)
    g_strstrip (voucher);

  if (voucher == NULL || *voucher == '\0')
    {
      /* The server said yes without a code: it may well have charged. */
      g_set_error_literal (error, KF_ERROR, KF_ERROR_UNCERTAIN,
                           _("The server answered without a voucher code. The voucher "
                             "may have been created and paid for: check your balance "
                             "and your vouchers on the website before trying again."));
      return NULL;
    }
  return g_steal_pointer (&voucher);
}

static KfFileInfo *
parse_file_entry (JsonObject *object,
                  const char *server_url)
{
  KfFileInfo *info;
  g_autofree char *code = dup_text (object, NAMES ("file_code", "filecode"));

  if (code != NULL)
    g_strstrip (code);
  if (!file_code_is_valid (code))
    return NULL;

  info = g_new0 (KfFileInfo, 1);
  info->name = dup_text (object, NAMES ("name", "file_name", "title", "file_title"));
  info->size = get_int64 (object, NAMES ("size", "file_size"), -1);
  info->downloads = get_int64 (object, NAMES ("downloads", "file_downloads"), -1);
  info->uploaded = dup_text (object, NAMES ("uploaded", "created", "file_created"));
  info->folder_id = dup_text (object, NAMES ("fld_id", "folder_id"));
  info->status = dup_text (object, NAMES ("status", "file_status"));
  info->url = build_file_url (server_url, NULL, code);
  info->file_code = g_steal_pointer (&code);
  return info;
}

static GPtrArray *
parse_file_array (JsonArray  *array,
                  const char *server_url)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_file_info_free);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      KfFileInfo *info = parse_file_entry (node_get_object (json_array_get_element (array, i)),
                                           server_url);

      if (info != NULL)
        g_ptr_array_add (files, info);
    }
  return files;
}

GPtrArray *
kf_parse_file_info (JsonNode    *root,
                    const char  *server_url,
                    GError     **error)
{
  JsonNode *result = root_result (root);
  JsonArray *array = node_get_array (result);
  JsonObject *single = node_get_object (result);

  if (array == NULL && single != NULL)
    array = node_get_array (get_member (single, "files"));

  if (array == NULL && single != NULL)
    {
      GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_file_info_free);
      KfFileInfo *info = parse_file_entry (single, server_url);

      if (info != NULL)
        g_ptr_array_add (files, info);
      return files;
    }

  if (array == NULL)
    {
      set_incomplete (error, _("the file information"));
      return NULL;
    }
  return parse_file_array (array, server_url);
}

KfFileList *
kf_parse_file_list (JsonNode    *root,
                    const char  *server_url,
                    GError     **error)
{
  g_autoptr(KfFileList) list = NULL;
  g_autofree char *server_time = NULL;
  JsonNode *result = root_result (root);
  JsonObject *object = node_get_object (result);
  JsonArray *array = object != NULL ? node_get_array (get_member (object, "files"))
                                    : node_get_array (result);

  if (array == NULL && !(object != NULL && get_member (object, "files") == NULL))
    {
      set_incomplete (error, _("the list of files"));
      return NULL;
    }

  list = g_new0 (KfFileList, 1);
  list->files = parse_file_array (array, server_url);
  list->total = get_int64 (object, NAMES ("results_total", "total"), -1);
  if (list->total < 0)
    list->total = get_int64 (root_object (root), NAMES ("results_total", "total"), -1);
  if (list->total < 0)
    list->total = list->files->len;
  server_time = dup_text (root_object (root), NAMES ("server_time"));
  list->server_time = kf_parse_server_date (server_time);
  return g_steal_pointer (&list);
}

KfFolderList *
kf_parse_folder_list (JsonNode    *root,
                      const char  *server_url,
                      GError     **error)
{
  g_autoptr(KfFolderList) list = NULL;
  JsonObject *object = node_get_object (root_result (root));
  JsonArray *folders;

  if (object == NULL)
    {
      set_incomplete (error, _("the folder contents"));
      return NULL;
    }

  list = g_new0 (KfFolderList, 1);
  list->files = parse_file_array (node_get_array (get_member (object, "files")), server_url);
  list->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_folder_free);

  folders = node_get_array (get_member (object, "folders"));
  for (guint i = 0; folders != NULL && i < json_array_get_length (folders); i++)
    {
      JsonObject *entry = node_get_object (json_array_get_element (folders, i));
      g_autofree char *id = dup_text (entry, NAMES ("fld_id", "folder_id", "id"));
      KfFolder *folder;

      if (id == NULL)
        continue;
      folder = g_new0 (KfFolder, 1);
      folder->folder_id = g_steal_pointer (&id);
      folder->name = dup_text (entry, NAMES ("name", "fld_name"));
      folder->code = dup_text (entry, NAMES ("code", "fld_code"));
      g_ptr_array_add (list->folders, folder);
    }

  return g_steal_pointer (&list);
}

char *
kf_parse_folder_create (JsonNode  *root,
                        GError   **error)
{
  JsonNode *result = root_result (root);
  g_autofree char *id = dup_text (node_get_object (result), NAMES ("fld_id", "folder_id", "id"));

  if (id == NULL && result != NULL && JSON_NODE_HOLDS_VALUE (result))
    id = node_dup_text (result);
  if (id == NULL)
    id = dup_text (root_object (root), NAMES ("fld_id"));

  if (id == NULL || *g_strstrip (id) == '\0')
    {
      set_incomplete (error, _("the new folder’s number"));
      return NULL;
    }
  return g_steal_pointer (&id);
}

KfFileInfo *
kf_parse_file_clone (JsonNode    *root,
                     const char  *server_url,
                     GError     **error)
{
  g_autoptr(KfFileInfo) info = g_new0 (KfFileInfo, 1);
  JsonObject *entry = find_remote_entry (root);

  info->file_code = dup_text (entry, NAMES ("filecode", "file_code"));
  if (info->file_code == NULL && root_result (root) != NULL &&
      JSON_NODE_HOLDS_VALUE (root_result (root)))
    info->file_code = node_dup_text (root_result (root));
  if (info->file_code != NULL)
    g_strstrip (info->file_code);
  if (!file_code_is_valid (info->file_code))
    {
      set_incomplete (error, _("the copy’s code"));
      return NULL;
    }
  info->size = -1;
  info->downloads = -1;
  info->url = build_file_url (server_url, NULL, info->file_code);
  return g_steal_pointer (&info);
}
