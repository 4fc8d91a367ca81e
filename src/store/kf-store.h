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

/* Files we read are never larger than this (ours stay far below it). */
#define KF_STORE_MAX_FILE_SIZE ((gsize) 8 * 1024 * 1024)

/* Writes @contents to @path atomically (a temp file in the same folder
 * named ".kenfiles-tmp-BASENAME.XXXXXX", fsync, rename, fsync of the
 * folder) with mode 0600. Errors name the file and the reason. */
gboolean kf_store_write_file (const char  *path,
                              const char  *contents,
                              gssize       length,
                              GError     **error);
/* TRUE for our temp files of BASENAME (see kf_store_write_file), nothing else. */
gboolean kf_store_is_temp_name (const char *name,
                                const char *base);
/* Removes our temp files for @path whose last change is at least
 * @min_age_seconds old (a writer killed mid-write leaves one); never any
 * other file. Returns how many were removed. */
guint    kf_store_remove_stale_temp_files (const char *path,
                                           gint64      min_age_seconds);
/* Reads a regular file of at most @max_size bytes (NUL-terminated).
 * KF_STORE_ERROR_NOT_FOUND when missing, KF_STORE_ERROR_CORRUPT when larger,
 * KF_STORE_ERROR_IO otherwise; messages name the file. */
gboolean kf_store_read_file    (const char  *path,
                                gsize        max_size,
                                char       **contents,
                                gsize       *length,
                                GError     **error);
/* Scans valid JSON text for an object with the same key twice (json-glib
 * keeps only the last). Returns TRUE and the key when one is found. */
gboolean kf_store_json_find_duplicate_key (const char  *data,
                                           gsize        length,
                                           char       **duplicate);

G_END_DECLS
