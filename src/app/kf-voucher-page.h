/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-client.h"

G_BEGIN_DECLS

#define KF_TYPE_VOUCHER_PAGE (kf_voucher_page_get_type ())
G_DECLARE_FINAL_TYPE (KfVoucherPage, kf_voucher_page, KF, VOUCHER_PAGE, AdwBin)

/* Actions: "voucher.create" (asks for confirmation), "voucher.refresh",
 * "voucher.export", "voucher.copy-code". */

GtkWidget  *kf_voucher_page_new              (KfClient      *client,
                                              const char    *ledger_path);
KfClient   *kf_voucher_page_get_client       (KfVoucherPage *self);
void        kf_voucher_page_set_client       (KfVoucherPage *self,
                                              KfClient      *client);
/* NULL: the ledger the command line uses too. */
const char *kf_voucher_page_get_ledger_path  (KfVoucherPage *self);
void        kf_voucher_page_set_ledger_path  (KfVoucherPage *self,
                                              const char    *ledger_path);
/* The selected plan ID, e.g. "30p". */
const char *kf_voucher_page_get_plan         (KfVoucherPage *self);
void        kf_voucher_page_set_plan         (KfVoucherPage *self,
                                              const char    *plan_id);
/* TRUE from the confirmation until the code is saved and shown. */
gboolean    kf_voucher_page_get_busy         (KfVoucherPage *self);
/* The code bought last in this session, or NULL. */
const char *kf_voucher_page_get_last_code    (KfVoucherPage *self);
/* Reloads the balance and the ledger. */
void        kf_voucher_page_refresh          (KfVoucherPage *self);

G_END_DECLS
