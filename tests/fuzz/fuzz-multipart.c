/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the sandbox's multipart/form-data push parser. The input is
 * the boundary, a newline, then the body. The body is fed whole and again
 * in small chunks of varying size: a push parser must see the same parts
 * and the same outcome whatever the chunks. */
#include "config.h"

#include <string.h>

#include "kf-fuzz.h"
#include "kf-sandbox-multipart.h"

static gboolean
on_begin (gpointer    user_data,
          const char *name,
          const char *filename,
          GError    **error)
{
  GString *log = user_data;

  g_string_append_printf (log, "<part name=%s filename=%s>", name != NULL ? name : "(null)",
                          filename != NULL ? filename : "(null)");
  return TRUE;
}

static gboolean
on_data (gpointer      user_data,
         const guint8 *data,
         gsize         len,
         GError      **error)
{
  GString *log = user_data;

  g_assert (len > 0);
  g_string_append_len (log, (const char *) data, len);
  return TRUE;
}

static gboolean
on_end (gpointer user_data,
        GError **error)
{
  g_string_append ((GString *) user_data, "</part>");
  return TRUE;
}

static const KfMultipartCallbacks callbacks = { on_begin, on_data, on_end };

/* Returns the transcript; *ok and *complete say how it ended. */
static GString *
run (const char   *boundary,
     const guint8 *body,
     gsize         len,
     gboolean      chunked,
     gboolean     *ok,
     gboolean     *complete)
{
  GString *log = g_string_new (NULL);
  g_autoptr(KfMultipartParser) parser = kf_multipart_parser_new (boundary, &callbacks, log);
  gsize done = 0;
  guint step = 0;

  *ok = TRUE;
  while (*ok && (done < len || (done == 0 && len == 0)))
    {
      g_autoptr(GError) error = NULL;
      gsize want = chunked ? 1 + (step++ * 7) % 13 : len;

      want = MIN (want, len - done);
      *ok = kf_multipart_parser_feed (parser, body + done, want, &error);
      g_assert (*ok == (error == NULL));
      done += want;
      if (len == 0)
        break;
    }
  *complete = kf_multipart_parser_is_complete (parser);
  return log;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const uint8_t *newline = memchr (data, '\n', size);
  g_autofree char *boundary = NULL;
  g_autoptr(GString) whole = NULL;
  g_autoptr(GString) chunked = NULL;
  gboolean ok_whole, ok_chunked, complete_whole, complete_chunked;
  const guint8 *body;
  gsize len;

  if (newline == NULL)
    return 0;
  boundary = kf_fuzz_strndup (data, (size_t) (newline - data));
  if (!kf_multipart_boundary_is_valid (boundary))
    return 0;

  body = newline + 1;
  len = size - (gsize) (body - data);
  whole = run (boundary, body, len, FALSE, &ok_whole, &complete_whole);
  chunked = run (boundary, body, len, TRUE, &ok_chunked, &complete_chunked);

  g_assert (ok_whole == ok_chunked);
  g_assert (complete_whole == complete_chunked);
  if (ok_whole)
    g_assert (g_string_equal (whole, chunked));
  return 0;
}
