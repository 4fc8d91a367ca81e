/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KF_ERROR (kf_error_quark ())

/**
 * KfError:
 * Codes a user interface can act on. Every message set with these codes is a
 * sentence meant for the user, and never contains the API key. A cancelled
 * operation returns G_IO_ERROR_CANCELLED (with such a sentence), as GIO does.
 */
typedef enum {
  KF_ERROR_KEY_REJECTED,    /* the server says the API key is wrong: ask for another */
  KF_ERROR_NETWORK,         /* cannot reach the server (DNS, refused, reset, TLS) */
  KF_ERROR_TIMED_OUT,       /* the server did not answer in time */
  KF_ERROR_SERVER,          /* 5xx, or an HTML page where JSON was expected */
  KF_ERROR_RATE_LIMITED,    /* 429: too many requests */
  KF_ERROR_PROTOCOL,        /* an answer we cannot understand */
  KF_ERROR_REFUSED,         /* the server refused; the message carries its text */
  KF_ERROR_LOCAL_FILE,      /* a local file cannot be read */
  KF_ERROR_INSECURE_URL,    /* a server URL that is not https (and not loopback) */
  KF_ERROR_TOO_LARGE,       /* 413 or a connection cut while sending a big body */
  KF_ERROR_NOT_AVAILABLE,   /* the server does not offer this operation */
  KF_ERROR_UNCERTAIN,       /* answer lost after sending: the action may have happened */
  KF_ERROR_NO_KEY,          /* no API key configured */
  KF_ERROR_CERTIFICATE,     /* the server's TLS certificate is not trusted: never retried */
} KfError;

GQuark kf_error_quark (void);

/* TRUE for errors worth retrying automatically (never used for vouchers). */
gboolean kf_error_is_transient (const GError *error);

G_END_DECLS
