/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kf-files-item.h"
#include "kf-files-page.h"

G_BEGIN_DECLS

/* Shared by kf-files-page.c (listing, paging, sorting, rename, new folder,
 * links) and kf-files-page-manage.c (selection, move, clone, details,
 * folder rename). */

typedef enum {
  KF_FILES_SORT_SERVER,         /* the server's order, page by page */
  KF_FILES_SORT_NAME,
  KF_FILES_SORT_DATE,           /* newest first */
  KF_FILES_SORT_SIZE,           /* largest first */
  KF_FILES_SORT_DOWNLOADS,      /* most first */
} KfFilesSort;

typedef struct {
  char *id;
  char *name;
} PathPart;

struct _KfFilesPage
{
  AdwBin          parent_instance;

  KfClient       *client;
  GListStore     *items;          /* folders, then files in the server's order */
  GHashTable     *file_codes;     /* code -> its item in items (a page fetched again after a move repeats some) */
  GtkSortListModel *sorted;
  GtkCustomSorter *sorter;
  GtkMultiSelection *selection;
  KfFilesSort     sort;
  GArray         *path;           /* PathPart, root first */
  char           *search;
  GCancellable   *cancellable;    /* the listing in flight */
  GCancellable   *op_cancellable; /* renames, new folders, links: until dispose */
  GError         *error;
  guint           page;           /* last page of files loaded */
  guint           n_files;
  gint64          total;
  gboolean        has_more;
  gboolean        loading;        /* folders or the first page */
  gboolean        loading_more;
  gboolean        loaded_once;

  GtkLabel       *path_label;
  GtkSearchEntry *search_entry;
  GtkStack       *stack;
  GtkSpinner     *loading_spinner;
  AdwStatusPage  *error_page;
  AdwStatusPage  *empty_page;
  GtkScrolledWindow *scroller;
  GtkListView    *list_view;
  GtkRevealer    *more_revealer;
  GtkSpinner     *more_spinner;
  GtkRevealer    *selection_revealer;
  GtkLabel       *selection_label;
};

/* Keeps the page alive until a call returns, and tells stale answers apart. */
typedef struct {
  KfFilesPage  *self;
  GCancellable *cancellable;
  char         *id;
  char         *name;
  GStrv         codes;
} CallData;

CallData    *_kf_files_page_call_data_new   (KfFilesPage  *self,
                                             GCancellable *cancellable,
                                             const char   *id,
                                             const char   *name);
void         _kf_files_page_call_data_free  (CallData     *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallData, _kf_files_page_call_data_free)

gboolean     _kf_files_page_gone            (KfFilesPage  *self);
const char  *_kf_files_page_current_id      (KfFilesPage  *self);
gboolean     _kf_files_page_searching       (KfFilesPage  *self);
/* The file (not folder) item with code @id in the store, or NULL. */
KfFilesItem *_kf_files_page_find_file       (KfFilesPage  *self,
                                             const char   *id,
                                             guint        *position);
KfFilesItem *_kf_files_page_find_folder     (KfFilesPage  *self,
                                             const char   *id,
                                             guint        *position);
/* Takes @text; a toast unless cancelled or the page is gone. */
void         _kf_files_page_show_error      (KfFilesPage  *self,
                                             const GError *error,
                                             char         *text);
/* An alert asking for a name; its response @response_id is enabled only
 * while the name is not blank. */
GtkWidget   *_kf_files_page_name_dialog_new (KfFilesPage  *self,
                                             const char   *heading,
                                             const char   *body,
                                             const char   *response_id,
                                             const char   *response_label,
                                             const char   *text);
char        *_kf_files_page_dup_dialog_name (GtkWidget    *dialog);
/* Empty views, the path, the enabled actions. */
void         _kf_files_page_update_view     (KfFilesPage  *self);

/* After files left the list (moved elsewhere): the next page is asked
 * again from where the server's list now stands. */
void         _kf_files_page_files_removed   (KfFilesPage  *self,
                                             guint         n_removed);
/* A file added by us (a clone): shown after @after (or at the end). */
void         _kf_files_page_add_file        (KfFilesPage      *self,
                                             const KfFileInfo *info,
                                             KfFilesItem      *after);

/* kf-files-page-manage.c */
void         _kf_files_page_manage_class_init (GtkWidgetClass *widget_class);
void         _kf_files_page_manage_init       (KfFilesPage    *self);
/* What a file row's drag carries: the codes (G_TYPE_STRV) of the selection
 * when @item is in it, else of @item alone, and their links as text. */
GdkContentProvider *_kf_files_page_drag_content (KfFilesPage *self,
                                                 KfFilesItem *item);
/* Enables the selection's actions and shows how many are selected. */
void         _kf_files_page_update_selection  (KfFilesPage    *self);

G_END_DECLS
