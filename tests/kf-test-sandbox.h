/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kf-client.h"
#include "kf-sandbox.h"

G_BEGIN_DECLS

/* A sandbox server, started on a free loopback port. */
KfSandbox *kf_test_sandbox_start (void);
/* A client of @sandbox's API, with the sandbox's own key. */
KfClient  *kf_test_client_new    (KfSandbox *sandbox);

G_END_DECLS
