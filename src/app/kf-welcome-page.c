/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-welcome-page.h"
#include "kf-pages-util.h"

struct _KfWelcomePage {
  AdwBin            parent_instance;

  KfApplication    *application;
  GCancellable     *cancellable;
  gboolean          busy;

  AdwEntryRow      *key_row;
  GtkLabel         *error_label;
  GtkLabel         *keyring_label;
  GtkLabel         *hint_label;
  GtkLabel         *sign_up_label;
  GtkButton        *try_button;
  GtkButton        *sign_in_button;
  GtkLabel         *sign_in_label;
  GtkSpinner       *spinner;
  GtkLabel         *server_label;
};

G_DEFINE_FINAL_TYPE (KfWelcomePage, kf_welcome_page, ADW_TYPE_BIN)

static void
show_error (KfWelcomePage *self,
            const char    *message,
            gboolean       key_is_wrong)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (key_is_wrong)
    gtk_widget_add_css_class (GTK_WIDGET (self->key_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->key_row), "error");
}

static void
update (KfWelcomePage *self)
{
  gboolean keyring = self->application == NULL ||
                     kf_application_get_keyring_available (self->application);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->key_row));

  gtk_widget_set_visible (GTK_WIDGET (self->keyring_label), !keyring);
  gtk_label_set_text_with_mnemonic (self->sign_in_label,
                                    keyring ? _("_Sign In") : _("_Sign In for This Session"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !self->busy && *text != '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), !self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);

  if (self->application != NULL)
    {
      const char *reason = NULL;
      const char *url = kf_application_get_server_url (self->application, &reason);
      g_autofree char *server = NULL;

      g_autofree char *account_page = g_strconcat (url, "/?op=my_account", NULL);
      g_autofree char *sign_up_page = g_strconcat (url, "/?op=registration", NULL);
      g_autofree char *hint = NULL;
      g_autofree char *sign_up = NULL;

      if (reason != NULL)
        server = g_strdup_printf (_("Server: %s (%s)"), url, reason);
      else
        server = g_strdup_printf (_("Server: %s"), url);
      gtk_label_set_text (self->server_label, server);

      /* Translators: the <a> tags make a link; keep them as they are. */
      hint = g_markup_printf_escaped (_("Your API key is in <a href=\"%s\">Account Settings</a> on the KenFiles website."),
                                      account_page);
      gtk_label_set_markup (self->hint_label, hint);
      /* Translators: the <a> tags make a link; keep them as they are. */
      sign_up = g_markup_printf_escaped (_("No account yet? <a href=\"%s\">Sign up on the website</a>, or try KenFiles first."),
                                         sign_up_page);
      gtk_label_set_markup (self->sign_up_label, sign_up);
    }
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KfWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (kf_application_sign_in_finish (KF_APPLICATION (object), result, &error))
    {
      self->busy = FALSE;
      kf_welcome_page_reset (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;

  if (g_error_matches (error, KF_ERROR, KF_ERROR_KEY_REJECTED))
    {
      show_error (self, _("KenFiles did not accept this API key. Check that you copied all of it from Account Settings."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->key_row));
    }
  else if (g_error_matches (error, KF_ERROR, KF_ERROR_NETWORK) ||
           g_error_matches (error, KF_ERROR, KF_ERROR_TIMED_OUT))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The key could not be checked because the server cannot be reached. Check your connection and try again. (%s)"),
                                 error->message);
      show_error (self, message, FALSE);
    }
  else if (g_error_matches (error, KF_ERROR, KF_ERROR_SERVER) ||
           g_error_matches (error, KF_ERROR, KF_ERROR_RATE_LIMITED) ||
           g_error_matches (error, KF_ERROR, KF_ERROR_PROTOCOL))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The key could not be checked because the server is having trouble. Try again in a moment. (%s)"),
                                 error->message);
      show_error (self, message, FALSE);
    }
  else if (g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
    {
      show_error (self, _("The key is right, but there is no keyring to keep it in. You can use it for this session only."), FALSE);
    }
  else if (g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_KEYRING))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The key is right, but the keyring did not save it: %s"), error->message);
      show_error (self, message, FALSE);
    }
  else
    {
      show_error (self, error->message, FALSE);
    }

  update (self);
}

static void
sign_in (KfWelcomePage *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));

  if (self->busy || self->application == NULL || *key == '\0')
    return;

  self->busy = TRUE;
  show_error (self, NULL, FALSE);
  update (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  kf_application_sign_in_async (self->application, key,
                                !kf_application_get_keyring_available (self->application),
                                self->cancellable, sign_in_cb, g_object_ref (self));
}

static void
sign_in_clicked_cb (KfWelcomePage *self)
{
  sign_in (self);
}

static void
key_row_activated_cb (KfWelcomePage *self)
{
  sign_in (self);
}

static void
key_row_changed_cb (KfWelcomePage *self)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (self->key_row), "error"))
    show_error (self, NULL, FALSE);
  update (self);
}

static void
kf_welcome_page_dispose (GObject *object)
{
  KfWelcomePage *self = KF_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->application != NULL)
    g_signal_handlers_disconnect_by_data (self->application, self);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (kf_welcome_page_parent_class)->dispose (object);
}

static void
kf_welcome_page_class_init (KfWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_welcome_page_dispose;

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/kenfiles/Desktop/kf-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, key_row);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, keyring_label);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, sign_up_label);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, try_button);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KfWelcomePage, server_label);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_row_changed_cb);
}

static void
kf_welcome_page_init (KfWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The row's Show Text button. */
  kf_pages_name_icon_buttons (GTK_WIDGET (self->key_row), NULL);
}

void
kf_welcome_page_set_application (KfWelcomePage *self,
                                 KfApplication *application)
{
  g_return_if_fail (KF_IS_WELCOME_PAGE (self));
  g_return_if_fail (KF_IS_APPLICATION (application));

  g_set_object (&self->application, application);
  g_signal_connect_object (application, "notify::keyring-available",
                           G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

void
kf_welcome_page_reset (KfWelcomePage *self)
{
  g_return_if_fail (KF_IS_WELCOME_PAGE (self));

  if (self->busy)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  show_error (self, NULL, FALSE);
  update (self);
}

GtkEditable *
kf_welcome_page_get_key_entry (KfWelcomePage *self)
{
  g_return_val_if_fail (KF_IS_WELCOME_PAGE (self), NULL);

  return GTK_EDITABLE (self->key_row);
}

GtkButton *
kf_welcome_page_get_sign_in_button (KfWelcomePage *self)
{
  g_return_val_if_fail (KF_IS_WELCOME_PAGE (self), NULL);

  return self->sign_in_button;
}

const char *
kf_welcome_page_get_error (KfWelcomePage *self)
{
  g_return_val_if_fail (KF_IS_WELCOME_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
kf_welcome_page_get_busy (KfWelcomePage *self)
{
  g_return_val_if_fail (KF_IS_WELCOME_PAGE (self), FALSE);

  return self->busy;
}

GtkLabel *
kf_welcome_page_get_link_label (KfWelcomePage *self,
                                const char    *which)
{
  g_return_val_if_fail (KF_IS_WELCOME_PAGE (self), NULL);

  return g_strcmp0 (which, "sign-up") == 0 ? self->sign_up_label : self->hint_label;
}

GtkButton *
kf_welcome_page_get_try_button (KfWelcomePage *self)
{
  g_return_val_if_fail (KF_IS_WELCOME_PAGE (self), NULL);

  return self->try_button;
}
