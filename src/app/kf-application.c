/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-application.h"
#include "kf-keyring.h"
#include "kf-pages-util.h"
#include "kf-sandbox.h"
#include "kf-store.h"
#include "kf-util.h"
#include "kf-window.h"

/* One quick retry is enough to tell a wrong key from a flaky network. */
#define SIGN_IN_ATTEMPTS 2

struct _KfApplication {
  AdwApplication  parent_instance;

  GSettings      *settings;
  KfClient       *client;
  KfUploadQueue  *queue;
  KfHistory      *history;
  KfSandbox      *sandbox;
  KfRateLimit    *rate_limit;        /* shared by every upload, whichever client */
  GCancellable   *cancellable;

  gboolean        sandbox_mode;
  char           *server_url;
  const char     *override_reason;   /* translated, static */
  char           *api_key;           /* in memory only; wiped when freed */
  KfSessionState  session_state;
  gboolean        keyring_available;
  gboolean        session_only;
  GStrv           last_links;
  GSubprocess    *try_process;       /* a sandbox instance started from the welcome page */
};

G_DEFINE_FINAL_TYPE (KfApplication, kf_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SANDBOX,
  PROP_SESSION_STATE,
  PROP_KEYRING_AVAILABLE,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start a local test server and use it: nothing is uploaded to KenFiles"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

static void
show_toast (KfApplication *self,
            const char    *message)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (KF_IS_WINDOW (window))
    kf_window_add_toast (KF_WINDOW (window), message);
  else
    g_message ("%s", message);
}

static void
set_session_state (KfApplication  *self,
                   KfSessionState  state)
{
  if (self->session_state == state)
    return;
  self->session_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_STATE]);
}

static void
set_keyring_available (KfApplication *self,
                       gboolean       available)
{
  if (self->keyring_available == available)
    return;
  self->keyring_available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_AVAILABLE]);
}

static void
set_api_key (KfApplication *self,
             const char    *api_key)
{
  g_clear_pointer (&self->api_key, kf_keyring_free_secret);
  self->api_key = g_strdup (api_key);
}

