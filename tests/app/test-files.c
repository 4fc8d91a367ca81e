/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "kf-files-item.h"
#include "kf-files-page-private.h"
#include "kf-files-row.h"
#include "kf-folder-picker.h"
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

/* --- moving, cloning, details, folder rename, sorting, selection ------- */

static const char *
sandbox_folder_of (KfSandbox  *sandbox,
                   const char *code)
{
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (sandbox);
  static char folder[64];

  for (guint i = 0; i < files->len; i++)
    {
      KfSandboxFile *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->file_code, code) == 0)
        {
          g_strlcpy (folder, file->folder_id, sizeof folder);
          return folder;
        }
    }
  return NULL;
}

static const char *
sandbox_folder_name (KfSandbox  *sandbox,
                     const char *id)
{
  g_autoptr(GPtrArray) folders = kf_sandbox_list_folders (sandbox);
  static char name[256];

  for (guint i = 0; i < folders->len; i++)
    {
      KfSandboxFolder *folder = g_ptr_array_index (folders, i);

      if (g_strcmp0 (folder->folder_id, id) == 0)
        {
          g_strlcpy (name, folder->name, sizeof name);
          return name;
        }
    }
  return NULL;
}

static guint
sandbox_n_files (KfSandbox *sandbox)
{
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (sandbox);

  return files->len;
}

/* The row widget on screen showing the item called @name. */
static KfFilesRow *
find_row (GtkWidget  *root,
          const char *name)
{
  if (KF_IS_FILES_ROW (root))
    {
      KfFilesItem *item = kf_files_row_get_item (KF_FILES_ROW (root));

      if (item != NULL && g_strcmp0 (kf_files_item_get_name (item), name) == 0)
        return KF_FILES_ROW (root);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KfFilesRow *row = find_row (child, name);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* Where the list shows @name (sorted), or G_MAXUINT. */
static guint
view_position (KfFilesPage *page,
               const char  *name)
{
  GListModel *model = G_LIST_MODEL (kf_files_page_get_selection (page));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KfFilesItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (kf_files_item_get_name (item), name) == 0)
        return i;
    }
  return G_MAXUINT;
}

/* A click on @name's row, with Ctrl when @ctrl, with Shift when @shift: the
 * action GtkListView's own click gesture runs. */
static void
click_row (Fixture    *fixture,
           const char *name,
           gboolean    ctrl,
           gboolean    shift)
{
  KfFilesRow *row = NULL;

  kf_pages_test_wait_until ((row = find_row (GTK_WIDGET (fixture->page), name)) != NULL, 10);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "listitem.select", "(bb)", ctrl, shift));
}

static GtkDropTarget *
row_drop_target (KfFilesRow *row)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (row));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

