/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The upload list through the window: search, the rows' buttons, bulk
 * actions, failures, removing and the keyboard. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kf-app-test-util.h"
#include "kf-history.h"
#include "kf-test-util.h"

static const char *data_home;

static char *
history_path (void)
{
  return g_build_filename (data_home, "kenfiles", "history-sandbox.json", NULL);
}

static void
forget_history (void)
{
  g_autofree char *path = history_path ();

  g_unlink (path);
}

static const char *const words[] = {
  "big", "video", "archive", "holiday", "photo", "report", "draft", "notes", "music", "scan",
};
static const char *const extensions[] = { "jpg", "tar", "mp4", "pdf", "txt" };

/* @n done uploads in the history, each with its own name and link. */
static void
write_history (guint n)
{
  g_autofree char *path = history_path ();
  g_autoptr(KfHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);

  forget_history ();
  {
    g_autofree char *dir = g_path_get_dirname (path);

    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  }
  history = kf_history_new (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KfHistoryEntry) entry = kf_history_entry_new ();

      entry->id = g_strdup_printf ("entry-%u", i);
      entry->name = g_strdup_printf ("%s-%s-%03u.%s",
                                     words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                     words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                     i,
                                     extensions[g_rand_int_range (rand, 0, G_N_ELEMENTS (extensions))]);
      entry->size = 1000 + i;
      entry->state = KF_HISTORY_STATE_DONE;
      entry->file_code = g_strdup_printf ("code%05u", i);
      entry->link = g_strdup_printf ("http://127.0.0.1:1/%s", entry->file_code);
      entry->date = g_date_time_new_local (2026, 11, 1 + i % 28, 12, 0, 0);
      kf_history_put (history, entry);
    }
  g_assert_true (kf_history_flush (history, &error));
  g_assert_no_error (error);
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Waits until @widget has been laid out and drawn @n more times. A frame
 * normally comes within milliseconds; on a loaded CI machine Xvfb has been
 * seen to give none for over 10 s, so after 5 s the wait says what state the
 * window is in and asks its frame clock for a frame again, and only a minute
 * without any frame fails the test. */
static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 start = g_get_monotonic_time ();
  gboolean asked_again = FALSE;
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);

  gtk_widget_queue_draw (widget);
  while (frames < n)
    {
      gint64 waited = g_get_monotonic_time () - start;

      if (!asked_again && waited > 5 * G_USEC_PER_SEC)
        {
          GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));

          g_test_message ("no frame for 5 s: surface mapped %d, %d×%d, frame counter %" G_GINT64_FORMAT
                          "; asking for a frame again",
                          gdk_surface_get_mapped (surface),
                          gdk_surface_get_width (surface), gdk_surface_get_height (surface),
                          gdk_frame_clock_get_frame_counter (clock));
          gtk_widget_queue_resize (widget);
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_UPDATE |
                                                GDK_FRAME_CLOCK_PHASE_LAYOUT |
                                                GDK_FRAME_CLOCK_PHASE_PAINT);
          asked_again = TRUE;
        }
      if (waited > 60 * G_USEC_PER_SEC)
        g_error ("no frame for 60 s (%u of %u drawn)", frames, n);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  gtk_widget_remove_tick_callback (widget, id);
}

static GtkWidget *
find_descendant (GtkWidget  *widget,
                 GType       type,
                 const char *action_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (action_name == NULL ||
           (GTK_IS_ACTIONABLE (child) &&
            g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action_name) == 0)))
        return child;
      found = find_descendant (child, type, action_name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The rows a user sees: children of the list view inside its visible area. */
static GPtrArray *
visible_rows (GtkListView *list_view)
{
  GPtrArray *rows = g_ptr_array_new ();
  int height = gtk_widget_get_height (GTK_WIDGET (list_view));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;
      GtkWidget *row;

      if (!gtk_widget_get_child_visible (child) || !gtk_widget_get_visible (child) ||
          !gtk_widget_compute_bounds (child, GTK_WIDGET (list_view), &bounds))
        continue;
      if (bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= height ||
          bounds.size.height <= 0)
        continue;
      row = find_descendant (child, KF_TYPE_UPLOAD_ROW, NULL);
      if (row != NULL)
        g_ptr_array_add (rows, row);
    }
  return rows;
}

