/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The normal build's stand-in for libFuzzer: feeds every file of the
 * corpus folders (or the files) named on the command line to the target,
 * once each, so `meson test --suite fuzz` replays the seeds and every
 * regression input with any compiler and any sanitizer. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kf-fuzz.h"

static gboolean
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &data, &size, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  printf ("# %s (%" G_GSIZE_FORMAT " bytes)\n", path, size);
  fflush (stdout);
  /* An exact copy, so ASan sees a read past the end of the input; never
   * NULL, as libFuzzer's empty input is not. */
  {
    g_autofree uint8_t *copy = g_malloc (MAX (size, 1));

    memcpy (copy, data, size);
    LLVMFuzzerTestOneInput (copy, size);
  }
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s CORPUS-FOLDER-OR-FILE...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          if (!replay_file (argv[i]))
            return 1;
          n++;
          continue;
        }

      dir = g_dir_open (argv[i], 0, NULL);
      if (dir == NULL)
        {
          g_printerr ("Cannot open %s\n", argv[i]);
          return 1;
        }
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint j = 0; j < names->len; j++)
        {
          if (!replay_file (g_ptr_array_index (names, j)))
            return 1;
          n++;
        }
    }

  /* A folder that lost its seeds must not pass as tested. */
  if (n == 0)
    {
      g_printerr ("No inputs found\n");
      return 1;
    }
  printf ("# %u inputs replayed\n", n);
  return 0;
}
