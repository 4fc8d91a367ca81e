/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "kf-error.h"
#include "kf-util.h"

static gboolean
param_name_is_key (const char *param,
                   gsize       name_len)
{
  g_autofree char *raw = g_strndup (param, name_len);
  g_autofree char *name = g_uri_unescape_string (raw, NULL);

  /* An undecodable name is still compared raw: never let it slip through. */
  return g_ascii_strcasecmp (name != NULL ? name : raw, "key") == 0;
}

/* Appends @query (without its leading '?' or '#') with key values redacted. */
static void
append_redacted_query (GString    *out,
                       const char *query,
                       gsize       len)
{
  const char *end = query + len;
  const char *p = query;

  while (p <= end)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *stop = amp != NULL ? amp : end;
      const char *eq = memchr (p, '=', stop - p);

      if (eq != NULL && param_name_is_key (p, eq - p))
        {
          g_string_append_len (out, p, eq - p + 1);
          g_string_append (out, "REDACTED");
        }
      else
        g_string_append_len (out, p, stop - p);

      if (amp == NULL)
        break;
      g_string_append_c (out, '&');
      p = amp + 1;
    }
}

char *
kf_redact_url (const char *url)
{
  const char *hash;
  const char *qmark;
  gsize base_len;
  GString *out;

  if (url == NULL)
    return NULL;

  hash = strchr (url, '#');
  base_len = hash != NULL ? (gsize) (hash - url) : strlen (url);
  qmark = memchr (url, '?', base_len);

  out = g_string_sized_new (strlen (url) + 8);
  if (qmark != NULL)
    {
      g_string_append_len (out, url, qmark - url + 1);
      append_redacted_query (out, qmark + 1, base_len - (qmark - url) - 1);
    }
  else
    g_string_append_len (out, url, base_len);

  if (hash != NULL)
    {
      /* Fragments are sometimes used as a query by web apps: treat alike. */
      g_string_append_c (out, '#');
      append_redacted_query (out, hash + 1, strlen (hash + 1));
    }

  return g_string_free (out, FALSE);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

char *
kf_normalize_server_url (const char  *url,
                         GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;
  const char *scheme;
  const char *host;
  gsize len;

  if (url == NULL || *g_strstrip (trimmed = g_strdup (url)) == '\0')
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_INSECURE_URL,
                           _("The server address is empty."));
      return NULL;
    }

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_scheme (uri) == NULL ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_INSECURE_URL,
                           _("The server address is not a valid web address; "
                             "it should look like https://kenfiles.com."));
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  if (g_ascii_strcasecmp (scheme, "https") != 0)
    {
      if (g_ascii_strcasecmp (scheme, "http") != 0)
        {
          g_set_error_literal (error, KF_ERROR, KF_ERROR_INSECURE_URL,
                               _("The server address must start with https://."));
          return NULL;
        }
      if (!host_is_loopback (host))
        {
          g_set_error_literal (error, KF_ERROR, KF_ERROR_INSECURE_URL,
                               _("The server address must use https:// so that "
                                 "your API key is not sent unencrypted; plain "
                                 "http:// is only allowed for this computer "
                                 "(localhost)."));
          return NULL;
        }
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, KF_ERROR, KF_ERROR_INSECURE_URL,
                           _("The server address must not contain a user name, "
                             "a query (“?”) or a fragment (“#”)."));
      return NULL;
    }

  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';

  clean = g_uri_build (G_URI_FLAGS_NONE,
                       g_ascii_strcasecmp (scheme, "https") == 0 ? "https" : "http",
                       NULL, host, g_uri_get_port (uri), path, NULL, NULL);
  return g_uri_to_string (clean);
}

char *
kf_format_size (gint64 bytes)
{
  if (bytes < 0)
    return g_strdup (_("unknown size"));
  return g_format_size ((guint64) bytes);
}

/* "-12.345" -> -1235 (cents, half up away from zero); FALSE unless @text
 * is a plain decimal: optional sign, digits, optional point and digits. */
