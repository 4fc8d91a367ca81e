/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-client.h"
#include "kf-sandbox.h"

G_BEGIN_DECLS

/* gtk_test_init + adw_init, animations off. */
void        kf_pages_test_init            (int          *argc,
                                           char       ***argv);
KfSandbox  *kf_pages_test_start_sandbox   (void);
KfClient   *kf_pages_test_new_client      (KfSandbox    *sandbox);
/* Puts @page in a window (with a toast overlay, as the app does), shows it
 * and waits until it is mapped. The window owns the page. */
GtkWindow  *kf_pages_test_show            (GtkWidget    *page,
                                           int           width,
                                           int           height);
/* Runs the main loop for @ms milliseconds. */
void        kf_pages_test_run_for         (guint         ms);
void        kf_pages_test_spin_once       (void);

/* Fails the test if @cond is still FALSE after @secs seconds. */
#define kf_pages_test_wait_until(cond, secs)                                   \
  G_STMT_START {                                                               \
    gint64 kf_end_ = g_get_monotonic_time () + (gint64) (secs) * G_USEC_PER_SEC; \
    while (!(cond))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > kf_end_)                                 \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        kf_pages_test_spin_once ();                                            \
      }                                                                        \
  } G_STMT_END

/* TRUE when a mapped GtkLabel under @root shows exactly @text. */
gboolean    kf_pages_test_shows_text      (GtkWidget    *root,
                                           const char   *text);
/* The text of the first mapped label under @root containing @part, or NULL. */
const char *kf_pages_test_find_text       (GtkWidget    *root,
                                           const char   *part);
/* A mapped button under @root whose label is @label (mnemonics removed). */
GtkWidget  *kf_pages_test_find_button     (GtkWidget    *root,
                                           const char   *label);
/* A mapped check button under @root labelled @label (with its underscore). */
GtkWidget  *kf_pages_test_find_check      (GtkWidget    *root,
                                           const char   *label);
/* The visible message dialogs, newest last. */
GPtrArray  *kf_pages_test_list_dialogs    (void);
/* Waits for exactly one visible message dialog and returns it. */
GtkWidget  *kf_pages_test_wait_dialog     (void);

/* Clicks the response button labelled @label (with its mnemonic underscore),
 * as the user does: the dialog closes and answers. */
void        kf_pages_test_click_response  (GtkWidget  *dialog,
                                           const char *label);

/* Uploads files called @names (made in @dir) of @size bytes each to the
 * folder @folder_id (NULL: root) and returns their codes, in order. */
GStrv       kf_pages_test_upload_files    (KfClient           *client,
                                           const char         *dir,
                                           const char * const *names,
                                           gsize               size,
                                           const char         *folder_id);

/* Renders @widget's window as it is on screen into a PNG file. */
void        kf_pages_test_save_png        (GtkWidget    *widget,
                                           const char   *path);

G_END_DECLS
