/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the account_info answer, after the HTTP check and the envelope. */
#include "config.h"

#include "kf-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = kf_fuzz_envelope (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfAccountInfo) info = NULL;

  if (root == NULL)
    return 0;
  info = kf_parse_account_info (root, &error);
  kf_fuzz_check_result (info, error);
  if (info != NULL)
    (void) kf_account_info_premium_days_left (info);
  return 0;
}
