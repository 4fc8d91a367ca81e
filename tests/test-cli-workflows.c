/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `kenfiles upload` runs on KfUploadQueue and `remote-upload --wait` on
 * KfRemoteUpload: the real command against an in-process sandbox, checked
 * by what the sandbox received. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "kf-sandbox.h"
#include "kf-test-sandbox.h"
#include "kf-test-util.h"

#define UPLOAD_PATH "/cgi-bin/upload.cgi"
#define SERVER_PATH "/api/upload/server"

typedef struct {
  char      *dir;
  KfSandbox *sandbox;
  GPtrArray *paths;            /* the files made for the test */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->sandbox = kf_sandbox_new (NULL);
  g_assert_true (kf_sandbox_start (fixture->sandbox, 0, &error));
  g_assert_no_error (error);
  fixture->paths = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  for (guint i = 0; i < fixture->paths->len; i++)
    g_unlink (g_ptr_array_index (fixture->paths, i));
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->paths, g_ptr_array_unref);
  kf_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
  g_clear_pointer (&fixture->dir, g_free);
}

static void
make_files (Fixture *fixture,
            guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%u.bin", i);

      /* Sizes differ so a file stored under another's name is caught. */
      g_ptr_array_add (fixture->paths, kf_test_make_file (fixture->dir, name, 20000 + i * 1000));
    }
}

/* Starts `kenfiles --json upload --parallel N FILE…` on the sandbox. */
static GSubprocess *
start_upload (Fixture      *fixture,
              guint         parallel,
              KfTestCliRun *run)
{
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  g_autofree char *parallel_arg = g_strdup_printf ("--parallel=%u", parallel);
  g_auto(GStrv) strv = NULL;

  g_strv_builder_add_many (args, "--json", "upload", parallel_arg, NULL);
  for (guint i = 0; i < fixture->paths->len; i++)
    g_strv_builder_add (args, g_ptr_array_index (fixture->paths, i));
  strv = g_strv_builder_end (args);
  return kf_test_cli_start (fixture->sandbox, (const char * const *) strv, run);
}

typedef struct {
  KfSandbox *sandbox;
  guint      n_stored;
  gboolean   reached;
} StoredWait;

static gboolean
check_stored_cb (gpointer user_data)
{
  StoredWait *wait = user_data;
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (wait->sandbox);

  if (files->len >= wait->n_stored)
    {
      wait->reached = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The sandbox's stored copy named @name, or NULL. */
static const KfSandboxFile *
find_stored (GPtrArray  *files,
             const char *name)
{
  for (guint i = 0; i < files->len; i++)
    {
      const KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->name, name) == 0)
        return file;
    }
  return NULL;
}

static JsonObject *
parse_result (const char *out,
              JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (out);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* --parallel 2: while the first two uploads wait for their answers, the
 * server has been asked for exactly two upload slots; then all arrive. */
static void
test_parallel_limit (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_auto(KfTestCliRun) run = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) stored = NULL;
  StoredWait wait = { fixture->sandbox, 2, FALSE };
  JsonObject *root;
  JsonArray *files;

  make_files (fixture, 5);
  /* The first two answers are held for 10 s: nothing else may start meanwhile. */
  kf_sandbox_set_slow_delay (fixture->sandbox, 10000);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_SLOW, UPLOAD_PATH, 2);

  process = start_upload (fixture, 2, &run);
  g_timeout_add (10, check_stored_cb, &wait);
  kf_test_wait_for (&wait.reached, 60);

  g_assert_false (run.done);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, SERVER_PATH), ==, 2);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 2);

  kf_test_wait_for (&run.done, 90);
  g_assert_cmpint (run.status, ==, 0);

  /* Every file arrived once, with its own bytes, and no upload more. */
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 5);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, SERVER_PATH), ==, 5);
  for (guint i = 0; i < fixture->paths->len; i++)
    {
      const char *path = g_ptr_array_index (fixture->paths, i);
      g_autofree char *name = g_path_get_basename (path);
      const KfSandboxFile *file = find_stored (stored, name);

      g_assert_nonnull (file);
      g_assert_true (kf_test_files_equal (path, file->path));
    }

  root = parse_result (run.out, parser);
  g_assert_cmpint (json_object_get_int_member (root, "uploaded"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (root, "failed"), ==, 0);
  files = json_object_get_array_member (root, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *name = g_path_get_basename (g_ptr_array_index (fixture->paths, i));
      const char *code = json_object_get_string_member (file, "file_code");

      /* In the order given, each with the link to its own code. */
      g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, name);
      g_assert_cmpstr (json_object_get_string_member (file, "path"), ==, g_ptr_array_index (fixture->paths, i));
      g_assert_true (g_str_has_suffix (json_object_get_string_member (file, "url"), code));
      g_assert_cmpstr (find_stored (stored, name)->file_code, ==, code);
    }
}

