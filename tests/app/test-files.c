/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kf-files-item.h"
#include "kf-files-page.h"
#include "kf-alert.h"
#include "kf-pages-test.h"

typedef struct {
  KfSandbox   *sandbox;
  KfClient    *client;
  char        *dir;
  GStrv        codes;
  KfFilesPage *page;
  GtkWindow   *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *names[] = { "alpha.txt", "R&D <draft>.bin", "gamma notes.md", NULL };

  fixture->sandbox = kf_pages_test_start_sandbox ();
  fixture->client = kf_pages_test_new_client (fixture->sandbox);
  fixture->dir = g_dir_make_tmp ("kf-files-XXXXXX", NULL);
  fixture->codes = kf_pages_test_upload_files (fixture->client, fixture->dir, names, 1000, NULL);
}

static void
show_page (Fixture *fixture)
{
  fixture->page = KF_FILES_PAGE (kf_files_page_new (fixture->client));
  g_object_add_weak_pointer (G_OBJECT (fixture->page), (gpointer *) &fixture->page);
  fixture->window = kf_pages_test_show (GTK_WIDGET (fixture->page), 900, 600);
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page), 20);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  /* The page goes once its cancelled requests have called back. */
  kf_pages_test_wait_until (fixture->page == NULL, 20);
  g_assert_finalize_object (fixture->client);
  kf_sandbox_stop (fixture->sandbox);
  g_object_unref (fixture->sandbox);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_strfreev (fixture->codes);
}

static KfFilesItem *
find_item (KfFilesPage *page,
           const char  *name,
           gboolean     folder)
{
  GListModel *items = kf_files_page_get_items (page);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfFilesItem) item = g_list_model_get_item (items, i);

      if (kf_files_item_is_folder (item) == folder &&
          g_strcmp0 (kf_files_item_get_name (item), name) == 0)
        return item;
    }
  return NULL;
}

static const char *
sandbox_name (KfSandbox  *sandbox,
              const char *code)
{
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (sandbox);
  static char name[256];

  for (guint i = 0; i < files->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->file_code, code) == 0)
        {
          g_strlcpy (name, file->name, sizeof name);
          return name;
        }
    }
  return NULL;
}

static void
test_files_lists_folders_and_files (Fixture       *fixture,
                                    gconstpointer  data)
{
  GtkWidget *page;
  GListModel *items;
  g_autoptr(KfFilesItem) first = NULL;

  show_page (fixture);
  page = GTK_WIDGET (fixture->page);
  items = kf_files_page_get_items (fixture->page);

  /* The sandbox's two folders first, then its three files. */
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 5);
  first = g_list_model_get_item (items, 0);
  g_assert_true (kf_files_item_is_folder (first));
  g_assert_nonnull (find_item (fixture->page, "Documents", TRUE));
  g_assert_nonnull (find_item (fixture->page, "Backups", TRUE));
  g_assert_nonnull (find_item (fixture->page, "alpha.txt", FALSE));
  g_assert_cmpstr (kf_files_page_get_current_folder_id (fixture->page), ==, "0");

  /* Shown as plain text, exactly. */
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "R&D <draft>.bin"), 10);
  g_assert_true (kf_pages_test_shows_text (page, "Documents"));
  g_assert_true (kf_pages_test_shows_text (page, "gamma notes.md"));

  /* Search asks the server with the name. */
  kf_files_page_set_search_text (fixture->page, "GAMMA");
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page), 20);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 1);
  g_assert_nonnull (find_item (fixture->page, "gamma notes.md", FALSE));
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), >=, 2);

  kf_files_page_set_search_text (fixture->page, "");
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page), 20);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 5);
}

