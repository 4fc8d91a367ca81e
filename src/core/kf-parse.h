/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include "kf-types.h"

G_BEGIN_DECLS

/* Pure parsing, no I/O: every function here is unit-tested on literal
 * bodies. Errors are in KF_ERROR with messages meant for a user.
 * server_url is the API server base (for building file page URLs). */

/* HTTP-level check before the body is looked at: 5xx / HTML pages
 * (KF_ERROR_SERVER), 429 (KF_ERROR_RATE_LIMITED), 413 (KF_ERROR_TOO_LARGE),
 * 401/403 (KF_ERROR_KEY_REJECTED), 404/501 (KF_ERROR_NOT_AVAILABLE), other
 * 4xx (KF_ERROR_REFUSED), other non-2xx (KF_ERROR_PROTOCOL). */
gboolean        kf_parse_check_http            (guint         http_status,
                                                const char   *content_type,
                                                GBytes       *body,
                                                GError      **error);

/* Parses a JSON API answer and checks its own `status`/`msg` (errors come
 * with HTTP 200). Returns the root node on success (a bare JSON list is
 * returned as is). Plain-text `ERROR:...` bodies become KF_ERROR_REFUSED
 * with the text after the colon; a key complaint (403, or a msg about the
 * key) KF_ERROR_KEY_REJECTED; an unknown operation KF_ERROR_NOT_AVAILABLE;
 * other non-200 statuses, or a msg other than OK/WORKING with no payload,
 * KF_ERROR_REFUSED whose message is the server's msg as plain text (one
 * line, at most 300 characters). HTML is KF_ERROR_SERVER; anything else
 * that is not JSON KF_ERROR_PROTOCOL. */
JsonNode       *kf_parse_envelope              (GBytes       *body,
                                                GError      **error);

/* KF_ERROR_PROTOCOL for an answer over KF_JSON_MAX_BYTES (kf-json.h),
 * whether found while reading or when parsing. */
void            kf_parse_set_answer_too_large  (GError      **error);

/* "YYYY-MM-DD HH:MM:SS" (or a date alone), read as UTC since the server
 * names no zone; NULL when absent, invalid or a zero date. */
GDateTime      *kf_parse_server_date           (const char   *text);

KfAccountInfo  *kf_parse_account_info          (JsonNode     *root,
                                                GError      **error);
KfStats        *kf_parse_stats                 (JsonNode     *root,
                                                GError      **error);
KfUploadServer *kf_parse_upload_server         (JsonNode     *root,
                                                GError      **error);
/* The body of the POST to the upload server: a JSON list of
 * {file_code, file_status}. Returns one KfUploadResult per entry (name and
 * size left empty), error set per file for failures: KF_ERROR_SERVER
 * (transient, see below) or KF_ERROR_REFUSED with the server's text. */
GPtrArray      *kf_parse_upload_results        (GBytes       *body,
                                                const char   *server_url,
                                                GError      **error);
/* TRUE for per-file upload failures worth one retry on a fresh server. */
gboolean        kf_parse_upload_status_is_transient (const char *file_status);
char           *kf_parse_remote_upload         (JsonNode     *root,
                                                GError      **error);
KfRemoteStatus *kf_parse_remote_status         (JsonNode     *root,
                                                const char   *server_url,
                                                GError      **error);
KfDirectLink   *kf_parse_direct_link           (JsonNode     *root,
                                                GError      **error);
/* Works on the raw body: the reseller call may answer plain text. An
 * accepted answer without a code is KF_ERROR_UNCERTAIN (it may have been
 * charged). */
char           *kf_parse_voucher               (GBytes       *body,
                                                GError      **error);
GPtrArray      *kf_parse_file_info             (JsonNode     *root,
                                                const char   *server_url,
                                                GError      **error);
KfFileList     *kf_parse_file_list             (JsonNode     *root,
                                                const char   *server_url,
                                                GError      **error);
KfFolderList   *kf_parse_folder_list           (JsonNode     *root,
                                                const char   *server_url,
                                                GError      **error);
char           *kf_parse_folder_create         (JsonNode     *root,
                                                GError      **error);

/* file/clone: {filecode, url} in result (or a list of one, or file_code).
 * Returns a KfFileInfo with file_code and the file page url (built from
 * @server_url, like every other page link); other fields unknown. */
KfFileInfo     *kf_parse_file_clone            (JsonNode     *root,
                                                const char   *server_url,
                                                GError      **error);

G_END_DECLS
