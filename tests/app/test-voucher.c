/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kf-ledger.h"
#include "kf-alert.h"
#include "kf-pages-test.h"
#include "kf-voucher-page.h"

#define CONFIRM "C_reate and Charge"

typedef struct {
  KfSandbox     *sandbox;
  KfClient      *client;
  char          *dir;
  char          *ledger;
  KfVoucherPage *page;
  GtkWindow     *window;
} Fixture;

static void
show_page (Fixture *fixture)
{
  fixture->page = KF_VOUCHER_PAGE (kf_voucher_page_new (fixture->client, fixture->ledger));
  g_object_add_weak_pointer (G_OBJECT (fixture->page), (gpointer *) &fixture->page);
  fixture->window = kf_pages_test_show (GTK_WIDGET (fixture->page), 900, 1000);
  /* The balance arrives before anything is bought. */
  kf_pages_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (fixture->page), "$100") != NULL, 20);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->sandbox = kf_pages_test_start_sandbox ();
  fixture->client = kf_pages_test_new_client (fixture->sandbox);
  fixture->dir = g_dir_make_tmp ("kf-voucher-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->ledger = g_build_filename (fixture->dir, "vouchers.json", NULL);
  if (data == NULL)
    show_page (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *lock = g_strconcat (fixture->ledger, ".lock", NULL);

  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  /* The page goes once its cancelled requests have called back. */
  kf_pages_test_wait_until (fixture->page == NULL, 20);
  /* The client goes once the page's last requests (the balance read after a
   * purchase) have called back: wait for that, then insist it went. */
  g_object_add_weak_pointer (G_OBJECT (fixture->client), (gpointer *) &fixture->client);
  g_object_unref (fixture->client);
  kf_pages_test_wait_until (fixture->client == NULL, 20);
  g_assert_null (fixture->client);
  kf_sandbox_stop (fixture->sandbox);
  g_object_unref (fixture->sandbox);
  g_remove (fixture->ledger);
  g_remove (lock);
  g_rmdir (fixture->dir);
  g_free (fixture->ledger);
  g_free (fixture->dir);
}

static GPtrArray *
load_ledger (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kf_ledger_load (fixture->ledger, &error);

  g_assert_no_error (error);
  return entries;
}

static gboolean
entry_given (Fixture *fixture,
             guint    index)
{
  g_autoptr(GPtrArray) entries = load_ledger (fixture);

  g_assert_cmpuint (index, <, entries->len);
  return ((KfVoucherEntry *) g_ptr_array_index (entries, index))->given;
}

/* Records that hold a code; refused and uncertain purchases are kept too. */
static guint
n_bought (GPtrArray *entries)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    if (((KfVoucherEntry *) g_ptr_array_index (entries, i))->state == KF_VOUCHER_STATE_BOUGHT)
      n++;
  return n;
}

static guint
n_vouchers (KfSandbox *sandbox)
{
  g_auto(GStrv) vouchers = kf_sandbox_dup_vouchers (sandbox);

  return g_strv_length (vouchers);
}

static void
test_voucher_confirm_creates_one (Fixture       *fixture,
                                  gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  g_auto(GStrv) vouchers = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KfVoucherEntry *entry;
  GtkWidget *dialog;

  kf_voucher_page_set_plan (fixture->page, "90b");
  g_assert_true (gtk_widget_activate_action (page, "voucher.create", NULL));
  dialog = kf_pages_test_wait_dialog ();
  /* The question names the plan and the charge. */
  g_assert_nonnull (strstr (kf_alert_get_body (dialog), "Premium Pro, 90 days"));
  g_assert_nonnull (strstr (kf_alert_get_body (dialog), "balance"));
  g_assert_cmpuint (n_vouchers (fixture->sandbox), ==, 0);

  kf_pages_test_click_response (dialog, CONFIRM);
  g_assert_true (kf_voucher_page_get_busy (fixture->page));
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);

  vouchers = kf_sandbox_dup_vouchers (fixture->sandbox);
  g_assert_cmpuint (g_strv_length (vouchers), ==, 1);
  g_assert_cmpstr (kf_voucher_page_get_last_code (fixture->page), ==, vouchers[0]);

  entries = load_ledger (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->code, ==, vouchers[0]);
  g_assert_cmpstr (entry->plan, ==, "90b");

  /* Shown large, listed, and the balance follows the charge (100 - 20). */
  g_assert_true (kf_pages_test_shows_text (page, vouchers[0]));
  g_assert_true (kf_pages_test_shows_text (page, "Voucher Created"));
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "$80.00"), 20);
  g_assert_cmpfloat_with_epsilon (kf_sandbox_get_balance (fixture->sandbox), 80.0, 1e-9);
}

