/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "kf-client.h"

G_BEGIN_DECLS

/* Shared between kf-client.c (API calls) and kf-client-upload.c. */

SoupSession *kf_client_get_session         (KfClient     *self);
guint        kf_client_get_max_attempts    (KfClient     *self);
/* Delay before attempt number @attempt (1 = first retry): exponential from
 * retry-delay-ms, capped, with jitter. */
guint        kf_client_get_backoff_ms      (KfClient     *self,
                                            guint         attempt);

/* Turns a transport error from libsoup/GIO into a KF_ERROR with a
 * user-facing message; a KF_ERROR is copied as is. G_IO_ERROR_CANCELLED
 * stays G_IO_ERROR_CANCELLED (with a user-facing message), timeouts -> TIMED_OUT,
 * DNS/refused/unreachable/TLS/other I/O -> NETWORK (transient),
 * libsoup parsing errors -> PROTOCOL. A connection closed or reset
 * (BROKEN_PIPE, CONNECTION_CLOSED, PARTIAL_INPUT) maps to NETWORK, or to
 * KF_ERROR_TOO_LARGE (not retried) when @big_body is TRUE: pass TRUE only
 * when the body is big enough that a proxy size cap is the likely cause.
 * Never includes the URL. */
GError      *kf_client_map_transport_error (const GError *error,
                                            gboolean      big_body);

/* Cached premium state from the last account info, for utype=auto.
 * Returns FALSE when unknown. */
gboolean     kf_client_get_cached_premium  (KfClient     *self,
                                            gboolean     *is_premium);

/* Reads @stream to its end into memory, failing with KF_ERROR_PROTOCOL as
 * soon as more than @max_bytes arrive (bytes after any Content-Encoding is
 * undone), so an oversized answer is never read further. Other failures
 * are the stream's own errors. */
void         kf_read_bounded_async         (GInputStream        *stream,
                                            gsize                max_bytes,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GBytes      *kf_read_bounded_finish        (GAsyncResult        *result,
                                            GError             **error);

/* Watches @msg's answer headers: a Content-Length that is not a number
 * >= 0 cancels @cancellable before libsoup reads the body (libsoup would
 * warn about it), and kf_message_take_bad_length_error() then says so. */
void         kf_message_guard_headers      (SoupMessage         *msg,
                                            GCancellable        *cancellable);
/* The cancellable to give soup_session_send_async() for @msg: cancelled with
 * @attempt while the answer's headers are awaited, never after they came.
 * libsoup 3.6 (Debian 13) crashes in soup_session_send_finish() when the
 * send's cancellable is cancelled between the answer and the callback (the
 * send then counts as failed, and libsoup reads a queue item it has freed).
 * Once the headers are in, cancelling @attempt stops the body's read instead. */
GCancellable *kf_send_cancellable_new      (SoupMessage         *msg,
                                            GCancellable        *attempt);
gboolean     kf_message_take_bad_length_error (SoupMessage      *msg,
                                            GError             **error);

/* KF_ERROR_TIMED_OUT: "did not answer within @seconds seconds". */
GError      *kf_client_new_timed_out_error (guint                seconds);

G_END_DECLS
