/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "kf-client.h"
#include "kf-client-private.h"
#include "kf-parse.h"
#include "kf-sandbox.h"
#include "kf-test-sandbox.h"
#include "kf-test-util.h"

#define OTHER_KEY "wrongkey1111111111111111111111111111111x"
#define RESELLER_KEY "resellerkey2222222222222222222222222222r"
#define MAX_ATTEMPTS 3

/* Every log message of the client side, to prove the key never shows. */
static GMutex log_lock;
static GString *log_text;

typedef struct {
  char      *dir;
  KfSandbox *sandbox;
  KfClient  *client;
  char      *key;
} Fixture;

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static void
wait_clear (Wait *wait)
{
  g_clear_object (&wait->result);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Wait, wait_clear)

#define WAIT(w) kf_test_wait_for (&(w).done, 60)

static void
assert_no_secret (Fixture    *fixture,
                  const char *text)
{
  if (text == NULL)
    return;
  g_assert_null (strstr (text, fixture->key));
  g_assert_null (strstr (text, OTHER_KEY));
  g_assert_null (strstr (text, RESELLER_KEY));
}

static void
assert_kf_error (Fixture      *fixture,
                 const GError *error,
                 int           code)
{
  g_assert_error (error, KF_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 0);
  assert_no_secret (fixture, error->message);
}

/* Core reports cancellation as GIO does, with a sentence for the user. */
static void
assert_cancelled (Fixture      *fixture,
                  const GError *error)
{
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (strlen (error->message), >, 0);
  assert_no_secret (fixture, error->message);
}

static KfClient *
new_client (Fixture    *fixture,
            const char *key)
{
  g_autoptr(GError) error = NULL;
  KfClient *client = kf_client_new (kf_sandbox_get_url (fixture->sandbox), key, &error);

  g_assert_no_error (error);
  kf_client_set_retry_policy (client, MAX_ATTEMPTS, 10);
  return client;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-test-client-XXXXXX", &error);
  g_assert_no_error (error);

  fixture->sandbox = kf_test_sandbox_start ();
  fixture->key = g_strdup (kf_sandbox_get_api_key (fixture->sandbox));
  fixture->client = new_client (fixture, fixture->key);

  g_mutex_lock (&log_lock);
  g_string_truncate (log_text, 0);
  g_mutex_unlock (&log_lock);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* No request keeps the client alive after its callback ran. */
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
  /* Let libsoup finish closing connections before the server goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_mutex_lock (&log_lock);
  /* The client logged its requests (so capture works) but never the key. */
  assert_no_secret (fixture, log_text->str);
  g_mutex_unlock (&log_lock);

  kf_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->key, g_free);
}

static guint
count (Fixture    *fixture,
       const char *path)
{
  return kf_sandbox_count_requests (fixture->sandbox, path);
}

