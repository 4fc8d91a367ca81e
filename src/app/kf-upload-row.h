/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-upload-item.h"

G_BEGIN_DECLS

#define KF_TYPE_UPLOAD_ROW (kf_upload_row_get_type ())
G_DECLARE_FINAL_TYPE (KfUploadRow, kf_upload_row, KF, UPLOAD_ROW, AdwBin)

KfUploadRow  *kf_upload_row_new          (void);
void          kf_upload_row_set_item     (KfUploadRow  *self,
                                          KfUploadItem *item);
KfUploadItem *kf_upload_row_get_item     (KfUploadRow  *self);

/* What the row shows, for tests. */
const char   *kf_upload_row_get_title    (KfUploadRow  *self);
const char   *kf_upload_row_get_detail   (KfUploadRow  *self);
/* The link or the error shown under the name, or NULL. */
const char   *kf_upload_row_get_message  (KfUploadRow  *self);

G_END_DECLS
