/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "kf-client.h"
#include "kf-sandbox.h"
#include "kf-test-sandbox.h"
#include "kf-test-util.h"

#define UPLOAD_PATH "/cgi-bin/upload.cgi"
#define SERVER_PATH "/api/upload/server"

typedef struct {
  char      *dir;
  KfSandbox *sandbox;
  KfClient  *client;
} Fixture;

typedef struct {
  gboolean      done;
  GPtrArray    *results;
  GError       *error;
  GArray       *sent;          /* goffset per progress call */
  goffset       total;
  gboolean      total_changed;
  GCancellable *cancel_on_progress;
  gint64        cancelled_at;
  char         *truncate_on_progress;
  /* Once @change_after bytes are sent, @limit's rate becomes @change_to. */
  KfRateLimit  *limit;
  goffset       change_after;
  guint64       change_to;
  gint64        changed_at;
  goffset       sent_at_change;
  gint64        done_at;
} Upload;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-test-upload-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->sandbox = kf_test_sandbox_start ();
  fixture->client = kf_test_client_new (fixture->sandbox);
  kf_client_set_retry_policy (fixture->client, 4, 10);
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
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->client);
  kf_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static void
upload_clear (Upload *upload)
{
  g_clear_pointer (&upload->results, g_ptr_array_unref);
  g_clear_error (&upload->error);
  g_clear_pointer (&upload->sent, g_array_unref);
  g_clear_pointer (&upload->truncate_on_progress, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Upload, upload_clear)

static void
on_progress (goffset  sent,
             goffset  total,
             gpointer user_data)
{
  Upload *upload = user_data;

  g_assert_false (upload->done);
  if (upload->sent->len > 0 && total != upload->total)
    upload->total_changed = TRUE;
  upload->total = total;
  g_array_append_val (upload->sent, sent);

  if (sent > 0 && upload->truncate_on_progress != NULL)
    {
      g_assert_cmpint (truncate (upload->truncate_on_progress, 0), ==, 0);
      g_clear_pointer (&upload->truncate_on_progress, g_free);
    }

  if (upload->limit != NULL && upload->changed_at == 0 && sent >= upload->change_after &&
      sent > 0)
    {
      upload->changed_at = g_get_monotonic_time ();
      upload->sent_at_change = sent;
      kf_rate_limit_set_rate (upload->limit, upload->change_to);
    }

  if (sent > 0 && upload->cancel_on_progress != NULL && upload->cancelled_at == 0)
    {
      upload->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (upload->cancel_on_progress);
    }
}

static void
on_upload_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Upload *upload = user_data;

  upload->results = kf_client_upload_finish (KF_CLIENT (source), result, &upload->error);
  upload->done_at = g_get_monotonic_time ();
  upload->done = TRUE;
}

static void
start_upload (KfClient     *client,
              const char  **paths,
              guint         n_paths,
              KfUploadType  type,
              const char   *folder_id,
              GCancellable *cancellable,
              Upload       *upload)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_paths; i++)
    {
      /* "uri:" paths go in as URI-made GFiles, as the document portal and
       * "Open With" hand them over. */
      if (g_str_has_prefix (paths[i], "uri:"))
        g_ptr_array_add (files, g_file_new_for_uri (paths[i] + strlen ("uri:")));
      else
        g_ptr_array_add (files, g_file_new_for_path (paths[i]));
    }

  upload->sent = g_array_new (FALSE, FALSE, sizeof (goffset));
  kf_client_upload_async (client, (GFile *const *) files->pdata, files->len, type, folder_id,
                          on_progress, upload, NULL, cancellable, on_upload_done, upload);
}

static void
run_upload (KfClient     *client,
            const char  **paths,
            guint         n_paths,
            KfUploadType  type,
            const char   *folder_id,
            GCancellable *cancellable,
            Upload       *upload)
{
  start_upload (client, paths, n_paths, type, folder_id, cancellable, upload);
  kf_test_wait_for (&upload->done, 60);
  g_assert_true ((upload->results == NULL) != (upload->error == NULL));
}

static void
run_upload_one (Fixture    *fixture,
                const char *path,
                Upload     *upload)
{
  run_upload (fixture->client, &path, 1, KF_UPLOAD_TYPE_AUTO, NULL, NULL, upload);
}

static KfUploadResult *
result_at (Upload *upload,
           guint   i)
{
  g_assert_no_error (upload->error);
  g_assert_nonnull (upload->results);
  g_assert_cmpuint (i, <, upload->results->len);
  return upload->results->pdata[i];
}

