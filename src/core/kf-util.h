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
/* An amount of money as every page and the command line show it: always
 * two decimals, "$100.00", "$23.12". Rounded half up from the decimal text
 * the server sent ("23.125" -> "$23.13"), so no binary floating point on
 * the way; @fallback is used when @text is NULL or not a plain decimal. */
char     *kf_format_money_text     (const char  *text,
                                    double       fallback);
/* The same for an amount computed here (a charge, a sum). */
char     *kf_format_money          (double       amount);

/* Escapes a multipart/form-data parameter value (name or filename) the way
 * browsers do: " -> %22, CR -> %0D, LF -> %0A. */
char     *kf_multipart_escape      (const char  *value);

/* Returns @text made safe to print on a terminal as plain text: control
 * characters (C0, DEL, C1), bidirectional and line-separator characters are
 * shown as \n, \r, \t, \xNN or \uNNNN, bytes that are not UTF-8 as \xNN,
 * and a backslash as \\, so the result is one line of valid UTF-8 that
 * cannot move the cursor or change colours. NULL gives "". */
char     *kf_util_escape_for_terminal (const char *text);

/* Whether kf_util_escape_for_terminal escapes @c (C0, DEL, C1,
 * bidirectional and line-separator characters, backslash excepted). */
gboolean  kf_util_unichar_is_terminal_control (gunichar c);

/* Returns @text with every byte that is not part of valid UTF-8 shown as
 * \xNN and everything else unchanged, e.g. a local file name for JSON.
 * NULL gives NULL. */
char     *kf_util_escape_invalid_utf8 (const char *text);

/* Splits @text (e.g. pasted by the user for a remote upload) into lines,
 * trimmed, blank and repeated ones dropped; returns the http(s) URLs with
 * a host, and puts every other line in @bad_lines (if not NULL). */
GStrv     kf_util_split_web_urls   (const char  *text,
                                    GStrv       *bad_lines);

G_END_DECLS