static void
test_files_create_folder_and_open_it (Fixture       *fixture,
                                      gconstpointer  data)
{
  GtkWidget *page;
  GtkWidget *dialog;
  GtkWidget *entry;
  KfFilesItem *folder;
  g_autofree char *folder_id = NULL;
  const char *names[] = { "inside.txt", NULL };
  g_auto(GStrv) inside = NULL;

  show_page (fixture);
  page = GTK_WIDGET (fixture->page);

  g_assert_true (gtk_widget_activate_action (page, "files.new-folder", NULL));
  dialog = kf_pages_test_wait_dialog ();
  entry = kf_alert_get_extra_child (dialog);
  g_assert_true (GTK_IS_EDITABLE (entry));
  /* An empty name cannot be confirmed. */
  g_assert_false (kf_alert_get_response_enabled (dialog, "create"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Photos <2026>");
  g_assert_true (kf_alert_get_response_enabled (dialog, "create"));
  kf_pages_test_click_response (dialog, "C_reate");

  kf_pages_test_wait_until ((folder = find_item (fixture->page, "Photos <2026>", TRUE)) != NULL &&
                            !kf_files_page_get_loading (fixture->page), 20);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/folder/create"), ==, 1);
  folder_id = g_strdup (kf_files_item_get_id (folder));

  /* Opening it: it is empty, uploads can target it. */
  kf_files_page_open_folder (fixture->page, folder_id, "Photos <2026>");
  g_assert_cmpstr (kf_files_page_get_current_folder_id (fixture->page), ==, folder_id);
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page), 20);
  g_assert_cmpuint (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)), ==, 0);
  g_assert_true (kf_pages_test_shows_text (page, "This Folder Is Empty"));
  g_assert_true (kf_pages_test_shows_text (page, "All Files / Photos <2026>"));

  inside = kf_pages_test_upload_files (fixture->client, fixture->dir, names, 10,
                                       kf_files_page_get_current_folder_id (fixture->page));
  g_assert_true (gtk_widget_activate_action (page, "files.refresh", NULL));
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page) &&
                            find_item (fixture->page, "inside.txt", FALSE) != NULL, 20);
  g_assert_cmpuint (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)), ==, 1);

  g_assert_true (gtk_widget_activate_action (page, "files.up", NULL));
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page), 20);
  g_assert_cmpstr (kf_files_page_get_current_folder_id (fixture->page), ==, "0");
  g_assert_nonnull (find_item (fixture->page, "Photos <2026>", TRUE));
  g_assert_null (find_item (fixture->page, "inside.txt", FALSE));
}

static void
test_files_rename (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *page;
  GtkWidget *dialog;
  GtkWidget *entry;

  show_page (fixture);
  page = GTK_WIDGET (fixture->page);

  g_assert_true (gtk_widget_activate_action (page, "files.rename", "s", fixture->codes[0]));
  dialog = kf_pages_test_wait_dialog ();
  entry = kf_alert_get_extra_child (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "alpha.txt");
  gtk_editable_set_text (GTK_EDITABLE (entry), "renamed & better.txt");
  kf_pages_test_click_response (dialog, "_Rename");

  kf_pages_test_wait_until (g_strcmp0 (sandbox_name (fixture->sandbox, fixture->codes[0]),
                                       "renamed & better.txt") == 0, 20);
  kf_pages_test_wait_until (find_item (fixture->page, "renamed & better.txt", FALSE) != NULL, 20);
  g_assert_null (find_item (fixture->page, "alpha.txt", FALSE));
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "renamed & better.txt"), 10);
}

/* The text this process put on the clipboard. */
static char *
clipboard_text (GdkClipboard *clipboard)
{
  GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  gdk_content_provider_get_value (content, &value, &error);
  g_assert_no_error (error);
  return g_value_dup_string (&value);
}

