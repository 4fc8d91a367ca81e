/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Real drag and drop: a second process (kf-drag-source, standing in for a
 * file manager) offers two files and a folder as text/uri-list, the pointer
 * is moved with xdotool (XTest, as a hand would), and the drop travels over
 * XDND between the two X clients. Checked by what the sandbox then holds. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kf-alert.h"
#include "kf-app-test-util.h"
#include "kf-test-util.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#define SOURCE_X 900
#define SOURCE_Y 100

static const char *data_home;

typedef struct {
  GDataInputStream *stream;
  char             *line;
  gboolean          done;
} LineRead;

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, NULL);
  read->done = TRUE;
}

/* The source's next line of output, while the main loop runs. */
static char *
read_line (GDataInputStream *stream)
{
  LineRead read = { stream, NULL, FALSE };

  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL, line_read_cb, &read);
  kf_app_test_wait_until (read.done, 30);
  return read.line;
}

static void
xdotool_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* Runs xdotool with @args while this process keeps answering X events. */
static void
xdotool (const char *args)
{
  g_autofree char *command = g_strconcat ("xdotool ", args, NULL);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_assert_true (g_shell_parse_argv (command, NULL, &argv, &error));
  process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (process, NULL, xdotool_done_cb, &done);
  kf_app_test_wait_until (done, 60);
}

static KfSandboxFolder *
find_folder (GPtrArray  *folders,
             const char *name)
{
  for (guint i = 0; i < folders->len; i++)
    {
      KfSandboxFolder *folder = folders->pdata[i];

      if (g_strcmp0 (folder->name, name) == 0)
        return folder;
    }
  return NULL;
}

static KfSandboxFile *
find_file (GPtrArray  *files,
           const char *name)
{
  for (guint i = 0; i < files->len; i++)
    {
      KfSandboxFile *file = files->pdata[i];

      if (g_strcmp0 (file->name, name) == 0)
        return file;
    }
  return NULL;
}

static guint
n_stored (KfSandbox *sandbox)
{
  g_autoptr(GPtrArray) files = kf_sandbox_list_files (sandbox);

  return files->len;
}

