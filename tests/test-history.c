/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <time.h>
#include <utime.h>

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "kf-history.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kenfiles-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "history.json", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->dir, name, NULL);

      g_unlink (child);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static KfHistoryEntry *
make_entry (const char     *id,
            const char     *name,
            KfHistoryState  state)
{
  KfHistoryEntry *entry = kf_history_entry_new ();

  entry->id = g_strdup (id);
  entry->name = g_strdup (name);
  entry->size = 1234567890123;
  entry->state = state;
  entry->date = g_date_time_new_local (2024, 5, 17, 13, 45, 30);
  if (state == KF_HISTORY_STATE_DONE)
    {
      entry->file_code = g_strdup_printf ("code-%s", id);
      entry->link = g_strdup_printf ("https://kenfiles.com/code-%s", id);
    }
  entry->uri = g_strdup_printf ("file:///home/user/%s", id);
  return entry;
}

static KfHistory *
reload (const char *path)
{
  g_autoptr(GError) error = NULL;
  KfHistory *history = kf_history_new (path, &error);

  g_assert_no_error (error);
  kf_history_load (history, &error);
  g_assert_no_error (error);
  return history;
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(KfHistory) history = NULL;
  g_autoptr(KfHistory) again = NULL;
  g_autoptr(KfHistoryEntry) done = make_entry ("a", "R&D <draft> \"ü\".bin", KF_HISTORY_STATE_DONE);
  g_autoptr(KfHistoryEntry) unfinished = make_entry ("b", "big.iso", KF_HISTORY_STATE_NOT_FINISHED);
  g_autoptr(GError) error = NULL;
  const KfHistoryEntry *entry;
  GStatBuf st;

  history = kf_history_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (kf_history_load (history, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kf_history_get_entries (history)->len, ==, 0);

  kf_history_put (history, done);
  kf_history_put (history, unfinished);
  g_assert_true (kf_history_has_pending (history));
  g_assert_true (kf_history_flush (history, &error));
  g_assert_no_error (error);
  g_assert_false (kf_history_has_pending (history));

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  again = reload (fixture->path);
  g_assert_cmpuint (kf_history_get_entries (again)->len, ==, 2);
  entry = g_ptr_array_index (kf_history_get_entries (again), 0);
  g_assert_cmpstr (entry->id, ==, "a");
  g_assert_cmpstr (entry->name, ==, "R&D <draft> \"ü\".bin");
  g_assert_cmpint (entry->size, ==, 1234567890123);
  g_assert_cmpstr (entry->link, ==, "https://kenfiles.com/code-a");
  g_assert_cmpstr (entry->file_code, ==, "code-a");
  g_assert_cmpint (entry->state, ==, KF_HISTORY_STATE_DONE);
  g_assert_nonnull (entry->date);
  g_assert_true (g_date_time_equal (entry->date, done->date));
  g_assert_cmpstr (entry->uri, ==, "file:///home/user/a");

  entry = kf_history_lookup (again, "b");
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->state, ==, KF_HISTORY_STATE_NOT_FINISHED);
  g_assert_null (entry->link);
  g_assert_cmpstr (entry->uri, ==, "file:///home/user/b");
}

static void
test_replace_and_remove (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(KfHistory) history = reload (fixture->path);
  g_autoptr(KfHistory) again = NULL;
  g_autoptr(GError) error = NULL;
  const KfHistoryEntry *entry;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", i);
      g_autoptr(KfHistoryEntry) e = make_entry (id, id, KF_HISTORY_STATE_NOT_FINISHED);

      kf_history_put (history, e);
    }

  {
    g_autoptr(KfHistoryEntry) e = make_entry ("1", "one, finished", KF_HISTORY_STATE_DONE);

    kf_history_put (history, e);
  }
  g_assert_true (kf_history_remove (history, "3"));
  g_assert_false (kf_history_remove (history, "3"));
  g_assert_true (kf_history_flush (history, &error));
  g_assert_no_error (error);

  again = reload (fixture->path);
  g_assert_cmpuint (kf_history_get_entries (again)->len, ==, 4);
  g_assert_null (kf_history_lookup (again, "3"));
  /* A replaced entry keeps its place. */
  entry = g_ptr_array_index (kf_history_get_entries (again), 1);
  g_assert_cmpstr (entry->id, ==, "1");
  g_assert_cmpstr (entry->name, ==, "one, finished");
  g_assert_cmpint (entry->state, ==, KF_HISTORY_STATE_DONE);
}