/* What a pointer at the middle of @widget would hit. */
static GtkWidget *
pick_at (GtkWidget *window,
         GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  return gtk_widget_pick (window,
                          bounds.origin.x + bounds.size.width / 2,
                          bounds.origin.y + bounds.size.height / 2,
                          GTK_PICK_DEFAULT);
}

static char *
clipboard_text (GtkWidget *widget)
{
  GdkContentProvider *content = gdk_clipboard_get_content (gtk_widget_get_clipboard (widget));
  GValue value = G_VALUE_INIT;
  char *text;

  if (content == NULL)
    return NULL;
  g_value_init (&value, G_TYPE_STRING);
  if (!gdk_content_provider_get_value (content, &value, NULL))
    return NULL;
  text = g_value_dup_string (&value);
  g_value_unset (&value);
  return text;
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack, -1);
  g_autofree char *n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

/* Every row on screen shows an item matching @search, and its Copy button
 * (the one under the pointer at its place) copies that item's link. */
static guint
check_visible_rows (KfWindow   *window,
                    GHashTable *links,
                    const char *search)
{
  GtkListView *list_view = kf_upload_page_get_list_view (kf_window_get_upload_page (window));
  g_autoptr(GPtrArray) rows = visible_rows (list_view);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < rows->len; i++)
    {
      KfUploadRow *row = g_ptr_array_index (rows, i);
      const char *title = kf_upload_row_get_title (row);
      const char *link = g_hash_table_lookup (links, title);
      GtkWidget *button = find_descendant (GTK_WIDGET (row), GTK_TYPE_BUTTON, "upload.copy-link");
      GtkWidget *picked;
      g_autofree char *copied = NULL;

      if (!contains_casefold (title, search))
        g_error ("search “%s” shows “%s”", search, title);
      if (g_hash_table_contains (seen, title))
        g_error ("search “%s” shows “%s” twice", search, title);
      g_hash_table_add (seen, (gpointer) title);
      g_assert_nonnull (link);
      g_assert_nonnull (button);

      /* A row cut by the bottom edge may have its button out of sight. */
      {
        graphene_rect_t bounds;

        g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (list_view), &bounds));
        if (bounds.origin.y + bounds.size.height > gtk_widget_get_height (GTK_WIDGET (list_view)) ||
            bounds.origin.y < 0)
          continue;
      }
      picked = pick_at (GTK_WIDGET (window), button);
      g_assert_true (picked == button || gtk_widget_is_ancestor (picked, button));

      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "nothing yet");
      g_signal_emit_by_name (button, "clicked");
      copied = clipboard_text (GTK_WIDGET (window));
      if (g_strcmp0 (copied, link) != 0)
        g_error ("search “%s”: Copy on “%s” copied %s, its link is %s", search, title, copied, link);
    }
  return rows->len;
}

static guint
count_matching (GHashTable *links,
                const char *search)
{
  GHashTableIter iter;
  const char *name;
  guint n = 0;

  g_hash_table_iter_init (&iter, links);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (contains_casefold (name, search))
      n++;
  return n;
}

static void
set_search (KfWindow   *window,
            GHashTable *links,
            const char *text)
{
  KfUploadPage *page = kf_window_get_upload_page (window);
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (kf_upload_page_get_list_view (page)));
  guint expected = count_matching (links, text);

  g_test_message ("search “%s”", text);
  gtk_editable_set_text (kf_upload_page_get_search_entry (page), text);
  kf_app_test_wait_until (g_list_model_get_n_items (shown) == expected, 10);
  wait_frames (GTK_WIDGET (window), 2);
}

