/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-error.h"
#include "kf-rate-limit.h"
#include "kf-types.h"

G_BEGIN_DECLS

#define KF_DEFAULT_SERVER "https://kenfiles.com"

#define KF_TYPE_CLIENT (kf_client_get_type ())
G_DECLARE_FINAL_TYPE (KfClient, kf_client, KF, CLIENT, GObject)

/**
 * KfProgressFunc:
 * @sent: bytes of file contents sent so far in the current attempt
 * @total: bytes of file contents in the request
 *
 * Called on the main context of the call. @sent may go back to 0 when an
 * upload is retried.
 */
typedef void (*KfProgressFunc) (goffset  sent,
                                goffset  total,
                                gpointer user_data);

/* Properties: "server-url" (construct-only), "api-key" (write-only),
 * "max-connections" (construct-only, default 8; SoupSession
 * max-conns-per-host), "max-attempts" (default 4), "retry-delay-ms"
 * (base of the exponential backoff, default 500), and the time limits:
 *
 * - "deadline" (seconds, default 60; 0 = none): the total time of one API
 *   call, every attempt and backoff wait included. It is what a command
 *   line --timeout sets. When it passes, the call fails with
 *   KF_ERROR_TIMED_OUT (KF_ERROR_UNCERTAIN for a voucher already sent). A
 *   retry is only started when its backoff wait ends before the deadline;
 *   an attempt in progress is cut at the deadline.
 * - "timeout" (seconds, default 30; 0 = none): the idle timeout of one
 *   attempt, restarted by every byte sent or received. It ends an attempt
 *   to a server that has gone silent (and the call may retry), and it is
 *   the only limit while an upload body is being sent (a big file may take
 *   hours); once the body is sent, the upload's answer gets "deadline".
 * - "idle-timeout" (seconds, default 60): how long an unused connection
 *   is kept open for the next call.
 *
 * Every answer is read through a bound: more than KF_JSON_MAX_BYTES
 * (8 MiB, after gzip decompression) is refused while it is read, and
 * nesting deeper than KF_JSON_MAX_DEPTH (64) is refused before parsing;
 * both are KF_ERROR_PROTOCOL and not retried.
 *
 * Redirects: an API call follows a redirect only to the same origin
 * (scheme, host and port), at most a few times; anything else, plain
 * http included, fails with KF_ERROR_PROTOCOL and nothing is sent there.
 * A voucher purchase follows no redirect at all (KF_ERROR_UNCERTAIN).
 *
 * Every API call fails with KF_ERROR_NO_KEY without sending anything when
 * no key is set, with G_IO_ERROR_CANCELLED when cancelled (also during a
 * backoff wait), and retries transient failures (network, timeout, 5xx,
 * 429, HTML pages, bodies that are not JSON) up to max-attempts; refusals,
 * a rejected key and an untrusted certificate (KF_ERROR_CERTIFICATE) are
 * never retried. */

/* Returns NULL with KF_ERROR_INSECURE_URL for a server URL that is not
 * https and not loopback. @api_key may be NULL (set it later). */
KfClient   *kf_client_new                      (const char   *server_url,
                                                const char   *api_key,
                                                GError      **error);
const char *kf_client_get_server_url           (KfClient     *self);
void        kf_client_set_api_key              (KfClient     *self,
                                                const char   *api_key);
gboolean    kf_client_has_api_key              (KfClient     *self);
void        kf_client_set_retry_policy         (KfClient     *self,
                                                guint         max_attempts,
                                                guint         base_delay_ms);
/* The "deadline" and "timeout" properties, in seconds (0 = none). */
void        kf_client_set_deadline             (KfClient     *self,
                                                guint         seconds);
guint       kf_client_get_deadline             (KfClient     *self);
void        kf_client_set_timeout              (KfClient     *self,
                                                guint         seconds);
guint       kf_client_get_timeout              (KfClient     *self);
/* The "rate-limit" property: upload bodies started afterwards take their
 * bytes from @limit, shared with every other upload using it (API calls are
 * not limited). NULL for none. Changing the limit's rate applies at once to
 * the uploads running; a limited upload that keeps sending is not idle. */
void         kf_client_set_rate_limit          (KfClient     *self,
                                                KfRateLimit  *limit);
KfRateLimit *kf_client_get_rate_limit          (KfClient     *self);
/* Builds the file page URL: {server}/{file_code} */
char       *kf_client_build_file_url           (KfClient     *self,
                                                const char   *file_code);

