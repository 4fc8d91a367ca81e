/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "kf-cli.h"
#include "kf-keyring.h"
#include "kf-util.h"

gboolean  kf_cli_opt_json;
char     *kf_cli_opt_server;
int       kf_cli_opt_timeout = -1;   /* -1: not given */
static gboolean opt_version;

/* Long enough for any API answer, short enough to be a mistake no longer. */
#define MAX_TIMEOUT_S (24 * 60 * 60)

const GOptionEntry kf_cli_global_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, &kf_cli_opt_server,
    N_("KenFiles server (default: $KENFILES_SERVER, else https://kenfiles.com)"), N_("URL") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &kf_cli_opt_json,
    N_("Print one JSON document on standard output"), NULL },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &kf_cli_opt_timeout,
    N_("Give up on a server that has not answered within this many seconds"), N_("SECONDS") },
  { NULL }
};

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Show the version and exit"), NULL },
  { NULL }
};

typedef struct {
  const char *name;
  gboolean  (*run) (KfCli *cli, char **argv);
} KfCliCommand;

static const KfCliCommand commands[] = {
  { "account", kf_cli_account },
  { "stats", kf_cli_stats },
  { "upload", kf_cli_upload },
  { "remote-upload", kf_cli_remote_upload },
  { "remote-status", kf_cli_remote_status },
  { "link", kf_cli_link },
  { "voucher", kf_cli_voucher },
  { "vouchers", kf_cli_vouchers },
  { "files", kf_cli_files },
  { "info", kf_cli_info },
  { "mv", kf_cli_mv },
  { "rename", kf_cli_rename },
  { "clone", kf_cli_clone },
  { "mkdir", kf_cli_mkdir },
  { "rename-folder", kf_cli_rename_folder },
  { "key", kf_cli_key },
};

static char *
one_line (const char *message)
{
  char *line = g_strdup (message != NULL ? message : "");

  g_strstrip (line);
  for (char *p = line; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';

  return line;
}

/* What goes to the terminal: one line, server text escaped. */
static char *
one_line_escaped (const char *message)
{
  g_autofree char *line = one_line (message);

  return kf_util_escape_for_terminal (line);
}

void
kf_cli_clear_progress (KfCli *cli)
{
  if (cli->progress_shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
      cli->progress_shown = FALSE;
    }
}

void
kf_cli_show_progress (KfCli      *cli,
                      const char *line)
{
  g_autofree char *escaped = NULL;

  if (!cli->stderr_is_tty)
    return;

  escaped = one_line_escaped (line);
  fprintf (stderr, "\r\033[K%s", escaped);
  fflush (stderr);
  cli->progress_shown = TRUE;
}

void
kf_cli_warn (KfCli      *cli,
             const char *message)
{
  g_autofree char *line = one_line_escaped (message);

  kf_cli_clear_progress (cli);
  fprintf (stderr, "kenfiles: %s\n", line);
  fflush (stderr);
}

const char *
kf_cli_error_code (const GError *error)
{
  static const char *const kf_codes[] = {
    [KF_ERROR_KEY_REJECTED] = "key-rejected",
    [KF_ERROR_NETWORK] = "network",
    [KF_ERROR_TIMED_OUT] = "timed-out",
    [KF_ERROR_SERVER] = "server",
    [KF_ERROR_RATE_LIMITED] = "rate-limited",
    [KF_ERROR_PROTOCOL] = "protocol",
    [KF_ERROR_REFUSED] = "refused",
    [KF_ERROR_LOCAL_FILE] = "local-file",
    [KF_ERROR_INSECURE_URL] = "insecure-url",
    [KF_ERROR_TOO_LARGE] = "too-large",
    [KF_ERROR_NOT_AVAILABLE] = "not-available",
    [KF_ERROR_UNCERTAIN] = "uncertain",
    [KF_ERROR_NO_KEY] = "no-key",
  };
  static const char *const store_codes[] = {
    [KF_STORE_ERROR_NO_KEYRING] = "no-keyring",
    [KF_STORE_ERROR_KEYRING] = "keyring",
    [KF_STORE_ERROR_CORRUPT] = "corrupt",
    [KF_STORE_ERROR_IO] = "io",
    [KF_STORE_ERROR_NOT_FOUND] = "not-found",
  };

  if (error->domain == KF_ERROR && error->code >= 0 &&
      (gsize) error->code < G_N_ELEMENTS (kf_codes) && kf_codes[error->code] != NULL)
    return kf_codes[error->code];

  if (error->domain == KF_STORE_ERROR && error->code >= 0 &&
      (gsize) error->code < G_N_ELEMENTS (store_codes) && store_codes[error->code] != NULL)
    return store_codes[error->code];

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";

  return "failed";
}

void
kf_cli_finish (KfCli *cli,
               int    exit_status)
{
  kf_cli_clear_progress (cli);
  /* Work that completed in spite of Ctrl-C (a purchase) still says so. */
  if (cli->signal_received != 0 && exit_status != KF_CLI_EXIT_OK)
    exit_status = 128 + cli->signal_received;
  cli->exit_status = exit_status;
  cli->finished = TRUE;
  g_main_loop_quit (cli->loop);
}

void
kf_cli_fail_literal (KfCli      *cli,
                     const char *code,
                     const char *message)
{
  kf_cli_warn (cli, message);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *line = one_line (message);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "code", code);
      kf_cli_json_add_string (builder, "message", line);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }

  kf_cli_finish (cli, KF_CLI_EXIT_FAILED);
}

