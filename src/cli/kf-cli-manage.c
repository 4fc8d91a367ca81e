/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands that change files and folders on the server, and file
 * details: mv, rename, clone, mkdir, rename-folder, info. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kf-cli.h"
#include "kf-util.h"

static char *opt_folder;
static char *opt_parent;

/* What the command was asked, kept until it ends (cli->command_data). */
typedef struct {
  GStrv  codes;
  char  *id;
  char  *name;
} ManageArgs;

static void
manage_args_free (ManageArgs *args)
{
  g_strfreev (args->codes);
  g_free (args->id);
  g_free (args->name);
  g_free (args);
}

static ManageArgs *
manage_args (KfCli *cli)
{
  return cli->command_data;
}

static void
set_args (KfCli      *cli,
          GStrv       codes,
          const char *id,
          const char *name)
{
  ManageArgs *args = g_new0 (ManageArgs, 1);

  args->codes = codes;
  args->id = g_strdup (id);
  args->name = g_strdup (name);
  cli->command_data = args;
  cli->command_data_free = (GDestroyNotify) manage_args_free;
}

static gboolean
expect_n_args (KfCli       *cli,
               char       **argv,
               guint        n_min,
               guint        n_max,
               const char  *what)
{
  guint n = g_strv_length (argv) - 1;

  if (n < n_min)
    {
      g_autofree char *message = g_strdup_printf (_("Missing argument: %s."), what);

      kf_cli_usage_error (cli, message);
      return FALSE;
    }
  if (n > n_max)
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”."), argv[n_max + 1]);

      kf_cli_usage_error (cli, message);
      return FALSE;
    }
  return TRUE;
}

/* File codes travel comma-separated: a comma or a blank in one would name
 * other files. */
static gboolean
check_code (KfCli      *cli,
            const char *code)
{
  gboolean ok = *code != '\0';

  for (const char *p = code; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p) || *p == '_' || *p == '-';
  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a file code."), code);

      kf_cli_usage_error (cli, message);
    }
  return ok;
}

