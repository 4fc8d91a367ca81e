/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The purchase workflow end to end: `kenfiles voucher` processes and the
 * workflow itself against the sandbox over loopback, real files, real
 * kills. What the sandbox issued and received is the truth checked. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kf-ledger.h"
#include "kf-sandbox.h"
#include "kf-test-sandbox.h"
#include "kf-test-util.h"
#include "kf-voucher-purchase.h"

#define CREATE "/api/reseller/create"

typedef struct {
  KfSandbox *sandbox;
  KfClient  *client;
  char      *data_home;  /* the children's XDG_DATA_HOME */
  char      *data_dir;   /* $XDG_DATA_HOME/kenfiles, as the command line uses it */
  char      *ledger;
} Fixture;

static void
remove_tree (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir_path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir_path);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->sandbox = kf_test_sandbox_start ();
  kf_sandbox_set_balance (fixture->sandbox, 1e9);
  fixture->client = kf_test_client_new (fixture->sandbox);
  fixture->data_home = g_dir_make_tmp ("kf-purchase-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->data_dir = g_build_filename (fixture->data_home, "kenfiles", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);
  fixture->ledger = g_build_filename (fixture->data_dir, "vouchers.json", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->client);
  kf_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
  remove_tree (fixture->data_home);
  g_free (fixture->data_home);
  g_free (fixture->data_dir);
  g_free (fixture->ledger);
}

static guint
n_creates (Fixture *fixture)
{
  return kf_sandbox_count_requests (fixture->sandbox, CREATE);
}

static GSubprocessLauncher *
cli_launcher (Fixture *fixture,
              const char *server)
{
  GSubprocessLauncher *launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                               G_SUBPROCESS_FLAGS_STDIN_INHERIT);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_SERVER",
                                server != NULL ? server : kf_sandbox_get_url (fixture->sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "KENFILES_API_KEY", kf_sandbox_get_api_key (fixture->sandbox), TRUE);
  /* Set on purpose, so that no keyring is asked. */
  g_subprocess_launcher_setenv (launcher, "KENFILES_RESELLER_KEY", kf_sandbox_get_api_key (fixture->sandbox), TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (g_getenv ("KF_TEST_CHILD_DEBUG") == NULL)
    g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  return launcher;
}

static GSubprocess *
spawn_cli (Fixture     *fixture,
           const char  *server,
           const char **args)
{
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher (fixture, server);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  g_ptr_array_add (argv, (char *) g_getenv ("KENFILES_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return child;
}

typedef struct {
  gboolean   done;
  char     **out;
  char     **err;
  GError   **error;
} CommunicateWait;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CommunicateWait *wait = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, wait->out, wait->err, wait->error);
  wait->done = TRUE;
}

/* Runs `kenfiles ARGS…` to the end; returns its exit status. */
static int
run_cli (Fixture     *fixture,
         const char  *server,
         char       **out,
         char       **err,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  child = spawn_cli (fixture, server, (const char **) args->pdata);
  /* The main context keeps running: a test server may live on it. */
  {
    CommunicateWait wait = { FALSE, &out_text, &err_text, &error };

    g_subprocess_communicate_utf8_async (child, NULL, NULL, communicate_cb, &wait);
    kf_test_wait_for (&wait.done, 120);
  }
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&out_text);
  if (err != NULL)
    *err = g_steal_pointer (&err_text);
  return g_subprocess_get_exit_status (child);
}

static GPtrArray *
load_ledger (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kf_ledger_load (fixture->ledger, &error);

  g_assert_no_error (error);
  return entries;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

/* --- Nothing is bought when the ledger cannot take the pending record ----- */

typedef struct {
  gboolean           done;
  KfVoucherPurchase *purchase;
  GError            *error;
} PurchaseWait;

static void
purchase_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PurchaseWait *wait = user_data;

  wait->purchase = kf_voucher_purchase_finish (result, &wait->error);
  wait->done = TRUE;
}

