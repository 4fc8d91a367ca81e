/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-adaptive-box.h"
#include "kf-files-item.h"
#include "kf-files-page-private.h"
#include "kf-files-row.h"
#include "kf-alert.h"
#include "kf-pages-util.h"
#include "kf-util.h"

#define PER_PAGE 50
#define ROOT_ID "0"

G_DEFINE_FINAL_TYPE (KfFilesPage, kf_files_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_CURRENT_FOLDER_ID,
  PROP_LOADING,
  PROP_SORT_ORDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_next_page (KfFilesPage *self);

/* The page's operations share op_cancellable, cancelled only in dispose:
 * a late answer (core delivers one that arrived as it was cancelled, so a
 * result is never lost) finds the page gone and shows nothing. */
gboolean
_kf_files_page_gone (KfFilesPage *self)
{
  return g_cancellable_is_cancelled (self->op_cancellable);
}

CallData *
_kf_files_page_call_data_new (KfFilesPage  *self,
                              GCancellable *cancellable,
                              const char   *id,
                              const char   *name)
{
  CallData *data = g_new0 (CallData, 1);

  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (cancellable);
  data->id = g_strdup (id);
  data->name = g_strdup (name);
  return data;
}

void
_kf_files_page_call_data_free (CallData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data->id);
  g_free (data->name);
  g_strfreev (data->codes);
  g_free (data);
}

static void
path_part_clear (gpointer data)
{
  PathPart *part = data;

  g_free (part->id);
  g_free (part->name);
}

static void
path_push (KfFilesPage *self,
           const char  *id,
           const char  *name)
{
  PathPart part = { g_strdup (id), g_strdup (name) };

  g_array_append_val (self->path, part);
}

const char *
_kf_files_page_current_id (KfFilesPage *self)
{
  return g_array_index (self->path, PathPart, self->path->len - 1).id;
}

gboolean
_kf_files_page_searching (KfFilesPage *self)
{
  return self->search != NULL && *self->search != '\0';
}

