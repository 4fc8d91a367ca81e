/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-store.h"

G_BEGIN_DECLS

/* The saved upload queue: every local file waiting, uploading or paused
 * and every remote URL job not yet done, in list order (top first), so a
 * restart (after a quit, a crash or a logout) can list them again. One JSON
 * file (kf_store_get_data_dir()/queue.json by default), mode 0600, written
 * atomically off the main loop, changes coalesced. It holds no API key and
 * no link: only what is needed to find the file or the server's job again. */

typedef enum {
  KF_QUEUE_ENTRY_FILE,
  KF_QUEUE_ENTRY_REMOTE,
} KfQueueEntryKind;

typedef enum {
  KF_QUEUE_ENTRY_WAITING,    /* in line */
  KF_QUEUE_ENTRY_RUNNING,    /* being sent (local) or fetched by the server (remote) */
  KF_QUEUE_ENTRY_PAUSED,     /* paused by the user (local only) */
  KF_QUEUE_ENTRY_FAILED,     /* remote job the server gave up on: "error" says why */
} KfQueueEntryState;

typedef struct {
  char              *id;           /* unique within the file, never empty */
  KfQueueEntryKind   kind;
  KfQueueEntryState  state;
  char              *name;         /* as listed, never NULL */
  char              *uri;          /* FILE: the local file (never NULL) */
  char              *url;          /* REMOTE: the address the server fetches (never NULL) */
  char              *folder_id;    /* target folder on the server, NULL: the default one */
  char              *folder_path;  /* tree uploads: "Photos/2024" of that folder, or NULL */
  gint64             size;         /* bytes when queued, -1 unknown */
  gint64             mtime;        /* FILE: last change when queued, µs since 1970, -1 unknown */
  char              *job_id;       /* REMOTE: the server's file code once it took the job, or NULL */
  int                progress;     /* REMOTE: the server's last percentage, -1 unknown */
  char              *status;       /* REMOTE: the server's last message, or NULL */
  char              *error;        /* FAILED: why, plain text, or NULL */
  GDateTime         *date;         /* when it was queued, local time, or NULL */
} KfQueueEntry;

KfQueueEntry *kf_queue_entry_new  (void);
KfQueueEntry *kf_queue_entry_copy (const KfQueueEntry *entry);
void          kf_queue_entry_free (KfQueueEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfQueueEntry, kf_queue_entry_free)

#define KF_TYPE_QUEUE_FILE (kf_queue_file_get_type ())
G_DECLARE_FINAL_TYPE (KfQueueFile, kf_queue_file, KF, QUEUE_FILE, GObject)

/* Signals: "save-failed" (const char *message), on the main context the
 * object was made in, when a write fails. */

/* NULL @path: the default file. */
KfQueueFile *kf_queue_file_new         (const char   *path,
                                        GError      **error);
const char  *kf_queue_file_get_path    (KfQueueFile  *self);

/* Reads the file (KfQueueEntry*, list order). A missing file is an empty
 * queue. One that cannot be read or parsed is moved aside (to PATH.corrupt,
 * as the history does) so no later save overwrites it, and the load fails
 * with KF_STORE_ERROR_CORRUPT or _IO. Touches only the disk: may run in a
 * worker thread. */
GPtrArray   *kf_queue_file_load        (KfQueueFile  *self,
                                        GError      **error);

/* Takes @entries (KfQueueEntry*, list order; not changed afterwards) as the
 * queue to save; written soon after, in a worker thread. Many calls in a
 * short time are one write. */
void         kf_queue_file_set_entries (KfQueueFile  *self,
                                        GPtrArray    *entries);
/* Writes what is pending now and waits for it (for quitting). */
gboolean     kf_queue_file_flush       (KfQueueFile  *self,
                                        GError      **error);
gboolean     kf_queue_file_has_pending (KfQueueFile  *self);
/* How many times the file was written (for tests of the coalescing). */
guint        kf_queue_file_get_n_writes (KfQueueFile *self);

G_END_DECLS
