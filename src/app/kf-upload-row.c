/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-upload-row.h"
#include "kf-util.h"
#include "kf-pages-util.h"

struct _KfUploadRow {
  AdwBin          parent_instance;

  KfUploadItem   *item;

  GtkImage       *icon;
  GtkLabel       *name_label;
  GtkLabel       *detail_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *message_label;
  GtkWidget      *copy_button;
  GtkWidget      *open_button;
  GtkWidget      *pause_button;
  GtkWidget      *resume_button;
  GtkWidget      *retry_button;
  GtkWidget      *cancel_button;
  GtkWidget      *remove_button;
  GtkStack       *end_stack;

  /* Cancel was clicked: Remove shows at once, before the upload has ended. */
  gboolean        cancel_clicked;
};

G_DEFINE_FINAL_TYPE (KfUploadRow, kf_upload_row, ADW_TYPE_BIN)

/* A moment, not a duration: "Uploaded at 14:02" today, "Uploaded on
 * 28 Nov 2026" before. */
static char *
format_uploaded (GDateTime *date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  if (date == NULL)
    return g_strdup (_("Uploaded"));
  local = g_date_time_to_local (date);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    {
      when = g_date_time_format (local, "%H:%M");
      /* TRANSLATORS: %s is a time of day, "14:02" */
      return g_strdup_printf (_("Uploaded at %s"), when);
    }
  when = kf_pages_format_date (local, FALSE);
  /* TRANSLATORS: %s is a date, "28 Nov 2026" */
  return g_strdup_printf (_("Uploaded on %s"), when);
}

static void
set_message (KfUploadRow *self,
             const char  *text,
             const char  *css_class)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "kf-link");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "dim-label");
  gtk_label_set_text (self->message_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL && *text != '\0');
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), css_class);
}

/* For screen readers: what happened, without the figures that change
 * with every bit of progress (a name change is read out). */
static const char *
state_name (KfUploadState state)
{
  switch (state)
    {
    case KF_UPLOAD_STATE_WAITING:
      return _("Waiting");
    case KF_UPLOAD_STATE_UPLOADING:
      return _("Uploading");
    case KF_UPLOAD_STATE_DONE:
      return _("Uploaded");
    case KF_UPLOAD_STATE_FAILED:
      return _("Failed");
    case KF_UPLOAD_STATE_CANCELLED:
      return _("Cancelled");
    case KF_UPLOAD_STATE_NOT_FINISHED:
    default:
      return _("Not finished");
    }
}

static void
refresh (KfUploadRow *self)
{
  KfUploadItem *item = self->item;
  g_autofree char *size = NULL;
  g_autofree char *detail = NULL;
  KfUploadState state;
  gboolean can_retry;

  if (item == NULL)
    return;

  state = kf_upload_item_get_state (item);
  can_retry = kf_upload_item_can_retry (item);
  if (kf_upload_item_get_size (item) >= 0)
    size = kf_format_size (kf_upload_item_get_size (item));
  else if (kf_upload_item_get_remote (item))
    size = g_strdup (_("From the web"));
  else
    size = g_strdup (_("Unknown size"));

  gtk_label_set_text (self->name_label, kf_upload_item_get_name (item));

  switch (state)
    {
    case KF_UPLOAD_STATE_WAITING:
      /* TRANSLATORS: file size · state */
      detail = g_strdup_printf (_("%s · Waiting"), size);
      /* After a failure that is tried again by itself: what happened. */
      set_message (self, kf_upload_item_get_error_message (item), "dim-label");
      break;

    case KF_UPLOAD_STATE_UPLOADING:
      if (kf_upload_item_get_remote (item))
        {
          /* The server fetches it: only its percentage is known. */
          if (kf_upload_item_get_progress (item) > 0)
            detail = g_strdup_printf (_("Server is fetching · %d%%"),
                                      (int) (kf_upload_item_get_progress (item) * 100 + 0.5));
          else
            detail = g_strdup (_("Server is fetching…"));
          set_message (self, NULL, NULL);
          break;
        }
      {
        g_autofree char *sent = kf_format_size (kf_upload_item_get_bytes_sent (item));
        double speed = kf_upload_item_get_speed (item);
        gint64 eta = kf_upload_item_get_eta (item);

        if (speed > 0 && eta == 0)
          detail = g_strdup_printf (_("%s of %s · Finishing…"), sent, size);
        else if (speed > 0 && eta > 0)
          {
            g_autofree char *rate = kf_format_size ((gint64) speed);
            g_autofree char *left = kf_pages_format_time_left (eta);

            /* TRANSLATORS: "12 MB of 40 MB · 2.1 MB/s · 14 seconds left" */
            detail = g_strdup_printf (_("%s of %s · %s/s · %s"), sent, size, rate, left);
          }
        else
          {
            detail = g_strdup_printf (_("%s of %s · Starting…"), sent, size);
          }
        set_message (self, NULL, NULL);
      }
      break;

    case KF_UPLOAD_STATE_DONE:
      {
        g_autofree char *when = format_uploaded (kf_upload_item_get_date (item));

        /* TRANSLATORS: file size · when it was uploaded */
        detail = g_strdup_printf (_("%s · %s"), size, when);
        set_message (self, kf_upload_item_get_link (item), "kf-link");
      }
      break;

    case KF_UPLOAD_STATE_FAILED:
      detail = g_strdup_printf (_("%s · Failed"), size);
      set_message (self, kf_upload_item_get_error_message (item), "error");
      break;

    case KF_UPLOAD_STATE_CANCELLED:
      detail = g_strdup_printf (_("%s · Cancelled"), size);
      set_message (self, NULL, NULL);
      break;

    case KF_UPLOAD_STATE_PAUSED:
      detail = g_strdup_printf (_("%s · Paused"), size);
      if (kf_upload_item_get_bytes_sent (item) > 0)
        {
          g_autofree char *sent = kf_format_size (kf_upload_item_get_bytes_sent (item));
          g_autofree char *note = NULL;

          /* XFileSharing keeps nothing of a stopped upload. */
          note = g_strdup_printf (_("Paused after %s. Resuming sends the file again from the start."), sent);
          set_message (self, note, "dim-label");
        }
      else
        set_message (self, NULL, NULL);
      break;

    case KF_UPLOAD_STATE_NOT_FINISHED:
    default:
      detail = g_strdup_printf (_("%s · Not finished"), size);
      set_message (self,
                   can_retry ? _("KenFiles was closed before this upload finished.")
                             : _("KenFiles was closed before this upload finished, and the file is no longer known."),
                   "dim-label");
      break;
    }

  gtk_label_set_text (self->detail_label, detail);
  kf_pages_set_row_name (GTK_WIDGET (self), kf_upload_item_get_name (item), state_name (state));

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state == KF_UPLOAD_STATE_UPLOADING);
  gtk_progress_bar_set_fraction (self->progress_bar, kf_upload_item_get_progress (item));

  gtk_widget_set_visible (self->copy_button, state == KF_UPLOAD_STATE_DONE && kf_upload_item_get_link (item));
  gtk_widget_set_visible (self->open_button, state == KF_UPLOAD_STATE_DONE && kf_upload_item_get_link (item));
  gtk_widget_set_visible (self->pause_button, kf_upload_item_can_pause (item));
  gtk_widget_set_visible (self->resume_button, state == KF_UPLOAD_STATE_PAUSED);
  gtk_widget_set_visible (self->retry_button, can_retry);
  if (!kf_upload_item_is_active (item))
    self->cancel_clicked = FALSE;
  gtk_stack_set_visible_child_name (self->end_stack,
                                    kf_upload_item_is_active (item) && !self->cancel_clicked ? "cancel" : "remove");
}

