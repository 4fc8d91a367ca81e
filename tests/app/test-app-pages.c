/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "kf-alert.h"
#include "kf-app-test-util.h"
#include "kf-remote-upload-dialog.h"
#include "kf-test-util.h"

static const char *data_home;

static char *
make_dir (void)
{
  char *dir = g_build_filename (data_home, "files-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static KfSandboxFile *
find_server_file (GPtrArray  *files,
                  const char *file_code)
{
  for (guint i = 0; i < files->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->file_code, file_code) == 0)
        return file;
    }
  return NULL;
}

/* A drop outside the Upload page lands on the window's own target. */
static gboolean
drop_on_window (KfWindow      *window,
                GFile * const *files,
                guint          n_files)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array ((GFile **) files, n_files));
  g_signal_emit_by_name (target, "drop", &value, 20.0, 20.0, &handled);
  g_value_unset (&value);
  return handled;
}

static void
show_page (KfWindow   *window,
           const char *name)
{
  adw_view_stack_set_visible_child_name (kf_window_get_view_stack (window), name);
  kf_app_test_run_for (50);
}

static void
pages_body (KfApplication *app,
            gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  AdwViewStack *stack = kf_window_get_view_stack (window);
  const char *expected[] = { "upload", "dashboard", "vouchers", "files" };
  g_autoptr(GListModel) pages = NULL;
  KfDashboardPage *dashboard;
  guint n_stats, n_info;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  pages = G_LIST_MODEL (adw_view_stack_get_pages (stack));
  g_assert_cmpuint (g_list_model_get_n_items (pages), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (pages, i);

      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, expected[i]);
      g_assert_true (adw_view_stack_page_get_visible (page));
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));
    }

  /* Every page uses the application's client. */
  dashboard = kf_window_get_dashboard_page (window);
  g_assert_true (kf_dashboard_page_get_client (dashboard) == kf_application_get_client (app));
  g_assert_true (kf_voucher_page_get_client (kf_window_get_voucher_page (window)) == kf_application_get_client (app));
  g_assert_true (kf_files_page_get_client (kf_window_get_files_page (window)) == kf_application_get_client (app));

  show_page (window, "dashboard");
  kf_app_test_wait_until (has_label (GTK_WIDGET (dashboard), "demo@sandbox.invalid"), 20);
  kf_app_test_wait_until (!kf_dashboard_page_get_loading (dashboard), 20);
  kf_app_test_run_for (100);

  n_stats = kf_sandbox_count_requests (sandbox, "/api/account/stats");
  n_info = kf_sandbox_count_requests (sandbox, "/api/account/info");
  g_assert_cmpuint (n_stats, >=, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  kf_app_test_wait_until (kf_sandbox_count_requests (sandbox, "/api/account/stats") == n_stats + 1, 20);
  kf_app_test_wait_until (kf_sandbox_count_requests (sandbox, "/api/account/info") == n_info + 1, 20);
  kf_app_test_wait_until (!kf_dashboard_page_get_loading (dashboard), 20);

  /* On the Files page it reloads the folder. */
  {
    KfFilesPage *files = kf_window_get_files_page (window);
    guint n_lists;

    show_page (window, "files");
    kf_app_test_wait_until (kf_sandbox_count_requests (sandbox, "/api/folder/list") >= 1, 20);
    kf_app_test_wait_until (!kf_files_page_get_loading (files), 20);
    n_lists = kf_sandbox_count_requests (sandbox, "/api/folder/list");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
    kf_app_test_wait_until (kf_sandbox_count_requests (sandbox, "/api/folder/list") == n_lists + 1, 20);
    kf_app_test_wait_until (!kf_files_page_get_loading (files), 20);
  }

  show_page (window, "upload");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
about_body (KfApplication *app,
            gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  GtkWindow *about = NULL;
  GtkWindow *shortcuts = NULL;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  kf_app_test_wait_until ((about = find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL, 10);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (g_str_has_prefix (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), "https://"));
  g_assert_true (g_str_has_suffix (adw_about_window_get_issue_url (ADW_ABOUT_WINDOW (about)), "/issues"));
  g_assert_nonnull (adw_about_window_get_developers (ADW_ABOUT_WINDOW (about)));
  gtk_window_destroy (about);

  /* Ctrl+? opens the shortcuts window from the resource, listing our actions. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  kf_app_test_wait_until ((shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL, 10);
  gtk_window_destroy (shortcuts);
}

static void
test_about (void)
{
  kf_app_test_run (TRUE, about_body, NULL);
}

static void
test_pages (void)
{
  kf_app_test_run (TRUE, pages_body, NULL);
}

typedef struct {
  const char *dir;
  char       *code;
} FolderData;

static gboolean
item_done (KfUploadItem *item)
{
  return item != NULL && !kf_upload_item_is_active (item);
}

static void
folder_upload_body (KfApplication *app,
                    gpointer       data)
{
  FolderData *fd = data;
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  KfFilesPage *files = kf_window_get_files_page (window);
  g_autofree char *path = g_build_filename (fd->dir, "in-documents.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) server_files = NULL;
  KfSandboxFile *stored;
  KfUploadItem *item = NULL;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  show_page (window, "files");
  kf_files_page_open_folder (files, "1", "Documents");
  g_assert_cmpstr (kf_files_page_get_current_folder_id (files), ==, "1");
  g_assert_cmpstr (kf_window_get_upload_folder_id (window), ==, "1");

  /* Dropped on the window while the folder is shown. */
  g_assert_true (drop_on_window (window, &file, 1));
  kf_app_test_wait_until (item_done (item = kf_app_test_find_item (app, "in-documents.bin")), 30);
  if (kf_upload_item_get_state (item) != KF_UPLOAD_STATE_DONE)
    g_error ("The upload ended as %d: %s", kf_upload_item_get_state (item),
             kf_upload_item_get_error_message (item));

  server_files = kf_sandbox_list_files (sandbox);
  stored = find_server_file (server_files, kf_upload_item_get_file_code (item));
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->folder_id, ==, "1");
  g_assert_true (kf_test_files_equal (path, stored->path));

  /* Added (as opening a file does) while the folder is shown. */
  show_page (window, "files");
  g_assert_cmpstr (kf_files_page_get_current_folder_id (files), ==, "1");
  {
    g_autofree char *path2 = g_build_filename (fd->dir, "added.bin", NULL);
    g_autoptr(GFile) file2 = g_file_new_for_path (path2);
    g_autoptr(GPtrArray) after = NULL;
    KfUploadItem *item2 = NULL;
    KfSandboxFile *stored2;

    kf_window_add_files (window, &file2, 1);
    kf_app_test_wait_until (item_done (item2 = kf_app_test_find_item (app, "added.bin")), 30);
    g_assert_cmpint (kf_upload_item_get_state (item2), ==, KF_UPLOAD_STATE_DONE);
    after = kf_sandbox_list_files (sandbox);
    stored2 = find_server_file (after, kf_upload_item_get_file_code (item2));
    g_assert_nonnull (stored2);
    g_assert_cmpstr (stored2->folder_id, ==, "1");
  }

  /* Elsewhere the default folder applies. */
  show_page (window, "dashboard");
  g_assert_null (kf_window_get_upload_folder_id (window));
  show_page (window, "files");
  kf_files_page_set_current_folder_id (files, "0");
  g_assert_null (kf_window_get_upload_folder_id (window));

  fd->code = g_strdup (stored->file_code);
}

