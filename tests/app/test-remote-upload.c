/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kf-pages-test.h"
#include "kf-remote-upload-dialog.h"
#include "kf-remote-upload.h"
#include "kf-test-util.h"

typedef struct {
  KfDirectLink *link;
  gboolean      done;
} LinkWait;

static void
link_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  LinkWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->link = kf_client_get_direct_link_finish (KF_CLIENT (object), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static void
state_notify_cb (KfRemoteUpload *upload,
                 GParamSpec     *pspec,
                 GArray         *states)
{
  KfRemoteUploadState state = kf_remote_upload_get_state (upload);

  g_array_append_val (states, state);
}

static void
finished_cb (KfRemoteUpload *upload,
             guint          *n_finished)
{
  (*n_finished)++;
}

static void
test_remote_upload_working_to_done (void)
{
  g_autoptr(KfSandbox) sandbox = kf_pages_test_start_sandbox ();
  g_autoptr(KfClient) client = kf_pages_test_new_client (sandbox);
  g_autofree char *dir = g_dir_make_tmp ("kf-remote-XXXXXX", NULL);
  const char *names[] = { "source.bin", NULL };
  g_auto(GStrv) codes = kf_pages_test_upload_files (client, dir, names, 300 * 1024, NULL);
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (KfRemoteUploadState));
  g_autoptr(KfRemoteUpload) upload = NULL;
  g_autoptr(GPtrArray) files = NULL;
  KfSandboxFile *fetched = NULL;
  LinkWait wait = { NULL, FALSE };
  guint n_finished = 0;

  /* The source is a direct link of a file already there: the sandbox
   * fetches loopback URLs. */
  kf_client_get_direct_link_async (client, codes[0], NULL, link_cb, &wait);
  kf_pages_test_wait_until (wait.done, 20);

  upload = kf_remote_upload_new (client, wait.link->url, NULL);
  kf_remote_upload_set_poll_delays (upload, 50, 400);
  g_signal_connect (upload, "notify::state", G_CALLBACK (state_notify_cb), states);
  g_signal_connect (upload, "finished", G_CALLBACK (finished_cb), &n_finished);
  g_assert_cmpint (kf_remote_upload_get_state (upload), ==, KF_REMOTE_UPLOAD_WAITING);

  kf_remote_upload_start (upload);
  kf_pages_test_wait_until (n_finished > 0, 30);
  kf_pages_test_run_for (100);

  g_assert_cmpuint (n_finished, ==, 1);
  g_assert_cmpint (kf_remote_upload_get_state (upload), ==, KF_REMOTE_UPLOAD_DONE);
  g_assert_cmpuint (states->len, >=, 3);
  g_assert_cmpint (g_array_index (states, KfRemoteUploadState, 0), ==, KF_REMOTE_UPLOAD_STARTING);
  g_assert_cmpint (g_array_index (states, KfRemoteUploadState, 1), ==, KF_REMOTE_UPLOAD_WORKING);
  g_assert_cmpint (g_array_index (states, KfRemoteUploadState, states->len - 1), ==, KF_REMOTE_UPLOAD_DONE);
  g_assert_cmpuint (kf_remote_upload_get_n_polls (upload), >=, 1);
  g_assert_null (kf_remote_upload_get_error_message (upload));
  g_assert_cmpint (kf_remote_upload_get_progress (upload), ==, 100);

  /* The link is the page of the new file, which holds the same bytes. */
  g_assert_nonnull (kf_remote_upload_get_file_code (upload));
  g_assert_nonnull (kf_remote_upload_get_link (upload));
  g_assert_true (g_str_has_prefix (kf_remote_upload_get_link (upload), kf_sandbox_get_url (sandbox)));
  g_assert_true (g_str_has_suffix (kf_remote_upload_get_link (upload), kf_remote_upload_get_file_code (upload)));
  files = kf_sandbox_list_files (sandbox);
  g_assert_cmpuint (files->len, ==, 2);
  for (guint i = 0; i < files->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->file_code, kf_remote_upload_get_file_code (upload)) == 0)
        fetched = file;
    }
  g_assert_nonnull (fetched);
  g_assert_cmpint (fetched->size, ==, 300 * 1024);
  {
    g_autofree char *source = g_build_filename (dir, "source.bin", NULL);
    g_assert_true (kf_test_files_equal (fetched->path, source));
    g_remove (source);
  }

  kf_direct_link_free (wait.link);
  kf_sandbox_stop (sandbox);
  g_rmdir (dir);
}

