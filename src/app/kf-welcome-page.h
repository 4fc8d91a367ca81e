/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-application.h"

G_BEGIN_DECLS

#define KF_TYPE_WELCOME_PAGE (kf_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (KfWelcomePage, kf_welcome_page, KF, WELCOME_PAGE, AdwBin)

void        kf_welcome_page_set_application (KfWelcomePage *self,
                                             KfApplication *application);
/* Clears the entry and any error; call when the page is shown again. */
void        kf_welcome_page_reset           (KfWelcomePage *self);

/* For tests. */
GtkEditable *kf_welcome_page_get_key_entry  (KfWelcomePage *self);
GtkButton   *kf_welcome_page_get_sign_in_button (KfWelcomePage *self);
/* The error shown under the entry, or NULL. */
const char  *kf_welcome_page_get_error      (KfWelcomePage *self);
gboolean     kf_welcome_page_get_busy       (KfWelcomePage *self);
/* The links: "account" (Account Settings) or "sign-up"; the label holding it. */
GtkLabel    *kf_welcome_page_get_link_label (KfWelcomePage *self,
                                             const char    *which);
GtkButton   *kf_welcome_page_get_try_button (KfWelcomePage *self);

G_END_DECLS
