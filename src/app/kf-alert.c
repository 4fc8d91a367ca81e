/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-alert.h"

/* The build allows no libadwaita API newer than 1.2 (ADW_VERSION_MAX_ALLOWED);
 * the 1.5 path below is compiled only where the headers are new enough. */
#if ADW_CHECK_VERSION (1, 5, 0)
# define KF_ALERT_DIALOG 1
#else
# define KF_ALERT_DIALOG 0
#endif

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

#if KF_ALERT_DIALOG
# define ALERT(a) ADW_ALERT_DIALOG (a)
#else
# define ALERT(a) ADW_MESSAGE_DIALOG (a)
#endif

#define PARENT_KEY "kf-alert-parent"

GtkWidget *
kf_alert_new (GtkWidget  *parent,
              const char *heading,
              const char *body)
{
  GtkWidget *alert;

  g_return_val_if_fail (parent == NULL || GTK_IS_WIDGET (parent), NULL);

#if KF_ALERT_DIALOG
  alert = GTK_WIDGET (adw_alert_dialog_new (heading, body));
  /* Kept until presented: adw_dialog_present() needs the window it goes in. */
  if (parent != NULL)
    g_object_set_data_full (G_OBJECT (alert), PARENT_KEY, g_object_ref (parent), g_object_unref);
#else
  {
    GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;

    alert = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  }
#endif
  return alert;
}

void
kf_alert_add_response (GtkWidget  *alert,
                       const char *id,
                       const char *label)
{
#if KF_ALERT_DIALOG
  adw_alert_dialog_add_response (ALERT (alert), id, label);
#else
  adw_message_dialog_add_response (ALERT (alert), id, label);
#endif
}

void
kf_alert_set_response_appearance (GtkWidget             *alert,
                                  const char            *id,
                                  AdwResponseAppearance  appearance)
{
#if KF_ALERT_DIALOG
  adw_alert_dialog_set_response_appearance (ALERT (alert), id, appearance);
#else
  adw_message_dialog_set_response_appearance (ALERT (alert), id, appearance);
#endif
}

void
kf_alert_set_response_enabled (GtkWidget  *alert,
                               const char *id,
                               gboolean    enabled)
{
#if KF_ALERT_DIALOG
  adw_alert_dialog_set_response_enabled (ALERT (alert), id, enabled);
#else
  adw_message_dialog_set_response_enabled (ALERT (alert), id, enabled);
#endif
}

gboolean
kf_alert_get_response_enabled (GtkWidget  *alert,
                               const char *id)
{
#if KF_ALERT_DIALOG
  return adw_alert_dialog_get_response_enabled (ALERT (alert), id);
#else
  return adw_message_dialog_get_response_enabled (ALERT (alert), id);
#endif
}

void
kf_alert_set_default_response (GtkWidget  *alert,
                               const char *id)
{
#if KF_ALERT_DIALOG
  adw_alert_dialog_set_default_response (ALERT (alert), id);
#else
  adw_message_dialog_set_default_response (ALERT (alert), id);
#endif
}

void
kf_alert_set_close_response (GtkWidget  *alert,
                             const char *id)
{
#if KF_ALERT_DIALOG
  adw_alert_dialog_set_close_response (ALERT (alert), id);
#else
  adw_message_dialog_set_close_response (ALERT (alert), id);
#endif
}

const char *
kf_alert_get_heading (GtkWidget *alert)
{
#if KF_ALERT_DIALOG
  return adw_alert_dialog_get_heading (ALERT (alert));
#else
  return adw_message_dialog_get_heading (ALERT (alert));
#endif
}

void
kf_alert_set_body (GtkWidget  *alert,
                   const char *body)
{
#if KF_ALERT_DIALOG
  adw_alert_dialog_set_body (ALERT (alert), body);
#else
  adw_message_dialog_set_body (ALERT (alert), body);
#endif
}

const char *
kf_alert_get_body (GtkWidget *alert)
{
#if KF_ALERT_DIALOG
  return adw_alert_dialog_get_body (ALERT (alert));
#else
  return adw_message_dialog_get_body (ALERT (alert));
#endif
}

void
kf_alert_set_extra_child (GtkWidget *alert,
                          GtkWidget *child)
{
#if KF_ALERT_DIALOG
  adw_alert_dialog_set_extra_child (ALERT (alert), child);
#else
  adw_message_dialog_set_extra_child (ALERT (alert), child);
#endif
}

GtkWidget *
kf_alert_get_extra_child (GtkWidget *alert)
{
#if KF_ALERT_DIALOG
  return adw_alert_dialog_get_extra_child (ALERT (alert));
#else
  return adw_message_dialog_get_extra_child (ALERT (alert));
#endif
}

void
kf_alert_present (GtkWidget *alert)
{
#if KF_ALERT_DIALOG
  GtkWidget *parent = g_object_get_data (G_OBJECT (alert), PARENT_KEY);

  adw_dialog_present (ADW_DIALOG (alert), parent);
#else
  gtk_window_present (GTK_WINDOW (alert));
#endif
}

void
kf_alert_response (GtkWidget  *alert,
                   const char *id)
{
#if KF_ALERT_DIALOG
  /* What a click does (libadwaita has no call for it): the response, then
   * the alert closes. */
  g_object_ref (alert);
  g_signal_emit_by_name (alert, "response", id);
  adw_dialog_force_close (ADW_DIALOG (alert));
  g_object_unref (alert);
#else
  g_object_ref (alert);
  adw_message_dialog_response (ALERT (alert), id);
  gtk_window_destroy (GTK_WINDOW (alert));
  g_object_unref (alert);
#endif
}

#if KF_ALERT_DIALOG
static void
collect_alerts (GtkWidget *widget,
                GPtrArray *alerts)
{
  /* A closed AdwDialog leaves the window; one being presented is there
   * before it is shown (mapped). */
  if (ADW_IS_ALERT_DIALOG (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (alerts, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_alerts (child, alerts);
}
#endif

GPtrArray *
kf_alert_list_shown (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());
  GPtrArray *alerts = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (!gtk_widget_get_visible (window))
        continue;
#if KF_ALERT_DIALOG
      collect_alerts (window, alerts);
#else
      if (ADW_IS_MESSAGE_DIALOG (window))
        g_ptr_array_add (alerts, window);
#endif
    }
  return alerts;
}

GtkWindow *
kf_alert_get_parent_window (GtkWidget *alert)
{
#if KF_ALERT_DIALOG
  GtkRoot *root = gtk_widget_get_root (alert);

  /* Over a window that cannot hold dialogs, the alert has one of its own. */
  if (GTK_IS_WINDOW (root) && !ADW_IS_WINDOW (root) && !ADW_IS_APPLICATION_WINDOW (root) &&
      gtk_window_get_transient_for (GTK_WINDOW (root)) != NULL)
    return gtk_window_get_transient_for (GTK_WINDOW (root));
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
#else
  return gtk_window_get_transient_for (GTK_WINDOW (alert));
#endif
}

G_GNUC_END_IGNORE_DEPRECATIONS
