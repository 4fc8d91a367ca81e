/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kf-json.h"

G_DEFINE_QUARK (kf-json-error-quark, kf_json_error)

static void
set_invalid (GError **error)
{
  g_set_error_literal (error, KF_JSON_ERROR, KF_JSON_ERROR_INVALID,
                       _("The data is not in the expected format (it is not valid JSON)."));
}

/* A strict RFC 8259 reader that only checks, so that json-glib only ever
 * sees valid JSON no deeper than allowed. json-glib 1.6 recurses once per
 * level (a stack overflow for deep input), also takes comments and
 * 'single-quoted' strings, and leaks what it built on many errors (a
 * second value, "[][]"; a broken escape in an unfinished string): the
 * fuzzers in tests/fuzz found each in their first minute. */
typedef struct {
  const char *p;
  const char *end;
  guint       depth;
  guint       max_depth;
  gboolean    too_deep;
} Reader;

static void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static gboolean
read_literal (Reader     *r,
              const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (r->end - r->p) < len || memcmp (r->p, word, len) != 0)
    return FALSE;
  r->p += len;
  return TRUE;
}

static gboolean
read_digits (Reader *r)
{
  const char *start = r->p;

  while (r->p < r->end && g_ascii_isdigit (*r->p))
    r->p++;
  return r->p > start;
}

static gboolean
read_number (Reader *r)
{
  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p < r->end && *r->p == '0')
    r->p++;
  else if (r->p >= r->end || !read_digits (r))
    return FALSE;
  if (r->p < r->end && *r->p == '.')
    {
      r->p++;
      if (!read_digits (r))
        return FALSE;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (!read_digits (r))
        return FALSE;
    }
  return TRUE;
}

/* Reads \uXXXX (r->p at the backslash) into *unit. */
static gboolean
read_unicode_escape (Reader   *r,
                     gunichar *unit)
{
  *unit = 0;
  if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
    return FALSE;
  for (int i = 2; i < 6; i++)
    {
      int digit = g_ascii_xdigit_value (r->p[i]);

      if (digit < 0)
        return FALSE;
      *unit = *unit * 16 + (gunichar) digit;
    }
  r->p += 6;
  return TRUE;
}

static gboolean
read_string (Reader *r)
{
  r->p++;  /* the opening quote */
  while (r->p < r->end)
    {
      guchar c = (guchar) *r->p;

      if (c == '"')
        {
          r->p++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          r->p++;
          continue;
        }
      if (r->end - r->p < 2)
        return FALSE;
      if (r->p[1] == 'u')
        {
          gunichar unit, low;

          if (!read_unicode_escape (r, &unit))
            return FALSE;
          /* json-glib's strings end at a NUL: "a.txt\u0000.exe" would
           * read as "a.txt", and a code would be cut short. */
          if (unit == 0)
            return FALSE;
          /* A UTF-16 pair names one character; a half of one is no text. */
          if (unit >= 0xdc00 && unit <= 0xdfff)
            return FALSE;
          if (unit >= 0xd800 && unit <= 0xdbff &&
              (!read_unicode_escape (r, &low) || low < 0xdc00 || low > 0xdfff))
            return FALSE;
          continue;
        }
      if (strchr ("\"\\/bfnrt", r->p[1]) == NULL || r->p[1] == '\0')
        return FALSE;
      r->p += 2;
    }
  return FALSE;
}

static gboolean read_value (Reader *r);

/* An array or an object, r->p at its opening bracket. */
static gboolean
read_container (Reader *r)
{
  gboolean object = *r->p == '{';
  char close = object ? '}' : ']';

  if (++r->depth > r->max_depth)
    {
      r->too_deep = TRUE;
      return FALSE;
    }
  r->p++;
  skip_space (r);
  if (r->p < r->end && *r->p == close)
    {
      r->p++;
      r->depth--;
      return TRUE;
    }

  for (;;)
    {
      if (object)
        {
          if (r->p >= r->end || *r->p != '"' || !read_string (r))
            return FALSE;
          skip_space (r);
          if (r->p >= r->end || *r->p != ':')
            return FALSE;
          r->p++;
          skip_space (r);
        }
      if (!read_value (r))
        return FALSE;
      skip_space (r);
      if (r->p >= r->end)
        return FALSE;
      if (*r->p == close)
        {
          r->p++;
          r->depth--;
          return TRUE;
        }
      if (*r->p != ',')
        return FALSE;
      r->p++;
      skip_space (r);
    }
}

static gboolean
read_value (Reader *r)
{
  if (r->p >= r->end)
    return FALSE;
  switch (*r->p)
    {
    case '{':
    case '[':
      return read_container (r);
    case '"':
      return read_string (r);
    case 't':
      return read_literal (r, "true");
    case 'f':
      return read_literal (r, "false");
    case 'n':
      return read_literal (r, "null");
    default:
      return read_number (r);
    }
}

/* One value with only white space around it, valid UTF-8, at most
 * @max_depth levels of arrays and objects. */
static gboolean
check_structure (const char  *data,
                 gsize        length,
                 guint        max_depth,
                 GError     **error)
{
  Reader r = { data, data + length, 0, max_depth, FALSE };

  if (!g_utf8_validate_len (data, length, NULL))
    {
      set_invalid (error);
      return FALSE;
    }

  skip_space (&r);
  if (read_value (&r))
    {
      skip_space (&r);
      if (r.p == r.end)
        return TRUE;
    }

  if (r.too_deep)
    g_set_error (error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_DEEP,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The data is nested more deeply than %u level.",
                              "The data is nested more deeply than %u levels.",
                              max_depth),
                 max_depth);
  else
    set_invalid (error);
  return FALSE;
}

/* json-glib reads a number past the range of a double (1e400) as infinity.
 * The depth is bounded already, so the recursion is too. */
static gboolean
numbers_are_finite (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!numbers_are_finite (json_array_get_element (array, i)))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        if (!numbers_are_finite (member))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return isfinite (json_node_get_double (node));

  return TRUE;
}

JsonNode *
kf_json_parse_bounded (const char  *data,
                       gsize        length,
                       guint        max_depth,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > KF_JSON_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size_full (KF_JSON_MAX_BYTES, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_LARGE,
                   _("The data is larger than %s."), limit);
      return NULL;
    }

  if (!check_structure (data, length, max_depth, error))
    return NULL;

  parser = json_parser_new ();
  if (length == 0 ||
      !json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      (root = json_parser_steal_root (parser)) == NULL)
    {
      set_invalid (error);
      return NULL;
    }

  if (!numbers_are_finite (root))
    {
      json_node_unref (root);
      g_set_error_literal (error, KF_JSON_ERROR, KF_JSON_ERROR_NUMBER,
                           _("The data holds a number too large to use."));
      return NULL;
    }

  return root;
}
