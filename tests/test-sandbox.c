/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "kf-sandbox.h"
#include "kf-sandbox-multipart.h"

/* The server is tested with a plain SoupSession and with curl, never with
 * our own client, so a client bug cannot hide a server bug. */

typedef struct {
  KfSandbox   *sandbox;
  SoupSession *session;
  char        *tmp_dir;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->sandbox = kf_sandbox_new (NULL);
  g_assert_true (kf_sandbox_start (fx->sandbox, 0, &error));
  g_assert_no_error (error);
  fx->session = soup_session_new ();
  fx->tmp_dir = g_dir_make_tmp ("kf-test-sandbox-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *data_dir = g_strdup (kf_sandbox_get_data_dir (fx->sandbox));

  g_clear_object (&fx->session);
  g_assert_finalize_object (fx->sandbox);
  /* a temporary data folder goes away with the sandbox */
  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));
  remove_dir (fx->tmp_dir);
  g_free (fx->tmp_dir);
}

/* helpers */

static GBytes *
http_get (Fixture    *fx,
          const char *url,
          guint      *status,
          char      **content_type)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  body = soup_session_send_and_read (fx->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (content_type != NULL)
    *content_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL));
  return body;
}

static char *
api_url (Fixture    *fx,
         const char *op,
         const char *extra)
{
  return g_strdup_printf ("%s/api/%s?key=%s%s%s", kf_sandbox_get_url (fx->sandbox), op,
                          KF_SANDBOX_DEMO_KEY, extra ? "&" : "", extra ? extra : "");
}

static char *
api_text (Fixture    *fx,
          const char *op,
          const char *extra)
{
  g_autofree char *url = api_url (fx, op, extra);
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = http_get (fx, url, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
api_json (Fixture    *fx,
          const char *op,
          const char *extra)
{
  g_autofree char *text = api_text (fx, op, extra);

  return parse_json (text);
}

static JsonObject *
result_object (JsonNode *root)
{
  JsonObject *obj = json_node_get_object (root);

  g_assert_cmpint (json_object_get_int_member (obj, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj, "msg"), ==, "OK");
  return json_object_get_object_member (obj, "result");
}

static void
get_upload_server (Fixture  *fx,
                   char    **sess_id,
                   char    **upload_url)
{
  g_autoptr(JsonNode) root = api_json (fx, "upload/server", NULL);
  JsonObject *obj = json_node_get_object (root);

  g_assert_cmpint (json_object_get_int_member (obj, "status"), ==, 200);
  *sess_id = g_strdup (json_object_get_string_member (obj, "sess_id"));
  *upload_url = g_strdup (json_object_get_string_member (obj, "result"));
  g_assert_cmpuint (strlen (*sess_id), >, 8);
  g_assert_true (g_str_has_prefix (*upload_url, kf_sandbox_get_file_server_url (fx->sandbox)));
  g_assert_true (g_str_has_suffix (*upload_url, "/cgi-bin/upload.cgi"));
}

static char *
make_file (Fixture    *fx,
           const char *name,
           gsize       size,
           guint       seed)
{
  g_autofree char *path = g_build_filename (fx->tmp_dir, name, NULL);
  g_autofree guint8 *data = g_malloc (size + 1);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) ((i * 31 + seed * 7 + i / 251) & 0xff);
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
assert_same_file (const char *a,
                  const char *b)
{
  g_autofree char *da = NULL, *db = NULL;
  gsize la, lb;

  g_assert_true (g_file_get_contents (a, &da, &la, NULL));
  g_assert_true (g_file_get_contents (b, &db, &lb, NULL));
  g_assert_cmpmem (da, la, db, lb);
}

static KfSandboxFile *
find_stored (Fixture    *fx,
             const char *file_code)
{
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (fx->sandbox);

  for (guint i = 0; i < files->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_str_equal (file->file_code, file_code))
        return g_ptr_array_steal_index (files, i);
    }
  return NULL;
}

static guint
count_stored (Fixture *fx)
{
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (fx->sandbox);

  return files->len;
}

/* Posts a hand-made multipart body; returns the response body. */
static char *
post_body (Fixture    *fx,
           const char *url,
           const char *boundary,
           GBytes     *body,
           guint      *status,
           GError    **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autofree char *content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  g_autoptr(GBytes) answer = NULL;

  soup_message_set_request_body_from_bytes (msg, content_type, body);
  answer = soup_session_send_and_read (fx->session, msg, NULL, error);
  if (answer == NULL)
    return NULL;
  *status = soup_message_get_status (msg);
  return g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

static void
append_field (GString    *body,
              const char *boundary,
              const char *name,
              const char *value)
{
  g_string_append_printf (body, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                          boundary, name, value);
}

static void
append_file (GString      *body,
             const char   *boundary,
             const char   *name,
             const char   *disposition_filename,
             const guint8 *data,
             gsize         len)
{
  g_string_append_printf (body, "--%s\r\nContent-Disposition: form-data; name=\"%s\"; %s\r\n"
                          "Content-Type: application/octet-stream\r\n\r\n",
                          boundary, name, disposition_filename);
  g_string_append_len (body, (const char *) data, len);
  g_string_append (body, "\r\n");
}

/* tests */

static void
test_account_info (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) root = api_json (fx, "account/info", NULL);
  g_autoptr(JsonNode) root2 = NULL;
  JsonObject *obj = json_node_get_object (root);
  JsonObject *result = result_object (root);
  const char *server_time = json_object_get_string_member (obj, "server_time");

  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$", server_time, 0, 0));
  g_assert_cmpstr (json_object_get_string_member (result, "email"), ==, "demo@sandbox.invalid");
  g_assert_cmpstr (json_object_get_string_member (result, "balance"), ==, "100.00000");
  g_assert_true (json_node_is_null (json_object_get_member (result, "storage_used")));
  g_assert_cmpstr (json_object_get_string_member (result, "storage_left"), ==, "inf");
  /* premium: the expiry is after the server's clock (same format sorts as text) */
  g_assert_cmpstr (json_object_get_string_member (result, "premium_expire"), >, server_time);

  kf_sandbox_set_premium (fx->sandbox, FALSE);
  kf_sandbox_set_balance (fx->sandbox, 0.049);
  root2 = api_json (fx, "account/info", NULL);
  result = result_object (root2);
  g_assert_cmpstr (json_object_get_string_member (result, "premium_expire"), <,
                   json_object_get_string_member (json_node_get_object (root2), "server_time"));
  g_assert_cmpstr (json_object_get_string_member (result, "balance"), ==, "0.04900");
}

static void
test_bad_key (Fixture       *fx,
              gconstpointer  data)
{
  const char *base = kf_sandbox_get_url (fx->sandbox);
  const char *paths[] = { "/api/account/info?key=wrong", "/api/account/info",
                          "/api/upload/server?key=" KF_SANDBOX_RESELLER_KEY };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (base, paths[i], NULL);
      g_autoptr(GBytes) body = NULL;
      g_autofree char *text = NULL;
      guint status;

      body = http_get (fx, url, &status, NULL);
      text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      /* errors come as HTTP 200 with the status in the body */
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (text, ==, "{\"msg\":\"Invalid key\",\"status\":403}");
    }

  {
    g_autoptr(JsonNode) root = api_json (fx, "nothing/here", NULL);

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "status"), ==, 400);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "msg"), ==,
                     "Unknown operation");
  }
}

static char *
run_curl (const char * const *argv,
          int                *exit_status)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (proc);
  return g_steal_pointer (&out);
}

/* Sockets on local @port that the peer closed and we did not (CLOSE_WAIT). */
static guint
count_close_wait (guint port)
{
  g_autofree char *table = NULL;
  g_autofree char *suffix = g_strdup_printf (":%04X", port);
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL));
  lines = g_strsplit (table, "\n", -1);
  /* "sl local_address rem_address st ...", addresses as HEXIP:HEXPORT, st 08 = CLOSE_WAIT */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char local[64], remote[64], state[8];

      if (sscanf (lines[i], " %*s %63s %63s %7s", local, remote, state) == 3 &&
          g_str_has_suffix (local, suffix) && g_str_equal (state, "08"))
        n++;
    }
  return n;
}

