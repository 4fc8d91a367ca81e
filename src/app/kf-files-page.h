/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-client.h"

G_BEGIN_DECLS

#define KF_TYPE_FILES_PAGE (kf_files_page_get_type ())
G_DECLARE_FINAL_TYPE (KfFilesPage, kf_files_page, KF, FILES_PAGE, AdwBin)

/* Actions: "files.refresh", "files.up", "files.new-folder", "files.sort"
 * (the "sort-order" property), with a file code ("s"): "files.rename",
 * "files.copy-link", "files.copy-direct-link", "files.open-direct-link",
 * "files.clone", "files.details", "files.move-file" (the folder picker);
 * with a folder ID ("s"): "files.rename-folder"; "files.move" ("(ass)":
 * codes and the folder to move them into, what a drop on a folder row does);
 * on the selection: "files.copy-links", "files.move-selection",
 * "files.clone-selection", "files.details-selection",
 * "files.rename-selection", "files.select-none". */

GtkWidget  *kf_files_page_new                   (KfClient    *client);
KfClient   *kf_files_page_get_client            (KfFilesPage *self);
void        kf_files_page_set_client            (KfFilesPage *self,
                                                 KfClient    *client);
/* The folder shown ("0" is the root); uploads can target it. */
const char *kf_files_page_get_current_folder_id (KfFilesPage *self);
void        kf_files_page_set_current_folder_id (KfFilesPage *self,
                                                 const char  *folder_id);
/* Opens a subfolder of the one shown (keeps the path for "up"). */
void        kf_files_page_open_folder           (KfFilesPage *self,
                                                 const char  *folder_id,
                                                 const char  *name);
void        kf_files_page_set_search_text       (KfFilesPage *self,
                                                 const char  *text);
void        kf_files_page_reload                (KfFilesPage *self);
gboolean    kf_files_page_get_loading           (KfFilesPage *self);
/* KfFilesItem rows: folders first, then the files loaded so far, in the
 * server's order. */
GListModel *kf_files_page_get_items             (KfFilesPage *self);
/* The rows as the list shows them (sorted), and which are selected. */
GtkSelectionModel *kf_files_page_get_selection  (KfFilesPage *self);
/* Copies the links of the selected files, one a line ("files.copy-links",
 * what Ctrl+C does in the list); FALSE when no file is selected. */
gboolean    kf_files_page_copy_selected_links   (KfFilesPage *self);
/* TRUE while more files can be fetched by scrolling. */
gboolean    kf_files_page_get_has_more          (KfFilesPage *self);
/* Fetches the next page, as scrolling near the end does. */
void        kf_files_page_load_more             (KfFilesPage *self);

G_END_DECLS
