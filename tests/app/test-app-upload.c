/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "kf-alert.h"
#include "kf-app-test-util.h"
#include "kf-test-util.h"

static const char *data_home;

static char *
history_path (void)
{
  return g_build_filename (data_home, "kenfiles", "history-sandbox.json", NULL);
}

static void
forget_history (void)
{
  g_autofree char *path = history_path ();

  g_unlink (path);
}

/* Under the test's data folder, which is removed at exit. */
static char *
make_dir (void)
{
  char *dir = g_build_filename (data_home, "files-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static KfSandboxFile *
find_server_file (GPtrArray  *files,
                  const char *name)
{
  for (guint i = 0; i < files->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->name, name) == 0)
        return file;
    }
  return NULL;
}

static gboolean
all_finished (KfApplication *app)
{
  GListModel *items = kf_app_test_get_items (app);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

      if (kf_upload_item_is_active (item))
        return FALSE;
    }
  return TRUE;
}

static void
assert_uploaded (KfApplication *app,
                 const char    *dir,
                 const char    *name)
{
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  g_autoptr(GPtrArray) server_files = kf_sandbox_list_files (sandbox);
  g_autofree char *local = g_build_filename (dir, name, NULL);
  KfUploadItem *item = kf_app_test_find_item (app, name);
  KfSandboxFile *stored;

  g_assert_nonnull (item);
  if (kf_upload_item_get_state (item) != KF_UPLOAD_STATE_DONE)
    g_error ("“%s” ended as %d: %s", name, kf_upload_item_get_state (item),
             kf_upload_item_get_error_message (item));

  stored = find_server_file (server_files, name);
  g_assert_nonnull (stored);
  g_assert_true (kf_test_files_equal (local, stored->path));
  g_assert_cmpstr (kf_upload_item_get_file_code (item), ==, stored->file_code);
  g_assert_nonnull (kf_upload_item_get_link (item));
  g_assert_true (g_str_has_suffix (kf_upload_item_get_link (item), stored->file_code));
  g_assert_true (g_str_has_prefix (kf_upload_item_get_link (item), kf_sandbox_get_url (sandbox)));
}

static const struct {
  const char *name;
  gsize       size;
} drop_files[] = {
  { "alpha.txt", 10 * 1024 },
  { "beta.bin", 3 * 1024 * 1024 + 17 },
  { "R&D <draft>.bin", 4099 },
  { "empty.dat", 0 },
};

static void
drop_uploads_body (KfApplication *app,
                   gpointer       data)
{
  const char *dir = data;
  g_autoptr(GPtrArray) gfiles = g_ptr_array_new_with_free_func (g_object_unref);
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadItem *item;
  KfUploadRow *row;
  GtkEditable *search;
  GtkListView *list_view;

  for (guint i = 0; i < G_N_ELEMENTS (drop_files); i++)
    {
      g_autofree char *path = g_build_filename (dir, drop_files[i].name, NULL);

      g_ptr_array_add (gfiles, g_file_new_for_path (path));
    }

  g_assert_nonnull (kf_application_get_sandbox (app));
  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  g_assert_true (kf_app_test_drop_files (window, (GFile * const *) gfiles->pdata, gfiles->len));
  kf_app_test_wait_until (g_list_model_get_n_items (kf_app_test_get_items (app)) == G_N_ELEMENTS (drop_files), 10);
  kf_app_test_wait_until (all_finished (app), 60);

  for (guint i = 0; i < G_N_ELEMENTS (drop_files); i++)
    assert_uploaded (app, dir, drop_files[i].name);

  {
    g_autoptr(GPtrArray) server_files = kf_sandbox_list_files (kf_application_get_sandbox (app));

    g_assert_cmpuint (server_files->len, ==, G_N_ELEMENTS (drop_files));
  }

  /* The name is plain text: no markup, no mnemonic. */
  item = kf_app_test_find_item (app, "R&D <draft>.bin");
  kf_app_test_wait_until ((row = kf_app_test_find_row (window, item)) != NULL, 10);
  g_assert_cmpstr (kf_upload_row_get_title (row), ==, "R&D <draft>.bin");
  g_assert_cmpstr (kf_upload_row_get_message (row), ==, kf_upload_item_get_link (item));

  /* Copy link: the clipboard holds the link. */
  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.copy-link", "s", kf_upload_item_get_id (item));
  {
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
    GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
    GValue value = G_VALUE_INIT;

    g_assert_nonnull (content);
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
    g_assert_cmpstr (g_value_get_string (&value), ==, kf_upload_item_get_link (item));
    g_value_unset (&value);
  }

  /* Search filters by name. */
  search = kf_upload_page_get_search_entry (kf_window_get_upload_page (window));
  list_view = kf_upload_page_get_list_view (kf_window_get_upload_page (window));
  gtk_editable_set_text (search, "ALPHA");
  kf_app_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list_view))) == 1, 5);
  gtk_editable_set_text (search, "");
  kf_app_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list_view))) == G_N_ELEMENTS (drop_files), 5);
}

