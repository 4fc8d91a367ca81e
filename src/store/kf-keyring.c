/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "kf-keyring.h"

static const SecretSchema *
kf_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    KF_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static const char *
kind_to_string (KfSecretKind kind)
{
  switch (kind)
    {
    case KF_SECRET_API_KEY:
      return "api-key";
    case KF_SECRET_RESELLER_KEY:
      return "reseller-key";
    default:
      g_assert_not_reached ();
    }
}

static const char *
kind_to_label (KfSecretKind kind)
{
  switch (kind)
    {
    case KF_SECRET_API_KEY:
      return _("KenFiles API key");
    case KF_SECRET_RESELLER_KEY:
      return _("KenFiles reseller key");
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_valid_kind (KfSecretKind kind)
{
  return kind == KF_SECRET_API_KEY || kind == KF_SECRET_RESELLER_KEY;
}

/* Every failure to reach a secret service at all (no session bus, a bus
 * with nobody owning org.freedesktop.secrets) becomes NO_KEYRING, so that
 * callers can offer a session-only key; the rest is KEYRING. The original
 * messages are only logged, as they are not sentences for users. */
GError *
kf_keyring_map_error (const GError *error)
{
  gboolean no_service = FALSE;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_FILE_NOT_FOUND:
        case G_DBUS_ERROR_ADDRESS_IN_USE:
        case G_DBUS_ERROR_BAD_ADDRESS:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          no_service = TRUE;
          break;
        default:
          break;
        }
    }
  else if (error->domain == G_IO_ERROR)
    {
      /* Unregistered remote D-Bus errors arrive as DBUS_ERROR: those come
       * from a running service. Any other I/O error is the bus connection. */
      no_service = error->code != G_IO_ERROR_DBUS_ERROR;
    }

  g_debug ("Keyring error: %s (%s %d)", error->message,
           g_quark_to_string (error->domain), error->code);

  if (no_service)
    return g_error_new_literal (KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING,
                                _("No keyring is available on this system, so the key cannot be saved."));

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new_literal (KF_STORE_ERROR, KF_STORE_ERROR_KEYRING,
                                _("The keyring is locked."));

  return g_error_new_literal (KF_STORE_ERROR, KF_STORE_ERROR_KEYRING,
                              _("The keyring could not be used."));
}

static void
propagate_mapped (GError **dest,
                  GError  *src)
{
  g_propagate_error (dest, kf_keyring_map_error (src));
  g_error_free (src);
}

/* libsecret hands out secrets in its own non-swappable memory; callers get
 * a normal heap copy so that both g_free and kf_keyring_free_secret work. */
static char *
take_secret (char *secret)
{
  char *copy;

  if (secret == NULL)
    return NULL;

  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

void
kf_keyring_free_secret (char *secret)
{
  if (secret == NULL)
    return;

  secret_password_wipe (secret);
  g_free (secret);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, kf_keyring_map_error (error));
      g_error_free (error);
    }
  else
    g_task_return_pointer (task, take_secret (secret), (GDestroyNotify) kf_keyring_free_secret);
}

void
kf_keyring_lookup_async (KfSecretKind         kind,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (is_valid_kind (kind));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_keyring_lookup_async);

  secret_password_lookup (kf_keyring_get_schema (), cancellable,
                          lookup_cb, g_steal_pointer (&task),
                          "kind", kind_to_string (kind),
                          NULL);
}

char *
kf_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_keyring_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_task_return_error (task, kf_keyring_map_error (error));
      g_error_free (error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
kf_keyring_store_async (KfSecretKind         kind,
                        const char          *secret,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (is_valid_kind (kind));
  g_return_if_fail (secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_keyring_store_async);

  secret_password_store (kf_keyring_get_schema (), SECRET_COLLECTION_DEFAULT,
                         kind_to_label (kind), secret, cancellable,
                         store_cb, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         NULL);
}

gboolean
kf_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_keyring_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, kf_keyring_map_error (error));
      g_error_free (error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
kf_keyring_clear_async (KfSecretKind         kind,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (is_valid_kind (kind));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_keyring_clear_async);

  secret_password_clear (kf_keyring_get_schema (), cancellable,
                         clear_cb, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         NULL);
}

gboolean
kf_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_keyring_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
kf_keyring_lookup_sync (KfSecretKind   kind,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GError *local_error = NULL;
  char *secret;

  g_return_val_if_fail (is_valid_kind (kind), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  secret = secret_password_lookup_sync (kf_keyring_get_schema (), cancellable, &local_error,
                                        "kind", kind_to_string (kind),
                                        NULL);
  if (local_error != NULL)
    {
      propagate_mapped (error, local_error);
      return NULL;
    }

  return take_secret (secret);
}

gboolean
kf_keyring_store_sync (KfSecretKind   kind,
                       const char    *secret,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (is_valid_kind (kind), FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!secret_password_store_sync (kf_keyring_get_schema (), SECRET_COLLECTION_DEFAULT,
                                   kind_to_label (kind), secret, cancellable, &local_error,
                                   "kind", kind_to_string (kind),
                                   NULL))
    {
      propagate_mapped (error, local_error);
      return FALSE;
    }

  return TRUE;
}

gboolean
kf_keyring_clear_sync (KfSecretKind   kind,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (is_valid_kind (kind), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  secret_password_clear_sync (kf_keyring_get_schema (), cancellable, &local_error,
                              "kind", kind_to_string (kind),
                              NULL);
  if (local_error != NULL)
    {
      propagate_mapped (error, local_error);
      return FALSE;
    }

  return TRUE;
}
