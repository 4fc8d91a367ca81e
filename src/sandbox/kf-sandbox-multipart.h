/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A push parser for multipart/form-data bodies that arrive in chunks of any
 * size, so the sandbox can stream uploads to disk without holding them. */

typedef struct _KfMultipartParser KfMultipartParser;

typedef struct {
  /* @filename is NULL for a plain field, "" when a file field had no name. */
  gboolean (*part_begin) (gpointer      user_data,
                          const char   *name,
                          const char   *filename,
                          GError      **error);
  gboolean (*part_data)  (gpointer      user_data,
                          const guint8 *data,
                          gsize         len,
                          GError      **error);
  gboolean (*part_end)   (gpointer      user_data,
                          GError      **error);
} KfMultipartCallbacks;

gboolean           kf_multipart_boundary_is_valid  (const char                 *boundary);
KfMultipartParser *kf_multipart_parser_new         (const char                 *boundary,
                                                    const KfMultipartCallbacks *callbacks,
                                                    gpointer                    user_data);
void               kf_multipart_parser_free        (KfMultipartParser          *parser);
/* Returns FALSE once the body is malformed or a callback failed; the parser
 * then refuses further input. */
gboolean           kf_multipart_parser_feed        (KfMultipartParser          *parser,
                                                    const guint8               *data,
                                                    gsize                       len,
                                                    GError                    **error);
/* TRUE once the closing boundary has been seen. */
gboolean           kf_multipart_parser_is_complete (KfMultipartParser          *parser);

/* Parses a Content-Disposition value of a form-data part. The file name
 * prefers RFC 5987 `filename*=UTF-8''...`, else `filename="..."` with the
 * browser/curl escapes (%22 %0D %0A) and backslash escapes undone. */
gboolean           kf_multipart_parse_disposition  (const char                 *value,
                                                    char                      **name,
                                                    char                      **filename);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KfMultipartParser, kf_multipart_parser_free)

G_END_DECLS
