/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-alert.h"
#include "kf-preferences.h"
#include "kf-remote-upload-dialog.h"
#include "kf-window-private.h"

static gboolean
focus_is_editable (KfWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  for (; focus != NULL; focus = gtk_widget_get_parent (focus))
    if (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus))
      return TRUE;
  return FALSE;
}

static void
add_files_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  g_autofree char *folder_id = g_strdup (kf_window_get_upload_folder_id (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "upload");
  kf_upload_page_choose_files_to_folder (self->upload_page, folder_id);
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  g_autofree char *folder_id = g_strdup (kf_window_get_upload_folder_id (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "upload");
  kf_upload_page_choose_folders_to_folder (self->upload_page, folder_id);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  g_autofree char *folder_id = NULL;

  /* Ctrl+V in a text field pastes text, as everywhere else. */
  if (focus_is_editable (self))
    {
      gtk_widget_activate_action (gtk_root_get_focus (GTK_ROOT (self)), "clipboard.paste", NULL);
      return;
    }

  /* Into the folder the Files page shows, taken before the page changes. */
  folder_id = g_strdup (kf_window_get_upload_folder_id (self));
  adw_view_stack_set_visible_child_name (self->view_stack, "upload");
  kf_upload_page_paste_to_folder (self->upload_page, folder_id);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "upload");
  kf_upload_page_focus_search (self->upload_page);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  const char *visible = adw_view_stack_get_visible_child_name (self->view_stack);

  if (g_strcmp0 (visible, "dashboard") == 0)
    kf_dashboard_page_refresh (self->dashboard_page);
  else if (g_strcmp0 (visible, "files") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->files_page), "files.refresh", NULL);
  else if (g_strcmp0 (visible, "vouchers") == 0)
    kf_voucher_page_refresh (self->voucher_page);
}

static void
remote_submitted_cb (KfRemoteUploadDialog *dialog,
                     GStrv                 urls,
                     KfWindow             *self)
{
  kf_window_add_remote_urls (self, (const char * const *) urls);
}

static void
remote_upload_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  GtkWidget *dialog;

  dialog = kf_remote_upload_dialog_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "submitted", G_CALLBACK (remote_submitted_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);

  kf_preferences_present (kf_preferences_new (self->application), GTK_WIDGET (self));
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KfWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kf_application_sign_out_finish (KF_APPLICATION (object), result, &error))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The key could not be removed from the keyring: %s"), error->message);
      kf_window_add_toast (self, message);
    }
}

static void
sign_out_response_cb (GtkWidget        *dialog,
                      const char       *response,
                      KfWindow         *self)
{
  if (!g_str_equal (response, "sign-out"))
    return;

  kf_application_sign_out_async (self->application, NULL, sign_out_cb, g_object_ref (self));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  GtkWidget *dialog;
  guint n_pending = kf_upload_queue_get_n_pending (kf_application_get_queue (self->application));

  dialog = kf_alert_new (GTK_WIDGET (self), _("Sign Out?"), NULL);
  if (n_pending > 0)
    {
      g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "The API key is removed from this computer, and %u unfinished upload is stopped. You can retry it after signing in again.",
                                                            "The API key is removed from this computer, and %u unfinished uploads are stopped. You can retry them after signing in again.",
                                                            n_pending),
                                               n_pending);

      kf_alert_set_body (dialog, body);
    }
  else
    kf_alert_set_body (dialog, _("The API key is removed from this computer. Your files stay on KenFiles."));

  kf_alert_add_response (dialog, "cancel", _("_Cancel"));
  kf_alert_add_response (dialog, "sign-out", _("_Sign Out"));
  kf_alert_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  kf_alert_set_default_response (dialog, "cancel");
  kf_alert_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_out_response_cb), self, 0);
  kf_alert_present (dialog);
}

/* The upload list's bulk actions and focused-row copy, for shortcuts that
 * work wherever the focus is. */
static void
upload_page_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  static const struct {
    const char *window_action;
    const char *page_action;
  } forward[] = {
    { "win.cancel-all", "upload.cancel-all" },
    { "win.retry-failed", "upload.retry-failed" },
    { "win.clear-finished", "upload.clear-finished" },
    { "win.copy-all-links", "upload.copy-all-links" },
    { "win.pause-all", "upload.toggle-pause-all" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (forward); i++)
    if (g_str_equal (action_name, forward[i].window_action))
      {
        adw_view_stack_set_visible_child_name (self->view_stack, "upload");
        gtk_widget_activate_action (GTK_WIDGET (self->upload_page), forward[i].page_action, NULL);
      }
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Ctrl+C on an upload row copies its link; anywhere else it copies text. */
  if (kf_upload_page_get_focused_item (self->upload_page) != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->upload_page), "upload.copy-focused-link", NULL);
  /* in the Files list (not its search entry): the selected files' links */
  else if (focus != NULL && !GTK_IS_EDITABLE (focus) &&
           gtk_widget_is_ancestor (focus, GTK_WIDGET (self->files_page)) &&
           kf_files_page_copy_selected_links (self->files_page))
    ;
  else if (focus != NULL)
    gtk_widget_activate_action (focus, "clipboard.copy", NULL);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL &&
      gtk_widget_get_visible (GTK_WIDGET (self->view_stack)))
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
go_up_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KfWindow *self = KF_WINDOW (widget);

  /* A window shortcut: the row clicked to open a folder is gone with the
   * old listing, and the focus with it, so a page shortcut would not fire. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "files") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->files_page), "files.up", NULL);
}

void
kf_window_class_install_actions (KfWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.add-files", NULL, add_files_action);
  gtk_widget_class_install_action (widget_class, "win.add-folder", NULL, add_folder_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.remote-upload", NULL, remote_upload_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-all", NULL, upload_page_action);
  gtk_widget_class_install_action (widget_class, "win.retry-failed", NULL, upload_page_action);
  gtk_widget_class_install_action (widget_class, "win.clear-finished", NULL, upload_page_action);
  gtk_widget_class_install_action (widget_class, "win.copy-all-links", NULL, upload_page_action);
  gtk_widget_class_install_action (widget_class, "win.pause-all", NULL, upload_page_action);
  gtk_widget_class_install_action (widget_class, "win.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.go-up", NULL, go_up_action);
}

void
kf_window_update_actions (KfWindow *self)
{
  gboolean signed_in = kf_application_get_session_state (self->application) == KF_SESSION_SIGNED_IN;
  const char *visible = adw_view_stack_get_visible_child_name (self->view_stack);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-files", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-folder", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remote-upload", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", signed_in && visible != NULL &&
                                 (g_str_equal (visible, "dashboard") || g_str_equal (visible, "files") ||
                                  g_str_equal (visible, "vouchers")));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out",
                                 signed_in && !kf_application_get_sandbox_mode (self->application));
}
