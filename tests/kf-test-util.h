/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs the default main context until *flag is TRUE (or fails the test after
 * @timeout_s seconds). */
void     kf_test_wait_for       (gboolean   *flag,
                                 guint       timeout_s);
/* Creates a file of @size bytes of a repeating, position-dependent pattern
 * in @dir with @name; returns its path. */
char    *kf_test_make_file      (const char *dir,
                                 const char *name,
                                 gsize       size);
/* TRUE if the two files have the same bytes. */
gboolean kf_test_files_equal    (const char *a,
                                 const char *b);

G_END_DECLS
