/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Folder trees: KfFileScan + KfTreeUpload, and `kenfiles upload -r` on the
 * same workflow, against an in-process sandbox. What arrives is checked on
 * the sandbox: each folder by name and parent, each file by folder. */
#define _DEFAULT_SOURCE /* lstat, symlink */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "kf-sandbox.h"
#include "kf-test-sandbox.h"
#include "kf-test-util.h"
#include "kf-tree-upload.h"

typedef struct {
  char          *dir;
  KfSandbox     *sandbox;
  KfClient      *client;
  KfUploadQueue *queue;
  guint          n_seeded;   /* folders the sandbox starts with */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-test-tree-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->sandbox = kf_test_sandbox_start ();
  fixture->client = kf_test_client_new (fixture->sandbox);
  fixture->queue = kf_upload_queue_new (NULL);
  {
    g_autoptr(GPtrArray) folders = kf_sandbox_list_folders (fixture->sandbox);

    fixture->n_seeded = folders->len;
  }
}

/* Links are removed, never followed: the tree has a loop. */
static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  kf_upload_queue_stop_all (fixture->queue);
  g_clear_object (&fixture->queue);
  g_clear_object (&fixture->client);
  kf_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
make_dir (const char *parent,
          const char *name)
{
  char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  return path;
}

/* Photos/               one.jpg
 *   2024/               two.jpg
 *     Summer/           three.jpg, back-to-top -> ../.. (a loop)
 *   Empty/
 *   pipe                (a FIFO)
 * Returns the path of Photos. */
static char *
make_tree (Fixture *fixture)
{
  g_autofree char *top = make_dir (fixture->dir, "Photos");
  g_autofree char *year = make_dir (top, "2024");
  g_autofree char *summer = make_dir (year, "Summer");
  g_autofree char *empty = make_dir (top, "Empty");
  g_autofree char *loop = g_build_filename (summer, "back-to-top", NULL);
  g_autofree char *pipe = g_build_filename (top, "pipe", NULL);

  g_free (kf_test_make_file (top, "one.jpg", 1500));
  g_free (kf_test_make_file (year, "two.jpg", 2500));
  g_free (kf_test_make_file (summer, "three.jpg", 3500));
  g_assert_cmpint (symlink ("../..", loop), ==, 0);
  g_assert_cmpint (mkfifo (pipe, 0600), ==, 0);
  return g_steal_pointer (&top);
}

static const KfSandboxFolder *
find_folder (GPtrArray  *folders,
             const char *parent_id,
             const char *name,
             guint      *n_found)
{
  const KfSandboxFolder *found = NULL;

  *n_found = 0;
  for (guint i = 0; i < folders->len; i++)
    {
      const KfSandboxFolder *folder = g_ptr_array_index (folders, i);

      if (g_str_equal (folder->parent_id, parent_id) && g_str_equal (folder->name, name))
        {
          (*n_found)++;
          found = folder;
        }
    }
  return found;
}

/* The one folder @name in @parent_id (fails when none or several). */
static const char *
folder_id (GPtrArray  *folders,
           const char *parent_id,
           const char *name)
{
  guint n;
  const KfSandboxFolder *folder = find_folder (folders, parent_id, name, &n);

  if (n != 1)
    g_error ("%u folders “%s” in folder %s, not 1", n, name, parent_id);
  return folder->folder_id;
}

static const KfSandboxFile *
find_file (GPtrArray  *files,
           const char *name)
{
  for (guint i = 0; i < files->len; i++)
    {
      const KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_str_equal (file->name, name))
        return file;
    }
  return NULL;
}

/* The sandbox holds the tree of make_tree() under @target_id, each folder
 * once, and nothing else: no folder for the loop or the pipe. */
static void
assert_tree (Fixture    *fixture,
             const char *target_id,
             guint       n_other_folders)
{
  g_autoptr(GPtrArray) folders = kf_sandbox_list_folders (fixture->sandbox);
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (fixture->sandbox);
  const char *photos = folder_id (folders, target_id, "Photos");
  const char *year = folder_id (folders, photos, "2024");
  const char *summer = folder_id (folders, year, "Summer");
  const char *const expected[][2] = {
    { "one.jpg", photos }, { "two.jpg", year }, { "three.jpg", summer },
  };

  folder_id (folders, photos, "Empty");
  g_assert_cmpuint (folders->len, ==, fixture->n_seeded + 4 + n_other_folders);
  g_assert_cmpuint (files->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const KfSandboxFile *file = find_file (files, expected[i][0]);

      g_assert_nonnull (file);
      g_assert_cmpstr (file->folder_id, ==, expected[i][1]);
    }
}