static gboolean
parse_cents (const char *text,
             gint64     *cents)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *p = copy;
  gboolean negative = FALSE;
  guint64 whole = 0;
  guint fraction = 0;
  guint n_digits = 0;

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  if (!g_ascii_isdigit (*p) && !(*p == '.' && g_ascii_isdigit (p[1])))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      /* Far beyond any balance: refuse rather than overflow. */
      if (whole > G_MAXINT64 / 1000)
        return FALSE;
      whole = whole * 10 + (guint) (*p - '0');
    }
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, n_digits++)
        {
          if (n_digits < 3)
            fraction = fraction * 10 + (guint) (*p - '0');
        }
    }
  if (*p != '\0')
    return FALSE;
  for (; n_digits < 3; n_digits++)
    fraction *= 10;

  /* Three decimals kept: the third one rounds. */
  *cents = (gint64) (whole * 100 + (fraction + 5) / 10);
  if (negative)
    *cents = -*cents;
  return TRUE;
}

static char *
format_cents (gint64 cents)
{
  const char *point = localeconv ()->decimal_point;
  guint64 magnitude = (guint64) (cents < 0 ? -cents : cents);
  g_autofree char *number = NULL;

  number = g_strdup_printf ("%s%" G_GUINT64_FORMAT "%s%02u",
                            cents < 0 ? "-" : "", magnitude / 100,
                            point != NULL && *point != '\0' ? point : ".",
                            (guint) (magnitude % 100));
  /* TRANSLATORS: an amount of money in US dollars, %s is the number */
  return g_strdup_printf (_("$%s"), number);
}

char *
kf_format_money_text (const char *text,
                      double      fallback)
{
  gint64 cents;

  if (text != NULL && parse_cents (text, &cents))
    return format_cents (cents);
  return kf_format_money (fallback);
}

char *
kf_format_money (double amount)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  gint64 cents;

  /* Not a number, infinite or absurd: nothing sensible to show. */
  if (!(amount > -1e15 && amount < 1e15))
    amount = 0;
  /* Six decimals first: 23.125 stored as 23.12499999... still rounds up. */
  g_ascii_formatd (buffer, sizeof buffer, "%.6f", amount);
  if (!parse_cents (buffer, &cents))
    cents = 0;
  return format_cents (cents);
}

char *
kf_multipart_escape (const char *value)
{
  GString *out;

  if (value == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (value) + 8);
  for (const char *p = value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "%22");
          break;
        case '\r':
          g_string_append (out, "%0D");
          break;
        case '\n':
          g_string_append (out, "%0A");
          break;
        default:
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

gboolean
kf_util_unichar_is_terminal_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c < 0xa0) ||
         /* Printable, but they reorder or break the line they are in: a
          * file name must not be able to display as another one. */
         c == 0x061C ||                  /* ARABIC LETTER MARK */
         c == 0x200E || c == 0x200F ||   /* LRM, RLM */
         (c >= 0x202A && c <= 0x202E) || /* embeddings and overrides */
         (c >= 0x2066 && c <= 0x2069) || /* isolates */
         c == 0x2028 || c == 0x2029;     /* line and paragraph separators */
}

char *
kf_util_escape_for_terminal (const char *text)
{
  const char *p;
  const char *end;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  end = text + strlen (text);
  out = g_string_sized_new (end - text);

  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p);
          p++;
          continue;
        }

      switch (c)
        {
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\x%02X", c);
          else if (kf_util_unichar_is_terminal_control (c))
            g_string_append_printf (out, "\\u%04X", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}

char *
kf_util_escape_invalid_utf8 (const char *text)
{
  const char *p;
  const char *end;
  const char *valid_end;
  GString *out;

  if (text == NULL)
    return NULL;

  end = text + strlen (text);
  if (g_utf8_validate (text, end - text, NULL))
    return g_strdup (text);

  out = g_string_sized_new (end - text + 16);
  for (p = text; p < end;)
    {
      g_utf8_validate (p, end - p, &valid_end);
      g_string_append_len (out, p, valid_end - p);
      p = valid_end;
      if (p < end)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p);
          p++;
        }
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_web_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme;
  const char *host;

  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  return (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0) &&
         host != NULL && *host != '\0';
}

GStrv
kf_util_split_web_urls (const char  *text,
                        GStrv       *bad_lines)
{
  g_autoptr(GStrvBuilder) good = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) bad = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || !g_hash_table_add (seen, line))
        continue;

      if (is_web_url (line))
        g_strv_builder_add (good, line);
      else
        g_strv_builder_add (bad, line);
    }

  if (bad_lines != NULL)
    *bad_lines = g_strv_builder_end (bad);
  return g_strv_builder_end (good);
}
