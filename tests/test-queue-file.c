/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The saved upload queue (KfQueueFile) and restoring a KfUploadQueue from
 * it, against the sandbox: rows come back in their order and state, paused
 * or started as asked, and upload in their old order; files that changed
 * or vanished are shown failed and not uploaded; remote jobs are polled
 * again, failed ones stay with their message; a damaged file is moved aside,
 * not overwritten; writes are coalesced; the command line's queue saves
 * nothing. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "kf-queue-file.h"
#include "kf-sandbox.h"
#include "kf-store-private.h"
#include "kf-test-sandbox.h"
#include "kf-test-util.h"
#include "kf-upload-queue.h"

#define KIB 1024

typedef struct {
  char        *dir;
  char        *path;        /* the saved queue */
  KfSandbox   *sandbox;
  KfClient    *client;      /* unlimited */
  KfClient    *slow;        /* 64 KiB/s: uploads stay running */
  KfRateLimit *limit;
} Fixture;

#define WAIT_UNTIL(condition, timeout_s)                                        \
  G_STMT_START {                                                                \
    gint64 _end = g_get_monotonic_time () + (gint64) (timeout_s) * G_USEC_PER_SEC; \
    while (!(condition))                                                        \
      {                                                                         \
        if (g_get_monotonic_time () > _end)                                     \
          g_error ("Timed out waiting for %s", #condition);                     \
        if (!g_main_context_iteration (NULL, FALSE))                            \
          g_usleep (1000);                                                      \
      }                                                                         \
  } G_STMT_END

static gboolean
run_for_done_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
kf_test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, run_for_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-test-queue-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "queue.json", NULL);
  fixture->sandbox = kf_test_sandbox_start ();
  fixture->client = kf_test_client_new (fixture->sandbox);
  fixture->slow = kf_test_client_new (fixture->sandbox);
  fixture->limit = kf_rate_limit_new (64 * KIB);
  kf_client_set_rate_limit (fixture->slow, fixture->limit);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->slow);
  g_clear_object (&fixture->limit);
  kf_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  guint     n_restored;
  GError   *error;
} Restore;

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Restore *restore = user_data;

  restore->ok = kf_upload_queue_restore_finish (KF_UPLOAD_QUEUE (object), result,
                                                &restore->n_restored, &restore->error);
  restore->done = TRUE;
}

/* A queue restored from the fixture's file (start: as the preference says). */
static KfUploadQueue *
restore_queue (Fixture   *fixture,
               gboolean   start,
               Restore   *restore)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfQueueFile) file = kf_queue_file_new (fixture->path, &error);
  KfUploadQueue *queue;

  g_assert_no_error (error);
  queue = kf_upload_queue_new (NULL);
  kf_upload_queue_set_max_parallel (queue, 1);
  kf_upload_queue_restore_async (queue, file, start, NULL, restore_cb, restore);
  kf_test_wait_for (&restore->done, 30);
  return queue;
}

static void
drop_queue (KfUploadQueue *queue)
{
  kf_upload_queue_stop_all (queue);
  kf_upload_queue_set_client (queue, NULL);
  while (kf_upload_queue_get_n_uploading (queue) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_finalize_object (queue);
}

static GPtrArray *
read_saved (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfQueueFile) file = kf_queue_file_new (fixture->path, &error);
  GPtrArray *entries;

  g_assert_no_error (error);
  entries = kf_queue_file_load (file, &error);
  g_assert_no_error (error);
  return entries;
}

static GFile *
make_file (Fixture    *fixture,
           const char *name,
           gsize       size)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, name, size);

  return g_file_new_for_path (path);
}

/* Adds @names (each its own call, so the first ends at the bottom). */
static void
add_named (Fixture            *fixture,
           KfUploadQueue      *queue,
           const char * const *names,
           gsize               size,
           const char         *folder_id)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GFile) file = make_file (fixture, names[i], size);

      kf_upload_queue_add_files_to_folder (queue, &file, &names[i], NULL, 1, folder_id);
    }
}

