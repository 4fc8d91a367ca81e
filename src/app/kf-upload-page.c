/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-file-scan.h"
#include "kf-tree-upload.h"
#include "kf-upload-page.h"
#include "kf-upload-row.h"
#include "kf-util.h"
#include "kf-window.h"
#include "kf-alert.h"
#include "kf-pages-util.h"

/* Problems listed one by one in the folder dialog before "and N more". */
#define MAX_PROBLEMS_SHOWN 5
/* How often the overall progress is updated while uploads run. */
#define PROGRESS_INTERVAL_MS 500

struct _KfUploadPage {
  AdwBin                parent_instance;

  KfUploadQueue        *queue;
  GtkNoSelection       *selection;
  GListStore           *matches;     /* the items matching search, while searching */
  char                 *search;      /* casefolded, NULL when not searching */
  GtkDropTarget        *drop_target;
  GCancellable         *cancellable;
  GtkWidget            *folder_dialog;     /* weak */
  GtkNativeDialog      *chooser;

  GtkWidget            *drop_area;
  GtkStack             *content_stack;
  GtkStack             *list_stack;
  GtkListView          *list_view;
  GtkSearchEntry       *search_entry;
  GtkLabel             *summary_label;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  GtkWidget            *add_button;
  GtkButton            *pause_all_button;
  gboolean              pause_all_resumes;  /* the button says Resume All */
  guint                 progress_id;
  KfRateLimit          *rate_limit;  /* shown on the summary line while it limits */

  /* The last removal, for Undo: items and their positions in the list. */
  GPtrArray            *undo_items;
  GArray               *undo_positions;
  AdwToast             *undo_toast;          /* weak */
};

G_DEFINE_FINAL_TYPE (KfUploadPage, kf_upload_page, ADW_TYPE_BIN)

static void
toast (KfUploadPage *self,
       const char   *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (KF_IS_WINDOW (root))
    kf_window_add_toast (KF_WINDOW (root), message);
}

static void
update_progress (KfUploadPage *self)
{
  guint files_done, files_total;
  gint64 bytes_done, bytes_total, seconds_left;
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  g_autofree char *files = NULL;
  g_autofree char *text = NULL;

  kf_upload_queue_get_progress (self->queue, &files_done, &files_total,
                                &bytes_done, &bytes_total, &seconds_left);
  done = kf_format_size (bytes_done);
  total = kf_format_size (bytes_total);
  /* TRANSLATORS: "2 of 5 files" */
  files = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u file", "%u of %u files", files_total),
                           files_done, files_total);
  if (seconds_left >= 0)
    {
      g_autofree char *left = kf_pages_format_time_left (seconds_left);

      /* TRANSLATORS: "12 MB of 40 MB · 2 of 5 files · 14 seconds left" */
      text = g_strdup_printf (_("%s of %s · %s · %s"), done, total, files, left);
    }
  else
    {
      /* TRANSLATORS: "12 MB of 40 MB · 2 of 5 files" */
      text = g_strdup_printf (_("%s of %s · %s"), done, total, files);
    }
  gtk_label_set_text (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 bytes_total > 0 ? (double) bytes_done / (double) bytes_total
                                 : files_total > 0 ? (double) files_done / files_total : 0);
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  update_progress (KF_UPLOAD_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static guint
count_failed (KfUploadPage *self)
{
  GListModel *all = kf_upload_queue_get_model (self->queue);
  guint n = g_list_model_get_n_items (all);
  guint failed = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (all, i);

      if (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_FAILED)
        failed++;
    }
  return failed;
}

/* One button for the whole list: Pause All while anything can be paused,
 * else Resume All while anything is paused. */