static void
test_voucher_cancel_buys_nothing (Fixture       *fixture,
                                  gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);

  g_assert_true (gtk_widget_activate_action (page, "voucher.create", NULL));
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), "_Cancel");
  kf_pages_test_run_for (300);
  g_assert_false (kf_voucher_page_get_busy (fixture->page));
  g_assert_cmpuint (n_vouchers (fixture->sandbox), ==, 0);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/reseller/create"), ==, 0);
}

static void
test_voucher_double_activation_buys_once (Fixture       *fixture,
                                          gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  g_autoptr(GPtrArray) dialogs = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GtkWidget *dialog;

  /* Two activations in a row (a double click) ask once. */
  g_assert_true (gtk_widget_activate_action (page, "voucher.create", NULL));
  gtk_widget_activate_action (page, "voucher.create", NULL);
  dialog = kf_pages_test_wait_dialog ();
  kf_pages_test_run_for (100);
  dialogs = kf_pages_test_list_dialogs ();
  g_assert_cmpuint (dialogs->len, ==, 1);

  /* The confirmation answered twice, then the action again while it runs. */
  g_object_ref (dialog);
  kf_pages_test_click_response (dialog, CONFIRM);
  kf_alert_response (dialog, "create");
  g_object_unref (dialog);
  g_assert_true (kf_voucher_page_get_busy (fixture->page));
  g_assert_nonnull (kf_pages_test_find_button (page, "Creating Voucher…"));
  g_assert_false (gtk_widget_is_sensitive (kf_pages_test_find_button (page, "Creating Voucher…")));
  gtk_widget_activate_action (page, "voucher.create", NULL);
  g_ptr_array_unref (dialogs);
  dialogs = kf_pages_test_list_dialogs ();
  g_assert_cmpuint (dialogs->len, ==, 0);

  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);
  kf_pages_test_run_for (300);
  g_assert_cmpuint (n_vouchers (fixture->sandbox), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/reseller/create"), ==, 1);
  entries = load_ledger (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
}

static void
test_voucher_refusal_shows_server_text (Fixture       *fixture,
                                        gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  g_autoptr(GPtrArray) entries = NULL;

  kf_sandbox_set_balance (fixture->sandbox, 1.0);
  kf_voucher_page_set_plan (fixture->page, "365b");
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), CONFIRM);
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);

  g_assert_nonnull (kf_pages_test_find_text (page, "Not enough money"));
  g_assert_false (kf_pages_test_shows_text (page, "Voucher Created"));
  g_assert_null (kf_voucher_page_get_last_code (fixture->page));
  g_assert_cmpuint (n_vouchers (fixture->sandbox), ==, 0);
  entries = load_ledger (fixture);
  /* No code; the refused attempt is kept as such, not as uncertain. */
  g_assert_cmpuint (n_bought (entries), ==, 0);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((KfVoucherEntry *) g_ptr_array_index (entries, 0))->state, ==, KF_VOUCHER_STATE_FAILED);
  g_assert_false (kf_pages_test_shows_text (page, "Uncertain"));
}

static void
test_voucher_lost_answer_warns (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  g_autoptr(GPtrArray) entries = NULL;

  /* The server creates the voucher, then the connection is cut. */
  kf_sandbox_add_fault (fixture->sandbox, KF_SANDBOX_FAULT_CUT_RESPONSE, "/api/reseller/create", 1);
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), CONFIRM);
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);

  g_assert_true (kf_pages_test_shows_text (page, "The Voucher May Have Been Created"));
  g_assert_nonnull (kf_pages_test_find_text (page, "Check your balance before trying again"));
  g_assert_false (kf_pages_test_shows_text (page, "Voucher Created"));
  /* Never retried, and nothing false in the ledger. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/reseller/create"), ==, 1);
  g_assert_cmpuint (n_vouchers (fixture->sandbox), ==, 1);
  g_assert_null (kf_voucher_page_get_last_code (fixture->page));
  entries = load_ledger (fixture);
  g_assert_cmpuint (n_bought (entries), ==, 0);
  /* Written ahead and kept: shown as uncertain in the list. */
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_true (kf_voucher_entry_is_uncertain (g_ptr_array_index (entries, 0)));
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "Uncertain: this purchase may have been charged; "
                                                            "check your account on the website."), 20);
}

