/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Turns what the user dropped or chose into the list of files to upload:
 * folders are walked recursively, asynchronously. A folder reached twice
 * (a symbolic link loop) is reported and not entered again; entries that
 * cannot be read are reported and skipped. */

typedef struct {
  GPtrArray *files;       /* GFile*, in the order found */
  GPtrArray *names;       /* char*, display names, same order */
  GArray    *sizes;       /* gint64, same order */
  guint64    total_size;
  guint      n_folders;   /* folders among what was given */
  char      *folder_name; /* display name of the first of them, or NULL */
  GPtrArray *problems;    /* char*, one sentence each */
} KfFileScan;

void        kf_file_scan_free   (KfFileScan          *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfFileScan, kf_file_scan_free)

void        kf_file_scan_async  (GFile * const       *roots,
                                 guint                n_roots,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
KfFileScan *kf_file_scan_finish (GAsyncResult        *result,
                                 GError             **error);

G_END_DECLS