/* Both the command line and the workflow refuse before sending anything,
 * leave the file as it was, and name it. */
static void
assert_refused (Fixture    *fixture,
                const char *what)
{
  g_autofree char *before = g_file_test (fixture->ledger, G_FILE_TEST_EXISTS) ? read_file (fixture->ledger) : NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *display = g_filename_display_name (fixture->ledger);
  g_autofree char *ledger_dir = g_path_get_dirname (fixture->ledger);
  PurchaseWait wait = { 0 };
  guint creates = n_creates (fixture);
  double balance = kf_sandbox_get_balance (fixture->sandbox);
  int status;

  g_test_message ("%s", what);
  status = run_cli (fixture, NULL, &out, &err, "voucher", "--yes", "30p", NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "Nothing was bought"));
  /* The file, or for a folder we cannot write, the lock file in it. */
  g_assert_true (strstr (err, display) != NULL || strstr (err, ledger_dir) != NULL);
  g_assert_cmpuint (n_creates (fixture), ==, creates);

  kf_voucher_purchase_async (fixture->client, fixture->ledger, "30p", NULL, NULL, purchase_done_cb, &wait);
  kf_test_wait_for (&wait.done, 30);
  g_assert_null (wait.purchase);
  g_assert_true (wait.error->domain == KF_STORE_ERROR);
  g_assert_true (strstr (wait.error->message, display) != NULL || strstr (wait.error->message, ledger_dir) != NULL);
  g_clear_error (&wait.error);

  /* Zero requests reached reseller/create, no money moved, the file is untouched. */
  g_assert_cmpuint (n_creates (fixture), ==, creates);
  g_assert_cmpfloat (kf_sandbox_get_balance (fixture->sandbox), ==, balance);
  if (before != NULL)
    {
      g_autofree char *after = read_file (fixture->ledger);

      g_assert_cmpstr (after, ==, before);
    }
}

static void
test_damaged_ledger_buys_nothing (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GString) nested = g_string_new ("{\"vouchers\":");
  g_autoptr(GError) error = NULL;
  const char *valid = "{\"vouchers\":[{\"code\":\"KEEPME\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"}]}";
  g_autofree char *duplicate = NULL;

  g_assert_true (g_file_set_contents (fixture->ledger, "{\"vouchers\": [", -1, &error));
  assert_refused (fixture, "corrupt");

  /* 30,000 levels: json-glib 1.6 recursed once per level. */
  for (guint i = 0; i < 30000; i++)
    g_string_append_c (nested, '[');
  for (guint i = 0; i < 30000; i++)
    g_string_append_c (nested, ']');
  g_string_append_c (nested, '}');
  g_assert_true (g_file_set_contents (fixture->ledger, nested->str, nested->len, &error));
  assert_refused (fixture, "nested 30,000 levels");

  /* json-glib keeps the second list only: the first would vanish on the next write. */
  duplicate = g_strdup_printf ("{\"vouchers\":[{\"code\":\"FIRST\",\"plan\":\"30p\",\"created\":\"2024-01-01T00:00:00Z\"}],"
                               "\"vouchers\":[]}");
  g_assert_true (g_file_set_contents (fixture->ledger, duplicate, -1, &error));
  assert_refused (fixture, "duplicate key");

  g_assert_true (g_file_set_contents (fixture->ledger, valid, -1, &error));
  g_assert_cmpint (g_chmod (fixture->ledger, 0), ==, 0);
  if (access (fixture->ledger, R_OK) != 0)
    assert_refused (fixture, "unreadable");
  g_assert_cmpint (g_chmod (fixture->ledger, 0600), ==, 0);
}

