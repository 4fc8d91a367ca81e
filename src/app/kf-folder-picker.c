/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kf-folder-picker.h"
#include "kf-pages-util.h"

struct _KfFolderPicker
{
  GtkBox        parent_instance;

  KfClient     *client;
  GPtrArray    *ids;              /* from the top down */
  GPtrArray    *names;
  GCancellable *cancellable;      /* the listing in flight */
  gboolean      loading;

  GtkWidget    *up_button;
  GtkLabel     *path_label;
  GtkStack     *stack;
  GtkListBox   *list;
  AdwStatusPage *status;
};

G_DEFINE_FINAL_TYPE (KfFolderPicker, kf_folder_picker, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_FOLDER_ID,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load (KfFolderPicker *self);

/* One folder/list call: the picker, kept alive, and the listing's own
 * cancellable, to tell a stale answer. */
typedef struct {
  KfFolderPicker *self;
  GCancellable   *cancellable;
} Listing;

static void
listing_free (Listing *call)
{
  g_object_unref (call->self);
  g_object_unref (call->cancellable);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listing, listing_free)

static void
set_loading (KfFolderPicker *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static GtkWidget *
folder_row_new (const KfFolder *folder)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("folder-symbolic");
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  /* the server's text, as plain text */
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_text (GTK_LABEL (label), folder->name != NULL ? folder->name : folder->folder_id);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (arrow, "dim-label");
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), arrow);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data_full (G_OBJECT (row), "kf-folder-id", g_strdup (folder->folder_id), g_free);
  g_object_set_data_full (G_OBJECT (row), "kf-folder-name",
                          g_strdup (folder->name != NULL ? folder->name : folder->folder_id), g_free);
  {
    /* TRANSLATORS: how a screen reader names a folder in the "Move to" list; %s is its name */
    g_autofree char *name = g_strdup_printf (_("Open %s"), gtk_label_get_text (GTK_LABEL (label)));

    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  return row;
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
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Listing) call = user_data;
  KfFolderPicker *self = call->self;
  g_autoptr(KfFolderList) list = NULL;
  g_autoptr(GError) error = NULL;

  list = kf_client_list_folder_finish (KF_CLIENT (object), result, &error);
  /* a stale answer: another folder is shown, or the picker is gone */
  if (g_cancellable_is_cancelled (call->cancellable))
    return;

  set_loading (self, FALSE);
  if (list == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (kf_pages_error_message (error), -1);

      adw_status_page_set_title (self->status, _("Could Not List the Folders"));
      adw_status_page_set_description (self->status, escaped);
      adw_status_page_set_icon_name (self->status, "dialog-error-symbolic");
      gtk_stack_set_visible_child_name (self->stack, "status");
      return;
    }

  g_ptr_array_sort (list->folders, compare_folders);
  for (guint i = 0; i < list->folders->len; i++)
    gtk_list_box_append (self->list, folder_row_new (g_ptr_array_index (list->folders, i)));

  if (list->folders->len == 0)
    {
      adw_status_page_set_title (self->status, _("No Folders Inside"));
      adw_status_page_set_description (self->status, _("The files can be moved here."));
      adw_status_page_set_icon_name (self->status, "folder-symbolic");
      gtk_stack_set_visible_child_name (self->stack, "status");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
load (KfFolderPicker *self)
{
  Listing *call;
  GtkWidget *child;
  g_autofree char *path = kf_folder_picker_dup_path_text (self);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  gtk_label_set_text (self->path_label, path);
  gtk_widget_set_sensitive (self->up_button, self->ids->len > 1);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDER_ID]);

  if (self->client == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  call = g_new0 (Listing, 1);
  call->self = g_object_ref (self);
  call->cancellable = g_object_ref (self->cancellable);
  kf_client_list_folder_async (self->client, kf_folder_picker_get_folder_id (self),
                               self->cancellable, listed_cb, call);
}

static void
row_activated_cb (GtkListBox     *list,
                  GtkListBoxRow  *row,
                  KfFolderPicker *self)
{
  kf_folder_picker_open (self, g_object_get_data (G_OBJECT (row), "kf-folder-id"),
                         g_object_get_data (G_OBJECT (row), "kf-folder-name"));
}

static void
up_clicked_cb (GtkButton      *button,
               KfFolderPicker *self)
{
  kf_folder_picker_up (self);
}

static void
kf_folder_picker_dispose (GObject *object)
{
  KfFolderPicker *self = KF_FOLDER_PICKER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kf_folder_picker_parent_class)->dispose (object);
}

static void
kf_folder_picker_finalize (GObject *object)
{
  KfFolderPicker *self = KF_FOLDER_PICKER (object);

  g_ptr_array_unref (self->ids);
  g_ptr_array_unref (self->names);

  G_OBJECT_CLASS (kf_folder_picker_parent_class)->finalize (object);
}

