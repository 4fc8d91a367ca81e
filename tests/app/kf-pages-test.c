/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kf-alert.h"
#include "kf-pages-test.h"
#include "kf-test-util.h"

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
kf_pages_test_init (int    *argc,
                    char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* Wakes the blocking iterations of the wait loops regularly. */
  g_timeout_add (20, tick_cb, NULL);
}

void
kf_pages_test_spin_once (void)
{
  g_main_context_iteration (NULL, TRUE);
}

static gboolean
run_for_done_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
kf_pages_test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, run_for_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

KfSandbox *
kf_pages_test_start_sandbox (void)
{
  g_autoptr(GError) error = NULL;
  KfSandbox *sandbox = kf_sandbox_new (NULL);

  kf_sandbox_start (sandbox, 0, &error);
  g_assert_no_error (error);
  return sandbox;
}

KfClient *
kf_pages_test_new_client (KfSandbox *sandbox)
{
  g_autoptr(GError) error = NULL;
  KfClient *client = kf_client_new (kf_sandbox_get_url (sandbox),
                                    kf_sandbox_get_api_key (sandbox), &error);

  g_assert_no_error (error);
  kf_client_set_retry_policy (client, 2, 10);
  return client;
}

GtkWindow *
kf_pages_test_show (GtkWidget *page,
                    int        width,
                    int        height)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_title (GTK_WINDOW (window), "KenFiles");
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (overlay, TRUE);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_box_append (GTK_BOX (box), overlay);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  kf_pages_test_wait_until (gtk_widget_get_mapped (page) && gtk_widget_get_width (page) > 0, 10);
  return GTK_WINDOW (window);
}

typedef gboolean (*WidgetPredicate) (GtkWidget *widget, gpointer data);

static GtkWidget *
find_widget (GtkWidget       *root,
             WidgetPredicate  predicate,
             gpointer         data)
{
  if (gtk_widget_get_mapped (root) && predicate (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, predicate, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
label_is (GtkWidget *widget,
          gpointer   data)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

static gboolean
label_contains (GtkWidget *widget,
                gpointer   data)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), data) != NULL;
}

gboolean
kf_pages_test_shows_text (GtkWidget  *root,
                          const char *text)
{
  return find_widget (root, label_is, (gpointer) text) != NULL;
}

const char *
kf_pages_test_find_text (GtkWidget  *root,
                         const char *part)
{
  GtkWidget *label = find_widget (root, label_contains, (gpointer) part);

  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static gboolean
button_is (GtkWidget *widget,
           gpointer   data)
{
  GtkWidget *label;

  if (!GTK_IS_BUTTON (widget))
    return FALSE;
  if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0)
    return TRUE;
  label = find_widget (widget, label_is, data);
  return label != NULL;
}

GtkWidget *
kf_pages_test_find_button (GtkWidget  *root,
                           const char *label)
{
  return find_widget (root, button_is, (gpointer) label);
}

static gboolean
check_is (GtkWidget *widget,
          gpointer   data)
{
  return GTK_IS_CHECK_BUTTON (widget) &&
         g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), data) == 0;
}

GtkWidget *
kf_pages_test_find_check (GtkWidget  *root,
                          const char *label)
{
  return find_widget (root, check_is, (gpointer) label);
}

GPtrArray *
kf_pages_test_list_dialogs (void)
{
  return kf_alert_list_shown ();
}

static guint
count_dialogs (void)
{
  g_autoptr(GPtrArray) dialogs = kf_pages_test_list_dialogs ();

  return dialogs->len;
}

static gboolean
dialog_is_shown (GtkWidget *dialog)
{
  g_autoptr(GPtrArray) dialogs = kf_pages_test_list_dialogs ();

  return g_ptr_array_find (dialogs, dialog, NULL);
}

GtkWidget *
kf_pages_test_wait_dialog (void)
{
  g_autoptr(GPtrArray) dialogs = NULL;

  kf_pages_test_wait_until (count_dialogs () > 0, 10);
  dialogs = kf_pages_test_list_dialogs ();
  g_assert_cmpuint (dialogs->len, ==, 1);
  return g_ptr_array_index (dialogs, 0);
}

typedef struct {
  GPtrArray *results;
  GError    *error;
  gboolean   done;
} UploadWait;

static void
upload_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  UploadWait *wait = user_data;

  wait->results = kf_client_upload_finish (KF_CLIENT (object), result, &wait->error);
  wait->done = TRUE;
}

GStrv
kf_pages_test_upload_files (KfClient           *client,
                            const char         *dir,
                            const char * const *names,
                            gsize               size,
                            const char         *folder_id)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
  UploadWait wait = { 0, };
  guint n = g_strv_length ((GStrv) names);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = kf_test_make_file (dir, names[i], size);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }

  kf_client_upload_async (client, (GFile *const *) files->pdata, files->len,
                          KF_UPLOAD_TYPE_AUTO, folder_id, NULL, NULL, NULL, NULL,
                          upload_done_cb, &wait);
  kf_pages_test_wait_until (wait.done, 60);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (wait.results->len, ==, n);

  for (guint i = 0; i < wait.results->len; i++)
    {
      KfUploadResult *result = g_ptr_array_index (wait.results, i);

      g_assert_no_error (result->error);
      g_strv_builder_add (codes, result->file_code);
    }
  g_ptr_array_unref (wait.results);
  return g_strv_builder_end (codes);
}

/* What @window shows now, or NULL before its first frame (a window can be
 * mapped before it has a size). */
static GskRenderNode *
snapshot_window (GtkWidget    *window,
                 GdkPaintable *paintable,
                 int          *width,
                 int          *height)
{
  GtkSnapshot *snapshot;

  *width = gtk_widget_get_width (window);
  *height = gtk_widget_get_height (window);
  if (*width <= 0 || *height <= 0)
    return NULL;
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), *width, *height);
  return gtk_snapshot_free_to_node (snapshot);
}

void
kf_pages_test_save_png (GtkWidget  *widget,
                        const char *path)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width, height;

  /* Let layout and drawing settle (spinners, stack pages, row widgets). */
  kf_pages_test_run_for (300);

  paintable = gtk_widget_paintable_new (window);
  /* A window has nothing to give until its first frame was drawn, which
   * takes longer on a loaded machine or under a sanitizer. */
  kf_pages_test_wait_until ((node = snapshot_window (window, paintable, &width, &height)) != NULL, 30);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
describe_labels (GtkWidget *widget,
                 GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, " “%s”%s", gtk_label_get_text (GTK_LABEL (widget)),
                            gtk_widget_get_mapped (widget) ? "" : " (unmapped)");
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    describe_labels (child, out);
}

void
kf_pages_test_click_response (GtkWidget  *dialog,
                              const char *label)
{
  g_autoptr(GtkWidget) keep = g_object_ref (GTK_WIDGET (dialog));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GtkWidget *button;

  /* An AdwAlertDialog (libadwaita 1.5 and newer) shows its buttons once it
   * has opened. */
  while ((button = kf_pages_test_find_button (GTK_WIDGET (dialog), label)) == NULL &&
         g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  if (button == NULL)
    {
      g_autoptr(GString) shown = g_string_new (NULL);

      describe_labels (dialog, shown);
      g_error ("No button “%s” in the dialog (mapped %d); its labels:%s", label,
               gtk_widget_get_mapped (dialog), shown->str);
    }
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");

  /* A response closes the alert, but an AdwAlertDialog stays listed while
   * it animates closed: the next alert is only told apart once it is gone. */
  kf_pages_test_wait_until (!dialog_is_shown (dialog), 10);
}