static void
test_closed_connections (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = g_uri_parse (kf_sandbox_get_file_server_url (fx->sandbox), G_URI_FLAGS_NONE, NULL);
  guint port = (guint) g_uri_get_port (uri);

  if (!g_file_test ("/usr/bin/curl", G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test ("/proc/net/tcp", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /usr/bin/curl or /proc/net/tcp");
      return;
    }

  path = make_file (fx, "small.bin", 1000, 3);
  /* Each curl process closes its connection when it exits, as clients do. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *sess_id = NULL, *upload_url = NULL, *sess_arg = NULL, *file_arg = NULL;
      g_autofree char *out = NULL;
      int exit_status;

      get_upload_server (fx, &sess_id, &upload_url);
      sess_arg = g_strconcat ("sess_id=", sess_id, NULL);
      file_arg = g_strconcat ("file_0=@", path, NULL);
      {
        const char *argv[] = { "/usr/bin/curl", "-s", "-F", sess_arg, "-F", "utype=prem",
                               "-F", file_arg, upload_url, NULL };

        out = run_curl (argv, &exit_status);
      }
      g_assert_cmpint (exit_status, ==, 0);
      g_assert_nonnull (strstr (out, "\"OK\""));
    }

  /* The server closes its side too: no socket is left half-open. */
  for (guint i = 0; i < 100 && count_close_wait (port) > 0; i++)
    g_usleep (20 * 1000);
  g_assert_cmpuint (count_close_wait (port), ==, 0);
}

static void
test_curl_upload (Fixture       *fx,
                  gconstpointer  data)
{
  const char *name = "r\xc3\xa9sum\xc3\xa9 \"draft\" \xe2\x80\x93 v2.bin";
  g_autofree char *path = NULL;
  g_autofree char *sess_id = NULL, *upload_url = NULL;
  g_autofree char *sess_arg = NULL, *file_arg = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(KfSandboxFile) stored = NULL;
  g_auto(GStrv) log = NULL;
  JsonObject *entry;
  int exit_status;
  guint files_entries = 0;

  if (!g_file_test ("/usr/bin/curl", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no /usr/bin/curl");
      return;
    }

  path = make_file (fx, name, 3 * 1024 * 1024 + 17, 1);
  get_upload_server (fx, &sess_id, &upload_url);
  sess_arg = g_strconcat ("sess_id=", sess_id, NULL);
  file_arg = g_strconcat ("file_0=@", path, NULL);
  {
    /* the API page's command, verbatim */
    const char *argv[] = { "/usr/bin/curl", "-s", "-F", sess_arg, "-F", "utype=prem",
                           "-F", file_arg, upload_url, NULL };

    out = run_curl (argv, &exit_status);
  }
  g_assert_cmpint (exit_status, ==, 0);

  root = parse_json (out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  entry = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "file_status"), ==, "OK");
  g_assert_cmpuint (strlen (json_object_get_string_member (entry, "file_code")), ==, 12);

  stored = find_stored (fx, json_object_get_string_member (entry, "file_code"));
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->name, ==, name);
  g_assert_cmpint (stored->size, ==, 3 * 1024 * 1024 + 17);
  g_assert_cmpstr (stored->utype, ==, "prem");
  g_assert_cmpstr (stored->folder_id, ==, "0");
  assert_same_file (stored->path, path);

  /* the file server saw the form fields and never the key */
  log = kf_sandbox_dup_request_log (fx->sandbox);
  for (guint i = 0; log[i] != NULL; i++)
    {
      if (g_str_has_prefix (log[i], "files "))
        {
          files_entries++;
          g_assert_null (strstr (log[i], KF_SANDBOX_DEMO_KEY));
          g_assert_true (g_str_has_prefix (log[i], "files POST /cgi-bin/upload.cgi\n"));
          g_assert_nonnull (strstr (log[i], "\nutype=prem"));
          g_assert_nonnull (strstr (log[i], sess_arg));
        }
      else
        g_assert_true (g_str_has_prefix (log[i], "api GET /api/upload/server?key="));
    }
  g_assert_cmpuint (files_entries, ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fx->sandbox, "/cgi-bin/upload.cgi"), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fx->sandbox, "/api/"), ==, 1);
}

static void
test_two_files (Fixture       *fx,
                gconstpointer  data)
{
  const char *boundary = "----kfTestBoundary7MA4YWxkTrZu0gW";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *a = g_malloc (200000);
  guint8 b[] = "line\r\n--not the boundary\r\n----kfTestBoundary7MA4YWxkTrZ\r\nend";
  const char *expected_names[] = { "a \"q\" \\ \r\n.txt", "\xe2\x82\xac uro.bin" };
  JsonArray *list;
  guint status;

  for (guint i = 0; i < 200000; i++)
    a[i] = (guint8) (i * 7);
  get_upload_server (fx, &sess_id, &upload_url);

  append_field (body, boundary, "sess_id", sess_id);
  append_field (body, boundary, "utype", "reg");
  append_field (body, boundary, "fld_id", "2");
  /* browser escapes plus backslash escapes */
  append_file (body, boundary, "file_0", "filename=\"a %22q%22 \\\\ %0D%0A.txt\"", a, 200000);
  /* RFC 5987 wins over the plain fallback */
  append_file (body, boundary, "file_1", "filename=\"fallback.bin\"; filename*=UTF-8''%E2%82%AC%20uro.bin",
               b, sizeof b - 1);
  g_string_append_printf (body, "--%s--\r\n", boundary);
  bytes = g_bytes_new (body->str, body->len);

  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  root = parse_json (answer);
  list = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *entry = json_array_get_object_element (list, i);
      g_autoptr(KfSandboxFile) stored = NULL;
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_cmpstr (json_object_get_string_member (entry, "file_status"), ==, "OK");
      stored = find_stored (fx, json_object_get_string_member (entry, "file_code"));
      g_assert_nonnull (stored);
      g_assert_cmpstr (stored->name, ==, expected_names[i]);
      g_assert_cmpstr (stored->utype, ==, "reg");
      g_assert_cmpstr (stored->folder_id, ==, "2");
      g_assert_true (g_file_get_contents (stored->path, &contents, &len, NULL));
      if (i == 0)
        g_assert_cmpmem (contents, len, a, 200000);
      else
        g_assert_cmpmem (contents, len, b, sizeof b - 1);
    }
  g_assert_cmpuint (count_stored (fx), ==, 2);
}

static void
test_bad_session (Fixture       *fx,
                  gconstpointer  data)
{
  const char *boundary = "xyzzy";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *entry;
  guint status;

  get_upload_server (fx, &sess_id, &upload_url);
  append_field (body, boundary, "sess_id", "madeup0000000000");
  append_file (body, boundary, "file_0", "filename=\"x.bin\"", (const guint8 *) "abc", 3);
  g_string_append_printf (body, "--%s--\r\n", boundary);
  bytes = g_bytes_new (body->str, body->len);
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  root = parse_json (answer);
  entry = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "file_code"), ==, "undef");
  g_assert_cmpstr (json_object_get_string_member (entry, "file_status"), !=, "OK");
  g_assert_cmpuint (count_stored (fx), ==, 0);
}

static guint
count_data_files (Fixture *fx)
{
  g_autoptr(GDir) dir = g_dir_open (kf_sandbox_get_data_dir (fx->sandbox), 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_incomplete_upload (Fixture       *fx,
                        gconstpointer  data)
{
  const char *boundary = "cutcutcut";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *payload = g_malloc0 (100000);
  guint status;

  get_upload_server (fx, &sess_id, &upload_url);
  append_field (body, boundary, "sess_id", sess_id);
  append_file (body, boundary, "file_0", "filename=\"whole.bin\"", payload, 100000);
  /* the second part never reaches its closing boundary */
  g_string_append_printf (body, "--%s\r\nContent-Disposition: form-data; name=\"file_1\"; "
                          "filename=\"half.bin\"\r\n\r\n", boundary);
  g_string_append_len (body, (const char *) payload, 50000);
  bytes = g_bytes_new (body->str, body->len);

  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpuint (kf_sandbox_get_n_incomplete_uploads (fx->sandbox), ==, 1);
  g_assert_cmpuint (count_stored (fx), ==, 0);
  g_assert_cmpuint (count_data_files (fx), ==, 0);
}

static char *
big_upload_body (const char *boundary,
                 const char *sess_id,
                 gsize       size,
                 GBytes    **bytes)
{
  GString *body = g_string_new (NULL);
  g_autofree guint8 *payload = g_malloc (size);

  memset (payload, 'x', size);
  append_field (body, boundary, "sess_id", sess_id);
  append_field (body, boundary, "utype", "prem");
  append_file (body, boundary, "file_0", "filename=\"big.bin\"", payload, size);
  g_string_append_printf (body, "--%s--\r\n", boundary);
  *bytes = g_bytes_new (body->str, body->len);
  return g_string_free (body, FALSE);
}

static void
test_cut_upload (Fixture       *fx,
                 gconstpointer  data)
{
  const char *boundary = "bbbbbbbbbbbbbbbb";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL, *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint status = 0;

  get_upload_server (fx, &sess_id, &upload_url);
  body = big_upload_body (boundary, sess_id, 4 * 1024 * 1024, &bytes);
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_CUT_UPLOAD, NULL, 1);

  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_null (answer);
  g_assert_error (error, G_IO_ERROR, error->code);
  g_assert_cmpuint (kf_sandbox_get_n_incomplete_uploads (fx->sandbox), ==, 1);
  g_assert_cmpuint (count_stored (fx), ==, 0);
  g_assert_cmpuint (count_data_files (fx), ==, 0);
  g_assert_cmpuint (kf_sandbox_count_requests (fx->sandbox, "/cgi-bin/upload.cgi"), ==, 1);
  g_clear_error (&error);

  /* one-shot: the next upload goes through */
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  root = parse_json (answer);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (root), 0),
                                                  "file_status"), ==, "OK");
  g_assert_cmpuint (count_stored (fx), ==, 1);
  g_assert_cmpuint (kf_sandbox_get_n_incomplete_uploads (fx->sandbox), ==, 1);
}