static void
test_files_links (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *page;
  GdkClipboard *clipboard;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  show_page (fixture);
  page = GTK_WIDGET (fixture->page);
  clipboard = gtk_widget_get_clipboard (page);

  expected = kf_client_build_file_url (fixture->client, fixture->codes[1]);
  g_assert_true (gtk_widget_activate_action (page, "files.copy-link", "s", fixture->codes[1]));
  g_assert_true (gdk_clipboard_is_local (clipboard));
  text = clipboard_text (clipboard);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  g_assert_true (gtk_widget_activate_action (page, "files.copy-direct-link", "s", fixture->codes[2]));
  kf_pages_test_wait_until (kf_sandbox_count_requests (fixture->sandbox, "/api/file/direct_link") == 1, 20);
  kf_pages_test_run_for (200);
  text = clipboard_text (clipboard);
  g_assert_true (g_str_has_prefix (text, kf_sandbox_get_file_server_url (fixture->sandbox)));
}

static void
test_files_paging (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) codes = NULL;
  GListModel *items;
  GtkAdjustment *adj;

  for (guint i = 0; i < 70; i++)
    g_ptr_array_add (names, g_strdup_printf ("bulk-%02u.dat", i));
  g_ptr_array_add (names, NULL);
  codes = kf_pages_test_upload_files (fixture->client, fixture->dir,
                                      (const char * const *) names->pdata, 16, NULL);

  show_page (fixture);
  items = kf_files_page_get_items (fixture->page);

  /* 2 folders and the first 50 of 73 files; more when scrolled near the end. */
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 52);
  g_assert_true (kf_files_page_get_has_more (fixture->page));
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, 1);

  adj = NULL;
  {
    /* The list's own scrolled window, as the user's wheel moves it. */
    GtkWidget *w = GTK_WIDGET (fixture->page);
    GPtrArray *stack = g_ptr_array_new ();

    g_ptr_array_add (stack, w);
    while (stack->len > 0 && adj == NULL)
      {
        GtkWidget *top = g_ptr_array_steal_index (stack, stack->len - 1);

        if (GTK_IS_SCROLLED_WINDOW (top) && gtk_widget_get_mapped (top))
          adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (top));
        for (GtkWidget *c = gtk_widget_get_first_child (top); c; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
  }
  g_assert_nonnull (adj);
  kf_pages_test_wait_until (gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj), 10);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));

  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page) &&
                            g_list_model_get_n_items (items) == 75, 20);
  g_assert_false (kf_files_page_get_has_more (fixture->page));
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, 2);
}

/* A call the sandbox does not offer, as a server without it answers. */
static void
test_files_list_not_available (Fixture       *fixture,
                               gconstpointer  data)
{
  GtkWidget *page;

  /* Nothing to list at all: the page itself says so. */
  kf_sandbox_set_operation_enabled (fixture->sandbox, "folder/list", FALSE);
  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/list", FALSE);
  show_page (fixture);
  page = GTK_WIDGET (fixture->page);

  /* Not a crash, not the server's raw words: one plain sentence. */
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "Not available on this server"), 10);
  g_assert_true (kf_pages_test_shows_text (page, "Could Not List the Files"));
  g_assert_null (kf_pages_test_find_text (GTK_WIDGET (fixture->window), "Unknown operation"));
  g_assert_cmpuint (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)), ==, 0);
  /* Refused, so not asked again behind the user's back. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, 1);

  /* Retry lists everything once the server offers the calls. */
  kf_sandbox_set_operation_enabled (fixture->sandbox, "folder/list", TRUE);
  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/list", TRUE);
  g_assert_true (gtk_widget_activate_action (page, "files.refresh", NULL));
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page) &&
                            find_item (fixture->page, "alpha.txt", FALSE) != NULL, 20);
  g_assert_cmpuint (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)), ==, 5);
  g_assert_false (kf_pages_test_shows_text (page, "Not available on this server"));
}

static void
test_files_only_files_not_available (Fixture       *fixture,
                                     gconstpointer  data)
{
  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/list", FALSE);
  show_page (fixture);

  /* The folders stay browsable; the missing files are told in a toast. */
  g_assert_cmpuint (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)), ==, 2);
  g_assert_nonnull (find_item (fixture->page, "Documents", TRUE));
  kf_pages_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (fixture->window),
                                                     "Not available on this server") != NULL, 10);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, 1);
  g_assert_false (kf_files_page_get_has_more (fixture->page));
}

