/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-pages-util.h"
#include "kf-remote-upload-dialog.h"
#include "kf-util.h"

struct _KfRemoteUploadDialog
{
  AdwWindow    parent_instance;

  GtkButton   *upload_button;
  GtkTextView *text_view;
  GtkLabel    *error_label;
};

G_DEFINE_FINAL_TYPE (KfRemoteUploadDialog, kf_remote_upload_dialog, ADW_TYPE_WINDOW)

enum {
  SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_text (KfRemoteUploadDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
text_changed_cb (GtkTextBuffer        *buffer,
                 KfRemoteUploadDialog *self)
{
  g_autofree char *text = dup_text (self);

  g_strstrip (text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->upload_button), *text != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

gboolean
kf_remote_upload_dialog_submit (KfRemoteUploadDialog *self)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) urls = NULL;
  g_auto(GStrv) bad = NULL;

  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD_DIALOG (self), FALSE);

  text = dup_text (self);
  urls = kf_util_split_web_urls (text, &bad);

  if (bad[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv ("\n", bad);
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "This line is not an http or https address:\n%s",
                                      "These lines are not http or https addresses:\n%s",
                                      g_strv_length (bad)),
                         joined);

      gtk_label_set_text (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return FALSE;
    }

  if (urls[0] == NULL)
    return FALSE;

  g_signal_emit (self, signals[SUBMITTED], 0, urls);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static void
upload_clicked_cb (KfRemoteUploadDialog *self)
{
  kf_remote_upload_dialog_submit (self);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  kf_remote_upload_dialog_submit (KF_REMOTE_UPLOAD_DIALOG (widget));
}

static void
kf_remote_upload_dialog_class_init (KfRemoteUploadDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * KfRemoteUploadDialog::submitted:
   * @urls: (array zero-terminated=1): the web addresses to upload
   */
  signals[SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/kenfiles/Desktop/kf-remote-upload-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KfRemoteUploadDialog, upload_button);
  gtk_widget_class_bind_template_child (widget_class, KfRemoteUploadDialog, text_view);
  gtk_widget_class_bind_template_child (widget_class, KfRemoteUploadDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, upload_clicked_cb);

  gtk_widget_class_install_action (widget_class, "remote-upload.submit", NULL, submit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "remote-upload.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "remote-upload.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kf_remote_upload_dialog_init (KfRemoteUploadDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (text_changed_cb), self, 0);
}

GtkWidget *
kf_remote_upload_dialog_new (GtkWindow *parent)
{
  return g_object_new (KF_TYPE_REMOTE_UPLOAD_DIALOG,
                       "transient-for", parent,
                       NULL);
}

void
kf_remote_upload_dialog_set_text (KfRemoteUploadDialog *self,
                                  const char           *text)
{
  g_return_if_fail (KF_IS_REMOTE_UPLOAD_DIALOG (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text != NULL ? text : "", -1);
}
