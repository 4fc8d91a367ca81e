/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-files-page-private.h"
#include "kf-files-row.h"
#include "kf-pages-util.h"
#include "kf-util.h"

struct _KfFilesRow
{
  AdwBin          parent_instance;

  KfFilesItem    *item;

  GtkImage       *icon;
  GtkLabel       *name_label;
  GtkLabel       *details_label;
  GtkWidget      *copy_button;
  GtkWidget      *direct_button;
  GtkWidget      *rename_button;
  GtkWidget      *more_button;
  GtkWidget      *arrow;
};

G_DEFINE_FINAL_TYPE (KfFilesRow, kf_files_row, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "2026-11-28 18:01:18" as the server wrote it, in the user's format. Its
 * time zone is the server's and unknown, so the time is shown unconverted. */
char *
kf_files_row_format_uploaded (const char *uploaded)
{
  int y, mo, d, h, mi, s;
  g_autoptr(GDateTime) date = NULL;

  if (sscanf (uploaded, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
    return g_strdup (uploaded);

  date = g_date_time_new_local (y, mo, d, h, mi, s);
  if (date == NULL)
    return g_strdup (uploaded);

  /* TRANSLATORS: upload date of a file, see g_date_time_format() */
  return g_date_time_format (date, _("%-d %b %Y, %H:%M"));
}

static char *
format_details (KfFilesItem *item)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (kf_files_item_get_size (item) >= 0)
    g_ptr_array_add (parts, kf_format_size (kf_files_item_get_size (item)));
  if (kf_files_item_get_uploaded (item) != NULL)
    g_ptr_array_add (parts, kf_files_row_format_uploaded (kf_files_item_get_uploaded (item)));
  if (kf_files_item_get_downloads (item) >= 0)
    {
      gint64 n = kf_files_item_get_downloads (item);
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);

      /* TRANSLATORS: %s is a number of downloads */
      g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s download",
                                                            "%s downloads", (gulong) MIN (n, G_MAXLONG)),
                                               count));
    }
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
update (KfFilesRow *self)
{
  KfFilesItem *item = self->item;
  gboolean folder = item != NULL && kf_files_item_is_folder (item);
  g_autofree char *details = NULL;

  if (item == NULL)
    {
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->details_label, "");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), NULL);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->rename_button), NULL);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->direct_button), NULL);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->more_button), NULL);
      return;
    }

  gtk_image_set_from_icon_name (self->icon, folder ? "folder-symbolic" : "text-x-generic-symbolic");
  gtk_label_set_text (self->name_label, kf_files_item_get_name (item));

  details = folder ? g_strdup (_("Folder")) : format_details (item);
  gtk_label_set_text (self->details_label, details);
  kf_pages_set_row_name (GTK_WIDGET (self), kf_files_item_get_name (item), details);

  gtk_widget_set_visible (self->copy_button, !folder);
  gtk_widget_set_visible (self->direct_button, !folder);
  gtk_widget_set_visible (self->more_button, !folder);
  gtk_widget_set_visible (self->arrow, folder);
  gtk_widget_set_tooltip_text (self->rename_button, folder ? _("Rename Folder…") : _("Rename…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rename_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  folder ? _("Rename folder") : _("Rename"), -1);

  if (!folder)
    {
      g_autoptr(GVariant) target = g_variant_ref_sink (g_variant_new_string (kf_files_item_get_id (item)));
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenuItem) copy_item = g_menu_item_new (_("_Copy Direct Link"), NULL);
      g_autoptr(GMenuItem) open_item = g_menu_item_new (_("_Open Direct Link"), NULL);

      g_menu_item_set_action_and_target_value (copy_item, "files.copy-direct-link", target);
      g_menu_item_set_action_and_target_value (open_item, "files.open-direct-link", target);
      g_autoptr(GMenu) more = g_menu_new ();
      const struct { const char *label, *action; } more_items[] = {
        { N_("_Details"), "files.details" },
        { N_("_Clone"), "files.clone" },
        { N_("_Move to…"), "files.move-file" },
      };

      g_menu_append_item (menu, copy_item);
      g_menu_append_item (menu, open_item);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->direct_button), G_MENU_MODEL (menu));
      for (guint i = 0; i < G_N_ELEMENTS (more_items); i++)
        {
          g_autoptr(GMenuItem) more_item = g_menu_item_new (_(more_items[i].label), NULL);

          g_menu_item_set_action_and_target_value (more_item, more_items[i].action, target);
          g_menu_append_item (more, more_item);
        }
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->more_button), G_MENU_MODEL (more));
      /* Name and target together: an action with a parameter and no target warns. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->copy_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), "files.copy-link");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->rename_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->rename_button), "files.rename");
    }
  else
    {
      g_autoptr(GVariant) target = g_variant_ref_sink (g_variant_new_string (kf_files_item_get_id (item)));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), NULL);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->more_button), NULL);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->rename_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->rename_button), "files.rename-folder");
    }
}

/* Drag and drop: a file row (with the rest of the selection, if it is
 * selected) can be dropped on a folder row, which moves the files there. */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 KfFilesRow    *self)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (self), KF_TYPE_FILES_PAGE);

  if (self->item == NULL || kf_files_item_is_folder (self->item) || page == NULL)
    return NULL;
  return _kf_files_page_drag_content (KF_FILES_PAGE (page), self->item);
}