static void
set_loading (KfFilesPage *self,
             gboolean     loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_path_label (KfFilesPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (_kf_files_page_searching (self))
    {
      gtk_label_set_text (self->path_label, _("Search Results"));
      return;
    }

  for (guint i = 0; i < self->path->len; i++)
    {
      if (i > 0)
        g_string_append (text, " / ");
      g_string_append (text, g_array_index (self->path, PathPart, i).name);
    }
  gtk_label_set_text (self->path_label, text->str);
}

void
_kf_files_page_update_view (KfFilesPage *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  update_path_label (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.up",
                                 self->path->len > 1 && !_kf_files_page_searching (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.new-folder",
                                 self->client != NULL && !_kf_files_page_searching (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.refresh", self->client != NULL);
  _kf_files_page_update_selection (self);

  gtk_spinner_set_spinning (self->loading_spinner, self->loading && n_items == 0);
  gtk_spinner_set_spinning (self->more_spinner, self->loading_more);
  gtk_revealer_set_reveal_child (self->more_revealer, self->loading_more && n_items > 0);

  if (n_items > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
    }
  else if (self->error != NULL)
    {
      /* The status page's description is markup; the server's text is not. */
      g_autofree char *escaped = g_markup_escape_text (kf_pages_error_message (self->error), -1);

      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else if (self->loading || self->loading_more || self->client == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  else
    {
      adw_status_page_set_title (self->empty_page,
                                 _kf_files_page_searching (self) ? _("No Files Found") : _("This Folder Is Empty"));
      adw_status_page_set_description (self->empty_page,
                                       _kf_files_page_searching (self)
                                         ? _("No file name contains the text searched for.")
                                         : _("Files uploaded to this folder show up here."));
      adw_status_page_set_icon_name (self->empty_page,
                                     _kf_files_page_searching (self) ? "edit-find-symbolic" : "folder-symbolic");
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
}

/* Loads the next page while the list does not fill its window yet, or the
 * view is within a screen of its end. */
static void
maybe_load_more (KfFilesPage *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  double value = gtk_adjustment_get_value (adj);
  double page_size = gtk_adjustment_get_page_size (adj);
  double upper = gtk_adjustment_get_upper (adj);

  if (!self->has_more || self->loading_more || self->loading || self->error != NULL)
    return;

  /* Sorted by anything but the server's order, every page is needed. */
  if (value + 2 * page_size >= upper || self->sort != KF_FILES_SORT_SERVER)
    load_next_page (self);
}

static gboolean
maybe_load_more_idle (gpointer user_data)
{
  KfFilesPage *self = user_data;

  if (!_kf_files_page_gone (self))
    maybe_load_more (self);
  return G_SOURCE_REMOVE;
}

static void
adjustment_changed_cb (GtkAdjustment *adj,
                       KfFilesPage   *self)
{
  maybe_load_more (self);
}

static void
files_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(KfFileList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) new_items = NULL;

  list = kf_client_list_files_finish (KF_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    return;

  self->loading_more = FALSE;
  set_loading (self, FALSE);

  if (list == NULL)
    {
      self->page--;
      if (g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0)
        self->error = g_steal_pointer (&error);
      else
        {
          /* Rows already shown stay; Refresh starts over. */
          g_autofree char *text = g_strdup_printf (_("Could not load more files: %s"),
                                                   kf_pages_error_message (error));
          kf_pages_toast (GTK_WIDGET (self), text);
          self->has_more = FALSE;
        }
      _kf_files_page_update_view (self);
      return;
    }

  new_items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < list->files->len; i++)
    {
      const KfFileInfo *info = g_ptr_array_index (list->files, i);
      KfFilesItem *item;

      if (info->file_code == NULL || g_hash_table_contains (self->file_codes, info->file_code))
        continue;
      item = kf_files_item_new_file (info);
      g_hash_table_insert (self->file_codes, g_strdup (info->file_code), item);
      g_ptr_array_add (new_items, item);
    }
  g_list_store_splice (self->items, g_list_model_get_n_items (G_LIST_MODEL (self->items)), 0,
                       new_items->pdata, new_items->len);

  /* Files of the server's list up to this page (some may repeat ours). */
  self->n_files = (self->page - 1) * PER_PAGE + list->files->len;
  self->total = list->total;
  self->has_more = list->files->len >= PER_PAGE && (gint64) self->n_files < self->total;

  _kf_files_page_update_view (self);
  /* The adjustment settles after the next layout; check again then. */
  g_idle_add_full (G_PRIORITY_LOW, maybe_load_more_idle, g_object_ref (self), g_object_unref);
}

static void
load_next_page (KfFilesPage *self)
{
  if (self->client == NULL || self->loading_more || !self->has_more)
    return;

  self->loading_more = TRUE;
  self->page++;
  _kf_files_page_update_view (self);
  kf_client_list_files_async (self->client, self->page, PER_PAGE,
                              _kf_files_page_searching (self) ? NULL : _kf_files_page_current_id (self),
                              _kf_files_page_searching (self) ? self->search : NULL,
                              self->cancellable, files_listed_cb,
                              _kf_files_page_call_data_new (self, self->cancellable, NULL, NULL));
}

void
_kf_files_page_files_removed (KfFilesPage *self,
                              guint        n_removed)
{
  self->n_files = self->n_files > n_removed ? self->n_files - n_removed : 0;
  if (self->total >= 0)
    self->total = MAX (0, self->total - (gint64) n_removed);
  /* The page holding the first file not yet seen is asked next. */
  self->page = self->n_files / PER_PAGE;
  _kf_files_page_update_view (self);
  if (self->has_more)
    g_idle_add_full (G_PRIORITY_LOW, maybe_load_more_idle, g_object_ref (self), g_object_unref);
}

void
_kf_files_page_add_file (KfFilesPage      *self,
                         const KfFileInfo *info,
                         KfFilesItem      *after)
{
  g_autoptr(KfFilesItem) item = NULL;
  guint position = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  if (info->file_code == NULL || g_hash_table_contains (self->file_codes, info->file_code))
    return;
  item = kf_files_item_new_file (info);
  for (guint i = 0; after != NULL && i < position; i++)
    {
      g_autoptr(KfFilesItem) candidate = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (candidate == after)
        {
          position = i + 1;
          break;
        }
    }
  g_hash_table_insert (self->file_codes, g_strdup (info->file_code), item);
  g_list_store_insert (self->items, position, item);
  if (self->total >= 0)
    self->total++;
  _kf_files_page_update_view (self);
}

static int
compare_folders (gconstpointer a,
                 gconstpointer b)
{
  const KfFolder *fa = *(const KfFolder **) a;
  const KfFolder *fb = *(const KfFolder **) b;
  g_autofree char *ka = g_utf8_collate_key_for_filename (fa->name != NULL ? fa->name : "", -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (fb->name != NULL ? fb->name : "", -1);

  return strcmp (ka, kb);
}

static void
folders_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(KfFolderList) list = NULL;
  g_autoptr(GError) error = NULL;

  list = kf_client_list_folder_finish (KF_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    return;

  if (list == NULL && !g_error_matches (error, KF_ERROR, KF_ERROR_NOT_AVAILABLE))
    {
      set_loading (self, FALSE);
      self->error = g_steal_pointer (&error);
      _kf_files_page_update_view (self);
      return;
    }

  /* A server without folders still lists its files. */
  if (list != NULL && list->folders != NULL)
    {
      g_ptr_array_sort (list->folders, compare_folders);
      for (guint i = 0; i < list->folders->len; i++)
        {
          g_autoptr(KfFilesItem) item = kf_files_item_new_folder (g_ptr_array_index (list->folders, i));
          g_list_store_append (self->items, item);
        }
    }

  set_loading (self, FALSE);
  load_next_page (self);
}

void
kf_files_page_reload (KfFilesPage *self)
{
  g_return_if_fail (KF_IS_FILES_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_list_store_remove_all (self->items);
  g_hash_table_remove_all (self->file_codes);
  self->page = 0;
  self->n_files = 0;
  self->total = -1;
  self->has_more = TRUE;
  self->loading_more = FALSE;

  if (self->client == NULL)
    {
      set_loading (self, FALSE);
      _kf_files_page_update_view (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  self->loaded_once = TRUE;
  set_loading (self, TRUE);
  _kf_files_page_update_view (self);

  if (_kf_files_page_searching (self))
    {
      set_loading (self, FALSE);
      load_next_page (self);
      return;
    }

  kf_client_list_folder_async (self->client, _kf_files_page_current_id (self), self->cancellable,
                               folders_listed_cb,
                               _kf_files_page_call_data_new (self, self->cancellable, NULL, NULL));
}

/* --- Sorting ------------------------------------------------------------ */

static const char *const sort_names[] = {
  [KF_FILES_SORT_SERVER] = "server",
  [KF_FILES_SORT_NAME] = "name",
  [KF_FILES_SORT_DATE] = "date",
  [KF_FILES_SORT_SIZE] = "size",
  [KF_FILES_SORT_DOWNLOADS] = "downloads",
};

static int
compare_names (KfFilesItem *a,
               KfFilesItem *b)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (kf_files_item_get_name (a), -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (kf_files_item_get_name (b), -1);

  return strcmp (ka, kb);
}

static int
compare_descending (gint64 a,
                    gint64 b)
{
  return a > b ? -1 : a < b ? 1 : 0;
}

/* Folders first, by name (as listed); files by the chosen key, ties by name.
 * The server's order is the store's order. */
static int
sort_items_cb (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  KfFilesPage *self = user_data;
  KfFilesItem *ia = (KfFilesItem *) a;
  KfFilesItem *ib = (KfFilesItem *) b;
  gboolean fa = kf_files_item_is_folder (ia);
  gboolean fb = kf_files_item_is_folder (ib);
  int result = 0;

  if (fa != fb)
    return fa ? -1 : 1;
  if (fa || self->sort == KF_FILES_SORT_SERVER)
    return 0;

  switch (self->sort)
    {
    case KF_FILES_SORT_DATE:
      /* "YYYY-MM-DD HH:MM:SS" sorts as text; unknown dates last */
      result = -g_strcmp0 (kf_files_item_get_uploaded (ia), kf_files_item_get_uploaded (ib));
      break;
    case KF_FILES_SORT_SIZE:
      result = compare_descending (kf_files_item_get_size (ia), kf_files_item_get_size (ib));
      break;
    case KF_FILES_SORT_DOWNLOADS:
      result = compare_descending (kf_files_item_get_downloads (ia), kf_files_item_get_downloads (ib));
      break;
    case KF_FILES_SORT_NAME:
    case KF_FILES_SORT_SERVER:
    default:
      break;
    }
  return result != 0 ? result : compare_names (ia, ib);
}

static void
set_sort (KfFilesPage *self,
          const char  *name)
{
  KfFilesSort sort = KF_FILES_SORT_SERVER;

  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    {
      if (g_strcmp0 (sort_names[i], name) == 0)
        sort = i;
    }
  if (sort == self->sort)
    return;

  self->sort = sort;
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_ORDER]);
  /* The rest of the folder is needed to sort it. */
  g_idle_add_full (G_PRIORITY_LOW, maybe_load_more_idle, g_object_ref (self), g_object_unref);
}

/* --- Rows (KfFilesRow, from kf-files-page.ui's factory) ------------------ */

static void
list_activate_cb (GtkListView *list_view,
                  guint        position,
                  KfFilesPage *self)
{
  /* @position is in the sorted list the view shows. */
  g_autoptr(KfFilesItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item == NULL)
    return;
  /* A double click or Enter: a folder opens, a file shows its details. */
  if (kf_files_item_is_folder (item))
    kf_files_page_open_folder (self, kf_files_item_get_id (item), kf_files_item_get_name (item));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "files.details", "s", kf_files_item_get_id (item));
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   KfFilesPage    *self)
{
  kf_files_page_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* --- Operations -------------------------------------------------------- */

static KfFilesItem *
find_in_store (KfFilesPage *self,
               const char  *id,
               gboolean     folder,
               guint       *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KfFilesItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (kf_files_item_is_folder (item) == folder && g_strcmp0 (kf_files_item_get_id (item), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }
  return NULL;
}

KfFilesItem *
_kf_files_page_find_file (KfFilesPage *self,
                          const char  *id,
                          guint       *position)
{
  if (id == NULL || !g_hash_table_contains (self->file_codes, id))
    return NULL;
  if (position == NULL)
    return g_hash_table_lookup (self->file_codes, id);
  return find_in_store (self, id, FALSE, position);
}

KfFilesItem *
_kf_files_page_find_folder (KfFilesPage *self,
                            const char  *id,
                            guint       *position)
{
  return find_in_store (self, id, TRUE, position);
}

/* Takes @text; nothing is said once the page is gone. */
void
_kf_files_page_show_error (KfFilesPage  *self,
                      const GError *error,
                      char         *text)
{
  if (!kf_pages_error_is_cancelled (error) && !_kf_files_page_gone (self))
    kf_pages_toast (GTK_WIDGET (self), text);
  g_free (text);
}

static void
name_entry_changed_cb (GtkEditable      *entry,
                       GtkWidget        *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  kf_alert_set_response_enabled (dialog, g_object_get_data (G_OBJECT (dialog), "kf-response"),
                                 *text != '\0');
}

GtkWidget *
_kf_files_page_name_dialog_new (KfFilesPage *self,
                 const char  *heading,
                 const char  *body,
                 const char  *response_id,
                 const char  *response_label,
                 const char  *text)
{
  GtkWidget *dialog;
  GtkWidget *entry = gtk_entry_new ();

  dialog = kf_alert_new (GTK_WIDGET (self), heading, NULL);
  kf_alert_set_body (dialog, body);
  kf_alert_add_response (dialog, "cancel", _("_Cancel"));
  kf_alert_add_response (dialog, response_id, response_label);
  kf_alert_set_response_appearance (dialog, response_id, ADW_RESPONSE_SUGGESTED);
  kf_alert_set_default_response (dialog, response_id);
  kf_alert_set_close_response (dialog, "cancel");

  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);
  kf_alert_set_extra_child (dialog, entry);
  kf_alert_set_response_enabled (dialog, response_id, text != NULL && *text != '\0');
  g_object_set_data (G_OBJECT (dialog), "kf-response", (gpointer) g_intern_string (response_id));
  g_signal_connect (entry, "changed", G_CALLBACK (name_entry_changed_cb), dialog);
  return dialog;
}

char *
_kf_files_page_dup_dialog_name (GtkWidget        *dialog)
{
  GtkWidget *entry = kf_alert_get_extra_child (dialog);

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

static void
folder_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder_id = NULL;

  folder_id = kf_client_create_folder_finish (KF_CLIENT (object), result, &error);
  if (folder_id == NULL)
    {
      _kf_files_page_show_error (data->self, error,
                            g_strdup_printf (_("Could not create the folder: %s"), kf_pages_error_message (error)));
      return;
    }

  if (_kf_files_page_gone (data->self))
    return;

  kf_pages_toast (GTK_WIDGET (data->self), _("Folder created"));
  /* Only if the user is still looking at the parent. */
  if (g_strcmp0 (_kf_files_page_current_id (data->self), data->id) == 0 && !_kf_files_page_searching (data->self))
    kf_files_page_reload (data->self);
}

static void
new_folder_response_cb (GtkWidget        *dialog,
                        const char       *response,
                        KfFilesPage      *self)
{
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "create") != 0 || self->client == NULL)
    return;

  name = _kf_files_page_dup_dialog_name (dialog);
  if (*name == '\0')
    return;

  kf_client_create_folder_async (self->client, _kf_files_page_current_id (self), name, self->op_cancellable,
                                 folder_created_cb,
                                 _kf_files_page_call_data_new (self, self->op_cancellable, _kf_files_page_current_id (self), name));
}

static void
new_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  body = g_strdup_printf (_("The folder is created in “%s”."),
                          g_array_index (self->path, PathPart, self->path->len - 1).name);
  dialog = _kf_files_page_name_dialog_new (self, _("New Folder"), body, "create", _("C_reate"), NULL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (new_folder_response_cb), self, 0);
  kf_alert_present (dialog);
}

static void
file_renamed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(GError) error = NULL;
  KfFilesItem *item;

  if (!kf_client_rename_file_finish (KF_CLIENT (object), result, &error))
    {
      _kf_files_page_show_error (self, error,
                            g_strdup_printf (_("Could not rename the file: %s"), kf_pages_error_message (error)));
      return;
    }

  if (_kf_files_page_gone (self))
    return;

  /* Its row follows the item's properties. */
  item = _kf_files_page_find_file (self, data->id, NULL);
  if (item != NULL)
    kf_files_item_set_name (item, data->name);
  kf_pages_toast (GTK_WIDGET (self), _("File renamed"));
}

static void
rename_response_cb (GtkWidget        *dialog,
                    const char       *response,
                    KfFilesPage      *self)
{
  const char *code = g_object_get_data (G_OBJECT (dialog), "kf-code");
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "rename") != 0 || self->client == NULL)
    return;

  name = _kf_files_page_dup_dialog_name (dialog);
  if (*name == '\0')
    return;

  kf_client_rename_file_async (self->client, code, name, self->op_cancellable, file_renamed_cb,
                               _kf_files_page_call_data_new (self, self->op_cancellable, code, name));
}

static gboolean
select_basename_cb (gpointer user_data)
{
  GtkEditable *entry = user_data;
  const char *text = gtk_editable_get_text (entry);
  const char *dot = strrchr (text, '.');

  /* Like a file manager: the name without its extension is selected. */
  if (dot != NULL && dot != text)
    gtk_editable_select_region (entry, 0, g_utf8_pointer_to_offset (text, dot));
  return G_SOURCE_REMOVE;
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  const char *code = g_variant_get_string (parameter, NULL);
  KfFilesItem *item = _kf_files_page_find_file (self, code, NULL);
  GtkWidget *dialog;
  GtkWidget *entry;

  dialog = _kf_files_page_name_dialog_new (self, _("Rename File"), _("The file keeps its link."),
                            "rename", _("_Rename"),
                            item != NULL ? kf_files_item_get_name (item) : NULL);
  g_object_set_data_full (G_OBJECT (dialog), "kf-code", g_strdup (code), g_free);
  entry = kf_alert_get_extra_child (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  kf_alert_present (dialog);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, select_basename_cb, g_object_ref (entry), g_object_unref);
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  const char *code = g_variant_get_string (parameter, NULL);
  KfFilesItem *item = _kf_files_page_find_file (self, code, NULL);
  g_autofree char *url = NULL;

  if (item != NULL && kf_files_item_get_url (item) != NULL)
    url = g_strdup (kf_files_item_get_url (item));
  else if (self->client != NULL)
    url = kf_client_build_file_url (self->client, code);

  if (url != NULL)
    kf_pages_copy_text (widget, url, _("Link copied"));
}

static void
direct_link_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(KfDirectLink) link = NULL;
  g_autoptr(GError) error = NULL;

  link = kf_client_get_direct_link_finish (KF_CLIENT (object), result, &error);
  if (link == NULL)
    {
      _kf_files_page_show_error (self, error,
                            g_strdup_printf (_("Could not get the direct link: %s"), kf_pages_error_message (error)));
      return;
    }

  if (_kf_files_page_gone (self))
    return;

  if (g_strcmp0 (data->name, "open") == 0)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, link->url, GDK_CURRENT_TIME);
    }
  else
    {
      kf_pages_copy_text (GTK_WIDGET (self), link->url, _("Direct link copied"));
    }
}

