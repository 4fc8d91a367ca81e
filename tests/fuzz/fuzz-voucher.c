/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the reseller's voucher answer, read from the raw body (it
 * may be plain text). */
#include "config.h"

#include "kf-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = kf_fuzz_bytes (data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  if (!kf_parse_check_http (200, "application/json", body, &error))
    return 0;
  code = kf_parse_voucher (body, &error);
  kf_fuzz_check_result (code, error);
  return 0;
}