static GtkListBoxRow *
find_picker_row (GtkWidget  *root,
                 const char *text)
{
  if (GTK_IS_LIST_BOX_ROW (root) && kf_pages_test_shows_text (root, text))
    return GTK_LIST_BOX_ROW (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListBoxRow *row = find_picker_row (child, text);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static void
test_files_move_with_picker (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *dialog;
  KfFolderPicker *picker;
  GtkListBoxRow *row = NULL;
  KfFilesItem *documents;
  g_autofree char *documents_id = NULL;
  guint n_lists;

  show_page (fixture);
  documents = find_item (fixture->page, "Documents", TRUE);
  documents_id = g_strdup (kf_files_item_get_id (documents));

  /* Two files picked with the mouse: a click, then a Ctrl+click. */
  click_row (fixture, "alpha.txt", FALSE, FALSE);
  click_row (fixture, "gamma notes.md", TRUE, FALSE);
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->page), "2 files selected"), 10);
  n_lists = kf_sandbox_count_requests (fixture->sandbox, "/api/file/list");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.move-selection", NULL));
  dialog = kf_pages_test_wait_dialog ();
  picker = KF_FOLDER_PICKER (kf_alert_get_extra_child (dialog));
  kf_pages_test_wait_until (!kf_folder_picker_get_loading (picker), 20);
  /* Their own folder is no place to move them to. */
  g_assert_false (kf_alert_get_response_enabled (dialog, "move"));

  kf_pages_test_wait_until ((row = find_picker_row (GTK_WIDGET (picker), "Documents")) != NULL, 10);
  gtk_widget_activate (GTK_WIDGET (row));
  kf_pages_test_wait_until (g_strcmp0 (kf_folder_picker_get_folder_id (picker), documents_id) == 0 &&
                            !kf_folder_picker_get_loading (picker), 20);
  g_assert_true (kf_pages_test_shows_text (GTK_WIDGET (picker), "No Folders Inside"));
  g_assert_true (kf_alert_get_response_enabled (dialog, "move"));
  kf_pages_test_click_response (dialog, "_Move Here");

  kf_pages_test_wait_until (g_strcmp0 (sandbox_folder_of (fixture->sandbox, fixture->codes[0]), documents_id) == 0 &&
                            g_strcmp0 (sandbox_folder_of (fixture->sandbox, fixture->codes[2]), documents_id) == 0, 20);
  g_assert_cmpstr (sandbox_folder_of (fixture->sandbox, fixture->codes[1]), ==, "0");

  /* Only the moved rows go; the listing is not asked again. */
  kf_pages_test_wait_until (find_item (fixture->page, "alpha.txt", FALSE) == NULL, 10);
  g_assert_null (find_item (fixture->page, "gamma notes.md", FALSE));
  g_assert_nonnull (find_item (fixture->page, "R&D <draft>.bin", FALSE));
  g_assert_cmpuint (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)), ==, 3);
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->window),
                                                      "Moved 2 files to “Documents”"), 10);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, n_lists);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/set_folder"), ==, 1);
}

static void
test_files_move_by_drop (Fixture       *fixture,
                         gconstpointer  data)
{
  KfFilesRow *folder_row = NULL;
  KfFilesRow *file_row = NULL;
  GtkDropTarget *target;
  g_autoptr(GdkContentProvider) content = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *backups_id = NULL;
  const char * const *codes;
  gboolean dropped = FALSE;
  GtkSelectionModel *selection;

  show_page (fixture);
  backups_id = g_strdup (kf_files_item_get_id (find_item (fixture->page, "Backups", TRUE)));
  selection = kf_files_page_get_selection (fixture->page);

  /* A click on the first file and a Shift+click on the last select all three. */
  click_row (fixture, "alpha.txt", FALSE, FALSE);
  click_row (fixture, "gamma notes.md", FALSE, TRUE);
  g_assert_cmpuint (gtk_bitset_get_size (gtk_selection_model_get_selection (selection)), ==, 3);

  /* Dragging one of them carries all three. */
  kf_pages_test_wait_until ((file_row = find_row (GTK_WIDGET (fixture->page), "R&D <draft>.bin")) != NULL, 10);
  content = _kf_files_page_drag_content (fixture->page, kf_files_row_get_item (file_row));
  g_value_init (&value, G_TYPE_STRV);
  g_assert_true (gdk_content_provider_get_value (content, &value, &error));
  g_assert_no_error (error);
  codes = g_value_get_boxed (&value);
  g_assert_cmpuint (g_strv_length ((GStrv) codes), ==, 3);

  /* A file row takes no drop. */
  target = row_drop_target (file_row);
  g_assert_nonnull (target);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_assert_false (dropped);

  kf_pages_test_wait_until ((folder_row = find_row (GTK_WIDGET (fixture->page), "Backups")) != NULL, 10);
  target = row_drop_target (folder_row);
  g_assert_nonnull (target);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_assert_true (dropped);

  kf_pages_test_wait_until (g_strcmp0 (sandbox_folder_of (fixture->sandbox, fixture->codes[0]), backups_id) == 0 &&
                            g_strcmp0 (sandbox_folder_of (fixture->sandbox, fixture->codes[1]), backups_id) == 0 &&
                            g_strcmp0 (sandbox_folder_of (fixture->sandbox, fixture->codes[2]), backups_id) == 0, 20);
  /* Only the folders are left, without listing again. */
  kf_pages_test_wait_until (g_list_model_get_n_items (kf_files_page_get_items (fixture->page)) == 2, 10);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, 1);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/set_folder"), ==, 1);
}