static void
test_folder_upload (void)
{
  g_autofree char *dir = make_dir ();
  FolderData fd = { dir, NULL };

  g_free (kf_test_make_file (dir, "in-documents.bin", 70 * 1024 + 3));
  g_free (kf_test_make_file (dir, "added.bin", 1000));
  kf_app_test_run (TRUE, folder_upload_body, &fd);
  g_assert_nonnull (fd.code);
  g_free (fd.code);
}

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

static KfUploadItem *
find_remote_item (KfApplication *app)
{
  GListModel *items = kf_app_test_get_items (app);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

      if (kf_upload_item_get_remote (item))
        return item;
    }
  return NULL;
}

static AdwWindow *
find_remote_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (KF_IS_REMOTE_UPLOAD_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_WINDOW (window);
    }
  return NULL;
}

static void
remote_body (KfApplication *app,
             gpointer       data)
{
  const char *dir = data;
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  g_autofree char *path = g_build_filename (dir, "source.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) server_files = NULL;
  g_autofree char *text = NULL;
  KfUploadItem *source = NULL;
  KfUploadItem *remote = NULL;
  KfSandboxFile *fetched;
  AdwWindow *dialog = NULL;
  LinkWait wait = { NULL, FALSE };
  gboolean seen_uploading = FALSE;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  /* The source is a direct link of a file already on the sandbox. */
  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until (item_done (source = kf_app_test_find_item (app, "source.bin")), 30);
  g_assert_cmpint (kf_upload_item_get_state (source), ==, KF_UPLOAD_STATE_DONE);
  kf_client_get_direct_link_async (kf_application_get_client (app),
                                   kf_upload_item_get_file_code (source), NULL, link_cb, &wait);
  kf_app_test_wait_until (wait.done, 20);

  /* Ctrl+Shift+V opens the dialog; its Upload button makes the row. */
  show_page (window, "dashboard");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.remote-upload", NULL));
  kf_app_test_wait_until ((dialog = find_remote_dialog ()) != NULL, 10);
  text = g_strdup_printf ("%s\n", wait.link->url);
  kf_remote_upload_dialog_set_text (KF_REMOTE_UPLOAD_DIALOG (dialog), text);
  g_assert_true (kf_remote_upload_dialog_submit (KF_REMOTE_UPLOAD_DIALOG (dialog)));

  g_assert_nonnull (remote = find_remote_item (app));
  g_assert_cmpstr (kf_upload_item_get_name (remote), ==, wait.link->url);
  g_assert_null (kf_upload_item_get_file (remote));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (kf_window_get_view_stack (window)), ==, "upload");
  /* The top row. */
  {
    g_autoptr(KfUploadItem) first = g_list_model_get_item (kf_app_test_get_items (app), 0);

    g_assert_true (first == remote);
  }

  while (kf_upload_item_is_active (remote))
    {
      seen_uploading |= kf_upload_item_get_state (remote) == KF_UPLOAD_STATE_UPLOADING;
      kf_app_test_run_for (10);
    }
  g_assert_true (seen_uploading);
  if (kf_upload_item_get_state (remote) != KF_UPLOAD_STATE_DONE)
    g_error ("The remote upload ended as %d: %s", kf_upload_item_get_state (remote),
             kf_upload_item_get_error_message (remote));

  g_assert_nonnull (kf_upload_item_get_link (remote));
  g_assert_true (g_str_has_prefix (kf_upload_item_get_link (remote), kf_sandbox_get_url (sandbox)));
  g_assert_true (g_str_has_suffix (kf_upload_item_get_link (remote), kf_upload_item_get_file_code (remote)));
  g_assert_cmpuint (kf_upload_queue_get_n_pending (kf_application_get_queue (app)), ==, 0);

  server_files = kf_sandbox_list_files (sandbox);
  g_assert_cmpuint (server_files->len, ==, 2);
  fetched = find_server_file (server_files, kf_upload_item_get_file_code (remote));
  g_assert_nonnull (fetched);
  g_assert_true (kf_test_files_equal (path, fetched->path));

  /* Done remote rows are in the history, like other uploads. */
  {
    KfHistory *history = kf_application_get_history (app);
    GPtrArray *entries = kf_history_get_entries (history);
    gboolean found = FALSE;

    for (guint i = 0; i < entries->len; i++)
      {
        const KfHistoryEntry *entry = g_ptr_array_index (entries, i);

        if (g_strcmp0 (entry->id, kf_upload_item_get_id (remote)) == 0)
          {
            g_assert_cmpint (entry->state, ==, KF_HISTORY_STATE_DONE);
            g_assert_cmpstr (entry->link, ==, kf_upload_item_get_link (remote));
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* Remove forgets it. */
  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.remove", "s", kf_upload_item_get_id (remote));
  g_assert_null (find_remote_item (app));

  kf_direct_link_free (wait.link);
}

static void
test_remote_upload (void)
{
  g_autofree char *dir = make_dir ();

  g_free (kf_test_make_file (dir, "source.bin", 200 * 1024 + 9));
  kf_app_test_run (TRUE, remote_body, dir);
}

static void
cancel_remote_body (KfApplication *app,
                    gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  KfUploadQueue *queue = kf_application_get_queue (app);
  const char *urls[] = { "http://127.0.0.1:9/nothing-here.bin", NULL };
  KfUploadItem *item;
  guint n_requests;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  /* Slow answers keep it running long enough to cancel. */
  kf_sandbox_set_slow_delay (sandbox, 2000);
  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_SLOW, "/api/upload/url", 0);
  kf_window_add_remote_urls (window, urls);
  item = find_remote_item (app);
  g_assert_nonnull (item);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_UPLOADING);
  g_assert_cmpuint (kf_upload_queue_get_n_pending (queue), ==, 1);
  g_assert_cmpuint (kf_upload_queue_get_n_uploading (queue), ==, 1);

  /* A local file still starts at once with a limit of one: remote rows do
   * not take a slot. */
  {
    g_autofree char *dir = make_dir ();
    g_autofree char *path = kf_test_make_file (dir, "local.bin", 4096);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    GFile *files[] = { file };
    KfUploadItem *local;

    kf_upload_queue_set_max_parallel (queue, 1);
    kf_upload_queue_add_files (queue, files, NULL, NULL, 1);
    local = kf_app_test_find_item (app, "local.bin");
    g_assert_nonnull (local);
    g_assert_cmpint (kf_upload_item_get_state (local), ==, KF_UPLOAD_STATE_UPLOADING);
    kf_app_test_wait_until (!kf_upload_item_is_active (local), 30);
    g_assert_cmpint (kf_upload_item_get_state (local), ==, KF_UPLOAD_STATE_DONE);
    g_assert_true (kf_upload_item_is_active (item));
  }

  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.cancel", "s", kf_upload_item_get_id (item));
  kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_CANCELLED, 10);
  g_assert_cmpuint (kf_upload_queue_get_n_pending (queue), ==, 0);
  g_assert_true (kf_upload_item_can_retry (item));

  /* Retry starts a new remote upload of the same address, which fails
   * (nothing listens there) with the server's message. */
  kf_sandbox_clear_faults (sandbox);
  n_requests = kf_sandbox_count_requests (sandbox, "/api/upload/url");
  gtk_widget_activate_action (GTK_WIDGET (kf_window_get_upload_page (window)),
                              "upload.retry", "s", kf_upload_item_get_id (item));
  g_assert_true (kf_upload_item_is_active (item));
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 30);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_FAILED);
  g_assert_nonnull (kf_upload_item_get_error_message (item));
  g_assert_cmpuint (kf_sandbox_count_requests (sandbox, "/api/upload/url"), >, n_requests);
}

