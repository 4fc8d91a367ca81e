/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pausing and resuming uploads in KfUploadQueue, against the sandbox: a
 * paused running file stops its request mid-body, and resuming sends it
 * again from the start, so the server ends up with exactly one whole file. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kf-sandbox.h"
#include "kf-test-sandbox.h"
#include "kf-test-util.h"
#include "kf-upload-queue.h"

#define KIB 1024
#define MIB (1024 * 1024)

typedef struct {
  char          *dir;
  KfSandbox     *sandbox;
  KfClient      *client;
  KfRateLimit   *limit;
  KfUploadQueue *queue;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-test-pause-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->sandbox = kf_test_sandbox_start ();
  fixture->client = kf_test_client_new (fixture->sandbox);
  /* Slow enough that a pause lands mid-body, on a clock, not on luck. */
  fixture->limit = kf_rate_limit_new (512 * KIB);
  kf_client_set_rate_limit (fixture->client, fixture->limit);
  fixture->queue = kf_upload_queue_new (NULL);
  kf_upload_queue_set_max_parallel (fixture->queue, 1);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  kf_upload_queue_cancel_all (fixture->queue);
  kf_upload_queue_set_client (fixture->queue, NULL);
  while (kf_upload_queue_get_n_uploading (fixture->queue) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_finalize_object (fixture->queue);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->limit);
  kf_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

/* Runs the main loop until @condition holds, failing after @timeout_s. */
#define WAIT_UNTIL(condition, timeout_s)                                        \
  G_STMT_START {                                                                \
    gint64 _end = g_get_monotonic_time () + (gint64) (timeout_s) * G_USEC_PER_SEC; \
    while (!(condition))                                                        \
      {                                                                         \
        if (g_get_monotonic_time () > _end)                                     \
          g_error ("Timed out waiting for %s", #condition);                     \
        g_main_context_iteration (NULL, FALSE);                                 \
        g_usleep (1000);                                                        \
      }                                                                         \
  } G_STMT_END

static KfUploadItem *
add_files (Fixture     *fixture,
           const char **names,
           gsize        size,
           guint        n)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = kf_test_make_file (fixture->dir, names[i], size);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }
  kf_upload_queue_add_files (fixture->queue, (GFile * const *) files->pdata, names, NULL, n);
  return g_list_model_get_item (kf_upload_queue_get_model (fixture->queue), 0);
}

static guint
n_stored (Fixture *fixture)
{
  g_autoptr(GPtrArray) stored = kf_sandbox_list_files (fixture->sandbox);

  return stored->len;
}

static void
assert_stored_once (Fixture    *fixture,
                    const char *name)
{
  g_autoptr(GPtrArray) stored = kf_sandbox_list_files (fixture->sandbox);
  g_autofree char *local = g_build_filename (fixture->dir, name, NULL);
  guint found = 0;

  for (guint i = 0; i < stored->len; i++)
    {
      KfSandboxFile *file = stored->pdata[i];

      if (g_strcmp0 (file->name, name) != 0)
        continue;
      found++;
      g_assert_true (kf_test_files_equal (file->path, local));
    }
  g_assert_cmpuint (found, ==, 1);
}

static void
test_pause_running (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const char *names[] = { "paused.bin" };
  g_autoptr(KfUploadItem) item = add_files (fixture, names, 2 * MIB, 1);

  kf_upload_queue_set_client (fixture->queue, fixture->client);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_UPLOADING);

  /* 4 s at 512K: paused a quarter of the way in. */
  WAIT_UNTIL (kf_upload_item_get_bytes_sent (item) >= 512 * KIB, 30);
  g_assert_true (kf_upload_queue_pause (fixture->queue, item));
  WAIT_UNTIL (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_PAUSED, 10);

  /* The request was cut mid-body: the server kept nothing of it. */
  WAIT_UNTIL (kf_sandbox_get_n_incomplete_uploads (fixture->sandbox) >= 1, 10);
  g_assert_cmpuint (n_stored (fixture), ==, 0);
  g_assert_cmpuint (kf_upload_queue_get_n_paused (fixture->queue), ==, 1);
  g_assert_cmpuint (kf_upload_queue_get_n_pending (fixture->queue), ==, 0);
  /* It says how far it had got; the rest is not "done". */
  g_assert_cmpint (kf_upload_item_get_bytes_sent (item), >=, 512 * KIB);
  g_assert_cmpint (kf_upload_item_get_bytes_sent (item), <, 2 * MIB);
  g_assert_null (kf_upload_item_get_error_message (item));
  /* Paused is not active, and not retryable. */
  g_assert_false (kf_upload_item_is_active (item));
  g_assert_false (kf_upload_item_can_retry (item));
  /* A second pause does nothing. */
  g_assert_false (kf_upload_queue_pause (fixture->queue, item));

  /* Resumed: sent again from the start, and the row says so. */
  kf_rate_limit_set_rate (fixture->limit, 0);
  g_assert_true (kf_upload_queue_resume (fixture->queue, item));
  g_assert_cmpuint (kf_upload_queue_get_n_paused (fixture->queue), ==, 0);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_UPLOADING);
  g_assert_cmpint (kf_upload_item_get_bytes_sent (item), ==, 0);
  WAIT_UNTIL (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE, 30);

  /* Exactly one complete file on the server. */
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  assert_stored_once (fixture, "paused.bin");
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/cgi-bin/upload.cgi"), ==, 2);
}

