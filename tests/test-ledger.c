/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kf-ledger.h"

static const char *self_path;

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kf-ledger-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "vouchers.json", NULL);
}

static void
remove_tree (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir_path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }

  g_assert_cmpint (g_rmdir (dir_path), ==, 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* Parses with an independent reader, not with the ledger's own loader. */
static JsonArray *
assert_valid_ledger_json (const char *path,
                          guint       expected_count)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *vouchers;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  vouchers = json_object_get_array_member (root, "vouchers");
  g_assert_nonnull (vouchers);
  g_assert_cmpuint (json_array_get_length (vouchers), ==, expected_count);

  return json_array_ref (vouchers);
}

static void
assert_mode_0600 (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
}

static void
test_missing_is_empty (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  entries = kf_ledger_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_append_and_load (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonArray) json = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_local ();
  g_autoptr(GDateTime) after = NULL;
  KfVoucherEntry *entry;

  g_assert_true (kf_ledger_append (fixture->path, "30p", "code0000aaaa", &error));
  g_assert_no_error (error);
  assert_mode_0600 (fixture->path);
  json = assert_valid_ledger_json (fixture->path, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json, 0), "code"),
                   ==, "code0000aaaa");
  g_clear_pointer (&json, json_array_unref);

  g_assert_true (kf_ledger_append (fixture->path, "50t", "code1111bbbb", &error));
  g_assert_no_error (error);
  assert_mode_0600 (fixture->path);
  json = assert_valid_ledger_json (fixture->path, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json, 1), "plan"),
                   ==, "50t");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (json, 1), "given"));

  after = g_date_time_new_now_local ();

  entries = kf_ledger_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);

  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->code, ==, "code0000aaaa");
  g_assert_cmpstr (entry->plan, ==, "30p");
  g_assert_false (entry->given);
  g_assert_nonnull (entry->created);
  /* ISO 8601 keeps whole seconds at least. */
  g_assert_cmpint (g_date_time_to_unix (entry->created), >=, g_date_time_to_unix (before));
  g_assert_cmpint (g_date_time_to_unix (entry->created), <=, g_date_time_to_unix (after));

  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (entry->code, ==, "code1111bbbb");
  g_assert_cmpstr (entry->plan, ==, "50t");
}

static void
test_wide_mode_narrowed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (fixture->path, "{\"vouchers\":[]}", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (fixture->path, 0644), ==, 0);

  g_assert_true (kf_ledger_append (fixture->path, "30p", "narrow", &error));
  g_assert_no_error (error);
  assert_mode_0600 (fixture->path);
}

static void
test_set_given (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonArray) json = NULL;

  g_assert_true (kf_ledger_append (fixture->path, "30p", "first", &error));
  g_assert_true (kf_ledger_append (fixture->path, "90p", "second", &error));
  g_assert_no_error (error);

  g_assert_true (kf_ledger_set_given (fixture->path, "second", TRUE, &error));
  g_assert_no_error (error);
  assert_mode_0600 (fixture->path);
  json = assert_valid_ledger_json (fixture->path, 2);
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (json, 0), "given"));
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (json, 1), "given"));

  entries = kf_ledger_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (((KfVoucherEntry *) g_ptr_array_index (entries, 0))->given);
  g_assert_true (((KfVoucherEntry *) g_ptr_array_index (entries, 1))->given);
  g_clear_pointer (&entries, g_ptr_array_unref);

  g_assert_true (kf_ledger_set_given (fixture->path, "second", FALSE, &error));
  g_assert_no_error (error);
  entries = kf_ledger_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (((KfVoucherEntry *) g_ptr_array_index (entries, 1))->given);

  g_assert_false (kf_ledger_set_given (fixture->path, "nope", TRUE, &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND);
}

static void
test_unknown_fields_kept (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) json = NULL;
  const char *newer =
    "{\"version\":2,\"vouchers\":[{\"code\":\"old\",\"plan\":\"30p\","
    "\"created\":\"2024-01-02T03:04:05+01:00\",\"given\":true,\"note\":\"for Ann\"}]}";

  g_assert_true (g_file_set_contents (fixture->path, newer, -1, &error));
  g_assert_no_error (error);

  g_assert_true (kf_ledger_append (fixture->path, "30p", "new", &error));
  g_assert_no_error (error);

  /* A newer app's fields survive an older writer. */
  json = assert_valid_ledger_json (fixture->path, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json, 0), "note"),
                   ==, "for Ann");
}