static void
update_pause_all (KfUploadPage *self)
{
  guint n_pausable = kf_upload_queue_get_n_pausable (self->queue);
  guint n_paused = kf_upload_queue_get_n_paused (self->queue);
  const char *label;

  gtk_widget_set_visible (GTK_WIDGET (self->pause_all_button), n_pausable > 0 || n_paused > 0);
  /* Called on every change of the list: touch the button only when its job changes. */
  if (self->pause_all_resumes == (n_pausable == 0))
    return;
  self->pause_all_resumes = n_pausable == 0;
  if (n_pausable > 0)
    {
      label = _("Pause All");
      gtk_button_set_icon_name (self->pause_all_button, "media-playback-pause-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_all_button), _("Pause All (Ctrl+P)"));
    }
  else
    {
      label = _("Resume All");
      gtk_button_set_icon_name (self->pause_all_button, "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_all_button), _("Resume All (Ctrl+P)"));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_all_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update_summary (KfUploadPage *self)
{
  guint n_items, n_shown, n_uploading, n_pending, n_failed, n_paused;
  guint64 rate;
  g_autofree char *summary = NULL;

  if (self->queue == NULL)
    return;

  n_items = g_list_model_get_n_items (kf_upload_queue_get_model (self->queue));
  n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  n_uploading = kf_upload_queue_get_n_uploading (self->queue);
  n_pending = kf_upload_queue_get_n_pending (self->queue);
  n_failed = count_failed (self);
  n_paused = kf_upload_queue_get_n_paused (self->queue);
  rate = self->rate_limit != NULL ? kf_rate_limit_get_rate (self->rate_limit) : 0;

  gtk_stack_set_visible_child_name (self->content_stack, n_items > 0 ? "list" : "empty");
  gtk_stack_set_visible_child_name (self->list_stack, n_shown > 0 ? "items" : "no-results");

  if (n_pending > 0)
    {
      g_autofree char *uploading = NULL;
      guint n_waiting = n_pending - n_uploading;

      uploading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Uploading %u file", "Uploading %u files", n_uploading),
                                   n_uploading);
      if (n_waiting > 0)
        /* TRANSLATORS: "Uploading 2 files, 5 waiting" */
        summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u waiting", "%s, %u waiting", n_waiting),
                                   uploading, n_waiting);
      else
        summary = g_steal_pointer (&uploading);
    }
  else if (n_shown != n_items)
    {
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u upload", "%u of %u uploads", n_items),
                                 n_shown, n_items);
    }
  else
    {
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u upload", "%u uploads", n_items), n_items);
    }
  if (n_failed > 0)
    {
      g_autofree char *with_failed = NULL;

      /* TRANSLATORS: "4 uploads, 1 failed" */
      with_failed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u failed", "%s, %u failed", n_failed),
                                     summary, n_failed);
      g_free (summary);
      summary = g_steal_pointer (&with_failed);
    }
  if (n_paused > 0)
    {
      g_autofree char *with_paused = NULL;

      /* TRANSLATORS: "4 uploads, 2 paused" */
      with_paused = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u paused", "%s, %u paused", n_paused),
                                     summary, n_paused);
      g_free (summary);
      summary = g_steal_pointer (&with_paused);
    }
  if (rate > 0)
    {
      /* In KiB, as Preferences and --limit-rate count. */
      g_autofree char *speed = g_format_size_full (rate, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *with_limit = NULL;

      /* TRANSLATORS: "Uploading 2 files · limited to 1.0 MB/s" */
      with_limit = g_strdup_printf (_("%s · limited to %s/s"), summary, speed);
      g_free (summary);
      summary = g_steal_pointer (&with_limit);
    }
  gtk_label_set_text (self->summary_label, summary);
  update_pause_all (self);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), n_pending > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), n_pending > 0);
  if (n_pending > 0)
    {
      update_progress (self);
      if (self->progress_id == 0)
        self->progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_tick_cb, self);
    }
  else
    {
      g_clear_handle_id (&self->progress_id, g_source_remove);
    }
}

typedef struct {
  KfUploadPage *self;
  char         *folder_id;   /* NULL: the default folder */
} ScanRequest;

static void
scan_request_free (ScanRequest *request)
{
  g_clear_object (&request->self);
  g_free (request->folder_id);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScanRequest, scan_request_free)

static void
add_scanned (KfUploadPage *self,
             KfFileScan   *scan,
             const char   *folder_id)
{
  if (self->queue == NULL || scan->files->len == 0)
    return;

  kf_upload_queue_add_files_to_folder (self->queue,
                                       (GFile * const *) scan->files->pdata,
                                       (const char * const *) scan->names->pdata,
                                       (const gint64 *) (gpointer) scan->sizes->data,
                                       scan->files->len,
                                       folder_id);
}