static KfUploadItem *
item_at (KfUploadQueue *queue,
         guint          position)
{
  g_autoptr(KfUploadItem) item = g_list_model_get_item (kf_upload_queue_get_model (queue), position);

  return item;   /* the list keeps it */
}

static const char *
name_at (KfUploadQueue *queue,
         guint          position)
{
  return kf_upload_item_get_name (item_at (queue, position));
}

static gboolean
saved_has_states (Fixture                 *fixture,
                  const KfQueueEntryState *states,
                  guint                    n)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (!g_file_test (fixture->path, G_FILE_TEST_EXISTS))
    return FALSE;
  entries = read_saved (fixture);
  if (entries->len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (((KfQueueEntry *) g_ptr_array_index (entries, i))->state != states[i])
      return FALSE;
  return TRUE;
}

static gboolean
saved_mtimes_known (Fixture *fixture)
{
  g_autoptr(GPtrArray) entries = read_saved (fixture);

  for (guint i = 0; i < entries->len; i++)
    if (((KfQueueEntry *) g_ptr_array_index (entries, i))->mtime <= 0)
      return FALSE;
  return entries->len > 0;
}

/* Saved as they are, restored paused in the same order, and, resumed, they
 * upload in the order they were first queued. */
static void
test_save_and_restore (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char *names[] = { "a.bin", "b.bin", "c.bin", "d.bin", NULL };
  static const KfQueueEntryState saved_states[] = {
    KF_QUEUE_ENTRY_WAITING, KF_QUEUE_ENTRY_PAUSED, KF_QUEUE_ENTRY_WAITING, KF_QUEUE_ENTRY_RUNNING,
  };
  Restore restore = { 0 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *folder = kf_sandbox_add_folder (fixture->sandbox, "0", "Target");
  KfUploadQueue *queue;

  /* No file yet: an empty queue, saved from now on. */
  queue = restore_queue (fixture, FALSE, &restore);
  g_assert_true (restore.ok);
  g_assert_cmpuint (restore.n_restored, ==, 0);
  g_assert_nonnull (kf_upload_queue_get_queue_file (queue));

  add_named (fixture, queue, names, 256 * KIB, folder);
  g_assert_true (kf_upload_queue_pause (queue, item_at (queue, 1)));   /* c */
  kf_upload_queue_set_client (queue, fixture->slow);
  WAIT_UNTIL (kf_upload_item_get_state (item_at (queue, 3)) == KF_UPLOAD_STATE_UPLOADING, 10);

  /* Top first: d waiting, c paused, b waiting, a running. */
  WAIT_UNTIL (saved_has_states (fixture, saved_states, 4), 10);
  entries = read_saved (fixture);
  for (guint i = 0; i < 4; i++)
    {
      KfQueueEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GFile) file = g_file_new_for_uri (entry->uri);
      g_autofree char *basename = g_file_get_basename (file);

      g_assert_cmpint (entry->kind, ==, KF_QUEUE_ENTRY_FILE);
      g_assert_cmpstr (entry->name, ==, names[3 - i]);
      g_assert_cmpstr (basename, ==, names[3 - i]);
      g_assert_cmpstr (entry->folder_id, ==, folder);
      g_assert_cmpint (entry->size, ==, 256 * KIB);
      g_assert_cmpint (entry->mtime, >, 0);
      g_assert_cmpstr (entry->id, ==, kf_upload_item_get_id (item_at (queue, i)));
    }

  /* Nothing that opens the account is written down. */
  g_file_get_contents (fixture->path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (contents, kf_sandbox_get_api_key (fixture->sandbox)));
  g_assert_null (strstr (contents, "key"));

  /* Gone without a word (as after SIGKILL): the file is what is left. */
  g_object_run_dispose (G_OBJECT (queue));
  g_object_unref (queue);

  memset (&restore, 0, sizeof restore);
  queue = restore_queue (fixture, FALSE, &restore);
  g_assert_no_error (restore.error);
  g_assert_cmpuint (restore.n_restored, ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (kf_upload_queue_get_model (queue)), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpstr (name_at (queue, i), ==, names[3 - i]);
      g_assert_cmpint (kf_upload_item_get_state (item_at (queue, i)), ==, KF_UPLOAD_STATE_PAUSED);
    }
  g_assert_cmpuint (kf_upload_queue_get_n_paused (queue), ==, 4);
  kf_upload_queue_set_client (queue, fixture->client);
  kf_test_run_for (300);
  g_assert_cmpuint (kf_upload_queue_get_n_pending (queue), ==, 0);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 0);

  /* Resumed all at once: the old order, oldest first, into the old folder. */
  g_assert_cmpuint (kf_upload_queue_resume_all (queue), ==, 4);
  WAIT_UNTIL (kf_upload_queue_get_n_pending (queue) == 0, 30);
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (stored, i);

      g_assert_cmpstr (file->name, ==, names[i]);
      g_assert_cmpstr (file->folder_id, ==, folder);
      g_assert_cmpint (file->size, ==, 256 * KIB);
    }

  /* Done: nothing is left to restore. */
  WAIT_UNTIL (saved_has_states (fixture, NULL, 0), 10);
  drop_queue (queue);
}