static void
test_files_move_fails_in_words (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *documents_id = NULL;
  const char *codes[] = { NULL, NULL };

  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/set_folder", FALSE);
  show_page (fixture);
  documents_id = g_strdup (kf_files_item_get_id (find_item (fixture->page, "Documents", TRUE)));
  codes[0] = fixture->codes[0];

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.move", "(^ass)",
                                             codes, documents_id));
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->window),
                                                      "Could not move the file: Not available on this server"),
                            20);
  g_assert_cmpstr (sandbox_folder_of (fixture->sandbox, fixture->codes[0]), ==, "0");
  g_assert_nonnull (find_item (fixture->page, "alpha.txt", FALSE));

  /* A folder deleted behind our back: the server's words. */
  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/set_folder", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.move", "(^ass)",
                                             codes, "999"));
  kf_pages_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (fixture->window), "Folder not found") != NULL, 20);
  g_assert_cmpstr (sandbox_folder_of (fixture->sandbox, fixture->codes[0]), ==, "0");
  g_assert_nonnull (find_item (fixture->page, "alpha.txt", FALSE));
}

static void
test_files_clone (Fixture       *fixture,
                  gconstpointer  data)
{
  GListModel *items;
  guint n_lists;

  show_page (fixture);
  items = kf_files_page_get_items (fixture->page);
  n_lists = kf_sandbox_count_requests (fixture->sandbox, "/api/file/list");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.clone", "s", fixture->codes[1]));
  kf_pages_test_wait_until (sandbox_n_files (fixture->sandbox) == 4 &&
                            g_list_model_get_n_items (items) == 6, 20);
  {
    g_autoptr(GPtrArray) files = kf_sandbox_list_files (fixture->sandbox);
    KfSandboxFile *copy = g_ptr_array_index (files, 3);
    KfFilesItem *item = _kf_files_page_find_file (fixture->page, copy->file_code, NULL);

    g_assert_cmpstr (copy->name, ==, "R&D <draft>.bin");
    g_assert_cmpstr (copy->folder_id, ==, "0");
    /* The new row has what the server says of the copy. */
    g_assert_nonnull (item);
    g_assert_cmpstr (kf_files_item_get_name (item), ==, "R&D <draft>.bin");
    g_assert_cmpint (kf_files_item_get_size (item), ==, 1000);
    g_assert_nonnull (kf_files_item_get_uploaded (item));
  }
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->window),
                                                      "Copy of “R&D <draft>.bin” made"), 10);
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, n_lists);

  /* Refused: said in words, nothing added. */
  kf_sandbox_set_operation_enabled (fixture->sandbox, "file/clone", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.clone", "s", fixture->codes[0]));
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->window),
                                                      "Could not copy “alpha.txt”: Not available on this server"),
                            20);
  g_assert_cmpuint (sandbox_n_files (fixture->sandbox), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 6);
}

