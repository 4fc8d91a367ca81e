/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kf-multipart-stream.h"

static GInputStream *
memory_stream (const char *data,
               gssize      len)
{
  if (len < 0)
    len = strlen (data);
  return g_memory_input_stream_new_from_data (g_memdup2 (data, len), len, g_free);
}

/* Reads the whole body through the pollable interface, as libsoup does. */
static GBytes *
read_all_nonblocking (KfMultipartStream  *stream,
                      gsize               chunk,
                      GError            **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *buffer = g_malloc (chunk);

  for (;;)
    {
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                           buffer, chunk, NULL, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (out, buffer, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static SoupMultipart *
parse_with_soup (KfMultipartStream *stream,
                 GBytes            *body)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  soup_message_headers_replace (headers, "Content-Type",
                                kf_multipart_stream_get_content_type (stream));
  return soup_multipart_new_from_message (headers, body);
}

/* An independent reading: splits the body on the delimiter and returns the
 * raw parts (headers + CRLFCRLF + content), checking the framing. */
static GPtrArray *
split_parts (GBytes     *body,
             const char *boundary)
{
  g_autofree char *first = g_strdup_printf ("--%s\r\n", boundary);
  g_autofree char *delimiter = g_strdup_printf ("\r\n--%s", boundary);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *p;

  g_assert_cmpuint (strlen (text), ==, g_bytes_get_size (body));
  g_assert_true (g_str_has_prefix (text, first));
  p = text + strlen (first);
  for (;;)
    {
      const char *end = strstr (p, delimiter);

      g_assert_nonnull (end);
      g_ptr_array_add (parts, g_strndup (p, end - p));
      p = end + strlen (delimiter);
      if (g_str_equal (p, "--\r\n"))
        break;
      g_assert_true (g_str_has_prefix (p, "\r\n"));
      p += 2;
    }

  return parts;
}

static void
test_exact_bytes (void)
{
  g_autoptr(KfMultipartStream) stream = kf_multipart_stream_new ();
  g_autoptr(GInputStream) file = memory_stream ("hello\r\nworld", -1);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_type = NULL;
  const char *boundary;
  SoupMessageHeaders *part_headers;
  GBytes *part_body;
  g_autofree char *disposition = NULL;
  g_autoptr(GHashTable) params = NULL;

  kf_multipart_stream_add_field (stream, "sess_id", "3rewps03u5ipbkm9");
  kf_multipart_stream_add_field (stream, "utype", "prem");
  kf_multipart_stream_add_file (stream, "file_0", "a b.txt", "application/octet-stream", file, 12);
  kf_multipart_stream_finish (stream);

  boundary = kf_multipart_stream_get_boundary (stream);
  g_assert_cmpuint (strlen (boundary), >=, 40);
  g_assert_cmpuint (strlen (boundary), <=, 70);
  expected_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  g_assert_cmpstr (kf_multipart_stream_get_content_type (stream), ==, expected_type);

  expected = g_strdup_printf ("--%1$s\r\n"
                              "Content-Disposition: form-data; name=\"sess_id\"\r\n"
                              "\r\n"
                              "3rewps03u5ipbkm9\r\n"
                              "--%1$s\r\n"
                              "Content-Disposition: form-data; name=\"utype\"\r\n"
                              "\r\n"
                              "prem\r\n"
                              "--%1$s\r\n"
                              "Content-Disposition: form-data; name=\"file_0\"; filename=\"a b.txt\"; filename*=UTF-8''a%%20b.txt\r\n"
                              "Content-Type: application/octet-stream\r\n"
                              "\r\n"
                              "hello\r\nworld\r\n"
                              "--%1$s--\r\n",
                              boundary);

  /* Odd chunk size so pieces straddle the segment borders. */
  body = read_all_nonblocking (stream, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kf_multipart_stream_get_length (stream), ==, g_bytes_get_size (body));
  g_assert_cmpint (kf_multipart_stream_get_file_bytes (stream), ==, 12);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                   expected, strlen (expected));

  multipart = parse_with_soup (stream, body);
  g_assert_nonnull (multipart);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, 3);
  g_assert_true (soup_multipart_get_part (multipart, 2, &part_headers, &part_body));
  g_assert_cmpstr (soup_message_headers_get_content_type (part_headers, NULL), ==,
                   "application/octet-stream");
  g_assert_true (soup_message_headers_get_content_disposition (part_headers, &disposition, &params));
  g_assert_cmpstr (disposition, ==, "form-data");
  g_assert_cmpstr (g_hash_table_lookup (params, "name"), ==, "file_0");
  g_assert_cmpstr (g_hash_table_lookup (params, "filename"), ==, "a b.txt");
  g_assert_cmpmem (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body),
                   "hello\r\nworld", 12);

  /* Reading past the end keeps answering EOF. */
  g_assert_cmpint (g_input_stream_read (G_INPUT_STREAM (stream), (char[4]) { 0 }, 4, NULL, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_random_boundary (void)
{
  g_autoptr(KfMultipartStream) a = kf_multipart_stream_new ();
  g_autoptr(KfMultipartStream) b = kf_multipart_stream_new ();

  g_assert_cmpstr (kf_multipart_stream_get_boundary (a), !=, kf_multipart_stream_get_boundary (b));
}

static void
test_escaping (void)
{
  g_autoptr(KfMultipartStream) stream = kf_multipart_stream_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GPtrArray) raw_parts = NULL;
  g_autoptr(GString) long_name = g_string_new (NULL);
  const char *boundary = kf_multipart_stream_get_boundary (stream);

  g_ptr_array_add (names, g_strdup ("quote\"d.txt"));
  g_ptr_array_add (names, g_strdup ("back\\slash\\\".txt"));
  g_ptr_array_add (names, g_strdup ("cr\rlf\n crlf\r\n.txt"));
  g_ptr_array_add (names, g_strdup ("naïve 日本語 ü €.txt"));
  g_ptr_array_add (names, g_strdup ("100%22 %0D%0A percent.txt"));
  g_ptr_array_add (names, g_strdup ("semi; name=\"utype\"; filename*=UTF-8''evil.txt"));
  /* Knows the boundary and still cannot start a new part. */
  g_ptr_array_add (names, g_strdup_printf ("x\"\r\n\r\ninjected\r\n--%s\r\n"
                                           "Content-Disposition: form-data; name=\"utype\"\r\n\r\nreg",
                                           boundary));
  for (guint i = 0; long_name->len < 2000; i++)
    g_string_append_unichar (long_name, i % 3 == 0 ? 0x00e9 : 'a' + (i % 26));
  g_ptr_array_add (names, g_string_free (g_steal_pointer (&long_name), FALSE));

  kf_multipart_stream_add_field (stream, "sess_id", "s");
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *field = g_strdup_printf ("file_%u", i);
      g_autofree char *content = g_strdup_printf ("content of %u", i);
      g_autoptr(GInputStream) file = memory_stream (content, -1);

      kf_multipart_stream_add_file (stream, field, names->pdata[i], "application/octet-stream",
                                    file, strlen (content));
    }
  kf_multipart_stream_finish (stream);

  body = read_all_nonblocking (stream, 64 * 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kf_multipart_stream_get_length (stream), ==, g_bytes_get_size (body));

  raw_parts = split_parts (body, boundary);
  g_assert_cmpuint (raw_parts->len, ==, names->len + 1);
  for (guint i = 1; i < raw_parts->len; i++)
    {
      const char *part = raw_parts->pdata[i];
      const char *head_end = strstr (part, "\r\n\r\n");
      g_autofree char *head = NULL;
      g_auto(GStrv) lines = NULL;
      g_autofree char *content = g_strdup_printf ("content of %u", i - 1);

      g_assert_nonnull (head_end);
      head = g_strndup (part, head_end - part);
      lines = g_strsplit (head, "\r\n", -1);
      /* Exactly two header lines: nothing in a name could add one. */
      g_assert_cmpuint (g_strv_length (lines), ==, 2);
      g_assert_true (g_str_has_prefix (lines[0], "Content-Disposition: form-data; name=\"file_"));
      g_assert_null (strchr (lines[0], '\r'));
      g_assert_null (strchr (lines[0], '\n'));
      g_assert_cmpstr (lines[1], ==, "Content-Type: application/octet-stream");
      g_assert_cmpstr (head_end + 4, ==, content);
    }

  multipart = parse_with_soup (stream, body);
  g_assert_nonnull (multipart);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, names->len + 1);
  for (guint i = 0; i < names->len; i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *field = g_strdup_printf ("file_%u", i);

      g_assert_true (soup_multipart_get_part (multipart, i + 1, &part_headers, &part_body));
      g_assert_true (soup_message_headers_get_content_disposition (part_headers, &disposition, &params));
      g_assert_cmpstr (g_hash_table_lookup (params, "name"), ==, field);
      /* libsoup decodes filename* (RFC 5987) over the plain parameter. */
      g_assert_cmpstr (g_hash_table_lookup (params, "filename"), ==, names->pdata[i]);
    }
}