void           kf_client_get_account_info_async  (KfClient            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
KfAccountInfo *kf_client_get_account_info_finish (KfClient            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* @days: 0 for the server's default, else sent as last=N */
void           kf_client_get_account_stats_async  (KfClient            *self,
                                                   guint                days,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KfStats       *kf_client_get_account_stats_finish (KfClient            *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

void            kf_client_get_upload_server_async  (KfClient            *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
KfUploadServer *kf_client_get_upload_server_finish (KfClient            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Uploads @n_files files in one request (step 1 + step 2, retried from
 * step 1 on transient failures). @folder_id may be NULL. The result is a
 * GPtrArray of KfUploadResult, one per file in order; a file the server
 * refused has its own error. The call itself fails only when no file could
 * be uploaded for a reason common to all (network, key, cancelled, ...). */
void        kf_client_upload_async             (KfClient            *self,
                                                GFile *const        *files,
                                                guint                n_files,
                                                KfUploadType         upload_type,
                                                const char          *folder_id,
                                                KfProgressFunc       progress,
                                                gpointer             progress_data,
                                                GDestroyNotify       progress_destroy,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray  *kf_client_upload_finish            (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Remote URL upload: returns the new file code. */
void        kf_client_remote_upload_async      (KfClient            *self,
                                                const char          *url,
                                                const char          *folder_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char       *kf_client_remote_upload_finish     (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void            kf_client_remote_status_async  (KfClient            *self,
                                                const char          *file_code,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KfRemoteStatus *kf_client_remote_status_finish (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void          kf_client_get_direct_link_async  (KfClient            *self,
                                                const char          *file_code,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KfDirectLink *kf_client_get_direct_link_finish (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Spends balance. Never retried. @reseller_key NULL uses the API key.
 * A lost answer (timeout, connection cut after the request was sent, a 5xx
 * or HTML page, or a body that cannot be read) fails with
 * KF_ERROR_UNCERTAIN: the voucher may have been created. A failure to
 * connect at all is KF_ERROR_NETWORK. Sent on a fresh connection, so that
 * libsoup never replays it. */
void        kf_client_create_voucher_async     (KfClient            *self,
                                                const char          *plan,
                                                const char          *reseller_key,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char       *kf_client_create_voucher_finish    (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* @file_codes: one or more codes. Result: GPtrArray of KfFileInfo. */
void        kf_client_get_file_info_async      (KfClient            *self,
                                                const char * const  *file_codes,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray  *kf_client_get_file_info_finish     (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* @page starts at 1; @folder_id and @name_filter may be NULL. */
void        kf_client_list_files_async         (KfClient            *self,
                                                guint                page,
                                                guint                per_page,
                                                const char          *folder_id,
                                                const char          *name_filter,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KfFileList *kf_client_list_files_finish        (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* @folder_id NULL or "0" for the root. */
void          kf_client_list_folder_async      (KfClient            *self,
                                                const char          *folder_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KfFolderList *kf_client_list_folder_finish     (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Returns the new folder's ID. */
void        kf_client_create_folder_async      (KfClient            *self,
                                                const char          *parent_id,
                                                const char          *name,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char       *kf_client_create_folder_finish     (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void        kf_client_rename_file_async        (KfClient            *self,
                                                const char          *file_code,
                                                const char          *name,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    kf_client_rename_file_finish       (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Moves every file of @file_codes (one or more) into @folder_id ("0" for
 * the root) in one call; the sandbox, like the server, moves all or none. */
void        kf_client_move_files_async         (KfClient            *self,
                                                const char * const  *file_codes,
                                                const char          *folder_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    kf_client_move_files_finish        (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Makes a copy of @file_code with a code of its own. With @folder_id (not
 * NULL) the copy is then moved there (file/set_folder): when that second
 * step fails the copy exists where the original is, and the error says so
 * with its code. Result: a KfFileInfo with file_code, url and folder_id
 * (when moved); the other fields are unknown (NULL, -1). */
void        kf_client_clone_file_async         (KfClient            *self,
                                                const char          *file_code,
                                                const char          *folder_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KfFileInfo *kf_client_clone_file_finish        (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void        kf_client_rename_folder_async      (KfClient            *self,
                                                const char          *folder_id,
                                                const char          *name,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    kf_client_rename_folder_finish     (KfClient            *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