/* The stored file with @code, checked to hold the bytes of @local. */
static void
assert_stored (Fixture    *fixture,
               const char *code,
               const char *local,
               const char *name)
{
  g_autoptr(GPtrArray) stored = kf_sandbox_list_files (fixture->sandbox);
  gboolean found = FALSE;
  struct stat st;

  g_assert_cmpint (g_stat (local, &st), ==, 0);
  for (guint i = 0; i < stored->len; i++)
    {
      KfSandboxFile *file = stored->pdata[i];

      if (g_strcmp0 (file->file_code, code) != 0)
        continue;
      found = TRUE;
      g_assert_cmpstr (file->name, ==, name);
      g_assert_cmpint (file->size, ==, st.st_size);
      g_assert_true (kf_test_files_equal (file->path, local));
    }
  g_assert_true (found);
}

/* A file of @size bytes that takes no room on disk. */
static char *
make_sparse_file (Fixture    *fixture,
                  const char *name,
                  goffset     size)
{
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_cmpint (truncate (path, size), ==, 0);
  return path;
}

static guint
n_stored (Fixture *fixture)
{
  g_autoptr(GPtrArray) stored = kf_sandbox_list_files (fixture->sandbox);

  return stored->len;
}

static void
assert_success (Fixture        *fixture,
                KfUploadResult *result,
                const char     *local,
                const char     *name)
{
  g_autofree char *url = NULL;
  struct stat st;

  g_assert_no_error (result->error);
  g_assert_nonnull (result->file_code);
  g_assert_cmpstr (result->name, ==, name);
  g_assert_cmpint (g_stat (local, &st), ==, 0);
  g_assert_cmpint (result->size, ==, st.st_size);
  url = g_strdup_printf ("%s/%s", kf_sandbox_get_url (fixture->sandbox), result->file_code);
  g_assert_cmpstr (result->url, ==, url);
  assert_stored (fixture, result->file_code, local, name);
}

static void
assert_progress (Upload  *upload,
                 goffset  size)
{
  goffset previous = 0;

  g_assert_cmpuint (upload->sent->len, >, 0);
  g_assert_false (upload->total_changed);
  g_assert_cmpint (upload->total, ==, size);
  for (guint i = 0; i < upload->sent->len; i++)
    {
      goffset sent = g_array_index (upload->sent, goffset, i);

      g_assert_cmpint (sent, >=, previous);
      g_assert_cmpint (sent, <=, size);
      previous = sent;
    }
  g_assert_cmpint (previous, ==, size);
}

static void
test_one_file (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "one file.bin", 300 * 1024 + 7);
  g_auto(Upload) upload = { 0 };

  run_upload_one (fixture, path, &upload);
  g_assert_cmpuint (upload.results->len, ==, 1);
  assert_success (fixture, result_at (&upload, 0), path, "one file.bin");
  assert_progress (&upload, 300 * 1024 + 7);
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
}

static void
test_file_from_uri (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "Über uns #1.bin", 12345);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *arg = g_strconcat ("uri:", uri, NULL);
  const char *args[] = { arg };
  g_auto(Upload) upload = { 0 };

  /* The URI is escaped: the upload must work from it, not from a path. */
  g_assert_nonnull (strstr (uri, "%C3%9Cber%20uns%20%231.bin"));
  run_upload (fixture->client, args, 1, KF_UPLOAD_TYPE_AUTO, NULL, NULL, &upload);
  g_assert_cmpuint (upload.results->len, ==, 1);
  assert_success (fixture, result_at (&upload, 0), path, "Über uns #1.bin");
  g_assert_cmpuint (n_stored (fixture), ==, 1);
}