static void
test_voucher_ledger_from_command_line (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *page;
  GtkWidget *check = NULL;

  /* Written as `kenfiles voucher create` does, before the app starts. */
  kf_ledger_append (fixture->ledger, "30p", "CLIWRITTEN00000001", &error);
  g_assert_no_error (error);
  kf_ledger_append (fixture->ledger, "200t", "CLIWRITTEN00000002", &error);
  g_assert_no_error (error);

  show_page (fixture);
  page = GTK_WIDGET (fixture->page);
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "CLIWRITTEN00000002"), 20);
  g_assert_true (kf_pages_test_shows_text (page, "CLIWRITTEN00000001"));
  g_assert_true (kf_pages_test_shows_text (page, "Premium Traffic, 200 GB"));
  g_assert_true (kf_pages_test_shows_text (page, "Premium, 30 days"));

  /* "Mark as given" reaches the file. */
  check = kf_pages_test_find_check (page, "_Given");
  g_assert_nonnull (check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  kf_pages_test_wait_until (entry_given (fixture, 1), 20);
  g_assert_false (entry_given (fixture, 0));
}

static gboolean
reseller_key_used (KfSandbox *sandbox)
{
  g_auto(GStrv) log = kf_sandbox_dup_request_log (sandbox);
  g_autofree char *param = g_strconcat ("key=", KF_SANDBOX_RESELLER_KEY, NULL);

  for (guint i = 0; log[i] != NULL; i++)
    if (strstr (log[i], "/api/reseller/create") != NULL && strstr (log[i], param) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
find_entry_row (GtkWidget  *root,
                GtkWidget **out)
{
  if (ADW_IS_PASSWORD_ENTRY_ROW (root))
    {
      *out = root;
      return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (find_entry_row (child, out))
      return TRUE;
  return FALSE;
}

static void
test_voucher_reseller_key (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  GtkWidget *row = NULL;

  /* Entered and applied: it goes to the keyring, the entry is emptied. */
  g_assert_true (find_entry_row (page, &row));
  gtk_editable_set_text (GTK_EDITABLE (row), KF_SANDBOX_RESELLER_KEY);
  g_signal_emit_by_name (row, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  kf_pages_test_wait_until (kf_pages_test_find_text (page, "A reseller key is") != NULL, 20);

  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), CONFIRM);
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);
  g_assert_nonnull (kf_voucher_page_get_last_code (fixture->page));
  g_assert_true (reseller_key_used (fixture->sandbox));

  /* Removed: the account key buys again. */
  g_assert_true (gtk_widget_activate_action (page, "voucher.forget-reseller-key", NULL));
  kf_pages_test_wait_until (kf_pages_test_find_text (page, "A reseller key is") == NULL, 20);
}

/* --- Crash safety: SIGKILL right after a purchase ------------------------- */

#define N_KILLS 15

static void
child_busy_cb (KfVoucherPage *page,
               GParamSpec    *pspec,
               gpointer       user_data)
{
  /* The code is on screen now: the parent may kill us any time after this. */
  if (!kf_voucher_page_get_busy (page) && kf_voucher_page_get_last_code (page) != NULL)
    {
      g_print ("SHOWN %s\n", kf_voucher_page_get_last_code (page));
      fflush (stdout);
    }
}

/* The buying process: the real page, confirmed as a user does, then it waits
 * to be killed. */
static int
purchase_child_main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfClient) client = NULL;
  GtkWidget *page;

  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  client = kf_client_new (g_getenv ("KF_CHILD_SERVER"), g_getenv ("KF_CHILD_KEY"), &error);
  g_assert_no_error (error);
  page = kf_voucher_page_new (client, g_getenv ("KF_CHILD_LEDGER"));
  g_signal_connect (page, "notify::busy", G_CALLBACK (child_busy_cb), NULL);
  kf_pages_test_show (page, 800, 900);
  kf_voucher_page_set_plan (KF_VOUCHER_PAGE (page), "30p");
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), CONFIRM);

  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static void
