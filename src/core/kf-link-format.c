/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kf-link-format.h"

static const struct {
  KfLinkFormat  format;
  const char   *name;
} format_names[] = {
  { KF_LINK_FORMAT_PLAIN, "plain" },
  { KF_LINK_FORMAT_DIRECT, "direct" },
  { KF_LINK_FORMAT_BBCODE, "bbcode" },
  { KF_LINK_FORMAT_HTML, "html" },
  { KF_LINK_FORMAT_MARKDOWN, "markdown" },
};

gboolean
kf_link_format_from_string (const char   *string,
                            KfLinkFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_str_equal (string, format_names[i].name))
      {
        *format = format_names[i].format;
        return TRUE;
      }

  return FALSE;
}

const char *
kf_link_format_to_string (KfLinkFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (format_names[i].format == format)
      return format_names[i].name;

  g_return_val_if_reached (NULL);
}

/* @link with spaces, ASCII controls and the bytes in @reserved as %XX. */
static char *
encode_link (const char *link,
             const char *reserved)
{
  GString *out = g_string_sized_new (strlen (link));

  for (const guchar *p = (const guchar *) link; *p != '\0'; p++)
    {
      if (*p <= 0x20 || *p == 0x7f || strchr (reserved, *p) != NULL)
        g_string_append_printf (out, "%%%02X", *p);
      else
        g_string_append_c (out, (char) *p);
    }

  return g_string_free (out, FALSE);
}

/* One line: a name is text in a line, never a line break. Invalid UTF-8
 * becomes U+FFFD so markup stays well-formed. */
static char *
name_one_line (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static char *
format_bbcode (const char *link,
               const char *name)
{
  g_autofree char *href = encode_link (link, "[]\"");
  GString *out = g_string_new ("[url=");

  g_string_append (out, href);
  g_string_append_c (out, ']');
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '[')
        g_string_append (out, "［");
      else if (*p == ']')
        g_string_append (out, "］");
      else
        g_string_append_c (out, *p);
    }
  g_string_append (out, "[/url]");

  return g_string_free (out, FALSE);
}

static char *
format_html (const char *link,
             const char *name)
{
  /* g_markup_escape_text escapes " and ' as well: safe inside href="". */
  g_autofree char *href = g_markup_escape_text (link, -1);
  g_autofree char *text = g_markup_escape_text (name, -1);

  return g_strdup_printf ("<a href=\"%s\">%s</a>", href, text);
}

static char *
format_markdown (const char *link,
                 const char *name)
{
  g_autofree char *href = encode_link (link, "()[]<>\\\"`");
  GString *out = g_string_new ("[");

  /* CommonMark: any ASCII punctuation may be backslash-escaped; these are
   * the ones that could end the text, start markup, raw HTML or an entity. */
  for (const char *p = name; *p != '\0'; p++)
    {
      if (strchr ("\\[]()<>&*_`~|!#", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append (out, "](");
  g_string_append (out, href);
  g_string_append_c (out, ')');

  return g_string_free (out, FALSE);
}

char *
kf_link_format (KfLinkFormat  format,
                const char   *link,
                const char   *name)
{
  g_autofree char *valid_link = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (link != NULL, NULL);

  if (format == KF_LINK_FORMAT_PLAIN || format == KF_LINK_FORMAT_DIRECT)
    return g_strdup (link);

  valid_link = g_utf8_make_valid (link, -1);
  link = valid_link;
  text = name_one_line (name != NULL && *name != '\0' ? name : link);

  switch (format)
    {
    case KF_LINK_FORMAT_BBCODE:
      return format_bbcode (link, text);
    case KF_LINK_FORMAT_HTML:
      return format_html (link, text);
    case KF_LINK_FORMAT_MARKDOWN:
      return format_markdown (link, text);
    case KF_LINK_FORMAT_PLAIN:
    case KF_LINK_FORMAT_DIRECT:
    default:
      g_return_val_if_reached (NULL);
    }
}