static void
test_several_files (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const char *names[] = { "a.bin", "b.txt", "c.dat" };
  const gsize sizes[] = { 1, 2 * 1024 * 1024 + 3, 70000 };
  /* (g_autofree on an array would free only its first element.) */
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(Upload) upload = { 0 };

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (paths, kf_test_make_file (fixture->dir, names[i], sizes[i]));

  run_upload (fixture->client, (const char **) paths->pdata, 3, KF_UPLOAD_TYPE_AUTO, NULL, NULL, &upload);
  g_assert_cmpuint (upload.results->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_success (fixture, result_at (&upload, i), g_ptr_array_index (paths, i), names[i]);
  assert_progress (&upload, sizes[0] + sizes[1] + sizes[2]);
  g_assert_cmpuint (n_stored (fixture), ==, 3);
  /* One request carried all three. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
}

static void
test_empty_file (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "empty", 0);
  g_auto(Upload) upload = { 0 };

  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "empty");
  assert_progress (&upload, 0);
}

static void
test_names (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(Upload) upload = { 0 };

  /* Linux allows 255 bytes in a name. */
  while (long_name->len < 240)
    g_string_append (long_name, "é\"x ");
  g_ptr_array_add (names, g_strdup ("say \"hello\".txt"));
  g_ptr_array_add (names, g_strdup ("back\\slash.txt"));
  g_ptr_array_add (names, g_strdup ("line\r\nbreak\rcr\nlf.txt"));
  g_ptr_array_add (names, g_strdup ("naïve 日本語 Ωmega €.txt"));
  g_ptr_array_add (names, g_strdup ("100%22 %0D%0A; name=\"utype\".txt"));
  g_ptr_array_add (names, g_string_free (g_steal_pointer (&long_name), FALSE));

  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (paths, kf_test_make_file (fixture->dir, names->pdata[i], 100 + i));

  run_upload (fixture->client, (const char **) paths->pdata, paths->len,
              KF_UPLOAD_TYPE_AUTO, NULL, NULL, &upload);
  g_assert_cmpuint (upload.results->len, ==, names->len);
  for (guint i = 0; i < names->len; i++)
    assert_success (fixture, result_at (&upload, i), paths->pdata[i], names->pdata[i]);
  g_assert_cmpuint (n_stored (fixture), ==, names->len);
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  user_data)
{
  const gsize size = 24 * 1024 * 1024 + 5;
  g_autofree char *path = kf_test_make_file (fixture->dir, "progress.bin", size);
  g_auto(Upload) upload = { 0 };
  guint distinct = 0;

  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "progress.bin");
  assert_progress (&upload, size);
  for (guint i = 0; i < upload.sent->len; i++)
    if (g_array_index (upload.sent, goffset, i) > 0 && g_array_index (upload.sent, goffset, i) < (goffset) size)
      distinct++;
  /* It moved in steps, not only at the end. */
  g_assert_cmpuint (distinct, >=, 3);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  const gsize size = 64 * 1024 * 1024;
  g_autofree char *path = kf_test_make_file (fixture->dir, "big.bin", size);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(Upload) upload = { 0 };
  const char *paths[] = { path };
  gint64 ended;
  gboolean settled = FALSE;

  upload.cancel_on_progress = cancellable;
  run_upload (fixture->client, paths, 1, KF_UPLOAD_TYPE_AUTO, NULL, cancellable, &upload);
  ended = g_get_monotonic_time ();

  g_assert_error (upload.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (upload.cancelled_at, >, 0);
  /* Stopped at once, not after sending the rest. */
  g_assert_cmpint (ended - upload.cancelled_at, <, G_USEC_PER_SEC / 2);
  g_assert_cmpint (g_array_index (upload.sent, goffset, upload.sent->len - 1), <, (goffset) size);

  /* Give the server time to notice the cut body; it must store nothing. */
  for (guint i = 0; i < 100 && !settled; i++)
    {
      g_usleep (20 * 1000);
      settled = kf_sandbox_get_n_incomplete_uploads (fixture->sandbox) > 0;
    }
  g_assert_true (settled);
  g_assert_cmpuint (n_stored (fixture), ==, 0);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "not-there.bin", NULL);
  g_auto(Upload) upload = { 0 };

  run_upload_one (fixture, path, &upload);
  g_assert_error (upload.error, KF_ERROR, KF_ERROR_LOCAL_FILE);
  g_assert_nonnull (strstr (upload.error->message, "not-there.bin"));
  g_assert_null (strstr (upload.error->message, kf_sandbox_get_api_key (fixture->sandbox)));
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 0);
}

static void
test_missing_one_of_two (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *good = kf_test_make_file (fixture->dir, "good.bin", 1000);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.bin", NULL);
  const char *paths[] = { missing, good };
  g_auto(Upload) upload = { 0 };
  KfUploadResult *result;

  run_upload (fixture->client, paths, 2, KF_UPLOAD_TYPE_AUTO, NULL, NULL, &upload);
  result = result_at (&upload, 0);
  g_assert_error (result->error, KF_ERROR, KF_ERROR_LOCAL_FILE);
  g_assert_nonnull (strstr (result->error->message, "missing.bin"));
  g_assert_null (result->file_code);
  assert_success (fixture, result_at (&upload, 1), good, "good.bin");
  g_assert_cmpuint (n_stored (fixture), ==, 1);
}

static void
test_file_shrinks (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "shrinks.bin", 32 * 1024 * 1024);
  g_auto(Upload) upload = { 0 };

  upload.truncate_on_progress = g_strdup (path);
  run_upload_one (fixture, path, &upload);
  g_assert_error (upload.error, KF_ERROR, KF_ERROR_LOCAL_FILE);
  g_assert_nonnull (strstr (upload.error->message, "shrinks.bin"));
  /* A local problem is not retried: one upload server asked for. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, SERVER_PATH), ==, 1);
  g_assert_cmpuint (n_stored (fixture), ==, 0);
}

typedef struct {
  KfSandboxFault fault;
  const char    *path;
} FaultCase;

static void
test_fault_retried (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const FaultCase *fault = user_data;
  g_autofree char *path = kf_test_make_file (fixture->dir, "retry.bin", 512 * 1024 + 1);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, fault->fault, fault->path, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "retry.bin");
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 2);
  /* Each try started again from step 1: a fresh upload server. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, SERVER_PATH), ==, 2);
  /* The last attempt's progress still ends at the file size. */
  g_assert_cmpint (g_array_index (upload.sent, goffset, upload.sent->len - 1), ==, 512 * 1024 + 1);
}

#define FILE_LIST_PATH "/api/file/list"