static gboolean
has_problem (GPtrArray  *problems,
             const char *part)
{
  for (guint i = 0; i < problems->len; i++)
    if (strstr (g_ptr_array_index (problems, i), part) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct {
  gboolean      done;
  KfFileScan   *scan;
  KfTreeUpload *upload;
  GError       *error;
} Wait;

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->scan = kf_file_scan_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
tree_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->upload = kf_tree_upload_finish (result, &wait->error);
  wait->done = TRUE;
}

static KfFileScan *
scan (const char *path)
{
  g_autoptr(GFile) root = g_file_new_for_path (path);
  Wait wait = { 0 };

  kf_file_scan_async (&root, 1, NULL, scan_done_cb, &wait);
  kf_test_wait_for (&wait.done, 60);
  g_assert_no_error (wait.error);
  return wait.scan;
}

/* Makes the folders of @scan under @target and queues its files. */
static KfTreeUpload *
tree_upload (Fixture    *fixture,
             KfFileScan *scan,
             const char *target,
             GError    **error)
{
  Wait wait = { 0 };

  kf_tree_upload_async (fixture->queue, fixture->client, scan, target, NULL, tree_done_cb, &wait);
  kf_test_wait_for (&wait.done, 120);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.upload;
}

static gboolean
check_idle_cb (gpointer user_data)
{
  Fixture *fixture = ((gpointer *) user_data)[0];
  gboolean *idle = ((gpointer *) user_data)[1];

  *idle = kf_upload_queue_get_n_pending (fixture->queue) == 0;
  return *idle ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
wait_uploads (Fixture *fixture)
{
  gboolean idle = FALSE;
  gpointer data[2] = { fixture, &idle };

  g_timeout_add (20, check_idle_cb, data);
  kf_test_wait_for (&idle, 120);
}

/* The scan keeps the tree: folders (the empty one too) with their parents,
 * each file with its folder; the loop and the pipe are reported. */
static void
test_scan_tree (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *top = make_tree (fixture);
  g_autoptr(KfFileScan) result = scan (top);
  GHashTable *paths = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (result->dirs->len, ==, 4);
  for (guint i = 0; i < result->dirs->len; i++)
    {
      KfScanDir *dir = g_ptr_array_index (result->dirs, i);

      g_hash_table_add (paths, dir->path);
      g_assert_true (dir->parent < (int) i);
    }
  g_assert_true (g_hash_table_contains (paths, "Photos"));
  g_assert_true (g_hash_table_contains (paths, "Photos/Empty"));
  g_assert_true (g_hash_table_contains (paths, "Photos/2024/Summer"));
  g_hash_table_unref (paths);

  g_assert_cmpuint (result->files->len, ==, 3);
  for (guint i = 0; i < result->files->len; i++)
    {
      g_autofree char *path = kf_file_scan_dup_path (result, i);

      g_assert_true (g_str_equal (path, "Photos/one.jpg") ||
                     g_str_equal (path, "Photos/2024/two.jpg") ||
                     g_str_equal (path, "Photos/2024/Summer/three.jpg"));
    }
  g_assert_true (has_problem (result->problems, "back-to-top"));
  g_assert_true (has_problem (result->problems, "loop"));
  g_assert_true (has_problem (result->problems, "pipe"));
  g_assert_cmpuint (result->problems->len, ==, 2);
}

/* Into a target folder that already holds a "Photos" (reused) beside an
 * unrelated folder; twice: the second time every folder is reused. */
static void
test_model (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *top = make_tree (fixture);
  g_autofree char *target = kf_sandbox_add_folder (fixture->sandbox, "0", "Backup");
  g_autofree char *photos = kf_sandbox_add_folder (fixture->sandbox, target, "Photos");
  g_autofree char *other = kf_sandbox_add_folder (fixture->sandbox, target, "Other");
  g_autoptr(KfTreeUpload) first = NULL;
  g_autoptr(KfTreeUpload) second = NULL;
  g_autoptr(GError) error = NULL;

  first = tree_upload (fixture, scan (top), target, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->n_reused, ==, 1);
  g_assert_cmpuint (first->n_created, ==, 3);
  g_assert_cmpuint (first->items->len, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (kf_upload_queue_get_model (fixture->queue)), ==, 3);

  /* Nothing is sent before the queue has a client. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/cgi-bin/upload.cgi"), ==, 0);
  kf_upload_queue_set_client (fixture->queue, fixture->client);
  wait_uploads (fixture);
  for (guint i = 0; i < first->items->len; i++)
    g_assert_cmpint (kf_upload_item_get_state (g_ptr_array_index (first->items, i)), ==,
                     KF_UPLOAD_STATE_DONE);
  /* Backup, Other and the Photos that was there */
  assert_tree (fixture, target, 2);
  {
    g_autoptr(GPtrArray) folders = kf_sandbox_list_folders (fixture->sandbox);

    g_assert_cmpstr (folder_id (folders, target, "Photos"), ==, photos);
  }

  second = tree_upload (fixture, scan (top), target, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->n_created, ==, 0);
  g_assert_cmpuint (second->n_reused, ==, 4);
  {
    g_autoptr(GPtrArray) folders = kf_sandbox_list_folders (fixture->sandbox);

    g_assert_cmpuint (folders->len, ==, fixture->n_seeded + 6);
  }
}

/* A name the server refuses: the error names the folder, nothing is queued. */
static void
test_refused_folder (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *top = make_dir (fixture->dir, "Docs");
  g_autofree char *bad = make_dir (top, "a\\b");
  g_autoptr(KfTreeUpload) upload = NULL;
  g_autoptr(GError) error = NULL;

  g_free (kf_test_make_file (bad, "x.txt", 10));
  upload = tree_upload (fixture, scan (top), NULL, &error);
  g_assert_null (upload);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Docs/a\\b"));
  g_assert_cmpuint (g_list_model_get_n_items (kf_upload_queue_get_model (fixture->queue)), ==, 0);
}

/* Folders deeper than the limit are skipped and said so. */
static void
test_depth_limit (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *path = g_strdup (fixture->dir);
  g_autofree char *top = g_build_filename (fixture->dir, "d", NULL);
  g_autoptr(KfFileScan) result = NULL;

  for (guint i = 0; i < KF_FILE_SCAN_MAX_DEPTH + 2; i++)
    {
      char *next = make_dir (path, "d");

      g_free (path);
      path = next;
    }
  g_free (kf_test_make_file (path, "deep.txt", 10));

  result = scan (top);
  g_assert_cmpuint (result->dirs->len, ==, KF_FILE_SCAN_MAX_DEPTH);
  g_assert_cmpuint (result->files->len, ==, 0);
  g_assert_cmpuint (result->problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (result->problems, 0), "64 folders deep"));
}

/* 10,000 files in 100 folders: every file queued into its own folder. */
static void
test_many (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *top = make_dir (fixture->dir, "Many");
  g_autoptr(KfFileScan) result = NULL;
  g_autoptr(KfTreeUpload) upload = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GTimer) timer = NULL;
  double scan_s;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%02u", i);
      g_autofree char *sub = make_dir (top, name);

      for (guint j = 0; j < 100; j++)
        {
          g_autofree char *file = g_strdup_printf ("%s/%u.txt", sub, j);

          g_assert_true (g_file_set_contents (file, "", 0, NULL));
        }
    }

  timer = g_timer_new ();
  result = scan (top);
  scan_s = g_timer_elapsed (timer, NULL);
  g_assert_cmpuint (result->files->len, ==, 10000);
  g_timer_start (timer);
  upload = tree_upload (fixture, g_steal_pointer (&result), NULL, &error);
  g_assert_no_error (error);
  g_test_message ("10,000 files: scan %.2f s, folders made and files queued %.2f s",
                  scan_s, g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (upload->n_created, ==, 101);
  g_assert_cmpuint (upload->items->len, ==, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (kf_upload_queue_get_model (fixture->queue)), ==, 10000);

  folders = kf_sandbox_list_folders (fixture->sandbox);
  for (guint i = 0; i < upload->items->len; i++)
    {
      g_autofree char *path = kf_file_scan_dup_path (upload->scan, i);
      g_auto(GStrv) parts = g_strsplit (path, "/", -1);
      const char *many = folder_id (folders, "0", "Many");

      g_assert_cmpuint (g_strv_length (parts), ==, 3);
      g_assert_cmpstr (g_ptr_array_index (upload->folder_ids, i), ==,
                       folder_id (folders, many, parts[1]));
      g_assert_cmpstr (kf_upload_item_get_name (g_ptr_array_index (upload->items, i)), ==, parts[2]);
    }
}