/* A client that gives up halfway through its body leaves nothing behind. */
static void
test_client_abort (Fixture       *fx,
                   gconstpointer  data)
{
  const char *boundary = "abab";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *head = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) start = g_string_new (NULL);
  g_autofree guint8 *payload = g_malloc0 (200000);
  GOutputStream *out;
  gboolean settled = FALSE;

  get_upload_server (fx, &sess_id, &upload_url);
  uri = g_uri_parse (upload_url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  append_field (start, boundary, "sess_id", sess_id);
  append_file (start, boundary, "file_0", "filename=\"gone.bin\"", payload, 200000);
  head = g_strdup_printf ("POST /cgi-bin/upload.cgi HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: multipart/form-data; boundary=%s\r\n"
                          "Content-Length: %u\r\n\r\n", boundary, 10 * 1024 * 1024);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (out, start->str, start->len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);

  for (guint i = 0; i < 250 && !settled; i++)
    {
      g_usleep (20 * 1000);
      settled = kf_sandbox_get_n_incomplete_uploads (fx->sandbox) == 1;
    }
  g_assert_true (settled);
  g_assert_cmpuint (count_stored (fx), ==, 0);
  g_assert_cmpuint (count_data_files (fx), ==, 0);
  g_assert_cmpuint (kf_sandbox_count_requests (fx->sandbox, "/cgi-bin/upload.cgi"), ==, 1);
}

static void
test_file_faults (Fixture       *fx,
                  gconstpointer  data)
{
  const char *boundary = "ffff";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  guint status;

  get_upload_server (fx, &sess_id, &upload_url);
  append_field (body, boundary, "sess_id", sess_id);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *field = g_strdup_printf ("file_%u", i);

      append_file (body, boundary, field, "filename=\"f.bin\"", (const guint8 *) "data", 4);
    }
  g_string_append_printf (body, "--%s--\r\n", boundary);
  bytes = g_bytes_new (body->str, body->len);

  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_FILE_ERROR, NULL, 1);
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_FILE_REFUSED, NULL, 1);
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  root = parse_json (answer);
  list = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (list), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "file_code"), ==, "undef");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "file_status"), ==,
                   "failed while requesting fs.cgi: timeout");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1), "file_code"), ==, "undef");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1), "file_status"), ==,
                   "unallowed extension");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 2), "file_status"), ==, "OK");
  g_assert_cmpuint (count_stored (fx), ==, 1);
  g_assert_cmpuint (count_data_files (fx), ==, 1);
}

static void
test_upload_replacing_fault (Fixture       *fx,
                             gconstpointer  data)
{
  const char *boundary = "rrrr";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL, *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  get_upload_server (fx, &sess_id, &upload_url);
  body = big_upload_body (boundary, sess_id, 300000, &bytes);
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_TOO_LARGE, "/cgi-bin/", 1);
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 413);
  g_assert_nonnull (strstr (answer, "<html>"));
  g_assert_cmpuint (count_stored (fx), ==, 0);
  g_assert_cmpuint (count_data_files (fx), ==, 0);
  g_clear_pointer (&answer, g_free);

  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (count_stored (fx), ==, 1);
}

static void
test_voucher (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) vouchers = NULL;
  JsonObject *obj;
  const char *voucher;

  kf_sandbox_set_balance (fx->sandbox, 10.0);
  root = api_json (fx, "reseller/create", "t=30p");
  obj = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (obj, "status"), ==, 200);
  voucher = json_object_get_string_member (obj, "voucher");
  g_assert_true (g_regex_match_simple ("^[a-z0-9]{18}$", voucher, 0, 0));
  g_assert_cmpfloat_with_epsilon (kf_sandbox_get_balance (fx->sandbox), 5.0, 1e-9);
  vouchers = kf_sandbox_dup_vouchers (fx->sandbox);
  g_assert_cmpuint (g_strv_length (vouchers), ==, 1);
  g_assert_cmpstr (vouchers[0], ==, voucher);

  text = api_text (fx, "reseller/create", "t=90p");
  g_assert_cmpstr (text, ==, "ERROR:Not enough money");
  g_assert_cmpfloat_with_epsilon (kf_sandbox_get_balance (fx->sandbox), 5.0, 1e-9);
  g_clear_pointer (&text, g_free);

  text = api_text (fx, "reseller/create", "t=7x");
  g_assert_cmpstr (text, ==, "ERROR:Invalid time");
  g_clear_pointer (&text, g_free);

  {
    /* the separate reseller key works here only */
    g_autofree char *url = g_strdup_printf ("%s/api/reseller/create?key=%s&t=50t",
                                            kf_sandbox_get_url (fx->sandbox), KF_SANDBOX_RESELLER_KEY);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(JsonNode) r = NULL;
    guint status;

    body = http_get (fx, url, &status, NULL);
    text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    r = parse_json (text);
    g_assert_cmpuint (strlen (json_object_get_string_member (json_node_get_object (r), "voucher")), ==, 18);
    g_assert_cmpfloat_with_epsilon (kf_sandbox_get_balance (fx->sandbox), 1.0, 1e-9);
  }
  g_clear_pointer (&vouchers, g_strfreev);
  vouchers = kf_sandbox_dup_vouchers (fx->sandbox);
  g_assert_cmpuint (g_strv_length (vouchers), ==, 2);
}

static void
test_cut_response (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *url = api_url (fx, "reseller/create", "t=30p");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) vouchers = NULL;

  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, "/api/reseller/", 1);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  /* the work was done although no answer came */
  vouchers = kf_sandbox_dup_vouchers (fx->sandbox);
  g_assert_cmpuint (g_strv_length (vouchers), ==, 1);
  g_assert_cmpfloat_with_epsilon (kf_sandbox_get_balance (fx->sandbox), 95.0, 1e-9);
}

static guint
status_of (Fixture    *fx,
           const char *op,
           char      **text_out,
           char      **content_type)
{
  g_autofree char *url = api_url (fx, op, NULL);
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = http_get (fx, url, &status, content_type);
  if (text_out != NULL)
    *text_out = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return status;
}

static void
test_faults (Fixture       *fx,
             gconstpointer  data)
{
  g_autofree char *text = NULL;
  g_autofree char *ctype = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 start;

  /* one-shot 502 */
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_HTML_5XX, NULL, 1);
  g_assert_cmpuint (status_of (fx, "account/info", &text, &ctype), ==, 502);
  g_assert_cmpstr (ctype, ==, "text/html");
  g_assert_nonnull (strstr (text, "502 Bad Gateway"));
  g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 200);

  /* counted: exactly two 429s */
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_RATE_LIMIT, NULL, 2);
  g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 429);
  g_assert_cmpuint (status_of (fx, "account/stats", NULL, NULL), ==, 429);
  g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 200);

  /* sticky until cleared */
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_RATE_LIMIT, NULL, 0);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 429);
  kf_sandbox_clear_faults (fx->sandbox);
  g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 200);

  /* limited to a path prefix */
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_INVALID_JSON, "/api/account/stats", 1);
  g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 200);
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (status_of (fx, "account/stats", &text, NULL), ==, 200);
  g_assert_false (json_parser_load_from_data (parser, text, -1, NULL));
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (status_of (fx, "account/stats", &text, NULL), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));

  /* key rejected although the key is right */
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_KEY_REJECTED, NULL, 1);
  g_clear_pointer (&text, g_free);
  status_of (fx, "account/info", &text, NULL);
  g_assert_cmpstr (text, ==, "{\"msg\":\"Invalid key\",\"status\":403}");

  /* slow */
  kf_sandbox_set_slow_delay (fx->sandbox, 400);
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_SLOW, NULL, 1);
  start = g_get_monotonic_time ();
  g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
  start = g_get_monotonic_time ();
  g_assert_cmpuint (status_of (fx, "account/info", NULL, NULL), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 400 * 1000);
}