static void
test_cancel_remote (void)
{
  kf_app_test_run (TRUE, cancel_remote_body, NULL);
}

static void
shoot (KfWindow   *window,
       const char *dir,
       const char *name)
{
  g_autofree char *file = g_strdup_printf ("window-%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;

  kf_app_test_run_for (300);
  g_assert_true (kf_screenshot_widget (GTK_WIDGET (window), path, &error));
  g_assert_no_error (error);
}

static void
shots_body (KfApplication *app,
            gpointer       data)
{
  const char *dir = kf_screenshot_dir ();
  KfWindow *window = kf_app_test_get_window (app);
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *pages[] = { "upload", "dashboard", "vouchers", "files" };

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  /* A few real uploads, so the pages show what a user would see. */
  {
    const char *names[] = { "Holiday photos.zip", "Quarterly report.pdf", "Project plan.odt", "Interview.mp3" };
    const gsize sizes[] = { 3 * 1024 * 1024, 220 * 1024, 48 * 1024, 1500 * 1024 };
    g_autofree char *tmp = g_dir_make_tmp ("kf-shots-XXXXXX", NULL);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = kf_test_make_file (tmp, names[i], sizes[i]);

        g_ptr_array_add (files, g_file_new_for_path (path));
      }
    kf_window_add_files (window, (GFile **) files->pdata, files->len);
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        KfUploadItem *item = NULL;

        kf_app_test_wait_until (item_done (item = kf_app_test_find_item (app, names[i])), 30);
      }
    for (guint i = 0; i < files->len; i++)
      g_file_delete (files->pdata[i], NULL, NULL);
    g_rmdir (tmp);
  }

  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%s", pages[i], dark ? "dark" : "light");

          show_page (window, pages[i]);
          kf_app_test_run_for (1500);
          shoot (window, dir, name);
        }
    }

  /* Narrow: the bar at the bottom takes over from the title's switcher. */
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-narrow", pages[i]);

      show_page (window, pages[i]);
      kf_app_test_run_for (1000);
      shoot (window, dir, name);
    }
  g_assert_true (adw_view_switcher_bar_get_reveal (window->switcher_bar));

  /* Wide: the switcher is in the header bar. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  show_page (window, "files");
  kf_app_test_run_for (1000);
  shoot (window, dir, "wide");
  g_assert_false (adw_view_switcher_bar_get_reveal (window->switcher_bar));

  /* Remote rows: one failed, one the server is fetching. */
  {
    const char *failing[] = { "http://127.0.0.1:9/unreachable.iso", NULL };
    const char *slow[] = { "https://example.invalid/videos/holiday.mp4", NULL };
    KfSandbox *sandbox = kf_application_get_sandbox (app);
    KfUploadItem *item;

    gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
    kf_window_add_remote_urls (window, failing);
    item = find_remote_item (app);
    kf_app_test_wait_until (!kf_upload_item_is_active (item), 30);
    kf_sandbox_set_slow_delay (sandbox, 5000);
    kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_SLOW, "/api/upload/url", 0);
    kf_window_add_remote_urls (window, slow);
    shoot (window, dir, "upload-remote");
    item = find_remote_item (app);
    kf_upload_queue_cancel (kf_application_get_queue (app), item);
    kf_sandbox_clear_faults (sandbox);
  }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_shots (void)
{
  if (kf_screenshot_dir () == NULL)
    {
      g_test_skip ("KF_SHOTS_DIR is not set");
      return;
    }
  kf_app_test_run (TRUE, shots_body, NULL);
}