void
kf_cli_fail (KfCli        *cli,
             const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      kf_cli_fail_literal (cli, "cancelled", _("Stopped."));
      return;
    }

  kf_cli_fail_literal (cli, kf_cli_error_code (error), error->message);
}

void
kf_cli_usage_error (KfCli      *cli,
                    const char *message)
{
  g_autofree char *line = one_line (message);
  g_autofree char *escaped = kf_util_escape_for_terminal (line);

  /* Still one line, so scripts can show it as it is. */
  fprintf (stderr, "kenfiles: %s %s\n", escaped, _("See “kenfiles --help”."));
  cli->exit_status = KF_CLI_EXIT_USAGE;

  if (kf_cli_opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      kf_cli_json_add_string (builder, "code", "usage");
      kf_cli_json_add_string (builder, "message", line);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      kf_cli_print_json (cli, builder);
    }
}

/* Local file names need not be UTF-8; JSON must be. */
static void
json_node_make_valid (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          json_node_make_valid (member);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_node_make_valid (json_array_get_element (array, i));
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING &&
          !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          g_autofree char *valid = kf_util_escape_invalid_utf8 (json_node_get_string (node));

          json_node_set_string (node, valid);
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

/* json-glib escapes C0 and DEL but leaves C1 and bidirectional controls,
 * which some terminals act on. Outside strings our JSON has none of them,
 * so \uNNNN for each keeps the document's meaning. */
static char *
json_escape_terminal_controls (const char *data)
{
  GString *out = g_string_sized_new (strlen (data));

  for (const char *p = data; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x7f && kf_util_unichar_is_terminal_control (c))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (out, FALSE);
}

void
kf_cli_print_json (KfCli       *cli,
                   JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *generated = NULL;
  g_autofree char *data = NULL;

  json_node_make_valid (root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  generated = json_generator_to_data (generator, NULL);
  data = json_escape_terminal_controls (generated);

  kf_cli_clear_progress (cli);
  fputs (data, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
kf_cli_print_text (KfCli      *cli,
                   const char *format,
                   ...)
{
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  gboolean newline;
  gsize len;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  /* Server values are in @text: everything but the line's end is escaped. */
  len = strlen (text);
  newline = len > 0 && text[len - 1] == '\n';
  if (newline)
    text[len - 1] = '\0';
  escaped = kf_util_escape_for_terminal (text);

  kf_cli_clear_progress (cli);
  fputs (escaped, stdout);
  if (newline)
    fputc ('\n', stdout);
  fflush (stdout);
}

void
kf_cli_json_add_string (JsonBuilder *builder,
                        const char  *name,
                        const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
kf_cli_json_add_int (JsonBuilder *builder,
                     const char  *name,
                     gint64       value,
                     gboolean     known)
{
  json_builder_set_member_name (builder, name);
  if (known)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
kf_cli_json_add_date (JsonBuilder *builder,
                      const char  *name,
                      GDateTime   *value)
{
  g_autofree char *text = value != NULL ? g_date_time_format_iso8601 (value) : NULL;

  kf_cli_json_add_string (builder, name, text);
}

char *
kf_cli_format_date (GDateTime *value)
{
  if (value == NULL)
    return g_strdup (_("unknown"));

  return g_date_time_format (value, "%Y-%m-%d %H:%M:%S");
}

gboolean
kf_cli_parse_link_format (KfCli        *cli,
                          const char   *string,
                          KfLinkFormat *format)
{
  if (string == NULL || kf_link_format_from_string (string, format))
    return TRUE;

  kf_cli_usage_error (cli, _("--format must be plain, direct, bbcode, html or markdown."));
  return FALSE;
}

gboolean
kf_cli_parse_options (KfCli              *cli,
                      const char         *command,
                      const char         *parameter_string,
                      const char         *summary,
                      const GOptionEntry *entries,
                      char             ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("kenfiles %s", command);
  g_autofree char *saved_prgname = g_strdup (g_get_prgname ());
  g_auto(GStrv) remaining = NULL;
  /* With G_OPTION_REMAINING, GOption drops the "--" that ends the options:
   * `upload -- -dash.txt` uploads "-dash.txt", "--" is no file name. */
  const GOptionEntry remaining_entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &remaining, NULL, NULL },
    { NULL }
  };
  gboolean ok;
  guint n;

  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, kf_cli_global_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, remaining_entries, NULL);

  /* The usage line then reads "kenfiles upload [OPTION…] FILE…". */
  g_set_prgname (prgname);
  ok = g_option_context_parse_strv (context, argv, &error);
  g_set_prgname (saved_prgname);

  if (!ok)
    {
      kf_cli_usage_error (cli, error->message);
      return FALSE;
    }

  /* Back into @argv after the command's name: there is room, as GOption
   * only ever removes from it. */
  n = g_strv_length (*argv);
  g_assert (n >= 1);
  for (guint i = 0; remaining != NULL && remaining[i] != NULL; i++)
    (*argv)[n++] = g_steal_pointer (&remaining[i]);
  (*argv)[n] = NULL;

  if (kf_cli_opt_timeout != -1 && (kf_cli_opt_timeout < 1 || kf_cli_opt_timeout > MAX_TIMEOUT_S))
    {
      g_autofree char *message = g_strdup_printf (_("--timeout must be between 1 and %d seconds."),
                                                  MAX_TIMEOUT_S);
      kf_cli_usage_error (cli, message);
      return FALSE;
    }

  return TRUE;
}

typedef struct {
  KfCli          *cli;
  KfCliReadyFunc  ready;
} RequireKeyData;

static void
require_key_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree RequireKeyData *data = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = kf_keyring_lookup_finish (result, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
        kf_cli_fail_literal (data->cli, "no-key",
                             _("No API key is set and no keyring is available: set KENFILES_API_KEY."));
      else
        kf_cli_fail (data->cli, error);
      return;
    }

  if (key == NULL || *key == '\0')
    {
      kf_keyring_free_secret (key);
      kf_cli_fail_literal (data->cli, "no-key",
                           _("No API key is set: run “kenfiles key set” or set KENFILES_API_KEY."));
      return;
    }

  kf_client_set_api_key (data->cli->client, key);
  kf_keyring_free_secret (key);
  data->ready (data->cli);
}

void
kf_cli_require_key (KfCli          *cli,
                    KfCliReadyFunc  ready)
{
  const char *env_key = g_getenv ("KENFILES_API_KEY");
  RequireKeyData *data;

  if (env_key != NULL && *env_key != '\0')
    {
      kf_client_set_api_key (cli->client, env_key);
      ready (cli);
      return;
    }

  data = g_new0 (RequireKeyData, 1);
  data->cli = cli;
  data->ready = ready;
  kf_keyring_lookup_async (KF_SECRET_API_KEY, cli->cancellable, require_key_cb, data);
}

char *
kf_cli_read_secret (const char *prompt)
{
  struct termios saved, quiet;
  gboolean echo_off = FALSE;
  char buffer[1024];
  char *line;
  char *secret = NULL;

  if (isatty (STDIN_FILENO))
    {
      fputs (prompt, stderr);
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          quiet.c_lflag |= ECHONL;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  line = fgets (buffer, sizeof buffer, stdin);

  if (echo_off)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);

  if (line != NULL)
    secret = g_strdup (g_strstrip (line));

  /* The key also sat in stdio's buffer; at least our copy goes. */
  explicit_bzero (buffer, sizeof buffer);

  return secret;
}

gboolean
kf_cli_connect (KfCli *cli,
                guint  max_connections)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_url = NULL;
  const char *env_server = g_getenv ("KENFILES_SERVER");
  const char *chosen;

  cli->json = kf_cli_opt_json;

  if (kf_cli_opt_server != NULL && *kf_cli_opt_server != '\0')
    chosen = kf_cli_opt_server;
  else if (env_server != NULL && *env_server != '\0')
    chosen = env_server;
  else
    chosen = KF_DEFAULT_SERVER;

  server_url = kf_normalize_server_url (chosen, &error);
  if (server_url == NULL)
    {
      kf_cli_fail (cli, error);
      return FALSE;
    }

  cli->client = g_object_new (KF_TYPE_CLIENT,
                              "server-url", server_url,
                              "max-connections", CLAMP (max_connections, 2, 64),
                              NULL);
  /* --timeout is the whole call's limit (retries included), and no single
   * silent attempt may take longer either. */
  if (kf_cli_opt_timeout > 0)
    g_object_set (cli->client,
                  "deadline", (guint) kf_cli_opt_timeout,
                  "timeout", (guint) kf_cli_opt_timeout,
                  NULL);
  return TRUE;
}

static void
on_signal (KfCli *cli,
           int    signum)
{
  if (cli->signal_received != 0)
    {
      /* Asked twice: stop waiting for the command to wind down. */
      cli->exit_status = 128 + cli->signal_received;
      g_main_loop_quit (cli->loop);
      return;
    }

  cli->signal_received = signum;
  g_cancellable_cancel (cli->cancellable);
}

static gboolean
on_sigint (gpointer user_data)
{
  on_signal (user_data, SIGINT);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer user_data)
{
  on_signal (user_data, SIGTERM);
  return G_SOURCE_CONTINUE;
}

static char *
commands_description (void)
{
  return g_strconcat (_("Commands:"), "\n",
                      "  account                                  ", _("Account information"), "\n",
                      "  stats [--days N]                         ", _("Statistics per day and totals"), "\n",
                      "  upload FILE… [--folder ID] [--parallel N] [--type auto|prem|reg] [--format FORMAT]\n",
                      "                                           ", _("Upload files and print their links"), "\n",
                      "                                           ", _("--limit-rate RATE: at most RATE bytes per second in all (500K, 4M, 1G)"), "\n",
                      "  upload -r FOLDER… [--folder ID]          ", _("Upload folders, making the same folders on the server"), "\n",
                      "  remote-upload URL [--folder ID] [--wait] ", _("Let the server fetch a URL"), "\n",
                      "  remote-status CODE                       ", _("State of a remote upload"), "\n",
                      "  link CODE [--format FORMAT]              ", _("Link to one of your files (direct, plain, bbcode, html, markdown)"), "\n",
                      "  voucher PLAN [--yes]                     ", _("Create a reseller voucher (spends balance)"), "\n",
                      "  vouchers [--resolve ID]                  ", _("List the vouchers bought here, uncertain purchases included"), "\n",
                      "  files [--folder ID]                      ", _("List folders and files"), "\n",
                      "  info CODE…                               ", _("Name, size, downloads, date and link of files"), "\n",
                      "  mv CODE… --folder ID                     ", _("Move files into a folder"), "\n",
                      "  rename CODE NAME                         ", _("Rename a file"), "\n",
                      "  clone CODE [--folder ID]                 ", _("Copy a file, with a link of its own"), "\n",
                      "  mkdir NAME [--parent ID]                 ", _("Make a folder"), "\n",
                      "  rename-folder ID NAME                    ", _("Rename a folder"), "\n",
                      "  key set | key status | key forget        ", _("Manage the API key in the keyring"), "\n",
                      "\n",
                      _("The API key comes from KENFILES_API_KEY if set, else from the keyring."), "\n",
                      _("Run “kenfiles COMMAND --help” for a command’s options."), "\n",
                      NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) args = NULL;
  const KfCliCommand *command = NULL;
  KfCli cli = { 0 };
  guint sigint_id;
  guint sigterm_id;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("kenfiles");
  /* Standard output is for results (one JSON document with --json), never logs. */
  g_log_writer_default_set_use_stderr (TRUE);

  cli.exit_status = KF_CLI_EXIT_OK;
  cli.stderr_is_tty = isatty (STDERR_FILENO);

  args = g_strdupv (argv);
  description = commands_description ();
  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Use your KenFiles account from the command line."));
  g_option_context_set_description (context, description);
  /* Stop at the command: what follows belongs to its own options. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, main_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, kf_cli_global_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, &args, &error))
    {
      kf_cli_usage_error (&cli, error->message);
      return cli.exit_status;
    }

  if (opt_version)
    {
      g_print ("kenfiles %s\n", PACKAGE_VERSION);
      return KF_CLI_EXIT_OK;
    }

  if (args[1] == NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      fputs (help, stderr);
      return KF_CLI_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (args[1], commands[i].name))
      command = &commands[i];

  if (command == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unknown command “%s”."), args[1]);

      kf_cli_usage_error (&cli, message);
      return cli.exit_status;
    }

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.cancellable = g_cancellable_new ();

  /* A command may first wait on standard input (a prompt, a key); until the
   * loop runs, Ctrl-C keeps its default action and ends the program there,
   * before anything was sent. */
  /* A command may also be done before the loop runs (nothing to send). */
  if (command->run (&cli, args + 1) && !cli.finished)
    {
      sigint_id = g_unix_signal_add (SIGINT, on_sigint, &cli);
      sigterm_id = g_unix_signal_add (SIGTERM, on_sigterm, &cli);
      g_main_loop_run (cli.loop);
      g_clear_handle_id (&sigint_id, g_source_remove);
      g_clear_handle_id (&sigterm_id, g_source_remove);
    }

  if (cli.command_data_free != NULL)
    g_clear_pointer (&cli.command_data, cli.command_data_free);
  g_clear_object (&cli.client);
  g_clear_object (&cli.cancellable);
  g_clear_pointer (&cli.loop, g_main_loop_unref);
  g_clear_pointer (&kf_cli_opt_server, g_free);

  return cli.exit_status;
}
