/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-upload-item.h"

/* Weight of the newest sample in the smoothed speed. */
#define SPEED_SMOOTHING 0.3

struct _KfUploadItem {
  GObject        parent_instance;

  char          *id;
  GFile         *file;
  char          *name;
  gint64         size;
  KfUploadState  state;
  double         progress;
  gint64         bytes_sent;
  double         speed;
  gint64         eta;
  char          *error_message;
  GError        *error;
  char          *link;
  char          *file_code;
  GDateTime     *date;
  gboolean       remote;
  gint64         mtime;
  char          *folder_path;

  gint64         sample_time_us;
  gint64         sample_bytes;
};

G_DEFINE_FINAL_TYPE (KfUploadItem, kf_upload_item, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (KfUploadState, kf_upload_state,
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_STATE_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_STATE_UPLOADING, "uploading"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_STATE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_STATE_CANCELLED, "cancelled"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_STATE_NOT_FINISHED, "not-finished"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_STATE_PAUSED, "paused"))

enum {
  PROP_0,
  PROP_ID,
  PROP_FILE,
  PROP_NAME,
  PROP_SIZE,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_BYTES_SENT,
  PROP_SPEED,
  PROP_ETA,
  PROP_ERROR_MESSAGE,
  PROP_LINK,
  PROP_FILE_CODE,
  PROP_DATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kf_upload_item_finalize (GObject *object)
{
  KfUploadItem *self = KF_UPLOAD_ITEM (object);

  g_free (self->id);
  g_clear_object (&self->file);
  g_free (self->name);
  g_free (self->error_message);
  g_clear_error (&self->error);
  g_free (self->link);
  g_free (self->file_code);
  g_free (self->folder_path);
  g_clear_pointer (&self->date, g_date_time_unref);

  G_OBJECT_CLASS (kf_upload_item_parent_class)->finalize (object);
}

static void
kf_upload_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KfUploadItem *self = KF_UPLOAD_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_BYTES_SENT:
      g_value_set_int64 (value, self->bytes_sent);
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    case PROP_ETA:
      g_value_set_int64 (value, self->eta);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_LINK:
      g_value_set_string (value, self->link);
      break;
    case PROP_FILE_CODE:
      g_value_set_string (value, self->file_code);
      break;
    case PROP_DATE:
      g_value_set_boxed (value, self->date);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_upload_item_class_init (KfUploadItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kf_upload_item_finalize;
  object_class->get_property = kf_upload_item_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, KF_TYPE_UPLOAD_STATE,
                                              KF_UPLOAD_STATE_WAITING, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_BYTES_SENT] = g_param_spec_int64 ("bytes-sent", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_ETA] = g_param_spec_int64 ("eta", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_LINK] = g_param_spec_string ("link", NULL, NULL, NULL, flags);
  properties[PROP_FILE_CODE] = g_param_spec_string ("file-code", NULL, NULL, NULL, flags);
  properties[PROP_DATE] = g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kf_upload_item_init (KfUploadItem *self)
{
  self->size = -1;
  self->eta = -1;
  self->mtime = -1;
}

KfUploadItem *
kf_upload_item_new (const char *id,
                    GFile      *file,
                    const char *name,
                    gint64      size)
{
  KfUploadItem *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  self = g_object_new (KF_TYPE_UPLOAD_ITEM, NULL);
  self->id = g_strdup (id);
  self->file = file ? g_object_ref (file) : NULL;
  if (name != NULL)
    self->name = g_strdup (name);
  else if (file != NULL)
    self->name = g_file_get_basename (file);
  else
    self->name = g_strdup ("");
  self->size = size < 0 ? -1 : size;
  return self;
}

#define GETTER(type, field, name, fallback)                     \
  type                                                          \
  kf_upload_item_get_##name (KfUploadItem *self)                \
  {                                                             \
    g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), fallback);  \
    return self->field;                                         \
  }