/* The server refuses one file: the others are still uploaded. */
static void
test_one_failure (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_auto(KfTestCliRun) run = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) stored = NULL;
  const char *refused = NULL;
  JsonObject *root;
  JsonArray *files;

  make_files (fixture, 4);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_FILE_REFUSED, UPLOAD_PATH, 1);

  process = start_upload (fixture, 2, &run);
  kf_test_wait_for (&run.done, 90);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "was not uploaded"));

  root = parse_result (run.out, parser);
  g_assert_cmpint (json_object_get_int_member (root, "uploaded"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (root, "failed"), ==, 1);

  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 3);
  files = json_object_get_array_member (root, "files");
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *name = json_object_get_string_member (file, "name");

      if (json_object_has_member (file, "error"))
        {
          JsonObject *error = json_object_get_object_member (file, "error");

          g_assert_null (refused);
          refused = name;
          g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "refused");
          g_assert_null (find_stored (stored, name));
        }
      else
        {
          const KfSandboxFile *copy = find_stored (stored, name);

          g_assert_nonnull (copy);
          g_assert_true (kf_test_files_equal (g_ptr_array_index (fixture->paths, i), copy->path));
          g_assert_cmpstr (json_object_get_string_member (file, "file_code"), ==, copy->file_code);
        }
    }
  g_assert_nonnull (refused);
}

/* A rejected key would fail every file alike: the first failure stops the
 * rest before they ask the server anything. */
static void
test_common_failure_stops (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_auto(KfTestCliRun) run = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *files;

  make_files (fixture, 4);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_KEY_REJECTED, SERVER_PATH, 0);

  process = start_upload (fixture, 1, &run);
  kf_test_wait_for (&run.done, 90);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, SERVER_PATH), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 0);

  root = parse_result (run.out, parser);
  g_assert_cmpint (json_object_get_int_member (root, "uploaded"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (root, "failed"), ==, 4);
  files = json_object_get_array_member (root, "files");
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *error = json_object_get_object_member (json_array_get_object_element (files, i), "error");

      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==,
                       i == 0 ? "key-rejected" : "cancelled");
    }
}

/* --- remote-upload --wait ------------------------------------------------ */

/* A web server on loopback that sends 400 of 1000 bytes and then nothing:
 * the sandbox's fetch of it stays at 40 % for as long as the test runs. */
typedef struct {
  GSocketService *service;
  GPtrArray      *connections;
  guint16         port;
} StalledServer;

static gboolean
stalled_incoming_cb (GSocketService    *service,
                     GSocketConnection *connection,
                     GObject           *source,
                     StalledServer     *server)
{
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                             "Content-Length: 1000\r\n\r\n";
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  char body[400];

  memset (body, 'x', sizeof body);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, body, sizeof body, NULL, NULL, NULL);
  g_ptr_array_add (server->connections, g_object_ref (connection));
  return TRUE;
}

static void
stalled_server_start (StalledServer *server)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->service = g_socket_service_new ();
  server->connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (server->service, "incoming", G_CALLBACK (stalled_incoming_cb), server);
  g_socket_service_start (server->service);
}

static void
stalled_server_stop (StalledServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
  g_clear_pointer (&server->connections, g_ptr_array_unref);
}

