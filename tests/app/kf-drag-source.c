/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A stand-in for a file manager in the drag-and-drop test: a window that
 * offers its arguments (paths) as text/uri-list, as Files does, when a
 * drag starts on it. It prints "ready" once shown and "dropped ACTION"
 * when a drag ends; it runs until killed. Not installed. */
#include "config.h"

#include <gtk/gtk.h>

#define SOURCE_TITLE "KenFiles test drag source"

static GdkContentProvider *
prepare_cb (GtkDragSource *source,
            double         x,
            double         y,
            GBytes        *uris)
{
  return gdk_content_provider_new_for_bytes ("text/uri-list", uris);
}

static void
drag_end_cb (GtkDragSource *source,
             GdkDrag       *drag,
             gboolean       delete_data,
             gpointer       user_data)
{
  GdkDragAction action = gdk_drag_get_selected_action (drag);

  g_print ("dropped %s\n", action == GDK_ACTION_COPY ? "copy" : action == 0 ? "none" : "other");
}

static void
map_cb (GtkWidget *window)
{
  g_print ("ready\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GBytes) uris = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GtkDragSource *source;
  GtkWidget *window;
  GtkWidget *label;

  gtk_init ();
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autofree char *uri = g_file_get_uri (file);

      /* text/uri-list lines end in CR LF (RFC 2483). */
      g_string_append_printf (list, "%s\r\n", uri);
    }
  uris = g_string_free_to_bytes (g_steal_pointer (&list));

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), SOURCE_TITLE);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 200);
  label = gtk_label_new ("Drag me");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_vexpand (label, TRUE);
  gtk_window_set_child (GTK_WINDOW (window), label);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (prepare_cb), uris);
  g_signal_connect (source, "drag-end", G_CALLBACK (drag_end_cb), NULL);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (source));

  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));

  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