static void
direct_link_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  const char *code = g_variant_get_string (parameter, NULL);
  gboolean open = g_str_equal (action_name, "files.open-direct-link");

  if (self->client == NULL)
    return;

  kf_client_get_direct_link_async (self->client, code, self->op_cancellable, direct_link_cb,
                                   _kf_files_page_call_data_new (self, self->op_cancellable, code,
                                                  open ? "open" : "copy"));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  kf_files_page_reload (KF_FILES_PAGE (widget));
}

static void
up_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);

  if (self->path->len <= 1)
    return;

  g_array_set_size (self->path, self->path->len - 1);
  kf_files_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_FOLDER_ID]);
}

/* --- GObject ----------------------------------------------------------- */

static void
kf_files_page_map (GtkWidget *widget)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);

  GTK_WIDGET_CLASS (kf_files_page_parent_class)->map (widget);

  if (!self->loaded_once && self->client != NULL)
    kf_files_page_reload (self);
}

static void
kf_files_page_dispose (GObject *object)
{
  KfFilesPage *self = KF_FILES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->op_cancellable);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kf_files_page_parent_class)->dispose (object);
}

static void
kf_files_page_finalize (GObject *object)
{
  KfFilesPage *self = KF_FILES_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->op_cancellable);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->sorter);
  g_clear_object (&self->items);
  g_clear_pointer (&self->file_codes, g_hash_table_unref);
  g_clear_pointer (&self->path, g_array_unref);
  g_clear_error (&self->error);
  g_free (self->search);

  G_OBJECT_CLASS (kf_files_page_parent_class)->finalize (object);
}

