/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-client.h"

G_BEGIN_DECLS

typedef enum {
  KF_REMOTE_UPLOAD_WAITING,     /* not started */
  KF_REMOTE_UPLOAD_STARTING,    /* asking the server to fetch the URL */
  KF_REMOTE_UPLOAD_WORKING,     /* the server is fetching; polled with backoff */
  KF_REMOTE_UPLOAD_DONE,        /* "link" is the file page */
  KF_REMOTE_UPLOAD_FAILED,      /* "error-message" says why */
  KF_REMOTE_UPLOAD_CANCELLED,
} KfRemoteUploadState;

GType kf_remote_upload_state_get_type (void);
#define KF_TYPE_REMOTE_UPLOAD_STATE (kf_remote_upload_state_get_type ())

#define KF_TYPE_REMOTE_UPLOAD (kf_remote_upload_get_type ())
G_DECLARE_FINAL_TYPE (KfRemoteUpload, kf_remote_upload, KF, REMOTE_UPLOAD, GObject)

/* One remote URL upload: asks the server to fetch @url, then polls its
 * status (1 s, doubling up to 10 s) until it is done or failed. Emits
 * "finished" once, on done, failed or cancelled. Properties: "client",
 * "url", "folder-id" (construct-only), "state", "progress" (percent, -1
 * unknown), "file-code", "link", "error-message" (plain text), and
 * "wait-timeout" (seconds from the start, 0 for no limit: then it fails
 * with KF_ERROR_TIMED_OUT, saying what the server last reported). The app's
 * upload queue and `kenfiles remote-upload --wait` both run on it. */

KfRemoteUpload      *kf_remote_upload_new               (KfClient       *client,
                                                         const char     *url,
                                                         const char     *folder_id);
void                 kf_remote_upload_start             (KfRemoteUpload *self);
/* Instead of start: the server took the job earlier (@file_code, from
 * "file-code" then), e.g. before a restart; its status is polled again. */
void                 kf_remote_upload_resume            (KfRemoteUpload *self,
                                                         const char     *file_code);
void                 kf_remote_upload_cancel            (KfRemoteUpload *self);
const char          *kf_remote_upload_get_url           (KfRemoteUpload *self);
KfRemoteUploadState  kf_remote_upload_get_state         (KfRemoteUpload *self);
int                  kf_remote_upload_get_progress      (KfRemoteUpload *self);
const char          *kf_remote_upload_get_file_code     (KfRemoteUpload *self);
const char          *kf_remote_upload_get_link          (KfRemoteUpload *self);
const char          *kf_remote_upload_get_error_message (KfRemoteUpload *self);
/* When failed because a call failed: its error (NULL when the server
 * reported the failure itself). KF_ERROR_TIMED_OUT after "wait-timeout". */
const GError        *kf_remote_upload_get_error         (KfRemoteUpload *self);
/* The server's last status answer, NULL before the first. */
const KfRemoteStatus *kf_remote_upload_get_last_status  (KfRemoteUpload *self);
guint                kf_remote_upload_get_wait_timeout  (KfRemoteUpload *self);
/* Before start only. */
void                 kf_remote_upload_set_wait_timeout  (KfRemoteUpload *self,
                                                         guint           seconds);
/* Status requests sent so far (for tests of the backoff). */
guint                kf_remote_upload_get_n_polls       (KfRemoteUpload *self);
/* The polling backoff: first delay and cap in milliseconds (default 1 s and
 * 10 s; the command line polls sooner, tests shorter). */
void                 kf_remote_upload_set_poll_delays   (KfRemoteUpload *self,
                                                         guint           first_ms,
                                                         guint           max_ms);

G_END_DECLS