static void
test_csv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kf_voucher_entry_free);
  g_autofree char *csv = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  KfVoucherEntry *entry;

  entry = g_new0 (KfVoucherEntry, 1);
  entry->code = g_strdup ("plaincode");
  entry->plan = g_strdup ("30p");
  entry->created = g_date_time_new (utc, 2024, 5, 6, 7, 8, 9);
  entry->given = TRUE;
  g_ptr_array_add (entries, entry);

  entry = g_new0 (KfVoucherEntry, 1);
  entry->code = g_strdup ("a,b \"c\"\nd");
  entry->plan = g_strdup (" spaced");
  entry->created = g_date_time_new (utc, 2024, 5, 6, 7, 8, 9);
  g_ptr_array_add (entries, entry);

  entry = g_new0 (KfVoucherEntry, 1);
  entry->code = g_strdup ("=HYPERLINK(\"x\")");
  entry->plan = g_strdup ("+1");
  entry->created = g_date_time_new (utc, 2024, 5, 6, 7, 8, 9);
  g_ptr_array_add (entries, entry);

  csv = kf_ledger_to_csv (entries);
  expected = g_strconcat ("created,plan,code,given\r\n",
                          "2024-05-06T07:08:09Z,30p,plaincode,yes\r\n",
                          "2024-05-06T07:08:09Z,\" spaced\",\"a,b \"\"c\"\"\nd\",no\r\n",
                          "2024-05-06T07:08:09Z,'+1,\"'=HYPERLINK(\"\"x\"\")\",no\r\n",
                          NULL);
  g_assert_cmpstr (csv, ==, expected);
}

