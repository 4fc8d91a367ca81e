/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  KF_UPLOAD_STATE_WAITING,
  KF_UPLOAD_STATE_UPLOADING,
  KF_UPLOAD_STATE_DONE,
  KF_UPLOAD_STATE_FAILED,
  KF_UPLOAD_STATE_CANCELLED,
  KF_UPLOAD_STATE_NOT_FINISHED,   /* left over from an earlier run */
  KF_UPLOAD_STATE_PAUSED,         /* paused by the user: keeps its place, resumed from the start */
} KfUploadState;

GType kf_upload_state_get_type (void) G_GNUC_CONST;
#define KF_TYPE_UPLOAD_STATE (kf_upload_state_get_type ())

#define KF_TYPE_UPLOAD_ITEM (kf_upload_item_get_type ())
G_DECLARE_FINAL_TYPE (KfUploadItem, kf_upload_item, KF, UPLOAD_ITEM, GObject)

/* One file in the upload list. Properties (all read-only to the UI, set by
 * the queue): "id", "file", "name", "size", "state", "progress",
 * "bytes-sent", "speed", "eta", "error-message", "link", "file-code",
 * "date". */

KfUploadItem  *kf_upload_item_new               (const char    *id,
                                                 GFile         *file,
                                                 const char    *name,
                                                 gint64         size);
const char    *kf_upload_item_get_id            (KfUploadItem  *self);
GFile         *kf_upload_item_get_file          (KfUploadItem  *self);
const char    *kf_upload_item_get_name          (KfUploadItem  *self);
gint64         kf_upload_item_get_size          (KfUploadItem  *self);
KfUploadState  kf_upload_item_get_state         (KfUploadItem  *self);
double         kf_upload_item_get_progress      (KfUploadItem  *self);
gint64         kf_upload_item_get_bytes_sent    (KfUploadItem  *self);
/* Bytes per second, 0 when unknown. */
double         kf_upload_item_get_speed         (KfUploadItem  *self);
/* Seconds left, -1 when unknown. */
gint64         kf_upload_item_get_eta           (KfUploadItem  *self);
const char    *kf_upload_item_get_error_message (KfUploadItem  *self);
const char    *kf_upload_item_get_link          (KfUploadItem  *self);
const char    *kf_upload_item_get_file_code     (KfUploadItem  *self);
GDateTime     *kf_upload_item_get_date          (KfUploadItem  *self);

gboolean       kf_upload_item_can_retry         (KfUploadItem  *self);
gboolean       kf_upload_item_is_active         (KfUploadItem  *self);
/* A local file that is waiting or uploading (a remote URL upload runs on
 * the server and cannot be paused). */
gboolean       kf_upload_item_can_pause         (KfUploadItem  *self);

void           kf_upload_item_set_size          (KfUploadItem  *self,
                                                 gint64         size);
void           kf_upload_item_set_date          (KfUploadItem  *self,
                                                 GDateTime     *date);
/* Resets progress and message for a new attempt. */
void           kf_upload_item_set_waiting       (KfUploadItem  *self);
void           kf_upload_item_set_uploading     (KfUploadItem  *self);
/* @now_us: g_get_monotonic_time(); speed is smoothed across calls. */
void           kf_upload_item_update_progress   (KfUploadItem  *self,
                                                 gint64         sent,
                                                 gint64         total,
                                                 gint64         now_us);
void           kf_upload_item_set_done          (KfUploadItem  *self,
                                                 const char    *file_code,
                                                 const char    *link,
                                                 GDateTime     *date);
void           kf_upload_item_set_failed        (KfUploadItem  *self,
                                                 const char    *message);
void           kf_upload_item_set_cancelled     (KfUploadItem  *self);
/* Waiting again after a transient failure; @message says what happened. */
void           kf_upload_item_set_retrying      (KfUploadItem  *self,
                                                 const char    *message);
void           kf_upload_item_set_not_finished  (KfUploadItem  *self);
/* Paused by the user. Bytes sent and progress stay as they were, so the row
 * can say how far it had got; resuming starts again from 0 (the server has
 * no resumable upload). */
void           kf_upload_item_set_paused        (KfUploadItem  *self);
/* Why the upload ended failed or cancelled, as core reported it (its code is
 * what a program acts on; "error-message" is what a person reads). Set by
 * the queue just before the state changes; cleared on a new attempt. */
const GError  *kf_upload_item_get_error         (KfUploadItem  *self);
void           kf_upload_item_set_error         (KfUploadItem  *self,
                                                 const GError  *error);
/* A remote URL upload: no local file, the name is the URL, retry refetches it. */
void           kf_upload_item_set_remote        (KfUploadItem  *self,
                                                 gboolean       remote);
gboolean       kf_upload_item_get_remote        (KfUploadItem  *self);
/* The file's last change when it was queued (µs since 1970, -1 unknown),
 * so a restart can tell a file that changed since. */
void           kf_upload_item_set_mtime         (KfUploadItem  *self,
                                                 gint64         mtime);
gint64         kf_upload_item_get_mtime         (KfUploadItem  *self);
/* Tree uploads: the path of the file's folder in the tree ("Photos/2024"),
 * or NULL. */
void           kf_upload_item_set_folder_path   (KfUploadItem  *self,
                                                 const char    *folder_path);
const char    *kf_upload_item_get_folder_path   (KfUploadItem  *self);
/* For uploads whose bytes are not seen (remote): the fraction done, 0 to 1. */
void           kf_upload_item_set_progress      (KfUploadItem  *self,
                                                 double         progress);

G_END_DECLS