static char *
describe_problems (GPtrArray *problems)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u item is skipped:", "%u items are skipped:", problems->len),
                          problems->len);
  for (guint i = 0; i < problems->len && i < MAX_PROBLEMS_SHOWN; i++)
    g_string_append_printf (text, "\n• %s", (const char *) g_ptr_array_index (problems, i));
  if (problems->len > MAX_PROBLEMS_SHOWN)
    {
      guint rest = problems->len - MAX_PROBLEMS_SHOWN;

      g_string_append (text, "\n");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "…and %u more.", "…and %u more.", rest), rest);
    }
  return g_string_free (text, FALSE);
}

static void
tree_upload_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KfUploadPage) self = user_data;
  g_autoptr(KfTreeUpload) upload = NULL;
  g_autoptr(GError) error = NULL;

  upload = kf_tree_upload_finish (result, &error);
  if (upload == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
}

/* Makes the folders of @scan on the server, then queues its files into them. */
static void
upload_tree (KfUploadPage *self,
             KfFileScan   *scan,
             const char   *folder_id)
{
  g_autoptr(KfFileScan) owned = scan;
  KfClient *client = self->queue != NULL ? kf_upload_queue_get_client (self->queue) : NULL;

  if (client == NULL)
    {
      toast (self, _("Sign in first, then add the folder again"));
      return;
    }
  kf_tree_upload_async (self->queue, client, g_steal_pointer (&owned), folder_id,
                        self->cancellable, tree_upload_cb, g_object_ref (self));
}

static void
folder_dialog_response_cb (GtkWidget        *dialog,
                           const char       *response,
                           KfUploadPage     *self)
{
  KfFileScan *scan;

  if (!g_str_equal (response, "upload"))
    return;
  scan = g_object_steal_data (G_OBJECT (dialog), "kf-scan");
  if (scan != NULL)
    upload_tree (self, scan, g_object_get_data (G_OBJECT (dialog), "kf-folder-id"));
}

static void
ask_about_folders (KfUploadPage *self,
                   KfFileScan   *scan,
                   const char   *folder_id)
{
  g_autofree char *heading = NULL;
  g_autofree char *total = kf_format_size ((gint64) scan->total_size);
  GString *body = g_string_new (NULL);
  GtkWidget *dialog;
  guint n = scan->files->len;

  if (n == 0 && scan->dirs->len == 0)
    heading = g_strdup (_("Nothing to Upload"));
  else if (n == 0)
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Make %u Folder?", "Make %u Folders?",
                                            scan->dirs->len), scan->dirs->len);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Upload %u File?", "Upload %u Files?", n), n);

  if (scan->n_folders == 1)
    {
      if (n == 0)
        g_string_append_printf (body, _("The folder “%s” holds no files."), scan->folder_name);
      else
        g_string_append_printf (body,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "The folder “%s” holds %u file, %s in total.",
                                             "The folder “%s” holds %u files, %s in total.", n),
                                scan->folder_name, n, total);
    }
  else
    {
      g_string_append_printf (body,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "What you chose holds %u file, %s in total.",
                                           "What you chose holds %u files, %s in total.", n),
                              n, total);
    }

  if (scan->dirs->len > 0)
    {
      g_string_append (body, " ");
      g_string_append (body, _("The same folders are made on the server, or used when they are there already."));
    }

  if (scan->problems->len > 0)
    {
      g_autofree char *problems = describe_problems (scan->problems);

      g_string_append (body, "\n\n");
      g_string_append (body, problems);
    }

  dialog = kf_alert_new (GTK_WIDGET (self), heading, NULL);
  kf_alert_set_body (dialog, body->str);
  g_string_free (body, TRUE);

  if (n == 0 && scan->dirs->len == 0)
    {
      kf_alert_add_response (dialog, "cancel", _("_Close"));
      kf_alert_set_close_response (dialog, "cancel");
    }
  else
    {
      kf_alert_add_response (dialog, "cancel", _("_Cancel"));
      kf_alert_add_response (dialog, "upload", _("_Upload"));
      kf_alert_set_response_appearance (dialog, "upload", ADW_RESPONSE_SUGGESTED);
      kf_alert_set_default_response (dialog, "upload");
      kf_alert_set_close_response (dialog, "cancel");
    }

  g_object_set_data_full (G_OBJECT (dialog), "kf-scan", scan, (GDestroyNotify) kf_file_scan_free);
  g_object_set_data_full (G_OBJECT (dialog), "kf-folder-id", g_strdup (folder_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (folder_dialog_response_cb), self, 0);

  if (self->folder_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->folder_dialog), (gpointer *) &self->folder_dialog);
  self->folder_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->folder_dialog);

  kf_alert_present (dialog);
}