static void
test_slow_then_stop (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *url = api_url (fx, "account/info", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 1, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  /* a client that gives up on a held answer, then a stop with one pending */
  kf_sandbox_set_slow_delay (fx->sandbox, 1500);
  kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_SLOW, NULL, 0);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  /* the held answer is released after its client left */
  g_usleep (700 * 1000);
  g_clear_object (&msg);
  msg = soup_message_new (SOUP_METHOD_GET, url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* this one is still held when the server stops */
  kf_sandbox_stop (fx->sandbox);
  kf_sandbox_stop (fx->sandbox);
}

static void
test_direct_link_and_stats (Fixture       *fx,
                            gconstpointer  data)
{
  const char *boundary = "dddd";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) up = NULL, link = NULL, stats = NULL, stats7 = NULL, info = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *extra = NULL;
  g_autofree guint8 *payload = g_malloc (123457);
  const char *code, *url;
  JsonObject *result;
  JsonArray *rows;
  guint status;

  for (guint i = 0; i < 123457; i++)
    payload[i] = (guint8) (i ^ (i >> 8));
  get_upload_server (fx, &sess_id, &upload_url);
  append_field (body, boundary, "sess_id", sess_id);
  append_file (body, boundary, "file_0", "filename=\"report final.pdf\"", payload, 123457);
  g_string_append_printf (body, "--%s--\r\n", boundary);
  bytes = g_bytes_new (body->str, body->len);
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  up = parse_json (answer);
  code = json_object_get_string_member (json_array_get_object_element (json_node_get_array (up), 0), "file_code");

  extra = g_strconcat ("file_code=", code, NULL);
  link = api_json (fx, "file/direct_link", extra);
  result = result_object (link);
  g_assert_cmpint (json_object_get_int_member (result, "size"), ==, 123457);
  url = json_object_get_string_member (result, "url");
  g_assert_true (g_str_has_prefix (url, kf_sandbox_get_file_server_url (fx->sandbox)));
  g_assert_true (g_str_has_suffix (url, "/report%20final.pdf"));

  got = http_get (fx, url, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), payload, 123457);

  stats = api_json (fx, "account/stats", "last=30");
  rows = json_node_get_array (json_object_get_member (json_node_get_object (stats), "result"));
  g_assert_cmpuint (json_array_get_length (rows), ==, 30);
  for (guint i = 0; i < 30; i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_assert_true (json_object_has_member (row, "day"));
      g_assert_true (json_object_has_member (row, "profit_total"));
    }
  /* today is last, and counts the one download */
  result = json_array_get_object_element (rows, 29);
  g_assert_cmpstr (json_object_get_string_member (result, "day"), ==, today);
  g_assert_cmpstr (json_object_get_string_member (result, "downloads"), ==, "1");

  stats7 = api_json (fx, "account/stats", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (stats7), "result")), ==, 7);

  info = api_json (fx, "file/info", extra);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (info), "result"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "filecode"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (result, "downloads"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (result, "name"), ==, "report final.pdf");

  /* unknown file code */
  g_clear_pointer (&got, g_bytes_unref);
  {
    g_autofree char *missing = g_strconcat (kf_sandbox_get_file_server_url (fx->sandbox),
                                            "/d/nosuchcode00/x.bin", NULL);

    got = http_get (fx, missing, &status, NULL);
    g_assert_cmpuint (status, ==, 404);
  }
}

static void
test_folders (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(JsonNode) root = api_json (fx, "folder/list", NULL);
  g_autoptr(JsonNode) created = NULL, inner = NULL, renamed = NULL, listed = NULL, bad = NULL;
  g_autofree char *extra = NULL;
  JsonObject *result = result_object (root);
  JsonArray *folders = json_object_get_array_member (result, "folders");
  gint64 new_id;

  g_assert_cmpuint (json_array_get_length (folders), >=, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "files")), ==, 0);

  created = api_json (fx, "folder/create", "parent_id=1&name=Holiday%20%C3%A9t%C3%A9");
  new_id = json_object_get_int_member (result_object (created), "fld_id");
  g_assert_cmpint (new_id, >, 2);

  inner = api_json (fx, "folder/list", "fld_id=1");
  folders = json_object_get_array_member (result_object (inner), "folders");
  g_assert_cmpuint (json_array_get_length (folders), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (folders, 0), "fld_id"), ==, new_id);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (folders, 0), "name"), ==,
                   "Holiday \xc3\xa9t\xc3\xa9");

  bad = api_json (fx, "folder/list", "fld_id=9999");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (bad), "status"), ==, 404);

  listed = api_json (fx, "file/list", "page=1&per_page=10");
  g_assert_cmpstr (json_object_get_string_member (result_object (listed), "results_total"), ==, "0");

  renamed = api_json (fx, "file/rename", "file_code=nope&name=x");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (renamed), "status"), ==, 404);
}

/* The full HTTP answer (status, type, body) for @url, as one string. */
static char *
http_answer (Fixture    *fx,
             const char *url)
{
  g_autofree char *content_type = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = http_get (fx, url, &status, &content_type);
  return g_strdup_printf ("%u %s %.*s", status, content_type, (int) g_bytes_get_size (body),
                          (const char *) g_bytes_get_data (body, NULL));
}

static void
test_disabled_operation (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *unknown_url = api_url (fx, "nothing/here", "parent_id=0&name=x");
  g_autofree char *create_url = api_url (fx, "folder/create", "parent_id=0&name=Never");
  g_autofree char *unknown = http_answer (fx, unknown_url);
  g_autofree char *disabled = NULL, *bad_key_unknown = NULL, *bad_key_disabled = NULL;
  g_autofree char *bad_unknown_url = NULL, *bad_create_url = NULL;
  g_autoptr(JsonNode) before = api_json (fx, "folder/list", NULL);
  g_autoptr(JsonNode) after = NULL, created = NULL;
  guint n_folders = json_array_get_length (json_object_get_array_member (result_object (before), "folders"));

  g_assert_nonnull (strstr (unknown, "Unknown operation"));

  kf_sandbox_set_operation_enabled (fx->sandbox, "folder/create", FALSE);
  disabled = http_answer (fx, create_url);
  g_assert_cmpstr (disabled, ==, unknown);

  /* a wrong key is judged first, for disabled and unknown operations alike */
  bad_unknown_url = g_strdup_printf ("%s/api/nothing/here?key=wrong", kf_sandbox_get_url (fx->sandbox));
  bad_create_url = g_strdup_printf ("%s/api/folder/create?key=wrong", kf_sandbox_get_url (fx->sandbox));
  bad_key_unknown = http_answer (fx, bad_unknown_url);
  bad_key_disabled = http_answer (fx, bad_create_url);
  g_assert_cmpstr (bad_key_disabled, ==, bad_key_unknown);

  /* only the named operation is switched off, and it did nothing */
  after = api_json (fx, "folder/list", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result_object (after), "folders")),
                    ==, n_folders);

  kf_sandbox_set_operation_enabled (fx->sandbox, "folder/create", TRUE);
  created = api_json (fx, "folder/create", "parent_id=0&name=Now");
  g_assert_cmpint (json_object_get_int_member (result_object (created), "fld_id"), >, 0);
  g_clear_pointer (&after, json_node_unref);
  after = api_json (fx, "folder/list", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result_object (after), "folders")),
                    ==, n_folders + 1);
}

static void
test_file_list_rename (Fixture       *fx,
                       gconstpointer  data)
{
  const char *boundary = "llll";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) up = NULL, page2 = NULL, filtered = NULL, renamed = NULL, in_folder = NULL;
  g_autofree char *extra = NULL;
  g_autoptr(KfSandboxFile) stored = NULL;
  JsonObject *result;
  const char *code;
  guint status;

  get_upload_server (fx, &sess_id, &upload_url);
  append_field (body, boundary, "sess_id", sess_id);
  append_field (body, boundary, "fld_id", "1");
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *field = g_strdup_printf ("file_%u", i);
      g_autofree char *disp = g_strdup_printf ("filename=\"%s%u.txt\"", i == 3 ? "Special" : "plain", i);

      append_file (body, boundary, field, disp, (const guint8 *) "x", 1);
    }
  g_string_append_printf (body, "--%s--\r\n", boundary);
  bytes = g_bytes_new (body->str, body->len);
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  up = parse_json (answer);

  page2 = api_json (fx, "file/list", "page=2&per_page=2");
  result = result_object (page2);
  g_assert_cmpstr (json_object_get_string_member (result, "results_total"), ==, "5");
  g_assert_cmpint (json_object_get_int_member (result, "pages"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "files")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (result, "files"), 0), "name"),
                   ==, "plain2.txt");

  filtered = api_json (fx, "file/list", "name=special&fld_id=1");
  result = result_object (filtered);
  g_assert_cmpstr (json_object_get_string_member (result, "results_total"), ==, "1");

  in_folder = api_json (fx, "folder/list", "fld_id=1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result_object (in_folder), "files")), ==, 5);

  code = json_object_get_string_member (json_array_get_object_element (json_node_get_array (up), 0), "file_code");
  extra = g_strconcat ("file_code=", code, "&name=new%20name.txt", NULL);
  renamed = api_json (fx, "file/rename", extra);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (renamed), "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (renamed), "result"), ==, "true");
  stored = find_stored (fx, code);
  g_assert_cmpstr (stored->name, ==, "new name.txt");
}