static void
cancel_clicked_cb (KfUploadRow *self)
{
  /* The action (bound to the button) cancels; Remove is under the pointer
   * right away, so a second click removes. */
  self->cancel_clicked = TRUE;
  gtk_stack_set_visible_child_name (self->end_stack, "remove");
}

static void
item_notify_cb (KfUploadRow *self)
{
  refresh (self);
}

static void
kf_upload_row_dispose (GObject *object)
{
  KfUploadRow *self = KF_UPLOAD_ROW (object);

  kf_upload_row_set_item (self, NULL);

  G_OBJECT_CLASS (kf_upload_row_parent_class)->dispose (object);
}

static void
kf_upload_row_class_init (KfUploadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_upload_row_dispose;

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/kenfiles/Desktop/kf-upload-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, icon);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, KfUploadRow, end_stack);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
}

static void
kf_upload_row_init (KfUploadRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KfUploadRow *
kf_upload_row_new (void)
{
  return g_object_new (KF_TYPE_UPLOAD_ROW, NULL);
}

void
kf_upload_row_set_item (KfUploadRow  *self,
                        KfUploadItem *item)
{
  static const char *actions[] = {
    "upload.copy-link", "upload.open-link", "upload.retry", "upload.cancel", "upload.remove",
    "upload.pause", "upload.resume",
  };
  GtkWidget *buttons[G_N_ELEMENTS (actions)];

  g_return_if_fail (KF_IS_UPLOAD_ROW (self));
  g_return_if_fail (item == NULL || KF_IS_UPLOAD_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, item_notify_cb, self);
  g_set_object (&self->item, item);
  self->cancel_clicked = FALSE;
  if (item == NULL)
    return;

  g_signal_connect_swapped (item, "notify", G_CALLBACK (item_notify_cb), self);

  buttons[0] = self->copy_button;
  buttons[1] = self->open_button;
  buttons[2] = self->retry_button;
  buttons[3] = self->cancel_button;
  buttons[4] = self->remove_button;
  buttons[5] = self->pause_button;
  buttons[6] = self->resume_button;
  /* The target first: an action name without its target would be invalid. */
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      gtk_actionable_set_action_target (GTK_ACTIONABLE (buttons[i]), "s", kf_upload_item_get_id (item));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (buttons[i]), actions[i]);
    }

  {
    g_autofree char *type = g_content_type_guess (kf_upload_item_get_name (item), NULL, 0, NULL);
    g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (type);

    gtk_image_set_from_gicon (self->icon, icon);
  }

  refresh (self);
}

KfUploadItem *
kf_upload_row_get_item (KfUploadRow *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ROW (self), NULL);

  return self->item;
}

const char *
kf_upload_row_get_title (KfUploadRow *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ROW (self), NULL);

  return gtk_label_get_text (self->name_label);
}

const char *
kf_upload_row_get_detail (KfUploadRow *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ROW (self), NULL);

  return gtk_label_get_text (self->detail_label);
}

const char *
kf_upload_row_get_message (KfUploadRow *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ROW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}