static void
test_files_rename_folder (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *dialog;
  GtkWidget *entry;
  g_autofree char *id = NULL;

  show_page (fixture);
  id = g_strdup (kf_files_item_get_id (find_item (fixture->page, "Documents", TRUE)));

  /* F2 on the selected folder, as in Files. */
  click_row (fixture, "Documents", FALSE, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.rename-selection", NULL));
  dialog = kf_pages_test_wait_dialog ();
  entry = kf_alert_get_extra_child (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Documents");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Papers & <Notes>");
  kf_pages_test_click_response (dialog, "_Rename");

  kf_pages_test_wait_until (g_strcmp0 (sandbox_folder_name (fixture->sandbox, id), "Papers & <Notes>") == 0, 20);
  kf_pages_test_wait_until (find_item (fixture->page, "Papers & <Notes>", TRUE) != NULL, 10);
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->page), "Papers & <Notes>"), 10);

  /* A name the server refuses: its words, the name stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.rename-folder", "s", id));
  dialog = kf_pages_test_wait_dialog ();
  gtk_editable_set_text (GTK_EDITABLE (kf_alert_get_extra_child (dialog)), "a/b");
  kf_pages_test_click_response (dialog, "_Rename");
  kf_pages_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (fixture->window),
                                                     "Could not rename the folder:") != NULL, 20);
  g_assert_nonnull (kf_pages_test_find_text (GTK_WIDGET (fixture->window), "not allowed"));
  g_assert_cmpstr (sandbox_folder_name (fixture->sandbox, id), ==, "Papers & <Notes>");
  g_assert_nonnull (find_item (fixture->page, "Papers & <Notes>", TRUE));
}

static void
got_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
download_once (Fixture    *fixture,
               const char *code)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = g_strdup_printf ("%s/d/%s/x", kf_sandbox_get_file_server_url (fixture->sandbox), code);

  /* a download as a browser makes it: the server counts it */
  message = soup_message_new ("GET", url);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, got_result_cb, &result);
  kf_pages_test_wait_until (result != NULL, 20);
  body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
}

static void
test_files_details (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *dialog;
  g_autofree char *link = NULL;
  g_autofree char *text = NULL;
  KfFilesItem *item;

  show_page (fixture);
  item = find_item (fixture->page, "alpha.txt", FALSE);
  g_assert_cmpint (kf_files_item_get_downloads (item), ==, 0);
  download_once (fixture, fixture->codes[0]);

  /* Alt+Return on the selected file */
  click_row (fixture, "alpha.txt", FALSE, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.details-selection", NULL));
  dialog = kf_pages_test_wait_dialog ();
  link = kf_client_build_file_url (fixture->client, fixture->codes[0]);
  /* An AdwAlertDialog (libadwaita 1.5 and newer) shows its content once it has opened. */
  kf_pages_test_wait_until (kf_pages_test_shows_text (dialog, "alpha.txt"), 10);
  g_assert_true (kf_pages_test_shows_text (dialog, link));
  g_assert_true (kf_pages_test_shows_text (dialog, "1"));
  g_assert_nonnull (kf_pages_test_find_text (dialog, "1.0"));
  /* The row now shows the download too. */
  g_assert_cmpint (kf_files_item_get_downloads (item), ==, 1);
  kf_pages_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (fixture->page), "1 download") != NULL, 10);

  kf_pages_test_click_response (dialog, "Copy _Link");
  kf_pages_test_wait_until (gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (fixture->page))) != NULL, 10);
  text = clipboard_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->page)));
  g_assert_cmpstr (text, ==, link);
}