static void
scan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ScanRequest) request = user_data;
  KfUploadPage *self = request->self;
  g_autoptr(KfFileScan) scan = NULL;
  g_autoptr(GError) error = NULL;

  scan = kf_file_scan_finish (result, &error);
  if (scan == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  if (scan->n_folders > 0)
    {
      ask_about_folders (self, g_steal_pointer (&scan), request->folder_id);
      return;
    }

  add_scanned (self, scan, request->folder_id);

  if (scan->problems->len == 1)
    toast (self, g_ptr_array_index (scan->problems, 0));
  else if (scan->problems->len > 1)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u item cannot be uploaded: it cannot be read",
                                              "%u items cannot be uploaded: they cannot be read",
                                              scan->problems->len),
                                 scan->problems->len);
      toast (self, message);
    }
}

void
kf_upload_page_add_files (KfUploadPage  *self,
                          GFile * const *files,
                          guint          n_files)
{
  kf_upload_page_add_files_to_folder (self, files, n_files, NULL);
}

void
kf_upload_page_add_files_to_folder (KfUploadPage  *self,
                                    GFile * const *files,
                                    guint          n_files,
                                    const char    *folder_id)
{
  ScanRequest *request;

  g_return_if_fail (KF_IS_UPLOAD_PAGE (self));

  if (n_files == 0)
    return;

  /* The folder is the one in view when the files came, not when the scan ends. */
  request = g_new0 (ScanRequest, 1);
  request->self = g_object_ref (self);
  request->folder_id = g_strdup (folder_id);
  kf_file_scan_async (files, n_files, self->cancellable, scan_cb, request);
}

static void
add_file_list (KfUploadPage *self,
               GSList       *list,
               const char   *folder_id)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  kf_upload_page_add_files_to_folder (self, (GFile * const *) files->pdata, files->len, folder_id);
}

gboolean
kf_upload_page_drop_value (KfUploadPage *self,
                           const GValue *value)
{
  return kf_upload_page_drop_value_to_folder (self, value, NULL);
}

gboolean
kf_upload_page_drop_value_to_folder (KfUploadPage *self,
                                     const GValue *value,
                                     const char   *folder_id)
{
  GdkFileList *list;

  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), FALSE);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  if (list == NULL)
    return FALSE;

  {
    g_autoptr(GSList) files = gdk_file_list_get_files (list);

    if (files == NULL)
      return FALSE;
    add_file_list (self, files, folder_id);
  }
  return TRUE;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         KfUploadPage  *self)
{
  return kf_upload_page_drop_value (self, value);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     KfUploadPage    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) model = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (files, g_list_model_get_item (model, i));
      kf_upload_page_add_files_to_folder (self, (GFile * const *) files->pdata, files->len,
                                          g_object_get_data (G_OBJECT (chooser), "kf-folder-id"));
    }

  g_clear_object (&self->chooser);
}

void
kf_upload_page_choose_files (KfUploadPage *self)
{
  kf_upload_page_choose_files_to_folder (self, NULL);
}

static void
choose (KfUploadPage         *self,
        GtkFileChooserAction  action,
        const char           *title,
        const char           *folder_id)
{
  GtkRoot *root;

  if (self->chooser != NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (title,
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  action,
                                                                  _("_Add"),
                                                                  _("_Cancel")));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_object_set_data_full (G_OBJECT (self->chooser), "kf-folder-id", g_strdup (folder_id), g_free);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

void
kf_upload_page_choose_files_to_folder (KfUploadPage *self,
                                       const char   *folder_id)
{
  g_return_if_fail (KF_IS_UPLOAD_PAGE (self));

  choose (self, GTK_FILE_CHOOSER_ACTION_OPEN, _("Add Files"), folder_id);
}

void
kf_upload_page_choose_folders_to_folder (KfUploadPage *self,
                                         const char   *folder_id)
{
  g_return_if_fail (KF_IS_UPLOAD_PAGE (self));

  /* Chosen folders go the way dropped ones do: confirmed, then their tree is made. */
  choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("Add Folders"), folder_id);
}