/* With the preference to start by themselves: waiting again at once, in
 * the old order. */
static void
test_restore_started (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const char *names[] = { "one.bin", "two.bin", "three.bin", NULL };
  static const KfQueueEntryState saved_states[] = {
    KF_QUEUE_ENTRY_WAITING, KF_QUEUE_ENTRY_PAUSED, KF_QUEUE_ENTRY_WAITING,
  };
  g_autoptr(GPtrArray) stored = NULL;
  Restore restore = { 0 };
  KfUploadQueue *queue;

  queue = restore_queue (fixture, FALSE, &restore);
  add_named (fixture, queue, names, 8 * KIB, NULL);
  kf_upload_queue_pause (queue, item_at (queue, 1));
  WAIT_UNTIL (saved_has_states (fixture, saved_states, 3), 10);
  g_object_run_dispose (G_OBJECT (queue));
  g_object_unref (queue);

  memset (&restore, 0, sizeof restore);
  queue = restore_queue (fixture, TRUE, &restore);
  g_assert_cmpuint (restore.n_restored, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (name_at (queue, i), ==, names[2 - i]);
      g_assert_cmpint (kf_upload_item_get_state (item_at (queue, i)), ==, KF_UPLOAD_STATE_WAITING);
    }
  kf_upload_queue_set_client (queue, fixture->client);
  WAIT_UNTIL (kf_upload_queue_get_n_pending (queue) == 0, 30);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (((KfSandboxFile *) g_ptr_array_index (stored, i))->name, ==, names[i]);
  drop_queue (queue);
}

/* A file changed since it was queued (same size, newer mtime), one grown,
 * one deleted: each shown failed with why, none uploaded; the intact one is. */