/* The body reached the server, which stored the file, and the answer was
 * lost: the file is looked up and adopted, not sent a second time. */
static void
test_lost_answer_adopted (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "lost answer.bin", 300 * 1024);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, UPLOAD_PATH, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "lost answer.bin");
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, FILE_LIST_PATH), ==, 1);
}

static void
test_lost_answer_timed_out (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "slow.bin", 64 * 1024);
  g_auto(Upload) upload = { 0 };

  /* The server stores the file, then answers after the deadline. */
  kf_client_set_deadline (fixture->client, 1);
  kf_sandbox_set_slow_delay (fixture->sandbox, 3000);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_SLOW, UPLOAD_PATH, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "slow.bin");
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
}

static void
test_lost_answer_batch_in_folder (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *a = kf_test_make_file (fixture->dir, "first [1].txt", 5000);
  g_autofree char *b = kf_test_make_file (fixture->dir, "second é.txt", 7000);
  g_autofree char *folder_id = kf_sandbox_add_folder (fixture->sandbox, "0", "Photos");
  g_autoptr(GPtrArray) stored = NULL;
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, UPLOAD_PATH, 1);
  run_upload (fixture->client, (const char *[]) { a, b }, 2, KF_UPLOAD_TYPE_AUTO, folder_id,
              NULL, &upload);
  assert_success (fixture, result_at (&upload, 0), a, "first [1].txt");
  assert_success (fixture, result_at (&upload, 1), b, "second é.txt");
  g_assert_cmpstr (result_at (&upload, 0)->file_code, !=, result_at (&upload, 1)->file_code);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 2);
  for (guint i = 0; i < stored->len; i++)
    g_assert_cmpstr (((KfSandboxFile *) stored->pdata[i])->folder_id, ==, folder_id);
}

/* The same name and size uploaded an hour ago is another file. */
static void
test_lost_answer_older_twin (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "report.pdf", 9000);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) hour_ago = g_date_time_add_hours (now, -1);
  g_autofree char *older_code = NULL;
  g_auto(Upload) first = { 0 };
  g_auto(Upload) upload = { 0 };

  run_upload_one (fixture, path, &first);
  older_code = g_strdup (result_at (&first, 0)->file_code);
  g_assert_true (kf_sandbox_set_file_uploaded (fixture->sandbox, older_code, hour_ago));

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, UPLOAD_PATH, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "report.pdf");
  g_assert_cmpstr (result_at (&upload, 0)->file_code, !=, older_code);
  g_assert_cmpuint (n_stored (fixture), ==, 2);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 2);
}

/* Two files of one name and size in one batch: which stored file holds
 * which bytes cannot be told from a listing, so they are sent again. */
static void
test_lost_answer_ambiguous (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *dir_a = g_build_filename (fixture->dir, "a", NULL);
  g_autofree char *dir_b = g_build_filename (fixture->dir, "b", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_auto(Upload) upload = { 0 };

  g_assert_cmpint (g_mkdir (dir_a, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (dir_b, 0700), ==, 0);
  a = g_build_filename (dir_a, "same.txt", NULL);
  b = g_build_filename (dir_b, "same.txt", NULL);
  g_assert_true (g_file_set_contents (a, "contents A", -1, NULL));
  g_assert_true (g_file_set_contents (b, "contents B", -1, NULL));

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, UPLOAD_PATH, 1);
  run_upload (fixture->client, (const char *[]) { a, b }, 2, KF_UPLOAD_TYPE_AUTO, NULL, NULL,
              &upload);
  /* Each link leads to its own bytes (assert_stored compares them). */
  assert_success (fixture, result_at (&upload, 0), a, "same.txt");
  assert_success (fixture, result_at (&upload, 1), b, "same.txt");
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 2);
}

/* On the last attempt, a file found after a lost answer keeps its link
 * while the ones that could not be found fail on their own. */
static void
test_lost_answer_last_attempt (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *dir_b = g_build_filename (fixture->dir, "b", NULL);
  g_autofree char *a = kf_test_make_file (fixture->dir, "found.txt", 3000);
  g_autofree char *b1 = kf_test_make_file (fixture->dir, "twin.txt", 100);
  g_autofree char *b2 = NULL;
  g_auto(Upload) upload = { 0 };
  KfUploadResult *twin;

  g_assert_cmpint (g_mkdir (dir_b, 0700), ==, 0);
  b2 = kf_test_make_file (dir_b, "twin.txt", 100);

  kf_client_set_retry_policy (fixture->client, 1, 10);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, UPLOAD_PATH, 1);
  run_upload (fixture->client, (const char *[]) { a, b1, b2 }, 3, KF_UPLOAD_TYPE_AUTO, NULL,
              NULL, &upload);
  assert_success (fixture, result_at (&upload, 0), a, "found.txt");
  for (guint i = 1; i < 3; i++)
    {
      twin = result_at (&upload, i);
      g_assert_error (twin->error, KF_ERROR, KF_ERROR_NETWORK);
      g_assert_null (twin->file_code);
      g_assert_cmpstr (twin->name, ==, "twin.txt");
    }
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
}

