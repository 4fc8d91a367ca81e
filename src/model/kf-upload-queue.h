/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-client.h"
#include "kf-history.h"
#include "kf-queue-file.h"
#include "kf-upload-item.h"

G_BEGIN_DECLS

#define KF_TYPE_UPLOAD_QUEUE (kf_upload_queue_get_type ())
G_DECLARE_FINAL_TYPE (KfUploadQueue, kf_upload_queue, KF, UPLOAD_QUEUE, GObject)

/* The upload list and the uploads running from it, N at a time, each with
 * its own cancellable. Items are listed newest first. Every change is
 * mirrored to the history (when given): an item is recorded as not finished
 * when it is queued, so it is listed again after a crash or a quit.
 *
 * Properties: "n-pending" (waiting + uploading, read-only), "n-paused"
 * (read-only), "max-parallel",
 * "upload-type", "folder-id" (NULL for the top folder; new uploads only)
 * and "report-progress" (default TRUE: items' bytes, speed and time left
 * are updated while uploading; FALSE spares that work when nothing shows
 * it). GTK-free: the app and the command line both run uploads on it.
 * Signals: "batch-finished" (guint n_done, guint n_failed, GStrv links),
 * emitted when the last pending upload ends. */

KfUploadQueue *kf_upload_queue_new              (KfHistory     *history);
GListModel    *kf_upload_queue_get_model        (KfUploadQueue *self);
KfHistory     *kf_upload_queue_get_history      (KfUploadQueue *self);

/* No uploads start while the client is NULL. */
void           kf_upload_queue_set_client       (KfUploadQueue *self,
                                                 KfClient      *client);
KfClient      *kf_upload_queue_get_client       (KfUploadQueue *self);
void           kf_upload_queue_set_max_parallel (KfUploadQueue *self,
                                                 guint          max_parallel);
void           kf_upload_queue_set_upload_type  (KfUploadQueue *self,
                                                 KfUploadType   upload_type);
/* NULL or "" for the top folder. */
void           kf_upload_queue_set_folder_id    (KfUploadQueue *self,
                                                 const char    *folder_id);
void           kf_upload_queue_set_report_progress (KfUploadQueue *self,
                                                    gboolean       report_progress);

/* Adds @n_files files, shown at the top in the given order; @names and
 * @sizes may be NULL (basename, unknown size). */
void           kf_upload_queue_add_files        (KfUploadQueue *self,
                                                 GFile * const *files,
                                                 const char * const *names,
                                                 const gint64  *sizes,
                                                 guint          n_files);
/* The same, uploaded to @folder_id (NULL: the folder set above). */
void           kf_upload_queue_add_files_to_folder (KfUploadQueue      *self,
                                                    GFile * const      *files,
                                                    const char * const *names,
                                                    const gint64       *sizes,
                                                    guint               n_files,
                                                    const char         *folder_id);
/* The same, each file to its own folder: @folder_ids[i] (NULL: the folder
 * set above). */
void           kf_upload_queue_add_files_to_folders (KfUploadQueue      *self,
                                                     GFile * const      *files,
                                                     const char * const *names,
                                                     const gint64       *sizes,
                                                     const char * const *folder_ids,
                                                     guint               n_files);
/* Adds a row at the top for a remote URL upload (the server fetches @url)
 * and starts it at once: remote rows do not count against the parallel
 * limit. It is recorded in the history only once done. Returns the row
 * (owned by the queue). */
KfUploadItem  *kf_upload_queue_add_remote       (KfUploadQueue *self,
                                                 const char    *url,
                                                 const char    *folder_id);
/* Lists the history's entries below the current uploads. */
void           kf_upload_queue_load_history     (KfUploadQueue *self);

KfUploadItem  *kf_upload_queue_lookup           (KfUploadQueue *self,
                                                 const char    *id);
void           kf_upload_queue_cancel           (KfUploadQueue *self,
                                                 KfUploadItem  *item);
void           kf_upload_queue_retry            (KfUploadQueue *self,
                                                 KfUploadItem  *item);
/* Removes the item from the list and the history, cancelling it first. */
void           kf_upload_queue_remove           (KfUploadQueue *self,
                                                 KfUploadItem  *item);
/* Puts a removed item back at @position (clamped), as it was: for Undo.
 * Only items that are not running can be restored. */
void           kf_upload_queue_restore          (KfUploadQueue *self,
                                                 KfUploadItem  *item,
                                                 guint          position);

