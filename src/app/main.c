/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "kf-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KfApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("KenFiles"));

  app = kf_application_new (FALSE);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
