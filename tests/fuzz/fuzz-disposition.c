/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: a multipart part's Content-Disposition value, as the
 * sandbox reads it (name, filename, RFC 5987 filename*). */
#include "config.h"

#include "kf-fuzz.h"
#include "kf-sandbox-multipart.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *value = kf_fuzz_strndup (data, size);
  g_autofree char *name = NULL;
  g_autofree char *filename = NULL;

  if (kf_multipart_parse_disposition (value, &name, &filename))
    g_assert (name != NULL);
  else
    g_assert (name == NULL && filename == NULL);
  return 0;
}
