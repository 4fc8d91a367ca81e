/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kf-rate-limit.h"

G_BEGIN_DECLS

/* A multipart/form-data request body built as a stream: part headers from
 * memory, file contents read from their GInputStream as they are sent, then
 * the closing boundary. Its length is known in advance, so the request gets
 * an exact Content-Length, and memory does not grow with file size.
 * Implements GPollableInputStream and its own read_async so libsoup's 8 KiB
 * splice reads are answered on the main loop, from 256 KiB file blocks,
 * without a worker thread or a GTask per read. */

#define KF_TYPE_MULTIPART_STREAM (kf_multipart_stream_get_type ())
G_DECLARE_FINAL_TYPE (KfMultipartStream, kf_multipart_stream, KF, MULTIPART_STREAM, GInputStream)

KfMultipartStream *kf_multipart_stream_new          (void);
/* Adds a text field; name and value are escaped. */
void               kf_multipart_stream_add_field    (KfMultipartStream *self,
                                                     const char        *name,
                                                     const char        *value);
/* Adds a file part of exactly @size bytes read from @stream. */
void               kf_multipart_stream_add_file     (KfMultipartStream *self,
                                                     const char        *field_name,
                                                     const char        *file_name,
                                                     const char        *content_type,
                                                     GInputStream      *stream,
                                                     goffset            size);
/* Call once after the last part; afterwards the stream can be read. */
void               kf_multipart_stream_finish       (KfMultipartStream *self);
goffset            kf_multipart_stream_get_length   (KfMultipartStream *self);
/* "multipart/form-data; boundary=..." */
const char        *kf_multipart_stream_get_content_type (KfMultipartStream *self);
/* How many bytes of file contents lie within the first @body_offset bytes
 * of the body: maps SoupMessage::wrote-body-data to file progress. */
goffset            kf_multipart_stream_file_bytes_at (KfMultipartStream *self,
                                                      goffset            body_offset);
goffset            kf_multipart_stream_get_file_bytes (KfMultipartStream *self);
/* The random boundary (without the leading dashes). */
const char        *kf_multipart_stream_get_boundary (KfMultipartStream *self);
/* The first error a file part gave while being read, with the file's name
 * in the message, or NULL. Lets the caller tell a local file problem from a
 * network one when libsoup reports the request as failed. */
const GError      *kf_multipart_stream_get_read_error (KfMultipartStream *self);
/* Reads take their bytes from @limit (shared with other bodies; NULL for
 * none): an asynchronous read waits on the main loop until the bucket
 * allows some bytes and returns only those, and a change of the limit's
 * rate wakes a waiting read at once. Non-blocking reads fail with
 * G_IO_ERROR_WOULD_BLOCK meanwhile; blocking reads sleep. */
void               kf_multipart_stream_set_rate_limit (KfMultipartStream *self,
                                                       KfRateLimit       *limit);

G_END_DECLS