test_voucher_sigkill_after_purchase (Fixture       *fixture,
                                     gconstpointer  data)
{
  guint n_shown = 0;

  kf_sandbox_set_balance (fixture->sandbox, 10000.0);

  for (guint round = 0; round < N_KILLS; round++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(GBytes) out = NULL;
      g_auto(GStrv) vouchers = NULL;
      g_autofree char *out_text = NULL;
      const char *shown;
      guint before = n_vouchers (fixture->sandbox);

      g_subprocess_launcher_setenv (launcher, "KF_PURCHASE_CHILD", "1", TRUE);
      g_subprocess_launcher_setenv (launcher, "KF_CHILD_SERVER", kf_sandbox_get_url (fixture->sandbox), TRUE);
      g_subprocess_launcher_setenv (launcher, "KF_CHILD_KEY", kf_sandbox_get_api_key (fixture->sandbox), TRUE);
      g_subprocess_launcher_setenv (launcher, "KF_CHILD_LEDGER", fixture->ledger, TRUE);
      child = g_subprocess_launcher_spawn (launcher, &error, g_test_get_filename (G_TEST_BUILT, "app", "test-pages-voucher", NULL), NULL);
      g_assert_no_error (error);

      /* The server has made the voucher; the app is saving or showing it.
       * The sandbox has its own thread: a tight poll here kills sooner.
       * (The bound only catches a child that never buys: a sanitizer build
       * of a GTK process on a loaded machine can take most of a minute.) */
      {
        gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

        while (n_vouchers (fixture->sandbox) <= before)
          {
            g_assert_cmpint (g_get_monotonic_time (), <, end);
            g_usleep (100);
          }
      }
      g_usleep (g_random_int_range (0, 6) * 500);
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (child));

      out = g_input_stream_read_bytes (g_subprocess_get_stdout_pipe (child), 4096, NULL, &error);
      g_assert_no_error (error);
      out_text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));

      /* Whenever it died, the ledger parses and holds only real codes. */
      entries = load_ledger (fixture);
      vouchers = kf_sandbox_dup_vouchers (fixture->sandbox);
      {
        guint n_pending = 0, n_recorded = 0;

        for (guint i = 0; i < entries->len; i++)
          {
            KfVoucherEntry *entry = g_ptr_array_index (entries, i);

            /* A record killed before its answer has no code: pending, uncertain. */
            if (entry->code == NULL)
              {
                g_assert_cmpint (entry->state, ==, KF_VOUCHER_STATE_PENDING);
                n_pending++;
                continue;
              }
            g_assert_true (g_strv_contains ((const char * const *) vouchers, entry->code));
            n_recorded++;
          }
        /* Every code the server issued is recorded, or has its pending record. */
        g_assert_cmpuint (g_strv_length (vouchers), <=, n_recorded + n_pending);
      }

      /* A code that was shown was on disk first. */
      shown = strstr (out_text, "SHOWN ");
      if (shown != NULL)
        {
          g_autofree char *code = g_strndup (shown + 6, strcspn (shown + 6, "\n"));
          gboolean found = FALSE;

          for (guint i = 0; i < entries->len; i++)
            found |= g_strcmp0 (((KfVoucherEntry *) g_ptr_array_index (entries, i))->code, code) == 0;
          g_assert_true (found);
          g_assert_cmpstr (code, ==, vouchers[g_strv_length (vouchers) - 1]);
          n_shown++;
        }
    }

  g_test_message ("%u of %u killed processes had shown their code", n_shown, N_KILLS);
}

/* --- Write-ahead records, damaged lists, prices, errors in view ------------ */

static GtkWidget *
find_label (GtkWidget  *root,
            const char *part)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
write_pending_record (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KfLedgerLock) lock = NULL;
  char *id;

  /* What a purchase killed after its request leaves behind. */
  g_assert_true (kf_ledger_append (fixture->ledger, "30p", "BOUGHTEARLIER0001", &error));
  lock = kf_ledger_lock (fixture->ledger, &error);
  g_assert_no_error (error);
  id = kf_ledger_add_pending (lock, "90p", kf_sandbox_get_url (fixture->sandbox), NULL, &error);
  g_assert_no_error (error);
  return id;
}