static void
test_files_folders_not_available (Fixture       *fixture,
                                  gconstpointer  data)
{
  GtkWidget *page;

  kf_sandbox_set_operation_enabled (fixture->sandbox, "folder/list", FALSE);
  show_page (fixture);
  page = GTK_WIDGET (fixture->page);

  /* A server without folders still lists its files, and says nothing wrong. */
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/folder/list"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)), ==, 3);
  g_assert_null (find_item (fixture->page, "Documents", TRUE));
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "gamma notes.md"), 10);
  g_assert_null (kf_pages_test_find_text (page, "Not available"));
}

static void
test_files_rename_not_available (Fixture       *fixture,
                                 gconstpointer  data)
{
  GtkWidget *page;
  GtkWidget *dialog;
  GtkWidget *entry;

  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/rename", FALSE);
  show_page (fixture);
  page = GTK_WIDGET (fixture->page);

  g_assert_true (gtk_widget_activate_action (page, "files.rename", "s", fixture->codes[0]));
  dialog = kf_pages_test_wait_dialog ();
  entry = kf_alert_get_extra_child (dialog);
  gtk_editable_set_text (GTK_EDITABLE (entry), "never.txt");
  kf_pages_test_click_response (dialog, "_Rename");

  /* The toast is in the window's overlay, outside the page. */
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->window),
                                                      "Could not rename the file: Not available on this server"),
                            20);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/rename"), ==, 1);
  g_assert_cmpstr (sandbox_name (fixture->sandbox, fixture->codes[0]), ==, "alpha.txt");
  g_assert_nonnull (find_item (fixture->page, "alpha.txt", FALSE));
  g_assert_null (find_item (fixture->page, "never.txt", FALSE));
}

static void
test_files_create_folder_not_available (Fixture       *fixture,
                                        gconstpointer  data)
{
  GtkWidget *page;
  GtkWidget *dialog;
  GtkWidget *entry;

  kf_sandbox_set_operation_enabled (fixture->sandbox, "folder/create", FALSE);
  show_page (fixture);
  page = GTK_WIDGET (fixture->page);

  g_assert_true (gtk_widget_activate_action (page, "files.new-folder", NULL));
  dialog = kf_pages_test_wait_dialog ();
  entry = kf_alert_get_extra_child (dialog);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Never");
  kf_pages_test_click_response (dialog, "C_reate");

  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->window),
                                                      "Could not create the folder: Not available on this server"),
                            20);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/folder/create"), ==, 1);
  g_assert_null (find_item (fixture->page, "Never", TRUE));
  /* The listing shown before stays. */
  g_assert_nonnull (find_item (fixture->page, "Documents", TRUE));
  g_assert_nonnull (find_item (fixture->page, "alpha.txt", FALSE));
}

int
main (int   argc,
      char *argv[])
{
  kf_pages_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/pages/files/lists-folders-and-files", test_files_lists_folders_and_files);
  ADD ("/pages/files/create-folder-and-open-it", test_files_create_folder_and_open_it);
  ADD ("/pages/files/rename", test_files_rename);
  ADD ("/pages/files/links", test_files_links);
  ADD ("/pages/files/paging", test_files_paging);
  ADD ("/pages/files/not-available/file-list", test_files_list_not_available);
  ADD ("/pages/files/not-available/only-file-list", test_files_only_files_not_available);
  ADD ("/pages/files/not-available/folder-list", test_files_folders_not_available);
  ADD ("/pages/files/not-available/rename", test_files_rename_not_available);
  ADD ("/pages/files/not-available/create-folder", test_files_create_folder_not_available);
#undef ADD

  return g_test_run ();
}