static gboolean
run_as_root (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* The data folder on a small tmpfs of our own, so it can be made full or
 * read-only for real. */
static gboolean
mount_data_dir (Fixture    *fixture,
                const char *size)
{
  g_autofree char *option = g_strdup_printf ("size=%s,mode=0700", size);

  if (getuid () != 0)
    {
      g_test_skip ("needs root to mount a tmpfs");
      return FALSE;
    }
  if (!run_as_root ("mount", "-t", "tmpfs", "-o", option, "kf-test", fixture->data_dir, NULL))
    {
      g_test_skip ("cannot mount a tmpfs here");
      return FALSE;
    }
  return TRUE;
}

static void
test_full_disk_buys_nothing (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *block = g_malloc0 (4096);
  int fd;

  if (!mount_data_dir (fixture, "256k"))
    return;

  /* A ledger with one code, its lock file, then not one byte left. */
  g_assert_true (kf_ledger_append (fixture->ledger, "30p", "KEEPME", &error));
  g_assert_no_error (error);
  filler = g_build_filename (fixture->data_dir, "filler", NULL);
  fd = g_open (filler, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, 4096) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  while (write (fd, block, 1) > 0)
    ;
  close (fd);

  assert_refused (fixture, "full disk");
  g_assert_true (run_as_root ("umount", fixture->data_dir, NULL));
}

static void
test_read_only_folder_buys_nothing (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!mount_data_dir (fixture, "1m"))
    return;

  g_assert_true (kf_ledger_append (fixture->ledger, "30p", "KEEPME", &error));
  g_assert_no_error (error);
  g_assert_true (run_as_root ("mount", "-o", "remount,ro", fixture->data_dir, NULL));

  assert_refused (fixture, "read-only folder");
  g_assert_true (run_as_root ("umount", fixture->data_dir, NULL));
}

/* --- Killed at any moment: every issued code is recorded or pending -------- */

static void
assert_every_code_accounted (Fixture *fixture)
{
  g_auto(GStrv) issued = kf_sandbox_dup_vouchers (fixture->sandbox);
  g_autoptr(GPtrArray) entries = load_ledger (fixture);
  g_autoptr(GHashTable) recorded = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_pending = 0;
  guint n_missing = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      KfVoucherEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state == KF_VOUCHER_STATE_PENDING)
        n_pending++;
      if (entry->code != NULL)
        {
          /* Exactly once, and only codes the server really issued. */
          g_assert_false (g_hash_table_contains (recorded, entry->code));
          g_assert_true (g_strv_contains ((const char * const *) issued, entry->code));
          g_hash_table_add (recorded, entry->code);
        }
    }

  for (guint i = 0; issued[i] != NULL; i++)
    if (!g_hash_table_contains (recorded, issued[i]))
      n_missing++;

  /* A code not in the ledger has a pending record of its own. */
  g_assert_cmpuint (n_missing, <=, n_pending);
}

static void
test_sigkill_anywhere (Fixture       *fixture,
                       gconstpointer  data)
{
  guint n_runs = 200;
  gint64 start, duration;
  guint n_killed = 0;
  guint n_pending_seen = 0;

  /* How long one purchase takes here, so kills land all over it. */
  start = g_get_monotonic_time ();
  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, "voucher", "--yes", "30p", NULL), ==, 0);
  duration = g_get_monotonic_time () - start;
  g_test_message ("one purchase: %" G_GINT64_FORMAT " ms", duration / 1000);

  for (guint run = 0; run < n_runs; run++)
    {
      const char *args[] = { "voucher", "--yes", "30p", NULL };
      g_autoptr(GSubprocess) child = spawn_cli (fixture, NULL, args);
      g_autoptr(GError) error = NULL;

      g_usleep (g_test_rand_int_range (0, (gint32) (duration * 5 / 4)));
      g_subprocess_send_signal (child, SIGKILL);
      g_assert_true (g_subprocess_wait (child, NULL, &error));
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (child))
        n_killed++;

      assert_every_code_accounted (fixture);
    }

  {
    g_autoptr(GPtrArray) entries = load_ledger (fixture);
    g_auto(GStrv) issued = kf_sandbox_dup_vouchers (fixture->sandbox);

    for (guint i = 0; i < entries->len; i++)
      if (((KfVoucherEntry *) g_ptr_array_index (entries, i))->state == KF_VOUCHER_STATE_PENDING)
        n_pending_seen++;
    g_test_message ("%u runs, %u killed, %u codes issued, %u pending records",
                    n_runs, n_killed, g_strv_length (issued), n_pending_seen);
    /* The kills did land before, during and after purchases. */
    g_assert_cmpuint (n_killed, >, n_runs / 4);
    g_assert_cmpuint (g_strv_length (issued), >, 1);
  }
}