static void
test_voucher_uncertain_record_resolved (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *id = write_pending_record (fixture);
  g_autoptr(GPtrArray) entries = NULL;
  GtkWidget *page;
  GtkWidget *button;

  show_page (fixture);
  page = GTK_WIDGET (fixture->page);
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "Uncertain: this purchase may have been charged; "
                                                            "check your account on the website."), 20);
  g_assert_true (kf_pages_test_shows_text (page, "Premium, 90 days"));
  g_assert_true (kf_pages_test_shows_text (page, "BOUGHTEARLIER0001"));

  /* Clicked as the user does: kept in the file, no longer uncertain. */
  button = kf_pages_test_find_button (page, "Mark Resolved");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  kf_pages_test_wait_until (kf_pages_test_find_text (page, "Uncertain: this purchase") == NULL, 20);
  kf_pages_test_wait_until (kf_pages_test_find_text (page, "marked resolved") != NULL, 20);
  entries = load_ledger (fixture);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpint (((KfVoucherEntry *) g_ptr_array_index (entries, 1))->state, ==, KF_VOUCHER_STATE_RESOLVED);
  g_assert_cmpstr (((KfVoucherEntry *) g_ptr_array_index (entries, 1))->id, ==, id);
  g_assert_null (kf_pages_test_find_button (page, "Mark Resolved"));
}

static void
test_voucher_damaged_ledger_move_aside (Fixture       *fixture,
                                        gconstpointer  data)
{
  const char *damaged = "{\"vouchers\":[{\"code\":\"ONLYCOPY\",\"plan\":\"30p\"},\"vouchers\":[]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GDir) dir = NULL;
  GtkWidget *page;
  GtkWidget *button;
  const char *name;
  guint n_kept = 0;

  g_assert_true (g_file_set_contents (fixture->ledger, damaged, -1, &error));
  show_page (fixture);
  page = GTK_WIDGET (fixture->page);

  /* Said where the user looks, naming the file; buying is off. */
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "The Voucher List Cannot Be Used"), 20);
  g_assert_nonnull (kf_pages_test_find_text (page, fixture->ledger));
  g_assert_false (gtk_widget_is_sensitive (kf_pages_test_find_button (page, "Create Voucher…")));
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_run_for (200);
  {
    g_autoptr(GPtrArray) dialogs = kf_pages_test_list_dialogs ();

    g_assert_cmpuint (dialogs->len, ==, 0);
  }
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/reseller/create"), ==, 0);

  button = kf_pages_test_find_button (page, "Move Aside and Start a New List");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  kf_pages_test_wait_until (!kf_pages_test_shows_text (page, "The Voucher List Cannot Be Used"), 20);

  /* Kept, byte for byte, beside the new list. */
  dir = g_dir_open (fixture->dir, 0, &error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "vouchers.json.damaged-"))
      {
        g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
        g_autofree char *contents = NULL;

        g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
        g_assert_cmpstr (contents, ==, damaged);
        g_remove (path);
        n_kept++;
      }
  g_assert_cmpuint (n_kept, ==, 1);

  /* And buying works again. */
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), CONFIRM);
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);
  entries = load_ledger (fixture);
  g_assert_cmpuint (n_bought (entries), ==, 1);
}

static void
test_voucher_refusal_in_view (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  GtkWidget *scrolled = gtk_widget_get_first_child (page);
  GtkWidget *create = kf_pages_test_find_button (page, "Create Voucher…");
  GtkAdjustment *adjustment;
  GtkWidget *error_label;
  graphene_rect_t bounds;
  double height;

  /* A short window, scrolled down to the button as a user buying would be. */
  gtk_window_set_default_size (fixture->window, 900, 420);
  kf_pages_test_wait_until (gtk_widget_get_height (scrolled) < 500, 20);
  g_assert_true (GTK_IS_SCROLLED_WINDOW (scrolled));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_bounds (create, scrolled, &bounds));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + bounds.origin.y - 40);
  kf_pages_test_run_for (100);

  kf_sandbox_set_balance (fixture->sandbox, 1.0);
  gtk_widget_activate_action (page, "voucher.create", NULL);
  kf_pages_test_click_response (kf_pages_test_wait_dialog (), CONFIRM);
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);
  kf_pages_test_wait_until ((error_label = find_label (page, "Not enough money")) != NULL, 20);
  kf_pages_test_run_for (300);

  /* Where the user is looking: inside the visible part of the page. */
  g_assert_true (gtk_widget_compute_bounds (error_label, scrolled, &bounds));
  height = gtk_widget_get_height (scrolled);
  g_test_message ("error at %.0f..%.0f of %.0f", bounds.origin.y, bounds.origin.y + bounds.size.height, height);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, height);
}