/* Bulk actions. Each returns how many items it acted on. */
guint          kf_upload_queue_cancel_all       (KfUploadQueue *self);
guint          kf_upload_queue_retry_failed     (KfUploadQueue *self);
/* Removes the uploads that are done from the list and the history; their
 * items and former positions are appended to @removed (may be NULL) so
 * they can be restored. */
guint          kf_upload_queue_clear_finished   (KfUploadQueue *self,
                                                 GPtrArray     *removed,
                                                 GArray        *positions);
/* The links of the uploads that are done, newest first. */
GStrv          kf_upload_queue_dup_links        (KfUploadQueue *self);

/* A transient failure (connection lost, server error, timeout) is tried
 * again by itself up to @max_retries times, after @base_delay_ms, then
 * twice that, and so on; only then is the item failed. */
void           kf_upload_queue_set_retry_policy (KfUploadQueue *self,
                                                 guint          max_retries,
                                                 guint          base_delay_ms);

/* The uploads since the queue was last idle: files done and in total,
 * bytes sent and in total (of known sizes) and seconds left (-1: unknown). */
void           kf_upload_queue_get_progress     (KfUploadQueue *self,
                                                 guint         *files_done,
                                                 guint         *files_total,
                                                 gint64        *bytes_done,
                                                 gint64        *bytes_total,
                                                 gint64        *seconds_left);

/* Pause and resume. A paused row keeps its place in the list and the queue
 * goes on with the others. Pausing a waiting upload takes it out of line;
 * pausing a running one cancels its request (the state turns to paused once
 * it has stopped). XFileSharing has no resumable upload, so a resumed file
 * is sent again from the start; it waits its turn in list order (oldest
 * first) with the others waiting. Remote URL uploads cannot be paused.
 * Each returns whether it acted (the _all ones: on how many rows). A
 * paused row can be cancelled or removed as any other. */
gboolean       kf_upload_queue_pause            (KfUploadQueue *self,
                                                 KfUploadItem  *item);
gboolean       kf_upload_queue_resume           (KfUploadQueue *self,
                                                 KfUploadItem  *item);
guint          kf_upload_queue_pause_all        (KfUploadQueue *self);
guint          kf_upload_queue_resume_all       (KfUploadQueue *self);
/* The "n-paused" property: rows paused now. */
guint          kf_upload_queue_get_n_paused     (KfUploadQueue *self);
/* Local uploads waiting or running that kf_upload_queue_pause_all would
 * pause now (changes come with notify::n-pending). */
guint          kf_upload_queue_get_n_pausable   (KfUploadQueue *self);

/* Stops every upload, keeping them as not finished (signing out, quitting). */
void           kf_upload_queue_stop_all         (KfUploadQueue *self);

/* The saved queue (kf-queue-file.h). Without one (the command line),
 * nothing is saved or restored.
 *
 * Restoring reads @file in a worker thread, checking each local file
 * against the size and last change it had when queued, and lists the saved
 * rows below the current ones, in their saved order: local files paused, or
 * waiting when @start (they then start oldest first, as before); a file that
 * changed, vanished or cannot be read is failed, saying so, and not
 * uploaded; remote jobs are polled again (or asked for again, if the server
 * had not taken them yet) once the queue has a signed-in client; failed
 * remote jobs come back failed, with their message. Call it before
 * kf_upload_queue_load_history(). From then on every change is saved to
 * @file (changes close together as one write). A file that cannot be read
 * is moved aside, the restore fails with its error and the queue is saved
 * to @file from then on all the same. */
void           kf_upload_queue_restore_async    (KfUploadQueue       *self,
                                                 KfQueueFile         *file,
                                                 gboolean             start,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean       kf_upload_queue_restore_finish   (KfUploadQueue       *self,
                                                 GAsyncResult        *result,
                                                 guint               *n_restored,
                                                 GError             **error);
/* Writes the queue as it is now, waits for it, and stops saving: for
 * quitting, before kf_upload_queue_stop_all(), so the rows it stops are
 * saved as they were. */
gboolean       kf_upload_queue_finish_saving    (KfUploadQueue       *self,
                                                 GError             **error);
/* The file the queue is saved to, or NULL. */
KfQueueFile   *kf_upload_queue_get_queue_file   (KfUploadQueue       *self);

guint          kf_upload_queue_get_n_pending    (KfUploadQueue *self);
/* Running uploads, remote ones included (they do not count against the
 * parallel limit, which only applies to local files). */
guint          kf_upload_queue_get_n_uploading  (KfUploadQueue *self);

G_END_DECLS
