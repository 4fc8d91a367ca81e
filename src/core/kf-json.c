/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "kf-json.h"

G_DEFINE_QUARK (kf-json-error-quark, kf_json_error)

static void
set_invalid (GError **error)
{
  g_set_error_literal (error, KF_JSON_ERROR, KF_JSON_ERROR_INVALID,
                       _("The data is not in the expected format (it is not valid JSON)."));
}

/* Finds the deepest nesting, exactly as a strict JSON reader would see it.
 * json-glib's scanner also takes comments and 'single-quoted' strings,
 * which could hide brackets from a simpler count, so those are refused.
 * So is a second value after the first ("[][]", "1[]"), which json-glib
 * 1.6 refuses too but leaks the nodes it had built. */
static gboolean
check_structure (const char  *data,
                 gsize        length,
                 guint        max_depth,
                 GError     **error)
{
  gboolean in_string = FALSE;
  gboolean in_scalar = FALSE;   /* a number, true, false or null at the top */
  gboolean value_done = FALSE;  /* the top-level value has ended */
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\0')
        {
          set_invalid (error);
          return FALSE;
        }

      if (in_string)
        {
          if (c == '\\')
            {
              /* The escaped character cannot end the string. */
              if (i + 1 < length && data[i + 1] == '\0')
                {
                  set_invalid (error);
                  return FALSE;
                }
              i++;
            }
          else if (c == '"')
            {
              in_string = FALSE;
              value_done = depth == 0;
            }
          continue;
        }

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          if (in_scalar)
            {
              in_scalar = FALSE;
              value_done = TRUE;
            }
          continue;
        }

      if (depth == 0 && value_done)
        {
          set_invalid (error);
          return FALSE;
        }

      switch (c)
        {
        case '"':
        case '[':
        case '{':
          if (in_scalar)
            {
              set_invalid (error);
              return FALSE;
            }
          if (c == '"')
            {
              in_string = TRUE;
              break;
            }
          if (++depth > max_depth)
            {
              g_set_error (error, KF_JSON_ERROR, KF_JSON_ERROR_TOO_DEEP,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "The data is nested more deeply than %u level.",
                                        "The data is nested more deeply than %u levels.",
                                        max_depth),
                           max_depth);
              return FALSE;
            }
          break;
        case ']':
        case '}':
          if (depth == 0)
            {
              set_invalid (error);
              return FALSE;
            }
          /* Mismatched pairs ("[}") are json-glib's to reject. */
          if (--depth == 0)
            value_done = TRUE;
          break;
        case '\'':
        case '/':
        case '#':
          set_invalid (error);
          return FALSE;
        default:
          if (depth == 0)
            in_scalar = TRUE;
          break;
        }
    }

  return TRUE;
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
