/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Files page's selection and what changes files on the server from it:
 * move (folder picker and drops on folder rows), clone, details, folder
 * rename, Copy Links. Each call refreshes only the rows it changed. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-alert.h"
#include "kf-files-page-private.h"
#include "kf-files-row.h"
#include "kf-folder-picker.h"
#include "kf-link-format.h"
#include "kf-pages-util.h"
#include "kf-util.h"

/* --- Selection --------------------------------------------------------- */

/* The selected rows in the order shown; @files_only skips folders. */
static GPtrArray *
selected_items (KfFilesPage *self,
                gboolean     files_only)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more; more = gtk_bitset_iter_next (&iter, &position))
    {
      KfFilesItem *item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (item == NULL)
        continue;
      if (files_only && kf_files_item_is_folder (item))
        g_object_unref (item);
      else
        g_ptr_array_add (items, item);
    }
  return items;
}

static GStrv
items_codes (GPtrArray *items)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < items->len; i++)
    g_strv_builder_add (builder, kf_files_item_get_id (g_ptr_array_index (items, i)));
  return g_strv_builder_end (builder);
}

void
_kf_files_page_update_selection (KfFilesPage *self)
{
  g_autoptr(GPtrArray) items = selected_items (self, FALSE);
  guint n_files = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < items->len; i++)
    {
      if (!kf_files_item_is_folder (g_ptr_array_index (items, i)))
        n_files++;
    }

  if (n_files == items->len)
    /* TRANSLATORS: shown in the bar of actions while files are selected */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file selected", "%u files selected",
                                         n_files), n_files);
  else
    /* TRANSLATORS: folders and files are selected; only files can be moved or copied */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item selected", "%u items selected",
                                         items->len), items->len);
  gtk_label_set_text (self->selection_label, text);
  gtk_revealer_set_reveal_child (self->selection_revealer, items->len > 0);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.select-none", items->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.copy-links", n_files > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.move-selection", n_files > 0 && self->client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.clone-selection", n_files > 0 && self->client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.details-selection",
                                 n_files == 1 && items->len == 1 && self->client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.rename-selection",
                                 items->len == 1 && self->client != NULL);
}

static void
selection_changed_cb (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      KfFilesPage       *self)
{
  _kf_files_page_update_selection (self);
}

static void
items_changed_cb (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  KfFilesPage *self)
{
  _kf_files_page_update_selection (self);
}

static void
select_none_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
}

/* --- Copy Links -------------------------------------------------------- */

static char *
links_text (KfFilesPage *self,
            GPtrArray   *files)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < files->len; i++)
    {
      KfFilesItem *item = g_ptr_array_index (files, i);
      g_autofree char *url = kf_files_item_get_url (item) != NULL
                             ? g_strdup (kf_files_item_get_url (item))
                             : kf_client_build_file_url (self->client, kf_files_item_get_id (item));
      g_autofree char *line = kf_link_format (KF_LINK_FORMAT_PLAIN, url, kf_files_item_get_name (item));

      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
kf_files_page_copy_selected_links (KfFilesPage *self)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *text = NULL;
  g_autofree char *toast = NULL;

  g_return_val_if_fail (KF_IS_FILES_PAGE (self), FALSE);

  files = selected_items (self, TRUE);
  if (files->len == 0 || self->client == NULL)
    return FALSE;

  text = links_text (self, files);
  toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u link copied", "%u links copied",
                                        files->len), files->len);
  kf_pages_copy_text (GTK_WIDGET (self), text, toast);
  return TRUE;
}

static void
copy_links_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  kf_files_page_copy_selected_links (KF_FILES_PAGE (widget));
}

