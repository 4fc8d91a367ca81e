/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How a link is written for the place it is pasted into. */
typedef enum {
  KF_LINK_FORMAT_PLAIN,     /* the file's page link, as it is */
  KF_LINK_FORMAT_DIRECT,    /* the direct download link, as it is */
  KF_LINK_FORMAT_BBCODE,    /* [url=LINK]NAME[/url] */
  KF_LINK_FORMAT_HTML,      /* <a href="LINK">NAME</a> */
  KF_LINK_FORMAT_MARKDOWN,  /* [NAME](LINK) */
} KfLinkFormat;

/* "plain", "direct", "bbcode", "html" or "markdown"; FALSE for anything
 * else (@format is then left alone). */
gboolean    kf_link_format_from_string (const char   *string,
                                        KfLinkFormat *format);
const char *kf_link_format_to_string   (KfLinkFormat  format);

/* Writes @link (a page or direct link) with @name (the file's name, NULL
 * for none: the link is its own text) in @format, as one line of text
 * whatever @name holds. Plain and direct give @link itself. Markup formats
 * escape what would end the link or the text early: HTML escapes both
 * (quotes too), Markdown backslash-escapes punctuation in the name and
 * percent-encodes spaces, brackets, parentheses, backslashes and angle
 * brackets in the link; BBCode has no escape, so brackets in the name become
 * full-width brackets (［ ］) and the link's are percent-encoded. Control
 * characters in the name become spaces. */
char       *kf_link_format             (KfLinkFormat  format,
                                        const char   *link,
                                        const char   *name);

G_END_DECLS