/* The body arrived but nothing was stored (a proxy's 502): sent again. */
static void
test_lost_answer_not_stored (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "again.bin", 4000);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_HTML_5XX, UPLOAD_PATH, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "again.bin");
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, FILE_LIST_PATH), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 2);
}

/* A host without file/list: the upload still succeeds, sent again. */
static void
test_lost_answer_no_file_list (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "plain.bin", 4000);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/list", FALSE);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, UPLOAD_PATH, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "plain.bin");
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 2);
  g_assert_cmpuint (n_stored (fixture), ==, 2);
}

/* A cut before the body was sent in full stored nothing: no look-up. */
static void
test_cut_body_no_lookup (Fixture       *fixture,
                         gconstpointer  user_data)
{
  /* Larger than loopback's socket buffers can hold, so the client cannot
   * have written it all when the server cuts. */
  g_autofree char *path = make_sparse_file (fixture, "cut.bin", 64 * 1024 * 1024);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_UPLOAD, UPLOAD_PATH, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "cut.bin");
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, FILE_LIST_PATH), ==, 0);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 2);
}

static void
test_file_refused (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "refused.exe", 1000);
  g_auto(Upload) upload = { 0 };
  KfUploadResult *result;

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_FILE_REFUSED, UPLOAD_PATH, 0);
  run_upload_one (fixture, path, &upload);
  result = result_at (&upload, 0);
  g_assert_error (result->error, KF_ERROR, KF_ERROR_REFUSED);
  g_assert_nonnull (strstr (result->error->message, "unallowed extension"));
  g_assert_null (result->file_code);
  g_assert_cmpstr (result->name, ==, "refused.exe");
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
  g_assert_cmpuint (n_stored (fixture), ==, 0);
}

static void
test_sticky_cut (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "cut.bin", 2 * 1024 * 1024);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_UPLOAD, UPLOAD_PATH, 0);
  run_upload_one (fixture, path, &upload);
  g_assert_error (upload.error, KF_ERROR, KF_ERROR_NETWORK);
  /* Retried up to the policy's limit, then gave up. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 4);
  g_assert_cmpuint (n_stored (fixture), ==, 0);
}

static void
test_cut_big_body (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* A body the size proxies cut. */
  g_autofree char *path = make_sparse_file (fixture, "large.iso", 120 * 1000 * 1000);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_UPLOAD, UPLOAD_PATH, 0);
  run_upload_one (fixture, path, &upload);
  /* A cut is a lost connection, not a guess that the file is too large
   * (only a 413 says that), and it is tried again like one. */
  g_assert_error (upload.error, KF_ERROR, KF_ERROR_NETWORK);
  g_assert_null (strstr (upload.error->message, "larger"));
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 4);
  g_assert_cmpuint (n_stored (fixture), ==, 0);
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "huge.bin", 1024 * 1024);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_TOO_LARGE, UPLOAD_PATH, 0);
  run_upload_one (fixture, path, &upload);
  g_assert_error (upload.error, KF_ERROR, KF_ERROR_TOO_LARGE);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 1);
}

static void
test_key_rejected (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "key.bin", 1000);
  g_auto(Upload) upload = { 0 };

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_KEY_REJECTED, SERVER_PATH, 0);
  run_upload (fixture->client, (const char *[]) { path }, 1, KF_UPLOAD_TYPE_PREMIUM, NULL, NULL, &upload);
  g_assert_error (upload.error, KF_ERROR, KF_ERROR_KEY_REJECTED);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, SERVER_PATH), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, UPLOAD_PATH), ==, 0);
}

static char *
stored_utype (Fixture *fixture)
{
  g_autoptr(GPtrArray) stored = kf_sandbox_list_files (fixture->sandbox);
  KfSandboxFile *last;

  g_assert_cmpuint (stored->len, >, 0);
  last = stored->pdata[stored->len - 1];
  return g_strdup (last->utype);
}

static void
test_utype (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "utype.bin", 100);
  const char *paths[] = { path };
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 2; round++)
    {
      gboolean premium = round == 0;
      /* A fresh client has no cached account state: it asks first. */
      g_autoptr(KfClient) client = kf_client_new (kf_sandbox_get_url (fixture->sandbox),
                                                  kf_sandbox_get_api_key (fixture->sandbox), &error);
      g_auto(Upload) upload = { 0 };
      g_auto(Upload) forced = { 0 };
      g_autofree char *utype = NULL;
      g_autofree char *forced_utype = NULL;

      g_assert_no_error (error);
      kf_sandbox_set_premium (fixture->sandbox, premium);
      run_upload (client, paths, 1, KF_UPLOAD_TYPE_AUTO, NULL, NULL, &upload);
      g_assert_no_error (result_at (&upload, 0)->error);
      utype = stored_utype (fixture);
      g_assert_cmpstr (utype, ==, premium ? "prem" : "reg");

      /* An explicit type wins over the account's. */
      run_upload (client, paths, 1, premium ? KF_UPLOAD_TYPE_REGISTERED : KF_UPLOAD_TYPE_PREMIUM,
                  NULL, NULL, &forced);
      g_assert_no_error (result_at (&forced, 0)->error);
      forced_utype = stored_utype (fixture);
      g_assert_cmpstr (forced_utype, ==, premium ? "reg" : "prem");
    }
}