static void
search_body (KfApplication *app,
             gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  GListModel *items = kf_app_test_get_items (app);
  GtkListView *list_view = kf_upload_page_get_list_view (kf_window_get_upload_page (window));
  g_autoptr(GHashTable) links = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *search = g_strdup ("");
  guint n_items, expected;

  kf_app_test_wait_until (g_list_model_get_n_items (items) == 500, 10);
  n_items = g_list_model_get_n_items (items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

      g_hash_table_insert (links, (gpointer) kf_upload_item_get_name (item),
                           (gpointer) kf_upload_item_get_link (item));
    }
  /* The same search as typed, without the pause the entry waits for typing to stop. */
  g_object_set (kf_upload_page_get_search_entry (kf_window_get_upload_page (window)), "search-delay", 0, NULL);
  wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (check_visible_rows (window, links, ""), >, 3);

  /* 200 searches and clears: new words, typing on (narrowing), deleting
   * (widening), clearing, and looking further down the results. */
  for (guint step = 0; step < 200; step++)
    {
      int what = g_rand_int_range (rand, 0, 10);
      glong len = g_utf8_strlen (search, -1);

      if (what < 2 || (what < 4 && len < 2))
        {
          g_free (search);
          search = g_strdup ("");
        }
      else if (what < 4)
        {
          /* Deleting the last letter. */
          char *shorter = g_utf8_substring (search, 0, len - 1);

          g_free (search);
          search = shorter;
        }
      else
        {
          g_autoptr(KfUploadItem) item = g_list_model_get_item (items, g_rand_int_range (rand, 0, n_items));
          const char *name = kf_upload_item_get_name (item);
          glong name_len = g_utf8_strlen (name, -1);
          glong start = g_rand_int_range (rand, 0, name_len);
          glong n = g_rand_int_range (rand, 1, MIN (name_len - start, 12) + 1);
          char *word = g_utf8_substring (name, start, start + n);

          /* Typing on: the search grows by what the user adds. */
          if (what < 6 && len > 0)
            {
              char *longer = g_strconcat (search, word, NULL);

              g_free (word);
              word = longer;
            }
          if (g_rand_boolean (rand))
            {
              char *upper = g_utf8_strup (word, -1);

              g_free (word);
              word = upper;
            }
          g_free (search);
          search = word;
        }

      set_search (window, links, search);
      expected = count_matching (links, search);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list_view))), ==, expected);
      if (check_visible_rows (window, links, search) < MIN (expected, 3))
        {
          GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list_view));

          g_error ("search “%s”: %u matches, fewer rows on screen (scrolled to %g of %g, page %g)", search, expected,
                   gtk_adjustment_get_value (adjustment), gtk_adjustment_get_upper (adjustment),
                   gtk_adjustment_get_page_size (adjustment));
        }
      {
        g_autofree char *summary = NULL;

        summary = expected == n_items ? g_strdup_printf ("%u uploads", n_items)
                                      : g_strdup_printf ("%u of %u uploads", expected, n_items);
        g_assert_cmpstr (gtk_label_get_text (kf_upload_page_get_summary_label (kf_window_get_upload_page (window))), ==, summary);
      }

      /* Scrolled somewhere down the results before the next search. */
      if (expected > 20 && g_rand_int_range (rand, 0, 3) == 0)
        {
          GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list_view));

          gtk_adjustment_set_value (adjustment,
                                    g_rand_double_range (rand, 0, gtk_adjustment_get_upper (adjustment)));
          g_test_message ("scrolled to %g", gtk_adjustment_get_value (adjustment));
          wait_frames (GTK_WIDGET (window), 2);
          check_visible_rows (window, links, search);
        }
    }

  set_search (window, links, "");
  check_visible_rows (window, links, "");
}

static void
test_search (void)
{
  write_history (500);
  kf_app_test_run (TRUE, search_body, NULL);
}


/* ------------------------------------------------------------------------ */
/* Bulk actions, failures, removing and the keyboard                          */

/* Real key presses through the X server, to the window under the pointer. */
static void
send_keys (const char *keys)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  int status;

  command = g_strdup_printf ("xdotool mousemove 300 300 key --clearmodifiers %s", keys);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static char *