static void
rebuild_client (KfApplication *self)
{
  g_autoptr(KfClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = kf_client_new (self->server_url, self->api_key, &error);
  if (client == NULL)
    {
      show_toast (self, error->message);
      g_free (self->server_url);
      self->server_url = g_strdup (KF_DEFAULT_SERVER);
      client = kf_client_new (self->server_url, self->api_key, NULL);
    }

  kf_client_set_rate_limit (client, self->rate_limit);
  g_set_object (&self->client, client);
  kf_upload_queue_set_client (self->queue, self->client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

static void
resolve_server_url (KfApplication *self)
{
  const char *env = g_getenv ("KENFILES_SERVER");
  g_autofree char *setting = NULL;
  g_autoptr(GError) error = NULL;
  char *url = NULL;

  self->override_reason = NULL;

  if (self->sandbox != NULL)
    {
      url = g_strdup (kf_sandbox_get_url (self->sandbox));
      self->override_reason = _("The sandbox server is in use.");
    }
  else if (env != NULL && *env != '\0')
    {
      url = kf_normalize_server_url (env, &error);
      if (url != NULL)
        self->override_reason = _("Set by KENFILES_SERVER for this session.");
      else
        g_message ("KENFILES_SERVER ignored: %s", error->message);
    }

  if (url == NULL)
    {
      g_clear_error (&error);
      setting = g_settings_get_string (self->settings, "server-url");
      url = kf_normalize_server_url (setting, &error);
      if (url == NULL)
        url = g_strdup (KF_DEFAULT_SERVER);
    }

  g_free (self->server_url);
  self->server_url = url;
}

/* The quick "Limited Speed" toggle wins over the limit in Preferences. */
static void
apply_speed_limit (KfApplication *self)
{
  guint64 kib = 0;

  if (g_settings_get_boolean (self->settings, "alternative-speed-enabled"))
    kib = g_settings_get_uint (self->settings, "alternative-speed-limit");
  else if (g_settings_get_boolean (self->settings, "speed-limit-enabled"))
    kib = g_settings_get_uint (self->settings, "speed-limit");
  kf_rate_limit_set_rate (self->rate_limit, kib * 1024);
}

static void
settings_changed_cb (KfApplication *self,
                     const char    *key,
                     GSettings     *settings)
{
  if (g_str_equal (key, "speed-limit-enabled") || g_str_equal (key, "speed-limit") ||
      g_str_equal (key, "alternative-speed-enabled") || g_str_equal (key, "alternative-speed-limit"))
    apply_speed_limit (self);

  if (g_str_equal (key, "server-url"))
    {
      g_autofree char *old = g_strdup (self->server_url);

      resolve_server_url (self);
      if (g_strcmp0 (old, self->server_url) != 0)
        rebuild_client (self);
    }
}

static void
batch_finished_cb (KfApplication *self,
                   guint          n_done,
                   guint          n_failed,
                   GStrv          links,
                   KfUploadQueue *queue)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  gboolean focused = window != NULL && gtk_window_is_active (window);

  g_strfreev (self->last_links);
  self->last_links = g_strdupv (links);

  if (n_done == 1 && n_failed == 0 && links != NULL && links[0] != NULL &&
      g_settings_get_boolean (self->settings, "copy-link-automatically"))
    {
      kf_application_copy_text (self, links[0]);
      show_toast (self, _("Link copied"));
    }

  /* Without a session bus there is no one to show a notification. */
  if (!focused &&
      g_settings_get_boolean (self->settings, "notifications") &&
      g_application_get_dbus_connection (G_APPLICATION (self)) != NULL)
    {
      g_autoptr(GNotification) notification = NULL;
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;

      if (n_failed == 0)
        {
          title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file uploaded", "%u files uploaded", n_done), n_done);
          body = g_strdup (g_dngettext (GETTEXT_PACKAGE, "Its link is ready to share.", "Their links are ready to share.", n_done));
        }
      else if (n_done == 0)
        {
          title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u upload failed", "%u uploads failed", n_failed), n_failed);
          body = g_strdup (_("Open KenFiles to see why and to try again."));
        }
      else
        {
          title = g_strdup (_("Uploads finished"));
          body = g_strdup_printf (_("%u uploaded, %u failed"), n_done, n_failed);
        }

      notification = g_notification_new (title);
      g_notification_set_body (notification, body);
      if (n_done > 0)
        g_notification_add_button_with_target_value (notification,
                                                     n_done == 1 ? _("Copy Link") : _("Copy Links"),
                                                     "app.copy-links",
                                                     g_variant_new_strv ((const char * const *) links, -1));
      g_application_send_notification (G_APPLICATION (self), "uploads-finished", notification);
    }
}

static void
history_save_failed_cb (KfApplication *self,
                        const char    *message,
                        KfHistory     *history)
{
  show_toast (self, message);
}

static void
history_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KfApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kf_history_load_finish (KF_HISTORY (object), result, &error))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("The upload history could not be read and starts empty: %s"), error->message);
      show_toast (self, message);
    }

  kf_upload_queue_load_history (self->queue);
}

static void
keyring_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KfApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  char *key;

  key = kf_keyring_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (key != NULL)
    {
      set_api_key (self, key);
      kf_keyring_free_secret (key);
      rebuild_client (self);
      set_session_state (self, KF_SESSION_SIGNED_IN);
      return;
    }

  if (g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
    set_keyring_available (self, FALSE);
  else if (error != NULL)
    show_toast (self, error->message);

  set_session_state (self, KF_SESSION_SIGNED_OUT);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  KfApplication *self = KF_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Destroying the windows lets them save their size. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  KfApplication *self = KF_APPLICATION (user_data);
  static const char *developers[] = { "KenFiles Desktop contributors", NULL };
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("KenFiles"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("KenFiles Desktop contributors"),
                        "developers", developers,
                        "comments", _("Upload files to KenFiles and share their links."),
                        "website", "https://kenfiles.com",
                        "issue-url", "https://github.com/kenfiles/kenfiles-desktop/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 KenFiles Desktop contributors",
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (about);
}

static void
copy_links_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  KfApplication *self = KF_APPLICATION (user_data);
  g_autofree const char **links = g_variant_get_strv (parameter, NULL);
  g_autofree char *text = NULL;

  if (links == NULL || links[0] == NULL)
    return;
  text = g_strjoinv ("\n", (char **) links);
  kf_application_copy_text (self, text);
}

/* "Try Without an Account": the app again, as its own instance on the
 * built-in sandbox (`--sandbox`), with its own history; this one stays as
 * it is. KENFILES_DESKTOP_PROGRAM names the program when it is not
 * installed (the tests). */