static void
test_deep_nesting (Fixture       *fixture,
                   gconstpointer  data)
{
  /* 100,000 levels overflowed json-glib's stack: now a damaged file. */
  g_autoptr(GString) text = g_string_new ("{\"vouchers\":");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *after = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  g_assert_true (g_file_set_contents (fixture->path, text->str, -1, &error));

  entries = kf_ledger_load (fixture->path, &error);
  g_assert_null (entries);
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "nested more deeply than 64 levels"));
  g_clear_error (&error);

  g_assert_false (kf_ledger_append (fixture->path, "30p", "never", &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_assert_true (g_file_get_contents (fixture->path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, text->str);
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  const char *bad[] = {
    "{\"vouchers\":[{\"code\":\"x\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"}",
    "",
    "[]",
    "{\"vouchers\":{}}",
    "{\"vouchers\":[{\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"}]}",
    "{\"vouchers\":[{\"code\":\"x\",\"plan\":\"30p\",\"created\":\"yesterday\"}]}",
    "{\"vouchers\":[{\"code\":\"x\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"},7]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      g_autofree char *after = NULL;

      g_assert_true (g_file_set_contents (fixture->path, bad[i], -1, &error));
      g_assert_no_error (error);

      entries = kf_ledger_load (fixture->path, &error);
      g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
      g_assert_null (entries);
      g_clear_error (&error);

      g_assert_false (kf_ledger_append (fixture->path, "30p", "never", &error));
      g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
      g_clear_error (&error);

      g_assert_false (kf_ledger_set_given (fixture->path, "x", TRUE, &error));
      g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
      g_clear_error (&error);

      g_assert_true (g_file_get_contents (fixture->path, &after, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (after, ==, bad[i]);
    }
}

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} AsyncWait;

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncWait wait = { loop, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  kf_ledger_append_async (fixture->path, "365p", "asynccode", NULL, async_done, &wait);
  g_main_loop_run (loop);
  g_assert_true (kf_ledger_append_finish (wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  assert_mode_0600 (fixture->path);

  kf_ledger_set_given_async (fixture->path, "asynccode", TRUE, NULL, async_done, &wait);
  g_main_loop_run (loop);
  g_assert_true (kf_ledger_set_given_finish (wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  kf_ledger_load_async (fixture->path, NULL, async_done, &wait);
  g_main_loop_run (loop);
  entries = kf_ledger_load_finish (wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((KfVoucherEntry *) g_ptr_array_index (entries, 0))->code, ==, "asynccode");
  g_assert_true (((KfVoucherEntry *) g_ptr_array_index (entries, 0))->given);
}

static void
test_default_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = kf_ledger_get_default_path (&error);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "kenfiles", "vouchers.json", NULL);
  g_autofree char *dir = g_path_get_dirname (expected);
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_write_file (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "plain.txt", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (kf_store_write_file (path, "a\0b", 3, &error));
  g_assert_no_error (error);
  assert_mode_0600 (path);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpmem (contents, length, "a\0b", 3);
  g_clear_pointer (&contents, g_free);

  g_assert_true (kf_store_write_file (path, "second", -1, &error));
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpstr (contents, ==, "second");
  g_clear_pointer (&contents, g_free);

  g_assert_false (kf_store_write_file ("/nonexistent-dir/x/y", "z", -1, &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO);
}

/* Child mode: append codes forever, reporting each one on stdout only once
 * kf_ledger_append has returned. The parent kills it at a random moment. */
static int
run_append_child (const char *path,
                  const char *prefix)
{
  for (guint i = 0; ; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = g_strdup_printf ("%s-%u", prefix, i);

      if (!kf_ledger_append (path, "30p", code, &error))
        {
          g_printerr ("append failed: %s\n", error->message);
          return 1;
        }
      g_print ("%s\n", code);
      fflush (stdout);
    }
}

static void
test_crash_safety (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GHashTable) confirmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_iterations = g_test_slow () ? 200 : 50;
  guint killed_mid_run = 0;

  for (guint iteration = 0; iteration < n_iterations; iteration++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *prefix = g_strdup_printf ("it%u", iteration);
      g_autofree char *first = NULL;
      g_autofree char *rest = NULL;
      g_autoptr(GString) output = g_string_new (NULL);
      g_autoptr(GIOChannel) channel = NULL;
      g_auto(GStrv) lines = NULL;
      const char *argv[] = { self_path, "--append-child", fixture->path, prefix, NULL };
      GPid pid;
      int out_fd;
      int status;
      gsize length;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                               G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);
      channel = g_io_channel_unix_new (out_fd);
      g_io_channel_set_close_on_unref (channel, TRUE);

      /* Wait for the child's first confirmed code, however long it takes to
       * start (a sanitizer build starts slowly), then kill it at a random
       * moment of the appends that follow. */
      g_assert_cmpint (g_io_channel_read_line (channel, &first, NULL, NULL, &error),
                       ==, G_IO_STATUS_NORMAL);
      g_assert_no_error (error);
      g_string_append (output, first);
      g_usleep (g_test_rand_int_range (0, 30000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      if (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL)
        killed_mid_run++;
      else
        g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

      g_assert_cmpint (g_io_channel_read_to_end (channel, &rest, &length, &error), ==, G_IO_STATUS_NORMAL);
      g_assert_no_error (error);
      g_string_append_len (output, rest, length);

      /* A code is only confirmed once its whole line arrived. */
      lines = g_strsplit (output->str, "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        g_hash_table_add (confirmed, g_strdup (lines[i]));

      if (g_file_test (fixture->path, G_FILE_TEST_EXISTS))
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          g_assert_true (json_parser_load_from_file (parser, fixture->path, &error));
          g_assert_no_error (error);
          assert_mode_0600 (fixture->path);
        }

      entries = kf_ledger_load (fixture->path, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < entries->len; i++)
        g_hash_table_add (present, ((KfVoucherEntry *) g_ptr_array_index (entries, i))->code);

      {
        GHashTableIter iter;
        const char *code;

        g_hash_table_iter_init (&iter, confirmed);
        while (g_hash_table_iter_next (&iter, (gpointer *) &code, NULL))
          if (!g_hash_table_contains (present, code))
            g_error ("Code %s was confirmed but is missing after a crash", code);
      }
    }

  g_test_message ("%u confirmed codes, %u children killed mid-run",
                  g_hash_table_size (confirmed), killed_mid_run);
  g_assert_cmpuint (killed_mid_run, ==, n_iterations);

  /* Killed writers leave temporary files; the next append sweeps them. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *name;
    guint n_files = 0;

    g_assert_true (kf_ledger_append (fixture->path, "30p", "final", &error));
    g_assert_no_error (error);
    dir = g_dir_open (fixture->dir, 0, &error);
    g_assert_no_error (error);
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_assert_true (g_str_equal (name, "vouchers.json") || g_str_equal (name, "vouchers.json.lock"));
        n_files++;
      }
    g_assert_cmpuint (n_files, ==, 2);
  }
  /* Every child confirmed a code before it was killed, so the check above
   * had work to do in every iteration. */
  g_assert_cmpuint (g_hash_table_size (confirmed), >=, n_iterations);
}

static void
test_duplicate_key (Fixture       *fixture,
                    gconstpointer  data)
{
  /* json-glib 1.6 keeps the last "vouchers" list: the first would be lost on the next write. */
  const char *cases[] = {
    "{\"vouchers\":[{\"code\":\"FIRST\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"}],\"vouchers\":[]}",
    "{\"vouchers\":[{\"code\":\"A\",\"code\":\"B\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"}]}",
    "{\"vouchers\":[],\"vouch\\u0065rs\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      g_autofree char *after = NULL;

      g_assert_true (g_file_set_contents (fixture->path, cases[i], -1, &error));
      entries = kf_ledger_load (fixture->path, &error);
      g_assert_null (entries);
      g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "appears twice"));
      g_assert_nonnull (strstr (error->message, fixture->path));
      g_clear_error (&error);

      g_assert_false (kf_ledger_append (fixture->path, "30p", "never", &error));
      g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
      g_assert_true (g_file_get_contents (fixture->path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, cases[i]);
    }

  /* Equal keys in different objects are fine. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = NULL;

    g_assert_true (g_file_set_contents (fixture->path,
                                        "{\"vouchers\":[{\"code\":\"A\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"},"
                                        "{\"code\":\"B\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"}]}", -1, &error));
    entries = kf_ledger_load (fixture->path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 2);
  }
}

static void
test_user_files_kept (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *names[] = { "vouchers.json.backup", "vouchers.json.old123", "vouchers.json.2024ab",
                          ".kenfiles-tmp-vouchers.json.backup1", ".kenfiles-tmp-history.json.abc123" };
  g_autofree char *ours = g_build_filename (fixture->dir, ".kenfiles-tmp-vouchers.json.Zz09aB", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);

      g_assert_true (g_file_set_contents (path, names[i], -1, &error));
    }
  g_assert_true (g_file_set_contents (ours, "{", -1, &error));

  g_assert_true (kf_ledger_append (fixture->path, "30p", "code1", &error));
  g_assert_no_error (error);

  /* Only our own temp file of this ledger went. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
      g_assert_cmpstr (contents, ==, names[i]);
    }
  g_assert_false (g_file_test (ours, G_FILE_TEST_EXISTS));
  g_assert_true (kf_store_is_temp_name (".kenfiles-tmp-vouchers.json.Zz09aB", "vouchers.json"));
  g_assert_false (kf_store_is_temp_name ("vouchers.json.Zz09aB", "vouchers.json"));
}

static KfVoucherEntry *
load_one (Fixture *fixture,
          guint    index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kf_ledger_load (fixture->path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (index, <, entries->len);
  return g_ptr_array_steal_index (entries, index);
}

static void
test_write_ahead (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfLedgerLock) lock = NULL;
  g_autoptr(KfVoucherEntry) entry = NULL;
  g_autofree char *id = NULL;
  g_autofree char *failed_id = NULL;
  gint64 last_change = -1;

  lock = kf_ledger_lock (fixture->path, &error);
  g_assert_no_error (error);
  id = kf_ledger_add_pending (lock, "90p", "https://kenfiles.com", &last_change, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_cmpint (last_change, ==, 0);
  assert_mode_0600 (fixture->path);

  /* On disk at once; shown as being bought while the lock is held. */
  entry = load_one (fixture, 0);
  g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_PENDING);
  g_assert_cmpstr (entry->id, ==, id);
  g_assert_cmpstr (entry->plan, ==, "90p");
  g_assert_cmpstr (entry->server, ==, "https://kenfiles.com");
  g_assert_null (entry->code);
  g_assert_true (entry->in_progress);
  g_assert_false (kf_voucher_entry_is_uncertain (entry));
  g_clear_pointer (&entry, kf_voucher_entry_free);

  /* A crash here: the lock goes with the process, the record stays, uncertain. */
  g_clear_pointer (&lock, kf_ledger_unlock);
  entry = load_one (fixture, 0);
  g_assert_true (kf_voucher_entry_is_uncertain (entry));
  g_clear_pointer (&entry, kf_voucher_entry_free);

  lock = kf_ledger_lock (fixture->path, &error);
  g_assert_true (kf_ledger_complete (lock, id, "CODE0001", &error));
  g_assert_no_error (error);
  /* Only once. */
  g_assert_false (kf_ledger_complete (lock, id, "CODE0002", &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  failed_id = kf_ledger_add_pending (lock, "30p", NULL, &last_change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (last_change, >, 0);
  g_assert_true (kf_ledger_fail (lock, failed_id, "Not enough money", &error));
  g_assert_no_error (error);
  g_clear_pointer (&lock, kf_ledger_unlock);

  entry = load_one (fixture, 0);
  g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_BOUGHT);
  g_assert_cmpstr (entry->code, ==, "CODE0001");
  g_clear_pointer (&entry, kf_voucher_entry_free);
  entry = load_one (fixture, 1);
  g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_FAILED);
  g_assert_cmpstr (entry->error, ==, "Not enough money");
  g_assert_null (entry->code);
  g_clear_pointer (&entry, kf_voucher_entry_free);

  /* Resolving: only a pending record, and it is kept. */
  g_assert_false (kf_ledger_resolve (fixture->path, id, &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  lock = kf_ledger_lock (fixture->path, &error);
  g_free (id);
  id = kf_ledger_add_pending (lock, "365p", NULL, NULL, &error);
  g_clear_pointer (&lock, kf_ledger_unlock);
  g_assert_true (kf_ledger_resolve (fixture->path, id, &error));
  g_assert_no_error (error);
  entry = load_one (fixture, 2);
  g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_RESOLVED);
  g_assert_false (kf_voucher_entry_is_uncertain (entry));

  /* The CSV holds the bought code only. */
  {
    g_autoptr(GPtrArray) entries = kf_ledger_load (fixture->path, &error);
    g_autofree char *csv = kf_ledger_to_csv (entries);
    g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);

    g_assert_cmpuint (entries->len, ==, 3);
    g_assert_nonnull (strstr (csv, "CODE0001"));
    /* Header, one voucher, and the empty piece after the last line end. */
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
  }
}