static void
test_files_sort (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *small[] = { "b-small.txt", NULL };
  const char *big[] = { "a-big.txt", NULL };
  g_auto(GStrv) small_code = NULL;
  g_auto(GStrv) big_code = NULL;
  GtkWidget *page;

  small_code = kf_pages_test_upload_files (fixture->client, fixture->dir, small, 10, NULL);
  big_code = kf_pages_test_upload_files (fixture->client, fixture->dir, big, 50000, NULL);
  show_page (fixture);
  page = GTK_WIDGET (fixture->page);
  download_once (fixture, small_code[0]);
  download_once (fixture, small_code[0]);
  download_once (fixture, fixture->codes[2]);

  /* The server's order (upload order) by default, folders first. */
  g_assert_cmpuint (view_position (fixture->page, "Backups"), <, 2);
  g_assert_cmpuint (view_position (fixture->page, "alpha.txt"), ==, 2);
  g_assert_cmpuint (view_position (fixture->page, "a-big.txt"), ==, 6);

  /* (where "R&D" goes depends on the locale's collation) */
  g_assert_true (gtk_widget_activate_action (page, "files.sort", "s", "name"));
  g_assert_cmpuint (view_position (fixture->page, "a-big.txt"), >=, 2);
  g_assert_cmpuint (view_position (fixture->page, "a-big.txt"), <, view_position (fixture->page, "alpha.txt"));
  g_assert_cmpuint (view_position (fixture->page, "alpha.txt"), <, view_position (fixture->page, "b-small.txt"));
  g_assert_cmpuint (view_position (fixture->page, "b-small.txt"), <, view_position (fixture->page, "gamma notes.md"));

  g_assert_true (gtk_widget_activate_action (page, "files.sort", "s", "size"));
  g_assert_cmpuint (view_position (fixture->page, "a-big.txt"), ==, 2);
  g_assert_cmpuint (view_position (fixture->page, "b-small.txt"), ==, 6);
  g_assert_cmpuint (view_position (fixture->page, "Documents"), <, 2);

  /* Downloads come from the server: refreshed, then sorted. */
  g_assert_true (gtk_widget_activate_action (page, "files.refresh", NULL));
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page) &&
                            g_list_model_get_n_items (kf_files_page_get_items (fixture->page)) == 7, 20);
  g_assert_true (gtk_widget_activate_action (page, "files.sort", "s", "downloads"));
  g_assert_cmpuint (view_position (fixture->page, "b-small.txt"), ==, 2);
  g_assert_cmpuint (view_position (fixture->page, "gamma notes.md"), ==, 3);

  g_assert_true (gtk_widget_activate_action (page, "files.sort", "s", "date"));
  g_assert_cmpuint (view_position (fixture->page, "a-big.txt"), <=, view_position (fixture->page, "alpha.txt"));
  {
    g_autofree char *order = NULL;

    g_object_get (page, "sort-order", &order, NULL);
    g_assert_cmpstr (order, ==, "date");
  }
}

/* Sorting needs every file: the pages are fetched without scrolling. */
static void
test_files_sort_loads_every_page (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) codes = NULL;
  GListModel *items;

  for (guint i = 0; i < 120; i++)
    g_ptr_array_add (names, g_strdup_printf ("bulk-%03u.dat", 119 - i));
  g_ptr_array_add (names, NULL);
  codes = kf_pages_test_upload_files (fixture->client, fixture->dir,
                                      (const char * const *) names->pdata, 16, NULL);

  show_page (fixture);
  items = kf_files_page_get_items (fixture->page);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 52);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.sort", "s", "name"));
  kf_pages_test_wait_until (!kf_files_page_get_loading (fixture->page) &&
                            !kf_files_page_get_has_more (fixture->page), 30);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 125);
  for (guint i = 1; i < 120; i++)
    {
      g_autofree char *before = g_strdup_printf ("bulk-%03u.dat", i - 1);
      g_autofree char *after = g_strdup_printf ("bulk-%03u.dat", i);

      g_assert_cmpuint (view_position (fixture->page, before), <, view_position (fixture->page, after));
    }
  g_assert_cmpuint (kf_sandbox_count_requests (fixture->sandbox, "/api/file/list"), ==, 3);
}

/* A move out of a folder with more pages: the next page is asked again, so
 * no file is skipped and none is shown twice. */
