/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KF_TYPE_REMOTE_UPLOAD_DIALOG (kf_remote_upload_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KfRemoteUploadDialog, kf_remote_upload_dialog, KF, REMOTE_UPLOAD_DIALOG, AdwWindow)

/* Asks for web addresses, one per line. When the user confirms and every
 * line is an http(s) URL, emits "submitted" (a GStrv of the URLs, blank
 * lines and repeats dropped) and closes; otherwise lists the bad lines. */

GtkWidget *kf_remote_upload_dialog_new      (GtkWindow            *parent);
void       kf_remote_upload_dialog_set_text (KfRemoteUploadDialog *self,
                                             const char           *text);
/* What the Upload button does; FALSE when lines were refused. */
gboolean   kf_remote_upload_dialog_submit   (KfRemoteUploadDialog *self);

G_END_DECLS