static gboolean
wait_remote (Fixture    *fx,
             const char *code,
             char      **status_out)
{
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *extra = g_strconcat ("file_code=", code, NULL);
      g_autoptr(JsonNode) root = api_json (fx, "upload/url", extra);
      JsonObject *result = result_object (root);
      const char *status = json_object_get_string_member (result, "status");

      if (!g_str_equal (status, "WORKING"))
        {
          *status_out = g_strdup (status);
          return TRUE;
        }
      g_usleep (20 * 1000);
    }
  return FALSE;
}

static void
test_remote_upload (Fixture       *fx,
                    gconstpointer  data)
{
  const char *boundary = "uuuu";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL, *extra = NULL, *status_text = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) up = NULL, link = NULL, remote = NULL, refused = NULL, missing = NULL;
  g_autoptr(KfSandboxFile) original = NULL, copy = NULL;
  g_autofree guint8 *payload = g_malloc (300001);
  g_autofree char *escaped = NULL;
  const char *code, *remote_code;
  guint status;

  for (guint i = 0; i < 300001; i++)
    payload[i] = (guint8) (i * 13);
  get_upload_server (fx, &sess_id, &upload_url);
  append_field (body, boundary, "sess_id", sess_id);
  append_file (body, boundary, "file_0", "filename=\"source.bin\"", payload, 300001);
  g_string_append_printf (body, "--%s--\r\n", boundary);
  bytes = g_bytes_new (body->str, body->len);
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  up = parse_json (answer);
  code = json_object_get_string_member (json_array_get_object_element (json_node_get_array (up), 0), "file_code");
  extra = g_strconcat ("file_code=", code, NULL);
  link = api_json (fx, "file/direct_link", extra);
  escaped = g_uri_escape_string (json_object_get_string_member (result_object (link), "url"), NULL, FALSE);
  g_free (extra);
  extra = g_strconcat ("fld_id=2&url=", escaped, NULL);

  remote = api_json (fx, "upload/url", extra);
  remote_code = json_object_get_string_member (result_object (remote), "filecode");
  g_assert_true (wait_remote (fx, remote_code, &status_text));
  g_assert_cmpstr (status_text, ==, "OK");
  original = find_stored (fx, code);
  copy = find_stored (fx, remote_code);
  g_assert_nonnull (copy);
  g_assert_cmpstr (copy->name, ==, "source.bin");
  g_assert_cmpstr (copy->folder_id, ==, "2");
  assert_same_file (original->path, copy->path);

  refused = api_json (fx, "upload/url", "url=http%3A%2F%2Fexample.com%2Fa.bin");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (refused), "status"), ==, 400);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (refused), "msg"), "127.0.0.1"));

  g_free (extra);
  extra = g_strdup_printf ("url=%s%%2Fd%%2Fnosuchfile000%%2Fx", kf_sandbox_get_file_server_url (fx->sandbox));
  missing = api_json (fx, "upload/url", extra);
  g_clear_pointer (&status_text, g_free);
  g_assert_true (wait_remote (fx, json_object_get_string_member (result_object (missing), "filecode"), &status_text));
  g_assert_true (g_str_has_prefix (status_text, "ERROR: "));
  g_assert_cmpuint (count_stored (fx), ==, 2);
}

/* file browser operations */

static gint64
api_status (JsonNode *root)
{
  return json_object_get_int_member (json_node_get_object (root), "status");
}

/* Uploads one small file per name into @fld_id ("0": root) in one request;
 * returns their codes in order. */
static GPtrArray *
upload_named (Fixture            *fx,
              const char         *fld_id,
              const char * const *names,
              guint               n_names)
{
  const char *boundary = "nnnn";
  g_autofree char *sess_id = NULL, *upload_url = NULL, *answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) up = NULL;
  GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);
  JsonArray *rows;
  guint status;

  get_upload_server (fx, &sess_id, &upload_url);
  append_field (body, boundary, "sess_id", sess_id);
  append_field (body, boundary, "fld_id", fld_id);
  for (guint i = 0; i < n_names; i++)
    {
      g_autofree char *field = g_strdup_printf ("file_%u", i);
      g_autofree char *disp = g_strdup_printf ("filename=\"%s\"", names[i]);

      append_file (body, boundary, field, disp, (const guint8 *) names[i], strlen (names[i]));
    }
  g_string_append_printf (body, "--%s--\r\n", boundary);
  bytes = g_bytes_new (body->str, body->len);
  answer = post_body (fx, upload_url, boundary, bytes, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  up = parse_json (answer);
  rows = json_node_get_array (up);
  g_assert_cmpuint (json_array_get_length (rows), ==, n_names);
  for (guint i = 0; i < n_names; i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_assert_cmpstr (json_object_get_string_member (row, "file_status"), ==, "OK");
      g_ptr_array_add (codes, g_strdup (json_object_get_string_member (row, "file_code")));
    }
  return codes;
}

static char *
stored_folder (Fixture    *fx,
               const char *file_code)
{
  g_autoptr(KfSandboxFile) file = find_stored (fx, file_code);

  g_assert_nonnull (file);
  return g_strdup (file->folder_id);
}

static void
assert_folder (Fixture    *fx,
               const char *file_code,
               const char *fld_id)
{
  g_autofree char *folder = stored_folder (fx, file_code);

  g_assert_cmpstr (folder, ==, fld_id);
}

/* The folders directly in @fld_id, as "id:name" lines in order. */
static char *
folder_names (Fixture    *fx,
              const char *fld_id)
{
  g_autofree char *extra = g_strconcat ("fld_id=", fld_id, NULL);
  g_autoptr(JsonNode) root = api_json (fx, "folder/list", extra);
  JsonArray *folders = json_object_get_array_member (result_object (root), "folders");
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (folders); i++)
    {
      JsonObject *folder = json_array_get_object_element (folders, i);

      g_string_append_printf (text, "%" G_GINT64_FORMAT ":%s\n",
                              json_object_get_int_member (folder, "fld_id"),
                              json_object_get_string_member (folder, "name"));
    }
  return g_string_free (text, FALSE);
}

static void
test_file_set_folder (Fixture       *fx,
                      gconstpointer  data)
{
  const char *names[] = { "a.txt", "b.txt", "c.txt" };
  g_autoptr(GPtrArray) codes = upload_named (fx, "0", names, G_N_ELEMENTS (names));
  const char *a = g_ptr_array_index (codes, 0), *b = g_ptr_array_index (codes, 1);
  const char *c = g_ptr_array_index (codes, 2);
  g_autofree char *extra = g_strdup_printf ("file_code=%s,%s&fld_id=2", a, b);
  g_autofree char *with_unknown = g_strdup_printf ("file_code=%s,nosuchfile00&fld_id=1", c);
  g_autofree char *to_missing = g_strdup_printf ("file_code=%s&fld_id=999", c);
  g_autofree char *back = g_strdup_printf ("file_code=%s&fld_id=0", a);
  g_autoptr(JsonNode) moved = api_json (fx, "file/set_folder", extra);
  g_autoptr(JsonNode) listed = NULL, refused = NULL, missing = NULL, none = NULL, home = NULL;
  JsonArray *files;

  g_assert_cmpint (api_status (moved), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (moved), "msg"), ==, "OK");
  assert_folder (fx, a, "2");
  assert_folder (fx, b, "2");
  assert_folder (fx, c, "0");
  listed = api_json (fx, "folder/list", "fld_id=2");
  files = json_object_get_array_member (result_object (listed), "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0), "file_code"), ==, a);

  /* all or nothing: an unknown code or folder moves no file */
  refused = api_json (fx, "file/set_folder", with_unknown);
  g_assert_cmpint (api_status (refused), ==, 404);
  assert_folder (fx, c, "0");
  missing = api_json (fx, "file/set_folder", to_missing);
  g_assert_cmpint (api_status (missing), ==, 404);
  assert_folder (fx, c, "0");
  none = api_json (fx, "file/set_folder", "fld_id=1");
  g_assert_cmpint (api_status (none), ==, 400);

  home = api_json (fx, "file/set_folder", back);
  g_assert_cmpint (api_status (home), ==, 200);
  assert_folder (fx, a, "0");
  assert_folder (fx, b, "2");
}