GETTER (const char *, id, id, NULL)
GETTER (GFile *, file, file, NULL)
GETTER (const char *, name, name, NULL)
GETTER (gint64, size, size, -1)
GETTER (KfUploadState, state, state, KF_UPLOAD_STATE_WAITING)
GETTER (double, progress, progress, 0)
GETTER (gint64, bytes_sent, bytes_sent, 0)
GETTER (double, speed, speed, 0)
GETTER (gint64, eta, eta, -1)
GETTER (const char *, error_message, error_message, NULL)
GETTER (const char *, link, link, NULL)
GETTER (const char *, file_code, file_code, NULL)
GETTER (GDateTime *, date, date, NULL)

#undef GETTER

gboolean
kf_upload_item_can_retry (KfUploadItem *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), FALSE);

  return (self->file != NULL || self->remote) &&
         (self->state == KF_UPLOAD_STATE_FAILED ||
          self->state == KF_UPLOAD_STATE_CANCELLED ||
          self->state == KF_UPLOAD_STATE_NOT_FINISHED);
}

gboolean
kf_upload_item_is_active (KfUploadItem *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), FALSE);

  return self->state == KF_UPLOAD_STATE_WAITING ||
         self->state == KF_UPLOAD_STATE_UPLOADING;
}

gboolean
kf_upload_item_can_pause (KfUploadItem *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), FALSE);

  return !self->remote && kf_upload_item_is_active (self);
}

static void
set_state (KfUploadItem  *self,
           KfUploadState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_string (KfUploadItem  *self,
            char         **field,
            const char    *value,
            guint          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_double (KfUploadItem *self,
            double       *field,
            double        value,
            guint         prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_int64 (KfUploadItem *self,
           gint64       *field,
           gint64        value,
           guint         prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
reset_progress (KfUploadItem *self)
{
  set_double (self, &self->progress, 0, PROP_PROGRESS);
  set_int64 (self, &self->bytes_sent, 0, PROP_BYTES_SENT);
  set_double (self, &self->speed, 0, PROP_SPEED);
  set_int64 (self, &self->eta, -1, PROP_ETA);
  self->sample_time_us = 0;
  self->sample_bytes = 0;
}

void
kf_upload_item_set_size (KfUploadItem *self,
                         gint64        size)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  set_int64 (self, &self->size, size < 0 ? -1 : size, PROP_SIZE);
}

void
kf_upload_item_set_date (KfUploadItem *self,
                         GDateTime    *date)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  if (self->date == date)
    return;
  g_clear_pointer (&self->date, g_date_time_unref);
  self->date = date ? g_date_time_ref (date) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

void
kf_upload_item_set_waiting (KfUploadItem *self)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  reset_progress (self);
  set_string (self, &self->error_message, NULL, PROP_ERROR_MESSAGE);
  g_clear_error (&self->error);
  set_state (self, KF_UPLOAD_STATE_WAITING);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_set_uploading (KfUploadItem *self)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  reset_progress (self);
  set_string (self, &self->error_message, NULL, PROP_ERROR_MESSAGE);
  g_clear_error (&self->error);
  set_state (self, KF_UPLOAD_STATE_UPLOADING);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_update_progress (KfUploadItem *self,
                                gint64        sent,
                                gint64        total,
                                gint64        now_us)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  if (self->state != KF_UPLOAD_STATE_UPLOADING)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  /* The client starts over from 0 when it retries an attempt. */
  if (sent < self->sample_bytes)
    {
      self->sample_time_us = 0;
      set_double (self, &self->speed, 0, PROP_SPEED);
    }

  if (self->sample_time_us > 0 && now_us > self->sample_time_us)
    {
      double seconds = (now_us - self->sample_time_us) / (double) G_USEC_PER_SEC;
      double instant = (sent - self->sample_bytes) / seconds;
      double speed = self->speed > 0 ? self->speed * (1 - SPEED_SMOOTHING) + instant * SPEED_SMOOTHING
                                     : instant;

      set_double (self, &self->speed, speed, PROP_SPEED);
    }
  self->sample_time_us = now_us;
  self->sample_bytes = sent;

  if (total > 0 && self->size < 0)
    set_int64 (self, &self->size, total, PROP_SIZE);

  set_int64 (self, &self->bytes_sent, sent, PROP_BYTES_SENT);
  set_double (self, &self->progress, total > 0 ? CLAMP ((double) sent / total, 0, 1) : 0, PROP_PROGRESS);
  set_int64 (self, &self->eta,
             self->speed > 1 && total >= sent ? (gint64) ((total - sent) / self->speed + 0.5) : -1,
             PROP_ETA);

  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_set_done (KfUploadItem *self,
                         const char   *file_code,
                         const char   *link,
                         GDateTime    *date)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->file_code, file_code, PROP_FILE_CODE);
  set_string (self, &self->link, link, PROP_LINK);
  set_string (self, &self->error_message, NULL, PROP_ERROR_MESSAGE);
  g_clear_error (&self->error);
  set_double (self, &self->progress, 1, PROP_PROGRESS);
  set_double (self, &self->speed, 0, PROP_SPEED);
  set_int64 (self, &self->eta, -1, PROP_ETA);
  if (self->size >= 0)
    set_int64 (self, &self->bytes_sent, self->size, PROP_BYTES_SENT);
  kf_upload_item_set_date (self, date);
  set_state (self, KF_UPLOAD_STATE_DONE);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_set_failed (KfUploadItem *self,
                           const char   *message)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->error_message, message, PROP_ERROR_MESSAGE);
  set_double (self, &self->speed, 0, PROP_SPEED);
  set_int64 (self, &self->eta, -1, PROP_ETA);
  set_state (self, KF_UPLOAD_STATE_FAILED);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_set_retrying (KfUploadItem *self,
                             const char   *message)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  reset_progress (self);
  set_string (self, &self->error_message, message, PROP_ERROR_MESSAGE);
  set_state (self, KF_UPLOAD_STATE_WAITING);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_set_cancelled (KfUploadItem *self)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  reset_progress (self);
  set_string (self, &self->error_message, NULL, PROP_ERROR_MESSAGE);
  set_state (self, KF_UPLOAD_STATE_CANCELLED);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_set_not_finished (KfUploadItem *self)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  reset_progress (self);
  set_state (self, KF_UPLOAD_STATE_NOT_FINISHED);
  g_object_thaw_notify (G_OBJECT (self));
}

