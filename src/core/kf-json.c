/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

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
 * which could hide brackets from a simpler count, so those are refused. */
static gboolean
check_structure (const char  *data,
                 gsize        length,
                 guint        max_depth,
                 GError     **error)
{
  gboolean in_string = FALSE;
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
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
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
          /* Unbalanced closers are json-glib's to reject. */
          if (depth > 0)
            depth--;
          break;
        case '\'':
        case '/':
        case '#':
          set_invalid (error);
          return FALSE;
        default:
          break;
        }
    }

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

  return root;
}
