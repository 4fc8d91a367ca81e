/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-remote-upload.h"

/* Transient errors while polling are tolerated this many times in a row. */
#define MAX_POLL_FAILURES 5

struct _KfRemoteUpload
{
  GObject              parent_instance;

  KfClient            *client;
  char                *url;
  char                *folder_id;
  KfRemoteUploadState  state;
  int                  progress;
  char                *file_code;
  char                *link;
  char                *error_message;
  GError              *error;         /* the call that failed, if one did */
  KfRemoteStatus      *last_status;   /* the server's last answer */
  GCancellable        *cancellable;
  guint                poll_id;
  guint                wait_timeout;  /* seconds, 0: no limit */
  guint                wait_timeout_id;
  gint64               started_at;
  guint                delay_ms;
  guint                first_delay_ms;
  guint                max_delay_ms;
  guint                n_polls;
  guint                poll_failures;
};

G_DEFINE_ENUM_TYPE (KfRemoteUploadState, kf_remote_upload_state,
                    G_DEFINE_ENUM_VALUE (KF_REMOTE_UPLOAD_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (KF_REMOTE_UPLOAD_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (KF_REMOTE_UPLOAD_WORKING, "working"),
                    G_DEFINE_ENUM_VALUE (KF_REMOTE_UPLOAD_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (KF_REMOTE_UPLOAD_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (KF_REMOTE_UPLOAD_CANCELLED, "cancelled"))

G_DEFINE_FINAL_TYPE (KfRemoteUpload, kf_remote_upload, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_URL,
  PROP_FOLDER_ID,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_FILE_CODE,
  PROP_LINK,
  PROP_ERROR_MESSAGE,
  PROP_WAIT_TIMEOUT,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void poll_status (KfRemoteUpload *self);

static gboolean
is_final (KfRemoteUploadState state)
{
  return state == KF_REMOTE_UPLOAD_DONE ||
         state == KF_REMOTE_UPLOAD_FAILED ||
         state == KF_REMOTE_UPLOAD_CANCELLED;
}

static void
set_string (KfRemoteUpload *self,
            char          **field,
            const char     *value,
            guint           prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_progress (KfRemoteUpload *self,
              int             progress)
{
  if (self->progress == progress)
    return;

  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
set_state (KfRemoteUpload      *self,
           KfRemoteUploadState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  if (is_final (state))
    {
      g_clear_handle_id (&self->poll_id, g_source_remove);
      g_clear_handle_id (&self->wait_timeout_id, g_source_remove);
      g_signal_emit (self, signals[FINISHED], 0);
    }
}

static void
fail (KfRemoteUpload *self,
      const GError   *error,
      const char     *message)
{
  if (error != NULL)
    self->error = g_error_copy (error);
  set_string (self, &self->error_message, message, PROP_ERROR_MESSAGE);
  /* Nothing more is awaited: a call in flight is of no use now. */
  g_cancellable_cancel (self->cancellable);
  set_state (self, KF_REMOTE_UPLOAD_FAILED);
}

static char *
format_duration (guint seconds)
{
  if (seconds >= 3600 && seconds % 3600 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", seconds / 3600),
                            seconds / 3600);
  if (seconds >= 60 && seconds % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", seconds / 60),
                            seconds / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", seconds), seconds);
}

/* What the server last said, for a user who stops waiting. */
static char *
dup_last_report (KfRemoteUpload *self)
{
  const KfRemoteStatus *status = self->last_status;
  g_autofree char *report = NULL;

  if (status == NULL)
    report = g_strdup (_("The server had not reported on it yet."));
  else if (status->progress >= 0)
    report = g_strdup_printf (_("The server last reported it was still fetching the file, %d%% done."),
                              status->progress);
  else
    report = g_strdup (_("The server last reported it was still fetching the file."));

  if (status != NULL && status->message != NULL && *status->message != '\0')
    return g_strdup_printf (_("%s Its message: %s"), report, status->message);
  return g_steal_pointer (&report);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  KfRemoteUpload *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *duration = format_duration (self->wait_timeout);
  g_autofree char *report = dup_last_report (self);

  self->wait_timeout_id = 0;
  error = g_error_new (KF_ERROR, KF_ERROR_TIMED_OUT,
                       /* TRANSLATORS: %s is a duration ("1 hour"), then a sentence */
                       _("Stopped waiting after %s. %s"), duration, report);
  fail (self, error, error->message);
  return G_SOURCE_REMOVE;
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  KfRemoteUpload *self = user_data;

  self->poll_id = 0;
  poll_status (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (KfRemoteUpload *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->poll_id = g_timeout_add (self->delay_ms, poll_timeout_cb, self);
  self->delay_ms = MIN (self->delay_ms * 2, self->max_delay_ms);
}

static void
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KfRemoteUpload) self = user_data;
  g_autoptr(KfRemoteStatus) answer = NULL;
  g_autoptr(GError) error = NULL;
  const KfRemoteStatus *status;

  answer = kf_client_remote_status_finish (KF_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || is_final (self->state))
    return;

  if (answer == NULL)
    {
      if (kf_error_is_transient (error) && ++self->poll_failures < MAX_POLL_FAILURES)
        {
          schedule_poll (self);
          return;
        }
      fail (self, error, error->message);
      return;
    }

  self->poll_failures = 0;
  g_clear_pointer (&self->last_status, kf_remote_status_free);
  self->last_status = g_steal_pointer (&answer);
  status = self->last_status;
  set_progress (self, status->progress);

  switch (status->state)
    {
    case KF_REMOTE_STATE_DONE:
      {
        g_autofree char *link = NULL;

        if (status->url != NULL)
          link = g_strdup (status->url);
        else
          link = kf_client_build_file_url (self->client, self->file_code);
        set_progress (self, 100);
        set_string (self, &self->link, link, PROP_LINK);
        set_state (self, KF_REMOTE_UPLOAD_DONE);
      }
      break;

    case KF_REMOTE_STATE_FAILED:
      fail (self, NULL, status->message != NULL ? status->message
                                                : _("The server could not fetch the file"));
      break;

    case KF_REMOTE_STATE_WORKING:
    default:
      schedule_poll (self);
      break;
    }
}

static void
poll_status (KfRemoteUpload *self)
{
  self->n_polls++;
  kf_client_remote_status_async (self->client, self->file_code, self->cancellable,
                                 status_cb, g_object_ref (self));
}

static void
upload_started_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KfRemoteUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *file_code = NULL;

  file_code = kf_client_remote_upload_finish (KF_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || is_final (self->state))
    return;

  if (file_code == NULL)
    {
      fail (self, error, error->message);
      return;
    }

  set_string (self, &self->file_code, file_code, PROP_FILE_CODE);
  set_state (self, KF_REMOTE_UPLOAD_WORKING);
  schedule_poll (self);
}

static void
kf_remote_upload_dispose (GObject *object)
{
  KfRemoteUpload *self = KF_REMOTE_UPLOAD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->wait_timeout_id, g_source_remove);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kf_remote_upload_parent_class)->dispose (object);
}

static void
kf_remote_upload_finalize (GObject *object)
{
  KfRemoteUpload *self = KF_REMOTE_UPLOAD (object);

  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_clear_pointer (&self->last_status, kf_remote_status_free);
  g_free (self->url);
  g_free (self->folder_id);
  g_free (self->file_code);
  g_free (self->link);
  g_free (self->error_message);

  G_OBJECT_CLASS (kf_remote_upload_parent_class)->finalize (object);
}

static void
kf_remote_upload_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KfRemoteUpload *self = KF_REMOTE_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_FOLDER_ID:
      g_value_set_string (value, self->folder_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PROGRESS:
      g_value_set_int (value, self->progress);
      break;
    case PROP_FILE_CODE:
      g_value_set_string (value, self->file_code);
      break;
    case PROP_LINK:
      g_value_set_string (value, self->link);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_WAIT_TIMEOUT:
      g_value_set_uint (value, self->wait_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_remote_upload_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KfRemoteUpload *self = KF_REMOTE_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    case PROP_FOLDER_ID:
      self->folder_id = g_value_dup_string (value);
      break;
    case PROP_WAIT_TIMEOUT:
      kf_remote_upload_set_wait_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_remote_upload_class_init (KfRemoteUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kf_remote_upload_dispose;
  object_class->finalize = kf_remote_upload_finalize;
  object_class->get_property = kf_remote_upload_get_property;
  object_class->set_property = kf_remote_upload_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, KF_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLDER_ID] =
    g_param_spec_string ("folder-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       KF_TYPE_REMOTE_UPLOAD_STATE, KF_REMOTE_UPLOAD_WAITING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_int ("progress", NULL, NULL, -1, 100, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_CODE] =
    g_param_spec_string ("file-code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LINK] =
    g_param_spec_string ("link", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WAIT_TIMEOUT] =
    g_param_spec_uint ("wait-timeout", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kf_remote_upload_init (KfRemoteUpload *self)
{
  self->progress = -1;
  self->cancellable = g_cancellable_new ();
  self->first_delay_ms = 1000;
  self->max_delay_ms = 10000;
}

KfRemoteUpload *
kf_remote_upload_new (KfClient   *client,
                      const char *url,
                      const char *folder_id)
{
  g_return_val_if_fail (KF_IS_CLIENT (client), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (KF_TYPE_REMOTE_UPLOAD,
                       "client", client,
                       "url", url,
                       "folder-id", folder_id,
                       NULL);
}

static void
begin_waiting (KfRemoteUpload *self)
{
  self->delay_ms = self->first_delay_ms;
  self->started_at = g_get_monotonic_time ();
  /* In milliseconds: g_timeout_add_seconds() may fire up to a second early,
   * and "--wait-timeout 4" gave up after 3.95 s. */
  if (self->wait_timeout > 0)
    self->wait_timeout_id = g_timeout_add (self->wait_timeout <= G_MAXUINT / 1000 ? self->wait_timeout * 1000
                                                                                   : G_MAXUINT,
                                           wait_timeout_cb, self);
}

void
kf_remote_upload_resume (KfRemoteUpload *self,
                         const char     *file_code)
{
  g_return_if_fail (KF_IS_REMOTE_UPLOAD (self));
  g_return_if_fail (self->state == KF_REMOTE_UPLOAD_WAITING);
  g_return_if_fail (file_code != NULL && *file_code != '\0');

  begin_waiting (self);
  set_string (self, &self->file_code, file_code, PROP_FILE_CODE);
  set_state (self, KF_REMOTE_UPLOAD_WORKING);
  poll_status (self);
}

void
kf_remote_upload_start (KfRemoteUpload *self)
{
  g_return_if_fail (KF_IS_REMOTE_UPLOAD (self));
  g_return_if_fail (self->state == KF_REMOTE_UPLOAD_WAITING);

  begin_waiting (self);
  set_state (self, KF_REMOTE_UPLOAD_STARTING);
  kf_client_remote_upload_async (self->client, self->url, self->folder_id, self->cancellable,
                                 upload_started_cb, g_object_ref (self));
}

void
kf_remote_upload_cancel (KfRemoteUpload *self)
{
  g_return_if_fail (KF_IS_REMOTE_UPLOAD (self));

  if (is_final (self->state))
    return;

  /* The server keeps fetching; we only stop watching it. */
  g_cancellable_cancel (self->cancellable);
  set_state (self, KF_REMOTE_UPLOAD_CANCELLED);
}

const char *
kf_remote_upload_get_url (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), NULL);

  return self->url;
}

KfRemoteUploadState
kf_remote_upload_get_state (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), KF_REMOTE_UPLOAD_WAITING);

  return self->state;
}

int
kf_remote_upload_get_progress (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), -1);

  return self->progress;
}

const char *
kf_remote_upload_get_file_code (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), NULL);

  return self->file_code;
}

const char *
kf_remote_upload_get_link (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), NULL);

  return self->link;
}

const char *
kf_remote_upload_get_error_message (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), NULL);

  return self->error_message;
}