/* `kenfiles upload -r` */

/* The same tree through the command: links printed with each file's path
 * in the tree, the loop and the pipe reported (so the status is 1), an
 * existing "Photos/2024" reused. */
static void
test_cli (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_autofree char *top = make_tree (fixture);
  g_autofree char *target = kf_sandbox_add_folder (fixture->sandbox, "0", "Backup");
  g_autofree char *photos = kf_sandbox_add_folder (fixture->sandbox, target, "Photos");
  g_autofree char *year = kf_sandbox_add_folder (fixture->sandbox, photos, "2024");
  g_autofree char *folder_arg = g_strdup_printf ("--folder=%s", target);
  const char *args[] = { "upload", "-r", folder_arg, top, NULL };
  g_auto(KfTestCliRun) run = { 0 };
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  kf_test_cli_run (fixture->sandbox, args, &run);
  g_test_message ("stdout: %s\nstderr: %s", run.out, run.err);
  g_assert_cmpint (run.status, ==, 1);
  assert_tree (fixture, target, 1);
  folders = kf_sandbox_list_folders (fixture->sandbox);
  g_assert_cmpstr (folder_id (folders, target, "Photos"), ==, photos);
  g_assert_cmpstr (folder_id (folders, photos, "2024"), ==, year);

  files = kf_sandbox_list_files (fixture->sandbox);
  {
    const KfSandboxFile *three = find_file (files, "three.jpg");
    g_autofree char *line = g_strdup_printf ("Photos/2024/Summer/three.jpg: %s/%s\n",
                                             kf_sandbox_get_url (fixture->sandbox),
                                             three->file_code);

    g_assert_nonnull (strstr (run.out, line));
  }
  g_assert_nonnull (strstr (run.err, "back-to-top"));
  g_assert_nonnull (strstr (run.err, "pipe"));
}

