/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A local KenFiles-compatible server. It runs two SoupServers on loopback
 * (the API host and a separate "file server" host for uploads and direct
 * links), on a thread of its own with its own GMainContext, so a test or the
 * app can use it from the main loop without the server's disk writes ever
 * stalling the caller. All public functions are thread-safe. */

#define KF_SANDBOX_DEMO_KEY "sandboxdemo0000000000000000000000000000k"
/* A separate 40-character reseller key (API_KEY_V3); only reseller/create
 * accepts it, besides the demo key. */
#define KF_SANDBOX_RESELLER_KEY "sandboxreseller0000000000000000000000v3k"

#define KF_TYPE_SANDBOX (kf_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (KfSandbox, kf_sandbox, KF, SANDBOX, GObject)

typedef enum {
  KF_SANDBOX_FAULT_CUT_UPLOAD,     /* close the connection after part of an upload body */
  KF_SANDBOX_FAULT_CUT_RESPONSE,   /* do the work, then close without answering */
  KF_SANDBOX_FAULT_HTML_5XX,       /* 502 with an HTML proxy page */
  KF_SANDBOX_FAULT_RATE_LIMIT,     /* 429 with an HTML page */
  KF_SANDBOX_FAULT_INVALID_JSON,   /* HTTP 200 with a body that is not JSON */
  KF_SANDBOX_FAULT_SLOW,           /* answer after the slow delay (default 3 s) */
  KF_SANDBOX_FAULT_FILE_ERROR,     /* upload: file_code "undef", transient file_status */
  KF_SANDBOX_FAULT_FILE_REFUSED,   /* upload: file_code "undef", "unallowed extension" */
  KF_SANDBOX_FAULT_KEY_REJECTED,   /* {"msg":"Invalid key","status":403} */
  KF_SANDBOX_FAULT_TOO_LARGE,      /* 413 with an HTML page */
} KfSandboxFault;

/* Hosts of this software answer upload/url in several shapes. */
typedef enum {
  KF_SANDBOX_REMOTE_RESULT,        /* result {filecode}; status: result {file_code, status, progress} */
  KF_SANDBOX_REMOTE_LIST,          /* the published page: a bare [{file_code}], for the status too */
  KF_SANDBOX_REMOTE_WORKING,       /* as RESULT, but a running job's status is only msg "WORKING" */
} KfSandboxRemoteAnswer;

typedef struct {
  char   *file_code;
  char   *name;                    /* as received, decoded */
  gint64  size;
  char   *path;                    /* where the bytes are on disk */
  char   *folder_id;               /* "0" for the root */
  char   *utype;                   /* as received in the upload, or NULL */
} KfSandboxFile;

void kf_sandbox_file_free (KfSandboxFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfSandboxFile, kf_sandbox_file_free)

typedef struct {
  char   *folder_id;
  char   *parent_id;               /* "0" for the root */
  char   *name;
} KfSandboxFolder;

void kf_sandbox_folder_free (KfSandboxFolder *folder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfSandboxFolder, kf_sandbox_folder_free)

/* @data_dir: where uploaded files go; NULL for a temporary folder that is
 * removed when the sandbox is finalized. */
KfSandbox  *kf_sandbox_new               (const char      *data_dir);
/* Listens on 127.0.0.1; @port 0 picks a free one (the file server always
 * gets a free port). Starts the server thread. */
gboolean    kf_sandbox_start             (KfSandbox       *self,
                                          guint            port,
                                          GError         **error);
void        kf_sandbox_stop              (KfSandbox       *self);
/* "http://127.0.0.1:PORT" of the API host, valid after start. */
const char *kf_sandbox_get_url           (KfSandbox       *self);
const char *kf_sandbox_get_file_server_url (KfSandbox     *self);
const char *kf_sandbox_get_api_key       (KfSandbox       *self);
/* Where uploaded files are stored. */
const char *kf_sandbox_get_data_dir      (KfSandbox       *self);

/* @path_prefix: only requests whose path starts with it (NULL: any API or
 * upload request; direct links "/d/" only when named). @times: how many
 * requests it hits, 0 for sticky; FILE_ERROR and FILE_REFUSED count one hit
 * per file part. */
void        kf_sandbox_add_fault         (KfSandbox       *self,
                                          KfSandboxFault   fault,
                                          const char      *path_prefix,
                                          guint            times);
void        kf_sandbox_clear_faults      (KfSandbox       *self);
void        kf_sandbox_set_slow_delay    (KfSandbox       *self,
                                          guint            delay_ms);

void        kf_sandbox_set_premium       (KfSandbox       *self,
                                          gboolean         premium);
void        kf_sandbox_set_balance       (KfSandbox       *self,
                                          double           balance);
double      kf_sandbox_get_balance       (KfSandbox       *self);
/* @operation: "file/rename", "folder/list", ... A disabled operation is
 * answered exactly like an operation the server does not know. */
void        kf_sandbox_set_operation_enabled (KfSandbox   *self,
                                          const char      *operation,
                                          gboolean         enabled);
void        kf_sandbox_set_remote_answer (KfSandbox             *self,
                                          KfSandboxRemoteAnswer  answer);
/* Voucher codes created so far, oldest first. */
GStrv       kf_sandbox_dup_vouchers      (KfSandbox       *self);

/* Files stored so far (GPtrArray of KfSandboxFile), oldest first. */
GPtrArray  *kf_sandbox_list_files        (KfSandbox       *self);
/* Sets when the file with @file_code was uploaded, as file/list and
 * file/info report it (for tests that need an older file); FALSE when
 * there is no such file. */
gboolean    kf_sandbox_set_file_uploaded (KfSandbox       *self,
                                          const char      *file_code,
                                          GDateTime       *uploaded);
/* Folders made so far (GPtrArray of KfSandboxFolder), oldest first. */
GPtrArray  *kf_sandbox_list_folders      (KfSandbox       *self);
/* Makes a folder as folder/create would (for tests that need one to exist
 * already); returns its ID, or NULL when @parent_id does not exist. */
char       *kf_sandbox_add_folder        (KfSandbox       *self,
                                          const char      *parent_id,
                                          const char      *name);
/* Number of upload requests whose multipart body did not complete (cut,
 * aborted or truncated); they stored nothing. */
guint       kf_sandbox_get_n_incomplete_uploads (KfSandbox *self);

/* Every request received, oldest first, one string each:
 * "api GET /api/account/info?key=...\n<header lines>" or
 * "files POST /cgi-bin/upload.cgi\n<header lines>\n<form field lines name=value>".
 * For tests that check where the key went. */
GStrv       kf_sandbox_dup_request_log   (KfSandbox       *self);
guint       kf_sandbox_count_requests    (KfSandbox       *self,
                                          const char      *path_prefix);

G_END_DECLS
