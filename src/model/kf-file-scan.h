/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Turns what the user dropped or chose into the list of files to upload:
 * folders are walked recursively, asynchronously, and their tree is kept
 * (kf-tree-upload.h makes it on the server). Links to folders inside a
 * folder are not followed (they can loop); a folder reached twice anyway
 * (a bind mount) is not entered again; folders deeper than
 * KF_FILE_SCAN_MAX_DEPTH, entries that cannot be read and anything but
 * regular files and folders are reported and skipped. */

#define KF_FILE_SCAN_MAX_DEPTH 64

/* A folder of the tree. Folders of the same name in the same parent (two
 * chosen folders both called "Photos") are one. */
typedef struct {
  char  *name;            /* display name */
  char  *path;            /* display path from the chosen folder: "Photos/2024" */
  int    parent;          /* index in dirs, -1: the target folder */
  guint  depth;           /* 1 for a chosen folder */
} KfScanDir;

typedef struct {
  GPtrArray *files;       /* GFile*, in the order found */
  GPtrArray *names;       /* char*, display names, same order */
  GArray    *sizes;       /* gint64, same order */
  GArray    *file_dirs;   /* int, same order: index in dirs, -1: the target folder */
  GPtrArray *dirs;        /* KfScanDir*, every parent before its children */
  guint64    total_size;
  guint      n_folders;   /* folders among what was given */
  char      *folder_name; /* display name of the first of them, or NULL */
  GPtrArray *problems;    /* char*, one sentence each */
} KfFileScan;

void        kf_file_scan_free   (KfFileScan          *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfFileScan, kf_file_scan_free)

/* "Photos/2024/one.jpg" for file @index (its display name alone when it was
 * chosen itself). */
char       *kf_file_scan_dup_path (const KfFileScan *scan,
                                   guint             index);

void        kf_file_scan_async  (GFile * const       *roots,
                                 guint                n_roots,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
KfFileScan *kf_file_scan_finish (GAsyncResult        *result,
                                 GError             **error);

G_END_DECLS
