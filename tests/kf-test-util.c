/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kf-test-util.h"

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
kf_test_wait_for (gboolean *flag,
                  guint     timeout_s)
{
  gboolean timed_out = FALSE;
  guint id;

  g_assert_nonnull (flag);

  id = g_timeout_add_seconds (timeout_s, on_wait_timeout, &timed_out);
  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  if (!*flag)
    g_error ("Timed out after %u s waiting for a condition", timeout_s);
}

/* Byte @i of a pattern file: varies with position so shifted or repeated
 * blocks are caught by a comparison. */
static guint8
pattern_byte (guint64 i)
{
  return (guint8) ((i * 131) ^ (i >> 8) ^ (i >> 16) ^ 0x5a);
}

char *
kf_test_make_file (const char *dir,
                   const char *name,
                   gsize       size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  guint8 buf[64 * 1024];
  gsize written = 0;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);

  while (written < size)
    {
      gsize n = MIN (sizeof buf, size - written);

      for (gsize i = 0; i < n; i++)
        buf[i] = pattern_byte (written + i);
      g_output_stream_write_all (G_OUTPUT_STREAM (out), buf, n, NULL, NULL, &error);
      g_assert_no_error (error);
      written += n;
    }

  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

gboolean
kf_test_files_equal (const char *a,
                     const char *b)
{
  g_autoptr(GFile) file_a = g_file_new_for_path (a);
  g_autoptr(GFile) file_b = g_file_new_for_path (b);
  g_autoptr(GFileInputStream) in_a = g_file_read (file_a, NULL, NULL);
  g_autoptr(GFileInputStream) in_b = g_file_read (file_b, NULL, NULL);
  guint8 buf_a[64 * 1024];
  guint8 buf_b[64 * 1024];

  if (in_a == NULL || in_b == NULL)
    return FALSE;

  for (;;)
    {
      gsize n_a = 0, n_b = 0;

      if (!g_input_stream_read_all (G_INPUT_STREAM (in_a), buf_a, sizeof buf_a, &n_a, NULL, NULL) ||
          !g_input_stream_read_all (G_INPUT_STREAM (in_b), buf_b, sizeof buf_b, &n_b, NULL, NULL))
        return FALSE;
      if (n_a != n_b || memcmp (buf_a, buf_b, n_a) != 0)
        return FALSE;
      if (n_a < sizeof buf_a)
        return TRUE;
    }
}