static void
test_changed_and_vanished (Fixture       *fixture,
                           gconstpointer  user_data)
{
  static const char *names[] = { "intact.bin", "touched.bin", "grown.bin", "deleted.bin", NULL };
  static const KfQueueEntryState saved_states[] = {
    KF_QUEUE_ENTRY_PAUSED, KF_QUEUE_ENTRY_PAUSED, KF_QUEUE_ENTRY_PAUSED, KF_QUEUE_ENTRY_PAUSED,
  };
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *touched = g_build_filename (fixture->dir, "touched.bin", NULL);
  g_autofree char *grown = g_build_filename (fixture->dir, "grown.bin", NULL);
  g_autofree char *deleted = g_build_filename (fixture->dir, "deleted.bin", NULL);
  Restore restore = { 0 };
  struct utimbuf times;
  KfUploadQueue *queue;
  FILE *stream;

  queue = restore_queue (fixture, FALSE, &restore);
  add_named (fixture, queue, names, 4 * KIB, NULL);
  g_assert_cmpuint (kf_upload_queue_pause_all (queue), ==, 4);
  /* The mtimes are noted in a worker thread, then saved. */
  WAIT_UNTIL (saved_has_states (fixture, saved_states, 4), 10);
  WAIT_UNTIL (saved_mtimes_known (fixture), 10);
  g_assert_true (kf_upload_queue_finish_saving (queue, NULL));
  drop_queue (queue);

  times.actime = times.modtime = time (NULL) + 3600;
  g_assert_cmpint (utime (touched, &times), ==, 0);
  stream = fopen (grown, "ab");
  g_assert_nonnull (stream);
  fputs ("more", stream);
  fclose (stream);
  g_assert_cmpint (g_unlink (deleted), ==, 0);

  memset (&restore, 0, sizeof restore);
  queue = restore_queue (fixture, TRUE, &restore);
  g_assert_cmpuint (restore.n_restored, ==, 4);
  g_assert_cmpstr (name_at (queue, 0), ==, "deleted.bin");
  g_assert_cmpint (kf_upload_item_get_state (item_at (queue, 0)), ==, KF_UPLOAD_STATE_FAILED);
  g_assert_nonnull (strstr (kf_upload_item_get_error_message (item_at (queue, 0)), "gone"));
  for (guint i = 1; i <= 2; i++)
    {
      g_assert_cmpint (kf_upload_item_get_state (item_at (queue, i)), ==, KF_UPLOAD_STATE_FAILED);
      g_assert_nonnull (strstr (kf_upload_item_get_error_message (item_at (queue, i)), "changed"));
    }
  g_assert_cmpstr (name_at (queue, 3), ==, "intact.bin");
  g_assert_cmpint (kf_upload_item_get_state (item_at (queue, 3)), ==, KF_UPLOAD_STATE_WAITING);

  kf_upload_queue_set_client (queue, fixture->client);
  WAIT_UNTIL (kf_upload_queue_get_n_pending (queue) == 0, 30);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (((KfSandboxFile *) g_ptr_array_index (stored, 0))->name, ==, "intact.bin");
  g_assert_cmpint (kf_upload_item_get_state (item_at (queue, 1)), ==, KF_UPLOAD_STATE_FAILED);
  drop_queue (queue);
}

/* A damaged file is moved aside untouched, the restore says so, and the
 * queue is saved to a new file from then on. */