GtkNativeDialog *
kf_upload_page_get_chooser (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return self->chooser;
}

static void
paste_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ScanRequest) request = user_data;
  KfUploadPage *self = request->self;
  g_autoptr(GError) error = NULL;
  const GValue *value;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (value == NULL || !kf_upload_page_drop_value_to_folder (self, value, request->folder_id))
    toast (self, _("The clipboard holds no files to upload"));
}

void
kf_upload_page_paste (KfUploadPage *self)
{
  kf_upload_page_paste_to_folder (self, NULL);
}

void
kf_upload_page_paste_to_folder (KfUploadPage *self,
                                const char   *folder_id)
{
  GdkClipboard *clipboard;
  ScanRequest *request;

  g_return_if_fail (KF_IS_UPLOAD_PAGE (self));

  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  if (!gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (clipboard), GDK_TYPE_FILE_LIST))
    {
      toast (self, _("The clipboard holds no files to upload"));
      return;
    }
  /* The folder is the one in view at Ctrl+V, not when the clipboard answers. */
  request = g_new0 (ScanRequest, 1);
  request->self = g_object_ref (self);
  request->folder_id = g_strdup (folder_id);
  gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                  self->cancellable, paste_cb, request);
}

void
kf_upload_page_focus_search (KfUploadPage *self)
{
  g_return_if_fail (KF_IS_UPLOAD_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static gboolean
item_matches (KfUploadItem *item,
              const char   *search)
{
  g_autofree char *name = g_utf8_casefold (kf_upload_item_get_name (item), -1);

  return strstr (name, search) != NULL;
}

/* Rebuilds the matching items and hands them to the view as one reset
 * (everything removed, the matches added at 0). Not a GtkFilterListModel:
 * GTK 4.8's list item manager drops the wrong rows from its tree when a
 * removal starts inside a run of rows it has no widgets for and reaches
 * rows it has (gtk_list_item_manager_remove_items() ignores the offset into
 * the first run), which is what a filter's items-changed does when it
 * starts below the rows on screen. Row widgets then stay bound to items
 * that are no longer at their position: the list shows uploads that do not
 * match, some twice, and their buttons act on those. A removal from
 * position 0 never starts inside a run. */
static void
update_matches (KfUploadPage *self)
{
  GListModel *all = kf_upload_queue_get_model (self->queue);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (all);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (all, i);

      if (item_matches (item, self->search))
        g_ptr_array_add (found, g_steal_pointer (&item));
    }
  g_list_store_splice (self->matches, 0, g_list_model_get_n_items (G_LIST_MODEL (self->matches)),
                       found->pdata, found->len);
}

static void
scroll_to_top (KfUploadPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

static void
queue_items_changed_cb (GListModel   *model,
                        guint         position,
                        guint         removed,
                        guint         added,
                        KfUploadPage *self)
{
  if (self->search != NULL)
    update_matches (self);
  update_summary (self);

  /* New uploads are listed at the top: show them, not the old rows. */
  if (position == 0 && added > 0 && removed == 0 && kf_upload_queue_get_n_pending (self->queue) > 0)
    scroll_to_top (self);
}

static void
search_changed_cb (KfUploadPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *search = *text != '\0' ? g_utf8_casefold (text, -1) : NULL;

  if (self->queue == NULL || g_strcmp0 (search, self->search) == 0)
    return;

  g_free (self->search);
  self->search = g_steal_pointer (&search);
  if (self->search == NULL)
    {
      gtk_no_selection_set_model (self->selection, kf_upload_queue_get_model (self->queue));
      g_list_store_remove_all (self->matches);
    }
  else
    {
      update_matches (self);
      gtk_no_selection_set_model (self->selection, G_LIST_MODEL (self->matches));
    }
  update_summary (self);
}

static KfUploadItem *
lookup_item (KfUploadPage *self,
             GVariant     *parameter)
{
  if (self->queue == NULL || parameter == NULL)
    return NULL;
  return kf_upload_queue_lookup (self->queue, g_variant_get_string (parameter, NULL));
}

/* The row buttons' actions: each names the item by its ID. */
static void
item_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  KfUploadItem *item = lookup_item (self, parameter);

  if (item == NULL)
    return;
  if (g_str_equal (action_name, "upload.cancel"))
    kf_upload_queue_cancel (self->queue, item);
  else if (g_str_equal (action_name, "upload.retry"))
    kf_upload_queue_retry (self->queue, item);
  else if (g_str_equal (action_name, "upload.pause"))
    kf_upload_queue_pause (self->queue, item);
  else if (g_str_equal (action_name, "upload.resume"))
    kf_upload_queue_resume (self->queue, item);
  else
    g_return_if_reached ();
}

static void
toggle_pause_all_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  g_autofree char *message = NULL;
  guint n;

  if (self->queue == NULL)
    return;
  if (kf_upload_queue_get_n_pausable (self->queue) > 0)
    {
      n = kf_upload_queue_pause_all (self->queue);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u upload paused", "%u uploads paused", n), n);
    }
  else
    {
      n = kf_upload_queue_resume_all (self->queue);
      if (n == 0)
        message = g_strdup (_("No uploads to pause or resume"));
      else
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%u upload resumed, from the start",
                                                "%u uploads resumed, from the start", n), n);
    }
  toast (self, message);
  update_summary (self);
}

