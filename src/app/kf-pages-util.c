/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <adwaita.h>

#include "kf-error.h"
#include "kf-pages-util.h"
#include "kf-resources.h"

void
kf_app_ensure_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      kf_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

char *
kf_pages_plan_dup_name (const char *plan_id)
{
  const KfPlan *plan;

  g_return_val_if_fail (plan_id != NULL, NULL);

  plan = kf_plan_lookup (plan_id);
  if (plan == NULL)
    return g_strdup (plan_id);

  if (g_strcmp0 (plan->group, "premium-traffic") == 0)
    /* TRANSLATORS: a voucher plan, %u is an amount of traffic in gigabytes */
    return g_strdup_printf (_("Premium Traffic, %u GB"), plan->amount);

  if (g_strcmp0 (plan->group, "premium-pro") == 0)
    /* TRANSLATORS: a voucher plan, %u is a number of days */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Premium Pro, %u day",
                                         "Premium Pro, %u days", plan->amount),
                            plan->amount);

  /* TRANSLATORS: a voucher plan, %u is a number of days */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Premium, %u day",
                                       "Premium, %u days", plan->amount),
                          plan->amount);
}

char *
kf_pages_format_date (GDateTime *date,
                      gboolean   with_time)
{
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (date);
  /* TRANSLATORS: date format, see g_date_time_format() */
  return g_date_time_format (local, with_time ? _("%-d %b %Y, %H:%M") : _("%-d %b %Y"));
}

GDateTime *
kf_pages_parse_day (const char *day)
{
  int y, m, d;

  if (day == NULL || sscanf (day, "%d-%d-%d", &y, &m, &d) != 3)
    return NULL;

  return g_date_time_new_utc (y, m, d, 0, 0, 0);
}

gboolean
kf_pages_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

const char *
kf_pages_error_message (const GError *error)
{
  if (error == NULL)
    return "";

  if (g_error_matches (error, KF_ERROR, KF_ERROR_NOT_AVAILABLE))
    return _("Not available on this server");

  return error->message;
}

void
kf_pages_toast (GtkWidget  *widget,
                const char *text)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_debug ("No toast overlay for: %s", text);
      return;
    }

  /* Toast titles are markup in libadwaita 1.2; ours are plain text and may
   * carry a file name or a server message. */
  {
    g_autofree char *escaped = g_markup_escape_text (text, -1);

    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
  }
}

void
kf_pages_copy_text (GtkWidget  *widget,
                    const char *text,
                    const char *toast)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  if (toast != NULL)
    kf_pages_toast (widget, toast);
}

typedef struct {
  GtkWidget *widget;   /* weak */
  GBytes    *contents;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_weak_pointer (&data->widget);
  g_bytes_unref (data->contents);
  g_free (data);
}

static void
save_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (data->widget != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Could not save: %s"), error->message);
          kf_pages_toast (data->widget, text);
        }
    }
  else if (data->widget != NULL)
    {
      g_autofree char *name = g_file_get_basename (G_FILE (object));
      g_autofree char *display = g_filename_display_name (name);
      g_autofree char *text = g_strdup_printf (_("Saved “%s”"), display);

      kf_pages_toast (data->widget, text);
    }

  save_data_free (data);
}

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  SaveData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_file_replace_contents_bytes_async (file, data->contents, NULL, FALSE,
                                           G_FILE_CREATE_REPLACE_DESTINATION,
                                           NULL, save_written_cb, data);
    }
  else
    {
      save_data_free (data);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void
kf_pages_save_text (GtkWidget  *widget,
                    const char *title,
                    const char *suggested_name,
                    const char *contents)
{
  GtkFileChooserNative *chooser;
  GtkRoot *root;
  SaveData *data;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (contents != NULL);

  root = gtk_widget_get_root (widget);
  chooser = gtk_file_chooser_native_new (title,
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);

  data = g_new0 (SaveData, 1);
  g_set_weak_pointer (&data->widget, widget);
  data->contents = g_bytes_new (contents, strlen (contents));

  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

char *
kf_pages_format_time_left (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second left", "%d seconds left", (gulong) seconds),
                            (int) seconds);
  if (seconds < 60 * 60)
    {
      int minutes = (int) ((seconds + 30) / 60);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute left", "%d minutes left", minutes),
                              minutes);
    }
  else
    {
      int hours = (int) ((seconds + 1800) / 3600);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %d hour left", "About %d hours left", hours),
                              hours);
    }
}

/* --- Accessible names --------------------------------------------------- */

void
kf_pages_set_row_name (GtkWidget  *row_child,
                       const char *title,
                       const char *detail)
{
  g_autofree char *name = NULL;
  GtkWidget *parent;

  g_return_if_fail (GTK_IS_WIDGET (row_child));

  if (detail != NULL && *detail != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (detail, " · ", -1);
      g_autofree char *spoken = g_strjoinv (", ", parts);

      /* TRANSLATORS: a row read by a screen reader: "notes.pdf, 2 MB, Uploaded at 14:02" */
      name = g_strdup_printf (_("%s, %s"), title ? title : "", spoken);
    }
  else
    name = g_strdup (title ? title : "");

  /* Rows refresh with every bit of progress: a screen reader would read
   * each change of the name out. */
  parent = gtk_widget_get_parent (row_child);
  if (g_strcmp0 (g_object_get_data (G_OBJECT (row_child), "kf-row-name"), name) == 0 &&
      g_object_get_data (G_OBJECT (row_child), "kf-row-parent") == parent)
    return;
  g_object_set_data_full (G_OBJECT (row_child), "kf-row-name", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row_child), "kf-row-parent", parent);

  gtk_accessible_update_property (GTK_ACCESSIBLE (row_child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (parent != NULL &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (parent)) == GTK_ACCESSIBLE_ROLE_LIST_ITEM)
    gtk_accessible_update_property (GTK_ACCESSIBLE (parent),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
name_from_tooltip (GtkWidget  *button,
                   GParamSpec *pspec,
                   const char *fallback)
{
  const char *tooltip = gtk_widget_get_tooltip_text (button);
  const char *name = tooltip != NULL && *tooltip != '\0' ? tooltip : fallback;

  if (name != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
kf_pages_name_icon_buttons (GtkWidget  *root,
                            const char *fallback)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) == NULL &&
      GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (root))) &&
      g_object_get_data (G_OBJECT (root), "kf-named") == NULL)
    {
      /* The fallback is a translated literal: it outlives the button. */
      g_object_set_data (G_OBJECT (root), "kf-named", GINT_TO_POINTER (TRUE));
      name_from_tooltip (root, NULL, (gpointer) fallback);
      g_signal_connect (root, "notify::tooltip-text", G_CALLBACK (name_from_tooltip), (gpointer) fallback);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    kf_pages_name_icon_buttons (child, fallback);
}
