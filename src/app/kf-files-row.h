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

G_END_DECLS