static void
test_file_bytes_at (void)
{
  g_autoptr(KfMultipartStream) stream = kf_multipart_stream_new ();
  g_autoptr(GInputStream) a = memory_stream ("0123456789", -1);
  g_autoptr(GInputStream) empty = memory_stream ("", 0);
  g_autoptr(GInputStream) b = memory_stream ("abcde", -1);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  const char *a_start;
  const char *b_start;
  goffset a_offset, b_offset, length, previous = 0;

  kf_multipart_stream_add_field (stream, "sess_id", "s");
  kf_multipart_stream_add_file (stream, "file_0", "a", NULL, a, 10);
  kf_multipart_stream_add_file (stream, "file_1", "empty", NULL, empty, 0);
  kf_multipart_stream_add_file (stream, "file_2", "b", NULL, b, 5);
  kf_multipart_stream_finish (stream);
  length = kf_multipart_stream_get_length (stream);
  g_assert_cmpint (kf_multipart_stream_get_file_bytes (stream), ==, 15);

  body = read_all_nonblocking (stream, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_bytes_get_size (body), ==, length);
  data = g_bytes_get_data (body, NULL);
  a_start = g_strstr_len (data, length, "0123456789");
  b_start = g_strstr_len (data, length, "abcde");
  g_assert_nonnull (a_start);
  g_assert_nonnull (b_start);
  a_offset = a_start - data;
  b_offset = b_start - data;

  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, 0), ==, 0);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, a_offset), ==, 0);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, a_offset + 1), ==, 1);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, a_offset + 10), ==, 10);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, b_offset), ==, 10);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, b_offset + 3), ==, 13);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, b_offset + 5), ==, 15);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, length), ==, 15);
  g_assert_cmpint (kf_multipart_stream_file_bytes_at (stream, length + 100), ==, 15);

  for (goffset offset = 0; offset <= length; offset++)
    {
      goffset bytes = kf_multipart_stream_file_bytes_at (stream, offset);
      gboolean in_content = (offset > a_offset && offset <= a_offset + 10) ||
                            (offset > b_offset && offset <= b_offset + 5);

      g_assert_cmpint (bytes, >=, previous);
      g_assert_cmpint (bytes, <=, 15);
      /* It rises exactly where file bytes are, and nowhere else. */
      g_assert_cmpint (bytes - previous, ==, in_content ? 1 : 0);
      previous = bytes;
    }
}