static void
on_folder_created (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **folder_id = user_data;
  g_autoptr(GError) error = NULL;

  *folder_id = kf_client_create_folder_finish (KF_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
test_folder (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "in-folder.bin", 4000);
  g_autofree char *folder_id = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_auto(Upload) upload = { 0 };

  kf_client_create_folder_async (fixture->client, "0", "Holiday", NULL, on_folder_created, &folder_id);
  while (folder_id == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (folder_id, !=, "0");

  run_upload (fixture->client, (const char *[]) { path }, 1, KF_UPLOAD_TYPE_AUTO, folder_id,
              NULL, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "in-folder.bin");
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (((KfSandboxFile *) stored->pdata[0])->folder_id, ==, folder_id);
}

static void
test_key_not_sent_to_file_server (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "secret.bin", 5000);
  g_auto(Upload) upload = { 0 };
  g_auto(GStrv) log = NULL;
  const char *key = kf_sandbox_get_api_key (fixture->sandbox);
  guint n_file_requests = 0, n_api_requests = 0;

  /* One retry too, so a second round is checked as well. */
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_HTML_5XX, UPLOAD_PATH, 1);
  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "secret.bin");

  log = kf_sandbox_dup_request_log (fixture->sandbox);
  for (guint i = 0; log[i] != NULL; i++)
    {
      if (g_str_has_prefix (log[i], "files "))
        {
          n_file_requests++;
          g_assert_null (strstr (log[i], key));
          g_assert_null (strstr (log[i], "key="));
        }
      else if (g_str_has_prefix (log[i], "api "))
        n_api_requests++;
    }
  g_assert_cmpuint (n_file_requests, ==, 2);
  g_assert_cmpuint (n_api_requests, >=, 2);
}

static char *
run_curl (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  /* The sandbox answers on its own thread, so a blocking child is fine. */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("curl failed: %s: %s", error->message, err);
  return g_steal_pointer (&out);
}

static void
test_same_as_curl (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "curl and client.bin", 3 * 1024 * 1024 + 11);
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *server_url = NULL;
  g_autofree char *server_answer = NULL;
  g_autofree char *upload_answer = NULL;
  g_autofree char *file_arg = NULL;
  g_autofree char *sess_arg = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_auto(Upload) upload = { 0 };
  JsonObject *object;
  JsonArray *list;
  const char *curl_code;
  KfSandboxFile *by_curl = NULL;
  KfSandboxFile *by_client = NULL;

  if (curl == NULL)
    {
      g_test_skip ("curl is not installed");
      return;
    }

  /* The API page's two steps, verbatim. */
  server_url = g_strdup_printf ("%s/api/upload/server?key=%s", kf_sandbox_get_url (fixture->sandbox),
                                kf_sandbox_get_api_key (fixture->sandbox));
  server_answer = run_curl ((const char *[]) { "curl", "-s", server_url, NULL });
  json_parser_load_from_data (parser, server_answer, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  sess_arg = g_strdup_printf ("sess_id=%s", json_object_get_string_member (object, "sess_id"));
  file_arg = g_strdup_printf ("file_0=@%s", path);
  upload_answer = run_curl ((const char *[]) { "curl", "-s", "-F", sess_arg, "-F", "utype=prem",
                                               "-F", file_arg,
                                               json_object_get_string_member (object, "result"),
                                               NULL });
  json_parser_load_from_data (parser, upload_answer, -1, &error);
  g_assert_no_error (error);
  list = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  curl_code = json_object_get_string_member (json_array_get_object_element (list, 0), "file_code");

  run_upload_one (fixture, path, &upload);
  assert_success (fixture, result_at (&upload, 0), path, "curl and client.bin");

  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 2);
  for (guint i = 0; i < stored->len; i++)
    {
      KfSandboxFile *file = stored->pdata[i];

      if (g_strcmp0 (file->file_code, curl_code) == 0)
        by_curl = file;
      else if (g_strcmp0 (file->file_code, result_at (&upload, 0)->file_code) == 0)
        by_client = file;
    }
  g_assert_nonnull (by_curl);
  g_assert_nonnull (by_client);
  g_assert_cmpstr (by_curl->name, ==, by_client->name);
  g_assert_cmpint (by_curl->size, ==, by_client->size);
  g_assert_true (kf_test_files_equal (by_curl->path, by_client->path));
  g_assert_true (kf_test_files_equal (by_curl->path, path));
}


