/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
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

/* Our temporary files: hidden, with a prefix no user would pick, so that
 * cleaning up after a killed writer never touches a file of the user's
 * such as "vouchers.json.backup". */
#define TEMP_PREFIX ".kenfiles-tmp-"
#define TEMP_SUFFIX_LEN 6   /* the XXXXXX of g_mkstemp_full */

static void
set_write_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO, _("Cannot write “%s”: %s"),
               display, g_strerror (saved_errno));
}

static gboolean
write_all (int          fd,
           const char  *contents,
           gsize        length)
{
  while (length > 0)
    {
      gssize n = write (fd, contents, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      contents += n;
      length -= n;
    }

  return TRUE;
}

gboolean
kf_store_write_file (const char  *path,
                     const char  *contents,
                     gssize       length,
                     GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temp_path = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length < 0)
    length = strlen (contents);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  temp_path = g_strdup_printf ("%s/" TEMP_PREFIX "%s.XXXXXX", dir, base);

  /* Created 0600, so the new file never has a wider mode, whatever the old one had. */
  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_write_error (error, path, errno);
      return FALSE;
    }

  if (!write_all (fd, contents, length) || fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (temp_path);
      set_write_error (error, path, saved_errno);
      return FALSE;
    }

  if (close (fd) != 0)
    {
      int saved_errno = errno;

      g_unlink (temp_path);
      set_write_error (error, path, saved_errno);
      return FALSE;
    }

  if (g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (temp_path);
      set_write_error (error, path, saved_errno);
      return FALSE;
    }

  return sync_parent_dir (path, error);
}

gboolean
kf_store_is_temp_name (const char *name,
                       const char *base)
{
  size_t prefix_len = strlen (TEMP_PREFIX);
  size_t base_len = strlen (base);

  if (strlen (name) != prefix_len + base_len + 1 + TEMP_SUFFIX_LEN ||
      strncmp (name, TEMP_PREFIX, prefix_len) != 0 ||
      strncmp (name + prefix_len, base, base_len) != 0 ||
      name[prefix_len + base_len] != '.')
    return FALSE;

  for (const char *p = name + prefix_len + base_len + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;

  return TRUE;
}

guint
kf_store_remove_stale_temp_files (const char *path,
                                  gint64      min_age_seconds)
{
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint n_removed = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *temp_path = NULL;
      GStatBuf st;

      if (!kf_store_is_temp_name (name, base))
        continue;

      temp_path = g_build_filename (dir_name, name, NULL);
      if (g_lstat (temp_path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (now - (gint64) st.st_mtime < min_age_seconds)
        continue;
      if (g_unlink (temp_path) == 0)
        n_removed++;
    }

  return n_removed;
}

gboolean
kf_store_read_file (const char  *path,
                    gsize        max_size,
                    char       **contents,
                    gsize       *length,
                    GError     **error)
{
  g_autofree char *data = NULL;
  GStatBuf st;
  gsize size = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, KF_STORE_ERROR,
                   saved_errno == ENOENT ? KF_STORE_ERROR_NOT_FOUND : KF_STORE_ERROR_IO,
                   _("Cannot read “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved_errno = S_ISREG (st.st_mode) ? errno : EINVAL;
      g_autofree char *display = g_filename_display_name (path);

      close (fd);
      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                   _("Cannot read “%s”: %s"), display,
                   saved_errno == EINVAL ? _("not a regular file") : g_strerror (saved_errno));
      return FALSE;
    }

  /* Read one byte past the limit, so a file that grew meanwhile is still caught. */
  data = g_malloc (MIN ((gsize) st.st_size, max_size) + 2);
  while (size <= max_size)
    {
      gssize n = read (fd, data + size, MIN ((gsize) st.st_size, max_size) + 1 - size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (path);

          close (fd);
          g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO,
                       _("Cannot read “%s”: %s"), display, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      size += n;
      if (size == MIN ((gsize) st.st_size, max_size) + 1)
        break;
    }
  close (fd);

  if (size > max_size)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_autofree char *limit = g_format_size (max_size);

      g_set_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT,
                   _("“%s” is larger than %s, more than this app ever writes; it was left as it is."),
                   display, limit);
      return FALSE;
    }

  data[size] = '\0';
  *contents = g_steal_pointer (&data);
  if (length != NULL)
    *length = size;
  return TRUE;
}

/* Decodes the JSON string starting after the opening quote at @p; returns
 * the position after the closing quote. Input is valid JSON (parsed before). */
static const char *
scan_string (const char *p,
             const char *end,
             GString    *out)
{
  while (p < end && *p != '"')
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p++);
          continue;
        }

      if (++p >= end)
        break;
      switch (*p)
        {
        case 'b': g_string_append_c (out, '\b'); p++; break;
        case 'f': g_string_append_c (out, '\f'); p++; break;
        case 'n': g_string_append_c (out, '\n'); p++; break;
        case 'r': g_string_append_c (out, '\r'); p++; break;
        case 't': g_string_append_c (out, '\t'); p++; break;
        case 'u':
          {
            gunichar c = 0;

            if (end - p < 5)
              return end;
            for (int i = 1; i <= 4; i++)
              c = (c << 4) | g_ascii_xdigit_value (p[i]);
            p += 5;
            /* A surrogate pair names one character, as the parser reads it. */
            if (c >= 0xd800 && c < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
              {
                gunichar low = 0;

                for (int i = 2; i <= 5; i++)
                  low = (low << 4) | g_ascii_xdigit_value (p[i]);
                if (low >= 0xdc00 && low < 0xe000)
                  {
                    c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                    p += 6;
                  }
              }
            g_string_append_unichar (out, c);
            break;
          }
        default:
          g_string_append_c (out, *p++);
          break;
        }
    }

  return p < end ? p + 1 : end;
}

static void
frame_free (gpointer keys)
{
  if (keys != NULL)
    g_hash_table_unref (keys);
}

gboolean
kf_store_json_find_duplicate_key (const char  *data,
                                  gsize        length,
                                  char       **duplicate)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (frame_free);
  g_autoptr(GString) key = g_string_new (NULL);
  const char *end = data + length;
  gboolean expect_key = FALSE;

  /* json-glib 1.6 keeps the last of two equal keys without a word, so the
   * first "vouchers" list would vanish on the next write: look ourselves. */
  for (const char *p = data; p < end; )
    {
      GHashTable *keys = stack->len > 0 ? g_ptr_array_index (stack, stack->len - 1) : NULL;

      switch (*p)
        {
        case '{':
          g_ptr_array_add (stack, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
          expect_key = TRUE;
          p++;
          break;
        case '[':
          /* An array's frame holds no keys. */
          g_ptr_array_add (stack, NULL);
          expect_key = FALSE;
          p++;
          break;
        case '}':
        case ']':
          if (stack->len > 0)
            g_ptr_array_remove_index (stack, stack->len - 1);
          expect_key = FALSE;
          p++;
          break;
        case ',':
          /* Inside an object a comma is followed by a key. */
          expect_key = keys != NULL;
          p++;
          break;
        case '"':
          g_string_truncate (key, 0);
          p = scan_string (p + 1, end, key);
          if (expect_key && keys != NULL)
            {
              if (g_hash_table_contains (keys, key->str))
                {
                  if (duplicate != NULL)
                    *duplicate = g_strdup (key->str);
                  return TRUE;
                }
              g_hash_table_add (keys, g_strdup (key->str));
            }
          expect_key = FALSE;
          break;
        default:
          p++;
          break;
        }
    }

  return FALSE;
}