static void
test_short_file (void)
{
  g_autoptr(KfMultipartStream) stream = kf_multipart_stream_new ();
  g_autoptr(GInputStream) file = memory_stream ("only forty bytes are here, not a hundred", -1);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const GError *read_error;
  char buffer[16];

  kf_multipart_stream_add_file (stream, "file_0", "short.bin", NULL, file, 100);
  kf_multipart_stream_finish (stream);

  body = read_all_nonblocking (stream, 1024, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_null (body);
  read_error = kf_multipart_stream_get_read_error (stream);
  g_assert_nonnull (read_error);
  g_assert_true (read_error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (read_error->message, "short.bin"));

  /* It stays failed instead of pretending the body ended. */
  g_clear_error (&error);
  g_assert_cmpint (g_input_stream_read (G_INPUT_STREAM (stream), buffer, sizeof buffer, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
}

static void
test_read_error (void)
{
  g_autoptr(KfMultipartStream) stream = kf_multipart_stream_new ();
  g_autoptr(GInputStream) file = memory_stream ("data", -1);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  kf_multipart_stream_add_file (stream, "file_0", "gone.bin", NULL, file, 4);
  kf_multipart_stream_finish (stream);
  g_assert_true (g_input_stream_close (file, NULL, NULL));

  body = read_all_nonblocking (stream, 1024, &error);
  g_assert_null (body);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_nonnull (kf_multipart_stream_get_read_error (stream));
  g_assert_nonnull (strstr (kf_multipart_stream_get_read_error (stream)->message, "gone.bin"));
}

static char *
make_temp_file (gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = g_malloc (size);
  char *path = NULL;
  int fd;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7 + i / 251);
  fd = g_file_open_tmp ("kf-test-multipart-XXXXXX", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_large_reads (void)
{
  const gsize size = 1024 * 1024;
  g_autofree char *path = make_temp_file (size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(KfMultipartStream) stream = kf_multipart_stream_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = g_malloc (size);
  gssize n;

  input = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  kf_multipart_stream_add_file (stream, "file_0", "big", NULL, G_INPUT_STREAM (input), size);
  kf_multipart_stream_finish (stream);

  g_assert_true (g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (stream)));
  g_assert_true (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (stream)));
  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                buffer, size, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 256 * 1024);

  g_assert_true (g_input_stream_close (G_INPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);
  /* Closing the body closes the file part too. */
  g_assert_true (g_input_stream_is_closed (G_INPUT_STREAM (input)));
  g_unlink (path);
}

static void
splice_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The asynchronous path libsoup takes: splice on the main loop. */
static void
test_async_splice (void)
{
  const gsize size = 3 * 1024 * 1024 + 17;
  g_autofree char *path = make_temp_file (size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(KfMultipartStream) stream = kf_multipart_stream_new ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *contents = NULL;
  gsize contents_len;
  gssize spliced;

  input = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  kf_multipart_stream_add_field (stream, "sess_id", "x");
  kf_multipart_stream_add_file (stream, "file_0", "big", NULL, G_INPUT_STREAM (input), size);
  kf_multipart_stream_finish (stream);

  g_output_stream_splice_async (out, G_INPUT_STREAM (stream),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, splice_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  spliced = g_output_stream_splice_finish (out, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (spliced, ==, kf_multipart_stream_get_length (stream));
  g_assert_true (g_input_stream_is_closed (G_INPUT_STREAM (input)));

  body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  g_file_get_contents (path, &contents, &contents_len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (memmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                            contents, contents_len));
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/multipart/exact-bytes", test_exact_bytes);
  g_test_add_func ("/multipart/random-boundary", test_random_boundary);
  g_test_add_func ("/multipart/escaping", test_escaping);
  g_test_add_func ("/multipart/file-bytes-at", test_file_bytes_at);
  g_test_add_func ("/multipart/short-file", test_short_file);
  g_test_add_func ("/multipart/read-error", test_read_error);
  g_test_add_func ("/multipart/large-reads", test_large_reads);
  g_test_add_func ("/multipart/async-splice", test_async_splice);

  return g_test_run ();
}