static void
test_corrupt (Fixture       *fixture,
              gconstpointer  user_data)
{
  static const char garbage[] = "{\"version\":1,\"entries\":[{\"id\":\"x\",";
  static const char *names[] = { "new.bin", NULL };
  static const KfQueueEntryState saved_states[] = { KF_QUEUE_ENTRY_WAITING };
  g_autofree char *aside = g_strconcat (fixture->path, ".corrupt", NULL);
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  Restore restore = { 0 };
  KfUploadQueue *queue;
  gsize length;

  g_file_set_contents (fixture->path, garbage, -1, &error);
  g_assert_no_error (error);

  queue = restore_queue (fixture, FALSE, &restore);
  g_assert_false (restore.ok);
  g_assert_error (restore.error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_clear_error (&restore.error);
  g_assert_cmpuint (g_list_model_get_n_items (kf_upload_queue_get_model (queue)), ==, 0);
  g_file_get_contents (aside, &kept, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (kept, length, garbage, strlen (garbage));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  add_named (fixture, queue, names, KIB, NULL);
  WAIT_UNTIL (saved_has_states (fixture, saved_states, 1), 10);
  g_clear_pointer (&kept, g_free);
  g_file_get_contents (aside, &kept, &length, &error);
  g_assert_cmpmem (kept, length, garbage, strlen (garbage));
  drop_queue (queue);
}

/* Hostile files: refused (too deep, not an object), or their bad entries
 * skipped without losing the good ones. */
static void
test_parse_limits (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"entries\":");
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  static const char mixed[] =
    "{\"version\":1,\"entries\":["
    "{\"id\":\"ok\",\"kind\":\"file\",\"state\":\"paused\",\"name\":\"a\",\"uri\":\"file:///tmp/a\",\"size\":3},"
    "{\"id\":\"ok\",\"kind\":\"file\",\"state\":\"paused\",\"name\":\"dup\",\"uri\":\"file:///tmp/b\"},"
    "{\"id\":\"\",\"kind\":\"file\",\"state\":\"paused\",\"uri\":\"file:///tmp/c\"},"
    "{\"id\":\"noscheme\",\"kind\":\"file\",\"state\":\"paused\",\"uri\":\"/tmp/c\"},"
    "{\"id\":\"badstate\",\"kind\":\"file\",\"state\":\"done\",\"uri\":\"file:///tmp/c\"},"
    "{\"id\":\"pausedremote\",\"kind\":\"remote\",\"state\":\"paused\",\"url\":\"https://x/y\"},"
    "{\"id\":\"r\",\"kind\":\"remote\",\"state\":\"failed\",\"url\":\"https://x/y\",\"error\":\"404\",\"progress\":1000},"
    "[1,2],"
    "{\"id\":\"neg\",\"kind\":\"file\",\"state\":\"waiting\",\"uri\":\"file:///tmp/d\",\"size\":-7,\"mtime\":1.5}"
    "]}";

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  entries = kf_queue_file_parse (deep->str, deep->len, &error);
  g_assert_null (entries);
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  entries = kf_queue_file_parse ("[]", 2, &error);
  g_assert_null (entries);
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  entries = kf_queue_file_parse (mixed, strlen (mixed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpint (((KfQueueEntry *) entries->pdata[2])->size, ==, -1);
  g_assert_cmpint (((KfQueueEntry *) entries->pdata[2])->mtime, ==, -1);
  g_assert_cmpstr (((KfQueueEntry *) entries->pdata[0])->name, ==, "a");
  g_assert_cmpint (((KfQueueEntry *) entries->pdata[0])->size, ==, 3);
  g_assert_cmpstr (((KfQueueEntry *) entries->pdata[1])->error, ==, "404");
  g_assert_cmpint (((KfQueueEntry *) entries->pdata[1])->progress, ==, -1);
}

typedef struct {
  gboolean  done;
  char     *value;
} StringWait;

static void
remote_started_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  StringWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->value = kf_client_remote_upload_finish (KF_CLIENT (object), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static void
upload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  StringWait *wait = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = kf_client_upload_finish (KF_CLIENT (object), result, &error);
  g_assert_no_error (error);
  wait->value = g_strdup (((KfUploadResult *) results->pdata[0])->file_code);
  wait->done = TRUE;
}

static void
link_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  StringWait *wait = user_data;
  g_autoptr(KfDirectLink) link = NULL;
  g_autoptr(GError) error = NULL;

  link = kf_client_get_direct_link_finish (KF_CLIENT (object), result, &error);
  g_assert_no_error (error);
  wait->value = g_strdup (link->url);
  wait->done = TRUE;
}

/* upload/url requests that ask the server to fetch (not status questions). */
static guint
count_fetch_requests (Fixture *fixture)
{
  g_auto(GStrv) log = kf_sandbox_dup_request_log (fixture->sandbox);
  guint n = 0;

  for (guint i = 0; log[i] != NULL; i++)
    {
      g_autofree char *line = g_strndup (log[i], strcspn (log[i], "\n"));

      if (strstr (line, "/api/upload/url") != NULL && strstr (line, "file_code=") == NULL)
        n++;
    }
  return n;
}

/* Remote jobs: one the server took before the restart is polled again (not
 * sent again), one that failed comes back failed with its message and is not
 * asked for again. */
static void
test_remote_jobs (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_queue_entry_free);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GFile) source = make_file (fixture, "source.bin", 16 * KIB);
  g_autoptr(KfQueueFile) file = NULL;
  g_autoptr(GError) error = NULL;
  StringWait uploaded = { 0 }, link = { 0 }, job = { 0 };
  Restore restore = { 0 };
  KfQueueEntry *entry;
  KfUploadQueue *queue;
  guint n_url_requests, n_fetches;

  /* A file on the sandbox to fetch, and a job the server took for it. */
  kf_client_upload_async (fixture->client, &source, 1, KF_UPLOAD_TYPE_AUTO, NULL, NULL, NULL, NULL,
                          NULL, upload_cb, &uploaded);
  kf_test_wait_for (&uploaded.done, 10);
  kf_client_get_direct_link_async (fixture->client, uploaded.value, NULL, link_cb, &link);
  kf_test_wait_for (&link.done, 10);
  kf_client_remote_upload_async (fixture->client, link.value, NULL, NULL, remote_started_cb, &job);
  kf_test_wait_for (&job.done, 10);

  entry = kf_queue_entry_new ();
  entry->id = g_strdup ("failed-job");
  entry->kind = KF_QUEUE_ENTRY_REMOTE;
  entry->state = KF_QUEUE_ENTRY_FAILED;
  entry->name = g_strdup ("https://example.invalid/missing.iso");
  entry->url = g_strdup ("https://example.invalid/missing.iso");
  entry->error = g_strdup ("The source answered: not found (HTTP 404).");
  g_ptr_array_add (saved, entry);
  entry = kf_queue_entry_new ();
  entry->id = g_strdup ("running-job");
  entry->kind = KF_QUEUE_ENTRY_REMOTE;
  entry->state = KF_QUEUE_ENTRY_RUNNING;
  entry->name = g_strdup (link.value);
  entry->url = g_strdup (link.value);
  entry->job_id = g_strdup (job.value);
  entry->progress = 40;
  g_ptr_array_add (saved, entry);
  file = kf_queue_file_new (fixture->path, &error);
  g_assert_no_error (error);
  kf_queue_file_set_entries (file, g_steal_pointer (&saved));
  g_assert_true (kf_queue_file_flush (file, &error));
  g_assert_no_error (error);

  n_url_requests = kf_sandbox_count_requests (fixture->sandbox, "/api/upload/url");
  n_fetches = count_fetch_requests (fixture);
  g_assert_cmpuint (n_fetches, ==, 1);
  queue = restore_queue (fixture, FALSE, &restore);
  g_assert_cmpuint (restore.n_restored, ==, 2);
  g_assert_cmpint (kf_upload_item_get_state (item_at (queue, 0)), ==, KF_UPLOAD_STATE_FAILED);
  g_assert_cmpstr (kf_upload_item_get_error_message (item_at (queue, 0)), ==,
                   "The source answered: not found (HTTP 404).");
  g_assert_true (kf_upload_item_get_remote (item_at (queue, 1)));
  /* Waiting for a client; polled as soon as there is one, whatever the preference. */
  g_assert_cmpuint (kf_upload_queue_get_n_pending (queue), ==, 1);
  kf_upload_queue_set_client (queue, fixture->client);
  WAIT_UNTIL (kf_upload_item_get_state (item_at (queue, 1)) == KF_UPLOAD_STATE_DONE, 30);
  g_assert_nonnull (kf_upload_item_get_link (item_at (queue, 1)));

  /* Only status requests: the sandbox holds the source and one fetched copy. */
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/upload/url"), >, n_url_requests);
  g_assert_cmpuint (count_fetch_requests (fixture), ==, n_fetches);

  /* The failed job stays saved, the finished one is not. */
  kf_test_run_for (1000);
  g_assert_true (kf_upload_queue_finish_saving (queue, NULL));
  {
    g_autoptr(GPtrArray) entries = read_saved (fixture);

    g_assert_cmpuint (entries->len, ==, 1);
    g_assert_cmpstr (((KfQueueEntry *) entries->pdata[0])->id, ==, "failed-job");
    g_assert_cmpint (((KfQueueEntry *) entries->pdata[0])->state, ==, KF_QUEUE_ENTRY_FAILED);
    g_assert_cmpstr (((KfQueueEntry *) entries->pdata[0])->error, ==,
                     "The source answered: not found (HTTP 404).");
  }
  drop_queue (queue);
  g_free (uploaded.value);
  g_free (link.value);
  g_free (job.value);
}