GdkContentProvider *
_kf_files_page_drag_content (KfFilesPage *self,
                             KfFilesItem *item)
{
  g_autoptr(GPtrArray) files = selected_items (self, TRUE);
  g_auto(GStrv) codes = NULL;
  g_autofree char *text = NULL;
  GdkContentProvider *providers[2];
  gboolean in_selection = FALSE;

  for (guint i = 0; i < files->len && !in_selection; i++)
    in_selection = g_ptr_array_index (files, i) == item;
  if (!in_selection)
    {
      g_ptr_array_set_size (files, 0);
      g_ptr_array_add (files, g_object_ref (item));
    }

  codes = items_codes (files);
  text = self->client != NULL ? links_text (self, files) : g_strdup ("");
  /* codes for a folder row here; links for anything else that takes text */
  providers[0] = gdk_content_provider_new_typed (G_TYPE_STRV, codes);
  providers[1] = gdk_content_provider_new_typed (G_TYPE_STRING, text);
  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

/* --- Move -------------------------------------------------------------- */

static void
files_moved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length (data->codes);
  guint n_removed = 0;
  g_autofree char *text = NULL;

  if (!kf_client_move_files_finish (KF_CLIENT (object), result, &error))
    {
      _kf_files_page_show_error (self, error,
                                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "Could not move the file: %s",
                                                               "Could not move the files: %s", n),
                                                  kf_pages_error_message (error)));
      return;
    }
  if (_kf_files_page_gone (self))
    return;

  /* They left the folder shown (a search lists every folder: they stay). */
  if (!_kf_files_page_searching (self) &&
      g_strcmp0 (data->id, _kf_files_page_current_id (self)) != 0)
    {
      for (guint i = 0; i < n; i++)
        {
          guint position;

          if (_kf_files_page_find_file (self, data->codes[i], &position) == NULL)
            continue;
          g_hash_table_remove (self->file_codes, data->codes[i]);
          g_list_store_remove (self->items, position);
          n_removed++;
        }
      if (n_removed > 0)
        _kf_files_page_files_removed (self, n_removed);
    }

  /* TRANSLATORS: %u is a number of files, %s the folder's name */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Moved %u file to “%s”",
                                       "Moved %u files to “%s”", n), n, data->name);
  kf_pages_toast (GTK_WIDGET (self), text);
}

static const char *
folder_name (KfFilesPage *self,
             const char  *folder_id)
{
  KfFilesItem *folder;

  for (guint i = 0; i < self->path->len; i++)
    {
      PathPart *part = &g_array_index (self->path, PathPart, i);

      if (g_strcmp0 (part->id, folder_id) == 0)
        return part->name;
    }
  folder = _kf_files_page_find_folder (self, folder_id, NULL);
  return folder != NULL ? kf_files_item_get_name (folder) : folder_id;
}

static void
start_move (KfFilesPage        *self,
            const char * const *codes,
            const char         *folder_id,
            const char         *name)
{
  CallData *data;

  if (self->client == NULL || codes == NULL || codes[0] == NULL)
    return;

  data = _kf_files_page_call_data_new (self, self->op_cancellable, folder_id,
                                       name != NULL ? name : folder_name (self, folder_id));
  data->codes = g_strdupv ((GStrv) codes);
  kf_client_move_files_async (self->client, codes, folder_id, self->op_cancellable,
                              files_moved_cb, data);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  g_autofree const char **codes = NULL;
  const char *folder_id = NULL;

  g_variant_get (parameter, "(^a&s&s)", &codes, &folder_id);
  start_move (self, codes, folder_id, NULL);
}

static void
picker_changed_cb (KfFolderPicker *picker,
                   GParamSpec     *pspec,
                   GtkWidget      *dialog)
{
  const char *source = g_object_get_data (G_OBJECT (dialog), "kf-source-folder");

  /* Moving files into the folder they are in does nothing. */
  kf_alert_set_response_enabled (dialog, "move",
                                 g_strcmp0 (kf_folder_picker_get_folder_id (picker), source) != 0);
}

static void
move_response_cb (GtkWidget   *dialog,
                  const char  *response,
                  KfFilesPage *self)
{
  KfFolderPicker *picker = KF_FOLDER_PICKER (kf_alert_get_extra_child (dialog));
  GStrv codes = g_object_get_data (G_OBJECT (dialog), "kf-codes");

  if (g_strcmp0 (response, "move") == 0)
    start_move (self, (const char * const *) codes, kf_folder_picker_get_folder_id (picker),
                kf_folder_picker_get_folder_name (picker));
}