void
kf_upload_item_set_paused (KfUploadItem *self)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->error_message, NULL, PROP_ERROR_MESSAGE);
  g_clear_error (&self->error);
  set_double (self, &self->speed, 0, PROP_SPEED);
  set_int64 (self, &self->eta, -1, PROP_ETA);
  self->sample_time_us = 0;
  self->sample_bytes = 0;
  set_state (self, KF_UPLOAD_STATE_PAUSED);
  g_object_thaw_notify (G_OBJECT (self));
}

const GError *
kf_upload_item_get_error (KfUploadItem *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), NULL);

  return self->error;
}

void
kf_upload_item_set_error (KfUploadItem *self,
                          const GError *error)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  if (error == self->error)
    return;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
}

void
kf_upload_item_set_remote (KfUploadItem *self,
                           gboolean      remote)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  self->remote = !!remote;
}

gboolean
kf_upload_item_get_remote (KfUploadItem *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), FALSE);

  return self->remote;
}

void
kf_upload_item_set_progress (KfUploadItem *self,
                             double        progress)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  if (self->state != KF_UPLOAD_STATE_UPLOADING)
    return;
  set_double (self, &self->progress, CLAMP (progress, 0, 1), PROP_PROGRESS);
}

void
kf_upload_item_set_mtime (KfUploadItem *self,
                          gint64        mtime)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  self->mtime = mtime;
}

gint64
kf_upload_item_get_mtime (KfUploadItem *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), -1);

  return self->mtime;
}

void
kf_upload_item_set_folder_path (KfUploadItem *self,
                                const char   *folder_path)
{
  g_return_if_fail (KF_IS_UPLOAD_ITEM (self));

  g_free (self->folder_path);
  self->folder_path = g_strdup (folder_path);
}

const char *
kf_upload_item_get_folder_path (KfUploadItem *self)
{
  g_return_val_if_fail (KF_IS_UPLOAD_ITEM (self), NULL);

  return self->folder_path;
}