static void
test_voucher_price_shown (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);
  GtkWidget *dialog;
  g_autofree char *id = NULL;

  kf_voucher_page_set_plan (fixture->page, "90b");
  g_assert_true (kf_pages_test_shows_text (page, "Last Charged for This Plan"));
  g_assert_true (kf_pages_test_shows_text (page, "Known once this computer has bought this plan"));

  g_assert_true (gtk_widget_activate_action (page, "voucher.create", NULL));
  dialog = kf_pages_test_wait_dialog ();
  g_assert_null (strstr (kf_alert_get_body (dialog), "Last charged"));
  /* The balance before is read while the question is shown. */
  kf_pages_test_wait_until (strstr (kf_alert_get_body (dialog), "(now $100.00)") != NULL, 20);
  kf_pages_test_click_response (dialog, CONFIRM);
  kf_pages_test_wait_until (!kf_voucher_page_get_busy (fixture->page), 20);

  /* 100 - 80: in the plan and in the list, always two decimals. */
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "$20.00"), 20);
  g_assert_nonnull (kf_pages_test_find_text (page, "charged $20.00"));

  g_assert_true (gtk_widget_activate_action (page, "voucher.create", NULL));
  dialog = kf_pages_test_wait_dialog ();
  g_assert_nonnull (strstr (kf_alert_get_body (dialog), "Last charged for this plan: $20.00."));
  kf_pages_test_click_response (dialog, "_Cancel");

  /* Another plan has no known price yet. */
  kf_voucher_page_set_plan (fixture->page, "30p");
  g_assert_true (kf_pages_test_shows_text (page, "Known once this computer has bought this plan"));

  /* The page as it looks, with an uncertain record and a price: for the eye. */
  id = write_pending_record (fixture);
  kf_voucher_page_set_plan (fixture->page, "90b");
  kf_voucher_page_refresh (fixture->page);
  kf_pages_test_wait_until (kf_pages_test_find_text (page, "Uncertain: this purchase") != NULL, 20);
  if (g_getenv ("KF_VOUCHER_SCREENSHOT") != NULL)
    kf_pages_test_save_png (page, g_getenv ("KF_VOUCHER_SCREENSHOT"));
}

/* Two decimals, rounded half up from the server's text ("23.12500"):
 * printf's "%.2f" would show $23.12. */
static void
test_voucher_balance_decimals (Fixture       *fixture,
                               gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fixture->page);

  kf_sandbox_set_balance (fixture->sandbox, 23.125);
  kf_voucher_page_refresh (fixture->page);
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "$23.13"), 20);
}

int
main (int   argc,
      char *argv[])
{
  if (g_strcmp0 (g_getenv ("KF_PURCHASE_CHILD"), "1") == 0)
    return purchase_child_main ();

  kf_pages_test_init (&argc, &argv);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/pages/voucher/confirm-creates-one", test_voucher_confirm_creates_one, NULL);
  ADD ("/pages/voucher/cancel-buys-nothing", test_voucher_cancel_buys_nothing, NULL);
  ADD ("/pages/voucher/double-activation-buys-once", test_voucher_double_activation_buys_once, NULL);
  ADD ("/pages/voucher/refusal-shows-server-text", test_voucher_refusal_shows_server_text, NULL);
  ADD ("/pages/voucher/lost-answer-warns", test_voucher_lost_answer_warns, NULL);
  ADD ("/pages/voucher/reseller-key", test_voucher_reseller_key, NULL);
  ADD ("/pages/voucher/ledger-from-command-line", test_voucher_ledger_from_command_line, "later");
  ADD ("/pages/voucher/uncertain-record-resolved", test_voucher_uncertain_record_resolved, "later");
  ADD ("/pages/voucher/damaged-ledger-move-aside", test_voucher_damaged_ledger_move_aside, "later");
  ADD ("/pages/voucher/refusal-in-view", test_voucher_refusal_in_view, NULL);
  ADD ("/pages/voucher/price-shown", test_voucher_price_shown, NULL);
  ADD ("/pages/voucher/balance-decimals", test_voucher_balance_decimals, NULL);
  ADD ("/pages/voucher/sigkill-after-purchase", test_voucher_sigkill_after_purchase, "no page");
#undef ADD

  return g_test_run ();
}