/* Many changes at once are one write; a running upload's progress is none. */
static void
test_coalesced (Fixture       *fixture,
                gconstpointer  user_data)
{
  KfQueueFile *file;
  Restore restore = { 0 };
  KfUploadQueue *queue;
  guint n_writes;

  queue = restore_queue (fixture, FALSE, &restore);
  file = kf_upload_queue_get_queue_file (queue);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%03u.bin", i);
      /* The first, sent first, takes 8 s at 64 KiB/s. */
      g_autoptr(GFile) gfile = make_file (fixture, name, i == 0 ? 512 * KIB : KIB);
      const char *names[] = { name };

      kf_upload_queue_add_files (queue, &gfile, names, NULL, 1);
    }
  kf_upload_queue_set_client (queue, fixture->slow);
  WAIT_UNTIL (kf_upload_queue_get_n_uploading (queue) == 1 && !kf_queue_file_has_pending (file) &&
              kf_queue_file_get_n_writes (file) > 0, 10);
  kf_test_run_for (1500);
  n_writes = kf_queue_file_get_n_writes (file);
  g_assert_cmpuint (n_writes, <=, 3);
  /* The first file is still being sent, at 64 KiB/s: its progress wrote nothing. */
  g_assert_cmpint (kf_upload_item_get_state (item_at (queue, 199)), ==, KF_UPLOAD_STATE_UPLOADING);
  kf_test_run_for (600);
  g_assert_cmpuint (kf_queue_file_get_n_writes (file), ==, n_writes);
  kf_upload_queue_cancel_all (queue);
  drop_queue (queue);
}