static void
kf_files_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KfFilesPage *self = KF_FILES_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_CURRENT_FOLDER_ID:
      g_value_set_string (value, _kf_files_page_current_id (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading || self->loading_more);
      break;
    case PROP_SORT_ORDER:
      g_value_set_string (value, sort_names[self->sort]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_files_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KfFilesPage *self = KF_FILES_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      kf_files_page_set_client (self, g_value_get_object (value));
      break;
    case PROP_CURRENT_FOLDER_ID:
      kf_files_page_set_current_folder_id (self, g_value_get_string (value));
      break;
    case PROP_SORT_ORDER:
      set_sort (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_files_page_class_init (KfFilesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_files_page_dispose;
  object_class->finalize = kf_files_page_finalize;
  object_class->get_property = kf_files_page_get_property;
  object_class->set_property = kf_files_page_set_property;

  widget_class->map = kf_files_page_map;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, KF_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_FOLDER_ID] =
    g_param_spec_string ("current-folder-id", NULL, NULL, ROOT_ID,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "server" (the server's order, paged as scrolled), "name", "date"
   * (newest first), "size" (largest first), "downloads" (most first). */
  properties[PROP_SORT_ORDER] =
    g_param_spec_string ("sort-order", NULL, NULL, "server",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  kf_app_ensure_resources ();
  g_type_ensure (KF_TYPE_ADAPTIVE_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/kenfiles/Desktop/kf-files-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, path_label);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, more_revealer);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, more_spinner);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, selection_revealer);
  gtk_widget_class_bind_template_child (widget_class, KfFilesPage, selection_label);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  /* The rows' factory in the template builds them by type name. */
  g_type_ensure (KF_TYPE_FILES_ROW);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_install_action (widget_class, "files.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "files.up", NULL, up_action);
  gtk_widget_class_install_action (widget_class, "files.new-folder", NULL, new_folder_action);
  gtk_widget_class_install_action (widget_class, "files.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "files.copy-link", "s", copy_link_action);
  gtk_widget_class_install_action (widget_class, "files.copy-direct-link", "s", direct_link_action);
  gtk_widget_class_install_action (widget_class, "files.open-direct-link", "s", direct_link_action);

  gtk_widget_class_install_property_action (widget_class, "files.sort", "sort-order");
  _kf_files_page_manage_class_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "files.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "files.up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, GDK_ALT_MASK, "files.up", NULL);
}

static void
kf_files_page_init (KfFilesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (KF_TYPE_FILES_ITEM);
  self->file_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->path = g_array_new (FALSE, TRUE, sizeof (PathPart));
  g_array_set_clear_func (self->path, path_part_clear);
  path_push (self, ROOT_ID, _("All Files"));
  self->op_cancellable = g_cancellable_new ();
  self->total = -1;

  self->sorter = gtk_custom_sorter_new (sort_items_cb, self, NULL);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->items)),
                                          GTK_SORTER (g_object_ref (self->sorter)));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  _kf_files_page_manage_init (self);

  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (adjustment_changed_cb), self, 0);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (adjustment_changed_cb), self, 0);

  _kf_files_page_update_view (self);
}

