/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "kf-sandbox-multipart.h"

#define MAX_HEADER_BLOCK (64 * 1024)

typedef enum {
  STATE_PREAMBLE,
  STATE_DATA,
  STATE_AFTER_DELIMITER,
  STATE_CLOSE_DASH,
  STATE_EXPECT_LF,
  STATE_HEADERS,
  STATE_DONE,
  STATE_FAILED,
} ParserState;

struct _KfMultipartParser {
  KfMultipartCallbacks callbacks;
  gpointer             user_data;
  char                *delimiter;      /* "\r\n--" boundary */
  gsize                delimiter_len;
  ParserState          state;
  guint8              *held;           /* a prefix of the delimiter that ended the last chunk */
  gsize                held_len;
  GString             *headers;
};

gboolean
kf_multipart_boundary_is_valid (const char *boundary)
{
  gsize len;

  if (boundary == NULL)
    return FALSE;
  len = strlen (boundary);
  if (len == 0 || len > 200)
    return FALSE;
  /* RFC 2046 bchars; the scanner relies on CR never being part of one */
  for (const char *p = boundary; *p; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("'()+_,-./:=? ", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

KfMultipartParser *
kf_multipart_parser_new (const char                 *boundary,
                         const KfMultipartCallbacks *callbacks,
                         gpointer                    user_data)
{
  KfMultipartParser *self;

  g_return_val_if_fail (kf_multipart_boundary_is_valid (boundary), NULL);
  g_return_val_if_fail (callbacks != NULL, NULL);

  self = g_new0 (KfMultipartParser, 1);
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->delimiter = g_strconcat ("\r\n--", boundary, NULL);
  self->delimiter_len = strlen (self->delimiter);
  self->held = g_malloc (self->delimiter_len);
  self->headers = g_string_new (NULL);
  self->state = STATE_PREAMBLE;
  /* a virtual CRLF before the body lets the first boundary match like the others */
  memcpy (self->held, "\r\n", 2);
  self->held_len = 2;
  return self;
}

void
kf_multipart_parser_free (KfMultipartParser *self)
{
  if (self == NULL)
    return;
  g_free (self->delimiter);
  g_free (self->held);
  g_string_free (self->headers, TRUE);
  g_free (self);
}

gboolean
kf_multipart_parser_is_complete (KfMultipartParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->state == STATE_DONE;
}

static gboolean
emit_data (KfMultipartParser  *self,
           const guint8       *data,
           gsize               len,
           GError            **error)
{
  if (len == 0 || self->state != STATE_DATA)
    return TRUE;
  return self->callbacks.part_data (self->user_data, data, len, error);
}

static gboolean
delimiter_found (KfMultipartParser  *self,
                 GError            **error)
{
  if (self->state == STATE_DATA &&
      !self->callbacks.part_end (self->user_data, error))
    return FALSE;
  self->state = STATE_AFTER_DELIMITER;
  return TRUE;
}

/* Scans part data (or the preamble) for the delimiter; a delimiter may be
 * split across chunks, so a matching tail is held back for the next one. */
static gboolean
scan_body (KfMultipartParser  *self,
           const guint8       *data,
           gsize               len,
           gsize              *consumed,
           GError            **error)
{
  gsize pos = 0;

  if (self->held_len > 0)
    {
      gsize need = self->delimiter_len - self->held_len;
      gsize n = MIN (need, len);

      if (memcmp (data, self->delimiter + self->held_len, n) == 0)
        {
          if (n < need)
            {
              memcpy (self->held + self->held_len, data, n);
              self->held_len += n;
              *consumed = len;
              return TRUE;
            }
          self->held_len = 0;
          *consumed = n;
          return delimiter_found (self, error);
        }
      else
        {
          gsize held_len = self->held_len;

          /* CR occurs only first in the delimiter, so no match starts inside the held bytes */
          self->held_len = 0;
          if (!emit_data (self, self->held, held_len, error))
            return FALSE;
        }
    }

  while (pos < len)
    {
      const guint8 *cr = memchr (data + pos, '\r', len - pos);
      gsize r, n;

      if (cr == NULL)
        break;
      r = cr - data;
      n = MIN (len - r, self->delimiter_len);
      if (memcmp (cr, self->delimiter, n) == 0)
        {
          if (!emit_data (self, data, r, error))
            return FALSE;
          if (n < self->delimiter_len)
            {
              memcpy (self->held, cr, n);
              self->held_len = n;
              *consumed = len;
              return TRUE;
            }
          *consumed = r + self->delimiter_len;
          return delimiter_found (self, error);
        }
      pos = r + 1;
    }

  if (!emit_data (self, data, len, error))
    return FALSE;
  *consumed = len;
  return TRUE;
}

static char *
find_header (const char *block,
             const char *wanted)
{
  g_auto(GStrv) lines = g_strsplit (block, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      if ((gsize) (colon - lines[i]) == strlen (wanted) &&
          g_ascii_strncasecmp (lines[i], wanted, colon - lines[i]) == 0)
        return g_strstrip (g_strdup (colon + 1));
    }
  return NULL;
}

static gboolean
headers_complete (KfMultipartParser  *self,
                  GError            **error)
{
  g_autofree char *disposition = NULL;
  g_autofree char *name = NULL;
  g_autofree char *filename = NULL;

  disposition = find_header (self->headers->str, "Content-Disposition");
  if (disposition == NULL ||
      !kf_multipart_parse_disposition (disposition, &name, &filename))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "multipart part without a form-data name");
      return FALSE;
    }
  if (!self->callbacks.part_begin (self->user_data, name, filename, error))
    return FALSE;
  self->state = STATE_DATA;
  return TRUE;
}

static gboolean
feed_internal (KfMultipartParser  *self,
               const guint8       *data,
               gsize               len,
               GError            **error)
{
  while (len > 0)
    {
      switch (self->state)
        {
        case STATE_PREAMBLE:
        case STATE_DATA:
          {
            gsize consumed = 0;

            if (!scan_body (self, data, len, &consumed, error))
              return FALSE;
            data += consumed;
            len -= consumed;
          }
          break;

        case STATE_AFTER_DELIMITER:
          if (*data == '-')
            self->state = STATE_CLOSE_DASH;
          else if (*data == '\r')
            self->state = STATE_EXPECT_LF;
          else if (*data != ' ' && *data != '\t')
            goto malformed;
          data++;
          len--;
          break;

        case STATE_CLOSE_DASH:
          if (*data != '-')
            goto malformed;
          self->state = STATE_DONE;
          data++;
          len--;
          break;

        case STATE_EXPECT_LF:
          if (*data != '\n')
            goto malformed;
          self->state = STATE_HEADERS;
          g_string_truncate (self->headers, 0);
          data++;
          len--;
          break;

        case STATE_HEADERS:
          {
            const guint8 *lf = memchr (data, '\n', len);
            gsize n = lf ? (gsize) (lf - data) + 1 : len;

            g_string_append_len (self->headers, (const char *) data, n);
            data += n;
            len -= n;
            if (self->headers->len > MAX_HEADER_BLOCK)
              {
                g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                     "multipart part headers too long");
                return FALSE;
              }
            if (lf != NULL &&
                (g_str_equal (self->headers->str, "\r\n") ||
                 g_str_has_suffix (self->headers->str, "\r\n\r\n")))
              {
                if (!headers_complete (self, error))
                  return FALSE;
              }
          }
          break;

        case STATE_DONE:
          /* the epilogue carries nothing */
          return TRUE;

        case STATE_FAILED:
        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;

malformed:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "malformed multipart boundary line");
  return FALSE;
}

gboolean
kf_multipart_parser_feed (KfMultipartParser  *self,
                          const guint8       *data,
                          gsize               len,
                          GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->state == STATE_FAILED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "multipart parser already failed");
      return FALSE;
    }
  if (!feed_internal (self, data, len, error))
    {
      self->state = STATE_FAILED;
      return FALSE;
    }
  return TRUE;
}