static void
show_move_dialog (KfFilesPage *self,
                  GStrv        codes)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *heading = NULL;
  guint n = g_strv_length (codes);
  GtkWidget *dialog;
  GtkWidget *picker;

  if (self->client == NULL || n == 0)
    {
      g_strfreev (codes);
      return;
    }

  /* The picker starts at the folder shown (the top one for a search). */
  for (guint i = 0; i < (_kf_files_page_searching (self) ? 1 : self->path->len); i++)
    {
      g_ptr_array_add (ids, g_array_index (self->path, PathPart, i).id);
      g_ptr_array_add (names, g_array_index (self->path, PathPart, i).name);
    }
  picker = kf_folder_picker_new (self->client, (const char * const *) ids->pdata,
                                 (const char * const *) names->pdata, ids->len);

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Move %u File", "Move %u Files", n), n);
  dialog = kf_alert_new (GTK_WIDGET (self), heading, NULL);
  kf_alert_set_body (dialog, _("Open the folder to move into, then choose Move Here."));
  kf_alert_add_response (dialog, "cancel", _("_Cancel"));
  kf_alert_add_response (dialog, "move", _("_Move Here"));
  kf_alert_set_response_appearance (dialog, "move", ADW_RESPONSE_SUGGESTED);
  kf_alert_set_close_response (dialog, "cancel");
  kf_alert_set_extra_child (dialog, picker);
  g_object_set_data_full (G_OBJECT (dialog), "kf-codes", codes, (GDestroyNotify) g_strfreev);
  /* Search results come from any folder: no folder is theirs for sure. */
  g_object_set_data_full (G_OBJECT (dialog), "kf-source-folder",
                          _kf_files_page_searching (self) ? NULL : g_strdup (_kf_files_page_current_id (self)),
                          g_free);
  g_signal_connect_object (picker, "notify::folder-id", G_CALLBACK (picker_changed_cb), dialog, 0);
  picker_changed_cb (KF_FOLDER_PICKER (picker), NULL, dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (move_response_cb), self, 0);
  kf_alert_present (dialog);
}

static void
move_selection_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  g_autoptr(GPtrArray) files = selected_items (self, TRUE);

  show_move_dialog (self, items_codes (files));
}

static void
move_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  const char *code = g_variant_get_string (parameter, NULL);

  show_move_dialog (KF_FILES_PAGE (widget), g_strdupv ((char *[]) { (char *) code, NULL }));
}

/* --- Clone ------------------------------------------------------------- */

static void
clone_info_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;
  KfFileInfo known = { 0 };
  const KfFileInfo *info = NULL;
  KfFilesItem *original;
  g_autofree char *text = NULL;

  infos = kf_client_get_file_info_finish (KF_CLIENT (object), result, &error);
  if (_kf_files_page_gone (self))
    return;

  for (guint i = 0; infos != NULL && i < infos->len && info == NULL; i++)
    {
      const KfFileInfo *candidate = g_ptr_array_index (infos, i);

      if (g_strcmp0 (candidate->file_code, data->codes[0]) == 0 &&
          g_strcmp0 (candidate->status, "404") != 0)
        info = candidate;
    }

  original = _kf_files_page_find_file (self, data->id, NULL);
  if (info == NULL)
    {
      /* The copy exists; show it with what is known of it. */
      known.file_code = data->codes[0];
      known.url = data->codes[1];
      known.name = original != NULL ? (char *) kf_files_item_get_name (original) : data->codes[0];
      known.size = original != NULL ? kf_files_item_get_size (original) : -1;
      known.downloads = -1;
      info = &known;
    }

  /* A copy is in the original's folder: shown there, or in the search. */
  if (original != NULL)
    _kf_files_page_add_file (self, info, original);

  /* TRANSLATORS: %s is the file's name */
  text = g_strdup_printf (_("Copy of “%s” made"), data->name);
  kf_pages_toast (GTK_WIDGET (self), text);
}

static void
file_cloned_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(KfFileInfo) copy = NULL;
  g_autoptr(GError) error = NULL;
  const char *codes[2] = { NULL, NULL };
  CallData *info_data;

  copy = kf_client_clone_file_finish (KF_CLIENT (object), result, &error);
  if (copy == NULL)
    {
      /* TRANSLATORS: %s is the file's name, then the reason */
      _kf_files_page_show_error (self, error,
                                 g_strdup_printf (_("Could not copy “%s”: %s"), data->name,
                                                  kf_pages_error_message (error)));
      return;
    }
  if (_kf_files_page_gone (self))
    return;

  info_data = _kf_files_page_call_data_new (self, self->op_cancellable, data->id, data->name);
  info_data->codes = g_strdupv ((char *[]) { copy->file_code, copy->url, NULL });
  codes[0] = copy->file_code;
  kf_client_get_file_info_async (self->client, codes, self->op_cancellable, clone_info_cb, info_data);
}

static void
start_clone (KfFilesPage *self,
             const char  *code)
{
  KfFilesItem *item = _kf_files_page_find_file (self, code, NULL);

  if (self->client == NULL)
    return;
  kf_client_clone_file_async (self->client, code, NULL, self->op_cancellable, file_cloned_cb,
                              _kf_files_page_call_data_new (self, self->op_cancellable, code,
                                                            item != NULL ? kf_files_item_get_name (item) : code));
}