static void
test_drop_uploads (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *history = history_path ();
  GStatBuf st;

  forget_history ();
  for (guint i = 0; i < G_N_ELEMENTS (drop_files); i++)
    g_free (kf_test_make_file (dir, drop_files[i].name, drop_files[i].size));

  kf_app_test_run (TRUE, drop_uploads_body, dir);

  g_assert_cmpint (g_stat (history, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
cancel_body (KfApplication *app,
             gpointer       data)
{
  g_autoptr(GFile) file = g_file_new_for_path (data);
  g_autoptr(GPtrArray) server_files = NULL;
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  KfUploadItem *item;

  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "big.bin")) != NULL, 10);
  kf_app_test_wait_until (kf_upload_item_get_bytes_sent (item) > 0 ||
                          kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE, 30);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_UPLOADING);
  g_assert_cmpint (kf_upload_item_get_bytes_sent (item), <, kf_upload_item_get_size (item));

  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.cancel", "s", kf_upload_item_get_id (item));
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_CANCELLED, 10);
  g_assert_true (kf_upload_item_can_retry (item));

  /* Give the server time to notice the cut body. */
  kf_app_test_wait_until (kf_sandbox_get_n_incomplete_uploads (sandbox) >= 1, 10);
  server_files = kf_sandbox_list_files (sandbox);
  g_assert_cmpuint (server_files->len, ==, 0);
}

static void
test_cancel (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = kf_test_make_file (dir, "big.bin", 512 * 1024 * 1024);

  forget_history ();
  kf_app_test_run (TRUE, cancel_body, path);
  g_unlink (path);
}

static void
fault_body (KfApplication *app,
            gpointer       data)
{
  const char *dir = data;
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  KfUploadItem *item;
  KfUploadRow *row;

  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_FILE_REFUSED, NULL, 0);

  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "report.pdf")) != NULL, 10);
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 30);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_FAILED);
  g_assert_nonnull (kf_upload_item_get_error_message (item));
  g_assert_nonnull (strstr (kf_upload_item_get_error_message (item), "unallowed extension"));

  kf_app_test_wait_until ((row = kf_app_test_find_row (window, item)) != NULL, 10);
  kf_app_test_wait_until (kf_upload_row_get_message (row) != NULL, 5);
  g_assert_cmpstr (kf_upload_row_get_message (row), ==, kf_upload_item_get_error_message (item));

  kf_sandbox_clear_faults (sandbox);
  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.retry", "s", kf_upload_item_get_id (item));
  kf_app_test_wait_until (!kf_upload_item_is_active (item) &&
                          kf_upload_item_get_state (item) != KF_UPLOAD_STATE_FAILED, 30);
  assert_uploaded (app, dir, "report.pdf");
  g_assert_null (kf_upload_item_get_error_message (item));
  g_assert_cmpstr (kf_upload_row_get_message (row), ==, kf_upload_item_get_link (item));
}

static void
test_fault_then_retry (void)
{
  g_autofree char *dir = make_dir ();

  g_free (kf_test_make_file (dir, "report.pdf", 200 * 1024));
  forget_history ();
  kf_app_test_run (TRUE, fault_body, dir);
}

typedef struct {
  GFile *files[2];
  char  *link_keep;
  char  *code_keep;
} RestartData;