static void
test_resume_says_from_start (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const char *names[] = { "started.bin", "next.bin" };
  g_autoptr(KfUploadItem) top = add_files (fixture, names, MIB, 2);
  g_autoptr(KfUploadItem) running = g_list_model_get_item (kf_upload_queue_get_model (fixture->queue), 0);
  g_autoptr(KfUploadItem) next = g_list_model_get_item (kf_upload_queue_get_model (fixture->queue), 1);

  /* One at a time: the first given starts, the other waits. */
  kf_upload_queue_set_client (fixture->queue, fixture->client);
  g_assert_cmpstr (kf_upload_item_get_name (running), ==, "started.bin");
  g_assert_cmpint (kf_upload_item_get_state (running), ==, KF_UPLOAD_STATE_UPLOADING);
  g_assert_cmpint (kf_upload_item_get_state (next), ==, KF_UPLOAD_STATE_WAITING);

  WAIT_UNTIL (kf_upload_item_get_bytes_sent (running) > 0, 30);
  g_assert_true (kf_upload_queue_pause (fixture->queue, running));
  WAIT_UNTIL (kf_upload_item_get_state (running) == KF_UPLOAD_STATE_PAUSED, 10);

  /* The queue goes on with the other; the paused row keeps its place. */
  WAIT_UNTIL (kf_upload_item_get_state (next) == KF_UPLOAD_STATE_UPLOADING, 10);
  {
    g_autoptr(KfUploadItem) still = g_list_model_get_item (kf_upload_queue_get_model (fixture->queue), 0);

    g_assert_true (still == running);
  }

  /* Resumed while the other runs: waits its turn, saying it starts over. */
  g_assert_true (kf_upload_queue_resume (fixture->queue, running));
  g_assert_cmpint (kf_upload_item_get_state (running), ==, KF_UPLOAD_STATE_WAITING);
  g_assert_nonnull (kf_upload_item_get_error_message (running));
  g_assert_nonnull (strstr (kf_upload_item_get_error_message (running), "start"));

  kf_rate_limit_set_rate (fixture->limit, 0);
  WAIT_UNTIL (kf_upload_item_get_state (running) == KF_UPLOAD_STATE_DONE &&
              kf_upload_item_get_state (next) == KF_UPLOAD_STATE_DONE, 30);
  g_assert_cmpuint (n_stored (fixture), ==, 2);
  assert_stored_once (fixture, "started.bin");
  assert_stored_once (fixture, "next.bin");
  g_assert_true (top == running);
}

static void
test_pause_waiting_and_order (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const char *names[] = { "a.bin", "b.bin", "c.bin", "d.bin" };
  g_autoptr(KfUploadItem) first = add_files (fixture, names, 64 * KIB, 4);
  GListModel *model = kf_upload_queue_get_model (fixture->queue);
  g_autoptr(KfUploadItem) b = g_list_model_get_item (model, 1);
  g_autoptr(KfUploadItem) c = g_list_model_get_item (model, 2);
  g_autoptr(KfUploadItem) d = g_list_model_get_item (model, 3);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  /* Not started yet (no client): pausing waiting rows takes them out of line. */
  g_assert_true (kf_upload_queue_pause (fixture->queue, c));
  g_assert_true (kf_upload_queue_pause (fixture->queue, b));
  g_assert_cmpint (kf_upload_item_get_state (b), ==, KF_UPLOAD_STATE_PAUSED);
  g_assert_cmpuint (kf_upload_queue_get_n_pending (fixture->queue), ==, 2);
  /* Never sent: resuming needs no "from the start". */
  g_assert_cmpint (kf_upload_item_get_bytes_sent (b), ==, 0);

  /* Resumed in the other order, they keep their original turns: a, b, c, d. */
  g_assert_true (kf_upload_queue_resume (fixture->queue, c));
  g_assert_true (kf_upload_queue_resume (fixture->queue, b));
  g_assert_null (kf_upload_item_get_error_message (b));

  kf_rate_limit_set_rate (fixture->limit, 0);
  kf_upload_queue_set_client (fixture->queue, fixture->client);
  WAIT_UNTIL (kf_upload_queue_get_n_pending (fixture->queue) == 0, 30);
  {
    g_autoptr(GPtrArray) stored = kf_sandbox_list_files (fixture->sandbox);

    g_assert_cmpuint (stored->len, ==, 4);
    for (guint i = 0; i < stored->len; i++)
      g_assert_cmpstr (((KfSandboxFile *) stored->pdata[i])->name, ==, names[i]);
  }
  g_assert_true (first != d);
}

