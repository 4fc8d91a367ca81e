/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the voucher ledger file (vouchers.json), read as
 * kf_ledger_load() reads it, and written out as CSV. */
#include "config.h"

#include <math.h>

#include "kf-fuzz.h"
#include "kf-ledger.h"
#include "kf-store-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kf_ledger_parse ((const char *) data, size, "vouchers.json", &error);
  g_autofree char *csv = NULL;
  double charged;

  kf_fuzz_check_result (entries, error);
  if (entries == NULL)
    return 0;

  for (guint i = 0; i < entries->len; i++)
    {
      KfVoucherEntry *entry = g_ptr_array_index (entries, i);

      g_assert (entry->created != NULL && entry->plan != NULL);
      g_assert (!entry->charge_known || isfinite (entry->charged));
      (void) kf_voucher_entry_is_uncertain (entry);
      (void) kf_voucher_state_to_string (entry->state);
      if (kf_ledger_find_last_charge (entries, entry->plan, &charged))
        g_assert (isfinite (charged));
    }
  csv = kf_ledger_to_csv (entries);
  g_assert (csv != NULL);
  return 0;
}
