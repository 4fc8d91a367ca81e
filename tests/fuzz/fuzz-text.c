/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the text helpers that take server or user text: terminal
 * escaping of server values, escaping of non-UTF-8 names for JSON, the
 * server URL check, URL redaction, the split of pasted remote-upload URLs. */
#include "config.h"

#include <string.h>

#include "kf-fuzz.h"
#include "kf-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = kf_fuzz_strndup (data, size);
  g_autofree char *terminal = kf_util_escape_for_terminal (text);
  g_autofree char *utf8 = kf_util_escape_invalid_utf8 (text);
  g_autofree char *redacted = kf_redact_url (text);
  g_autofree char *multipart = kf_multipart_escape (text);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  const char *p;

  /* One line of valid UTF-8 with no control character left. */
  g_assert (g_utf8_validate (terminal, -1, NULL));
  for (p = terminal; *p != '\0'; p = g_utf8_next_char (p))
    g_assert (!kf_util_unichar_is_terminal_control (g_utf8_get_char (p)));
  g_assert (g_utf8_validate (utf8, -1, NULL));
  g_assert (redacted != NULL);
  g_assert (strpbrk (multipart, "\"\r\n") == NULL);

  url = kf_normalize_server_url (text, &error);
  kf_fuzz_check_result (url, error);

  {
    g_auto(GStrv) bad = NULL;
    g_auto(GStrv) good = kf_util_split_web_urls (text, &bad);
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    /* Trimmed, non-empty, one line each, never both good and bad or twice. */
    for (GStrv list = good; list != NULL; list = list == good ? bad : NULL)
      for (guint i = 0; list[i] != NULL; i++)
        {
          g_assert (*list[i] != '\0' && strchr (list[i], '\n') == NULL);
          g_assert (!g_ascii_isspace (list[i][0]));
          g_assert (g_hash_table_add (seen, list[i]));
        }
    for (guint i = 0; good[i] != NULL; i++)
      g_assert (g_ascii_strncasecmp (good[i], "http", 4) == 0);
  }
  return 0;
}
