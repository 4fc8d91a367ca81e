/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-store.h"

G_BEGIN_DECLS

/* The API key lives in the system keyring (libsecret), one item per kind,
 * shared by the `kenfiles` command and the desktop app. Errors never carry
 * the key. A missing item is not an error: lookup returns NULL. */

typedef enum {
  KF_SECRET_API_KEY,
  KF_SECRET_RESELLER_KEY,
} KfSecretKind;

void      kf_keyring_lookup_async  (KfSecretKind          kind,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
/* Returns the key, or NULL when none is stored; free it with
 * kf_keyring_free_secret (g_free also works but leaves the bytes in memory). */
char     *kf_keyring_lookup_finish (GAsyncResult         *result,
                                    GError              **error);

void      kf_keyring_store_async   (KfSecretKind          kind,
                                    const char           *secret,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  kf_keyring_store_finish  (GAsyncResult         *result,
                                    GError              **error);

void      kf_keyring_clear_async   (KfSecretKind          kind,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
/* TRUE also when there was nothing to remove. */
gboolean  kf_keyring_clear_finish  (GAsyncResult         *result,
                                    GError              **error);

/* Blocking variants for the command line (never use on a UI main loop). */
char     *kf_keyring_lookup_sync   (KfSecretKind   kind,
                                    GCancellable  *cancellable,
                                    GError       **error);
gboolean  kf_keyring_store_sync    (KfSecretKind   kind,
                                    const char    *secret,
                                    GCancellable  *cancellable,
                                    GError       **error);
gboolean  kf_keyring_clear_sync    (KfSecretKind   kind,
                                    GCancellable  *cancellable,
                                    GError       **error);

/* Turns a libsecret or GDBus error into KF_STORE_ERROR_NO_KEYRING (no
 * secret service reachable) or KF_STORE_ERROR_KEYRING; G_IO_ERROR_CANCELLED
 * is kept as it is. The message is a sentence for users. */
GError   *kf_keyring_map_error     (const GError  *error);

/* Overwrites the string's bytes before freeing it. */
void      kf_keyring_free_secret   (char          *secret);

G_END_DECLS