/* `kenfiles upload` runs on the same queue object, but neither reads nor
 * writes the app's saved queue. */
static void
test_cli_leaves_saved_queue (Fixture       *fixture,
                             gconstpointer  user_data)
{
  static const char saved[] = "{\"version\":1,\"entries\":[]}\n";
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_build_filename (fixture->dir, "data", NULL);
  g_autofree char *kenfiles_dir = g_build_filename (data_home, "kenfiles", NULL);
  g_autofree char *queue_path = g_build_filename (kenfiles_dir, "queue.json", NULL);
  g_autofree char *upload = kf_test_make_file (fixture->dir, "cli.bin", 32 * KIB);
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  g_assert_cmpint (g_mkdir_with_parents (kenfiles_dir, 0700), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_SERVER", kf_sandbox_get_url (fixture->sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_API_KEY", kf_sandbox_get_api_key (fixture->sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);

  /* Without a saved queue: none is made. */
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KENFILES_CLI"), "upload", upload, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (queue_path, G_FILE_TEST_EXISTS));
  g_clear_object (&process);

  /* With one: it is left as it was. */
  g_file_set_contents (queue_path, saved, -1, &error);
  g_assert_no_error (error);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KENFILES_CLI"), "upload", upload, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_file_get_contents (queue_path, &after, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, saved);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/queue-file/save-and-restore", test_save_and_restore);
  ADD ("/queue-file/restore-started", test_restore_started);
  ADD ("/queue-file/changed-and-vanished", test_changed_and_vanished);
  ADD ("/queue-file/corrupt", test_corrupt);
  ADD ("/queue-file/remote-jobs", test_remote_jobs);
  ADD ("/queue-file/coalesced", test_coalesced);
  ADD ("/queue-file/cli-leaves-saved-queue", test_cli_leaves_saved_queue);
#undef ADD
  g_test_add_func ("/queue-file/parse-limits", test_parse_limits);

  return g_test_run ();
}