/* The narrowest the window can be with @page shown. */
static int
min_width (GtkWidget *widget)
{
  int min = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  return min;
}

static void
report_wide (GtkWidget *widget,
             int        limit,
             int        depth)
{
  int min = min_width (widget);

  if (!gtk_widget_get_visible (widget) || min <= limit)
    return;
  g_test_message ("%*s%s %s: %d", depth, "", G_OBJECT_TYPE_NAME (widget),
                  GTK_IS_LABEL (widget) ? gtk_label_get_text (GTK_LABEL (widget)) : "", min);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    report_wide (child, limit, depth + 1);
}

static GtkScrolledWindow *
find_scroller (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget))
    return GTK_SCROLLED_WINDOW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scroller (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
size_shot (GtkWidget  *window,
           const char *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (kf_screenshot_dir (), file, NULL);
  g_autoptr(GError) error = NULL;

  kf_app_test_run_for (300);
  g_assert_true (kf_screenshot_widget (window, path, &error));
  g_assert_no_error (error);
}

/* The page's top and, when it scrolls, its end. */
static void
narrow_shot (KfWindow   *window,
             const char *page,
             const char *size,
             gboolean    dark)
{
  g_autofree char *name = NULL;
  g_autofree char *end = NULL;
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;

  if (kf_screenshot_dir () == NULL)
    return;
  name = g_strdup_printf ("%s-%s-%s", size, page, dark ? "dark" : "light");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  size_shot (GTK_WIDGET (window), name);

  scroller = find_scroller (adw_view_stack_get_visible_child (kf_window_get_view_stack (window)));
  adjustment = scroller != NULL ? gtk_scrolled_window_get_vadjustment (scroller) : NULL;
  if (adjustment == NULL ||
      gtk_adjustment_get_upper (adjustment) <= gtk_adjustment_get_page_size (adjustment))
    return;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  end = g_strconcat (name, "-end", NULL);
  size_shot (GTK_WIDGET (window), end);
  gtk_adjustment_set_value (adjustment, 0);
}

static void
narrow_body (KfApplication *app,
             gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfVoucherPage *vouchers = kf_window_get_voucher_page (window);
  const char *pages[] = { "upload", "dashboard", "vouchers", "files" };
  GtkWidget *dialog;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  /* A voucher bought fills the result card and a ledger row, the widest
   * parts of the Vouchers page. */
  show_page (window, "vouchers");
  kf_voucher_page_set_plan (vouchers, "365b");
  kf_app_test_wait_until (gtk_widget_is_sensitive (GTK_WIDGET (vouchers)) &&
                          gtk_widget_activate_action (GTK_WIDGET (vouchers), "voucher.create", NULL), 20);
  kf_app_test_wait_until ((dialog = kf_app_test_find_dialog (GTK_WINDOW (window))) != NULL, 10);
  kf_alert_response (dialog, "create");
  kf_app_test_wait_until (kf_voucher_page_get_last_code (vouchers) != NULL &&
                          !kf_voucher_page_get_busy (vouchers), 20);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *child;
      int min;

      show_page (window, pages[i]);
      kf_app_test_run_for (500);
      child = adw_view_stack_get_visible_child (kf_window_get_view_stack (window));
      min = min_width (GTK_WIDGET (window));
      g_test_message ("%s: window %d px, page %d px", pages[i], min, min_width (child));
      /* On failure, the log names what is too wide. */
      if (min > 360)
        report_wide (GTK_WIDGET (window), 300, 0);
      g_assert_cmpint (min, <=, 360);
    }

  /* Phone size: the switcher moves from the header bar to the bottom bar. */
  g_assert_false (adw_view_switcher_bar_get_reveal (window->switcher_bar));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  /* Without a compositor the frame is drawn inside the size asked for. */
  kf_app_test_wait_until (gtk_widget_get_width (GTK_WIDGET (window)) <= 360, 10);
  kf_app_test_wait_until (adw_view_switcher_bar_get_reveal (window->switcher_bar), 10);
  g_assert_true (kf_window_is_narrow (window));

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  for (guint dark = 0; dark < 2; dark++)
    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        show_page (window, pages[i]);
        kf_app_test_run_for (700);
        g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);
        narrow_shot (window, pages[i], "narrow", dark);
      }

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  kf_app_test_wait_until (gtk_widget_get_width (GTK_WIDGET (window)) > 900, 10);
  kf_app_test_wait_until (!adw_view_switcher_bar_get_reveal (window->switcher_bar), 10);
  for (guint dark = 0; dark < 2; dark++)
    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        show_page (window, pages[i]);
        kf_app_test_run_for (700);
        narrow_shot (window, pages[i], "wide", dark);
      }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_narrow (void)
{
  kf_app_test_run (TRUE, narrow_body, NULL);
}

