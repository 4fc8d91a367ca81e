/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kf-dashboard-page.h"
#include "kf-files-page.h"
#include "kf-upload-page.h"
#include "kf-voucher-page.h"
#include "kf-welcome-page.h"
#include "kf-window.h"

G_BEGIN_DECLS

struct _KfWindow {
  AdwApplicationWindow  parent_instance;

  KfApplication        *application;
  GSettings            *settings;       /* delayed: window size, applied on close */

  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherBar   *switcher_bar;
#if ADW_CHECK_VERSION (1, 4, 0)
  /* AdwViewSwitcherTitle is deprecated from 1.4: a switcher in the header
   * bar and a breakpoint that hands over to the bottom bar instead. */
  GtkWidget            *switcher;       /* owned */
  GtkWidget            *window_title;   /* owned */
  gboolean              narrow;
#else
  AdwViewSwitcherTitle *switcher_title;
#endif
  GtkWidget            *sandbox_bar;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  AdwViewStack         *view_stack;
  KfWelcomePage        *welcome_page;
  KfUploadPage         *upload_page;
  GtkMenuButton        *menu_button;

  KfDashboardPage      *dashboard_page;
  KfVoucherPage        *voucher_page;
  KfFilesPage          *files_page;
};

void kf_window_class_install_actions (KfWindowClass *klass);
/* Whether the window is too narrow for the switcher in the header bar (the
 * bottom bar shows it then). */
gboolean kf_window_is_narrow         (KfWindow      *self);
void kf_window_update_actions        (KfWindow      *self);
/* The folder new uploads go to: the one shown by the Files page when it is
 * the visible page and not at the top, else NULL (the default folder). */
const char *kf_window_get_upload_folder_id (KfWindow *self);
/* What the remote upload dialog's "submitted" does: one queue row per URL. */
void kf_window_add_remote_urls       (KfWindow           *self,
                                      const char * const *urls);

/* For tests. */
KfUploadPage  *kf_window_get_upload_page  (KfWindow *self);
KfWelcomePage *kf_window_get_welcome_page (KfWindow *self);
KfDashboardPage *kf_window_get_dashboard_page (KfWindow *self);
KfVoucherPage *kf_window_get_voucher_page (KfWindow *self);
KfFilesPage   *kf_window_get_files_page   (KfWindow *self);
AdwViewStack  *kf_window_get_view_stack   (KfWindow *self);
/* "loading", "welcome" or "main". */
const char    *kf_window_get_visible_page (KfWindow *self);

G_END_DECLS