/* --- Several buyers at once --------------------------------------------------- */

typedef struct {
  guint running;
} Parallel;

static void
child_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Parallel *parallel = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error));
  g_assert_no_error (error);
  parallel->running--;
}

static void
workflow_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Parallel *parallel = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfVoucherPurchase) purchase = kf_voucher_purchase_finish (result, &error);

  g_assert_no_error (error);
  g_assert_null (kf_voucher_purchase_get_save_error (purchase));
  parallel->running--;
}

static void
test_parallel_buyers (Fixture       *fixture,
                      gconstpointer  data)
{
  guint n_rounds = 50;
  g_autoptr(GPtrArray) entries = NULL;
  g_auto(GStrv) issued = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint round = 0; round < n_rounds; round++)
    {
      const char *args[] = { "voucher", "--yes", "30p", NULL };
      Parallel parallel = { 3 };
      g_autoptr(GSubprocess) a = spawn_cli (fixture, NULL, args);
      g_autoptr(GSubprocess) b = spawn_cli (fixture, NULL, args);
      gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

      g_subprocess_wait_check_async (a, NULL, child_done_cb, &parallel);
      g_subprocess_wait_check_async (b, NULL, child_done_cb, &parallel);
      kf_voucher_purchase_async (fixture->client, fixture->ledger, "30p", NULL, NULL,
                                 workflow_done_cb, &parallel);
      while (parallel.running > 0)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, end);
          g_main_context_iteration (NULL, TRUE);
        }
    }

  /* Every code the sandbox issued is recorded exactly once, nothing else. */
  entries = load_ledger (fixture);
  issued = kf_sandbox_dup_vouchers (fixture->sandbox);
  g_assert_cmpuint (g_strv_length (issued), ==, 3 * n_rounds);
  g_assert_cmpuint (entries->len, ==, 3 * n_rounds);
  for (guint i = 0; i < entries->len; i++)
    {
      KfVoucherEntry *entry = g_ptr_array_index (entries, i);

      g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_BOUGHT);
      g_assert_true (g_hash_table_add (seen, entry->code));
    }
  for (guint i = 0; issued[i] != NULL; i++)
    g_assert_true (g_hash_table_contains (seen, issued[i]));
}

/* --- The user's files beside the ledger ------------------------------------ */

static void
test_user_files_survive (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *names[] = { "vouchers.json.backup", "vouchers.json.old123", "vouchers.json.2024ab",
                          "vouchers.json.XXXXXX", ".vouchers.json.abcdef" };
  g_autofree char *ours = g_build_filename (fixture->data_dir, ".kenfiles-tmp-vouchers.json.Ab12Cd", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, "voucher", "--yes", "30p", NULL), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->data_dir, names[i], NULL);

      g_assert_true (g_file_set_contents (path, names[i], -1, &error));
    }
  /* What a writer killed mid-write leaves. */
  g_assert_true (g_file_set_contents (ours, "{", -1, &error));

  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, "voucher", "--yes", "30p", NULL), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->data_dir, names[i], NULL);
      g_autofree char *contents = read_file (path);

      g_assert_cmpstr (contents, ==, names[i]);
    }
  g_assert_false (g_file_test (ours, G_FILE_TEST_EXISTS));
}

/* --- Lost answers stay visible until the user resolves them ---------------- */