make_dir (void)
{
  char *dir = g_build_filename (data_home, "files-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

/* A file of @size bytes that takes no room on disk. */
static char *
make_sparse_file (const char *dir,
                  const char *name,
                  goffset     size)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_seekable_truncate (G_SEEKABLE (stream), size, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
  return path;
}

static gboolean
all_finished (KfApplication *app)
{
  return kf_upload_queue_get_n_pending (kf_application_get_queue (app)) == 0;
}

static const char *
summary_of (KfWindow *window)
{
  return gtk_label_get_text (kf_upload_page_get_summary_label (kf_window_get_upload_page (window)));
}

static GtkWidget *
find_button_with_label (GtkWidget  *widget,
                        const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0 &&
          gtk_widget_get_mapped (child))
        return child;
      found = find_button_with_label (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static char **
names_in_list (KfApplication *app)
{
  GListModel *items = kf_app_test_get_items (app);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

      g_strv_builder_add (builder, kf_upload_item_get_name (item));
    }
  return g_strv_builder_end (builder);
}

static void
bulk_body (KfApplication *app,
           gpointer       data)
{
  const char *dir = data;
  static const char *const names[] = { "one.txt", "two.txt", "three.txt", "four.txt" };
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  GListModel *items = kf_app_test_get_items (app);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  GtkWidget *undo;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = kf_test_make_file (dir, names[i], 1000 + i);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }

  /* One file is refused: not a transient failure, so not retried. */
  kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_FILE_REFUSED, NULL, 1);
  g_assert_true (kf_app_test_drop_files (window, (GFile * const *) files->pdata, files->len));
  kf_app_test_wait_until (g_list_model_get_n_items (items) == 4 && all_finished (app), 60);
  kf_app_test_wait_until (g_strcmp0 (summary_of (window), "4 uploads, 1 failed") == 0, 5);

  /* Copy All Links (Ctrl+Shift+C): the three page links, one a line, as listed. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "nothing yet");
  send_keys ("ctrl+shift+c");
  {
    g_autoptr(GString) expected = g_string_new (NULL);
    g_autofree char *copied = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (items); i++)
      {
        g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

        if (kf_upload_item_get_state (item) != KF_UPLOAD_STATE_DONE)
          continue;
        if (expected->len > 0)
          g_string_append_c (expected, '\n');
        g_string_append (expected, kf_upload_item_get_link (item));
      }
    kf_app_test_wait_until ((g_free (copied), copied = clipboard_text (GTK_WIDGET (window))) != NULL &&
                            g_strcmp0 (copied, "nothing yet") != 0, 10);
    g_assert_cmpstr (copied, ==, expected->str);
  }

  /* Retry Failed (Ctrl+Shift+R): all four on the server. */
  send_keys ("ctrl+shift+r");
  kf_app_test_wait_until (g_strcmp0 (summary_of (window), "4 uploads") == 0 && all_finished (app), 30);
  {
    g_autoptr(GPtrArray) stored = kf_sandbox_list_files (sandbox);

    g_assert_cmpuint (stored->len, ==, 4);
  }

  /* Clear Finished (Ctrl+Shift+L), then Undo puts them back in their order. */
  before = names_in_list (app);
  send_keys ("ctrl+shift+l");
  kf_app_test_wait_until (g_list_model_get_n_items (items) == 0, 10);
  kf_app_test_wait_until ((undo = find_button_with_label (GTK_WIDGET (window), "_Undo")) != NULL, 10);
  g_signal_emit_by_name (undo, "clicked");
  kf_app_test_wait_until (g_list_model_get_n_items (items) == 4, 10);
  after = names_in_list (app);
  g_assert_true (g_strv_equal ((const char * const *) before, (const char * const *) after));

  /* Cancel All (Ctrl+Shift+X): running and waiting ones. */
  {
    g_autoptr(GPtrArray) big = g_ptr_array_new_with_free_func (g_object_unref);
    KfUploadItem *item;

    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *name = g_strdup_printf ("big-%u.iso", i);
        g_autofree char *path = make_sparse_file (dir, name, (goffset) 400 * 1000 * 1000);

        g_ptr_array_add (big, g_file_new_for_path (path));
      }
    g_assert_true (kf_app_test_drop_files (window, (GFile * const *) big->pdata, big->len));
    kf_app_test_wait_until ((item = kf_app_test_find_item (app, "big-0.iso")) != NULL &&
                            kf_upload_item_get_bytes_sent (item) > 0, 30);
    send_keys ("ctrl+shift+x");
    kf_app_test_wait_until (all_finished (app), 30);
    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *name = g_strdup_printf ("big-%u.iso", i);

        g_assert_cmpint (kf_upload_item_get_state (kf_app_test_find_item (app, name)), ==, KF_UPLOAD_STATE_CANCELLED);
      }
  }
}

/* A message, removing a finished upload (its Undo toast), Undo, and the
 * same again at once: with the Undo toast at high priority, libadwaita 1.2
 * aborted when the message it had put back in the queue came back while
 * still fading out. */
