/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-upload-queue.h"

G_BEGIN_DECLS

#define KF_TYPE_UPLOAD_PAGE (kf_upload_page_get_type ())
G_DECLARE_FINAL_TYPE (KfUploadPage, kf_upload_page, KF, UPLOAD_PAGE, AdwBin)

/* The drop zone, the queue and the history with its search. Row buttons
 * activate the page's actions "upload.cancel", "upload.retry",
 * "upload.pause", "upload.resume", "upload.copy-link", "upload.open-link",
 * "upload.remove", each with the item's id as a string parameter. The
 * queue's menu, the Pause All/Resume All button (and the window's shortcuts)
 * use "upload.cancel-all", "upload.retry-failed", "upload.clear-finished",
 * "upload.copy-all-links", "upload.copy-focused-link" and
 * "upload.toggle-pause-all", without parameter. */

void            kf_upload_page_set_queue       (KfUploadPage  *self,
                                                KfUploadQueue *queue);
/* The uploads' speed limit, named on the summary line while it limits. */
void            kf_upload_page_set_rate_limit  (KfUploadPage  *self,
                                                KfRateLimit   *limit);
/* Folders are walked first and confirmed with the user. */
void            kf_upload_page_add_files       (KfUploadPage  *self,
                                                GFile * const *files,
                                                guint          n_files);
void            kf_upload_page_choose_files    (KfUploadPage  *self);
/* The same, uploading into @folder_id (NULL: the default folder). */
void            kf_upload_page_add_files_to_folder    (KfUploadPage  *self,
                                                       GFile * const *files,
                                                       guint          n_files,
                                                       const char    *folder_id);
void            kf_upload_page_choose_files_to_folder (KfUploadPage  *self,
                                                       const char    *folder_id);
/* Folders, uploaded with their tree of folders. */
void            kf_upload_page_choose_folders_to_folder (KfUploadPage  *self,
                                                         const char    *folder_id);
gboolean        kf_upload_page_drop_value_to_folder   (KfUploadPage  *self,
                                                       const GValue  *value,
                                                       const char    *folder_id);
void            kf_upload_page_paste           (KfUploadPage  *self);
/* Pastes files into @folder_id (NULL: the default folder). */
void            kf_upload_page_paste_to_folder (KfUploadPage  *self,
                                                const char    *folder_id);
void            kf_upload_page_focus_search    (KfUploadPage  *self);
/* Handles a GdkFileList value dropped anywhere on the window. */
gboolean        kf_upload_page_drop_value      (KfUploadPage  *self,
                                                const GValue  *value);

/* The item of the row that has the keyboard focus, or NULL. */
KfUploadItem   *kf_upload_page_get_focused_item (KfUploadPage *self);

/* For tests. */
GtkLabel       *kf_upload_page_get_summary_label  (KfUploadPage *self);
/* The overall progress line, shown while uploads run. */
GtkLabel       *kf_upload_page_get_progress_label (KfUploadPage *self);
GtkDropTarget  *kf_upload_page_get_drop_target (KfUploadPage  *self);
GtkButton      *kf_upload_page_get_pause_all_button (KfUploadPage *self);
GtkListView    *kf_upload_page_get_list_view   (KfUploadPage  *self);
GtkEditable    *kf_upload_page_get_search_entry (KfUploadPage *self);
/* The file chooser being shown, or NULL. */
GtkNativeDialog *kf_upload_page_get_chooser     (KfUploadPage  *self);
/* The folder confirmation being shown, or NULL. */
GtkWidget *kf_upload_page_get_folder_dialog (KfUploadPage *self);

G_END_DECLS