static void
undo_clicked_cb (KfUploadPage *self)
{
  if (self->queue == NULL || self->undo_items == NULL)
    return;

  /* In the order they were listed, so each lands where it was. */
  for (guint i = 0; i < self->undo_items->len; i++)
    kf_upload_queue_restore (self->queue, g_ptr_array_index (self->undo_items, i),
                             g_array_index (self->undo_positions, guint, i));
  g_clear_pointer (&self->undo_items, g_ptr_array_unref);
  g_clear_pointer (&self->undo_positions, g_array_unref);
}

/* Takes @items and @positions; the toast's Undo puts them back. */
static void
offer_undo (KfUploadPage *self,
            const char   *message,
            GPtrArray    *items,
            GArray       *positions)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast;

  if (self->undo_toast != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
      adw_toast_dismiss (self->undo_toast);
      self->undo_toast = NULL;
    }
  g_clear_pointer (&self->undo_items, g_ptr_array_unref);
  g_clear_pointer (&self->undo_positions, g_array_unref);
  self->undo_items = items;
  self->undo_positions = positions;

  if (!KF_IS_WINDOW (root))
    return;
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* Normal priority: a high one puts the toast shown back in the queue, and
   * libadwaita 1.2 aborts when that one comes back while it is still fading
   * out (seen after Clear Finished, Undo and a drop). */
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, G_CONNECT_SWAPPED);
  self->undo_toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &self->undo_toast);
  kf_window_show_toast (KF_WINDOW (root), toast);
}

static void
remove_item (KfUploadPage *self,
             KfUploadItem *item)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *message = NULL;
  guint position = 0;

  g_list_store_find (G_LIST_STORE (kf_upload_queue_get_model (self->queue)), item, &position);
  g_ptr_array_add (items, g_object_ref (item));
  g_array_append_val (positions, position);
  kf_upload_queue_remove (self->queue, item);

  /* The item keeps its state: a cancelled upload comes back cancelled. */
  message = g_strdup_printf (_("“%s” removed from the list"), kf_upload_item_get_name (item));
  offer_undo (self, message, g_steal_pointer (&items), g_steal_pointer (&positions));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  KfUploadItem *item = lookup_item (self, parameter);

  if (item != NULL)
    remove_item (self, item);
}

static void
cancel_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  g_autofree char *message = NULL;
  guint n;

  if (self->queue == NULL)
    return;
  n = kf_upload_queue_cancel_all (self->queue);
  if (n == 0)
    message = g_strdup (_("No uploads to cancel"));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u upload cancelled", "%u uploads cancelled", n), n);
  toast (self, message);
}

static void
retry_failed_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  g_autofree char *message = NULL;
  guint n;

  if (self->queue == NULL)
    return;
  n = kf_upload_queue_retry_failed (self->queue);
  if (n == 0)
    message = g_strdup (_("No failed uploads to retry"));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Retrying %u upload", "Retrying %u uploads", n), n);
  toast (self, message);
  update_summary (self);
}