/* Content-Disposition parameters */

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* Only \" and \\ are escapes: curl and browsers send other backslashes raw. */
static char *
read_quoted (const char **pp)
{
  const char *p = *pp + 1;
  GString *out = g_string_new (NULL);

  while (*p && *p != '"')
    {
      if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
        p++;
      g_string_append_c (out, *p);
      p++;
    }
  if (*p == '"')
    p++;
  *pp = p;
  return g_string_free (out, FALSE);
}

static char *
decode_form_escapes (const char *s)
{
  GString *out = g_string_new (NULL);

  for (const char *p = s; *p; p++)
    {
      if (p[0] == '%' && p[1] == '2' && p[2] == '2')
        {
          g_string_append_c (out, '"');
          p += 2;
        }
      else if (p[0] == '%' && p[1] == '0' && (p[2] == 'D' || p[2] == 'd'))
        {
          g_string_append_c (out, '\r');
          p += 2;
        }
      else if (p[0] == '%' && p[1] == '0' && (p[2] == 'A' || p[2] == 'a'))
        {
          g_string_append_c (out, '\n');
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static char *
decode_ext_value (const char *value)
{
  const char *q1 = strchr (value, '\'');
  const char *q2;
  g_autofree char *charset = NULL;
  g_autofree char *decoded = NULL;

  if (q1 == NULL)
    return NULL;
  q2 = strchr (q1 + 1, '\'');
  if (q2 == NULL)
    return NULL;
  charset = g_strndup (value, q1 - value);
  if (g_ascii_strcasecmp (charset, "UTF-8") != 0)
    return NULL;
  decoded = g_uri_unescape_string (q2 + 1, NULL);
  if (decoded == NULL || !g_utf8_validate (decoded, -1, NULL))
    return NULL;
  return g_steal_pointer (&decoded);
}

static char *
make_valid (char *s)
{
  char *valid;

  if (s == NULL || g_utf8_validate (s, -1, NULL))
    return s;
  valid = g_utf8_make_valid (s, -1);
  g_free (s);
  return valid;
}

gboolean
kf_multipart_parse_disposition (const char  *value,
                                char       **name,
                                char       **filename)
{
  g_autofree char *raw_name = NULL;
  g_autofree char *raw_filename = NULL;
  g_autofree char *ext_filename = NULL;
  const char *p;

  g_return_val_if_fail (value != NULL, FALSE);

  p = skip_spaces (value);
  if (g_ascii_strncasecmp (p, "form-data", 9) != 0)
    return FALSE;
  p += 9;

  while (*p)
    {
      const char *key_start, *key_end;
      g_autofree char *key = NULL;
      g_autofree char *val = NULL;

      p = skip_spaces (p);
      if (*p == ';')
        {
          p++;
          continue;
        }
      key_start = p;
      while (*p && *p != '=' && *p != ';')
        p++;
      key_end = p;
      while (key_end > key_start && (key_end[-1] == ' ' || key_end[-1] == '\t'))
        key_end--;
      key = g_strndup (key_start, key_end - key_start);
      if (*p != '=')
        continue;
      p = skip_spaces (p + 1);
      if (*p == '"')
        val = read_quoted (&p);
      else
        {
          const char *v = p;

          while (*p && *p != ';')
            p++;
          val = g_strstrip (g_strndup (v, p - v));
        }

      if (g_ascii_strcasecmp (key, "name") == 0)
        {
          g_free (raw_name);
          raw_name = g_steal_pointer (&val);
        }
      else if (g_ascii_strcasecmp (key, "filename") == 0)
        {
          g_free (raw_filename);
          raw_filename = g_steal_pointer (&val);
        }
      else if (g_ascii_strcasecmp (key, "filename*") == 0)
        {
          g_free (ext_filename);
          ext_filename = decode_ext_value (val);
        }
    }

  if (raw_name == NULL)
    return FALSE;

  *name = make_valid (decode_form_escapes (raw_name));
  if (ext_filename != NULL)
    *filename = g_steal_pointer (&ext_filename);
  else if (raw_filename != NULL)
    *filename = make_valid (decode_form_escapes (raw_filename));
  else
    *filename = NULL;
  return TRUE;
}
