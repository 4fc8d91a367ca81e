/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kf-upload-page.h"
#include "kf-welcome-page.h"
#include "kf-window.h"

G_BEGIN_DECLS

struct _KfWindow {
  AdwApplicationWindow  parent_instance;

  KfApplication        *application;

  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkWidget            *sandbox_bar;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  AdwViewStack         *view_stack;
  KfWelcomePage        *welcome_page;
  KfUploadPage         *upload_page;
  GtkMenuButton        *menu_button;
};

void kf_window_class_install_actions (KfWindowClass *klass);
void kf_window_update_actions        (KfWindow      *self);

/* For tests. */
KfUploadPage  *kf_window_get_upload_page  (KfWindow *self);
KfWelcomePage *kf_window_get_welcome_page (KfWindow *self);
/* "loading", "welcome" or "main". */
const char    *kf_window_get_visible_page (KfWindow *self);

G_END_DECLS