static void
test_files_move_then_page (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) codes = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *moved[6] = { NULL };
  GListModel *items;

  for (guint i = 0; i < 70; i++)
    g_ptr_array_add (names, g_strdup_printf ("page-%02u.dat", i));
  g_ptr_array_add (names, NULL);
  codes = kf_pages_test_upload_files (fixture->client, fixture->dir,
                                      (const char * const *) names->pdata, 16, NULL);

  show_page (fixture);
  items = kf_files_page_get_items (fixture->page);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 52);
  for (guint i = 0; i < 5; i++)
    moved[i] = codes[i];
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "files.move", "(^ass)", moved,
                                             kf_files_item_get_id (find_item (fixture->page, "Documents", TRUE))));
  kf_pages_test_wait_until (g_list_model_get_n_items (items) == 47, 20);

  /* as scrolling to the end does, until there is no more */
  kf_pages_test_wait_until ((kf_files_page_load_more (fixture->page),
                             !kf_files_page_get_loading (fixture->page) &&
                             !kf_files_page_get_has_more (fixture->page)), 20);
  /* 2 folders + 73 files - 5 moved, each once */
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 70);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfFilesItem) item = g_list_model_get_item (items, i);

      g_assert_false (g_hash_table_contains (seen, kf_files_item_get_id (item)));
      g_hash_table_add (seen, (gpointer) kf_files_item_get_id (item));
    }
}

static void
test_files_multi_select_copy_links (Fixture       *fixture,
                                    gconstpointer  data)
{
  GtkWidget *page;
  GtkSelectionModel *selection;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *first = NULL, *third = NULL;

  show_page (fixture);
  page = GTK_WIDGET (fixture->page);
  selection = kf_files_page_get_selection (fixture->page);
  /* The bar of actions shows only with a selection. */
  g_assert_false (gtk_revealer_get_reveal_child (fixture->page->selection_revealer));

  /* Ctrl+A (the list's own select-all) takes the folders too; only files
   * have links. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page->list_view), "list.select-all", NULL));
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "5 items selected"), 10);
  g_assert_true (gtk_widget_activate_action (page, "files.copy-links", NULL));
  text = clipboard_text (gtk_widget_get_clipboard (page));
  first = kf_client_build_file_url (fixture->client, fixture->codes[0]);
  third = kf_client_build_file_url (fixture->client, fixture->codes[2]);
  {
    g_autofree char *second = kf_client_build_file_url (fixture->client, fixture->codes[1]);

    expected = g_strdup_printf ("%s\n%s\n%s", first, second, third);
  }
  g_assert_cmpstr (text, ==, expected);
  kf_pages_test_wait_until (kf_pages_test_shows_text (GTK_WIDGET (fixture->window), "3 links copied"), 10);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);

  /* Esc selects nothing; then a click and a Ctrl+click pick two, in the
   * order shown. */
  g_assert_true (gtk_widget_activate_action (page, "files.select-none", NULL));
  g_assert_true (gtk_bitset_is_empty (gtk_selection_model_get_selection (selection)));
  g_assert_false (gtk_revealer_get_reveal_child (fixture->page->selection_revealer));
  click_row (fixture, "gamma notes.md", FALSE, FALSE);
  click_row (fixture, "alpha.txt", TRUE, FALSE);
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "2 files selected"), 10);
  g_assert_true (gtk_widget_activate_action (page, "files.copy-links", NULL));
  text = clipboard_text (gtk_widget_get_clipboard (page));
  expected = g_strdup_printf ("%s\n%s", first, third);
  g_assert_cmpstr (text, ==, expected);

  /* A second Ctrl+click takes one out again. */
  click_row (fixture, "alpha.txt", TRUE, FALSE);
  kf_pages_test_wait_until (kf_pages_test_shows_text (page, "1 file selected"), 10);
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
  ADD ("/pages/files/move/picker", test_files_move_with_picker);
  ADD ("/pages/files/move/drop", test_files_move_by_drop);
  ADD ("/pages/files/move/fails-in-words", test_files_move_fails_in_words);
  ADD ("/pages/files/move/then-page", test_files_move_then_page);
  ADD ("/pages/files/clone", test_files_clone);
  ADD ("/pages/files/rename-folder", test_files_rename_folder);
  ADD ("/pages/files/details", test_files_details);
  ADD ("/pages/files/sort", test_files_sort);
  ADD ("/pages/files/sort/loads-every-page", test_files_sort_loads_every_page);
  ADD ("/pages/files/multi-select/copy-links", test_files_multi_select_copy_links);
#undef ADD

  return g_test_run ();
}