static void
test_uncertain_listed_and_resolved (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KfVoucherEntry *entry;
  JsonObject *listed;
  g_autofree char *id = NULL;

  /* The server makes the voucher, then the connection is cut. */
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, CREATE, 1);
  g_assert_cmpint (run_cli (fixture, NULL, &out, &err, "voucher", "--yes", "90p", NULL), !=, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "may have been created"));
  g_assert_cmpuint (n_creates (fixture), ==, 1);

  /* Refused for lack of money: certainly not charged, said so, not uncertain. */
  kf_sandbox_set_balance (fixture->sandbox, 0.5);
  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, "voucher", "--yes", "30p", NULL), !=, 0);
  kf_sandbox_set_balance (fixture->sandbox, 1e9);

  entries = load_ledger (fixture);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_PENDING);
  g_assert_true (kf_voucher_entry_is_uncertain (entry));
  g_assert_cmpstr (entry->plan, ==, "90p");
  g_assert_cmpstr (entry->server, ==, kf_sandbox_get_url (fixture->sandbox));
  g_assert_nonnull (entry->id);
  id = g_strdup (entry->id);
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_FAILED);
  g_assert_nonnull (strstr (entry->error, "Not enough money"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (fixture, NULL, &out, NULL, "vouchers", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "uncertain: this purchase may have been charged; check your account on the website"));
  g_assert_nonnull (strstr (out, id));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (fixture, NULL, &out, NULL, "--json", "vouchers", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  listed = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "vouchers"), 0);
  g_assert_cmpstr (json_object_get_string_member (listed, "state"), ==, "uncertain");
  g_assert_cmpstr (json_object_get_string_member (listed, "id"), ==, id);

  /* Resolved: kept, no longer uncertain. */
  g_assert_cmpint (run_cli (fixture, NULL, NULL, NULL, "vouchers", "--resolve", id, NULL), ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load_ledger (fixture);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_RESOLVED);
  g_assert_false (kf_voucher_entry_is_uncertain (entry));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, NULL, NULL, &err, "vouchers", "--resolve", "nosuchid", NULL), !=, 0);
}

/* --- What a purchase charged ----------------------------------------------- */

typedef struct {
  gboolean  done;
  gboolean  ok;
  double    charged;
  GError   *error;
} RunWait;

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunWait *wait = user_data;

  wait->ok = kf_voucher_purchase_run_finish (KF_VOUCHER_PURCHASE (source), result, &wait->error);
  wait->done = TRUE;
}

static void
charge_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RunWait *wait = user_data;

  wait->ok = kf_voucher_purchase_measure_charge_finish (KF_VOUCHER_PURCHASE (source), result,
                                                        &wait->charged, &wait->error);
  wait->done = TRUE;
}

static void
test_charge_recorded (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(KfVoucherPurchase) purchase = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KfVoucherEntry *entry;
  RunWait wait = { 0 };
  double last = 0;

  kf_sandbox_set_balance (fixture->sandbox, 100.0);
  purchase = kf_voucher_purchase_new (fixture->client, fixture->ledger, "90b");
  /* As the app does: made when the user is asked, so the balance is read meanwhile. */
  while (kf_voucher_purchase_get_balance_before (purchase) < 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpfloat (kf_voucher_purchase_get_balance_before (purchase), ==, 100.0);

  kf_voucher_purchase_run_async (purchase, NULL, NULL, run_done_cb, &wait);
  kf_test_wait_for (&wait.done, 30);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_assert_false (kf_voucher_purchase_get_charged (purchase, NULL));

  wait = (RunWait) { 0 };
  kf_voucher_purchase_measure_charge_async (purchase, NULL, charge_done_cb, &wait);
  kf_test_wait_for (&wait.done, 30);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  /* The sandbox's price of 90b. */
  g_assert_cmpfloat (wait.charged, ==, 20.0);

  entries = load_ledger (fixture);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->code, ==, kf_voucher_purchase_get_code (purchase));
  g_assert_true (entry->charge_known);
  g_assert_cmpfloat (entry->charged, ==, 20.0);
  g_assert_true (kf_ledger_find_last_charge (entries, "90b", &last));
  g_assert_cmpfloat (last, ==, 20.0);
  g_assert_false (kf_ledger_find_last_charge (entries, "30p", NULL));
}

