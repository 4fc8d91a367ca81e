/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-ledger.h"

G_BEGIN_DECLS

#define KF_TYPE_VOUCHER_ITEM (kf_voucher_item_get_type ())
G_DECLARE_FINAL_TYPE (KfVoucherItem, kf_voucher_item, KF, VOUCHER_ITEM, GObject)

/* One ledger record, for a list model. Read-only properties: "id", "code"
 * (NULL unless bought), "plan", "created" (GDateTime), "given",
 * "uncertain" (pending with no purchase running: may have been charged),
 * "resolved", "charged" (-1 when not known). */

KfVoucherItem *kf_voucher_item_new           (const KfVoucherEntry *entry);
const char    *kf_voucher_item_get_id        (KfVoucherItem        *self);
const char    *kf_voucher_item_get_code      (KfVoucherItem        *self);
const char    *kf_voucher_item_get_plan      (KfVoucherItem        *self);
GDateTime     *kf_voucher_item_get_created   (KfVoucherItem        *self);
KfVoucherState kf_voucher_item_get_state     (KfVoucherItem        *self);
gboolean       kf_voucher_item_get_given     (KfVoucherItem        *self);
gboolean       kf_voucher_item_get_uncertain (KfVoucherItem        *self);
gboolean       kf_voucher_item_get_resolved  (KfVoucherItem        *self);
double         kf_voucher_item_get_charged   (KfVoucherItem        *self);

G_END_DECLS
