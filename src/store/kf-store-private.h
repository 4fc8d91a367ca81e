/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The file loaders' parsers, on bytes instead of a file, for the fuzz
 * targets (tests/fuzz/). They read exactly as kf_ledger_load(),
 * kf_history_load() and kf_queue_file_load() do, without touching the disk. */

/* Returns KfVoucherEntry*, oldest first; @path only names the file in
 * messages. */
GPtrArray *kf_ledger_parse  (const char  *data,
                             gsize        length,
                             const char  *path,
                             GError     **error);
/* Returns KfHistoryEntry*, oldest first. */
GPtrArray *kf_history_parse (const char  *data,
                             gsize        length,
                             GError     **error);
/* Returns KfQueueEntry*, in list order (kf_queue_file_load()). */
GPtrArray *kf_queue_file_parse (const char  *data,
                                gsize        length,
                                GError     **error);

G_END_DECLS