static void
test_file_clone (Fixture       *fx,
                 gconstpointer  data)
{
  const char *names[] = { "original \xc3\xa9.txt" };
  g_autoptr(GPtrArray) codes = upload_named (fx, "1", names, 1);
  const char *code = g_ptr_array_index (codes, 0);
  g_autofree char *extra = g_strconcat ("file_code=", code, NULL);
  g_autofree char *to_folder = g_strconcat ("file_code=", code, "&fld_id=2", NULL);
  g_autofree char *to_missing = g_strconcat ("file_code=", code, "&fld_id=999", NULL);
  g_autofree char *expected_url = NULL, *renamed_extra = NULL, *info_extra = NULL;
  g_autoptr(JsonNode) cloned = api_json (fx, "file/clone", extra);
  g_autoptr(JsonNode) cloned2 = NULL, unknown = NULL, missing = NULL, renamed = NULL, info = NULL;
  g_autoptr(JsonNode) by_name = NULL;
  g_autoptr(KfSandboxFile) original = find_stored (fx, code);
  g_autoptr(KfSandboxFile) copy = NULL, copy2 = NULL, after = NULL;
  JsonObject *result = result_object (cloned);
  const char *new_code = json_object_get_string_member (result, "filecode");
  const char *new_code2;

  g_assert_cmpstr (new_code, !=, code);
  expected_url = g_strconcat (kf_sandbox_get_url (fx->sandbox), "/", new_code, NULL);
  g_assert_cmpstr (json_object_get_string_member (result, "url"), ==, expected_url);
  copy = find_stored (fx, new_code);
  g_assert_nonnull (copy);
  g_assert_cmpstr (copy->name, ==, original->name);
  g_assert_cmpint (copy->size, ==, original->size);
  g_assert_cmpstr (copy->folder_id, ==, "1");
  g_assert_cmpstr (copy->path, !=, original->path);
  assert_same_file (copy->path, original->path);

  cloned2 = api_json (fx, "file/clone", to_folder);
  new_code2 = json_object_get_string_member (result_object (cloned2), "filecode");
  copy2 = find_stored (fx, new_code2);
  g_assert_cmpstr (copy2->folder_id, ==, "2");
  g_assert_cmpuint (count_stored (fx), ==, 3);

  unknown = api_json (fx, "file/clone", "file_code=nosuchfile00");
  g_assert_cmpint (api_status (unknown), ==, 404);
  missing = api_json (fx, "file/clone", to_missing);
  g_assert_cmpint (api_status (missing), ==, 404);
  g_assert_cmpuint (count_stored (fx), ==, 3);

  /* a clone is a file of its own */
  renamed_extra = g_strconcat ("file_code=", code, "&name=changed.txt", NULL);
  renamed = api_json (fx, "file/rename", renamed_extra);
  g_assert_cmpint (api_status (renamed), ==, 200);
  after = find_stored (fx, new_code);
  g_assert_cmpstr (after->name, ==, "original \xc3\xa9.txt");
  /* the name filter sees the new name, and only on the renamed file */
  by_name = api_json (fx, "file/list", "name=CHANGED");
  g_assert_cmpstr (json_object_get_string_member (result_object (by_name), "results_total"), ==, "1");
  info_extra = g_strconcat ("file_code=", new_code, NULL);
  info = api_json (fx, "file/info", info_extra);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (info), "result"), 0), "downloads"),
                   ==, "0");
}

static void
test_folder_rename (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) renamed = api_json (fx, "folder/rename", "fld_id=1&name=Renamed%20%C3%A9t%C3%A9");
  g_autoptr(JsonNode) root = NULL, missing = NULL, bad = NULL, blank = NULL;
  g_autofree char *names = NULL, *names_after = NULL;

  g_assert_cmpint (api_status (renamed), ==, 200);
  names = folder_names (fx, "0");
  g_assert_cmpstr (names, ==, "1:Renamed \xc3\xa9t\xc3\xa9\n2:Backups\n");

  root = api_json (fx, "folder/rename", "fld_id=0&name=Root");
  g_assert_cmpint (api_status (root), ==, 400);
  missing = api_json (fx, "folder/rename", "fld_id=999&name=Nope");
  g_assert_cmpint (api_status (missing), ==, 404);
  bad = api_json (fx, "folder/rename", "fld_id=2&name=a%2Fb");
  g_assert_cmpint (api_status (bad), ==, 400);
  blank = api_json (fx, "folder/rename", "fld_id=2&name=%20%20");
  g_assert_cmpint (api_status (blank), ==, 400);
  names_after = folder_names (fx, "0");
  g_assert_cmpstr (names_after, ==, names);
}

static void
test_file_info_several (Fixture       *fx,
                        gconstpointer  data)
{
  const char *names[] = { "one.txt", "two words.txt" };
  g_autoptr(GPtrArray) codes = upload_named (fx, "0", names, 2);
  const char *a = g_ptr_array_index (codes, 0), *b = g_ptr_array_index (codes, 1);
  g_autofree char *link_extra = g_strconcat ("file_code=", a, NULL);
  g_autofree char *extra = g_strdup_printf ("file_code=%s,%s,nosuchfile00", b, a);
  g_autoptr(JsonNode) link = api_json (fx, "file/direct_link", link_extra);
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *url = json_object_get_string_member (result_object (link), "url");
  JsonArray *rows;
  JsonObject *row;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) got = NULL;
      guint status;

      got = http_get (fx, url, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
    }

  info = api_json (fx, "file/info", extra);
  g_assert_cmpint (api_status (info), ==, 200);
  rows = json_object_get_array_member (json_node_get_object (info), "result");
  g_assert_cmpuint (json_array_get_length (rows), ==, 3);

  /* in the order asked */
  row = json_array_get_object_element (rows, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "filecode"), ==, b);
  g_assert_cmpint (json_object_get_int_member (row, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "two words.txt");
  g_assert_cmpint (json_object_get_int_member (row, "size"), ==, strlen ("two words.txt"));
  g_assert_cmpstr (json_object_get_string_member (row, "downloads"), ==, "0");

  row = json_array_get_object_element (rows, 1);
  g_assert_cmpstr (json_object_get_string_member (row, "filecode"), ==, a);
  g_assert_cmpint (json_object_get_int_member (row, "size"), ==, strlen ("one.txt"));
  g_assert_cmpstr (json_object_get_string_member (row, "downloads"), ==, "2");
  {
    const char *uploaded = json_object_get_string_member (row, "uploaded");
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
    g_autofree char *iso = NULL;
    g_autoptr(GDateTime) when = NULL;

    g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$", uploaded, 0, 0));
    iso = g_strdelimit (g_strdup (uploaded), " ", 'T');
    when = g_date_time_new_from_iso8601 (iso, utc);
    g_assert_nonnull (when);
    g_assert_cmpint (ABS (g_date_time_difference (now, when)), <, 120 * G_TIME_SPAN_SECOND);
  }

  row = json_array_get_object_element (rows, 2);
  g_assert_cmpstr (json_object_get_string_member (row, "filecode"), ==, "nosuchfile00");
  g_assert_cmpint (json_object_get_int_member (row, "status"), ==, 404);
  g_assert_false (json_object_has_member (row, "name"));
}

/* Microseconds for one answer to @op, the median of five. */
static gint64
time_api (Fixture    *fx,
          const char *op,
          const char *extra)
{
  gint64 times[5];

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(JsonNode) root = api_json (fx, op, extra);

      times[i] = g_get_monotonic_time () - start;
      g_assert_cmpint (api_status (root), ==, 200);
    }
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (times); j++)
      if (times[j] < times[i])
        {
          gint64 t = times[i];

          times[i] = times[j];
          times[j] = t;
        }
  return times[G_N_ELEMENTS (times) / 2];
}

#define BIG_FOLDER_FILES 10000
#define BIG_BATCH        500

static void
test_file_list_big_folder (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) created = api_json (fx, "folder/create", "parent_id=0&name=Big");
  gint64 big = json_object_get_int_member (result_object (created), "fld_id");
  g_autofree char *fld = g_strdup_printf ("%" G_GINT64_FORMAT, big);
  g_autofree char *page1_extra = g_strdup_printf ("fld_id=%s&page=1&per_page=100", fld);
  g_autofree char *page100_extra = g_strdup_printf ("fld_id=%s&page=100&per_page=100", fld);
  g_autofree char *named_extra = g_strdup_printf ("fld_id=%s&name=FILE-0999&per_page=100", fld);
  g_autoptr(JsonNode) page1 = NULL, page100 = NULL, named = NULL, beyond = NULL;
  const char *root_names[] = { "file-00001-in-root.txt" };
  g_autoptr(GPtrArray) in_root = NULL;
  JsonObject *result;
  JsonArray *files;
  gint64 t_page1, t_page100, t_named, t_info;
  gint64 start = g_get_monotonic_time ();

  for (guint done = 0; done < BIG_FOLDER_FILES; done += BIG_BATCH)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) codes = NULL;

      for (guint i = done; i < done + BIG_BATCH; i++)
        g_ptr_array_add (names, g_strdup_printf ("file-%05u.txt", i));
      codes = upload_named (fx, fld, (const char * const *) names->pdata, names->len);
    }
  in_root = upload_named (fx, "0", root_names, 1);
  g_test_message ("file/list: %u files uploaded in %.2f s", BIG_FOLDER_FILES + 1,
                  (g_get_monotonic_time () - start) / 1e6);

  page1 = api_json (fx, "file/list", page1_extra);
  result = result_object (page1);
  g_assert_cmpstr (json_object_get_string_member (result, "results_total"), ==, "10000");
  g_assert_cmpint (json_object_get_int_member (result, "pages"), ==, 100);
  files = json_object_get_array_member (result, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 100);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0), "name"), ==, "file-00000.txt");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 99), "name"), ==, "file-00099.txt");

  page100 = api_json (fx, "file/list", page100_extra);
  files = json_object_get_array_member (result_object (page100), "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 100);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0), "name"), ==, "file-09900.txt");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 99), "name"), ==, "file-09999.txt");
  for (guint i = 0; i < 100; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (files, i), "fld_id"), ==, big);

  /* the name filter ignores case and stays inside the folder */
  named = api_json (fx, "file/list", named_extra);
  result = result_object (named);
  g_assert_cmpstr (json_object_get_string_member (result, "results_total"), ==, "10");
  files = json_object_get_array_member (result, "files");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 9), "name"), ==, "file-09999.txt");

  g_clear_pointer (&page100_extra, g_free);
  page100_extra = g_strdup_printf ("fld_id=%s&page=101&per_page=100", fld);
  beyond = api_json (fx, "file/list", page100_extra);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result_object (beyond), "files")), ==, 0);

  /* figures only: the machine may be busy */
  t_info = time_api (fx, "account/info", NULL);
  t_page1 = time_api (fx, "file/list", page1_extra);
  g_clear_pointer (&page100_extra, g_free);
  page100_extra = g_strdup_printf ("fld_id=%s&page=100&per_page=100", fld);
  t_page100 = time_api (fx, "file/list", page100_extra);
  t_named = time_api (fx, "file/list", named_extra);
  g_test_message ("file/list of a %u-file folder, median of 5: page 1 %.2f ms, page 100 %.2f ms, "
                  "name filter %.2f ms (account/info %.2f ms)", BIG_FOLDER_FILES,
                  t_page1 / 1e3, t_page100 / 1e3, t_named / 1e3, t_info / 1e3);
}