static void
restart_first_body (KfApplication *app,
                    gpointer       data)
{
  RestartData *restart = data;
  KfUploadItem *item;

  g_assert_true (kf_app_test_drop_files (kf_app_test_get_window (app), restart->files, 2));
  kf_app_test_wait_until (g_list_model_get_n_items (kf_app_test_get_items (app)) == 2, 10);
  kf_app_test_wait_until (all_finished (app), 30);
  item = kf_app_test_find_item (app, "keep.txt");
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_DONE);
  restart->link_keep = g_strdup (kf_upload_item_get_link (item));
  restart->code_keep = g_strdup (kf_upload_item_get_file_code (item));
}

static void
restart_second_body (KfApplication *app,
                     gpointer       data)
{
  RestartData *restart = data;
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadItem *item;

  /* Both are listed from the history. */
  kf_app_test_wait_until (g_list_model_get_n_items (kf_app_test_get_items (app)) == 2, 10);
  item = kf_app_test_find_item (app, "keep.txt");
  g_assert_nonnull (item);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_DONE);
  g_assert_cmpstr (kf_upload_item_get_link (item), ==, restart->link_keep);
  g_assert_cmpstr (kf_upload_item_get_file_code (item), ==, restart->code_keep);
  g_assert_cmpint (kf_upload_item_get_size (item), ==, 1000);

  item = kf_app_test_find_item (app, "drop me.txt");
  g_assert_nonnull (item);
  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.remove", "s", kf_upload_item_get_id (item));
  g_assert_null (kf_app_test_find_item (app, "drop me.txt"));
}

static void
restart_third_body (KfApplication *app,
                    gpointer       data)
{
  /* The removed entry stays removed. */
  kf_app_test_wait_until (g_list_model_get_n_items (kf_app_test_get_items (app)) >= 1, 10);
  kf_app_test_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (kf_app_test_get_items (app)), ==, 1);
  g_assert_nonnull (kf_app_test_find_item (app, "keep.txt"));
  g_assert_null (kf_app_test_find_item (app, "drop me.txt"));
}

static void
test_history_survives_restart (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path_a = kf_test_make_file (dir, "keep.txt", 1000);
  g_autofree char *path_b = kf_test_make_file (dir, "drop me.txt", 2000);
  RestartData restart = { { g_file_new_for_path (path_a), g_file_new_for_path (path_b) }, NULL, NULL };

  forget_history ();
  kf_app_test_run (TRUE, restart_first_body, &restart);
  kf_app_test_run (TRUE, restart_second_body, &restart);
  kf_app_test_run (TRUE, restart_third_body, &restart);

  g_object_unref (restart.files[0]);
  g_object_unref (restart.files[1]);
  g_free (restart.link_keep);
  g_free (restart.code_keep);
}

static void
unfinished_first_body (KfApplication *app,
                       gpointer       data)
{
  g_autoptr(GFile) file = g_file_new_for_path (data);
  KfUploadItem *item;

  g_assert_true (kf_app_test_drop_files (kf_app_test_get_window (app), &file, 1));
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "unfinished.bin")) != NULL &&
                          kf_upload_item_get_state (item) == KF_UPLOAD_STATE_UPLOADING, 10);
  /* Quits in the middle of the upload. */
}

static void
unfinished_second_body (KfApplication *app,
                        gpointer       data)
{
  const char *path = data;
  g_autofree char *dir = g_path_get_dirname (path);
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadItem *item;
  KfUploadRow *row;

  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "unfinished.bin")) != NULL, 10);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_NOT_FINISHED);
  g_assert_true (kf_upload_item_can_retry (item));
  kf_app_test_wait_until ((row = kf_app_test_find_row (window, item)) != NULL, 10);
  g_assert_nonnull (strstr (kf_upload_row_get_detail (row), "Not finished"));

  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.retry", "s", kf_upload_item_get_id (item));
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_DONE ||
                          kf_upload_item_get_state (item) == KF_UPLOAD_STATE_FAILED, 120);
  assert_uploaded (app, dir, "unfinished.bin");
}

static void
test_unfinished_restart (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = kf_test_make_file (dir, "unfinished.bin", 256 * 1024 * 1024);

  forget_history ();
  kf_app_test_run (TRUE, unfinished_first_body, path);
  kf_app_test_run (TRUE, unfinished_second_body, path);
  g_unlink (path);
}