/* --wait-timeout gives up in time and says what the server last reported. */
static void
test_remote_wait_timeout (Fixture       *fixture,
                          gconstpointer  user_data)
{
  StalledServer server = { 0 };
  g_auto(KfTestCliRun) run = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *url = NULL;
  JsonObject *root, *error;
  const char *message;
  gint64 start, elapsed;

  stalled_server_start (&server);
  url = g_strdup_printf ("http://127.0.0.1:%u/stalled.bin", server.port);

  start = g_get_monotonic_time ();
  {
    const char *args[] = { "--json", "remote-upload", "--wait", "--wait-timeout", "4", url, NULL };

    process = kf_test_cli_start (fixture->sandbox, args, &run);
  }
  kf_test_wait_for (&run.done, 60);
  elapsed = g_get_monotonic_time () - start;

  /* Not before the limit, and not long after it. */
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpint (elapsed, >=, 4 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 30 * G_USEC_PER_SEC);
  /* Started once, then polled. */
  g_assert_cmpuint (server.connections->len, ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/upload/url"), >=, 2);

  root = parse_result (run.out, parser);
  error = json_object_get_object_member (root, "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "timed-out");
  message = json_object_get_string_member (error, "message");
  g_assert_nonnull (strstr (message, "Stopped waiting after 4 seconds."));
  g_assert_nonnull (strstr (message, "still fetching the file, 40% done"));
  g_assert_nonnull (strstr (message, "kenfiles remote-status "));
  /* One line for a person, the same sentence. */
  g_assert_true (g_str_has_prefix (run.err, "kenfiles: Stopped waiting after 4 seconds."));
  g_assert_cmpint (strchr (run.err, '\n') - run.err, ==, strlen (run.err) - 1);

  stalled_server_stop (&server);
}

static void
test_remote_wait_timeout_usage (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_auto(KfTestCliRun) run = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  const char *args[] = { "remote-upload", "--wait", "--wait-timeout", "0",
                         "http://127.0.0.1:9/x.bin", NULL };

  process = kf_test_cli_start (fixture->sandbox, args, &run);
  kf_test_wait_for (&run.done, 60);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--wait-timeout"));
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/"), ==, 0);
}

/* --- file management: mv, rename, clone, mkdir, rename-folder, info --- */

/* Runs `kenfiles ARG…` to its end, in @run again. */
static void
run_cli (Fixture            *fixture,
         const char * const *args,
         KfTestCliRun       *run)
{
  kf_test_cli_run_clear (run);
  memset (run, 0, sizeof *run);
  kf_test_cli_run (fixture->sandbox, args, run);
}

static const KfSandboxFile *
stored_by_code (GPtrArray  *files,
                const char *code)
{
  for (guint i = 0; i < files->len; i++)
    {
      const KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->file_code, code) == 0)
        return file;
    }
  return NULL;
}

static char *
stored_folder_name (Fixture    *fixture,
                    const char *id,
                    char      **parent_id)
{
  g_autoptr(GPtrArray) folders = kf_sandbox_list_folders (fixture->sandbox);

  for (guint i = 0; i < folders->len; i++)
    {
      const KfSandboxFolder *folder = g_ptr_array_index (folders, i);

      if (g_strcmp0 (folder->folder_id, id) == 0)
        {
          if (parent_id != NULL)
            *parent_id = g_strdup (folder->parent_id);
          return g_strdup (folder->name);
        }
    }
  return NULL;
}

/* A failure: status 1 (2 for usage), one line on stderr holding @words. */
static void
assert_failed (KfTestCliRun *run,
               int         status,
               const char *words)
{
  g_assert_cmpint (run->status, ==, status);
  g_assert_nonnull (strstr (run->err, words));
  g_assert_true (g_str_has_prefix (run->err, "kenfiles: "));
  g_assert_nonnull (strchr (run->err, '\n'));
  g_assert_cmpstr (strchr (run->err, '\n') + 1, ==, "");
}

/* No raw control character of a server value reached the terminal. */
static void
assert_no_controls (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true (*p == '\n' || !g_ascii_iscntrl (*p));
}