static void
toasts_body (KfApplication *app,
             gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadPage *page = kf_window_get_upload_page (window);
  GListModel *items = kf_app_test_get_items (app);
  g_autofree char *dir = make_dir ();
  g_autofree char *path = make_sparse_file (dir, "toast.txt", 1000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KfUploadItem *item;

  guint n_items;

  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "toast.txt")) != NULL &&
                          !kf_upload_item_is_active (item), 30);
  n_items = g_list_model_get_n_items (items);
  for (guint i = 0; i < 3; i++)
    {
      GtkWidget *undo;

      kf_window_add_toast (window, "A plain message");
      kf_app_test_run_for (50);
      gtk_widget_activate_action (GTK_WIDGET (page), "upload.remove", "s", kf_upload_item_get_id (item));
      kf_app_test_wait_until (kf_app_test_find_item (app, "toast.txt") == NULL, 10);
      g_assert_cmpuint (g_list_model_get_n_items (items), ==, n_items - 1);
      kf_app_test_wait_until ((undo = find_button_with_label (GTK_WIDGET (window), "_Undo")) != NULL, 15);
      g_signal_emit_by_name (undo, "clicked");
      kf_app_test_wait_until ((item = kf_app_test_find_item (app, "toast.txt")) != NULL, 10);
      g_assert_cmpuint (g_list_model_get_n_items (items), ==, n_items);
    }
}

static void
test_toasts (void)
{
  forget_history ();
  kf_app_test_run (TRUE, toasts_body, NULL);
}

static void
test_bulk (void)
{
  g_autofree char *dir = make_dir ();

  forget_history ();
  kf_app_test_run (TRUE, bulk_body, dir);
}

static GtkWidget *
row_button (KfUploadRow *row,
            const char  *action)
{
  GtkWidget *button = find_descendant (GTK_WIDGET (row), GTK_TYPE_BUTTON, action);

  g_assert_nonnull (button);
  return button;
}

static void
remove_body (KfApplication *app,
             gpointer       data)
{
  g_autofree char *path = make_sparse_file (data, "movie.mkv", (goffset) 4000 * 1000 * 1000);  /* still running when clicked, even on a fast machine */
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadItem *item;
  KfUploadRow *row;
  GtkWidget *cancel, *remove, *picked, *undo;
  graphene_rect_t cancel_bounds, remove_bounds;

  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "movie.mkv")) != NULL &&
                          kf_upload_item_get_bytes_sent (item) > 0, 30);
  g_object_ref (item);
  kf_app_test_wait_until ((row = kf_app_test_find_row (window, item)) != NULL, 10);
  wait_frames (GTK_WIDGET (window), 2);

  /* Removing does not look like deleting from the server. */
  remove = row_button (row, "upload.remove");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (remove)), !=, "user-trash-symbolic");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (remove)), ==, "list-remove-symbolic");

  if (kf_screenshot_dir () != NULL)
    {
      g_autofree char *shot = g_build_filename (kf_screenshot_dir (), "upload-running.png", NULL);

      g_assert_true (kf_screenshot_widget (GTK_WIDGET (window), shot, NULL));
    }

  /* First click: Cancel. */
  cancel = row_button (row, "upload.cancel");
  g_assert_true (gtk_widget_compute_bounds (cancel, GTK_WIDGET (window), &cancel_bounds));
  picked = pick_at (GTK_WIDGET (window), cancel);
  g_assert_true (picked == cancel || gtk_widget_is_ancestor (picked, cancel));
  g_signal_emit_by_name (cancel, "clicked");

  /* Second click, a frame later at the same place: Remove. */
  wait_frames (GTK_WIDGET (window), 1);
  g_assert_true (gtk_widget_compute_bounds (remove, GTK_WIDGET (window), &remove_bounds));
  if (!graphene_rect_equal (&cancel_bounds, &remove_bounds))
    g_error ("Remove at %g,%g %gx%g, Cancel was at %g,%g %gx%g",
             remove_bounds.origin.x, remove_bounds.origin.y, remove_bounds.size.width, remove_bounds.size.height,
             cancel_bounds.origin.x, cancel_bounds.origin.y, cancel_bounds.size.width, cancel_bounds.size.height);
  picked = gtk_widget_pick (GTK_WIDGET (window),
                            cancel_bounds.origin.x + cancel_bounds.size.width / 2,
                            cancel_bounds.origin.y + cancel_bounds.size.height / 2,
                            GTK_PICK_DEFAULT);
  g_assert_true (picked == remove || gtk_widget_is_ancestor (picked, remove));
  g_signal_emit_by_name (remove, "clicked");
  kf_app_test_wait_until (kf_app_test_find_item (app, "movie.mkv") == NULL, 10);
  kf_app_test_wait_until (!kf_upload_item_is_active (item), 10);

  /* Undo in the toast: back at the top, cancelled, nothing on the server. */
  kf_app_test_wait_until ((undo = find_button_with_label (GTK_WIDGET (window), "_Undo")) != NULL, 10);
  g_signal_emit_by_name (undo, "clicked");
  kf_app_test_wait_until (kf_app_test_find_item (app, "movie.mkv") == item, 10);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_CANCELLED);
  {
    g_autoptr(KfUploadItem) first = g_list_model_get_item (kf_app_test_get_items (app), 0);
    g_autoptr(GPtrArray) stored = kf_sandbox_list_files (kf_application_get_sandbox (app));

    g_assert_true (first == item);
    g_assert_cmpuint (stored->len, ==, 0);
  }
  g_object_unref (item);
}