GtkWidget *
kf_files_page_new (KfClient *client)
{
  return g_object_new (KF_TYPE_FILES_PAGE, "client", client, NULL);
}

KfClient *
kf_files_page_get_client (KfFilesPage *self)
{
  g_return_val_if_fail (KF_IS_FILES_PAGE (self), NULL);

  return self->client;
}

void
kf_files_page_set_client (KfFilesPage *self,
                          KfClient    *client)
{
  g_return_if_fail (KF_IS_FILES_PAGE (self));
  g_return_if_fail (client == NULL || KF_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  g_array_set_size (self->path, 1);
  self->loaded_once = FALSE;
  if (client == NULL || gtk_widget_get_mapped (GTK_WIDGET (self)))
    kf_files_page_reload (self);
  else
    _kf_files_page_update_view (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_FOLDER_ID]);
}

const char *
kf_files_page_get_current_folder_id (KfFilesPage *self)
{
  g_return_val_if_fail (KF_IS_FILES_PAGE (self), NULL);

  return _kf_files_page_current_id (self);
}

void
kf_files_page_set_current_folder_id (KfFilesPage *self,
                                     const char  *folder_id)
{
  g_return_if_fail (KF_IS_FILES_PAGE (self));

  if (folder_id == NULL || *folder_id == '\0')
    folder_id = ROOT_ID;

  if (g_strcmp0 (folder_id, _kf_files_page_current_id (self)) == 0)
    return;

  /* Only the ID is known: the path shows it under the root. */
  g_array_set_size (self->path, 1);
  if (g_strcmp0 (folder_id, ROOT_ID) != 0)
    {
      /* TRANSLATORS: a folder whose name is not known, %s is its ID */
      g_autofree char *name = g_strdup_printf (_("Folder %s"), folder_id);
      path_push (self, folder_id, name);
    }

  if (self->loaded_once || gtk_widget_get_mapped (GTK_WIDGET (self)))
    kf_files_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_FOLDER_ID]);
}

