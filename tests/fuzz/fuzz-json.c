/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: kf_json_parse_bounded, the reader of every JSON text (server
 * answers and our own files), with our depth and with a shallow one. */
#include "config.h"

#include <math.h>

#include "kf-fuzz.h"
#include "kf-json.h"

/* What it promises: no number that is not finite gets through. */
static void
check_finite (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        check_finite (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        check_finite (member);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    g_assert (isfinite (json_node_get_double (node)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const guint depths[] = { KF_JSON_MAX_DEPTH, 2 };

  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = kf_json_parse_bounded ((const char *) data, size, depths[i], &error);

      kf_fuzz_check_result (root, error);
      if (root != NULL)
        check_finite (root);
    }
  return 0;
}