/* Speed limits. Times are lower bounds only: a busy machine can be slower,
 * never faster than the limit allows. */

#define KIB 1024
#define MIB (1024 * 1024)

static double
seconds_since (gint64 start_us,
               gint64 end_us)
{
  return (double) (end_us - start_us) / G_USEC_PER_SEC;
}

static void
test_limit_lower_bound (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "limited.bin", MIB);
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (256 * KIB);
  g_auto(Upload) upload = { 0 };
  gint64 start;
  double took;

  /* A limited upload keeps sending: it is not idle, even when it takes
   * several times the idle timeout. */
  kf_client_set_timeout (fixture->client, 1);
  kf_client_set_rate_limit (fixture->client, limit);
  start = g_get_monotonic_time ();
  run_upload_one (fixture, path, &upload);
  took = seconds_since (start, upload.done_at);
  g_test_message ("1 MiB at 256K: %.2f s", took);

  assert_success (fixture, result_at (&upload, 0), path, "limited.bin");
  assert_progress (&upload, MIB);
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  /* 4 s at the rate, less what the bucket may hold when the body starts
   * (it starts empty) and the bytes before the file part. */
  g_assert_cmpfloat (took, >=, 3.5);
}

static void
test_limit_shared (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *a = kf_test_make_file (fixture->dir, "a.bin", MIB / 2);
  g_autofree char *b = kf_test_make_file (fixture->dir, "b.bin", MIB / 2 + 7);
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (256 * KIB);
  g_auto(Upload) first = { 0 };
  g_auto(Upload) second = { 0 };
  const char *paths_a[] = { a };
  const char *paths_b[] = { b };
  gint64 start;
  double took;

  /* One limit for both together, not one each. */
  kf_client_set_rate_limit (fixture->client, limit);
  start = g_get_monotonic_time ();
  start_upload (fixture->client, paths_a, 1, KF_UPLOAD_TYPE_AUTO, NULL, NULL, &first);
  start_upload (fixture->client, paths_b, 1, KF_UPLOAD_TYPE_AUTO, NULL, NULL, &second);
  kf_test_wait_for (&first.done, 60);
  kf_test_wait_for (&second.done, 60);
  took = seconds_since (start, MAX (first.done_at, second.done_at));
  g_test_message ("2 x 512 KiB at 256K together: %.2f s", took);

  assert_success (fixture, result_at (&first, 0), a, "a.bin");
  assert_success (fixture, result_at (&second, 0), b, "b.bin");
  g_assert_cmpuint (n_stored (fixture), ==, 2);
  g_assert_cmpfloat (took, >=, 3.5);
}

static void
test_limit_raised (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "raised.bin", 4 * MIB);
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (64 * KIB);
  g_auto(Upload) upload = { 0 };
  double after;

  /* 64 s at 64K; lifted once it is under way, it ends long before. */
  upload.limit = limit;
  upload.change_after = 1;
  upload.change_to = 0;
  kf_client_set_rate_limit (fixture->client, limit);
  run_upload_one (fixture, path, &upload);

  g_assert_cmpint (upload.changed_at, >, 0);
  after = seconds_since (upload.changed_at, upload.done_at);
  g_test_message ("the rest after the limit was lifted: %.2f s", after);
  assert_success (fixture, result_at (&upload, 0), path, "raised.bin");
  g_assert_cmpint (upload.sent_at_change, <, 4 * MIB / 4);
  g_assert_cmpfloat (after, <, 20.0);
}

static void
test_limit_lowered (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const goffset size = 2 * MIB;
  g_autofree char *path = kf_test_make_file (fixture->dir, "lowered.bin", size);
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (4 * MIB);
  g_auto(Upload) upload = { 0 };
  double after, least;

  /* Half a second at 4M; lowered to 256K after 256 KiB, the rest takes
   * its time at the new rate. */
  upload.limit = limit;
  upload.change_after = 256 * KIB;
  upload.change_to = 256 * KIB;
  kf_client_set_rate_limit (fixture->client, limit);
  run_upload_one (fixture, path, &upload);

  g_assert_cmpint (upload.changed_at, >, 0);
  after = seconds_since (upload.changed_at, upload.done_at);
  /* Less the new bucket's size and one read already granted. */
  least = (double) (size - upload.sent_at_change - 32 * KIB - 8 * KIB) / (256 * KIB);
  g_test_message ("%" G_GOFFSET_FORMAT " bytes left at the change, then %.2f s (at least %.2f)",
                  size - upload.sent_at_change, after, least);
  assert_success (fixture, result_at (&upload, 0), path, "lowered.bin");
  g_assert_cmpfloat (least, >, 2.0);
  g_assert_cmpfloat (after, >=, least);
}