static void
try_sandbox_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  KfApplication *self = KF_APPLICATION (user_data);
  const char *program = g_getenv ("KENFILES_DESKTOP_PROGRAM");
  g_autofree char *installed = g_build_filename (KF_BINDIR, "kenfiles-desktop", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  if (program == NULL || *program == '\0')
    program = installed;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, program, "--sandbox", NULL);
  if (process == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The sandbox could not be started: %s"),
                                                  error->message);
      show_toast (self, message);
      return;
    }

  /* Reaped when it ends, so it never lingers as a zombie. */
  g_subprocess_wait_async (process, NULL, NULL, NULL);
  g_clear_object (&self->try_process);
  self->try_process = process;
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "try-sandbox", try_sandbox_action },
  { "about", about_action },
  { "copy-links", copy_links_action, "as" },
};

static void
start_sandbox (KfApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = kf_store_get_data_dir (&error);
  g_autofree char *files_dir = NULL;

  if (data_dir != NULL)
    {
      files_dir = g_build_filename (data_dir, "sandbox", NULL);
      if (g_mkdir_with_parents (files_dir, 0700) != 0)
        g_clear_pointer (&files_dir, g_free);
    }
  g_clear_error (&error);

  self->sandbox = kf_sandbox_new (files_dir);
  if (!kf_sandbox_start (self->sandbox, 0, &error))
    {
      g_printerr (_("The sandbox server could not start: %s\n"), error->message);
      g_clear_object (&self->sandbox);
    }
}

static void
open_history (KfApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (self->sandbox_mode)
    {
      g_autofree char *dir = kf_store_get_data_dir (&error);

      if (dir != NULL)
        path = g_build_filename (dir, "history-sandbox.json", NULL);
    }

  if (error == NULL)
    self->history = kf_history_new (path, &error);
  if (self->history == NULL)
    {
      g_message ("No upload history: %s", error->message);
      return;
    }
  g_signal_connect_object (self->history, "save-failed",
                           G_CALLBACK (history_save_failed_cb), self, G_CONNECT_SWAPPED);
}

static void
kf_application_startup (GApplication *application)
{
  KfApplication *self = KF_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.add-files", { "<Control>o", NULL } },
    { "win.add-folder", { "<Control><Shift>o", NULL } },
    { "win.paste", { "<Control>v", NULL } },
    { "win.preferences", { "<Control>comma", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.refresh", { "F5", NULL } },
    { "win.remote-upload", { "<Control><Shift>v", NULL } },
    { "win.copy", { "<Control>c", NULL } },
    { "win.copy-all-links", { "<Control><Shift>c", NULL } },
    { "win.retry-failed", { "<Control><Shift>r", NULL } },
    { "win.cancel-all", { "<Control><Shift>x", NULL } },
    { "win.pause-all", { "<Control>p", NULL } },
    { "win.clear-finished", { "<Control><Shift>l", NULL } },
    { "win.show-page('upload')", { "<Alt>1", NULL } },
    { "win.show-page('dashboard')", { "<Alt>2", NULL } },
    { "win.show-page('vouchers')", { "<Alt>3", NULL } },
    { "win.show-page('files')", { "<Alt>4", NULL } },
    { "win.go-up", { "<Alt>Up", NULL } },
  };

  G_APPLICATION_CLASS (kf_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  self->rate_limit = kf_rate_limit_new (0);
  apply_speed_limit (self);
  {
    /* app.alternative-speed-enabled: the upload list menu's check item. */
    g_autoptr(GAction) limited = g_settings_create_action (self->settings, "alternative-speed-enabled");

    g_action_map_add_action (G_ACTION_MAP (self), limited);
  }

  if (self->sandbox_mode)
    start_sandbox (self);

  open_history (self);
  self->queue = kf_upload_queue_new (self->history);
  g_signal_connect_object (self->queue, "batch-finished",
                           G_CALLBACK (batch_finished_cb), self, G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "parallel-uploads", self->queue, "max-parallel", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "upload-type", self->queue, "upload-type", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "default-folder-id", self->queue, "folder-id", G_SETTINGS_BIND_GET);

  resolve_server_url (self);

  if (self->sandbox != NULL)
    {
      set_api_key (self, kf_sandbox_get_api_key (self->sandbox));
      rebuild_client (self);
      self->session_only = TRUE;
      set_session_state (self, KF_SESSION_SIGNED_IN);
    }
  else
    {
      rebuild_client (self);
      kf_keyring_lookup_async (KF_SECRET_API_KEY, self->cancellable,
                               keyring_lookup_cb, g_object_ref (self));
    }

  if (self->history != NULL)
    kf_history_load_async (self->history, self->cancellable, history_loaded_cb, g_object_ref (self));
}

static void
kf_application_activate (GApplication *application)
{
  KfApplication *self = KF_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (kf_window_new (self));
  gtk_window_present (window);
}

static void
kf_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  KfApplication *self = KF_APPLICATION (application);
  GtkWindow *window;

  g_application_activate (application);
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (KF_IS_WINDOW (window))
    kf_window_add_files (KF_WINDOW (window), files, n_files);
}

static int
kf_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  KfApplication *self = KF_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("kenfiles-desktop %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "sandbox"))
    {
      /* A sandbox run is its own instance, never mixed with a real one. */
      self->sandbox_mode = TRUE;
      g_application_set_flags (application,
                               g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
    }

  return G_APPLICATION_CLASS (kf_application_parent_class)->handle_local_options (application, options);
}

static void
kf_application_shutdown (GApplication *application)
{
  KfApplication *self = KF_APPLICATION (application);

  kf_application_save_state (self);
  g_cancellable_cancel (self->cancellable);
  if (self->sandbox != NULL)
    kf_sandbox_stop (self->sandbox);

  G_APPLICATION_CLASS (kf_application_parent_class)->shutdown (application);
}

static void
kf_application_dispose (GObject *object)
{
  KfApplication *self = KF_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->queue);
  g_clear_object (&self->client);
  g_clear_object (&self->history);
  g_clear_object (&self->settings);
  g_clear_object (&self->rate_limit);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->try_process);

  G_OBJECT_CLASS (kf_application_parent_class)->dispose (object);
}

