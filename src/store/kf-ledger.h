/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-store.h"

G_BEGIN_DECLS

/* The voucher ledger: every voucher code this machine bought, in one JSON
 * file (kf_store_get_data_dir()/vouchers.json by default), mode 0600,
 * rewritten atomically and flushed to disk before a code is shown. */

typedef struct {
  char      *code;
  char      *plan;
  GDateTime *created;   /* local time of purchase */
  gboolean   given;     /* "mark as given" */
} KfVoucherEntry;

void kf_voucher_entry_free (KfVoucherEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfVoucherEntry, kf_voucher_entry_free)

/* NULL @path means the default file. */
char      *kf_ledger_get_default_path (GError     **error);
/* A missing file is an empty ledger; a file that cannot be parsed is
 * KF_STORE_ERROR_CORRUPT and is left untouched. Returns KfVoucherEntry*,
 * oldest first. */
GPtrArray *kf_ledger_load             (const char  *path,
                                       GError     **error);
/* Appends and flushes; returns only once the code is on disk. Writers are
 * serialised with a lock file beside the ledger, so the app and the
 * command line never lose each other's codes. */
gboolean   kf_ledger_append           (const char  *path,
                                       const char  *plan,
                                       const char  *code,
                                       GError     **error);
/* KF_STORE_ERROR_NOT_FOUND when @code is not in the ledger. */
gboolean   kf_ledger_set_given        (const char  *path,
                                       const char  *code,
                                       gboolean     given,
                                       GError     **error);
/* CSV with a header line: created,plan,code,given (RFC 4180 quoting; a
 * field that a spreadsheet would run as a formula gets a leading '). */
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

G_END_DECLS
