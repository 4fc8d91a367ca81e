/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-files-item.h"

G_BEGIN_DECLS

#define KF_TYPE_FILES_ROW (kf_files_row_get_type ())
G_DECLARE_FINAL_TYPE (KfFilesRow, kf_files_row, KF, FILES_ROW, AdwBin)

/* One folder or file of the Files page. Property "item" (KfFilesItem):
 * bound to the list item's item in kf-files-page.ui. Its buttons activate
 * the page's files.* actions with the item's ID. */

KfFilesItem *kf_files_row_get_item    (KfFilesRow  *self);
void         kf_files_row_set_item    (KfFilesRow  *self,
                                       KfFilesItem *item);

/* "2026-11-28 18:01:18" as the server wrote it, in the user's date format;
 * the text itself when it is not such a date. */
char        *kf_files_row_format_uploaded (const char *uploaded);

G_END_DECLS
