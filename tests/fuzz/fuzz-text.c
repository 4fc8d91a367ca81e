/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the text helpers that take server or user text: terminal
 * escaping of server values, escaping of non-UTF-8 names for JSON, the
 * server URL check, URL redaction. */
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
  return 0;
}