static gboolean
check_codes (KfCli  *cli,
             char  **codes)
{
  for (guint i = 0; codes[i] != NULL; i++)
    {
      if (!check_code (cli, codes[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_folder_id (KfCli      *cli,
                 const char *id)
{
  guint64 n;

  if (g_ascii_string_to_unsigned (id, 10, 0, G_MAXUINT64, &n, NULL))
    return TRUE;

  {
    g_autofree char *message = g_strdup_printf (_("“%s” is not a folder ID (a number; 0 is the top folder)."), id);

    kf_cli_usage_error (cli, message);
  }
  return FALSE;
}

static gboolean
check_name (KfCli      *cli,
            const char *name)
{
  g_autofree char *stripped = NULL;

  if (!g_utf8_validate (name, -1, NULL))
    {
      kf_cli_usage_error (cli, _("The name is not valid UTF-8."));
      return FALSE;
    }
  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      kf_cli_usage_error (cli, _("The name is empty."));
      return FALSE;
    }
  return TRUE;
}

/* mv */

static void
mv_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  KfCli *cli = user_data;
  ManageArgs *args = manage_args (cli);
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length (args->codes);

  if (!kf_client_move_files_finish (KF_CLIENT (source), result, &error))
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "moved");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        json_builder_add_string_value (builder, args->codes[i]);
      json_builder_end_array (builder);
      kf_cli_json_add_string (builder, "folder_id", args->id);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    {
      /* TRANSLATORS: %u is a number of files, %s a folder ID */
      kf_cli_print_text (cli, g_dngettext (GETTEXT_PACKAGE, "Moved %u file to folder %s.\n",
                                           "Moved %u files to folder %s.\n", n),
                         n, args->id);
    }
  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
mv_start (KfCli *cli)
{
  ManageArgs *args = manage_args (cli);

  kf_client_move_files_async (cli->client, (const char * const *) args->codes, args->id,
                              cli->cancellable, mv_cb, cli);
}

gboolean
kf_cli_mv (KfCli  *cli,
           char  **argv)
{
  const GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder,
      N_("Folder to move the files into (0 is the top folder)"), N_("ID") },
    { NULL }
  };

  if (!kf_cli_parse_options (cli, "mv", _("CODE…"),
                             _("Move files into another folder, all in one request."),
                             entries, &argv) ||
      !expect_n_args (cli, argv, 1, G_MAXUINT, _("a file code")))
    return FALSE;
  if (opt_folder == NULL)
    {
      kf_cli_usage_error (cli, _("Missing option: --folder ID."));
      return FALSE;
    }
  if (!check_codes (cli, argv + 1) || !check_folder_id (cli, opt_folder) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  set_args (cli, g_strdupv (argv + 1), opt_folder, NULL);
  kf_cli_require_key (cli, mv_start);
  return TRUE;
}

/* rename */

static void
rename_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  KfCli *cli = user_data;
  ManageArgs *args = manage_args (cli);
  g_autoptr(GError) error = NULL;

  if (!kf_client_rename_file_finish (KF_CLIENT (source), result, &error))
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "file_code", args->codes[0]);
      kf_cli_json_add_string (builder, "name", args->name);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    {
      /* TRANSLATORS: the first %s is a file code, the second its new name */
      kf_cli_print_text (cli, _("Renamed %s to “%s”.\n"), args->codes[0], args->name);
    }
  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
rename_start (KfCli *cli)
{
  ManageArgs *args = manage_args (cli);

  kf_client_rename_file_async (cli->client, args->codes[0], args->name, cli->cancellable,
                               rename_cb, cli);
}

gboolean
kf_cli_rename (KfCli  *cli,
               char  **argv)
{
  const GOptionEntry entries[] = { { NULL } };

  if (!kf_cli_parse_options (cli, "rename", _("CODE NAME"),
                             _("Rename a file. Its link stays the same."), entries, &argv) ||
      !expect_n_args (cli, argv, 2, 2, argv[1] == NULL ? _("the file code") : _("the new name")) ||
      !check_code (cli, argv[1]) || !check_name (cli, argv[2]) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  set_args (cli, g_strdupv ((char *[]) { argv[1], NULL }), NULL, argv[2]);
  kf_cli_require_key (cli, rename_start);
  return TRUE;
}

/* clone */

static void
clone_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KfCli *cli = user_data;
  ManageArgs *args = manage_args (cli);
  g_autoptr(GError) error = NULL;
  g_autoptr(KfFileInfo) copy = NULL;

  copy = kf_client_clone_file_finish (KF_CLIENT (source), result, &error);
  if (copy == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "file_code", copy->file_code);
      kf_cli_json_add_string (builder, "source", args->codes[0]);
      kf_cli_json_add_string (builder, "url", copy->url);
      kf_cli_json_add_string (builder, "folder_id", copy->folder_id);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    kf_cli_print_text (cli, "%s  %s\n", copy->file_code, copy->url != NULL ? copy->url : "");
  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
clone_start (KfCli *cli)
{
  ManageArgs *args = manage_args (cli);

  kf_client_clone_file_async (cli->client, args->codes[0], args->id, cli->cancellable,
                              clone_cb, cli);
}

gboolean
kf_cli_clone (KfCli  *cli,
              char  **argv)
{
  const GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder,
      N_("Folder for the copy (default: the original’s folder)"), N_("ID") },
    { NULL }
  };

  if (!kf_cli_parse_options (cli, "clone", _("CODE"),
                             _("Make a copy of a file with a link of its own, and print its code and link."),
                             entries, &argv) ||
      !expect_n_args (cli, argv, 1, 1, _("the file code")) ||
      !check_code (cli, argv[1]) ||
      (opt_folder != NULL && !check_folder_id (cli, opt_folder)) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  set_args (cli, g_strdupv ((char *[]) { argv[1], NULL }), opt_folder, NULL);
  kf_cli_require_key (cli, clone_start);
  return TRUE;
}

/* mkdir */

static void
mkdir_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KfCli *cli = user_data;
  ManageArgs *args = manage_args (cli);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder_id = NULL;

  folder_id = kf_client_create_folder_finish (KF_CLIENT (source), result, &error);
  if (folder_id == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "folder_id", folder_id);
      kf_cli_json_add_string (builder, "name", args->name);
      kf_cli_json_add_string (builder, "parent_id", args->id);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    kf_cli_print_text (cli, "%s\n", folder_id);
  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
mkdir_start (KfCli *cli)
{
  ManageArgs *args = manage_args (cli);

  kf_client_create_folder_async (cli->client, args->id, args->name, cli->cancellable,
                                 mkdir_cb, cli);
}

gboolean
kf_cli_mkdir (KfCli  *cli,
              char  **argv)
{
  const GOptionEntry entries[] = {
    { "parent", 0, 0, G_OPTION_ARG_STRING, &opt_parent,
      N_("Folder to make it in (default: the top folder, 0)"), N_("ID") },
    { NULL }
  };

  if (!kf_cli_parse_options (cli, "mkdir", _("NAME"),
                             _("Make a folder and print its ID."), entries, &argv) ||
      !expect_n_args (cli, argv, 1, 1, _("the folder name")) ||
      !check_name (cli, argv[1]) ||
      (opt_parent != NULL && !check_folder_id (cli, opt_parent)) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  set_args (cli, NULL, opt_parent != NULL ? opt_parent : "0", argv[1]);
  kf_cli_require_key (cli, mkdir_start);
  return TRUE;
}

/* rename-folder */

static void
rename_folder_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KfCli *cli = user_data;
  ManageArgs *args = manage_args (cli);
  g_autoptr(GError) error = NULL;

  if (!kf_client_rename_folder_finish (KF_CLIENT (source), result, &error))
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "folder_id", args->id);
      kf_cli_json_add_string (builder, "name", args->name);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
  else
    {
      /* TRANSLATORS: the first %s is a folder ID, the second its new name */
      kf_cli_print_text (cli, _("Renamed folder %s to “%s”.\n"), args->id, args->name);
    }
  kf_cli_finish (cli, KF_CLI_EXIT_OK);
}

