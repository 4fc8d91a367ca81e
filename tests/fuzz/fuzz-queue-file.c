/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the saved upload queue (queue.json), read as
 * kf_queue_file_load() reads it. */
#include "config.h"

#include "kf-fuzz.h"
#include "kf-queue-file.h"
#include "kf-store-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kf_queue_file_parse ((const char *) data, size, &error);

  kf_fuzz_check_result (entries, error);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const KfQueueEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(KfQueueEntry) copy = kf_queue_entry_copy (entry);

      g_assert (entry->id != NULL && *entry->id != '\0' && entry->name != NULL);
      g_assert (entry->kind == KF_QUEUE_ENTRY_FILE ? entry->uri != NULL && entry->state != KF_QUEUE_ENTRY_FAILED
                                                   : entry->url != NULL && entry->state != KF_QUEUE_ENTRY_PAUSED);
      g_assert (entry->size >= -1 && entry->mtime >= -1 && entry->progress >= -1 && entry->progress <= 100);
      g_assert (g_strcmp0 (copy->id, entry->id) == 0 && copy->size == entry->size);
    }
  return 0;
}
