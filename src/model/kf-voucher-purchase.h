/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-client.h"

G_BEGIN_DECLS

#define KF_TYPE_VOUCHER_PURCHASE (kf_voucher_purchase_get_type ())
G_DECLARE_FINAL_TYPE (KfVoucherPurchase, kf_voucher_purchase, KF, VOUCHER_PURCHASE, GObject)

/* The one way to buy a voucher, for the command line and the app alike.
 * kf_voucher_purchase_new() only starts reading the balance (account/info),
 * so that what the purchase charged can be known: create it when asking
 * the user, the read then overlaps their answer. kf_voucher_purchase_run_async()
 * buys, in this order, the file work on a worker thread:
 *   1. takes the ledger's exclusive lock (waits while another buys),
 *   2. reads and validates the ledger, writes a pending record (plan,
 *      time, server, a local ID) and flushes it (file and folder);
 *   3. sends reseller/create once (the client never retries it);
 *   4. writes the code into the pending record, flushes, unlocks;
 * and only then completes. When 1 or 2 fails nothing is bought and the
 * error (KF_STORE_ERROR) names the file and the reason. When the server
 * refused, or was never reached, the record is marked failed and the
 * client's error returned; when the answer was lost (KF_ERROR_UNCERTAIN and
 * the like) the record stays pending: an "uncertain" purchase.
 * @cancellable is honoured until the pending record is written; from then
 * on the purchase is seen through. A balance read still on its way when the
 * request is due is never waited for. Runs once per object.
 * Property "balance-before" (double, -1 until read) is notified when the
 * balance arrives. */
KfVoucherPurchase *kf_voucher_purchase_new          (KfClient            *client,
                                                     const char          *ledger_path,
                                                     const char          *plan);
void               kf_voucher_purchase_run_async    (KfVoucherPurchase   *self,
                                                     const char          *reseller_key,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
/* TRUE once the code exists, which is then on disk unless
 * kf_voucher_purchase_get_save_error() says otherwise (show the code all the
 * same, with that warning: it is paid for). */
gboolean           kf_voucher_purchase_run_finish   (KfVoucherPurchase   *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* new + run in one, for callers that do not ask first. @ledger_path NULL:
 * the default ledger; @reseller_key NULL: the client's API key. */
void               kf_voucher_purchase_async        (KfClient            *client,
                                                     const char          *ledger_path,
                                                     const char          *plan,
                                                     const char          *reseller_key,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
KfVoucherPurchase *kf_voucher_purchase_finish       (GAsyncResult        *result,
                                                     GError             **error);

/* The balance read by kf_voucher_purchase_new(), or -1. */
double             kf_voucher_purchase_get_balance_before (KfVoucherPurchase *self);
const char        *kf_voucher_purchase_get_code     (KfVoucherPurchase   *self);
const char        *kf_voucher_purchase_get_plan     (KfVoucherPurchase   *self);
/* The record's local ID in the ledger. */
const char        *kf_voucher_purchase_get_id       (KfVoucherPurchase   *self);
const char        *kf_voucher_purchase_get_ledger_path (KfVoucherPurchase *self);
/* NULL when the code is in the ledger. */
const GError      *kf_voucher_purchase_get_save_error (KfVoucherPurchase *self);
/* TRUE (and the amount) once kf_voucher_purchase_measure_charge_async()
 * found what this purchase charged. */
gboolean           kf_voucher_purchase_get_charged  (KfVoucherPurchase   *self,
                                                     double              *charged);

/* After the code is shown: reads the balance again and records in the
 * ledger what the purchase charged (the balance before minus after). The
 * result is FALSE without an error when it cannot be known exactly (the
 * balance before was not read in time, or another purchase came between). */
void               kf_voucher_purchase_measure_charge_async  (KfVoucherPurchase   *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean           kf_voucher_purchase_measure_charge_finish (KfVoucherPurchase   *self,
                                                              GAsyncResult        *result,
                                                              double              *charged,
                                                              GError             **error);

G_END_DECLS