static void
test_limit_unlimited (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "unlimited.bin", 16 * MIB);
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (0);
  g_auto(Upload) upload = { 0 };
  gint64 start;
  double took;

  /* Rate 0 is no limit: the body is sent as without a limit object. */
  kf_client_set_rate_limit (fixture->client, limit);
  g_assert_true (kf_client_get_rate_limit (fixture->client) == limit);
  start = g_get_monotonic_time ();
  run_upload_one (fixture, path, &upload);
  took = seconds_since (start, upload.done_at);
  g_test_message ("16 MiB, limit object at 0: %.2f s", took);
  assert_success (fixture, result_at (&upload, 0), path, "unlimited.bin");
  assert_progress (&upload, 16 * MIB);
  /* At 1 byte per 20 ms step it would take days; at 4M, 4 s. */
  g_assert_cmpfloat (took, <, 30.0);
}

static void
test_limit_cancel_waiting (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *path = kf_test_make_file (fixture->dir, "slow.bin", MIB);
  g_autoptr(KfRateLimit) limit = kf_rate_limit_new (100);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(Upload) upload = { 0 };
  const char *paths[] = { path };
  gint64 ended;

  /* 100 bytes per second: every read waits. Cancelling ends the wait now. */
  upload.cancel_on_progress = cancellable;
  kf_client_set_rate_limit (fixture->client, limit);
  run_upload (fixture->client, paths, 1, KF_UPLOAD_TYPE_AUTO, NULL, cancellable, &upload);
  ended = g_get_monotonic_time ();

  g_assert_error (upload.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ended - upload.cancelled_at, <, G_USEC_PER_SEC / 2);
  g_assert_cmpuint (n_stored (fixture), ==, 0);
}

static const FaultCase retried_faults[] = {
  { KF_SANDBOX_FAULT_CUT_UPLOAD, UPLOAD_PATH },
  { KF_SANDBOX_FAULT_HTML_5XX, UPLOAD_PATH },
  { KF_SANDBOX_FAULT_RATE_LIMIT, UPLOAD_PATH },
  { KF_SANDBOX_FAULT_INVALID_JSON, UPLOAD_PATH },
  { KF_SANDBOX_FAULT_FILE_ERROR, UPLOAD_PATH },
};
static const char *retried_fault_names[] = {
  "cut-upload", "html-5xx", "rate-limit", "invalid-json", "file-error",
};

#define ADD(name, func, data) \
  g_test_add ("/upload/" name, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("one-file", test_one_file, NULL);
  ADD ("file-from-uri", test_file_from_uri, NULL);
  ADD ("several-files", test_several_files, NULL);
  ADD ("empty-file", test_empty_file, NULL);
  ADD ("names", test_names, NULL);
  ADD ("progress", test_progress, NULL);
  ADD ("cancel", test_cancel, NULL);
  ADD ("missing-file", test_missing_file, NULL);
  ADD ("missing-one-of-two", test_missing_one_of_two, NULL);
  ADD ("file-shrinks", test_file_shrinks, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (retried_faults); i++)
    {
      g_autofree char *name = g_strdup_printf ("/upload/fault/%s", retried_fault_names[i]);

      g_test_add (name, Fixture, &retried_faults[i], fixture_set_up, test_fault_retried,
                  fixture_tear_down);
    }
  ADD ("fault/file-refused", test_file_refused, NULL);
  ADD ("lost-answer/adopted", test_lost_answer_adopted, NULL);
  ADD ("lost-answer/timed-out", test_lost_answer_timed_out, NULL);
  ADD ("lost-answer/batch-in-folder", test_lost_answer_batch_in_folder, NULL);
  ADD ("lost-answer/older-twin", test_lost_answer_older_twin, NULL);
  ADD ("lost-answer/ambiguous", test_lost_answer_ambiguous, NULL);
  ADD ("lost-answer/last-attempt", test_lost_answer_last_attempt, NULL);
  ADD ("lost-answer/not-stored", test_lost_answer_not_stored, NULL);
  ADD ("lost-answer/no-file-list", test_lost_answer_no_file_list, NULL);
  ADD ("lost-answer/cut-body", test_cut_body_no_lookup, NULL);
  ADD ("fault/sticky-cut", test_sticky_cut, NULL);
  ADD ("fault/cut-big-body", test_cut_big_body, NULL);
  ADD ("fault/too-large", test_too_large, NULL);
  ADD ("fault/key-rejected", test_key_rejected, NULL);
  ADD ("utype", test_utype, NULL);
  ADD ("folder", test_folder, NULL);
  ADD ("key-not-sent-to-file-server", test_key_not_sent_to_file_server, NULL);
  ADD ("same-as-curl", test_same_as_curl, NULL);
  ADD ("limit/lower-bound", test_limit_lower_bound, NULL);
  ADD ("limit/shared", test_limit_shared, NULL);
  ADD ("limit/raised", test_limit_raised, NULL);
  ADD ("limit/lowered", test_limit_lowered, NULL);
  ADD ("limit/unlimited", test_limit_unlimited, NULL);
  ADD ("limit/cancel-waiting", test_limit_cancel_waiting, NULL);

  return g_test_run ();
}