static void
clear_finished_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *message = NULL;
  guint n;

  if (self->queue == NULL)
    return;
  n = kf_upload_queue_clear_finished (self->queue, items, positions);
  if (n == 0)
    {
      toast (self, _("No finished uploads to clear"));
      return;
    }
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u finished upload cleared from the list",
                                          "%u finished uploads cleared from the list", n), n);
  offer_undo (self, message, g_steal_pointer (&items), g_steal_pointer (&positions));
}

static void
copy_all_links_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  g_auto(GStrv) links = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  guint n;

  if (self->queue == NULL)
    return;
  links = kf_upload_queue_dup_links (self->queue);
  n = g_strv_length (links);
  if (n == 0)
    {
      toast (self, _("No links to copy"));
      return;
    }
  /* One page link a line. */
  text = g_strjoinv ("\n", links);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u link copied", "%u links copied", n), n);
  toast (self, message);
}

static KfUploadRow *
focused_row (KfUploadPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    return NULL;
  /* The list item (a child of the list view) has the focus, or a widget in the row. */
  for (; focus != NULL; focus = gtk_widget_get_parent (focus))
    {
      GtkWidget *child = gtk_widget_get_first_child (focus);

      if (KF_IS_UPLOAD_ROW (focus))
        return KF_UPLOAD_ROW (focus);
      if (child != NULL && KF_IS_UPLOAD_ROW (child))
        return KF_UPLOAD_ROW (child);
    }
  return NULL;
}

KfUploadItem *
kf_upload_page_get_focused_item (KfUploadPage *self)
{
  KfUploadRow *row;

  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  row = focused_row (self);
  return row != NULL ? kf_upload_row_get_item (row) : NULL;
}

static void
copy_focused_link_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  KfUploadItem *item = kf_upload_page_get_focused_item (self);

  if (item == NULL)
    return;
  if (kf_upload_item_get_link (item) == NULL)
    {
      toast (self, _("This upload has no link yet"));
      return;
    }
  gtk_widget_activate_action (widget, "upload.copy-link", "s", kf_upload_item_get_id (item));
}

static gboolean
remove_focused_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  KfUploadItem *item = kf_upload_page_get_focused_item (self);

  if (item == NULL)
    return FALSE;
  remove_item (self, item);
  return TRUE;
}

/* Tab and Shift+Tab leave the list: arrows move between rows, so the list
 * is one stop, not one per row. */
static gboolean
list_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     KfUploadPage          *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (root == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  if (keyval == GDK_KEY_ISO_Left_Tab || (keyval == GDK_KEY_Tab && (state & GDK_SHIFT_MASK)))
    return gtk_widget_grab_focus (self->add_button);
  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    {
      /* Past the last widget of the window: around to the first. */
      gtk_root_set_focus (root, NULL);
      return gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD);
    }
  return FALSE;
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  KfUploadItem *item = lookup_item (self, parameter);

  if (item == NULL || kf_upload_item_get_link (item) == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), kf_upload_item_get_link (item));
  toast (self, _("Link copied"));
}

static void
open_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (widget);
  KfUploadItem *item = lookup_item (self, parameter);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (item == NULL || kf_upload_item_get_link (item) == NULL)
    return;
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                kf_upload_item_get_link (item), GDK_CURRENT_TIME);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  gtk_list_item_set_activatable (list_item, FALSE);
  /* GTK 4.8 focuses a row only when it is selectable; with no selection
   * model nothing is ever selected. */
  gtk_list_item_set_selectable (list_item, TRUE);
  gtk_list_item_set_child (list_item, GTK_WIDGET (kf_upload_row_new ()));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  kf_upload_row_set_item (KF_UPLOAD_ROW (gtk_list_item_get_child (list_item)),
                          gtk_list_item_get_item (list_item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  kf_upload_row_set_item (KF_UPLOAD_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
kf_upload_page_dispose (GObject *object)
{
  KfUploadPage *self = KF_UPLOAD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->undo_toast != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
      self->undo_toast = NULL;
    }
  g_clear_pointer (&self->undo_items, g_ptr_array_unref);
  g_clear_pointer (&self->undo_positions, g_array_unref);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  if (self->folder_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->folder_dialog), (gpointer *) &self->folder_dialog);
      self->folder_dialog = NULL;
    }
  if (self->queue != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->queue, self);
      g_signal_handlers_disconnect_by_data (kf_upload_queue_get_model (self->queue), self);
    }
  g_clear_object (&self->queue);
  if (self->rate_limit != NULL)
    g_signal_handlers_disconnect_by_data (self->rate_limit, self);
  g_clear_object (&self->rate_limit);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  self->list_view = NULL;
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->matches);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (kf_upload_page_parent_class)->dispose (object);
}