static void
test_manage_files (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(KfTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) stored = NULL;
  const char *hostile = "ren\x1b]0;owned\x07" "amed [é] <&>.txt";
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *target = NULL, *sub = NULL;
  g_autofree char *name = NULL, *parent = NULL, *clone_code = NULL;
  guint n_before;
  JsonObject *root;
  JsonArray *array;

  make_files (fixture, 3);
  {
    const char *args[] = { "--json", "upload", g_ptr_array_index (fixture->paths, 0),
                           g_ptr_array_index (fixture->paths, 1),
                           g_ptr_array_index (fixture->paths, 2), NULL };

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    array = json_object_get_array_member (parse_result (run.out, parser), "files");
    a = g_strdup (json_object_get_string_member (json_array_get_object_element (array, 0), "file_code"));
    b = g_strdup (json_object_get_string_member (json_array_get_object_element (array, 1), "file_code"));
    c = g_strdup (json_object_get_string_member (json_array_get_object_element (array, 2), "file_code"));
  }

  /* mkdir: at the top, then inside it */
  {
    const char *args[] = { "mkdir", "--json", "Target é", NULL };

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    root = parse_result (run.out, parser);
    target = g_strdup (json_object_get_string_member (root, "folder_id"));
    name = stored_folder_name (fixture, target, &parent);
    g_assert_cmpstr (name, ==, "Target é");
    g_assert_cmpstr (parent, ==, "0");
    g_clear_pointer (&name, g_free);
    g_clear_pointer (&parent, g_free);
  }
  {
    const char *args[] = { "mkdir", "Sub", "--parent", target, NULL };

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    sub = g_strstrip (g_strdup (run.out));
    name = stored_folder_name (fixture, sub, &parent);
    g_assert_cmpstr (name, ==, "Sub");
    g_assert_cmpstr (parent, ==, target);
    g_clear_pointer (&name, g_free);
    g_clear_pointer (&parent, g_free);
  }
  {
    const char *args[] = { "mkdir", "x", "--parent", "999", NULL };

    run_cli (fixture, args, &run);
    assert_failed (&run, 1, "Parent folder not found");
  }

  /* mv: two files in one request */
  {
    const char *args[] = { "mv", a, b, "--folder", target, NULL };
    guint n_calls = kf_sandbox_count_requests (fixture->sandbox, "/api/file/set_folder");

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "Moved 2 files"));
    g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/set_folder"), ==, n_calls + 1);
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (stored_by_code (stored, a)->folder_id, ==, target);
    g_assert_cmpstr (stored_by_code (stored, b)->folder_id, ==, target);
    g_assert_cmpstr (stored_by_code (stored, c)->folder_id, ==, "0");
    g_clear_pointer (&stored, g_ptr_array_unref);
  }
  {
    /* an unknown code: nothing moves */
    const char *args[] = { "--json", "mv", c, "nosuchfile00", "--folder", target, NULL };

    run_cli (fixture, args, &run);
    assert_failed (&run, 1, "File not found");
    root = json_object_get_object_member (parse_result (run.out, parser), "error");
    g_assert_nonnull (strstr (json_object_get_string_member (root, "message"), "File not found"));
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (stored_by_code (stored, c)->folder_id, ==, "0");
    g_clear_pointer (&stored, g_ptr_array_unref);
  }
  {
    const char *args[] = { "mv", c, "--folder", "999", NULL };

    run_cli (fixture, args, &run);
    assert_failed (&run, 1, "Folder not found");
  }
  {
    /* usage: no folder, a comma in a code; nothing is sent */
    const char *no_folder[] = { "mv", c, NULL };
    const char *comma[] = { "mv", "abc,def", "--folder", "0", NULL };
    const char *bad_folder[] = { "mv", c, "--folder", "Docs", NULL };
    guint n_api = kf_sandbox_count_requests (fixture->sandbox, "/api/");

    run_cli (fixture, no_folder, &run);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "--folder"));
    run_cli (fixture, comma, &run);
    g_assert_cmpint (run.status, ==, 2);
    run_cli (fixture, bad_folder, &run);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/"), ==, n_api);
  }

  /* rename: the server keeps the name as given; the terminal gets it escaped */
  {
    const char *args[] = { "rename", a, hostile, NULL };

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    assert_no_controls (run.out);
    g_assert_nonnull (strstr (run.out, "amed [é] <&>.txt"));
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (stored_by_code (stored, a)->name, ==, hostile);
    g_clear_pointer (&stored, g_ptr_array_unref);
  }
  {
    const char *args[] = { "rename", "nosuchfile00", "x.txt", NULL };

    run_cli (fixture, args, &run);
    assert_failed (&run, 1, "File not found");
  }

  /* clone into a folder: a new code with the same bytes there */
  {
    const char *args[] = { "clone", "--json", c, "--folder", sub, NULL };
    const KfSandboxFile *copy, *original;

    stored = kf_sandbox_list_files (fixture->sandbox);
    n_before = stored->len;
    g_clear_pointer (&stored, g_ptr_array_unref);
    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    root = parse_result (run.out, parser);
    clone_code = g_strdup (json_object_get_string_member (root, "file_code"));
    g_assert_cmpstr (json_object_get_string_member (root, "source"), ==, c);
    g_assert_cmpstr (json_object_get_string_member (root, "folder_id"), ==, sub);
    g_assert_true (g_str_has_suffix (json_object_get_string_member (root, "url"), clone_code));
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpuint (stored->len, ==, n_before + 1);
    copy = stored_by_code (stored, clone_code);
    original = stored_by_code (stored, c);
    g_assert_nonnull (copy);
    g_assert_cmpstr (copy->folder_id, ==, sub);
    g_assert_cmpstr (copy->name, ==, original->name);
    g_assert_cmpstr (original->folder_id, ==, "0");
    g_assert_true (kf_test_files_equal (copy->path, original->path));
    g_clear_pointer (&stored, g_ptr_array_unref);
  }
  {
    const char *args[] = { "clone", "nosuchfile00", NULL };

    run_cli (fixture, args, &run);
    assert_failed (&run, 1, "File not found");
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpuint (stored->len, ==, n_before + 1);
    g_clear_pointer (&stored, g_ptr_array_unref);
  }

  /* rename-folder */
  {
    const char *args[] = { "--json", "rename-folder", target, "Renamed \"x\"", NULL };

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    root = parse_result (run.out, parser);
    g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "Renamed \"x\"");
    name = stored_folder_name (fixture, target, NULL);
    g_assert_cmpstr (name, ==, "Renamed \"x\"");
    g_clear_pointer (&name, g_free);
  }
  {
    const char *missing[] = { "rename-folder", "999", "X", NULL };
    const char *slash[] = { "rename-folder", target, "a/b", NULL };
    const char *not_id[] = { "rename-folder", "Docs", "X", NULL };

    run_cli (fixture, missing, &run);
    assert_failed (&run, 1, "Folder not found");
    run_cli (fixture, slash, &run);
    assert_failed (&run, 1, "not allowed");
    name = stored_folder_name (fixture, target, NULL);
    g_assert_cmpstr (name, ==, "Renamed \"x\"");
    g_clear_pointer (&name, g_free);
    run_cli (fixture, not_id, &run);
    g_assert_cmpint (run.status, ==, 2);
  }

  /* info: what the server holds, in the order asked; an unknown code is
   * named and ends the command with status 1 */
  {
    const char *args[] = { "--json", "info", clone_code, a, "nosuchfile00", NULL };
    JsonObject *first, *second;

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "nosuchfile00"));
    root = parse_result (run.out, parser);
    array = json_object_get_array_member (root, "files");
    g_assert_cmpuint (json_array_get_length (array), ==, 2);
    first = json_array_get_object_element (array, 0);
    second = json_array_get_object_element (array, 1);
    g_assert_cmpstr (json_object_get_string_member (first, "file_code"), ==, clone_code);
    g_assert_cmpint (json_object_get_int_member (first, "size"), ==, 22000);
    g_assert_cmpint (json_object_get_int_member (first, "downloads"), ==, 0);
    g_assert_nonnull (json_object_get_string_member (first, "uploaded"));
    g_assert_cmpstr (json_object_get_string_member (second, "name"), ==, hostile);
    array = json_object_get_array_member (root, "not_found");
    g_assert_cmpuint (json_array_get_length (array), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "nosuchfile00");
  }
  {
    const char *args[] = { "info", a, NULL };

    run_cli (fixture, args, &run);
    g_assert_cmpint (run.status, ==, 0);
    assert_no_controls (run.out);
    g_assert_nonnull (strstr (run.out, a));
    g_assert_nonnull (strstr (run.out, "20.0"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("KENFILES_CLI") == NULL)
    {
      g_test_skip ("KENFILES_CLI is not set");
      return g_test_run ();
    }

  g_test_add ("/cli-upload/parallel-limit", Fixture, NULL,
              fixture_set_up, test_parallel_limit, fixture_tear_down);
  g_test_add ("/cli-upload/one-failure", Fixture, NULL,
              fixture_set_up, test_one_failure, fixture_tear_down);
  g_test_add ("/cli-upload/common-failure-stops", Fixture, NULL,
              fixture_set_up, test_common_failure_stops, fixture_tear_down);

  g_test_add ("/cli-remote/wait-timeout", Fixture, NULL,
              fixture_set_up, test_remote_wait_timeout, fixture_tear_down);
  g_test_add ("/cli-remote/wait-timeout-usage", Fixture, NULL,
              fixture_set_up, test_remote_wait_timeout_usage, fixture_tear_down);

  g_test_add ("/cli-manage/files-and-folders", Fixture, NULL,
              fixture_set_up, test_manage_files, fixture_tear_down);

  return g_test_run ();
}
