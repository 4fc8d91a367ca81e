/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "kf-alert.h"
#include "kf-app-test-util.h"

static char *data_home;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

static void
cleanup_data_home (void)
{
  if (data_home != NULL && g_getenv ("KF_TEST_KEEP_DATA") == NULL)
    remove_tree (data_home);
  g_clear_pointer (&data_home, g_free);
}

const char *
kf_app_test_init (int          *argc,
                  char       ***argv,
                  gboolean      keep_data_home)
{
  g_autoptr(GError) error = NULL;

  if (!keep_data_home || g_getenv ("XDG_DATA_HOME") == NULL)
    {
      data_home = g_dir_make_tmp ("kenfiles-app-test-XXXXXX", &error);
      g_assert_no_error (error);
      g_setenv ("XDG_DATA_HOME", data_home, TRUE);
      atexit (cleanup_data_home);
    }

  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();

  return g_getenv ("XDG_DATA_HOME");
}

typedef struct {
  KfAppTestFunc  func;
  gpointer       data;
  KfApplication *app;
  gboolean       started;
} RunData;

static gboolean
run_body_cb (gpointer user_data)
{
  RunData *run = user_data;
  KfWindow *window;

  kf_app_test_wait_until ((window = kf_app_test_get_window (run->app)) != NULL &&
                          gtk_widget_get_mapped (GTK_WIDGET (window)), 10);
  run->func (run->app, run->data);

  /* As Ctrl+Q does: close the windows, then quit (which saves the state). */
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *application,
             RunData      *run)
{
  if (run->started)
    return;
  run->started = TRUE;
  g_settings_set_boolean (kf_application_get_settings (run->app), "notifications", FALSE);
  g_idle_add (run_body_cb, run);
}

void
kf_app_test_run (gboolean       sandbox,
                 KfAppTestFunc  func,
                 gpointer       data)
{
  char *argv[] = { (char *) "kenfiles-desktop-test", NULL };
  RunData run = { func, data, NULL, FALSE };
  KfApplication *app;
  int status;

  app = kf_application_new (sandbox);
  run.app = app;
  /* Several runs in one process, one after the other, each a real start. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &run);

  status = g_application_run (G_APPLICATION (app), 1, argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.started);

  /* Let cancelled uploads and pending callbacks finish. */
  kf_app_test_run_for (200);
  g_assert_finalize_object (app);
}

KfWindow *
kf_app_test_get_window (KfApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return KF_IS_WINDOW (window) ? KF_WINDOW (window) : NULL;
}

void
kf_app_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

gboolean
kf_app_test_drop_files (KfWindow      *window,
                        GFile * const *files,
                        guint          n_files)
{
  GtkDropTarget *target = kf_upload_page_get_drop_target (kf_window_get_upload_page (window));
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array ((GFile **) files, n_files));
  g_signal_emit_by_name (target, "drop", &value, 20.0, 20.0, &handled);
  g_value_unset (&value);
  return handled;
}

GListModel *
kf_app_test_get_items (KfApplication *app)
{
  return kf_upload_queue_get_model (kf_application_get_queue (app));
}

KfUploadItem *
kf_app_test_find_item (KfApplication *app,
                       const char    *name)
{
  GListModel *items = kf_app_test_get_items (app);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (kf_upload_item_get_name (item), name) == 0)
        return item;   /* still owned by the list */
    }
  return NULL;
}

static KfUploadRow *
find_row_in (GtkWidget    *widget,
             KfUploadItem *item)
{
  if (KF_IS_UPLOAD_ROW (widget) && kf_upload_row_get_item (KF_UPLOAD_ROW (widget)) == item)
    return KF_UPLOAD_ROW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KfUploadRow *row = find_row_in (child, item);

      if (row != NULL)
        return row;
    }
  return NULL;
}

KfUploadRow *
kf_app_test_find_row (KfWindow     *window,
                      KfUploadItem *item)
{
  return find_row_in (GTK_WIDGET (kf_upload_page_get_list_view (kf_window_get_upload_page (window))), item);
}

GtkWidget *
kf_app_test_find_dialog (GtkWindow *window)
{
  g_autoptr(GPtrArray) alerts = kf_alert_list_shown ();

  for (guint i = 0; i < alerts->len; i++)
    if (kf_alert_get_parent_window (g_ptr_array_index (alerts, i)) == window)
      return g_ptr_array_index (alerts, i);
  return NULL;
}

gboolean
kf_screenshot_widget (GtkWidget   *widget,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  gint64 end;
  int width, height;

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The widget has no size yet");
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (widget);
  /* Between frames the widget may have nothing to give: wait for one, as
   * long as a loaded machine or a sanitizer build needs. */
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL || g_get_monotonic_time () > end)
        break;
      kf_app_test_run_for (10);
    }
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing was drawn");
      return FALSE;
    }

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}

const char *
kf_screenshot_dir (void)
{
  const char *dir = g_getenv ("KF_SHOTS_DIR");

  return dir != NULL && *dir != '\0' ? dir : NULL;
}
