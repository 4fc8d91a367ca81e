/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KF_STORE_ERROR (kf_store_error_quark ())

typedef enum {
  KF_STORE_ERROR_NO_KEYRING,   /* no secret service: offer a session-only key */
  KF_STORE_ERROR_KEYRING,      /* the keyring failed otherwise (locked, dismissed) */
  KF_STORE_ERROR_CORRUPT,      /* a data file cannot be parsed */
  KF_STORE_ERROR_IO,           /* a data file cannot be read or written */
  KF_STORE_ERROR_NOT_FOUND,    /* no such entry (e.g. a voucher code not in the ledger) */
} KfStoreError;

GQuark kf_store_error_quark (void);

/* $XDG_DATA_HOME/kenfiles, created with mode 0700 if missing. */
char *kf_store_get_data_dir (GError **error);

/* Writes @contents to @path atomically (temp file in the same folder,
 * fsync, rename, fsync of the folder) with mode 0600. */
gboolean kf_store_write_file (const char  *path,
                              const char  *contents,
                              gssize       length,
                              GError     **error);

G_END_DECLS
