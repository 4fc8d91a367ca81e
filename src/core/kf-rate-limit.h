/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KF_TYPE_RATE_LIMIT (kf_rate_limit_get_type ())
G_DECLARE_FINAL_TYPE (KfRateLimit, kf_rate_limit, KF, RATE_LIMIT, GObject)

/* One speed limit shared by every upload body that uses it (a token bucket):
 * all of them together send at most "rate" bytes per second (0: no limit).
 * The bucket starts empty and holds at most an eighth of a second's worth,
 * so a limit cannot be beaten by bursts. Changing "rate" (notify::rate)
 * applies at once to the bodies being sent. */

/* Rates above this are refused by kf_rate_limit_parse (1 TiB/s). */
#define KF_RATE_LIMIT_MAX ((guint64) 1 << 40)

KfRateLimit *kf_rate_limit_new      (guint64      rate);
guint64      kf_rate_limit_get_rate (KfRateLimit *self);
void         kf_rate_limit_set_rate (KfRateLimit *self,
                                     guint64      rate);

/* Takes up to @want bytes from the bucket at @now_us (g_get_monotonic_time)
 * and returns how many may be sent now. 0 means none: ask again in
 * *@wait_us microseconds. Without a limit, returns @want. A grant is never
 * smaller than what the rate makes in 20 ms (or @want, if less), so a
 * limited upload moves in steps of a useful size. */
gsize        kf_rate_limit_take     (KfRateLimit *self,
                                     gsize        want,
                                     gint64       now_us,
                                     gint64      *wait_us);

/* Parses a speed as curl's --limit-rate does: bytes per second, or a number
 * with K, M, G or T (powers of 1024, either case; "1.5M" too). "0" is no
 * limit. Fails with G_IO_ERROR_INVALID_ARGUMENT and a sentence to show. */
gboolean     kf_rate_limit_parse    (const char  *text,
                                     guint64     *rate,
                                     GError     **error);
/* "512K", "4M", "1000": @rate in the largest unit that holds it whole, so
 * kf_rate_limit_parse reads it back exactly. */
char        *kf_rate_limit_format   (guint64      rate);

G_END_DECLS