static void
xdnd_body (KfApplication *app,
           gpointer       data)
{
  const char *dir = data;
  KfWindow *window = kf_app_test_get_window (app);
  KfSandbox *sandbox = kf_application_get_sandbox (app);
  g_autofree char *a = g_build_filename (dir, "a.txt", NULL);
  g_autofree char *b = g_build_filename (dir, "b b.bin", NULL);
  g_autofree char *tree = g_build_filename (dir, "tree", NULL);
  g_autofree char *c = g_build_filename (dir, "tree", "sub", "c.txt", NULL);
  g_autoptr(GSubprocess) source = NULL;
  g_autoptr(GDataInputStream) source_out = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *move = NULL;
  g_autofree char *drag = NULL;
  KfSandboxFolder *tree_folder, *sub_folder, *empty_folder;
  KfSandboxFile *stored;
  GtkWidget *dialog;
  GdkSurface *surface;
  int drop_x, drop_y;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  /* The window where the pointer will let go: top left of the screen. */
  surface = gtk_native_get_surface (GTK_NATIVE (window));
#ifdef GDK_WINDOWING_X11
  g_assert_true (GDK_IS_X11_SURFACE (surface));
  move = g_strdup_printf ("windowmove %lu 0 0", (gulong) gdk_x11_surface_get_xid (surface));
#else
  g_assert_not_reached ();
#endif
  xdotool (move);
  kf_app_test_run_for (300);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <, SOURCE_X);
  drop_x = gtk_widget_get_width (GTK_WIDGET (window)) / 2;
  drop_y = gtk_widget_get_height (GTK_WIDGET (window)) / 2;

  /* The "file manager", to the right of it. */
  source = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             g_getenv ("KF_DRAG_SOURCE"), a, b, tree, NULL);
  g_assert_no_error (error);
  source_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (source));
  line = read_line (source_out);
  g_assert_cmpstr (line, ==, "ready");
  g_clear_pointer (&line, g_free);
  xdotool ("search --sync --name \"^KenFiles test drag source$\" windowmove " G_STRINGIFY (SOURCE_X) " " G_STRINGIFY (SOURCE_Y));
  kf_app_test_run_for (300);

  /* Press on the source, move past the drag threshold, over the window,
   * wait there a moment (as a hand does), let go. */
  drag = g_strdup_printf ("mousemove %d %d sleep 0.3 mousedown 1 sleep 0.3 "
                          "mousemove %d %d sleep 0.2 mousemove %d %d sleep 0.2 "
                          "mousemove %d %d sleep 0.3 mousemove %d %d sleep 0.6 mouseup 1",
                          SOURCE_X + 150, SOURCE_Y + 100,
                          SOURCE_X + 130, SOURCE_Y + 110,
                          SOURCE_X - 100, drop_y,
                          drop_x, drop_y,
                          drop_x + 8, drop_y + 4);
  xdotool (drag);

  /* The source hears the drop was taken, as a copy. */
  line = read_line (source_out);
  g_assert_cmpstr (line, ==, "dropped copy");

  /* Both files and the whole tree arrive, in their folders. */
  /* A folder among them: the page asks first, as for any folder. */
  kf_app_test_wait_until ((dialog = kf_upload_page_get_folder_dialog (kf_window_get_upload_page (window))) != NULL, 10);
  g_assert_cmpstr (kf_alert_get_heading (dialog), ==, "Upload 3 Files?");
  kf_alert_response (dialog, "upload");

  kf_app_test_wait_until (n_stored (sandbox) == 3, 60);
  files = kf_sandbox_list_files (sandbox);
  folders = kf_sandbox_list_folders (sandbox);
  tree_folder = find_folder (folders, "tree");
  sub_folder = find_folder (folders, "sub");
  empty_folder = find_folder (folders, "empty");
  g_assert_nonnull (tree_folder);
  g_assert_nonnull (sub_folder);
  g_assert_nonnull (empty_folder);
  g_assert_cmpstr (tree_folder->parent_id, ==, "0");
  g_assert_cmpstr (sub_folder->parent_id, ==, tree_folder->folder_id);
  g_assert_cmpstr (empty_folder->parent_id, ==, tree_folder->folder_id);

  stored = find_file (files, "a.txt");
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->folder_id, ==, "0");
  g_assert_true (kf_test_files_equal (stored->path, a));
  stored = find_file (files, "b b.bin");
  g_assert_nonnull (stored);
  g_assert_true (kf_test_files_equal (stored->path, b));
  stored = find_file (files, "c.txt");
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->folder_id, ==, sub_folder->folder_id);
  g_assert_true (kf_test_files_equal (stored->path, c));

  g_subprocess_force_exit (source);
  g_subprocess_wait (source, NULL, NULL);
}

static void
test_xdnd (void)
{
  g_autofree char *dir = g_build_filename (data_home, "drag-XXXXXX", NULL);
  g_autofree char *sub = NULL;
  g_autofree char *empty = NULL;

  g_assert_nonnull (g_mkdtemp (dir));
  sub = g_build_filename (dir, "tree", "sub", NULL);
  empty = g_build_filename (dir, "tree", "empty", NULL);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  g_free (kf_test_make_file (dir, "a.txt", 3000));
  g_free (kf_test_make_file (dir, "b b.bin", 70000));
  g_free (kf_test_make_file (sub, "c.txt", 500));

  kf_app_test_run (TRUE, xdnd_body, dir);
}

int
main (int   argc,
      char *argv[])
{
  data_home = kf_app_test_init (&argc, &argv, FALSE);

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return 77;
    }

  g_test_add_func ("/app/xdnd/files-and-folder", test_xdnd);
  return g_test_run ();
}
