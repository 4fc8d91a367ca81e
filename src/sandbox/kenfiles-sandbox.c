/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "kf-sandbox.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KfSandbox) sandbox = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *data_dir = NULL;
  g_auto(GStrv) disabled = NULL;
  gint port = 0;
  gboolean premium = TRUE;
  gboolean no_premium = FALSE;
  guint sigint_id, sigterm_id;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Port of the API host (0 picks a free one)"), N_("PORT") },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Folder for uploaded files (default: a temporary folder)"), N_("DIR") },
    { "premium", 0, 0, G_OPTION_ARG_NONE, &premium,
      N_("The demo account is premium (default)"), NULL },
    { "no-premium", 0, 0, G_OPTION_ARG_NONE, &no_premium,
      N_("The demo account is a registered, non-premium one"), NULL },
    { "disable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &disabled,
      N_("Answer OPERATION (such as file/clone) as the server answers an operation it does not offer; may be repeated"),
      N_("OPERATION") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("A local KenFiles-compatible server for trying and testing KenFiles Desktop."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr (_("The port must be between 0 and 65535.\n"));
      return 2;
    }

  sandbox = kf_sandbox_new (data_dir);
  kf_sandbox_set_premium (sandbox, premium && !no_premium);
  for (guint i = 0; disabled != NULL && disabled[i] != NULL; i++)
    kf_sandbox_set_operation_enabled (sandbox, disabled[i], FALSE);
  if (!kf_sandbox_start (sandbox, (guint) port, &error))
    {
      g_printerr (_("Cannot start the sandbox: %s\n"), error->message);
      return 1;
    }

  /* Lines a script can parse, so kept untranslated. */
  g_print ("URL: %s\n", kf_sandbox_get_url (sandbox));
  g_print ("Key: %s\n", kf_sandbox_get_api_key (sandbox));
  g_print ("Files: %s\n", kf_sandbox_get_data_dir (sandbox));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  kf_sandbox_stop (sandbox);
  return 0;
}