static void
test_remote_upload_failure (void)
{
  g_autoptr(KfSandbox) sandbox = kf_pages_test_start_sandbox ();
  g_autoptr(KfClient) client = kf_pages_test_new_client (sandbox);
  g_autoptr(KfRemoteUpload) upload = NULL;
  guint n_finished = 0;

  /* Not on this computer: the sandbox refuses it with a reason. */
  upload = kf_remote_upload_new (client, "https://example.invalid/file.bin", NULL);
  kf_remote_upload_set_poll_delays (upload, 50, 400);
  g_signal_connect (upload, "finished", G_CALLBACK (finished_cb), &n_finished);
  kf_remote_upload_start (upload);
  kf_pages_test_wait_until (n_finished > 0, 30);

  g_assert_cmpint (kf_remote_upload_get_state (upload), ==, KF_REMOTE_UPLOAD_FAILED);
  g_assert_nonnull (strstr (kf_remote_upload_get_error_message (upload), "127.0.0.1"));
  g_assert_null (kf_remote_upload_get_link (upload));
  kf_sandbox_stop (sandbox);
}

static void
test_remote_upload_cancel (void)
{
  g_autoptr(KfSandbox) sandbox = kf_pages_test_start_sandbox ();
  g_autoptr(KfClient) client = kf_pages_test_new_client (sandbox);
  g_autoptr(KfRemoteUpload) upload = NULL;
  guint n_finished = 0;

  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_SLOW, "/api/upload/url", 0);
  upload = kf_remote_upload_new (client, "http://127.0.0.1:9/never.bin", NULL);
  g_signal_connect (upload, "finished", G_CALLBACK (finished_cb), &n_finished);
  kf_remote_upload_start (upload);
  kf_remote_upload_cancel (upload);
  g_assert_cmpint (kf_remote_upload_get_state (upload), ==, KF_REMOTE_UPLOAD_CANCELLED);
  g_assert_cmpuint (n_finished, ==, 1);
  kf_pages_test_run_for (200);
  g_assert_cmpuint (n_finished, ==, 1);
  kf_sandbox_stop (sandbox);
}

static void
submitted_cb (KfRemoteUploadDialog *dialog,
              GStrv                 urls,
              GStrv                *out)
{
  *out = g_strdupv (urls);
}

static void
test_remote_upload_dialog (void)
{
  GtkWindow *parent = kf_pages_test_show (gtk_label_new (""), 600, 400);
  GtkWidget *dialog = kf_remote_upload_dialog_new (parent);
  g_auto(GStrv) urls = NULL;
  const char *expected[] = { "https://example.com/a.pdf", "http://127.0.0.1:8080/b.bin", NULL };

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "submitted", G_CALLBACK (submitted_cb), &urls);
  gtk_window_present (GTK_WINDOW (dialog));
  kf_pages_test_wait_until (gtk_widget_get_mapped (dialog), 10);

  /* Nothing typed: Upload is off. */
  g_assert_false (gtk_widget_is_sensitive (kf_pages_test_find_button (dialog, "_Upload")));

  kf_remote_upload_dialog_set_text (KF_REMOTE_UPLOAD_DIALOG (dialog),
                                    "https://example.com/a.pdf\nfile:///etc/passwd\n");
  g_assert_true (gtk_widget_is_sensitive (kf_pages_test_find_button (dialog, "_Upload")));
  g_signal_emit_by_name (kf_pages_test_find_button (dialog, "_Upload"), "clicked");
  g_assert_null (urls);
  g_assert_nonnull (kf_pages_test_find_text (dialog, "file:///etc/passwd"));
  g_assert_nonnull (dialog);

  kf_remote_upload_dialog_set_text (KF_REMOTE_UPLOAD_DIALOG (dialog),
                                    "https://example.com/a.pdf\nhttp://127.0.0.1:8080/b.bin");
  g_signal_emit_by_name (kf_pages_test_find_button (dialog, "_Upload"), "clicked");
  g_assert_cmpstrv (urls, expected);
  kf_pages_test_wait_until (dialog == NULL, 20);

  gtk_window_destroy (parent);
}

int
main (int   argc,
      char *argv[])
{
  kf_pages_test_init (&argc, &argv);

  g_test_add_func ("/pages/remote-upload/working-to-done", test_remote_upload_working_to_done);
  g_test_add_func ("/pages/remote-upload/failure", test_remote_upload_failure);
  g_test_add_func ("/pages/remote-upload/cancel", test_remote_upload_cancel);
  g_test_add_func ("/pages/remote-upload/dialog", test_remote_upload_dialog);

  return g_test_run ();
}
