/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-client.h"

G_BEGIN_DECLS

#define KF_TYPE_FOLDER_PICKER (kf_folder_picker_get_type ())
G_DECLARE_FINAL_TYPE (KfFolderPicker, kf_folder_picker, KF, FOLDER_PICKER, GtkBox)

/* Browses the server's folders to choose one, as "Move to…" in Files: the
 * folder shown is the one chosen; its subfolders are listed (activate one
 * to open it), and a button goes up. Lists with folder/list, cancelled on
 * dispose. Notifies "folder-id" when another folder is shown and "loading". */

/* @path_ids/@path_names: the folders from the top ("0") down to the one
 * to show first, @n_path long (at least 1). */
GtkWidget  *kf_folder_picker_new            (KfClient           *client,
                                             const char * const *path_ids,
                                             const char * const *path_names,
                                             guint               n_path);
const char *kf_folder_picker_get_folder_id  (KfFolderPicker     *self);
/* The name of the folder shown. */
const char *kf_folder_picker_get_folder_name (KfFolderPicker    *self);
/* Its path, "All Files / Documents". */
char       *kf_folder_picker_dup_path_text  (KfFolderPicker     *self);
gboolean    kf_folder_picker_get_loading    (KfFolderPicker     *self);
/* Opens subfolder @folder_id of the folder shown, as activating its row does. */
void        kf_folder_picker_open           (KfFolderPicker     *self,
                                             const char         *folder_id,
                                             const char         *name);
void        kf_folder_picker_up             (KfFolderPicker     *self);

G_END_DECLS
