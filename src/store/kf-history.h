/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-store.h"

G_BEGIN_DECLS

/* The upload history: every upload this machine finished, and the ones
 * still unfinished, in one JSON file (kf_store_get_data_dir()/history.json
 * by default), mode 0600, rewritten atomically off the main loop. */

typedef enum {
  KF_HISTORY_STATE_DONE,
  KF_HISTORY_STATE_NOT_FINISHED,
} KfHistoryState;

typedef struct {
  char           *id;         /* unique within the file */
  char           *name;
  gint64          size;       /* -1 when unknown */
  char           *link;       /* file page, or NULL */
  char           *file_code;  /* or NULL */
  GDateTime      *date;       /* when it finished (or was queued), local time */
  KfHistoryState  state;
  char           *uri;        /* local file, kept so an upload can be retried; or NULL */
} KfHistoryEntry;

KfHistoryEntry *kf_history_entry_new  (void);
KfHistoryEntry *kf_history_entry_copy (const KfHistoryEntry *entry);
void            kf_history_entry_free (KfHistoryEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfHistoryEntry, kf_history_entry_free)

#define KF_TYPE_HISTORY (kf_history_get_type ())
G_DECLARE_FINAL_TYPE (KfHistory, kf_history, KF, HISTORY, GObject)

/* Signals: "save-failed" (const char *message), emitted on the main context
 * the history was created in when a write fails. */

/* NULL @path means the default file. */
KfHistory      *kf_history_new          (const char          *path,
                                         GError             **error);
const char     *kf_history_get_path     (KfHistory           *self);

/* A missing file is an empty history. A file that cannot be parsed is moved
 * aside (to PATH.corrupt) so it is not overwritten, and the load fails with
 * KF_STORE_ERROR_CORRUPT; the history is then empty and usable. */
gboolean        kf_history_load         (KfHistory           *self,
                                         GError             **error);
void            kf_history_load_async   (KfHistory           *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean        kf_history_load_finish  (KfHistory           *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Entries, oldest first (borrowed KfHistoryEntry*). */
GPtrArray      *kf_history_get_entries  (KfHistory           *self);
const KfHistoryEntry *kf_history_lookup (KfHistory           *self,
                                         const char          *id);

/* Adds @entry, or replaces the entry with the same id; saved soon after. */
void            kf_history_put          (KfHistory           *self,
                                         const KfHistoryEntry *entry);
/* Returns FALSE when there was no such entry. */
gboolean        kf_history_remove       (KfHistory           *self,
                                         const char          *id);

/* Writes pending changes now and waits for it (for quitting). */
gboolean        kf_history_flush        (KfHistory           *self,
                                         GError             **error);
gboolean        kf_history_has_pending  (KfHistory           *self);

G_END_DECLS
