/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Limits for every JSON text we read, from a server or from our own files.
 * Our answers and files nest a handful of levels; json-glib 1.6 recurses
 * once per level, so an unbounded depth is a stack overflow. */
#define KF_JSON_MAX_DEPTH 64
#define KF_JSON_MAX_BYTES ((gsize) 8 * 1024 * 1024)

#define KF_JSON_ERROR (kf_json_error_quark ())

typedef enum {
  KF_JSON_ERROR_INVALID,    /* not JSON (or JSON we do not accept: comments, 'strings') */
  KF_JSON_ERROR_TOO_DEEP,   /* arrays/objects nested deeper than allowed */
  KF_JSON_ERROR_TOO_LARGE,  /* more than KF_JSON_MAX_BYTES */
  KF_JSON_ERROR_NUMBER,     /* a number no double holds (1e400 would be infinity) */
} KfJsonError;

GQuark    kf_json_error_quark    (void);

/* Parses @length bytes of @data (need not be NUL-terminated; may be any
 * bytes, so fuzz targets can call it directly). Before json-glib sees the
 * text, refuses more than KF_JSON_MAX_BYTES and nesting of arrays and
 * objects deeper than @max_depth (brackets inside strings do not count;
 * @max_depth levels are accepted). Only standard JSON is accepted: one
 * value, no comments, no single-quoted strings, no NUL bytes (nor \u0000,
 * which json-glib would read as the end of the string). A number no double
 * holds (1e400) makes the whole text KF_JSON_ERROR_NUMBER, so callers never
 * see infinity. An empty text is
 * KF_JSON_ERROR_INVALID. Returns a new (mutable) root node. Messages are
 * sentences about "the data", for callers to wrap. */
JsonNode *kf_json_parse_bounded  (const char  *data,
                                  gsize        length,
                                  guint        max_depth,
                                  GError     **error);

G_END_DECLS