void
kf_files_page_open_folder (KfFilesPage *self,
                           const char  *folder_id,
                           const char  *name)
{
  g_return_if_fail (KF_IS_FILES_PAGE (self));
  g_return_if_fail (folder_id != NULL);

  if (_kf_files_page_searching (self))
    {
      /* Leaving the search: the folder opens from the root. */
      g_clear_pointer (&self->search, g_free);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      g_array_set_size (self->path, 1);
    }

  path_push (self, folder_id, name != NULL ? name : folder_id);
  kf_files_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_FOLDER_ID]);
}

void
kf_files_page_set_search_text (KfFilesPage *self,
                               const char  *text)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (KF_IS_FILES_PAGE (self));

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (g_strcmp0 (stripped, self->search != NULL ? self->search : "") == 0)
    return;

  g_free (self->search);
  self->search = g_steal_pointer (&stripped);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  kf_files_page_reload (self);
}

gboolean
kf_files_page_get_loading (KfFilesPage *self)
{
  g_return_val_if_fail (KF_IS_FILES_PAGE (self), FALSE);

  return self->loading || self->loading_more;
}

GListModel *
kf_files_page_get_items (KfFilesPage *self)
{
  g_return_val_if_fail (KF_IS_FILES_PAGE (self), NULL);

  return G_LIST_MODEL (self->items);
}

GtkSelectionModel *
kf_files_page_get_selection (KfFilesPage *self)
{
  g_return_val_if_fail (KF_IS_FILES_PAGE (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

gboolean
kf_files_page_get_has_more (KfFilesPage *self)
{
  g_return_val_if_fail (KF_IS_FILES_PAGE (self), FALSE);

  return self->has_more;
}

void
kf_files_page_load_more (KfFilesPage *self)
{
  g_return_if_fail (KF_IS_FILES_PAGE (self));

  if (!self->loading)
    load_next_page (self);
}