static void
kf_application_finalize (GObject *object)
{
  KfApplication *self = KF_APPLICATION (object);

  g_clear_object (&self->cancellable);
  g_free (self->server_url);
  g_clear_pointer (&self->api_key, kf_keyring_free_secret);
  g_strfreev (self->last_links);

  G_OBJECT_CLASS (kf_application_parent_class)->finalize (object);
}

static void
kf_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KfApplication *self = KF_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SANDBOX:
      g_value_set_boolean (value, self->sandbox_mode);
      break;
    case PROP_SESSION_STATE:
      g_value_set_uint (value, self->session_state);
      break;
    case PROP_KEYRING_AVAILABLE:
      g_value_set_boolean (value, self->keyring_available);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KfApplication *self = KF_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SANDBOX:
      self->sandbox_mode = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_application_class_init (KfApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kf_application_dispose;
  object_class->finalize = kf_application_finalize;
  object_class->get_property = kf_application_get_property;
  object_class->set_property = kf_application_set_property;

  app_class->startup = kf_application_startup;
  app_class->activate = kf_application_activate;
  app_class->open = kf_application_open;
  app_class->handle_local_options = kf_application_handle_local_options;
  app_class->shutdown = kf_application_shutdown;

  properties[PROP_SANDBOX] =
    g_param_spec_boolean ("sandbox", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION_STATE] =
    g_param_spec_uint ("session-state", NULL, NULL,
                       KF_SESSION_LOADING, KF_SESSION_SIGNED_IN, KF_SESSION_LOADING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYRING_AVAILABLE] =
    g_param_spec_boolean ("keyring-available", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Replaced on sign-in, sign-out and server change. */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, KF_TYPE_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  kf_app_ensure_resources ();
}

static void
kf_application_init (KfApplication *self)
{
  self->cancellable = g_cancellable_new ();
  self->keyring_available = TRUE;
  self->session_state = KF_SESSION_LOADING;

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

KfApplication *
kf_application_new (gboolean sandbox)
{
  return g_object_new (KF_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/com/kenfiles/Desktop",
                       "sandbox", sandbox,
                       NULL);
}

KfRateLimit *
kf_application_get_rate_limit (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  return self->rate_limit;
}

GSettings *
kf_application_get_settings (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  return self->settings;
}

KfClient *
kf_application_get_client (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  return self->client;
}

KfUploadQueue *
kf_application_get_queue (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  return self->queue;
}

KfHistory *
kf_application_get_history (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  return self->history;
}

KfSessionState
kf_application_get_session_state (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), KF_SESSION_LOADING);

  return self->session_state;
}

gboolean
kf_application_get_keyring_available (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), FALSE);

  return self->keyring_available;
}

