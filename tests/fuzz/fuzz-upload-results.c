/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the upload server's answer to the file POST (a JSON list of
 * {file_code, file_status}, read from the raw body). */
#include "config.h"

#include "kf-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = kf_fuzz_bytes (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;

  if (!kf_parse_check_http (200, "application/json", body, &error))
    return 0;
  results = kf_parse_upload_results (body, KF_FUZZ_SERVER_URL, &error);
  kf_fuzz_check_result (results, error);
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      KfUploadResult *result = g_ptr_array_index (results, i);

      if (result->error != NULL)
        (void) kf_parse_upload_status_is_transient (result->error->message);
    }
  return 0;
}
