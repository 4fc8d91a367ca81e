/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-preferences.h"

/* The build allows no libadwaita API newer than 1.2 (ADW_VERSION_MAX_ALLOWED);
 * the 1.5 path below is compiled only where the headers are new enough, as in
 * kf-alert.c. AdwPreferencesWindow, deprecated in 1.6, sets the deprecated
 * AdwLeaflet:can-unfold, which G_ENABLE_DIAGNOSTIC makes fatal there. */
#if ADW_CHECK_VERSION (1, 5, 0)
# define KF_PREFERENCES_DIALOG 1
#else
# define KF_PREFERENCES_DIALOG 0
#endif

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

GtkWidget *
kf_preferences_new (KfApplication *application)
{
  AdwPreferencesPage *page;

  g_return_val_if_fail (KF_IS_APPLICATION (application), NULL);

  page = ADW_PREFERENCES_PAGE (kf_preferences_page_new (application));
#if KF_PREFERENCES_DIALOG
  {
    AdwDialog *dialog = adw_preferences_dialog_new ();

    adw_preferences_dialog_set_search_enabled (ADW_PREFERENCES_DIALOG (dialog), FALSE);
    adw_dialog_set_content_width (dialog, 560);
    adw_dialog_set_content_height (dialog, 640);
    adw_preferences_dialog_add (ADW_PREFERENCES_DIALOG (dialog), page);
    return GTK_WIDGET (dialog);
  }
#else
  {
    GtkWidget *window = adw_preferences_window_new ();

    adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
    gtk_window_set_default_size (GTK_WINDOW (window), 560, 640);
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), page);
    return window;
  }
#endif
}

void
kf_preferences_present (GtkWidget *preferences,
                        GtkWidget *parent)
{
  g_return_if_fail (GTK_IS_WIDGET (preferences));
  g_return_if_fail (parent == NULL || GTK_IS_WIDGET (parent));

#if KF_PREFERENCES_DIALOG
  adw_dialog_present (ADW_DIALOG (preferences), parent);
#else
  {
    GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;

    gtk_window_set_transient_for (GTK_WINDOW (preferences),
                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
    gtk_window_present (GTK_WINDOW (preferences));
  }
#endif
}

void
kf_preferences_close (GtkWidget *preferences)
{
  g_return_if_fail (GTK_IS_WIDGET (preferences));

#if KF_PREFERENCES_DIALOG
  adw_dialog_force_close (ADW_DIALOG (preferences));
#else
  gtk_window_destroy (GTK_WINDOW (preferences));
#endif
}

static KfPreferencesPage *
find_page (GtkWidget *widget)
{
  if (KF_IS_PREFERENCES_PAGE (widget))
    return KF_PREFERENCES_PAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KfPreferencesPage *page = find_page (child);

      if (page != NULL)
        return page;
    }
  return NULL;
}

KfPreferencesPage *
kf_preferences_get_page (GtkWidget *preferences)
{
  AdwPreferencesPage *page;

  g_return_val_if_fail (GTK_IS_WIDGET (preferences), NULL);

  /* Asked of the top: an AdwDialog's content joins its widget tree only
   * once presented. */
#if KF_PREFERENCES_DIALOG
  page = adw_preferences_dialog_get_visible_page (ADW_PREFERENCES_DIALOG (preferences));
#else
  page = adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (preferences));
#endif
  return KF_IS_PREFERENCES_PAGE (page) ? KF_PREFERENCES_PAGE (page) : NULL;
}

/* The dialog or window that holds @widget, or NULL. */
static GtkWidget *
get_preferences (GtkWidget *widget)
{
#if KF_PREFERENCES_DIALOG
  return gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_DIALOG);
#else
  GtkRoot *root = gtk_widget_get_root (widget);

  return ADW_IS_PREFERENCES_WINDOW (root) ? GTK_WIDGET (root) : NULL;
#endif
}

GtkWidget *
kf_preferences_find (GtkWindow *window)
{
  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);

#if KF_PREFERENCES_DIALOG
  {
    /* A closed AdwDialog leaves the window. */
    KfPreferencesPage *page = find_page (GTK_WIDGET (window));

    return page != NULL && gtk_widget_get_mapped (GTK_WIDGET (page))
      ? get_preferences (GTK_WIDGET (page)) : NULL;
  }
#else
  {
    g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (ADW_IS_PREFERENCES_WINDOW (toplevel) &&
            gtk_widget_get_visible (GTK_WIDGET (toplevel)) &&
            gtk_window_get_transient_for (toplevel) == window &&
            find_page (GTK_WIDGET (toplevel)) != NULL)
          return GTK_WIDGET (toplevel);
      }
    return NULL;
  }
#endif
}

void
kf_preferences_add_toast (GtkWidget *widget,
                          AdwToast  *toast)
{
  GtkWidget *preferences;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  preferences = get_preferences (widget);
  if (preferences == NULL)
    {
      g_object_unref (toast);
      return;
    }
#if KF_PREFERENCES_DIALOG
  adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (preferences), toast);
#else
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (preferences), toast);
#endif
}

G_GNUC_END_IGNORE_DEPRECATIONS