static void
rename_folder_start (KfCli *cli)
{
  ManageArgs *args = manage_args (cli);

  kf_client_rename_folder_async (cli->client, args->id, args->name, cli->cancellable,
                                 rename_folder_cb, cli);
}

gboolean
kf_cli_rename_folder (KfCli  *cli,
                      char  **argv)
{
  const GOptionEntry entries[] = { { NULL } };

  if (!kf_cli_parse_options (cli, "rename-folder", _("ID NAME"), _("Rename a folder."),
                             entries, &argv) ||
      !expect_n_args (cli, argv, 2, 2, argv[1] == NULL ? _("the folder ID") : _("the new name")) ||
      !check_folder_id (cli, argv[1]) || !check_name (cli, argv[2]) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  set_args (cli, NULL, argv[1], argv[2]);
  kf_cli_require_key (cli, rename_folder_start);
  return TRUE;
}

/* info */

static const KfFileInfo *
find_info (GPtrArray  *files,
           const char *code)
{
  for (guint i = 0; i < files->len; i++)
    {
      const KfFileInfo *info = g_ptr_array_index (files, i);

      /* An unknown code comes back as {filecode, status: 404}. */
      if (g_strcmp0 (info->file_code, code) == 0 && g_strcmp0 (info->status, "404") != 0)
        return info;
    }
  return NULL;
}

static void
info_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  KfCli *cli = user_data;
  ManageArgs *args = manage_args (cli);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  guint n_missing = 0;

  files = kf_client_get_file_info_finish (KF_CLIENT (source), result, &error);
  if (files == NULL)
    {
      kf_cli_fail (cli, error);
      return;
    }

  if (cli->json)
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
    }

  /* In the order asked, and only what was asked: never another entry. */
  for (guint i = 0; args->codes[i] != NULL; i++)
    {
      const KfFileInfo *info = find_info (files, args->codes[i]);

      if (info == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The server knows no file “%s”."), args->codes[i]);

          kf_cli_warn (cli, message);
          n_missing++;
          continue;
        }

      if (builder != NULL)
        {
          json_builder_begin_object (builder);
          kf_cli_json_add_string (builder, "file_code", info->file_code);
          kf_cli_json_add_string (builder, "name", info->name);
          kf_cli_json_add_int (builder, "size", info->size, info->size >= 0);
          kf_cli_json_add_int (builder, "downloads", info->downloads, info->downloads >= 0);
          kf_cli_json_add_string (builder, "uploaded", info->uploaded);
          kf_cli_json_add_string (builder, "url", info->url);
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *size = info->size >= 0 ? kf_format_size (info->size) : g_strdup (_("unknown"));
          g_autofree char *downloads = info->downloads >= 0
                                       ? g_strdup_printf ("%" G_GINT64_FORMAT, info->downloads)
                                       : g_strdup (_("unknown"));

          if (i > 0)
            kf_cli_print_text (cli, "\n");
          kf_cli_print_text (cli, "%-12s %s\n", _("Code:"), info->file_code);
          kf_cli_print_text (cli, "%-12s %s\n", _("Name:"), info->name != NULL ? info->name : "");
          kf_cli_print_text (cli, "%-12s %s\n", _("Size:"), size);
          kf_cli_print_text (cli, "%-12s %s\n", _("Downloads:"), downloads);
          kf_cli_print_text (cli, "%-12s %s\n", _("Uploaded:"),
                             info->uploaded != NULL ? info->uploaded : _("unknown"));
          kf_cli_print_text (cli, "%-12s %s\n", _("Link:"), info->url != NULL ? info->url : "");
        }
    }

  if (builder != NULL)
    {
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "not_found");
      json_builder_begin_array (builder);
      for (guint i = 0; args->codes[i] != NULL; i++)
        {
          if (find_info (files, args->codes[i]) == NULL)
            json_builder_add_string_value (builder, args->codes[i]);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }

  kf_cli_finish (cli, n_missing > 0 ? KF_CLI_EXIT_FAILED : KF_CLI_EXIT_OK);
}

static void
info_start (KfCli *cli)
{
  ManageArgs *args = manage_args (cli);

  kf_client_get_file_info_async (cli->client, (const char * const *) args->codes,
                                 cli->cancellable, info_cb, cli);
}

gboolean
kf_cli_info (KfCli  *cli,
             char  **argv)
{
  const GOptionEntry entries[] = { { NULL } };

  if (!kf_cli_parse_options (cli, "info", _("CODE…"),
                             _("Show name, size, downloads, upload date and link of files. "
                               "Ends with status 1 when the server knows one of them not."),
                             entries, &argv) ||
      !expect_n_args (cli, argv, 1, G_MAXUINT, _("a file code")) ||
      !check_codes (cli, argv + 1) ||
      !kf_cli_connect (cli, 2))
    return FALSE;

  set_args (cli, g_strdupv (argv + 1), NULL, NULL);
  kf_cli_require_key (cli, info_start);
  return TRUE;
}