static void
clone_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  start_clone (KF_FILES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
clone_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  g_autoptr(GPtrArray) files = selected_items (self, TRUE);

  for (guint i = 0; i < files->len; i++)
    start_clone (self, kf_files_item_get_id (g_ptr_array_index (files, i)));
}

/* --- Details ----------------------------------------------------------- */

static void
add_detail (GtkGrid    *grid,
            int         row,
            const char *title,
            const char *value)
{
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *value_label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title_label), 1);
  gtk_label_set_yalign (GTK_LABEL (title_label), 0);
  gtk_widget_add_css_class (title_label, "dim-label");
  /* server text, shown as it is and selectable */
  gtk_label_set_use_markup (GTK_LABEL (value_label), FALSE);
  gtk_label_set_text (GTK_LABEL (value_label), value);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  /* not wrapped: a wrapping label made the alert as tall as the screen */
  gtk_label_set_ellipsize (GTK_LABEL (value_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_width_chars (GTK_LABEL (value_label), 20);
  gtk_label_set_max_width_chars (GTK_LABEL (value_label), 48);
  gtk_widget_set_tooltip_text (value_label, value);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL, -1);
  gtk_grid_attach (grid, title_label, 0, row, 1, 1);
  gtk_grid_attach (grid, value_label, 1, row, 1, 1);
}

static void
details_response_cb (GtkWidget   *dialog,
                     const char  *response,
                     KfFilesPage *self)
{
  if (g_strcmp0 (response, "copy") == 0)
    kf_pages_copy_text (GTK_WIDGET (self), g_object_get_data (G_OBJECT (dialog), "kf-url"),
                        _("Link copied"));
}

static void
details_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;
  const KfFileInfo *info = NULL;
  g_autofree char *size = NULL, *downloads = NULL, *uploaded = NULL, *url = NULL;
  KfFilesItem *item;
  GtkWidget *dialog;
  GtkWidget *grid;
  int row = 0;

  infos = kf_client_get_file_info_finish (KF_CLIENT (object), result, &error);
  if (infos == NULL)
    {
      _kf_files_page_show_error (self, error,
                                 g_strdup_printf (_("Could not get the file’s details: %s"),
                                                  kf_pages_error_message (error)));
      return;
    }
  if (_kf_files_page_gone (self))
    return;

  for (guint i = 0; i < infos->len && info == NULL; i++)
    {
      const KfFileInfo *candidate = g_ptr_array_index (infos, i);

      if (g_strcmp0 (candidate->file_code, data->id) == 0 && g_strcmp0 (candidate->status, "404") != 0)
        info = candidate;
    }
  if (info == NULL)
    {
      /* TRANSLATORS: %s is the file's name */
      g_autofree char *text = g_strdup_printf (_("The server no longer knows “%s”."), data->name);

      kf_pages_toast (GTK_WIDGET (self), text);
      return;
    }

  /* The row shows what the server just said. */
  item = _kf_files_page_find_file (self, data->id, NULL);
  if (item != NULL)
    kf_files_item_update (item, info);

  size = info->size >= 0 ? kf_format_size (info->size) : g_strdup (_("Unknown"));
  downloads = info->downloads >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, info->downloads)
                                   : g_strdup (_("Unknown"));
  uploaded = info->uploaded != NULL ? kf_files_row_format_uploaded (info->uploaded) : g_strdup (_("Unknown"));
  url = info->url != NULL ? g_strdup (info->url) : kf_client_build_file_url (self->client, data->id);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  add_detail (GTK_GRID (grid), row++, _("Name"), info->name != NULL ? info->name : data->name);
  add_detail (GTK_GRID (grid), row++, _("Size"), size);
  add_detail (GTK_GRID (grid), row++, _("Downloads"), downloads);
  add_detail (GTK_GRID (grid), row++, _("Uploaded"), uploaded);
  add_detail (GTK_GRID (grid), row++, _("Link"), url);
  add_detail (GTK_GRID (grid), row++, _("Code"), data->id);

  dialog = kf_alert_new (GTK_WIDGET (self), _("File Details"), NULL);
  kf_alert_add_response (dialog, "close", _("_Close"));
  kf_alert_add_response (dialog, "copy", _("Copy _Link"));
  kf_alert_set_response_appearance (dialog, "copy", ADW_RESPONSE_SUGGESTED);
  kf_alert_set_default_response (dialog, "close");
  kf_alert_set_close_response (dialog, "close");
  kf_alert_set_extra_child (dialog, grid);
  g_object_set_data_full (G_OBJECT (dialog), "kf-url", g_steal_pointer (&url), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (details_response_cb), self, 0);
  kf_alert_present (dialog);
}