static void
test_saved_in_background (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(KfHistory) history = reload (fixture->path);
  g_autoptr(KfHistory) again = NULL;
  gint64 deadline;

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *id = g_strdup_printf ("item-%u", i);
      g_autoptr(KfHistoryEntry) e = make_entry (id, id, i % 2 ? KF_HISTORY_STATE_DONE
                                                                : KF_HISTORY_STATE_NOT_FINISHED);

      kf_history_put (history, e);
      if (i == 250)
        {
          /* Let a write start while more changes arrive. */
          deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
          while (kf_history_has_pending (history) && g_get_monotonic_time () < deadline)
            g_main_context_iteration (NULL, TRUE);
        }
    }
  kf_history_remove (history, "item-7");

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kf_history_has_pending (history))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  again = reload (fixture->path);
  g_assert_cmpuint (kf_history_get_entries (again)->len, ==, 499);
  g_assert_null (kf_history_lookup (again, "item-7"));
  g_assert_nonnull (kf_history_lookup (again, "item-499"));
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (kf_history_load_finish (KF_HISTORY (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_load_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(KfHistory) history = reload (fixture->path);
  g_autoptr(KfHistory) again = NULL;
  g_autoptr(KfHistoryEntry) e = make_entry ("x", "x.txt", KF_HISTORY_STATE_DONE);
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  kf_history_put (history, e);
  g_assert_true (kf_history_flush (history, &error));

  again = kf_history_new (fixture->path, &error);
  g_assert_no_error (error);
  kf_history_load_async (again, NULL, load_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (kf_history_get_entries (again)->len, ==, 1);
  g_assert_cmpstr (kf_history_lookup (again, "x")->name, ==, "x.txt");
}

static void
test_corrupt_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(KfHistory) history = NULL;
  g_autoptr(KfHistory) again = NULL;
  g_autoptr(KfHistoryEntry) e = make_entry ("new", "new.txt", KF_HISTORY_STATE_DONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = g_strconcat (fixture->path, ".corrupt", NULL);
  g_autofree char *kept = NULL;

  g_assert_true (g_file_set_contents (fixture->path, "{\"entries\": [ {\"id\": \"a\",", -1, &error));

  history = kf_history_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (kf_history_load (history, &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* The damaged file is kept aside, not overwritten. */
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "{\"entries\": [ {\"id\": \"a\",");
  g_assert_cmpuint (kf_history_get_entries (history)->len, ==, 0);

  kf_history_put (history, e);
  g_assert_true (kf_history_flush (history, &error));
  g_assert_no_error (error);
  again = reload (fixture->path);
  g_assert_cmpuint (kf_history_get_entries (again)->len, ==, 1);

  /* Entries that make no sense are skipped, the rest kept. */
  g_assert_true (g_file_set_contents (fixture->path,
                                      "{\"version\":1,\"entries\":[{\"name\":\"no id\"},42,"
                                      "{\"id\":\"ok\",\"name\":\"fine.txt\",\"size\":\"12\",\"state\":\"done\"},"
                                      "{\"id\":\"ok\",\"name\":\"duplicate\"}]}", -1, &error));
  g_clear_object (&again);
  again = reload (fixture->path);
  g_assert_cmpuint (kf_history_get_entries (again)->len, ==, 1);
  g_assert_cmpstr (kf_history_lookup (again, "ok")->name, ==, "fine.txt");
}

/* A size is a whole number of bytes: a double that no gint64 holds (the
 * cast would be undefined) is an unknown size, not whatever the CPU makes
 * of it. */
static void
test_sizes_out_of_range (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(KfHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  struct { const char *id; gint64 size; } expected[] = {
    { "huge", -1 }, { "tiny", -1 }, { "two-63", -1 }, { "whole", 12 },
    { "below-two-63", G_GINT64_CONSTANT (9223372036854774784) }, { "int", 7 },
  };

  g_assert_true (g_file_set_contents (fixture->path,
                                      "{\"version\":1,\"entries\":["
                                      "{\"id\":\"huge\",\"size\":1e300},"
                                      "{\"id\":\"tiny\",\"size\":-1e300},"
                                      "{\"id\":\"two-63\",\"size\":9223372036854775808.0},"
                                      "{\"id\":\"whole\",\"size\":12.0},"
                                      "{\"id\":\"below-two-63\",\"size\":9223372036854774784.0},"
                                      "{\"id\":\"int\",\"size\":7}]}", -1, &error));
  history = reload (fixture->path);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const KfHistoryEntry *entry = kf_history_lookup (history, expected[i].id);

      g_assert_nonnull (entry);
      g_assert_cmpint (entry->size, ==, expected[i].size);
    }
}

static void
test_deep_nesting (Fixture       *fixture,
                   gconstpointer  data)
{
  /* 100,000 levels overflowed json-glib's stack: now a damaged file. */
  g_autoptr(GString) text = g_string_new ("{\"entries\":");
  g_autoptr(KfHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = g_strconcat (fixture->path, ".corrupt", NULL);
  g_autofree char *kept = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "[{\"a\":");
  g_assert_true (g_file_set_contents (fixture->path, text->str, -1, &error));

  history = kf_history_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (kf_history_load (history, &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_assert_cmpuint (kf_history_get_entries (history)->len, ==, 0);
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, text->str);
}

static void
set_age (const char *path,
         gint64      seconds)
{
  struct utimbuf times;

  times.actime = times.modtime = time (NULL) - seconds;
  g_assert_cmpint (utime (path, &times), ==, 0);
}

static void
test_files_beside (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *users[] = { "history.json.backup", "history.json.old123", "history.json.2024ab" };
  g_autofree char *stale = g_build_filename (fixture->dir, ".kenfiles-tmp-history.json.Ab12Cd", NULL);
  g_autofree char *fresh = g_build_filename (fixture->dir, ".kenfiles-tmp-history.json.Ef34Gh", NULL);
  g_autofree char *aside = g_strconcat (fixture->path, ".corrupt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfHistory) history = NULL;
  g_autoptr(KfHistory) second = NULL;
  g_autoptr(KfHistoryEntry) e = make_entry ("a", "a.txt", KF_HISTORY_STATE_DONE);
  g_autofree char *kept = NULL;
  guint n_corrupt = 0;

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, users[i], NULL);

      g_assert_true (g_file_set_contents (path, users[i], -1, &error));
      set_age (path, 24 * 3600);
    }
  g_assert_true (g_file_set_contents (stale, "{", -1, &error));
  set_age (stale, 2 * 3600);
  /* A save of a moment ago may still be running: not ours to remove. */
  g_assert_true (g_file_set_contents (fresh, "{", -1, &error));

  history = kf_history_new (fixture->path, &error);
  g_assert_true (kf_history_load (history, &error));
  kf_history_put (history, e);
  g_assert_true (kf_history_flush (history, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, users[i], NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, users[i]);
    }
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));

  /* Two damaged files in turn: the first kept aside is not overwritten by the second. */
  g_assert_true (g_file_set_contents (aside, "first damaged", -1, &error));
  g_assert_true (g_file_set_contents (fixture->path, "second damaged", -1, &error));
  second = kf_history_new (fixture->path, &error);
  g_assert_false (kf_history_load (second, &error));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (aside, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "first damaged");
  {
    g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, "history.json.corrupt-"))
        {
          g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
          g_autofree char *contents = NULL;

          g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
          g_assert_cmpstr (contents, ==, "second damaged");
          n_corrupt++;
        }
  }
  g_assert_cmpuint (n_corrupt, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/history/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/history/replace-remove", Fixture, NULL, fixture_setup, test_replace_and_remove, fixture_teardown);
  g_test_add ("/history/background", Fixture, NULL, fixture_setup, test_saved_in_background, fixture_teardown);
  g_test_add ("/history/load-async", Fixture, NULL, fixture_setup, test_load_async, fixture_teardown);
  g_test_add ("/history/files-beside", Fixture, NULL, fixture_setup, test_files_beside, fixture_teardown);
  g_test_add ("/history/corrupt", Fixture, NULL, fixture_setup, test_corrupt_file, fixture_teardown);
  g_test_add ("/history/sizes-out-of-range", Fixture, NULL, fixture_setup, test_sizes_out_of_range, fixture_teardown);
  g_test_add ("/history/deep-nesting", Fixture, NULL, fixture_setup, test_deep_nesting, fixture_teardown);

  return g_test_run ();
}
