/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-client.h"
#include "kf-file-scan.h"
#include "kf-upload-queue.h"

G_BEGIN_DECLS

/* Uploads what a KfFileScan found with its tree: every folder of the scan is
 * made on the server under the target folder (a folder of the same name
 * already there is used, not made twice; empty folders are made too), then
 * every file is queued into its own folder. The app and `kenfiles upload -r`
 * both do it this way.
 *
 * Folders are made before any file is queued; when one cannot be made or
 * listed, nothing is queued and the error names it (folders made so far
 * stay, and are used again by the next try). A scan without folders makes
 * no call at all. */

typedef struct {
  KfFileScan *scan;          /* as given */
  GPtrArray  *items;         /* KfUploadItem*, one per file of the scan, same order */
  GPtrArray  *folder_ids;    /* char*, the server folder of each file (NULL: the queue's) */
  guint       n_created;     /* folders made on the server */
  guint       n_reused;      /* folders that were there already */
} KfTreeUpload;

void          kf_tree_upload_free   (KfTreeUpload        *upload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfTreeUpload, kf_tree_upload_free)

/* Takes @scan. @folder_id: the target folder, NULL for the queue's
 * "folder-id" (itself NULL for the top folder). The queue's items are
 * added, and start when the queue has a client. */
void          kf_tree_upload_async  (KfUploadQueue       *queue,
                                     KfClient            *client,
                                     KfFileScan          *scan,
                                     const char          *folder_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
KfTreeUpload *kf_tree_upload_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
