/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-store.h"

G_BEGIN_DECLS

/* The voucher ledger: every voucher this machine bought or tried to buy, in
 * one JSON file (kf_store_get_data_dir()/vouchers.json by default), mode
 * 0600, rewritten atomically and flushed to disk. A purchase is written
 * ahead: a *pending* record is on disk before the request is sent, and the
 * code is added to it before it is shown. A file that cannot be read, does
 * not parse, or holds the same key twice is never rewritten: every write
 * refuses with KF_STORE_ERROR_CORRUPT (or _IO) and a message naming it. */

typedef enum {
  KF_VOUCHER_STATE_BOUGHT,    /* the code is in the record */
  KF_VOUCHER_STATE_PENDING,   /* about to be sent or sent; no code came back (yet) */
  KF_VOUCHER_STATE_FAILED,    /* the server refused or was never reached: nothing was charged */
  KF_VOUCHER_STATE_RESOLVED,  /* a pending record the user checked and set aside */
} KfVoucherState;

typedef struct {
  char           *id;           /* local ID; NULL in records older than IDs */
  char           *code;         /* NULL unless bought */
  char           *plan;
  char           *server;       /* the server it was sent to, or NULL */
  GDateTime      *created;      /* local time of the purchase */
  KfVoucherState  state;
  gboolean        given;        /* "mark as given" */
  gboolean        in_progress;  /* pending, and a purchase holds the ledger right now */
  char           *error;        /* FAILED: why */
  gboolean        charge_known; /* balance before and after were both read */
  double          charged;      /* balance before minus after, when known */
} KfVoucherEntry;

void     kf_voucher_entry_free           (KfVoucherEntry       *entry);
/* Pending, with no purchase running: it may have been charged. */
gboolean kf_voucher_entry_is_uncertain   (const KfVoucherEntry *entry);
const char *kf_voucher_state_to_string   (KfVoucherState        state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfVoucherEntry, kf_voucher_entry_free)

/* NULL @path means the default file. */
char      *kf_ledger_get_default_path (GError     **error);
/* A missing file is an empty ledger; a file that cannot be parsed is
 * KF_STORE_ERROR_CORRUPT and is left untouched. Returns KfVoucherEntry*,
 * oldest first. */
GPtrArray *kf_ledger_load             (const char  *path,
                                       GError     **error);
/* The newest known charge of @plan among @entries; FALSE when none. */
gboolean   kf_ledger_find_last_charge (GPtrArray   *entries,
                                       const char  *plan,
                                       double      *charged);

/* --- A purchase, step by step (blocking: call from a worker thread) ------ */

/* The exclusive lock on the ledger (flock on PATH.lock), held by a purchase
 * from before its pending record is written until its code is: two
 * processes buying at once both end up recorded. Blocks while another
 * holds it. */
typedef struct _KfLedgerLock KfLedgerLock;

KfLedgerLock *kf_ledger_lock            (const char    *path,
                                         GError       **error);
void          kf_ledger_unlock          (KfLedgerLock  *lock);
const char   *kf_ledger_lock_get_path   (KfLedgerLock  *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfLedgerLock, kf_ledger_unlock)

/* Reads and validates the ledger, appends a pending record and flushes it
 * (file and folder). Returns its ID. @last_change: the latest time (unix
 * µs) any other record changed, 0 when never. */
char      *kf_ledger_add_pending      (KfLedgerLock  *lock,
                                       const char    *plan,
                                       const char    *server,
                                       gint64        *last_change,
                                       GError       **error);
/* The code into the pending record @id, flushed. */
gboolean   kf_ledger_complete         (KfLedgerLock  *lock,
                                       const char    *id,
                                       const char    *code,
                                       GError       **error);
/* Pending @id was certainly not charged (refused, server never reached). */
gboolean   kf_ledger_fail             (KfLedgerLock  *lock,
                                       const char    *id,
                                       const char    *reason,
                                       GError       **error);

/* --- Whole operations (each takes the lock itself) ----------------------- */

/* Appends a bought record with @code. */
gboolean   kf_ledger_append           (const char  *path,
                                       const char  *plan,
                                       const char  *code,
                                       GError     **error);
/* KF_STORE_ERROR_NOT_FOUND when @code is not in the ledger. */
gboolean   kf_ledger_set_given        (const char  *path,
                                       const char  *code,
                                       gboolean     given,
                                       GError     **error);
/* Records what purchase @id charged, unless another record changed since
 * @since (unix µs; then the figures may include another purchase and
 * *@recorded is FALSE). */
gboolean   kf_ledger_record_charge    (const char  *path,
                                       const char  *id,
                                       double       balance_before,
                                       double       balance_after,
                                       gint64       since,
                                       gboolean    *recorded,
                                       GError     **error);
/* The user checked pending record @id: it becomes RESOLVED (kept).
 * KF_STORE_ERROR_NOT_FOUND when there is no pending record @id. */
gboolean   kf_ledger_resolve          (const char  *path,
                                       const char  *id,
                                       GError     **error);
/* Renames a damaged ledger to "vouchers.json.damaged-YYYYMMDD-HHMMSS" (kept
 * as it is) so a new one can start; returns the new path. Refuses a ledger
 * that reads fine. */
char      *kf_ledger_move_aside       (const char  *path,
                                       GError     **error);
/* CSV of the bought vouchers, with a header line: created,plan,code,given
 * (RFC 4180 quoting; a field that a spreadsheet would run as a formula gets
 * a leading '). */
char      *kf_ledger_to_csv           (GPtrArray   *entries);

/* The same on a worker thread, for the app's main loop. */
void       kf_ledger_append_async     (const char          *path,
                                       const char          *plan,
                                       const char          *code,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean   kf_ledger_append_finish    (GAsyncResult        *result,
                                       GError             **error);
void       kf_ledger_load_async       (const char          *path,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray *kf_ledger_load_finish      (GAsyncResult        *result,
                                       GError             **error);
void       kf_ledger_set_given_async  (const char          *path,
                                       const char          *code,
                                       gboolean             given,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean   kf_ledger_set_given_finish (GAsyncResult        *result,
                                       GError             **error);
void       kf_ledger_resolve_async    (const char          *path,
                                       const char          *id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean   kf_ledger_resolve_finish   (GAsyncResult        *result,
                                       GError             **error);
void       kf_ledger_move_aside_async (const char          *path,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
char      *kf_ledger_move_aside_finish (GAsyncResult       *result,
                                        GError            **error);

G_END_DECLS
