/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-application.h"
#include "kf-sandbox.h"
#include "kf-upload-page.h"
#include "kf-upload-row.h"
#include "kf-welcome-page.h"
#include "kf-window-private.h"

G_BEGIN_DECLS

/* Iterates the default main context until @cond holds; fails the test
 * after @seconds. */
#define kf_app_test_wait_until(cond, seconds)                                   \
  G_STMT_START {                                                                \
    gint64 kf_deadline_ = g_get_monotonic_time () + (gint64) (seconds) * G_USEC_PER_SEC; \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > kf_deadline_)                             \
          g_error ("Timed out after %d s waiting for: %s", (int) (seconds), #cond); \
        if (!g_main_context_iteration (NULL, FALSE))                            \
          g_usleep (2000);                                                      \
      }                                                                         \
  } G_STMT_END

/* g_test_init + gtk_init, with XDG_DATA_HOME set to a fresh folder unless
 * @keep_data_home. Returns the data folder. */
const char    *kf_app_test_init          (int          *argc,
                                          char       ***argv,
                                          gboolean      keep_data_home);
typedef void (*KfAppTestFunc) (KfApplication *app,
                               gpointer       data);

/* Runs the application for real (g_application_run, non-unique so a test
 * can start it several times), calls @func once its window is shown, then
 * quits as Ctrl+Q does and checks the application is finalized. */
void           kf_app_test_run           (gboolean       sandbox,
                                          KfAppTestFunc  func,
                                          gpointer       data);
KfWindow      *kf_app_test_get_window    (KfApplication *app);
/* Runs the main loop for @ms milliseconds. */
void           kf_app_test_run_for       (guint         ms);

/* Emits "drop" on the upload page's drop target with a GdkFileList. */
gboolean       kf_app_test_drop_files    (KfWindow      *window,
                                          GFile * const *files,
                                          guint          n_files);
GListModel    *kf_app_test_get_items     (KfApplication *app);
KfUploadItem  *kf_app_test_find_item     (KfApplication *app,
                                          const char    *name);
/* The row widget showing @item, or NULL when it is not on screen. */
KfUploadRow   *kf_app_test_find_row      (KfWindow      *window,
                                          KfUploadItem  *item);
/* The alert (kf-alert.h) shown over @window, or NULL. */
GtkWidget     *kf_app_test_find_dialog   (GtkWindow    *window);

/* Renders @widget (a window or any widget in one) to a PNG. */
gboolean       kf_screenshot_widget      (GtkWidget     *widget,
                                          const char    *path,
                                          GError       **error);
/* The folder for screenshots: $KF_SHOTS_DIR, or NULL when not set. */
const char    *kf_screenshot_dir         (void);

G_END_DECLS
