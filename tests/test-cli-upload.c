/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `kenfiles upload` runs on KfUploadQueue: the real command against an
 * in-process sandbox, checked by what the sandbox received. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "kf-sandbox.h"
#include "kf-test-util.h"

#define UPLOAD_PATH "/cgi-bin/upload.cgi"
#define SERVER_PATH "/api/upload/server"

typedef struct {
  char      *dir;
  KfSandbox *sandbox;
  GPtrArray *paths;            /* the files made for the test */
} Fixture;

typedef struct {
  gboolean   done;
  char      *out;
  char      *err;
  int        status;
} Run;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-test-cli-upload-XXXXXX", &error);
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

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  run->done = TRUE;
}

/* Starts `kenfiles --json upload --parallel N FILE…` on the sandbox. */
static GSubprocess *
start_upload (Fixture    *fixture,
              guint       parallel,
              Run        *run)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_SERVER", kf_sandbox_get_url (fixture->sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_API_KEY", kf_sandbox_get_api_key (fixture->sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);

  g_ptr_array_add (argv, g_strdup (g_getenv ("KENFILES_CLI")));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("upload"));
  g_ptr_array_add (argv, g_strdup_printf ("--parallel=%u", parallel));
  for (guint i = 0; i < fixture->paths->len; i++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (fixture->paths, i)));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, run_done_cb, run);
  return process;
}

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

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
  g_auto(Run) run = { 0 };
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
  g_auto(Run) run = { 0 };
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
  g_auto(Run) run = { 0 };
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

  return g_test_run ();
}