static void
test_remove (void)
{
  g_autofree char *dir = make_dir ();

  forget_history ();
  kf_app_test_run (TRUE, remove_body, dir);
}

static void
failures_body (KfApplication *app,
               gpointer       data)
{
  const char *dir = data;
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  KfUploadQueue *queue = kf_application_get_queue (app);
  guint attempts = 0;
  KfUploadItem *item;
  KfUploadRow *row;

  g_object_get (kf_application_get_client (app), "max-attempts", &attempts, NULL);
  kf_upload_queue_set_retry_policy (queue, 1, 500);

  /* The server goes away in the middle of a big upload, every time. */
  {
    g_autofree char *path = make_sparse_file (dir, "backup.tar", (goffset) 100 * 1000 * 1000);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_CUT_UPLOAD, NULL, 0);
    g_assert_true (kf_app_test_drop_files (window, &file, 1));
    kf_app_test_wait_until ((item = kf_app_test_find_item (app, "backup.tar")) != NULL, 10);
    kf_app_test_wait_until ((row = kf_app_test_find_row (window, item)) != NULL, 10);

    /* First it tries again by itself, and says so. */
    kf_app_test_wait_until (kf_upload_row_get_message (row) != NULL &&
                            strstr (kf_upload_row_get_message (row), "Trying again") != NULL, 120);
    g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_WAITING);
    g_assert_true (g_str_has_prefix (kf_upload_row_get_message (row), "Connection lost."));

    /* Then it asks: what happened, not a guess about the size. */
    kf_app_test_wait_until (kf_upload_item_get_state (item) == KF_UPLOAD_STATE_FAILED, 120);
    g_assert_true (g_str_has_prefix (kf_upload_item_get_error_message (item), "Connection lost."));
    g_assert_null (strstr (kf_upload_item_get_error_message (item), "larger"));
    g_assert_cmpstr (kf_upload_row_get_message (row), ==, kf_upload_item_get_error_message (item));
    kf_sandbox_clear_faults (sandbox);
  }

  /* A server error for one whole try of the client; the queue's own retry works. */
  {
    g_autofree char *path = kf_test_make_file (dir, "notes.txt", 5000);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    KfUploadItem *notes;

    kf_sandbox_add_fault (sandbox, KF_SANDBOX_FAULT_HTML_5XX, NULL, attempts);
    g_assert_true (kf_app_test_drop_files (window, &file, 1));
    kf_app_test_wait_until ((notes = kf_app_test_find_item (app, "notes.txt")) != NULL, 10);
    kf_app_test_wait_until (kf_upload_item_get_error_message (notes) != NULL &&
                            g_str_has_prefix (kf_upload_item_get_error_message (notes), "Server error."), 60);
    kf_app_test_wait_until (!kf_upload_item_is_active (notes), 60);
    g_assert_cmpint (kf_upload_item_get_state (notes), ==, KF_UPLOAD_STATE_DONE);
  }

  /* The summary counts the failure. */
  kf_app_test_wait_until (all_finished (app), 10);
  kf_app_test_wait_until (g_strcmp0 (summary_of (window), "2 uploads, 1 failed") == 0, 5);
}