/* `kenfiles voucher --yes` buys at once: the purchase waits for the balance
 * read it started, so what it charged is still known. */
static void
test_charge_known_at_once (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(KfVoucherPurchase) purchase = NULL;
  RunWait wait = { 0 };

  kf_sandbox_set_balance (fixture->sandbox, 100.0);
  /* The balance answer comes well after the ledger is ready. */
  kf_sandbox_set_slow_delay (fixture->sandbox, 700);
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_SLOW, "/api/account/info", 1);
  purchase = kf_voucher_purchase_new (fixture->client, fixture->ledger, "90b");
  kf_voucher_purchase_run_async (purchase, NULL, NULL, run_done_cb, &wait);
  kf_test_wait_for (&wait.done, 30);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_assert_cmpfloat (kf_voucher_purchase_get_balance_before (purchase), ==, 100.0);

  wait = (RunWait) { 0 };
  kf_voucher_purchase_measure_charge_async (purchase, NULL, charge_done_cb, &wait);
  kf_test_wait_for (&wait.done, 30);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_assert_cmpfloat (wait.charged, ==, 20.0);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, CREATE), ==, 1);
}

/* --- A code a terminal would act on ----------------------------------------- */

static const char *hostile_code;

static void
hostile_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, 200);
  json_builder_set_member_name (builder, "msg");
  json_builder_add_string_value (builder, "OK");
  if (g_str_equal (path, CREATE))
    {
      json_builder_set_member_name (builder, "voucher");
      json_builder_add_string_value (builder, hostile_code);
    }
  else
    {
      json_builder_set_member_name (builder, "result");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "balance");
      json_builder_add_string_value (builder, "50.00");
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, "a@example.com");
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, NULL);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
test_hostile_code_escaped (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  int status;

  /* Clears the screen and prints a fake second code. */
  hostile_code = "REAL1\x1b[2J\rFAKE 2\xc2\x9b";
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/api", hostile_handler, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  status = run_cli (fixture, url, &out, &err, "voucher", "--yes", "30p", NULL);
  g_test_message ("out: %s\nerr: %s", out, err);
  g_assert_cmpint (status, ==, 0);
  /* Shown escaped, on one line, with a warning. */
  g_assert_true (g_str_has_prefix (out, "REAL1\\x1B[2J\\rFAKE\\x202\\u009B\n"));
  /* This server's balance does not move: no price can be told. */
  g_assert_null (strstr (out, "Charged"));
  g_assert_nonnull (strstr (err, "control characters"));
  g_assert_null (strchr (err, '\x1b'));

  /* Saved exactly as received. */
  entries = load_ledger (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((KfVoucherEntry *) g_ptr_array_index (entries, 0))->code, ==, hostile_code);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (fixture, url, &out, NULL, "vouchers", NULL), ==, 0);
  g_assert_null (strchr (out, '\x1b'));
  g_assert_nonnull (strstr (out, "REAL1\\x1B[2J\\rFAKE\\x202\\u009B"));

  soup_server_disconnect (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/purchase/damaged-ledger-buys-nothing", test_damaged_ledger_buys_nothing);
  ADD ("/purchase/full-disk-buys-nothing", test_full_disk_buys_nothing);
  ADD ("/purchase/read-only-folder-buys-nothing", test_read_only_folder_buys_nothing);
  ADD ("/purchase/user-files-survive", test_user_files_survive);
  ADD ("/purchase/uncertain-listed-and-resolved", test_uncertain_listed_and_resolved);
  ADD ("/purchase/charge-recorded", test_charge_recorded);
  ADD ("/purchase/charge-known-at-once", test_charge_known_at_once);
  ADD ("/purchase/hostile-code-escaped", test_hostile_code_escaped);
  ADD ("/purchase/parallel-buyers", test_parallel_buyers);
  ADD ("/purchase/sigkill-anywhere", test_sigkill_anywhere);
#undef ADD

  return g_test_run ();
}
