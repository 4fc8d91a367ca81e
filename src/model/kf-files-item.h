/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-types.h"

G_BEGIN_DECLS

#define KF_TYPE_FILES_ITEM (kf_files_item_get_type ())
G_DECLARE_FINAL_TYPE (KfFilesItem, kf_files_item, KF, FILES_ITEM, GObject)

/* One row of the file browser: a folder or a file. */

KfFilesItem *kf_files_item_new_folder    (const KfFolder   *folder);
KfFilesItem *kf_files_item_new_file      (const KfFileInfo *info);
gboolean     kf_files_item_is_folder     (KfFilesItem      *self);
/* The folder ID or the file code. */
const char  *kf_files_item_get_id        (KfFilesItem      *self);
const char  *kf_files_item_get_name      (KfFilesItem      *self);
void         kf_files_item_set_name      (KfFilesItem      *self,
                                          const char       *name);
/* Takes what @info knows (name, size, downloads, date, link) from a fresher
 * answer about the same file; notifies "name" (rows redraw on any notify). */
void         kf_files_item_update        (KfFilesItem      *self,
                                          const KfFileInfo *info);
gint64       kf_files_item_get_size      (KfFilesItem      *self);
gint64       kf_files_item_get_downloads (KfFilesItem      *self);
const char  *kf_files_item_get_uploaded  (KfFilesItem      *self);
/* The file page, or NULL. */
const char  *kf_files_item_get_url       (KfFilesItem      *self);

G_END_DECLS
