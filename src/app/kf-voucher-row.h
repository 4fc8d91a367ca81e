/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kf-voucher-item.h"

G_BEGIN_DECLS

#define KF_TYPE_VOUCHER_ROW (kf_voucher_row_get_type ())
G_DECLARE_FINAL_TYPE (KfVoucherRow, kf_voucher_row, KF, VOUCHER_ROW, GtkListBoxRow)

/* One record of the voucher ledger. Its buttons activate the page's
 * actions with the record as target: "voucher.copy-entry" (code),
 * "voucher.set-given" ((code, given)), "voucher.resolve" (ID). */

GtkWidget     *kf_voucher_row_new      (KfVoucherItem *item);
KfVoucherItem *kf_voucher_row_get_item (KfVoucherRow  *self);
void           kf_voucher_row_set_item (KfVoucherRow  *self,
                                        KfVoucherItem *item);

G_END_DECLS
