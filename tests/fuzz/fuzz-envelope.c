/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: what every JSON API answer goes through first, the HTTP
 * check of a 200 answer and the envelope (status, msg, plain-text errors,
 * HTML pages). */
#include "config.h"

#include "kf-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  JsonNode *root = kf_fuzz_envelope (data, size);

  g_clear_pointer (&root, json_node_unref);
  return 0;
}
