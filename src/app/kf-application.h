/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-client.h"
#include "kf-history.h"
#include "kf-upload-queue.h"

G_BEGIN_DECLS

typedef enum {
  KF_SESSION_LOADING,      /* looking for a stored key */
  KF_SESSION_SIGNED_OUT,
  KF_SESSION_SIGNED_IN,
} KfSessionState;

#define KF_TYPE_APPLICATION (kf_application_get_type ())
G_DECLARE_FINAL_TYPE (KfApplication, kf_application, KF, APPLICATION, AdwApplication)

/* Properties: "session-state" (KfSessionState as guint), "keyring-available",
 * "sandbox" (construct-only: start the in-process sandbox and use it),
 * "client" (the KfClient in use, replaced on sign-in, sign-out, server change). */

KfApplication  *kf_application_new                  (gboolean        sandbox);
GSettings      *kf_application_get_settings         (KfApplication  *self);
/* The one speed limit of every upload: the settings' limit, or the
 * "Limited Speed" toggle's while it is on; 0 for none. */
KfRateLimit    *kf_application_get_rate_limit       (KfApplication  *self);
KfClient       *kf_application_get_client           (KfApplication  *self);
KfUploadQueue  *kf_application_get_queue            (KfApplication  *self);
KfHistory      *kf_application_get_history          (KfApplication  *self);
KfSessionState  kf_application_get_session_state    (KfApplication  *self);
gboolean        kf_application_get_keyring_available (KfApplication *self);
gboolean        kf_application_get_sandbox_mode     (KfApplication  *self);
GSubprocess    *kf_application_get_try_process      (KfApplication  *self);
/* The in-process sandbox, or NULL. */
gpointer        kf_application_get_sandbox          (KfApplication  *self);
/* The server in use, and why: NULL reason for the setting. */
const char     *kf_application_get_server_url       (KfApplication  *self,
                                                     const char    **override_reason);

/* Checks @api_key with the account call; when accepted stores it in the
 * keyring (unless @session_only) and signs in. A rejected key fails with
 * KF_ERROR_KEY_REJECTED and is not stored; no keyring fails with
 * KF_STORE_ERROR_NO_KEYRING (retry with @session_only). */
void            kf_application_sign_in_async        (KfApplication       *self,
                                                     const char          *api_key,
                                                     gboolean             session_only,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        kf_application_sign_in_finish       (KfApplication       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Removes the stored key and signs out. */
void            kf_application_sign_out_async       (KfApplication       *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        kf_application_sign_out_finish      (KfApplication       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Copies @text to the clipboard of the default display. */
void            kf_application_copy_text            (KfApplication       *self,
                                                     const char          *text);
/* What quitting does: stop uploads (kept as not finished) and write the history. */
void            kf_application_save_state           (KfApplication       *self);

G_END_DECLS
