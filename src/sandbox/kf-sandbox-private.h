/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "kf-sandbox.h"

G_BEGIN_DECLS

/* Shared by the parts of the sandbox: kf-sandbox.c (lifecycle and state),
 * kf-sandbox-reply.c (how answers and faults are sent), kf-sandbox-api.c
 * (the API operations), kf-sandbox-upload.c (the streaming upload handler)
 * and kf-sandbox-files.c (direct links and remote upload jobs). */

#define UPLOAD_PATH        "/cgi-bin/upload.cgi"
#define DIRECT_PREFIX      "/d/"
#define UNITS_PER_CURRENCY 100000   /* balances are kept in 1/100000 to avoid float drift */

typedef struct {
  char *id;
  char *parent_id;
  char *name;
  char *code;
} Folder;

typedef struct {
  KfSandboxFile  file;
  char          *name_folded;   /* for file/list's name filter */
  char          *uploaded;
  guint          downloads;
} StoredFile;

void        _kf_sandbox_set_file_name     (StoredFile           *stored,
                                           const char           *name);

typedef struct {
  KfSandbox     *self;
  char          *file_code;
  char          *name;
  char          *folder_id;
  char          *part_path;
  char          *status;          /* "WORKING", "OK" or "ERROR: ..." (under the lock) */
  int            progress;        /* percent (under the lock) */
  GInputStream  *input;
  GOutputStream *output;
  gint64         received;
  gint64         total;
} RemoteJob;

struct _KfSandbox {
  GObject       parent_instance;

  GMutex        lock;
  GCond         cond;

  char         *data_dir;
  gboolean      own_data_dir;

  /* lifecycle (lock) */
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  gboolean      thread_ready;
  GError       *start_error;
  guint         requested_port;
  char         *url;
  char         *file_url;

  /* owned by the server thread */
  SoupServer   *api_server;
  SoupServer   *file_server;
  SoupSession  *session;
  GCancellable *cancellable;
  GPtrArray    *slow_replies;
  guint         n_remote_running;

  /* state (lock) */
  GPtrArray    *faults;
  guint         slow_delay_ms;
  gboolean      premium;
  gint64        balance;
  GPtrArray    *vouchers;
  GPtrArray    *files;
  GHashTable   *files_by_code;
  GPtrArray    *folders;
  guint         next_folder_id;
  GHashTable   *sessions;
  GHashTable   *remote_jobs;
  GPtrArray    *request_log;
  guint         n_incomplete;
  GHashTable   *downloads_per_day;
  GHashTable   *disabled_ops;      /* operation names answered as unknown */
  KfSandboxRemoteAnswer remote_answer;
};

/* kf-sandbox.c: helpers and state; "_locked" and the state functions are
 * called with self->lock held */
char       *_kf_sandbox_random_code       (guint                 len);
char       *_kf_sandbox_format_time       (GDateTime            *dt);
char       *_kf_sandbox_now_string        (void);
char       *_kf_sandbox_today_string      (void);
Folder     *_kf_sandbox_find_folder       (KfSandbox            *self,
                                           const char           *id);
gboolean    _kf_sandbox_folder_exists     (KfSandbox            *self,
                                           const char           *id);
Folder     *_kf_sandbox_add_folder        (KfSandbox            *self,
                                           const char           *parent_id,
                                           const char           *name);
char       *_kf_sandbox_new_file_code     (KfSandbox            *self);
void        _kf_sandbox_store_file        (KfSandbox            *self,
                                           const char           *file_code,
                                           const char           *name,
                                           gint64                size,
                                           const char           *path,
                                           const char           *folder_id,
                                           const char           *utype);
gboolean    _kf_sandbox_take_fault_locked (KfSandbox            *self,
                                           const char           *path,
                                           const KfSandboxFault *kinds,
                                           guint                 n_kinds,
                                           KfSandboxFault       *out_kind);
gboolean    _kf_sandbox_take_slow_locked  (KfSandbox            *self,
                                           const char           *path);
/* takes the lock */
void        _kf_sandbox_log_request       (KfSandbox            *self,
                                           const char           *host,
                                           SoupServerMessage    *msg,
                                           GPtrArray            *field_lines);

/* kf-sandbox-reply.c: answers, on the server thread */
void         _kf_sandbox_send_text         (SoupServerMessage *msg,
                                            guint              status,
                                            const char        *content_type,
                                            const char        *body);
void         _kf_sandbox_send_json_node    (SoupServerMessage *msg,
                                            JsonNode          *node);
void         _kf_sandbox_send_builder      (SoupServerMessage *msg,
                                            JsonBuilder       *builder);
void         _kf_sandbox_send_api_error    (SoupServerMessage *msg,
                                            int                status,
                                            const char        *text);
/* An object with msg "OK", status and server_time, left open for "result". */
JsonBuilder *_kf_sandbox_begin_ok          (void);
void         _kf_sandbox_end_ok            (SoupServerMessage *msg,
                                            JsonBuilder       *builder);
void         _kf_sandbox_send_html         (SoupServerMessage *msg,
                                            guint              status);
gboolean     _kf_sandbox_is_replacing_fault (KfSandboxFault    fault);
void         _kf_sandbox_send_fault        (SoupServerMessage *msg,
                                            KfSandboxFault     fault);
void         _kf_sandbox_cut_connection    (SoupServerMessage *msg);
/* takes the lock */
void         _kf_sandbox_delay_response    (KfSandbox         *self,
                                            SoupServerMessage *msg);
void         _kf_sandbox_slow_reply_free   (gpointer           reply);
void         _kf_sandbox_not_found_handler (SoupServer        *server,
                                            SoupServerMessage *msg,
                                            const char        *path,
                                            GHashTable        *query,
                                            gpointer           user_data);

/* kf-sandbox-api.c */
void         _kf_sandbox_api_attach        (KfSandbox         *self,
                                            SoupServer        *server);

/* kf-sandbox-upload.c */
void         _kf_sandbox_upload_attach     (KfSandbox         *self,
                                            SoupServer        *server);

/* kf-sandbox-files.c: direct links and remote upload jobs */
void         _kf_sandbox_files_attach      (KfSandbox         *self,
                                            SoupServer        *server);
void         _kf_sandbox_remote_job_free   (RemoteJob         *job);
/* Starts fetching @url into a new file; returns the new file's code, or
 * NULL with the reason to answer. Takes the lock. */
char        *_kf_sandbox_start_remote_job  (KfSandbox         *self,
                                            const char        *url,
                                            const char        *fld_id,
                                            GError           **error);

G_END_DECLS
