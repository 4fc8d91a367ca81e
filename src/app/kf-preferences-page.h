/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-application.h"

G_BEGIN_DECLS

/* Every setting of Preferences, on one page; kf-preferences.h puts it in a
 * dialog or a window. */
#define KF_TYPE_PREFERENCES_PAGE (kf_preferences_page_get_type ())
G_DECLARE_FINAL_TYPE (KfPreferencesPage, kf_preferences_page, KF, PREFERENCES_PAGE, AdwPreferencesPage)

KfPreferencesPage *kf_preferences_page_new              (KfApplication     *application);

/* For tests: applies @url as if typed and confirmed; returns the reason it
 * was refused, or NULL when it was saved. */
const char        *kf_preferences_page_apply_server_url (KfPreferencesPage *self,
                                                         const char        *url);

G_END_DECLS