/* --json, and a folder without -r says to use it. */
static void
test_cli_json (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *top = make_dir (fixture->dir, "Plain");
  g_autofree char *sub = make_dir (top, "Sub");
  const char *args[] = { "--json", "upload", "-r", top, NULL };
  const char *no_r[] = { "upload", top, NULL };
  g_auto(KfTestCliRun) run = { 0 };
  g_auto(KfTestCliRun) run_no_r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  JsonObject *root;
  JsonObject *file;

  g_free (kf_test_make_file (sub, "a.txt", 100));
  kf_test_cli_run (fixture->sandbox, args, &run);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "folders_created"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (root, "uploaded"), ==, 1);
  file = json_array_get_object_element (json_object_get_array_member (root, "files"), 0);
  g_assert_cmpstr (json_object_get_string_member (file, "relative_path"), ==, "Plain/Sub/a.txt");
  folders = kf_sandbox_list_folders (fixture->sandbox);
  g_assert_cmpstr (json_object_get_string_member (file, "folder_id"), ==,
                   folder_id (folders, folder_id (folders, "0", "Plain"), "Sub"));

  kf_test_cli_run (fixture->sandbox, no_r, &run_no_r);
  g_assert_cmpint (run_no_r.status, ==, 1);
  g_assert_nonnull (strstr (run_no_r.err, "-r"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tree/scan", Fixture, NULL, fixture_set_up, test_scan_tree, fixture_tear_down);
  g_test_add ("/tree/model", Fixture, NULL, fixture_set_up, test_model, fixture_tear_down);
  g_test_add ("/tree/refused-folder", Fixture, NULL, fixture_set_up, test_refused_folder, fixture_tear_down);
  g_test_add ("/tree/depth-limit", Fixture, NULL, fixture_set_up, test_depth_limit, fixture_tear_down);
  g_test_add ("/tree/many", Fixture, NULL, fixture_set_up, test_many, fixture_tear_down);
  g_test_add ("/tree/cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  g_test_add ("/tree/cli-json", Fixture, NULL, fixture_set_up, test_cli_json, fixture_tear_down);

  return g_test_run ();
}