static void
kf_folder_picker_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KfFolderPicker *self = KF_FOLDER_PICKER (object);

  switch (prop_id)
    {
    case PROP_FOLDER_ID:
      g_value_set_string (value, kf_folder_picker_get_folder_id (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_folder_picker_class_init (KfFolderPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kf_folder_picker_dispose;
  object_class->finalize = kf_folder_picker_finalize;
  object_class->get_property = kf_folder_picker_get_property;

  properties[PROP_FOLDER_ID] =
    g_param_spec_string ("folder-id", NULL, NULL, "0",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kf_folder_picker_init (KfFolderPicker *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  self->ids = g_ptr_array_new_with_free_func (g_free);
  self->names = g_ptr_array_new_with_free_func (g_free);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);

  self->up_button = gtk_button_new_from_icon_name ("go-up-symbolic");
  gtk_widget_set_tooltip_text (self->up_button, _("Parent Folder"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->up_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Parent folder"), -1);
  gtk_widget_add_css_class (self->up_button, "flat");
  g_signal_connect_object (self->up_button, "clicked", G_CALLBACK (up_clicked_cb), self, 0);

  self->path_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_use_markup (self->path_label, FALSE);
  gtk_label_set_xalign (self->path_label, 0);
  gtk_label_set_ellipsize (self->path_label, PANGO_ELLIPSIZE_START);
  gtk_widget_set_hexpand (GTK_WIDGET (self->path_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->path_label), "heading");
  gtk_box_append (GTK_BOX (header), self->up_button);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->path_label));
  gtk_box_append (GTK_BOX (self), header);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Folders inside"), -1);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self, 0);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);

  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (spinner, 24, 24);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loading folders"), -1);

  self->status = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "compact");

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, spinner, "loading");
  gtk_stack_add_named (self->stack, scroller, "list");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->status), "status");
  gtk_widget_set_size_request (GTK_WIDGET (self->stack), 300, 240);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->stack));
  gtk_widget_set_vexpand (frame, TRUE);
  gtk_box_append (GTK_BOX (self), frame);
}

GtkWidget *
kf_folder_picker_new (KfClient           *client,
                      const char * const *path_ids,
                      const char * const *path_names,
                      guint               n_path)
{
  KfFolderPicker *self;

  g_return_val_if_fail (KF_IS_CLIENT (client), NULL);
  g_return_val_if_fail (n_path >= 1, NULL);

  self = g_object_new (KF_TYPE_FOLDER_PICKER, NULL);
  self->client = g_object_ref (client);
  for (guint i = 0; i < n_path; i++)
    {
      g_ptr_array_add (self->ids, g_strdup (path_ids[i]));
      g_ptr_array_add (self->names, g_strdup (path_names[i]));
    }
  load (self);
  return GTK_WIDGET (self);
}

const char *
kf_folder_picker_get_folder_id (KfFolderPicker *self)
{
  g_return_val_if_fail (KF_IS_FOLDER_PICKER (self), NULL);

  return self->ids->len > 0 ? g_ptr_array_index (self->ids, self->ids->len - 1) : "0";
}

const char *
kf_folder_picker_get_folder_name (KfFolderPicker *self)
{
  g_return_val_if_fail (KF_IS_FOLDER_PICKER (self), NULL);

  return self->names->len > 0 ? g_ptr_array_index (self->names, self->names->len - 1) : NULL;
}

char *
kf_folder_picker_dup_path_text (KfFolderPicker *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (KF_IS_FOLDER_PICKER (self), NULL);

  for (guint i = 0; i < self->names->len; i++)
    {
      if (i > 0)
        g_string_append (text, " / ");
      g_string_append (text, g_ptr_array_index (self->names, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
kf_folder_picker_get_loading (KfFolderPicker *self)
{
  g_return_val_if_fail (KF_IS_FOLDER_PICKER (self), FALSE);

  return self->loading;
}

void
kf_folder_picker_open (KfFolderPicker *self,
                       const char     *folder_id,
                       const char     *name)
{
  g_return_if_fail (KF_IS_FOLDER_PICKER (self));
  g_return_if_fail (folder_id != NULL);

  g_ptr_array_add (self->ids, g_strdup (folder_id));
  g_ptr_array_add (self->names, g_strdup (name != NULL ? name : folder_id));
  load (self);
}

void
kf_folder_picker_up (KfFolderPicker *self)
{
  g_return_if_fail (KF_IS_FOLDER_PICKER (self));

  if (self->ids->len <= 1)
    return;
  g_ptr_array_set_size (self->ids, self->ids->len - 1);
  g_ptr_array_set_size (self->names, self->names->len - 1);
  load (self);
}