static void
test_pause_all (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *names[] = { "one.bin", "two.bin", "three.bin" };
  g_autoptr(KfUploadItem) top = add_files (fixture, names, MIB, 3);
  GListModel *model = kf_upload_queue_get_model (fixture->queue);
  g_autoptr(KfUploadItem) remote = kf_upload_item_new ("remote", NULL, "http://127.0.0.1:9/x.bin", -1);

  kf_upload_queue_set_max_parallel (fixture->queue, 2);
  kf_upload_queue_set_client (fixture->queue, fixture->client);
  WAIT_UNTIL (kf_upload_item_get_bytes_sent (top) > 0, 30);

  /* Two running and one waiting: all three paused, nothing else starts. */
  g_assert_cmpuint (kf_upload_queue_pause_all (fixture->queue), ==, 3);
  WAIT_UNTIL (kf_upload_queue_get_n_paused (fixture->queue) == 3, 10);
  g_assert_cmpuint (kf_upload_queue_get_n_pending (fixture->queue), ==, 0);
  g_assert_cmpuint (kf_upload_queue_get_n_uploading (fixture->queue), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (model, i);

      g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_PAUSED);
    }
  g_assert_cmpuint (kf_upload_queue_pause_all (fixture->queue), ==, 0);
  g_assert_cmpuint (n_stored (fixture), ==, 0);

  /* A paused row can be cancelled like any other. */
  {
    g_autoptr(KfUploadItem) last = g_list_model_get_item (model, 2);

    kf_upload_queue_cancel (fixture->queue, last);
    g_assert_cmpint (kf_upload_item_get_state (last), ==, KF_UPLOAD_STATE_CANCELLED);
    g_assert_cmpuint (kf_upload_queue_get_n_paused (fixture->queue), ==, 2);
  }

  kf_rate_limit_set_rate (fixture->limit, 0);
  g_assert_cmpuint (kf_upload_queue_resume_all (fixture->queue), ==, 2);
  g_assert_cmpuint (kf_upload_queue_get_n_paused (fixture->queue), ==, 0);
  WAIT_UNTIL (kf_upload_queue_get_n_pending (fixture->queue) == 0, 30);
  g_assert_cmpuint (n_stored (fixture), ==, 2);
  assert_stored_once (fixture, "one.bin");
  assert_stored_once (fixture, "two.bin");

  /* Remote URL uploads run on the server: they cannot be paused. */
  kf_upload_item_set_remote (remote, TRUE);
  g_assert_true (kf_upload_item_is_active (remote));
  g_assert_false (kf_upload_item_can_pause (remote));
  g_assert_false (kf_upload_queue_pause (fixture->queue, remote));
}

static void
test_pause_then_resume_quickly (Fixture       *fixture,
                                gconstpointer  user_data)
{
  const char *names[] = { "quick.bin" };
  g_autoptr(KfUploadItem) item = add_files (fixture, names, MIB, 1);

  kf_upload_queue_set_client (fixture->queue, fixture->client);
  WAIT_UNTIL (kf_upload_item_get_bytes_sent (item) > 0, 30);

  /* Resumed before the request has even stopped: it goes round again. */
  g_assert_true (kf_upload_queue_pause (fixture->queue, item));
  g_assert_true (kf_upload_queue_resume (fixture->queue, item));
  kf_rate_limit_set_rate (fixture->limit, 0);
  WAIT_UNTIL (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE, 30);
  g_assert_cmpuint (kf_upload_queue_get_n_paused (fixture->queue), ==, 0);
  g_assert_cmpuint (n_stored (fixture), ==, 1);
  assert_stored_once (fixture, "quick.bin");
}

#define ADD(name, func) \
  g_test_add ("/pause/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("running", test_pause_running);
  ADD ("resume-says-from-start", test_resume_says_from_start);
  ADD ("waiting-and-order", test_pause_waiting_and_order);
  ADD ("all", test_pause_all);
  ADD ("then-resume-quickly", test_pause_then_resume_quickly);

  return g_test_run ();
}
