/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kf-store.h"

G_DEFINE_QUARK (kf-store-error-quark, kf_store_error)

char *
kf_store_get_data_dir (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "kenfiles", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                   _("Cannot create the folder “%s”: %s"),
                   display, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&dir);
}

/* The rename is only durable once the directory entry itself is on disk. */
static gboolean
sync_parent_dir (const char  *path,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    goto fail;

  if (fsync (fd) != 0 && errno != EINVAL && errno != EROFS)
    {
      int saved_errno = errno;
      close (fd);
      errno = saved_errno;
      goto fail;
    }

  close (fd);
  return TRUE;

fail:
  {
    int saved_errno = errno;
    g_autofree char *display = g_filename_display_name (dir);

    g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                 _("Cannot flush the folder “%s” to disk: %s"),
                 display, g_strerror (saved_errno));
    return FALSE;
  }
}

gboolean
kf_store_write_file (const char  *path,
                     const char  *contents,
                     gssize       length,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length < 0)
    length = strlen (contents);

  if (!g_file_set_contents_full (path, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT |
                                 G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error_literal (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                           local_error->message);
      return FALSE;
    }

  /* GLib allows an existing file to keep its old mode: never let a wider one survive. */
  if (g_chmod (path, 0600) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                   _("Cannot set the permissions of “%s”: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  return sync_parent_dir (path, error);
}