static void
test_failures (void)
{
  g_autofree char *dir = make_dir ();

  forget_history ();
  kf_app_test_run (TRUE, failures_body, dir);
}

static void
keyboard_body (KfApplication *app,
               gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfUploadPage *page = kf_window_get_upload_page (window);
  GListModel *items = kf_app_test_get_items (app);
  g_autoptr(KfUploadItem) first = NULL;
  g_autoptr(KfUploadItem) second = NULL;
  g_autofree char *copied = NULL;

  kf_app_test_wait_until (g_list_model_get_n_items (items) == 20, 10);
  first = g_list_model_get_item (items, 0);
  second = g_list_model_get_item (items, 1);
  wait_frames (GTK_WIDGET (window), 2);

  /* The row takes the focus, not its buttons or labels. */
  /* A click on the first row focuses it. */
  g_assert_true (gtk_widget_grab_focus (gtk_widget_get_first_child (GTK_WIDGET (kf_upload_page_get_list_view (page)))));
  kf_app_test_wait_until (kf_upload_page_get_focused_item (page) == first, 5);
  g_assert_false (GTK_IS_BUTTON (gtk_root_get_focus (GTK_ROOT (window))));
  g_assert_false (GTK_IS_LABEL (gtk_root_get_focus (GTK_ROOT (window))));

  /* Down moves to the next row; Ctrl+C copies its link. */
  send_keys ("Down");
  kf_app_test_wait_until (kf_upload_page_get_focused_item (page) == second, 5);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "nothing yet");
  send_keys ("ctrl+c");
  kf_app_test_wait_until ((g_free (copied), copied = clipboard_text (GTK_WIDGET (window))) != NULL &&
                          g_strcmp0 (copied, kf_upload_item_get_link (second)) == 0, 5);
  send_keys ("Up");
  kf_app_test_wait_until (kf_upload_page_get_focused_item (page) == first, 5);

  /* Tab and Shift+Tab leave the list at once, not row by row. */
  send_keys ("Tab");
  kf_app_test_wait_until (kf_upload_page_get_focused_item (page) == NULL, 5);
  g_assert_true (gtk_widget_grab_focus (gtk_widget_get_first_child (GTK_WIDGET (kf_upload_page_get_list_view (page)))));
  kf_app_test_wait_until (kf_upload_page_get_focused_item (page) == first, 5);
  send_keys ("shift+Tab");
  kf_app_test_wait_until (kf_upload_page_get_focused_item (page) == NULL, 5);
  g_assert_true (GTK_IS_BUTTON (gtk_root_get_focus (GTK_ROOT (window))));

  /* Alt+1…4 switch pages. */
  send_keys ("alt+2");
  kf_app_test_wait_until (g_strcmp0 (adw_view_stack_get_visible_child_name (kf_window_get_view_stack (window)), "dashboard") == 0, 5);
  send_keys ("alt+3");
  kf_app_test_wait_until (g_strcmp0 (adw_view_stack_get_visible_child_name (kf_window_get_view_stack (window)), "vouchers") == 0, 5);
  send_keys ("alt+4");
  kf_app_test_wait_until (g_strcmp0 (adw_view_stack_get_visible_child_name (kf_window_get_view_stack (window)), "files") == 0, 5);
  send_keys ("alt+1");
  kf_app_test_wait_until (g_strcmp0 (adw_view_stack_get_visible_child_name (kf_window_get_view_stack (window)), "upload") == 0, 5);
}

static void
test_keyboard (void)
{
  write_history (20);
  kf_app_test_run (TRUE, keyboard_body, NULL);
}

int
main (int   argc,
      char *argv[])
{
  data_home = kf_app_test_init (&argc, &argv, FALSE);

  g_test_add_func ("/app/queue/search", test_search);
  g_test_add_func ("/app/queue/toasts", test_toasts);
  g_test_add_func ("/app/queue/bulk", test_bulk);
  g_test_add_func ("/app/queue/remove", test_remove);
  g_test_add_func ("/app/queue/failures", test_failures);
  g_test_add_func ("/app/queue/keyboard", test_keyboard);

  return g_test_run ();
}