static void
test_record_charge (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfLedgerLock) lock = NULL;
  g_autoptr(KfVoucherEntry) entry = NULL;
  g_autofree char *id = NULL;
  gint64 since;
  gboolean recorded = FALSE;

  lock = kf_ledger_lock (fixture->path, &error);
  id = kf_ledger_add_pending (lock, "90b", NULL, NULL, &error);
  since = g_get_real_time ();
  g_assert_true (kf_ledger_complete (lock, id, "PRICED", &error));
  g_clear_pointer (&lock, kf_ledger_unlock);

  g_assert_true (kf_ledger_record_charge (fixture->path, id, 100.0, 80.0, since, &recorded, &error));
  g_assert_no_error (error);
  g_assert_true (recorded);
  entry = load_one (fixture, 0);
  g_assert_true (entry->charge_known);
  g_assert_cmpfloat (entry->charged, ==, 20.0);
  g_clear_pointer (&entry, kf_voucher_entry_free);

  /* Another purchase came between: its price would be counted too, so nothing is recorded. */
  g_assert_true (kf_ledger_append (fixture->path, "30p", "OTHER", &error));
  g_assert_true (kf_ledger_record_charge (fixture->path, id, 100.0, 72.0, since, &recorded, &error));
  g_assert_no_error (error);
  g_assert_false (recorded);
  entry = load_one (fixture, 0);
  g_assert_cmpfloat (entry->charged, ==, 20.0);
}

