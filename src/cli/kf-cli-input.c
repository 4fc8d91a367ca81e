/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Local input: which command-line arguments are URIs, and which files can be
 * uploaded. Everything here runs before a request is sent and never opens
 * anything that could block (a named pipe without a writer, a device). */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kf-cli.h"

static gboolean
scheme_is_accepted (const char *scheme)
{
  const char * const *supported = g_vfs_get_supported_uri_schemes (g_vfs_get_default ());

  if (g_ascii_strcasecmp (scheme, "file") == 0)
    return TRUE;
  /* resource: is GIO's own, never something a user uploads. */
  if (g_ascii_strcasecmp (scheme, "resource") == 0)
    return FALSE;

  return supported != NULL && g_strv_contains (supported, scheme);
}

GFile *
kf_cli_file_for_argument (const char *arg)
{
  const char *scheme;

  g_return_val_if_fail (arg != NULL, NULL);

  /* "notes:2024.txt" peeks as scheme "notes" (interned): only schemes GIO can open
   * make a URI, the rest are file names. */
  scheme = g_uri_peek_scheme (arg);
  if (scheme != NULL && scheme_is_accepted (scheme))
    return g_file_new_for_uri (arg);

  return g_file_new_for_path (arg);
}

static gboolean
is_web_address (const char *arg)
{
  const char *scheme = g_uri_peek_scheme (arg);

  return scheme != NULL &&
         (g_str_equal (scheme, "http") || g_str_equal (scheme, "https") ||
          g_str_equal (scheme, "ftp")) &&
         !scheme_is_accepted (scheme);
}

/* A regular file of size 0 that has contents is a kernel file (/proc, /sys):
 * its size is unknown until it is read, so it cannot be streamed. */
static gboolean
size_zero_is_true (const char  *path,
                   gboolean    *is_true,
                   GError     **error)
{
  struct stat st;
  char byte;
  ssize_t n;
  int fd;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }

  /* It may have been replaced since it was looked at. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    *is_true = FALSE;
  else
    {
      do
        n = read (fd, &byte, 1);
      while (n < 0 && errno == EINTR);
      *is_true = n == 0;
    }

  g_close (fd, NULL);
  return TRUE;
}

static void
set_special_file_error (GError     **error,
                        mode_t       mode,
                        const char  *name)
{
  if (S_ISDIR (mode))
    g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                 _("“%s” is a folder; upload it with -r (its files and folders)."), name);
  else if (S_ISFIFO (mode))
    g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                 _("“%s” is a named pipe, not a file; only regular files can be uploaded."), name);
  else if (S_ISCHR (mode) || S_ISBLK (mode))
    g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                 _("“%s” is a device, not a file; only regular files can be uploaded."), name);
  else if (S_ISSOCK (mode))
    g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                 _("“%s” is a socket, not a file; only regular files can be uploaded."), name);
  else
    g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                 _("“%s” is not a regular file; only regular files can be uploaded."), name);
}

static gboolean
check_local (const char  *arg,
             const char  *path,
             goffset     *size,
             GError     **error)
{
  g_autofree char *name = g_filename_display_name (arg);
  g_autoptr(GError) local_error = NULL;
  gboolean empty = TRUE;
  GStatBuf st;

  /* stat, not open: opening a named pipe waits for a writer. */
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT && is_web_address (arg))
        g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                     _("“%s” is a web address, not a file: “kenfiles remote-upload” lets "
                       "the server fetch it."), name);
      else
        g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                     _("“%s” cannot be read: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      set_special_file_error (error, st.st_mode, name);
      return FALSE;
    }

  if (st.st_size == 0 && !size_zero_is_true (path, &empty, &local_error))
    {
      g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                   _("“%s” cannot be read: %s"), name, local_error->message);
      return FALSE;
    }

  if (!empty)
    {
      g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                   _("“%s” is a system file whose size is not known before it is read; "
                     "copy it to a regular file to upload it."), name);
      return FALSE;
    }

  *size = st.st_size;
  return TRUE;
}

gboolean
kf_cli_check_upload_argument (const char  *arg,
                              goffset     *size,
                              GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (arg != NULL, FALSE);
  g_return_val_if_fail (size != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *size = -1;
  file = kf_cli_file_for_argument (arg);
  path = g_file_get_path (file);
  if (path != NULL)
    return check_local (arg, path, size, error);

  /* A URI that GVfs serves (sftp:, smb:, ...). */
  name = g_file_get_parse_name (file);
  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                   _("“%s” cannot be read: %s"), name, local_error->message);
      return FALSE;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, KF_ERROR, KF_ERROR_LOCAL_FILE,
                   _("“%s” is not a regular file; only regular files can be uploaded."), name);
      return FALSE;
    }

  *size = g_file_info_get_size (info);
  return TRUE;
}
