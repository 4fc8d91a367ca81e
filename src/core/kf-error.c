/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-error.h"

G_DEFINE_QUARK (kf-error-quark, kf_error)

gboolean
kf_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != KF_ERROR)
    return FALSE;

  switch ((KfError) error->code)
    {
    case KF_ERROR_NETWORK:
    case KF_ERROR_TIMED_OUT:
    case KF_ERROR_SERVER:
    case KF_ERROR_RATE_LIMITED:
      return TRUE;

    case KF_ERROR_KEY_REJECTED:
    case KF_ERROR_PROTOCOL:
    case KF_ERROR_REFUSED:
    case KF_ERROR_LOCAL_FILE:
    case KF_ERROR_INSECURE_URL:
    case KF_ERROR_TOO_LARGE:
    case KF_ERROR_NOT_AVAILABLE:
    case KF_ERROR_UNCERTAIN:
    case KF_ERROR_NO_KEY:
    case KF_ERROR_CERTIFICATE:
    default:
      return FALSE;
    }
}
