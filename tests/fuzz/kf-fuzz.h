/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "kf-parse.h"

G_BEGIN_DECLS

/* Every fuzz target defines this: libFuzzer calls it (-Dfuzzing=true), and
 * kf-fuzz-replay.c calls it once per corpus file in the normal build. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define KF_FUZZ_SERVER_URL "https://kenfiles.example"

/* A NUL-terminated copy, for functions that take strings (inputs with a
 * NUL byte end there, as a C string from anywhere would). */
static inline char *
kf_fuzz_strndup (const uint8_t *data,
                 size_t         size)
{
  return g_strndup ((const char *) data, size);
}

/* The body as the client holds it: a GBytes. */
static inline GBytes *
kf_fuzz_bytes (const uint8_t *data,
               size_t         size)
{
  return g_bytes_new (data, size);
}

/* What an API call's answer goes through before its own parser, exactly as
 * in kf-client.c: the HTTP check of a 200 JSON answer, then the envelope.
 * NULL when either refused it (the error is checked and dropped). */
static inline JsonNode *
kf_fuzz_envelope (const uint8_t *data,
                  size_t         size)
{
  g_autoptr(GBytes) body = kf_fuzz_bytes (data, size);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!kf_parse_check_http (200, "application/json", body, &error))
    {
      g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
      return NULL;
    }
  root = kf_parse_envelope (body, &error);
  g_assert ((root == NULL) == (error != NULL));
  if (error != NULL)
    g_assert (g_utf8_validate (error->message, -1, NULL));
  return root;
}

/* A parser's answer: a result or an error with a readable message, never
 * both, never neither. */
#define kf_fuzz_check_result(result, error)                                   \
  G_STMT_START {                                                              \
    g_assert (((result) == NULL) == ((error) != NULL));                       \
    if ((error) != NULL)                                                      \
      g_assert (g_utf8_validate ((error)->message, -1, NULL));                \
  } G_STMT_END

G_END_DECLS
