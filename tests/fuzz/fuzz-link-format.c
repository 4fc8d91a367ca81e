/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: writing a link with a file name from the server in each
 * format. The input is the link, a NUL byte, then the name (no NUL: the
 * link is its own text). Names and links come from JSON answers, which
 * json-glib has checked for UTF-8, so only UTF-8 inputs are used. */
#include "config.h"

#include <string.h>

#include "kf-fuzz.h"
#include "kf-link-format.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const uint8_t *nul = memchr (data, '\0', size);
  g_autofree char *link = kf_fuzz_strndup (data, nul != NULL ? (size_t) (nul - data) : size);
  g_autofree char *name = nul != NULL ? kf_fuzz_strndup (nul + 1, size - (size_t) (nul + 1 - data)) : NULL;
  KfLinkFormat format;

  /* The format's own name, as --format takes it. */
  if (kf_link_format_from_string (link, &format))
    g_assert (g_strcmp0 (kf_link_format_to_string (format), link) == 0);

  if (!g_utf8_validate (link, -1, NULL) || (name != NULL && !g_utf8_validate (name, -1, NULL)))
    return 0;

  for (format = KF_LINK_FORMAT_PLAIN; format <= KF_LINK_FORMAT_MARKDOWN; format++)
    {
      g_autofree char *text = kf_link_format (format, link, name);

      g_assert (text != NULL && g_utf8_validate (text, -1, NULL));
      /* One line of text, whatever the name holds. */
      if (format != KF_LINK_FORMAT_PLAIN && format != KF_LINK_FORMAT_DIRECT)
        g_assert (strchr (text, '\n') == NULL || strchr (link, '\n') != NULL);
    }
  return 0;
}