/* Runs the main loop until the sandbox has seen @n requests on @path. */
static void
wait_for_requests (Fixture    *fixture,
                   const char *path,
                   guint       n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (count (fixture, path) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* The request lines the sandbox logged for @path. */
static GPtrArray *
request_lines (Fixture    *fixture,
               const char *path)
{
  g_auto(GStrv) log = kf_sandbox_dup_request_log (fixture->sandbox);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; log != NULL && log[i] != NULL; i++)
    {
      const char *nl = strchr (log[i], '\n');
      g_autofree char *first = nl ? g_strndup (log[i], nl - log[i]) : g_strdup (log[i]);

      if (strstr (first, path) != NULL)
        g_ptr_array_add (lines, g_steal_pointer (&first));
    }
  return lines;
}

static KfAccountInfo *
get_account_info (KfClient *client,
                  GError  **error)
{
  g_auto(Wait) wait = { 0 };

  kf_client_get_account_info_async (client, NULL, on_done, &wait);
  WAIT (wait);
  return kf_client_get_account_info_finish (client, wait.result, error);
}

/* ---------------------------------------------------------------- account */

static void
test_account_info (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;
  g_autoptr(KfAccountInfo) info2 = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  gboolean premium = FALSE;

  g_assert_false (kf_client_get_cached_premium (fixture->client, &premium));

  kf_sandbox_set_balance (fixture->sandbox, 12.5);
  kf_sandbox_set_premium (fixture->sandbox, TRUE);
  info = get_account_info (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info->email);
  g_assert_cmpfloat_with_epsilon (info->balance, 12.5, 1e-6);
  g_assert_nonnull (info->server_time);
  g_assert_true (kf_account_info_is_premium (info));
  g_assert_cmpint (kf_account_info_premium_days_left (info), >, 0);
  g_assert_true (kf_client_get_cached_premium (fixture->client, &premium));
  g_assert_true (premium);

  kf_sandbox_set_premium (fixture->sandbox, FALSE);
  info2 = get_account_info (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_false (kf_account_info_is_premium (info2));
  g_assert_true (kf_client_get_cached_premium (fixture->client, &premium));
  g_assert_false (premium);

  g_assert_cmpuint (count (fixture, "/api/account/info"), ==, 2);
  lines = request_lines (fixture, "/api/account/info");
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_nonnull (strstr (lines->pdata[0], fixture->key));

  g_mutex_lock (&log_lock);
  g_assert_nonnull (strstr (log_text->str, "account/info?key=REDACTED"));
  g_mutex_unlock (&log_lock);
}

static void
check_stats (Fixture *fixture,
             guint    days)
{
  g_autoptr(GError) error = NULL;
  g_auto(Wait) wait = { 0 };
  g_autoptr(KfStats) stats = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *param = g_strdup_printf ("last=%u", days);
  KfStatsRow sum = { 0 };

  kf_client_get_account_stats_async (fixture->client, days, NULL, on_done, &wait);
  WAIT (wait);
  stats = kf_client_get_account_stats_finish (fixture->client, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->days->len, ==, days);

  for (guint i = 0; i < stats->days->len; i++)
    {
      KfStatsRow *row = g_ptr_array_index (stats->days, i);

      g_assert_nonnull (row->day);
      if (i > 0)
        g_assert_cmpstr (((KfStatsRow *) g_ptr_array_index (stats->days, i - 1))->day, <, row->day);
      sum.downloads += row->downloads;
      sum.views += row->views;
      sum.profit_total += row->profit_total;
    }
  g_assert_cmpint (stats->totals.downloads, ==, sum.downloads);
  g_assert_cmpint (stats->totals.views, ==, sum.views);
  g_assert_cmpfloat_with_epsilon (stats->totals.profit_total, sum.profit_total, 1e-6);
  g_assert_null (stats->totals.day);

  lines = request_lines (fixture, "/api/account/stats");
  g_assert_cmpuint (lines->len, >, 0);
  g_assert_nonnull (strstr (lines->pdata[lines->len - 1], param));
}

static void
test_account_stats (Fixture       *fixture,
                    gconstpointer  user_data)
{
  check_stats (fixture, 7);
  check_stats (fixture, 30);
}

/* ------------------------------------------------------- files and links */

static KfUploadServer *
get_upload_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_auto(Wait) wait = { 0 };
  KfUploadServer *server;

  kf_client_get_upload_server_async (fixture->client, NULL, on_done, &wait);
  WAIT (wait);
  server = kf_client_get_upload_server_finish (fixture->client, wait.result, &error);
  g_assert_no_error (error);
  return server;
}

static void
test_upload_server (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(KfUploadServer) server = get_upload_server (fixture);

  g_assert_true (g_str_has_prefix (server->url, kf_sandbox_get_file_server_url (fixture->sandbox)));
  g_assert_cmpuint (strlen (server->sess_id), >, 0);
  assert_no_secret (fixture, server->url);
  g_assert_cmpuint (count (fixture, "/api/upload/server"), ==, 1);
}

static GBytes *
http_get (SoupSession *session,
          const char  *url,
          guint       *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_auto(Wait) wait = { 0 };
  GBytes *bytes;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_done, &wait);
  WAIT (wait);
  bytes = soup_session_send_and_read_finish (session, wait.result, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return bytes;
}

/* Puts a file at the sandbox with a plain multipart POST: uploads through
 * the client are tested in test-upload. Returns the file code. */
static char *
put_file (Fixture    *fixture,
          const char *name,
          gsize       size,
          char      **out_path)
{
  g_autoptr(KfUploadServer) server = get_upload_server (fixture);
  g_autofree char *path = kf_test_make_file (fixture->dir, name, size);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Wait) wait = { 0 };
  g_autofree char *data = NULL;
  gsize len = 0;
  KfUploadResult *result;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  contents = g_bytes_new_take (g_steal_pointer (&data), len);

  soup_multipart_append_form_string (multipart, "sess_id", server->sess_id);
  soup_multipart_append_form_string (multipart, "utype", "reg");
  soup_multipart_append_form_file (multipart, "file_0", name, "application/octet-stream",
                                   contents);
  msg = soup_message_new_from_multipart (server->url, multipart);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_done, &wait);
  WAIT (wait);
  answer = soup_session_send_and_read_finish (session, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  results = kf_parse_upload_results (answer, kf_client_get_server_url (fixture->client), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  result = g_ptr_array_index (results, 0);
  g_assert_no_error (result->error);

  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return g_strdup (result->file_code);
}

static void
test_direct_link (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *code = put_file (fixture, "linked.bin", 70001, &path);
  g_autoptr(GError) error = NULL;
  g_auto(Wait) wait = { 0 };
  g_autoptr(KfDirectLink) link = NULL;
  g_autoptr(GBytes) downloaded = NULL;
  g_autofree char *expected = NULL;
  gsize expected_len = 0;
  guint status = 0;

  kf_client_get_direct_link_async (fixture->client, code, NULL, on_done, &wait);
  WAIT (wait);
  link = kf_client_get_direct_link_finish (fixture->client, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (link->size, ==, 70001);
  assert_no_secret (fixture, link->url);

  downloaded = http_get (kf_client_get_session (fixture->client), link->url, &status);
  g_assert_cmpuint (status, ==, 200);
  g_file_get_contents (path, &expected, &expected_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (downloaded), ==, expected_len);
  g_assert_cmpmem (g_bytes_get_data (downloaded, NULL), expected_len, expected, expected_len);

  /* The direct link request carried no key. */
  {
    g_auto(GStrv) log = kf_sandbox_dup_request_log (fixture->sandbox);
    for (guint i = 0; log[i] != NULL; i++)
      if (!g_str_has_prefix (log[i], "api ") || strstr (log[i], " /api/") == NULL)
        assert_no_secret (fixture, log[i]);
  }
}

static void
test_files_and_folders (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *code = put_file (fixture, "first name.txt", 1234, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(KfFileList) list = NULL;
  g_autoptr(KfFolderList) folders = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *folder_id = NULL;
  const char *codes[] = { code, NULL };
  const char *new_name = "renamed \"file\" é.txt";
  gboolean found = FALSE;
  KfFileInfo *info;
  KfSandboxFile *file;

  {
    g_auto(Wait) wait = { 0 };
    kf_client_get_file_info_async (fixture->client, codes, NULL, on_done, &wait);
    WAIT (wait);
    infos = kf_client_get_file_info_finish (fixture->client, wait.result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (infos->len, ==, 1);
    info = g_ptr_array_index (infos, 0);
    g_assert_cmpstr (info->file_code, ==, code);
    g_assert_cmpstr (info->name, ==, "first name.txt");
    g_assert_cmpint (info->size, ==, 1234);
  }

  {
    g_auto(Wait) wait = { 0 };
    kf_client_rename_file_async (fixture->client, code, new_name, NULL, on_done, &wait);
    WAIT (wait);
    g_assert_true (kf_client_rename_file_finish (fixture->client, wait.result, &error));
    g_assert_no_error (error);
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpuint (stored->len, ==, 1);
    file = g_ptr_array_index (stored, 0);
    g_assert_cmpstr (file->name, ==, new_name);
  }

  {
    g_auto(Wait) wait = { 0 };
    kf_client_list_files_async (fixture->client, 1, 50, NULL, NULL, NULL, on_done, &wait);
    WAIT (wait);
    list = kf_client_list_files_finish (fixture->client, wait.result, &error);
    g_assert_no_error (error);
    g_assert_cmpint (list->total, ==, 1);
    g_assert_cmpuint (list->files->len, ==, 1);
    info = g_ptr_array_index (list->files, 0);
    g_assert_cmpstr (info->file_code, ==, code);
    g_assert_cmpstr (info->name, ==, new_name);
  }

  {
    g_auto(Wait) wait = { 0 };
    kf_client_create_folder_async (fixture->client, NULL, "My Folder", NULL, on_done, &wait);
    WAIT (wait);
    folder_id = kf_client_create_folder_finish (fixture->client, wait.result, &error);
    g_assert_no_error (error);
    g_assert_nonnull (folder_id);
  }

  {
    g_auto(Wait) wait = { 0 };
    kf_client_list_folder_async (fixture->client, NULL, NULL, on_done, &wait);
    WAIT (wait);
    folders = kf_client_list_folder_finish (fixture->client, wait.result, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < folders->folders->len; i++)
      {
        KfFolder *folder = g_ptr_array_index (folders->folders, i);

        if (g_strcmp0 (folder->folder_id, folder_id) == 0)
          {
            g_assert_cmpstr (folder->name, ==, "My Folder");
            found = TRUE;
          }
      }
    g_assert_true (found);
    g_assert_cmpuint (folders->files->len, ==, 1);
  }
}

static KfSandboxFile *
find_stored (GPtrArray  *stored,
             const char *code)
{
  for (guint i = 0; i < stored->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (stored, i);

      if (g_strcmp0 (file->file_code, code) == 0)
        return file;
    }
  return NULL;
}

static void
test_move_files (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *a = put_file (fixture, "a.txt", 10, NULL);
  g_autofree char *b = put_file (fixture, "b.txt", 20, NULL);
  g_autofree char *c = put_file (fixture, "c.txt", 30, NULL);
  g_autofree char *folder = kf_sandbox_add_folder (fixture->sandbox, "0", "Target");
  const char *two[] = { a, b, NULL };
  const char *with_unknown[] = { c, "nosuchfile00", NULL };
  const char *one[] = { c, NULL };
  g_autoptr(GError) error = NULL;

  {
    g_auto(Wait) wait = { 0 };
    g_autoptr(GPtrArray) stored = NULL;

    kf_client_move_files_async (fixture->client, two, folder, NULL, on_done, &wait);
    WAIT (wait);
    g_assert_true (kf_client_move_files_finish (fixture->client, wait.result, &error));
    g_assert_no_error (error);
    /* one request for both */
    g_assert_cmpuint (count (fixture, "/api/file/set_folder"), ==, 1);
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (find_stored (stored, a)->folder_id, ==, folder);
    g_assert_cmpstr (find_stored (stored, b)->folder_id, ==, folder);
    g_assert_cmpstr (find_stored (stored, c)->folder_id, ==, "0");
  }

  {
    /* an unknown code: nothing moves, and the server's words come back */
    g_auto(Wait) wait = { 0 };
    g_autoptr(GPtrArray) stored = NULL;

    kf_client_move_files_async (fixture->client, with_unknown, folder, NULL, on_done, &wait);
    WAIT (wait);
    g_assert_false (kf_client_move_files_finish (fixture->client, wait.result, &error));
    g_assert_nonnull (error);
    g_assert_true (error->domain == KF_ERROR);
    g_assert_nonnull (strstr (error->message, "File not found"));
    g_clear_error (&error);
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (find_stored (stored, c)->folder_id, ==, "0");
  }

  {
    g_auto(Wait) wait = { 0 };
    g_autoptr(GPtrArray) stored = NULL;

    kf_client_move_files_async (fixture->client, one, "999", NULL, on_done, &wait);
    WAIT (wait);
    g_assert_false (kf_client_move_files_finish (fixture->client, wait.result, &error));
    g_assert_nonnull (strstr (error->message, "Folder not found"));
    g_clear_error (&error);
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (find_stored (stored, c)->folder_id, ==, "0");
  }

  {
    /* back to the root */
    g_auto(Wait) wait = { 0 };
    g_autoptr(GPtrArray) stored = NULL;

    kf_client_move_files_async (fixture->client, two, "0", NULL, on_done, &wait);
    WAIT (wait);
    g_assert_true (kf_client_move_files_finish (fixture->client, wait.result, &error));
    g_assert_no_error (error);
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (find_stored (stored, a)->folder_id, ==, "0");
    g_assert_cmpstr (find_stored (stored, b)->folder_id, ==, "0");
  }
}

static KfFileInfo *
clone_file (Fixture     *fixture,
            const char  *code,
            const char  *folder,
            GError     **error)
{
  g_auto(Wait) wait = { 0 };

  kf_client_clone_file_async (fixture->client, code, folder, NULL, on_done, &wait);
  WAIT (wait);
  return kf_client_clone_file_finish (fixture->client, wait.result, error);
}

static void
test_clone_file (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *code = put_file (fixture, "clone me é.txt", 4321, &path);
  g_autofree char *folder = kf_sandbox_add_folder (fixture->sandbox, "0", "Copies");
  g_autofree char *expected_url = NULL;
  g_autoptr(KfFileInfo) copy = NULL;
  g_autoptr(KfFileInfo) moved = NULL;
  g_autoptr(KfFileInfo) none = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL, *cloned = NULL;
  gsize original_len = 0, cloned_len = 0;
  KfSandboxFile *file;

  copy = clone_file (fixture, code, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy->file_code);
  g_assert_cmpstr (copy->file_code, !=, code);
  expected_url = kf_client_build_file_url (fixture->client, copy->file_code);
  g_assert_cmpstr (copy->url, ==, expected_url);
  g_assert_null (copy->folder_id);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 2);
  file = find_stored (stored, copy->file_code);
  g_assert_nonnull (file);
  g_assert_cmpstr (file->name, ==, "clone me é.txt");
  g_assert_cmpint (file->size, ==, 4321);
  g_assert_cmpstr (file->folder_id, ==, "0");
  /* the same bytes */
  g_assert_true (g_file_get_contents (find_stored (stored, code)->path, &original, &original_len, NULL));
  g_assert_true (g_file_get_contents (file->path, &cloned, &cloned_len, NULL));
  g_assert_cmpmem (original, original_len, cloned, cloned_len);
  g_clear_pointer (&stored, g_ptr_array_unref);

  moved = clone_file (fixture, code, folder, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (moved->folder_id, ==, folder);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 3);
  g_assert_cmpstr (find_stored (stored, moved->file_code)->folder_id, ==, folder);
  g_assert_cmpstr (find_stored (stored, code)->folder_id, ==, "0");
  g_clear_pointer (&stored, g_ptr_array_unref);

  none = clone_file (fixture, "nosuchfile00", NULL, &error);
  g_assert_null (none);
  g_assert_true (error->domain == KF_ERROR);
  g_assert_nonnull (strstr (error->message, "File not found"));
  g_clear_error (&error);
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 3);
  g_clear_pointer (&stored, g_ptr_array_unref);

  /* into a folder that does not exist: the copy is made, and the error
   * names it so that nobody is surprised by it */
  none = clone_file (fixture, code, "999", &error);
  g_assert_null (none);
  g_assert_true (error->domain == KF_ERROR);
  g_assert_nonnull (strstr (error->message, "Folder not found"));
  stored = kf_sandbox_list_files (fixture->sandbox);
  g_assert_cmpuint (stored->len, ==, 4);
  file = g_ptr_array_index (stored, 3);
  g_assert_nonnull (strstr (error->message, file->file_code));
  g_assert_cmpstr (file->folder_id, ==, "0");
}

static const char *
stored_folder_name (Fixture    *fixture,
                    const char *id)
{
  g_autoptr(GPtrArray) folders = kf_sandbox_list_folders (fixture->sandbox);
  static char name[300];

  for (guint i = 0; i < folders->len; i++)
    {
      KfSandboxFolder *folder = g_ptr_array_index (folders, i);

      if (g_strcmp0 (folder->folder_id, id) == 0)
        {
          g_strlcpy (name, folder->name, sizeof name);
          return name;
        }
    }
  return NULL;
}

static void
test_rename_folder (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *folder = kf_sandbox_add_folder (fixture->sandbox, "0", "Old");
  const char *cases[][2] = {
    { "999", "Nope" },             /* unknown folder */
    { "0", "Root" },               /* the root */
    { NULL, "a/b" },               /* a slash */
    { NULL, "line\nbreak" },      /* a control character, sent as is */
  };
  g_autoptr(GError) error = NULL;

  {
    g_auto(Wait) wait = { 0 };

    kf_client_rename_folder_async (fixture->client, folder, "New & \"é\" [1]", NULL, on_done, &wait);
    WAIT (wait);
    g_assert_true (kf_client_rename_folder_finish (fixture->client, wait.result, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (stored_folder_name (fixture, folder), ==, "New & \"é\" [1]");
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Wait) wait = { 0 };
      g_autofree char *name = g_strcompress (cases[i][1]);

      kf_client_rename_folder_async (fixture->client, cases[i][0] ? cases[i][0] : folder,
                                     name, NULL, on_done, &wait);
      WAIT (wait);
      g_assert_false (kf_client_rename_folder_finish (fixture->client, wait.result, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == KF_ERROR);
      g_test_message ("%s: %s", cases[i][1], error->message);
      g_clear_error (&error);
      g_assert_cmpstr (stored_folder_name (fixture, folder), ==, "New & \"é\" [1]");
    }

  /* a host without the operation says so in words */
  kf_sandbox_set_operation_enabled (fixture->sandbox, "folder/rename", FALSE);
  {
    g_auto(Wait) wait = { 0 };

    kf_client_rename_folder_async (fixture->client, folder, "Other", NULL, on_done, &wait);
    WAIT (wait);
    g_assert_false (kf_client_rename_folder_finish (fixture->client, wait.result, &error));
    assert_kf_error (fixture, error, KF_ERROR_NOT_AVAILABLE);
  }
}

static KfRemoteStatus *
get_remote_status (Fixture    *fixture,
                   const char *code)
{
  g_autoptr(GError) error = NULL;
  g_auto(Wait) wait = { 0 };
  KfRemoteStatus *status;

  kf_client_remote_status_async (fixture->client, code, NULL, on_done, &wait);
  WAIT (wait);
  status = kf_client_remote_status_finish (fixture->client, wait.result, &error);
  g_assert_no_error (error);
  return status;
}

static void
test_remote_upload (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *source_code = put_file (fixture, "remote source.bin", 200003, &path);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *expected_url = NULL;
  g_autoptr(KfDirectLink) link = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  gboolean found = FALSE;

  {
    g_auto(Wait) wait = { 0 };
    kf_client_get_direct_link_async (fixture->client, source_code, NULL, on_done, &wait);
    WAIT (wait);
    link = kf_client_get_direct_link_finish (fixture->client, wait.result, &error);
    g_assert_no_error (error);
  }

  {
    g_auto(Wait) wait = { 0 };
    kf_client_remote_upload_async (fixture->client, link->url, NULL, NULL, on_done, &wait);
    WAIT (wait);
    code = kf_client_remote_upload_finish (fixture->client, wait.result, &error);
    g_assert_no_error (error);
    g_assert_nonnull (code);
    g_assert_cmpstr (code, !=, source_code);
  }

  /* The source URL arrived intact (escaped in the query). */
  lines = request_lines (fixture, "/api/upload/url");
  g_assert_cmpuint (lines->len, ==, 1);
  escaped = g_uri_escape_string (link->url, NULL, FALSE);
  g_assert_nonnull (strstr (lines->pdata[0], escaped));

  for (;;)
    {
      g_autoptr(KfRemoteStatus) status = get_remote_status (fixture, code);

      g_assert_cmpint (status->state, !=, KF_REMOTE_STATE_FAILED);
      g_assert_cmpstr (status->file_code, ==, code);
      if (status->state == KF_REMOTE_STATE_DONE)
        {
          expected_url = kf_client_build_file_url (fixture->client, code);
          g_assert_cmpstr (status->url, ==, expected_url);
          g_assert_cmpint (status->progress, ==, 100);
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }

  stored = kf_sandbox_list_files (fixture->sandbox);
  for (guint i = 0; i < stored->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (stored, i);

      if (g_strcmp0 (file->file_code, code) == 0)
        {
          g_assert_true (kf_test_files_equal (file->path, path));
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
test_remote_upload_refused (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_auto(Wait) wait = { 0 };

  kf_client_remote_upload_async (fixture->client, "http://192.0.2.1/x.bin", NULL, NULL,
                                 on_done, &wait);
  WAIT (wait);
  code = kf_client_remote_upload_finish (fixture->client, wait.result, &error);
  g_assert_null (code);
  /* The server's own sentence, as plain text; refusals are not retried. */
  assert_kf_error (fixture, error, KF_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "The sandbox only fetches URLs on this computer (127.0.0.1)");
  g_assert_cmpuint (count (fixture, "/api/upload/url"), ==, 1);
}

/* --------------------------------------------------------------- vouchers */

static char *
create_voucher (Fixture    *fixture,
                const char *plan,
                const char *reseller_key,
                GError    **error)
{
  g_auto(Wait) wait = { 0 };

  kf_client_create_voucher_async (fixture->client, plan, reseller_key, NULL, on_done, &wait);
  WAIT (wait);
  return kf_client_create_voucher_finish (fixture->client, wait.result, error);
}

static void
test_voucher (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *voucher = NULL;
  g_auto(GStrv) recorded = NULL;

  kf_sandbox_set_balance (fixture->sandbox, 1000.0);
  voucher = create_voucher (fixture, "30p", NULL, &error);
  g_assert_no_error (error);

  recorded = kf_sandbox_dup_vouchers (fixture->sandbox);
  g_assert_cmpuint (g_strv_length (recorded), ==, 1);
  g_assert_cmpstr (voucher, ==, recorded[0]);
  g_assert_cmpfloat (kf_sandbox_get_balance (fixture->sandbox), <, 1000.0);
  g_assert_cmpuint (count (fixture, "/api/reseller/create"), ==, 1);
}

static void
test_voucher_not_enough_money (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *voucher = NULL;
  g_auto(GStrv) recorded = NULL;

  kf_sandbox_set_balance (fixture->sandbox, 0.0);
  voucher = create_voucher (fixture, "365b", NULL, &error);
  g_assert_null (voucher);
  assert_kf_error (fixture, error, KF_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "money"));

  recorded = kf_sandbox_dup_vouchers (fixture->sandbox);
  g_assert_cmpuint (g_strv_length (recorded), ==, 0);
  g_assert_cmpfloat (kf_sandbox_get_balance (fixture->sandbox), ==, 0.0);
  g_assert_cmpuint (count (fixture, "/api/reseller/create"), ==, 1);
}

static void
test_voucher_cut_response (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *voucher = NULL;
  g_autoptr(KfAccountInfo) info = NULL;
  g_auto(GStrv) recorded = NULL;

  /* A connection used before: libsoup must not replay the voucher on it. */
  info = get_account_info (fixture->client, &error);
  g_assert_no_error (error);

  kf_sandbox_set_balance (fixture->sandbox, 1000.0);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE,
                        "/api/reseller/create", 1);
  voucher = create_voucher (fixture, "90p", NULL, &error);
  g_assert_null (voucher);
  assert_kf_error (fixture, error, KF_ERROR_UNCERTAIN);
  g_assert_nonnull (strstr (error->message, "balance"));

  /* Sent exactly once; the sandbox did create it. */
  g_assert_cmpuint (count (fixture, "/api/reseller/create"), ==, 1);
  recorded = kf_sandbox_dup_vouchers (fixture->sandbox);
  g_assert_cmpuint (g_strv_length (recorded), ==, 1);
}

static void
test_voucher_never_retried (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *voucher = NULL;

  kf_sandbox_set_balance (fixture->sandbox, 1000.0);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_RATE_LIMIT, "/api/reseller/create", 1);
  voucher = create_voucher (fixture, "30p", NULL, &error);
  g_assert_null (voucher);
  assert_kf_error (fixture, error, KF_ERROR_RATE_LIMITED);
  g_assert_cmpuint (count (fixture, "/api/reseller/create"), ==, 1);
  g_clear_error (&error);

  /* A 5xx page may come from a proxy after the voucher was made. */
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_HTML_5XX, "/api/reseller/create", 1);
  voucher = create_voucher (fixture, "30p", NULL, &error);
  g_assert_null (voucher);
  assert_kf_error (fixture, error, KF_ERROR_UNCERTAIN);
  g_assert_cmpuint (count (fixture, "/api/reseller/create"), ==, 2);
}

static void
test_voucher_reseller_key (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *voucher = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  kf_sandbox_set_balance (fixture->sandbox, 1000.0);
  voucher = create_voucher (fixture, "30p", RESELLER_KEY, &error);
  /* The sandbox knows only its demo key: the other key was the one sent. */
  g_assert_null (voucher);
  assert_kf_error (fixture, error, KF_ERROR_KEY_REJECTED);

  lines = request_lines (fixture, "/api/reseller/create");
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_nonnull (strstr (lines->pdata[0], "key=" RESELLER_KEY));
  g_assert_null (strstr (lines->pdata[0], fixture->key));
}

/* ----------------------------------------------------------------- errors */

static void
test_key_rejected (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(KfClient) client = new_client (fixture, OTHER_KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = get_account_info (client, &error);
  g_autoptr(KfAccountInfo) info2 = NULL;

  g_assert_null (info);
  assert_kf_error (fixture, error, KF_ERROR_KEY_REJECTED);
  /* A refusal is never retried. */
  g_assert_cmpuint (count (fixture, "/api/account/info"), ==, 1);
  g_clear_error (&error);

  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_KEY_REJECTED, "/api/account/info", 0);
  info2 = get_account_info (fixture->client, &error);
  g_assert_null (info2);
  assert_kf_error (fixture, error, KF_ERROR_KEY_REJECTED);
  g_assert_cmpuint (count (fixture, "/api/account/info"), ==, 2);
}

static void
test_not_available (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *code = put_file (fixture, "kept.txt", 10, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfFolderList) folders = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  kf_sandbox_set_operation_enabled (fixture->sandbox, "folder/list", FALSE);
  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/rename", FALSE);

  {
    g_auto(Wait) wait = { 0 };
    kf_client_list_folder_async (fixture->client, NULL, NULL, on_done, &wait);
    WAIT (wait);
    folders = kf_client_list_folder_finish (fixture->client, wait.result, &error);
    g_assert_null (folders);
    assert_kf_error (fixture, error, KF_ERROR_NOT_AVAILABLE);
    /* an operation the server lacks is not worth asking again */
    g_assert_cmpuint (count (fixture, "/api/folder/list"), ==, 1);
    g_clear_error (&error);
  }

  {
    g_auto(Wait) wait = { 0 };
    kf_client_rename_file_async (fixture->client, code, "new.txt", NULL, on_done, &wait);
    WAIT (wait);
    g_assert_false (kf_client_rename_file_finish (fixture->client, wait.result, &error));
    assert_kf_error (fixture, error, KF_ERROR_NOT_AVAILABLE);
    g_assert_cmpuint (count (fixture, "/api/file/rename"), ==, 1);
    stored = kf_sandbox_list_files (fixture->sandbox);
    g_assert_cmpstr (((KfSandboxFile *) g_ptr_array_index (stored, 0))->name, ==, "kept.txt");
    g_clear_error (&error);
  }

  kf_sandbox_set_operation_enabled (fixture->sandbox, "folder/list", TRUE);
  {
    g_auto(Wait) wait = { 0 };
    kf_client_list_folder_async (fixture->client, NULL, NULL, on_done, &wait);
    WAIT (wait);
    folders = kf_client_list_folder_finish (fixture->client, wait.result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (folders->files->len, ==, 1);
  }
}

static void
test_no_key (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(KfClient) client = new_client (fixture, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;
  g_autofree char *voucher = NULL;

  g_assert_false (kf_client_has_api_key (client));
  info = get_account_info (client, &error);
  g_assert_null (info);
  assert_kf_error (fixture, error, KF_ERROR_NO_KEY);
  g_assert_cmpuint (count (fixture, "/"), ==, 0);

  kf_client_set_api_key (client, fixture->key);
  g_assert_true (kf_client_has_api_key (client));
}

typedef struct {
  KfSandboxFault fault;
  int            sticky_error;
} FaultCase;

static const FaultCase fault_cases[] = {
  { KF_SANDBOX_FAULT_HTML_5XX, KF_ERROR_SERVER },
  { KF_SANDBOX_FAULT_RATE_LIMIT, KF_ERROR_RATE_LIMITED },
  { KF_SANDBOX_FAULT_INVALID_JSON, KF_ERROR_PROTOCOL },
  { KF_SANDBOX_FAULT_SLOW, KF_ERROR_TIMED_OUT },
};

static void
prepare_fault_client (Fixture         *fixture,
                      const FaultCase *fc)
{
  if (fc->fault == KF_SANDBOX_FAULT_SLOW)
    {
      kf_sandbox_set_slow_delay (fixture->sandbox, 2500);
      g_object_set (fixture->client, "timeout", 1, NULL);
    }
}

static void
test_fault_one_shot (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const FaultCase *fc = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;

  prepare_fault_client (fixture, fc);
  kf_sandbox_add_fault (fixture->sandbox, fc->fault, "/api/account/info", 1);
  info = get_account_info (fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_nonnull (info->email);
  g_assert_cmpuint (count (fixture, "/api/account/info"), ==, 2);
}

static void
test_fault_sticky (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const FaultCase *fc = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;

  prepare_fault_client (fixture, fc);
  kf_sandbox_add_fault (fixture->sandbox, fc->fault, "/api/account/info", 0);
  info = get_account_info (fixture->client, &error);
  g_assert_null (info);
  assert_kf_error (fixture, error, fc->sticky_error);
  if (fc->fault == KF_SANDBOX_FAULT_SLOW)
    wait_for_requests (fixture, "/api/account/info", MAX_ATTEMPTS);
  g_assert_cmpuint (count (fixture, "/api/account/info"), ==, MAX_ATTEMPTS);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_in_flight (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;
  g_auto(Wait) wait = { 0 };
  gint64 start;

  kf_sandbox_set_slow_delay (fixture->sandbox, 5000);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_SLOW, "/api/account/info", 0);

  start = g_get_monotonic_time ();
  kf_client_get_account_info_async (fixture->client, cancellable, on_done, &wait);
  g_timeout_add (200, cancel_cb, cancellable);
  WAIT (wait);
  info = kf_client_get_account_info_finish (fixture->client, wait.result, &error);
  g_assert_null (info);
  assert_cancelled (fixture, error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (count (fixture, "/api/account/info"), ==, 1);
}

static void
test_cancel_during_backoff (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;
  g_auto(Wait) wait = { 0 };
  gint64 start;

  kf_client_set_retry_policy (fixture->client, 4, 20000);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_HTML_5XX, "/api/account/info", 0);

  start = g_get_monotonic_time ();
  kf_client_get_account_info_async (fixture->client, cancellable, on_done, &wait);
  wait_for_requests (fixture, "/api/account/info", 1);
  g_timeout_add (100, cancel_cb, cancellable);
  WAIT (wait);
  info = kf_client_get_account_info_finish (fixture->client, wait.result, &error);
  g_assert_null (info);
  assert_cancelled (fixture, error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (count (fixture, "/api/account/info"), ==, 1);
}

static void
test_cancel_before (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KfStats) stats = NULL;
  g_auto(Wait) wait = { 0 };

  g_cancellable_cancel (cancellable);
  kf_client_get_account_stats_async (fixture->client, 7, cancellable, on_done, &wait);
  WAIT (wait);
  stats = kf_client_get_account_stats_finish (fixture->client, wait.result, &error);
  g_assert_null (stats);
  assert_cancelled (fixture, error);
  g_assert_cmpuint (count (fixture, "/"), ==, 0);
}

static guint
unused_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", unused_port ());
  g_autoptr(GError) error = NULL;
  g_autoptr(KfClient) client = kf_client_new (url, fixture->key, &error);
  g_autoptr(KfAccountInfo) info = NULL;
  g_autofree char *voucher = NULL;

  g_assert_no_error (error);
  kf_client_set_retry_policy (client, 2, 10);
  info = get_account_info (client, &error);
  g_assert_null (info);
  assert_kf_error (fixture, error, KF_ERROR_NETWORK);
  g_clear_error (&error);

  /* Nothing was sent, so this is a plain network error, not "uncertain". */
  {
    g_auto(Wait) wait = { 0 };
    kf_client_create_voucher_async (client, "30p", NULL, NULL, on_done, &wait);
    WAIT (wait);
    voucher = kf_client_create_voucher_finish (client, wait.result, &error);
    g_assert_null (voucher);
    assert_kf_error (fixture, error, KF_ERROR_NETWORK);
  }
}

static void
test_insecure_url (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfClient) client = kf_client_new ("http://kenfiles.com", fixture->key, &error);
  g_autoptr(KfClient) sneaky = NULL;
  g_autoptr(KfAccountInfo) info = NULL;

  g_assert_null (client);
  assert_kf_error (fixture, error, KF_ERROR_INSECURE_URL);
  g_clear_error (&error);

  /* Also when the object is built without kf_client_new(). */
  sneaky = g_object_new (KF_TYPE_CLIENT, "server-url", "http://192.0.2.1",
                         "api-key", fixture->key, NULL);
  info = get_account_info (sneaky, &error);
  g_assert_null (info);
  assert_kf_error (fixture, error, KF_ERROR_INSECURE_URL);
}

static void
test_properties (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(KfClient) client = g_object_new (KF_TYPE_CLIENT, "max-connections", 12, NULL);
  SoupSession *session = kf_client_get_session (client);
  g_autofree char *file_url = kf_client_build_file_url (fixture->client, "abc123");
  g_autofree char *expected = g_strdup_printf ("%s/abc123", kf_sandbox_get_url (fixture->sandbox));
  int per_host = 0;
  guint timeout = 0;
  g_autofree char *agent = NULL;

  g_object_get (session, "max-conns-per-host", &per_host, "user-agent", &agent,
                "timeout", &timeout, NULL);
  g_assert_cmpint (per_host, ==, 12);
  g_assert_cmpstr (agent, ==, KF_USER_AGENT);
  g_assert_cmpuint (timeout, ==, 30);
  g_assert_cmpstr (kf_client_get_server_url (client), ==, KF_DEFAULT_SERVER);
  g_assert_cmpstr (file_url, ==, expected);

  g_object_set (client, "timeout", 5, NULL);
  g_object_get (session, "timeout", &timeout, NULL);
  g_assert_cmpuint (timeout, ==, 5);
}

static void
capture (const char *domain,
         const char *message)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "%s: %s\n", domain ? domain : "", message ? message : "");
  g_mutex_unlock (&log_lock);
}

static GLogFunc previous_handler;

/* g_log() goes through GTest's default handler, not the writer. */
static void
capture_handler (const char     *domain,
                 GLogLevelFlags  level,
                 const char     *message,
                 gpointer        user_data)
{
  capture (domain, message);
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return;
  previous_handler (domain, level, message, user_data);
}

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }

  capture (domain, message);

  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

int
main (int argc, char **argv)
{
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

  g_test_init (&argc, &argv, NULL);
  previous_handler = g_log_set_default_handler (capture_handler, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_DATA(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/client/properties", test_properties);
  ADD ("/client/account/info", test_account_info);
  ADD ("/client/account/stats", test_account_stats);
  ADD ("/client/upload-server", test_upload_server);
  ADD ("/client/direct-link", test_direct_link);
  ADD ("/client/files-and-folders", test_files_and_folders);
  ADD ("/client/files/move", test_move_files);
  ADD ("/client/files/clone", test_clone_file);
  ADD ("/client/folders/rename", test_rename_folder);
  ADD ("/client/remote-upload/done", test_remote_upload);
  ADD ("/client/remote-upload/refused", test_remote_upload_refused);
  ADD ("/client/voucher/create", test_voucher);
  ADD ("/client/voucher/not-enough-money", test_voucher_not_enough_money);
  ADD ("/client/voucher/cut-response", test_voucher_cut_response);
  ADD ("/client/voucher/never-retried", test_voucher_never_retried);
  ADD ("/client/voucher/reseller-key", test_voucher_reseller_key);
  ADD ("/client/error/key-rejected", test_key_rejected);
  ADD ("/client/error/no-key", test_no_key);
  ADD ("/client/error/not-available", test_not_available);
  ADD ("/client/error/connection-refused", test_connection_refused);
  ADD ("/client/error/insecure-url", test_insecure_url);
  ADD ("/client/cancel/in-flight", test_cancel_in_flight);
  ADD ("/client/cancel/during-backoff", test_cancel_during_backoff);
  ADD ("/client/cancel/before", test_cancel_before);

  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      static const char *names[] = { "html-5xx", "rate-limit", "invalid-json", "slow" };
      g_autofree char *one = g_strdup_printf ("/client/fault/%s/one-shot", names[i]);
      g_autofree char *sticky = g_strdup_printf ("/client/fault/%s/sticky", names[i]);

      ADD_DATA (one, &fault_cases[i], test_fault_one_shot);
      ADD_DATA (sticky, &fault_cases[i], test_fault_sticky);
    }

  return g_test_run ();
}
