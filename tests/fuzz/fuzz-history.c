/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the upload history file (history.json), read as
 * kf_history_load() reads it. */
#include "config.h"

#include "kf-fuzz.h"
#include "kf-history.h"
#include "kf-store-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kf_history_parse ((const char *) data, size, &error);

  kf_fuzz_check_result (entries, error);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const KfHistoryEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(KfHistoryEntry) copy = kf_history_entry_copy (entry);

      g_assert (entry->id != NULL && *entry->id != '\0' && entry->name != NULL);
      g_assert (g_strcmp0 (copy->id, entry->id) == 0 && copy->size == entry->size);
    }
  return 0;
}