/* The one folder @name in @parent_id on the sandbox (fails when none or several). */
static const char *
server_folder (GPtrArray  *folders,
               const char *parent_id,
               const char *name)
{
  const KfSandboxFolder *found = NULL;
  guint n = 0;

  for (guint i = 0; i < folders->len; i++)
    {
      const KfSandboxFolder *folder = g_ptr_array_index (folders, i);

      if (g_str_equal (folder->parent_id, parent_id) && g_str_equal (folder->name, name))
        {
          found = folder;
          n++;
        }
    }
  if (n != 1)
    g_error ("%u folders “%s” in folder %s, not 1", n, name, parent_id);
  return found->folder_id;
}

static void
folder_body (KfApplication *app,
             gpointer       data)
{
  const char *top = data;
  g_autofree char *sub = g_build_filename (top, "2024", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (top);
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  /* There already: used, not made again. */
  g_autofree char *photos = kf_sandbox_add_folder (sandbox, "0", "Photos");
  g_autoptr(GPtrArray) folders_before = kf_sandbox_list_folders (sandbox);
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) files = NULL;
  GtkWidget *dialog;
  const char *body;
  const char *year;

  g_assert_true (kf_app_test_drop_files (window, &folder, 1));

  kf_app_test_wait_until ((dialog = kf_upload_page_get_folder_dialog (kf_window_get_upload_page (window))) != NULL, 10);
  g_assert_cmpstr (kf_alert_get_heading (dialog), ==, "Upload 3 Files?");
  body = kf_alert_get_body (dialog);
  g_assert_nonnull (strstr (body, "“Photos” holds 3 files"));
  g_assert_nonnull (strstr (body, "loop"));
  g_assert_nonnull (strstr (body, "dangling"));
  g_assert_cmpuint (g_list_model_get_n_items (kf_app_test_get_items (app)), ==, 0);

  kf_alert_response (dialog, "upload");
  kf_app_test_wait_until (g_list_model_get_n_items (kf_app_test_get_items (app)) == 3, 10);
  kf_app_test_wait_until (all_finished (app), 30);
  assert_uploaded (app, top, "one.jpg");
  assert_uploaded (app, top, "two.jpg");
  assert_uploaded (app, sub, "three.jpg");

  /* The same tree on the server: Photos (reused), 2024 and the empty folder
   * in it, nothing for the loop; each file in its folder. */
  folders = kf_sandbox_list_folders (sandbox);
  g_assert_cmpuint (folders->len, ==, folders_before->len + 2);
  g_assert_cmpstr (server_folder (folders, "0", "Photos"), ==, photos);
  year = server_folder (folders, photos, "2024");
  server_folder (folders, photos, "Empty");
  files = kf_sandbox_list_files (sandbox);
  g_assert_cmpstr (find_server_file (files, "one.jpg")->folder_id, ==, photos);
  g_assert_cmpstr (find_server_file (files, "two.jpg")->folder_id, ==, photos);
  g_assert_cmpstr (find_server_file (files, "three.jpg")->folder_id, ==, year);
}

static void
test_folder_drop (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *top = g_build_filename (dir, "Photos", NULL);
  g_autofree char *sub = g_build_filename (top, "2024", NULL);
  g_autofree char *loop = g_build_filename (sub, "back-to-top", NULL);
  g_autofree char *broken = g_build_filename (top, "dangling", NULL);
  g_autofree char *empty = g_build_filename (top, "Empty", NULL);
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL;

  forget_history ();
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  p1 = kf_test_make_file (top, "one.jpg", 1500);
  p2 = kf_test_make_file (top, "two.jpg", 2500);
  p3 = kf_test_make_file (sub, "three.jpg", 3500);
  {
    g_autoptr(GFile) loop_file = g_file_new_for_path (loop);
    g_autoptr(GFile) broken_file = g_file_new_for_path (broken);
    g_autoptr(GError) error = NULL;

    g_file_make_symbolic_link (loop_file, top, NULL, &error);
    g_assert_no_error (error);
    g_file_make_symbolic_link (broken_file, "/nonexistent/kenfiles", NULL, &error);
    g_assert_no_error (error);
  }

  kf_app_test_run (TRUE, folder_body, top);
}