guint
kf_remote_upload_get_n_polls (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), 0);

  return self->n_polls;
}

void
kf_remote_upload_set_poll_delays (KfRemoteUpload *self,
                                  guint           first_ms,
                                  guint           max_ms)
{
  g_return_if_fail (KF_IS_REMOTE_UPLOAD (self));
  g_return_if_fail (first_ms > 0 && max_ms >= first_ms);

  self->first_delay_ms = first_ms;
  self->max_delay_ms = max_ms;
}

const GError *
kf_remote_upload_get_error (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), NULL);

  return self->error;
}

const KfRemoteStatus *
kf_remote_upload_get_last_status (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), NULL);

  return self->last_status;
}

guint
kf_remote_upload_get_wait_timeout (KfRemoteUpload *self)
{
  g_return_val_if_fail (KF_IS_REMOTE_UPLOAD (self), 0);

  return self->wait_timeout;
}

void
kf_remote_upload_set_wait_timeout (KfRemoteUpload *self,
                                   guint           seconds)
{
  g_return_if_fail (KF_IS_REMOTE_UPLOAD (self));
  g_return_if_fail (self->state == KF_REMOTE_UPLOAD_WAITING);

  if (self->wait_timeout == seconds)
    return;
  self->wait_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAIT_TIMEOUT]);
}
