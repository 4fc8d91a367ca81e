/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "kf-client.h"
#include "kf-link-format.h"

G_BEGIN_DECLS

/* State shared by every command of `kenfiles`: one main loop, one client,
 * one cancellable that Ctrl-C trips. */
typedef struct _KfCli KfCli;

struct _KfCli {
  GMainLoop      *loop;
  GCancellable   *cancellable;
  KfClient       *client;
  gboolean        json;
  gboolean        stderr_is_tty;
  gboolean        progress_shown;
  int             exit_status;
  int             signal_received;  /* SIGINT or SIGTERM once asked to stop */
  gboolean        finished;         /* kf_cli_finish was called */
  gpointer        command_data;
  GDestroyNotify  command_data_free;
};

typedef void (*KfCliReadyFunc) (KfCli *cli);

/* Exit statuses. */
#define KF_CLI_EXIT_OK        0
#define KF_CLI_EXIT_FAILED    1
#define KF_CLI_EXIT_USAGE     2

/* Options every command accepts after its name as well as before it. */
extern gboolean    kf_cli_opt_json;
extern char       *kf_cli_opt_server;
extern int         kf_cli_opt_timeout;
extern const GOptionEntry kf_cli_global_entries[];

/* Parses a command's options; prints a usage error and returns FALSE on
 * failure (exit status set). @argv is NULL-terminated and modified. */
gboolean kf_cli_parse_options (KfCli              *cli,
                               const char         *command,
                               const char         *parameter_string,
                               const char         *summary,
                               const GOptionEntry *entries,
                               char             ***argv);

/* After option parsing: applies --json and builds the client for --server,
 * $KENFILES_SERVER or the default. Fails the command and returns FALSE for
 * a server URL that is refused. */
gboolean kf_cli_connect       (KfCli       *cli,
                               guint        max_connections);

void     kf_cli_usage_error   (KfCli       *cli,
                               const char  *message);
/* Prints "kenfiles: <message>" on stderr (one line, escaped) and, with --json, an
 * error document on stdout; sets the exit status and stops the loop. */
void     kf_cli_fail          (KfCli        *cli,
                               const GError *error);
void     kf_cli_fail_literal  (KfCli        *cli,
                               const char   *code,
                               const char   *message);
/* One line on stderr, without ending the command. */
void     kf_cli_warn          (KfCli        *cli,
                               const char   *message);
const char *kf_cli_error_code (const GError *error);

void     kf_cli_print_json    (KfCli        *cli,
                               JsonBuilder  *builder);
/* Prints on stdout, escaped for the terminal (kf_util_escape_for_terminal)
 * except for a final newline: server values can go in as they are. */
void     kf_cli_print_text    (KfCli        *cli,
                               const char   *format,
                               ...) G_GNUC_PRINTF (2, 3);
/* Transient progress line on stderr, only when stderr is a terminal. */
void     kf_cli_show_progress (KfCli        *cli,
                               const char   *line);
void     kf_cli_clear_progress (KfCli       *cli);

void     kf_cli_finish        (KfCli        *cli,
                               int           exit_status);

/* Sets the API key on the client (KENFILES_API_KEY, else the keyring), then
 * calls @ready; fails the command when there is no key. */
void     kf_cli_require_key   (KfCli          *cli,
                               KfCliReadyFunc  ready);

/* Reads one line from standard input without echo when it is a terminal.
 * Returns NULL on end of input. Free with kf_keyring_free_secret. */
char    *kf_cli_read_secret   (const char    *prompt);

void     kf_cli_json_add_string  (JsonBuilder *builder,
                                  const char  *name,
                                  const char  *value);
void     kf_cli_json_add_int     (JsonBuilder *builder,
                                  const char  *name,
                                  gint64       value,
                                  gboolean     known);
void     kf_cli_json_add_date    (JsonBuilder *builder,
                                  const char  *name,
                                  GDateTime   *value);
char    *kf_cli_format_date      (GDateTime   *value);

/* The file an argument names: a URI only when it starts with a scheme GIO
 * can open (file:, and those GVfs adds), else a path ("notes:2024.txt"). */
GFile   *kf_cli_file_for_argument     (const char  *arg);
/* Whether the argument is a regular file that can be uploaded, checked
 * without opening anything that could block; sets @size. Fails with
 * KF_ERROR_LOCAL_FILE and a sentence naming the file. */
gboolean kf_cli_check_upload_argument (const char  *arg,
                                       goffset     *size,
                                       GError     **error);

/* --format FORMAT: leaves @format alone when @string is NULL; a usage error
 * (FALSE) for a name kf_link_format_from_string does not know. */
gboolean kf_cli_parse_link_format (KfCli        *cli,
                                   const char   *string,
                                   KfLinkFormat *format);

/* Commands: each parses its own options and starts its work on the loop;
 * returns FALSE when it already finished (usage error). */
gboolean kf_cli_account        (KfCli *cli, char **argv);
gboolean kf_cli_stats          (KfCli *cli, char **argv);
gboolean kf_cli_upload         (KfCli *cli, char **argv);
gboolean kf_cli_remote_upload  (KfCli *cli, char **argv);
gboolean kf_cli_remote_status  (KfCli *cli, char **argv);
gboolean kf_cli_link           (KfCli *cli, char **argv);
gboolean kf_cli_voucher        (KfCli *cli, char **argv);
gboolean kf_cli_vouchers       (KfCli *cli, char **argv);
gboolean kf_cli_files          (KfCli *cli, char **argv);
gboolean kf_cli_mv             (KfCli *cli, char **argv);
gboolean kf_cli_rename         (KfCli *cli, char **argv);
gboolean kf_cli_clone          (KfCli *cli, char **argv);
gboolean kf_cli_mkdir          (KfCli *cli, char **argv);
gboolean kf_cli_rename_folder  (KfCli *cli, char **argv);
gboolean kf_cli_info           (KfCli *cli, char **argv);
gboolean kf_cli_key            (KfCli *cli, char **argv);

G_END_DECLS
