/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kf-types.h"

G_BEGIN_DECLS

/* Small helpers shared by the pages; not a public API of the app. */

void      kf_app_ensure_resources      (void);

/* "14 seconds left", "3 minutes left", "About 2 hours left". */
char     *kf_pages_format_time_left      (gint64              seconds);
/* "Premium, 30 days", "Premium Traffic, 50 GB"; the ID itself when unknown. */
char     *kf_pages_plan_dup_name         (const char         *plan_id);
/* Localized "28 Nov 2026" (and the time when @with_time). */
char     *kf_pages_format_date           (GDateTime          *date,
                                          gboolean            with_time);
/* "2026-11-28" -> GDateTime at midnight UTC, NULL if it does not parse. */
GDateTime *kf_pages_parse_day            (const char         *day);

gboolean  kf_pages_error_is_cancelled    (const GError       *error);
/* The sentence to show for @error (KF_ERROR_NOT_AVAILABLE gets its own). */
const char *kf_pages_error_message       (const GError       *error);

/* Shows @text in the nearest AdwToastOverlay above @widget, if there is one. */
void      kf_pages_toast                 (GtkWidget          *widget,
                                          const char         *text);
/* Puts @text on the clipboard and says so with @toast (may be NULL). */
void      kf_pages_copy_text             (GtkWidget          *widget,
                                          const char         *text,
                                          const char         *toast);
/* Asks for a file name (GtkFileChooserNative) and writes @contents to it
 * asynchronously; the outcome is told with a toast. */
void      kf_pages_save_text             (GtkWidget          *widget,
                                          const char         *title,
                                          const char         *suggested_name,
                                          const char         *contents);

/* Accessible names (GTK 4.8 names a control only from its "label" property
 * or a "labelled-by" relation: not from a child label, not from a tooltip).
 *
 * Names the row of a list showing @row_child: "@title, @detail" (the
 * detail's " · " read as a pause); nothing is updated while it stays the
 * same. In a GtkListView the row a screen reader lands on is the list's
 * own item widget above @row_child, so both get it. */
void      kf_pages_set_row_name          (GtkWidget          *row_child,
                                          const char         *title,
                                          const char         *detail);
/* Icon-only buttons a library builds inside @root (a password row's peek
 * button, an entry row's apply button): named by their tooltip, kept in
 * step with it, or by @fallback when they have none. */
void      kf_pages_name_icon_buttons     (GtkWidget          *root,
                                          const char         *fallback);

G_END_DECLS