static void
show_details (KfFilesPage *self,
              const char  *code)
{
  KfFilesItem *item = _kf_files_page_find_file (self, code, NULL);
  const char *codes[2] = { code, NULL };

  if (self->client == NULL)
    return;
  kf_client_get_file_info_async (self->client, codes, self->op_cancellable, details_cb,
                                 _kf_files_page_call_data_new (self, self->op_cancellable, code,
                                                               item != NULL ? kf_files_item_get_name (item) : code));
}

static void
details_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_details (KF_FILES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
details_selection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  g_autoptr(GPtrArray) files = selected_items (self, TRUE);

  if (files->len == 1)
    show_details (self, kf_files_item_get_id (g_ptr_array_index (files, 0)));
}

/* --- Folder rename ----------------------------------------------------- */

static void
folder_renamed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  KfFilesPage *self = data->self;
  g_autoptr(GError) error = NULL;
  KfFilesItem *item;

  if (!kf_client_rename_folder_finish (KF_CLIENT (object), result, &error))
    {
      _kf_files_page_show_error (self, error,
                                 g_strdup_printf (_("Could not rename the folder: %s"),
                                                  kf_pages_error_message (error)));
      return;
    }
  if (_kf_files_page_gone (self))
    return;

  item = _kf_files_page_find_folder (self, data->id, NULL);
  if (item != NULL)
    kf_files_item_set_name (item, data->name);
  kf_pages_toast (GTK_WIDGET (self), _("Folder renamed"));
}

static void
rename_folder_response_cb (GtkWidget   *dialog,
                           const char  *response,
                           KfFilesPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "kf-folder-id");
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "rename") != 0 || self->client == NULL)
    return;

  name = _kf_files_page_dup_dialog_name (dialog);
  if (*name == '\0')
    return;

  kf_client_rename_folder_async (self->client, id, name, self->op_cancellable, folder_renamed_cb,
                                 _kf_files_page_call_data_new (self, self->op_cancellable, id, name));
}

static void
rename_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  KfFilesItem *item = _kf_files_page_find_folder (self, id, NULL);
  GtkWidget *dialog;

  dialog = _kf_files_page_name_dialog_new (self, _("Rename Folder"),
                                           _("Links to its files stay the same."),
                                           "rename", _("_Rename"),
                                           item != NULL ? kf_files_item_get_name (item) : NULL);
  g_object_set_data_full (G_OBJECT (dialog), "kf-folder-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_folder_response_cb), self, 0);
  kf_alert_present (dialog);
}

static void
rename_selection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KfFilesPage *self = KF_FILES_PAGE (widget);
  g_autoptr(GPtrArray) items = selected_items (self, FALSE);
  KfFilesItem *item;

  if (items->len != 1)
    return;
  item = g_ptr_array_index (items, 0);
  gtk_widget_activate_action (widget, kf_files_item_is_folder (item) ? "files.rename-folder" : "files.rename",
                              "s", kf_files_item_get_id (item));
}

/* --- Setup ------------------------------------------------------------- */

void
_kf_files_page_manage_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "files.select-none", NULL, select_none_action);
  gtk_widget_class_install_action (widget_class, "files.copy-links", NULL, copy_links_action);
  gtk_widget_class_install_action (widget_class, "files.move", "(ass)", move_action);
  gtk_widget_class_install_action (widget_class, "files.move-file", "s", move_file_action);
  gtk_widget_class_install_action (widget_class, "files.move-selection", NULL, move_selection_action);
  gtk_widget_class_install_action (widget_class, "files.clone", "s", clone_action);
  gtk_widget_class_install_action (widget_class, "files.clone-selection", NULL, clone_selection_action);
  gtk_widget_class_install_action (widget_class, "files.details", "s", details_action);
  gtk_widget_class_install_action (widget_class, "files.details-selection", NULL, details_selection_action);
  gtk_widget_class_install_action (widget_class, "files.rename-folder", "s", rename_folder_action);
  gtk_widget_class_install_action (widget_class, "files.rename-selection", NULL, rename_selection_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "files.select-none", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "files.copy-links", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "files.rename-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_ALT_MASK, "files.details-selection", NULL);
}

void
_kf_files_page_manage_init (KfFilesPage *self)
{
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self, 0);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (items_changed_cb), self, 0);
  _kf_files_page_update_selection (self);
}