/* Balances are read from our own file: a difference too large for whole
 * cents is kept as it is (rounding it through gint64 was undefined), one
 * that is not finite is no known charge. */
static void
test_charge_out_of_range (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KfVoucherEntry *entry;

  g_assert_true (g_file_set_contents (fixture->path,
                                      "{\"vouchers\":["
                                      "{\"code\":\"A\",\"plan\":\"30p\",\"created\":\"2026-01-01T00:00:00Z\","
                                      "\"balance_before\":1e300,\"balance_after\":-1e300},"
                                      "{\"code\":\"B\",\"plan\":\"30p\",\"created\":\"2026-01-01T00:00:00Z\","
                                      "\"balance_before\":1.7e308,\"balance_after\":-1.7e308},"
                                      "{\"code\":\"C\",\"plan\":\"30p\",\"created\":\"2026-01-01T00:00:00Z\","
                                      "\"balance_before\":30.10,\"balance_after\":10.05}]}", -1, &error));
  entries = kf_ledger_load (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);

  entry = g_ptr_array_index (entries, 0);
  g_assert_true (entry->charge_known);
  g_assert_cmpfloat (entry->charged, ==, 2e300);
  entry = g_ptr_array_index (entries, 1);
  g_assert_false (entry->charge_known);
  entry = g_ptr_array_index (entries, 2);
  g_assert_true (entry->charge_known);
  g_assert_cmpfloat (entry->charged, ==, 20.05);
}