static void
test_folder_create_rules (Fixture       *fx,
                          gconstpointer  data)
{
  const char *refused[] = {
    "parent_id=1",                         /* no name */
    "parent_id=1&name=%20%20%09",          /* blank */
    "parent_id=1&name=a%2Fb",              /* a path */
    "parent_id=1&name=tab%09in",           /* control character */
    "parent_id=1&name=%FF%FE",             /* not UTF-8 */
    "parent_id=1&name=..",
    "parent_id=999&name=Orphan",           /* no such parent */
    "parent_id=abc&name=Orphan",
    "parent_id=-1&name=Orphan",
  };
  g_autoptr(JsonNode) created = api_json (fx, "folder/create", "parent_id=1&name=Photos%202026");
  g_autoptr(JsonNode) in_root = NULL;
  gint64 id = json_object_get_int_member (result_object (created), "fld_id");
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT ":Photos 2026\n", id);
  g_autofree char *inside = folder_names (fx, "1");
  g_autofree char *root_before = folder_names (fx, "0");
  g_autofree char *long_name = g_strnfill (256, 'x');
  g_autofree char *long_extra = g_strconcat ("parent_id=1&name=", long_name, NULL);
  g_autofree char *ok_long_extra = g_strconcat ("parent_id=0&name=", long_name + 1, NULL);
  g_autofree char *inside_after = NULL, *root_after = NULL;

  g_assert_cmpstr (inside, ==, expected);
  /* no parent_id: the root */
  in_root = api_json (fx, "folder/create", "name=Top");
  g_assert_cmpint (api_status (in_root), ==, 200);
  g_clear_pointer (&root_before, g_free);
  root_before = folder_names (fx, "0");
  g_assert_nonnull (strstr (root_before, ":Top\n"));

  for (guint i = 0; i < G_N_ELEMENTS (refused) + 1; i++)
    {
      const char *extra = i < G_N_ELEMENTS (refused) ? refused[i] : long_extra;
      g_autoptr(JsonNode) root = api_json (fx, "folder/create", extra);
      JsonObject *obj = json_node_get_object (root);

      g_test_message ("folder/create %.40s: %s", extra, json_object_get_string_member (obj, "msg"));
      g_assert_cmpint (api_status (root), !=, 200);
      g_assert_false (json_object_has_member (obj, "result"));
    }
  inside_after = folder_names (fx, "1");
  root_after = folder_names (fx, "0");
  g_assert_cmpstr (inside_after, ==, expected);
  g_assert_cmpstr (root_after, ==, root_before);

  /* 255 bytes is still a name */
  {
    g_autoptr(JsonNode) root = api_json (fx, "folder/create", ok_long_extra);

    g_assert_cmpint (api_status (root), ==, 200);
  }
}

/* Each file-browser operation can be switched off; then it answers like an
 * unknown operation and changes nothing. */
static void
test_operations_switched_off (Fixture       *fx,
                              gconstpointer  data)
{
  const char *names[] = { "kept.txt" };
  g_autoptr(GPtrArray) codes = upload_named (fx, "0", names, 1);
  const char *code = g_ptr_array_index (codes, 0);
  g_autofree char *unknown_url = api_url (fx, "nothing/here", NULL);
  g_autofree char *unknown = http_answer (fx, unknown_url);
  g_autofree char *code_extra = g_strconcat ("file_code=", code, NULL);
  g_autofree char *move_extra = g_strconcat ("file_code=", code, "&fld_id=1", NULL);
  g_autofree char *folders_before = folder_names (fx, "0");
  const struct {
    const char *op;
    const char *extra;
  } ops[] = {
    { "file/set_folder", move_extra },
    { "file/clone", code_extra },
    { "folder/rename", "fld_id=1&name=Changed" },
    { "folder/create", "parent_id=0&name=New" },
    { "file/info", code_extra },
    { "file/list", "page=1" },
    { "upload/url", code_extra },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autofree char *url = api_url (fx, ops[i].op, ops[i].extra);
      g_autofree char *answer = NULL;
      g_autoptr(JsonNode) root = NULL;

      kf_sandbox_set_operation_enabled (fx->sandbox, ops[i].op, FALSE);
      answer = http_answer (fx, url);
      g_assert_cmpstr (answer, ==, unknown);
      kf_sandbox_set_operation_enabled (fx->sandbox, ops[i].op, TRUE);
      /* only that one was off */
      root = api_json (fx, "file/info", code_extra);
      g_assert_cmpint (api_status (root), ==, 200);
    }
  {
    g_autofree char *folders_after = folder_names (fx, "0");
    g_autofree char *folder = stored_folder (fx, code);

    g_assert_cmpstr (folders_after, ==, folders_before);
    g_assert_cmpstr (folder, ==, "0");
    g_assert_cmpuint (count_stored (fx), ==, 1);
  }
}

/* upload/url answers in each shape hosts use; a slow source keeps the job
 * running while its status is asked. */
static void
test_remote_answer_shapes (Fixture       *fx,
                           gconstpointer  data)
{
  const char *names[] = { "remote-source.txt" };
  g_autoptr(GPtrArray) codes = upload_named (fx, "0", names, 1);
  g_autofree char *link_extra = g_strconcat ("file_code=", (char *) g_ptr_array_index (codes, 0), NULL);
  g_autoptr(JsonNode) link = api_json (fx, "file/direct_link", link_extra);
  g_autofree char *escaped = g_uri_escape_string (json_object_get_string_member (result_object (link), "url"),
                                                  NULL, FALSE);
  g_autofree char *start_extra = g_strconcat ("url=", escaped, NULL);
  const KfSandboxRemoteAnswer shapes[] = {
    KF_SANDBOX_REMOTE_RESULT, KF_SANDBOX_REMOTE_LIST, KF_SANDBOX_REMOTE_WORKING,
  };

  kf_sandbox_set_slow_delay (fx->sandbox, 1500);
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(JsonNode) started = NULL, running = NULL, done = NULL;
      g_autofree char *code = NULL, *status_extra = NULL, *info_extra = NULL;
      g_autoptr(KfSandboxFile) stored = NULL;
      gboolean finished = FALSE;

      kf_sandbox_set_remote_answer (fx->sandbox, shapes[i]);
      kf_sandbox_add_fault (fx->sandbox, KF_SANDBOX_FAULT_SLOW, "/d/", 1);
      started = api_json (fx, "upload/url", start_extra);
      if (shapes[i] == KF_SANDBOX_REMOTE_LIST)
        code = g_strdup (json_object_get_string_member (json_array_get_object_element (json_node_get_array (started), 0), "file_code"));
      else
        code = g_strdup (json_object_get_string_member (result_object (started), "filecode"));
      g_assert_cmpuint (strlen (code), ==, 12);
      status_extra = g_strconcat ("file_code=", code, NULL);
      info_extra = g_strconcat ("file_code=", code, NULL);

      /* the source is still holding its answer back */
      running = api_json (fx, "upload/url", status_extra);
      switch (shapes[i])
        {
        case KF_SANDBOX_REMOTE_RESULT:
          g_assert_cmpstr (json_object_get_string_member (result_object (running), "status"), ==, "WORKING");
          g_assert_cmpstr (json_object_get_string_member (result_object (running), "file_code"), ==, code);
          break;
        case KF_SANDBOX_REMOTE_LIST:
          g_assert_true (JSON_NODE_HOLDS_ARRAY (running));
          g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (running), 0), "file_code"),
                           ==, code);
          break;
        case KF_SANDBOX_REMOTE_WORKING:
        default:
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (running), "msg"), ==, "WORKING");
          g_assert_false (json_object_has_member (json_node_get_object (running), "result"));
          break;
        }
      g_assert_null (find_stored (fx, code));

      /* the list shape says nothing more: the file's own info tells when it is there */
      for (guint tries = 0; tries < 500 && !finished; tries++)
        {
          g_autoptr(JsonNode) info = api_json (fx, "file/info", info_extra);
          JsonObject *row = json_array_get_object_element (json_object_get_array_member (json_node_get_object (info), "result"), 0);

          finished = json_object_get_int_member (row, "status") == 200;
          if (!finished)
            g_usleep (20 * 1000);
        }
      g_assert_true (finished);
      stored = find_stored (fx, code);
      g_assert_cmpstr (stored->name, ==, "remote-source.txt");
      g_assert_cmpint (stored->size, ==, strlen ("remote-source.txt"));

      done = api_json (fx, "upload/url", status_extra);
      if (shapes[i] == KF_SANDBOX_REMOTE_LIST)
        g_assert_true (JSON_NODE_HOLDS_ARRAY (done));
      else
        g_assert_cmpstr (json_object_get_string_member (result_object (done), "status"), ==, "OK");
    }
}

