/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by kf-upload-queue.c and kf-upload-queue-save.c (the saved queue:
 * snapshots written to a KfQueueFile, and restoring from one). */

#include "kf-queue-file.h"
#include "kf-upload-queue.h"

G_BEGIN_DECLS

typedef struct {
  KfUploadQueue *queue;
  KfUploadItem  *item;
  GCancellable  *cancellable;
  gint64         sent;
  gint64         total;
  gboolean       stopping;   /* end as "not finished", not "cancelled" */
  gboolean       removing;   /* the row is gone: record nothing */
  gboolean       pausing;    /* end as "paused", not "cancelled" */
  gboolean       resume;     /* resumed while it was being paused: queue it again */
} Job;

struct _KfUploadQueue {
  GObject       parent_instance;

  GListStore   *store;
  GHashTable   *by_id;       /* id -> KfUploadItem* (borrowed from the store) */
  GQueue        waiting;     /* KfUploadItem* (owned), oldest first */
  GHashTable   *jobs;        /* KfUploadItem* -> Job* (borrowed) */
  GHashTable   *remotes;     /* KfUploadItem* (owned) -> KfRemoteUpload* (owned) */
  GHashTable   *folders;     /* KfUploadItem* (owned) -> folder ID, when not the default */
  GHashTable   *retrying;    /* KfUploadItem* (owned) -> source ID of its retry timer */
  GHashTable   *retries;     /* KfUploadItem* (owned) -> automatic retries made so far */
  GHashTable   *paused;      /* KfUploadItem* (owned), the set of paused rows */
  GHashTable   *turns;       /* KfUploadItem* (owned) -> when it was queued (1, 2, ...) */
  guint64       next_turn;
  GPtrArray    *batch_items; /* KfUploadItem* (owned) since the queue was last idle */
  guint         max_retries;
  guint         retry_delay_ms;
  KfHistory    *history;
  KfClient     *client;
  guint         max_parallel;
  KfUploadType  upload_type;
  char         *folder_id;
  gboolean      report_progress;
  guint         tick_id;

  guint         batch_done;
  guint         batch_failed;
  GPtrArray    *batch_links;

  /* The saved queue (kf-upload-queue-save.c) */
  KfQueueFile  *saved;
  guint         save_id;     /* idle source that hands a snapshot to @saved */
  gboolean      track_files; /* note each queued file's size and mtime */
  GQueue        remote_waiting; /* KfUploadItem* (owned): restored remote jobs awaiting a client */
  GHashTable   *job_ids;     /* KfUploadItem* (owned) -> server job of a restored remote row */
};

void     _kf_upload_queue_mark_dirty  (KfUploadQueue *self);
/* The rows from @entries (inserted at @position), as they were saved. */
void     _kf_upload_queue_insert_restored (KfUploadQueue *self,
                                           guint          position,
                                           GPtrArray     *items);
void     _kf_upload_queue_add_paused  (KfUploadQueue *self,
                                       KfUploadItem  *item);
void     _kf_upload_queue_enqueue     (KfUploadQueue *self,
                                       KfUploadItem  *item);
void     _kf_upload_queue_pump        (KfUploadQueue *self);
void     _kf_upload_queue_notify_pending (KfUploadQueue *self);
/* Notes the size and last change of each item's file, in a worker thread. */
void     _kf_upload_queue_track_files (KfUploadQueue *self,
                                       GPtrArray     *items);
void     _kf_upload_queue_save_dispose (KfUploadQueue *self);

G_END_DECLS
