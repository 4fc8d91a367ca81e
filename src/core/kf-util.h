/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns a copy of @url with the value of every `key=` query parameter
 * replaced by "REDACTED". Use on every URL that is logged or shown. */
char     *kf_redact_url            (const char  *url);

/* Accepts https URLs, and http only for loopback hosts (127.0.0.0/8, ::1,
 * localhost). On success returns the URL without a trailing slash. */
char     *kf_normalize_server_url  (const char  *url,
                                    GError     **error);

/* Human-readable size, e.g. "1.5 MB" (uses g_format_size). */
char     *kf_format_size           (gint64       bytes);

/* Escapes a multipart/form-data parameter value (name or filename) the way
 * browsers do: " -> %22, CR -> %0D, LF -> %0A. */
char     *kf_multipart_escape      (const char  *value);

G_END_DECLS