static void
kf_upload_page_class_init (KfUploadPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_upload_page_dispose;

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/kenfiles/Desktop/kf-upload-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, drop_area);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadPage, pause_all_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_install_action (widget_class, "upload.cancel", "s", item_action);
  gtk_widget_class_install_action (widget_class, "upload.retry", "s", item_action);
  gtk_widget_class_install_action (widget_class, "upload.pause", "s", item_action);
  gtk_widget_class_install_action (widget_class, "upload.resume", "s", item_action);
  gtk_widget_class_install_action (widget_class, "upload.toggle-pause-all", NULL, toggle_pause_all_action);
  gtk_widget_class_install_action (widget_class, "upload.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "upload.copy-link", "s", copy_link_action);
  gtk_widget_class_install_action (widget_class, "upload.open-link", "s", open_link_action);
  gtk_widget_class_install_action (widget_class, "upload.cancel-all", NULL, cancel_all_action);
  gtk_widget_class_install_action (widget_class, "upload.retry-failed", NULL, retry_failed_action);
  gtk_widget_class_install_action (widget_class, "upload.clear-finished", NULL, clear_finished_action);
  gtk_widget_class_install_action (widget_class, "upload.copy-all-links", NULL, copy_all_links_action);
  gtk_widget_class_install_action (widget_class, "upload.copy-focused-link", NULL, copy_focused_link_action);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, 0, remove_focused_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Delete, 0, remove_focused_cb, NULL);
}

static void
kf_upload_page_init (KfUploadPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);

  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (list_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);
  }

  self->drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (self->drop_area, GTK_EVENT_CONTROLLER (self->drop_target));
}

void
kf_upload_page_set_queue (KfUploadPage  *self,
                          KfUploadQueue *queue)
{
  g_return_if_fail (KF_IS_UPLOAD_PAGE (self));
  g_return_if_fail (KF_IS_UPLOAD_QUEUE (queue));
  g_return_if_fail (self->queue == NULL);

  self->queue = g_object_ref (queue);
  self->matches = g_list_store_new (KF_TYPE_UPLOAD_ITEM);
  self->selection = gtk_no_selection_new (g_object_ref (kf_upload_queue_get_model (queue)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect (kf_upload_queue_get_model (queue), "items-changed", G_CALLBACK (queue_items_changed_cb), self);
  /* A state change (a failure) is not an items-changed of the list. */
  g_signal_connect_swapped (queue, "batch-finished", G_CALLBACK (update_summary), self);
  g_signal_connect_swapped (queue, "notify::n-pending", G_CALLBACK (update_summary), self);
  g_signal_connect_swapped (queue, "notify::n-paused", G_CALLBACK (update_summary), self);
  update_summary (self);
}

void
kf_upload_page_set_rate_limit (KfUploadPage *self,
                               KfRateLimit  *limit)
{
  g_return_if_fail (KF_IS_UPLOAD_PAGE (self));
  g_return_if_fail (limit == NULL || KF_IS_RATE_LIMIT (limit));

  if (self->rate_limit != NULL)
    g_signal_handlers_disconnect_by_data (self->rate_limit, self);
  g_set_object (&self->rate_limit, limit);
  if (limit != NULL)
    g_signal_connect_swapped (limit, "notify::rate", G_CALLBACK (update_summary), self);
  update_summary (self);
}

GtkButton *
kf_upload_page_get_pause_all_button (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return self->pause_all_button;
}

GtkDropTarget *
kf_upload_page_get_drop_target (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return self->drop_target;
}

GtkListView *
kf_upload_page_get_list_view (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return self->list_view;
}

GtkLabel *
kf_upload_page_get_summary_label (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return self->summary_label;
}

GtkLabel *
kf_upload_page_get_progress_label (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return self->progress_label;
}

GtkEditable *
kf_upload_page_get_search_entry (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

GtkWidget *
kf_upload_page_get_folder_dialog (KfUploadPage *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_PAGE (self), NULL);

  return self->folder_dialog;
}
