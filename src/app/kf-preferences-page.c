/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-preferences.h"
#include "kf-preferences-page.h"
#include "kf-util.h"
#include "kf-pages-util.h"

struct _KfPreferencesPage {
  AdwPreferencesPage    parent_instance;

  KfApplication        *application;
  GSettings            *settings;

  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *server_row;
  GtkLabel             *server_error_label;
  GtkSpinButton        *parallel_spin;
  AdwComboRow          *upload_type_row;
  AdwEntryRow          *folder_row;
  GtkSwitch            *copy_switch;
  GtkSwitch            *notify_switch;
  GtkSwitch            *speed_limit_switch;
  GtkWidget            *speed_limit_row;
  GtkSpinButton        *speed_limit_spin;
  GtkSpinButton        *alternative_speed_spin;
};

G_DEFINE_FINAL_TYPE (KfPreferencesPage, kf_preferences_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_APPLICATION_OBJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_server_error (KfPreferencesPage *self,
                   const char          *message)
{
  gtk_label_set_text (self->server_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->server_error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
}

const char *
kf_preferences_page_apply_server_url (KfPreferencesPage *self,
                                        const char          *url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (KF_IS_PREFERENCES_PAGE (self), NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  normalized = kf_normalize_server_url (url, &error);
  if (normalized == NULL)
    {
      show_server_error (self, error->message);
      return gtk_label_get_text (self->server_error_label);
    }

  show_server_error (self, NULL);
  g_settings_set_string (self->settings, "server-url", normalized);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), normalized);
  return NULL;
}

static void
server_row_apply_cb (KfPreferencesPage *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row)));

  if (kf_preferences_page_apply_server_url (self, g_strstrip (text)) == NULL)
    {
      AdwToast *toast = adw_toast_new (_("Server address saved"));

      kf_preferences_add_toast (GTK_WIDGET (self), toast);
    }
}

static void
server_row_changed_cb (KfPreferencesPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->server_error_label)))
    show_server_error (self, NULL);
}

static gboolean
upload_type_get_mapping (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  if (g_str_equal (nick, "premium"))
    g_value_set_uint (value, 1);
  else if (g_str_equal (nick, "registered"))
    g_value_set_uint (value, 2);
  else
    g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
upload_type_set_mapping (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  static const char *nicks[] = { "automatic", "premium", "registered" };
  guint index = g_value_get_uint (value);

  if (index >= G_N_ELEMENTS (nicks))
    return NULL;
  return g_variant_new_string (nicks[index]);
}

static void
kf_preferences_page_constructed (GObject *object)
{
  KfPreferencesPage *self = KF_PREFERENCES_PAGE (object);
  g_autofree char *server = NULL;
  const char *reason = NULL;

  G_OBJECT_CLASS (kf_preferences_page_parent_class)->constructed (object);

  self->settings = g_object_ref (kf_application_get_settings (self->application));

  server = g_settings_get_string (self->settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  kf_application_get_server_url (self->application, &reason);
  if (reason != NULL)
    {
      g_autofree char *description = NULL;

      /* TRANSLATORS: the reason is e.g. "Set by KENFILES_SERVER for this session." */
      description = g_strdup_printf (_("Not used right now: %s"), reason);
      adw_preferences_group_set_description (self->server_group, description);
    }

  g_settings_bind (self->settings, "parallel-uploads",
                   gtk_spin_button_get_adjustment (self->parallel_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "upload-type",
                                self->upload_type_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                upload_type_get_mapping, upload_type_set_mapping,
                                NULL, NULL);
  g_settings_bind (self->settings, "default-folder-id", self->folder_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "copy-link-automatically", self->copy_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notifications", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* Applied at once, to the uploads running too (KfApplication watches these). */
  g_settings_bind (self->settings, "speed-limit-enabled", self->speed_limit_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "speed-limit-enabled", self->speed_limit_row, "sensitive",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "speed-limit",
                   gtk_spin_button_get_adjustment (self->speed_limit_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "alternative-speed-limit",
                   gtk_spin_button_get_adjustment (self->alternative_speed_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
kf_preferences_page_dispose (GObject *object)
{
  KfPreferencesPage *self = KF_PREFERENCES_PAGE (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (kf_preferences_page_parent_class)->dispose (object);
}

static void
kf_preferences_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  KfPreferencesPage *self = KF_PREFERENCES_PAGE (object);

  switch (prop_id)
    {
    case PROP_APPLICATION_OBJECT:
      self->application = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_preferences_page_class_init (KfPreferencesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kf_preferences_page_constructed;
  object_class->dispose = kf_preferences_page_dispose;
  object_class->set_property = kf_preferences_page_set_property;

  properties[PROP_APPLICATION_OBJECT] =
    g_param_spec_object ("kf-application", NULL, NULL, KF_TYPE_APPLICATION,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/kenfiles/Desktop/kf-preferences-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, server_group);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, server_error_label);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, parallel_spin);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, upload_type_row);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, folder_row);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, copy_switch);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, speed_limit_switch);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, speed_limit_row);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, speed_limit_spin);
  gtk_widget_class_bind_template_child (widget_class, KfPreferencesPage, alternative_speed_spin);
  gtk_widget_class_bind_template_callback (widget_class, server_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_row_changed_cb);
}

static void
kf_preferences_page_init (KfPreferencesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KfPreferencesPage *
kf_preferences_page_new (KfApplication *application)
{
  g_return_val_if_fail (KF_IS_APPLICATION (application), NULL);

  return g_object_new (KF_TYPE_PREFERENCES_PAGE,
                       "kf-application", application,
                       NULL);
}