/* The kenfiles-sandbox program switches operations off with --disable. */
static void
test_program_disable (void)
{
  const char *program = g_getenv ("KENFILES_SANDBOX");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const char *ops[] = { "file/clone", "folder/rename", "folder/list" };

  if (program == NULL)
    {
      g_test_skip ("KENFILES_SANDBOX is not set");
      return;
    }
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program,
                           "--disable", "file/clone", "--disable=folder/rename", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while (url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "URL: "))
        url = g_strdup (line + strlen ("URL: "));
    }

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autofree char *api = g_strdup_printf ("%s/api/%s?key=%s&file_code=x", url, ops[i], KF_SANDBOX_DEMO_KEY);
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, api);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      if (i < 2)
        g_assert_nonnull (strstr (text, "\"Unknown operation\""));
      else
        g_assert_null (strstr (text, "Unknown operation"));
    }

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_restart (void)
{
  g_autoptr(KfSandbox) sandbox = kf_sandbox_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (kf_sandbox_start (sandbox, 0, &error));
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (kf_sandbox_get_url (sandbox), "http://127.0.0.1:"));
      g_assert_cmpstr (kf_sandbox_get_url (sandbox), !=, kf_sandbox_get_file_server_url (sandbox));
      kf_sandbox_stop (sandbox);
    }
}

/* The parser gives the same parts however the body is split. */
typedef struct {
  GString *events;
} ParserLog;

static gboolean
log_begin (gpointer user_data, const char *name, const char *filename, GError **error)
{
  ParserLog *log = user_data;

  g_string_append_printf (log->events, "[%s|%s]", name, filename ? filename : "(field)");
  return TRUE;
}

static gboolean
log_data (gpointer user_data, const guint8 *data, gsize len, GError **error)
{
  ParserLog *log = user_data;

  g_string_append_len (log->events, (const char *) data, len);
  return TRUE;
}

static gboolean
log_end (gpointer user_data, GError **error)
{
  ParserLog *log = user_data;

  g_string_append (log->events, "[end]");
  return TRUE;
}

static void
test_parser_splits (void)
{
  static const KfMultipartCallbacks callbacks = { log_begin, log_data, log_end };
  const char *body =
    "preamble\r\n--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"sess_id\"\r\n\r\n"
    "abc\r\n--AaB03x  \r\n"
    "content-disposition: form-data; name=\"file_0\"; filename=\"a\\\"b%0Ac.txt\"\r\n"
    "Content-Type: text/plain\r\n\r\n"
    "\r\n--AaB03\r\r\n--AaB0\r\n-\r\n\r\n--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"file_1\"; filename=\"\"\r\n\r\n"
    "\r\n--AaB03x--\r\nepilogue";
  const char *expected =
    "[sess_id|(field)]abc[end]"
    "[file_0|a\"b\nc.txt]\r\n--AaB03\r\r\n--AaB0\r\n-\r\n[end]"
    "[file_1|][end]";
  gsize len = strlen (body);

  for (gsize step = 1; step <= len; step++)
    {
      ParserLog log = { g_string_new (NULL) };
      g_autoptr(KfMultipartParser) parser = kf_multipart_parser_new ("AaB03x", &callbacks, &log);
      g_autoptr(GError) error = NULL;

      for (gsize off = 0; off < len; off += step)
        {
          g_assert_true (kf_multipart_parser_feed (parser, (const guint8 *) body + off,
                                                   MIN (step, len - off), &error));
          g_assert_no_error (error);
        }
      g_assert_true (kf_multipart_parser_is_complete (parser));
      g_assert_cmpstr (log.events->str, ==, expected);
      g_string_free (log.events, TRUE);
    }

  {
    ParserLog log = { g_string_new (NULL) };
    g_autoptr(KfMultipartParser) parser = kf_multipart_parser_new ("AaB03x", &callbacks, &log);
    g_autoptr(GError) error = NULL;

    /* headers with no blank line end cannot become data */
    g_assert_false (kf_multipart_parser_feed (parser, (const guint8 *) "--AaB03x\r\nX: y\r\n--AaB03x--\r\n",
                                              28, &error) && kf_multipart_parser_is_complete (parser));
    g_string_free (log.events, TRUE);
  }
}

static void
test_disposition (void)
{
  struct {
    const char *value, *name, *filename;
  } cases[] = {
    { "form-data; name=\"file_0\"; filename=\"plain.txt\"", "file_0", "plain.txt" },
    { "form-data; name=sess_id", "sess_id", NULL },
    { "form-data; name=\"f\"; filename=\"x %22y%22 %0d%0a.bin\"", "f", "x \"y\" \r\n.bin" },
    { "form-data; name=\"f\"; filename=\"back\\\\slash \\\"q\\\" \\n.bin\"", "f", "back\\slash \"q\" \\n.bin" },
    { "form-data; name=\"f\"; filename*=UTF-8''%C3%A9t%C3%A9.txt; filename=\"ete.txt\"", "f", "\xc3\xa9t\xc3\xa9.txt" },
    { "form-data; name=\"f\"; filename=\"ete.txt\"; filename*=utf-8''%C3%A9t%C3%A9.txt", "f", "\xc3\xa9t\xc3\xa9.txt" },
    { "form-data; name=\"f\"; filename=\"a;b=c.txt\"", "f", "a;b=c.txt" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = NULL, *filename = NULL;

      g_assert_true (kf_multipart_parse_disposition (cases[i].value, &name, &filename));
      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpstr (filename, ==, cases[i].filename);
    }
  {
    g_autofree char *name = NULL, *filename = NULL;

    g_assert_false (kf_multipart_parse_disposition ("attachment; filename=\"x\"", &name, &filename));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sandbox/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("account-info", test_account_info);
  ADD ("bad-key", test_bad_key);
  ADD ("curl-upload", test_curl_upload);
  ADD ("closed-connections", test_closed_connections);
  ADD ("two-files", test_two_files);
  ADD ("bad-session", test_bad_session);
  ADD ("incomplete-upload", test_incomplete_upload);
  ADD ("cut-upload", test_cut_upload);
  ADD ("client-abort", test_client_abort);
  ADD ("file-faults", test_file_faults);
  ADD ("upload-413", test_upload_replacing_fault);
  ADD ("voucher", test_voucher);
  ADD ("cut-response", test_cut_response);
  ADD ("faults", test_faults);
  ADD ("slow-then-stop", test_slow_then_stop);
  ADD ("direct-link-stats", test_direct_link_and_stats);
  ADD ("folders", test_folders);
  ADD ("file-list-rename", test_file_list_rename);
  ADD ("disabled-operation", test_disabled_operation);
  ADD ("remote-upload", test_remote_upload);
  ADD ("file-set-folder", test_file_set_folder);
  ADD ("file-clone", test_file_clone);
  ADD ("folder-rename", test_folder_rename);
  ADD ("file-info-several", test_file_info_several);
  ADD ("file-list-big-folder", test_file_list_big_folder);
  ADD ("folder-create-rules", test_folder_create_rules);
  ADD ("operations-switched-off", test_operations_switched_off);
  ADD ("remote-answer-shapes", test_remote_answer_shapes);
#undef ADD
  g_test_add_func ("/sandbox/restart", test_restart);
  g_test_add_func ("/sandbox/program-disable", test_program_disable);
  g_test_add_func ("/sandbox/parser-splits", test_parser_splits);
  g_test_add_func ("/sandbox/disposition", test_disposition);

  return g_test_run ();
}
