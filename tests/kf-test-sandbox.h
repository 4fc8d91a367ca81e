/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kf-client.h"
#include "kf-sandbox.h"

G_BEGIN_DECLS

/* A sandbox server, started on a free loopback port. */
KfSandbox *kf_test_sandbox_start (void);
/* A client of @sandbox's API, with the sandbox's own key. */
KfClient  *kf_test_client_new    (KfSandbox *sandbox);

/* A run of the `kenfiles` command (KENFILES_CLI) against a sandbox. */
typedef struct {
  gboolean  done;
  char     *out;
  char     *err;
  int       status;
} KfTestCliRun;

void         kf_test_cli_run_clear (KfTestCliRun       *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KfTestCliRun, kf_test_cli_run_clear)

/* Starts `kenfiles ARG…` on @sandbox, with its key, in the C.UTF-8 locale;
 * @run is filled in when it ends. */
GSubprocess *kf_test_cli_start     (KfSandbox          *sandbox,
                                    const char * const *args,
                                    KfTestCliRun       *run);
/* The same, and waits (up to 120 s) for it to end. */
void         kf_test_cli_run       (KfSandbox          *sandbox,
                                    const char * const *args,
                                    KfTestCliRun       *run);

G_END_DECLS