static void
paste_body (KfApplication *app,
            gpointer       data)
{
  g_autofree char *path = g_build_filename (data, "pasted.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KfWindow *window = kf_app_test_get_window (app);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  GValue value = G_VALUE_INIT;
  KfUploadItem *item;

  /* Text in the clipboard is not taken for files. */
  gdk_clipboard_set_text (clipboard, "just some text");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL);
  kf_app_test_run_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (kf_app_test_get_items (app)), ==, 0);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&file, 1));
  gdk_clipboard_set_value (clipboard, &value);
  g_value_unset (&value);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL);
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "pasted.txt")) != NULL, 10);
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 30);
  assert_uploaded (app, data, "pasted.txt");
}

static void
test_paste (void)
{
  g_autofree char *dir = make_dir ();

  g_free (kf_test_make_file (dir, "pasted.txt", 777));
  forget_history ();
  kf_app_test_run (TRUE, paste_body, dir);
}

/* Ctrl+V while the Files page shows a folder uploads into that folder. */
static void
paste_into_folder_body (KfApplication *app,
                        gpointer       data)
{
  g_autofree char *path = g_build_filename (data, "pasted-here.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KfWindow *window = kf_app_test_get_window (app);
  KfFilesPage *files_page = kf_window_get_files_page (window);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  g_autoptr(GPtrArray) files = NULL;
  GValue value = G_VALUE_INIT;
  KfUploadItem *item;
  KfSandboxFile *stored;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  adw_view_stack_set_visible_child_name (kf_window_get_view_stack (window), "files");
  kf_files_page_open_folder (files_page, "1", "Documents");
  g_assert_cmpstr (kf_window_get_upload_folder_id (window), ==, "1");

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&file, 1));
  gdk_clipboard_set_value (clipboard, &value);
  g_value_unset (&value);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL);
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "pasted-here.txt")) != NULL, 10);
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 30);
  assert_uploaded (app, data, "pasted-here.txt");
  files = kf_sandbox_list_files (kf_application_get_sandbox (app));
  stored = find_server_file (files, "pasted-here.txt");
  g_assert_cmpstr (stored->folder_id, ==, "1");
}

static void
test_paste_into_folder (void)
{
  g_autofree char *dir = make_dir ();

  g_free (kf_test_make_file (dir, "pasted-here.txt", 778));
  forget_history ();
  kf_app_test_run (TRUE, paste_into_folder_body, dir);
}

/* "Add Folder…" (Ctrl+Shift+O) asks for folders; what is chosen then goes
 * the way of a dropped folder (/app/upload/folder). */
static void
choose_folder_body (KfApplication *app,
                    gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadPage *page = kf_window_get_upload_page (window);
  GtkNativeDialog *chooser;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  g_assert_null (kf_upload_page_get_chooser (page));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-folder", NULL);
  chooser = kf_upload_page_get_chooser (page);
  g_assert_nonnull (chooser);
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  g_assert_true (gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (chooser)));

  gtk_native_dialog_hide (chooser);
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_CANCEL);
  g_assert_null (kf_upload_page_get_chooser (page));
}

static void
test_choose_folder (void)
{
  kf_app_test_run (TRUE, choose_folder_body, NULL);
}

int
main (int   argc,
      char *argv[])
{
  data_home = kf_app_test_init (&argc, &argv, FALSE);

  g_test_add_func ("/app/upload/drop", test_drop_uploads);
  g_test_add_func ("/app/upload/cancel", test_cancel);
  g_test_add_func ("/app/upload/fault-then-retry", test_fault_then_retry);
  g_test_add_func ("/app/upload/folder", test_folder_drop);
  g_test_add_func ("/app/upload/paste", test_paste);
  g_test_add_func ("/app/upload/paste-into-folder", test_paste_into_folder);
  g_test_add_func ("/app/upload/choose-folder", test_choose_folder);
  g_test_add_func ("/app/history/restart", test_history_survives_restart);
  g_test_add_func ("/app/history/unfinished", test_unfinished_restart);

  return g_test_run ();
}