/* Settings reach the queue and the window through g_settings_bind: a
 * change applies at once, and the window's size is written on closing. */
static void
settings_body (KfApplication *app,
               gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  GSettings *settings = kf_application_get_settings (app);
  KfUploadQueue *queue = kf_application_get_queue (app);
  g_autofree char *folder = NULL;
  KfUploadType type;
  guint parallel;
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 800);
  g_assert_cmpint (height, ==, 500);
  g_object_get (queue, "max-parallel", &parallel, NULL);
  g_assert_cmpuint (parallel, ==, 3);

  g_settings_set_uint (settings, "parallel-uploads", 5);
  g_settings_set_enum (settings, "upload-type", KF_UPLOAD_TYPE_REGISTERED);
  g_settings_set_string (settings, "default-folder-id", "42");
  g_object_get (queue, "max-parallel", &parallel, "upload-type", &type, "folder-id", &folder, NULL);
  g_assert_cmpuint (parallel, ==, 5);
  g_assert_cmpint (type, ==, KF_UPLOAD_TYPE_REGISTERED);
  g_assert_cmpstr (folder, ==, "42");
  g_clear_pointer (&folder, g_free);
  g_settings_set_string (settings, "default-folder-id", "");
  g_object_get (queue, "folder-id", &folder, NULL);
  g_assert_null (folder);

  /* Resizing is not written until the window closes. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 610);
  kf_app_test_run_for (50);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 800);
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  g_settings_set_int (settings, "window-width", 800);
  g_settings_set_int (settings, "window-height", 500);
  g_settings_set_uint (settings, "parallel-uploads", 3);

  kf_app_test_run (TRUE, settings_body, NULL);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "parallel-uploads");
  g_settings_reset (settings, "upload-type");
  g_settings_reset (settings, "default-folder-id");
}

int
main (int   argc,
      char *argv[])
{
  data_home = kf_app_test_init (&argc, &argv, FALSE);

  g_test_add_func ("/app/pages/pages", test_pages);
  g_test_add_func ("/app/pages/about", test_about);
  g_test_add_func ("/app/pages/folder-upload", test_folder_upload);
  g_test_add_func ("/app/pages/remote-upload", test_remote_upload);
  g_test_add_func ("/app/pages/cancel-remote", test_cancel_remote);
  g_test_add_func ("/app/pages/shots", test_shots);
  g_test_add_func ("/app/pages/narrow", test_narrow);
  g_test_add_func ("/app/pages/settings", test_settings);

  return g_test_run ();
}
