/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-test-sandbox.h"

KfSandbox *
kf_test_sandbox_start (void)
{
  g_autoptr(KfSandbox) sandbox = kf_sandbox_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (kf_sandbox_start (sandbox, 0, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&sandbox);
}

KfClient *
kf_test_client_new (KfSandbox *sandbox)
{
  g_autoptr(GError) error = NULL;
  KfClient *client;

  client = kf_client_new (kf_sandbox_get_url (sandbox), kf_sandbox_get_api_key (sandbox), &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}
