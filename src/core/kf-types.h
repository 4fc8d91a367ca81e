/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Plain result structs. Every one has a _free function and an autoptr. */

typedef struct {
  char      *email;
  char      *balance_text;        /* as the server sent it, e.g. "0.04900" */
  double     balance;
  gboolean   storage_used_known;  /* FALSE when the server sent null */
  gint64     storage_used;        /* bytes */
  gboolean   storage_unlimited;   /* storage_left was "inf" */
  gboolean   storage_left_known;  /* FALSE when unlimited or absent */
  gint64     storage_left;        /* bytes, when known and not unlimited */
  GDateTime *premium_expire;      /* NULL if absent; UTC as the server wrote it */
  GDateTime *server_time;         /* NULL if absent */
} KfAccountInfo;

KfAccountInfo *kf_account_info_copy (const KfAccountInfo *info);
void           kf_account_info_free (KfAccountInfo *info);
/* Premium is judged against server_time (falls back to now when absent). */
gboolean       kf_account_info_is_premium (const KfAccountInfo *info);
/* Whole days of premium left (rounded up), 0 when not premium. */
int            kf_account_info_premium_days_left (const KfAccountInfo *info);

typedef struct {
  char   *day;                    /* "YYYY-MM-DD", NULL for a totals row */
  gint64  downloads;
  gint64  views;
  gint64  sales;
  gint64  refs;
  double  profit_dl;
  double  profit_sales;
  double  profit_rebills;
  double  profit_refs;
  double  profit_site;
  double  profit_total;           /* computed when the server left it out */
} KfStatsRow;

typedef struct {
  GPtrArray  *days;               /* KfStatsRow*, rows with a day, oldest first */
  KfStatsRow  totals;             /* computed client-side (day == NULL) */
} KfStats;

void     kf_stats_free (KfStats *stats);
void     kf_stats_row_free (KfStatsRow *row);
/* Adds @row's counts and amounts to @sum (not the day): the one stats sum,
 * used for KfStats.totals and by every view that adds rows up. Counts
 * saturate at G_MAXINT64/G_MININT64 and amounts stay finite (at most
 * G_MAXDOUBLE), whatever the server sent. */
void     kf_stats_row_add (KfStatsRow       *sum,
                           const KfStatsRow *row);
/* @a + @b kept finite: +-G_MAXDOUBLE instead of an infinity, 0 for NaN. */
double   kf_add_finite    (double            a,
                           double            b);

typedef struct {
  char *url;                      /* where to POST the file (may be http, another host) */
  char *sess_id;
} KfUploadServer;

void kf_upload_server_free (KfUploadServer *server);

typedef enum {
  KF_UPLOAD_TYPE_AUTO,            /* premium if the account is premium by server time */
  KF_UPLOAD_TYPE_PREMIUM,         /* utype=prem */
  KF_UPLOAD_TYPE_REGISTERED,      /* utype=reg */
} KfUploadType;

/* Nicks "automatic", "premium", "registered", as in the settings schema. */
GType kf_upload_type_get_type (void) G_GNUC_CONST;
#define KF_TYPE_UPLOAD_TYPE (kf_upload_type_get_type ())

typedef struct {
  char   *name;                   /* local display name of the file */
  gint64  size;
  char   *file_code;              /* NULL on failure */
  char   *url;                    /* file page, e.g. https://kenfiles.com/b578rni0e1ka */
  GError *error;                  /* per-file failure, NULL on success */
} KfUploadResult;

void kf_upload_result_free (KfUploadResult *result);

typedef enum {
  KF_REMOTE_STATE_WORKING,
  KF_REMOTE_STATE_DONE,
  KF_REMOTE_STATE_FAILED,
} KfRemoteState;

typedef struct {
  char          *file_code;       /* NULL when the server did not repeat it */
  KfRemoteState  state;           /* a bare {file_code} answer counts as DONE */
  int            progress;        /* percent, -1 when unknown */
  char          *message;         /* server text for FAILED (plain text), or NULL */
  char          *url;             /* file page when DONE */
} KfRemoteStatus;

void kf_remote_status_free (KfRemoteStatus *status);

typedef struct {
  char   *url;
  gint64  size;                   /* -1 when unknown */
} KfDirectLink;

void kf_direct_link_free (KfDirectLink *link);

typedef struct {
  char      *file_code;
  char      *name;
  gint64     size;                /* -1 when unknown */
  gint64     downloads;           /* -1 when unknown */
  char      *uploaded;            /* as sent, "YYYY-MM-DD HH:MM:SS", or NULL */
  char      *folder_id;           /* or NULL */
  char      *status;              /* or NULL */
  char      *url;                 /* file page */
} KfFileInfo;

KfFileInfo *kf_file_info_copy (const KfFileInfo *info);
void        kf_file_info_free (KfFileInfo *info);

typedef struct {
  char *folder_id;
  char *name;
  char *code;                     /* may be NULL */
} KfFolder;

KfFolder *kf_folder_copy (const KfFolder *folder);
void      kf_folder_free (KfFolder *folder);

typedef struct {
  GPtrArray *files;               /* KfFileInfo* */
  gint64     total;               /* results_total, or files->len when absent */
  GDateTime *server_time;         /* the server's clock, as `uploaded` is written; NULL if absent */
} KfFileList;

void kf_file_list_free (KfFileList *list);

typedef struct {
  GPtrArray *folders;             /* KfFolder* */
  GPtrArray *files;               /* KfFileInfo* */
} KfFolderList;

void kf_folder_list_free (KfFolderList *list);

/* Voucher plans as on the API page. */
typedef struct {
  const char *id;                 /* "30p" */
  const char *group;              /* "premium", "premium-pro", "premium-traffic" */
  guint       amount;             /* 30 (days) or 50 (GB) */
} KfPlan;

const KfPlan *kf_plans_get (guint *n_plans);
const KfPlan *kf_plan_lookup (const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfAccountInfo, kf_account_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfStats, kf_stats_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfStatsRow, kf_stats_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfUploadServer, kf_upload_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfUploadResult, kf_upload_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfRemoteStatus, kf_remote_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfDirectLink, kf_direct_link_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfFileInfo, kf_file_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfFolder, kf_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfFileList, kf_file_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfFolderList, kf_folder_list_free)

G_END_DECLS