/* The instance started by app.try-sandbox, if any. */
GSubprocess *
kf_application_get_try_process (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  return self->try_process;
}

gboolean
kf_application_get_sandbox_mode (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), FALSE);

  return self->sandbox_mode;
}

gpointer
kf_application_get_sandbox (KfApplication *self)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  return self->sandbox;
}

const char *
kf_application_get_server_url (KfApplication  *self,
                               const char    **override_reason)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), NULL);

  if (override_reason != NULL)
    *override_reason = self->override_reason;
  return self->server_url;
}

typedef struct {
  char     *api_key;
  gboolean  session_only;
  KfClient *probe;
} SignInData;

static void
sign_in_data_free (SignInData *data)
{
  g_clear_pointer (&data->api_key, kf_keyring_free_secret);
  g_clear_object (&data->probe);
  g_free (data);
}

static void
complete_sign_in (KfApplication *self,
                  SignInData    *data)
{
  set_api_key (self, data->api_key);
  self->session_only = data->session_only;
  rebuild_client (self);
  set_session_state (self, KF_SESSION_SIGNED_IN);
}

static void
sign_in_store_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KfApplication *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!kf_keyring_store_finish (result, &error))
    {
      if (g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
        set_keyring_available (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_keyring_available (self, TRUE);
  complete_sign_in (self, g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

static void
sign_in_check_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KfApplication *self = g_task_get_source_object (task);
  SignInData *data = g_task_get_task_data (task);
  g_autoptr(KfAccountInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  info = kf_client_get_account_info_finish (KF_CLIENT (object), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->session_only)
    {
      complete_sign_in (self, data);
      g_task_return_boolean (task, TRUE);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  kf_keyring_store_async (KF_SECRET_API_KEY, data->api_key, cancellable,
                          sign_in_store_cb, g_steal_pointer (&task));
}

void
kf_application_sign_in_async (KfApplication       *self,
                              const char          *api_key,
                              gboolean             session_only,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SignInData *data;

  g_return_if_fail (KF_IS_APPLICATION (self));
  g_return_if_fail (api_key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_application_sign_in_async);

  data = g_new0 (SignInData, 1);
  data->api_key = g_strstrip (g_strdup (api_key));
  data->session_only = session_only;
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_data_free);

  if (*data->api_key == '\0')
    {
      g_task_return_new_error (task, KF_ERROR, KF_ERROR_NO_KEY, _("Enter your API key first."));
      return;
    }

  /* A separate client, so a wrong key never reaches the one in use. */
  data->probe = kf_client_new (self->server_url, data->api_key, &error);
  if (data->probe == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  kf_client_set_retry_policy (data->probe, SIGN_IN_ATTEMPTS, 300);

  kf_client_get_account_info_async (data->probe, cancellable, sign_in_check_cb, g_steal_pointer (&task));
}

gboolean
kf_application_sign_in_finish (KfApplication  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sign_out_done (KfApplication *self)
{
  set_api_key (self, NULL);
  self->session_only = FALSE;
  rebuild_client (self);
  set_session_state (self, KF_SESSION_SIGNED_OUT);
}

static void
sign_out_clear_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KfApplication *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!kf_keyring_clear_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sign_out_done (self);
  g_task_return_boolean (task, TRUE);
}

void
kf_application_sign_out_async (KfApplication       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KF_IS_APPLICATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_application_sign_out_async);

  kf_upload_queue_stop_all (self->queue);

  if (self->session_only)
    {
      sign_out_done (self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  kf_keyring_clear_async (KF_SECRET_API_KEY, cancellable, sign_out_clear_cb, g_steal_pointer (&task));
}

gboolean
kf_application_sign_out_finish (KfApplication  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (KF_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kf_application_copy_text (KfApplication *self,
                          const char    *text)
{
  GdkDisplay *display = gdk_display_get_default ();

  g_return_if_fail (KF_IS_APPLICATION (self));
  g_return_if_fail (text != NULL);

  if (display != NULL)
    gdk_clipboard_set_text (gdk_display_get_clipboard (display), text);
}

void
kf_application_save_state (KfApplication *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KF_IS_APPLICATION (self));

  if (self->queue != NULL)
    kf_upload_queue_stop_all (self->queue);
  if (self->history != NULL && !kf_history_flush (self->history, &error))
    g_printerr (_("The upload history could not be saved: %s\n"), error->message);
}