static gboolean
drop_accept_cb (GtkDropTarget *target,
                GdkDrop       *drop,
                KfFilesRow    *self)
{
  return self->item != NULL && kf_files_item_is_folder (self->item) &&
         gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), G_TYPE_STRV);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         KfFilesRow    *self)
{
  const char * const *codes = g_value_get_boxed (value);

  if (self->item == NULL || !kf_files_item_is_folder (self->item) ||
      codes == NULL || codes[0] == NULL)
    return FALSE;

  return gtk_widget_activate_action (GTK_WIDGET (self), "files.move", "(^ass)",
                                     codes, kf_files_item_get_id (self->item));
}

static void
kf_files_row_dispose (GObject *object)
{
  KfFilesRow *self = KF_FILES_ROW (object);

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, update, self);
  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), KF_TYPE_FILES_ROW);

  G_OBJECT_CLASS (kf_files_row_parent_class)->dispose (object);
}

static void
kf_files_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KfFilesRow *self = KF_FILES_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_files_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  KfFilesRow *self = KF_FILES_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      kf_files_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_files_row_class_init (KfFilesRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_files_row_dispose;
  object_class->get_property = kf_files_row_get_property;
  object_class->set_property = kf_files_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, KF_TYPE_FILES_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/kenfiles/Desktop/kf-files-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, icon);
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, direct_button);
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, rename_button);
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, more_button);
  gtk_widget_class_bind_template_child (widget_class, KfFilesRow, arrow);
}

static void
kf_files_row_init (KfFilesRow *self)
{
  GtkDragSource *source;
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  g_signal_connect_object (source, "prepare", G_CALLBACK (drag_prepare_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (source));

  target = gtk_drop_target_new (G_TYPE_STRV, GDK_ACTION_MOVE);
  g_signal_connect_object (target, "accept", G_CALLBACK (drop_accept_cb), self, 0);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

KfFilesItem *
kf_files_row_get_item (KfFilesRow *self)
{
  g_return_val_if_fail (KF_IS_FILES_ROW (self), NULL);

  return self->item;
}

void
kf_files_row_set_item (KfFilesRow  *self,
                       KfFilesItem *item)
{
  g_return_if_fail (KF_IS_FILES_ROW (self));
  g_return_if_fail (item == NULL || KF_IS_FILES_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, update, self);
  g_set_object (&self->item, item);
  /* A renamed file shows its new name at once. */
  if (item != NULL)
    g_signal_connect_object (item, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
