/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-application.h"
#include "kf-preferences-page.h"

G_BEGIN_DECLS

/* Preferences as libadwaita shows them: an AdwPreferencesDialog inside the
 * window from libadwaita 1.5 on, an AdwPreferencesWindow (deprecated in 1.6)
 * before. Both hold the same KfPreferencesPage. */
GtkWidget         *kf_preferences_new       (KfApplication *application);
/* Shows @preferences over the window that holds @parent. */
void               kf_preferences_present   (GtkWidget     *preferences,
                                             GtkWidget     *parent);
/* Closes them, as their close button does, at once. */
void               kf_preferences_close     (GtkWidget     *preferences);
KfPreferencesPage *kf_preferences_get_page  (GtkWidget     *preferences);
/* The preferences shown now over @window, or NULL. */
GtkWidget         *kf_preferences_find      (GtkWindow     *window);
/* Shows @toast (taking it) in the preferences that hold @widget. */
void               kf_preferences_add_toast (GtkWidget     *widget,
                                             AdwToast      *toast);

G_END_DECLS
