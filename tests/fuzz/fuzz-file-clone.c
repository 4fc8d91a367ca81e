/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the file/clone answer (the copy's code), after the HTTP check and the envelope. */
#include "config.h"

#include "kf-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = kf_fuzz_envelope (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfFileInfo) result = NULL;

  if (root == NULL)
    return 0;
  result = kf_parse_file_clone (root, KF_FUZZ_SERVER_URL, &error);
  kf_fuzz_check_result (result, error);
  return 0;
}