static void
test_move_aside (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *damaged = "{\"vouchers\": [{\"code\":\"LOSTCODE\"";
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;

  /* A healthy (or missing) ledger is never moved. */
  g_assert_null (kf_ledger_move_aside (fixture->path, &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (kf_ledger_append (fixture->path, "30p", "GOOD", &error));
  g_assert_null (kf_ledger_move_aside (fixture->path, &error));
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (fixture->path, damaged, -1, &error));
  moved = kf_ledger_move_aside (fixture->path, &error);
  g_assert_no_error (error);
  base = g_path_get_basename (moved);
  g_assert_true (g_str_has_prefix (base, "vouchers.json.damaged-"));
  g_assert_true (g_file_get_contents (moved, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, damaged);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));

  /* A new list starts, and the kept one is never touched by it. */
  g_assert_true (kf_ledger_append (fixture->path, "30p", "FRESH", &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (moved, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, damaged);
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GStatBuf st;
  int fd;

  /* Sparse: 9 MiB without writing them. */
  fd = g_open (fixture->path, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 9 * 1024 * 1024), ==, 0);
  close (fd);

  entries = kf_ledger_load (fixture->path, &error);
  g_assert_null (entries);
  g_assert_error (error, KF_STORE_ERROR, KF_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_clear_error (&error);
  g_assert_false (kf_ledger_append (fixture->path, "30p", "never", &error));
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 9 * 1024 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--append-child"))
    return run_append_child (argv[2], argv[3]);

  self_path = argv[0];
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/ledger/missing-is-empty", Fixture, NULL, fixture_setup, test_missing_is_empty, fixture_teardown);
  g_test_add ("/ledger/append-and-load", Fixture, NULL, fixture_setup, test_append_and_load, fixture_teardown);
  g_test_add ("/ledger/wide-mode-narrowed", Fixture, NULL, fixture_setup, test_wide_mode_narrowed, fixture_teardown);
  g_test_add ("/ledger/set-given", Fixture, NULL, fixture_setup, test_set_given, fixture_teardown);
  g_test_add ("/ledger/unknown-fields-kept", Fixture, NULL, fixture_setup, test_unknown_fields_kept, fixture_teardown);
  g_test_add ("/ledger/csv", Fixture, NULL, fixture_setup, test_csv, fixture_teardown);
  g_test_add ("/ledger/corrupt", Fixture, NULL, fixture_setup, test_corrupt, fixture_teardown);
  g_test_add ("/ledger/deep-nesting", Fixture, NULL, fixture_setup, test_deep_nesting, fixture_teardown);
  g_test_add ("/ledger/crash-safety", Fixture, NULL, fixture_setup, test_crash_safety, fixture_teardown);
  g_test_add ("/ledger/duplicate-key", Fixture, NULL, fixture_setup, test_duplicate_key, fixture_teardown);
  g_test_add ("/ledger/user-files-kept", Fixture, NULL, fixture_setup, test_user_files_kept, fixture_teardown);
  g_test_add ("/ledger/write-ahead", Fixture, NULL, fixture_setup, test_write_ahead, fixture_teardown);
  g_test_add ("/ledger/record-charge", Fixture, NULL, fixture_setup, test_record_charge, fixture_teardown);
  g_test_add ("/ledger/charge-out-of-range", Fixture, NULL, fixture_setup, test_charge_out_of_range, fixture_teardown);
  g_test_add ("/ledger/move-aside", Fixture, NULL, fixture_setup, test_move_aside, fixture_teardown);
  g_test_add ("/ledger/too-large", Fixture, NULL, fixture_setup, test_too_large, fixture_teardown);
  g_test_add ("/ledger/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add ("/store/write-file", Fixture, NULL, fixture_setup, test_write_file, fixture_teardown);
  g_test_add_func ("/store/default-path", test_default_path);

  return g_test_run ();
}
