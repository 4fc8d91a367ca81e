/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-files-item.h"

struct _KfFilesItem
{
  GObject   parent_instance;

  gboolean  is_folder;
  char     *id;
  char     *name;
  gint64    size;
  gint64    downloads;
  char     *uploaded;
  char     *url;
};

G_DEFINE_FINAL_TYPE (KfFilesItem, kf_files_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kf_files_item_finalize (GObject *object)
{
  KfFilesItem *self = KF_FILES_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->uploaded);
  g_free (self->url);

  G_OBJECT_CLASS (kf_files_item_parent_class)->finalize (object);
}

static void
kf_files_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KfFilesItem *self = KF_FILES_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_files_item_class_init (KfFilesItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kf_files_item_finalize;
  object_class->get_property = kf_files_item_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kf_files_item_init (KfFilesItem *self)
{
  self->size = -1;
  self->downloads = -1;
}

KfFilesItem *
kf_files_item_new_folder (const KfFolder *folder)
{
  KfFilesItem *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (KF_TYPE_FILES_ITEM, NULL);
  self->is_folder = TRUE;
  self->id = g_strdup (folder->folder_id);
  self->name = g_strdup (folder->name != NULL ? folder->name : "");
  return self;
}

KfFilesItem *
kf_files_item_new_file (const KfFileInfo *info)
{
  KfFilesItem *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (KF_TYPE_FILES_ITEM, NULL);
  self->id = g_strdup (info->file_code);
  self->name = g_strdup (info->name != NULL ? info->name : info->file_code);
  self->size = info->size;
  self->downloads = info->downloads;
  self->uploaded = g_strdup (info->uploaded);
  self->url = g_strdup (info->url);
  return self;
}

gboolean
kf_files_item_is_folder (KfFilesItem *self)
{
  g_return_val_if_fail (KF_IS_FILES_ITEM (self), FALSE);

  return self->is_folder;
}

const char *
kf_files_item_get_id (KfFilesItem *self)
{
  g_return_val_if_fail (KF_IS_FILES_ITEM (self), NULL);

  return self->id;
}

const char *
kf_files_item_get_name (KfFilesItem *self)
{
  g_return_val_if_fail (KF_IS_FILES_ITEM (self), NULL);

  return self->name;
}

void
kf_files_item_set_name (KfFilesItem *self,
                        const char  *name)
{
  g_return_if_fail (KF_IS_FILES_ITEM (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gint64
kf_files_item_get_size (KfFilesItem *self)
{
  g_return_val_if_fail (KF_IS_FILES_ITEM (self), -1);

  return self->size;
}

gint64
kf_files_item_get_downloads (KfFilesItem *self)
{
  g_return_val_if_fail (KF_IS_FILES_ITEM (self), -1);

  return self->downloads;
}

const char *
kf_files_item_get_uploaded (KfFilesItem *self)
{
  g_return_val_if_fail (KF_IS_FILES_ITEM (self), NULL);

  return self->uploaded;
}

const char *
kf_files_item_get_url (KfFilesItem *self)
{
  g_return_val_if_fail (KF_IS_FILES_ITEM (self), NULL);

  return self->url;
}

/* g_set_str is GLib 2.76 */
static void
replace_str (char       **field,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

void
kf_files_item_update (KfFilesItem      *self,
                      const KfFileInfo *info)
{
  g_return_if_fail (KF_IS_FILES_ITEM (self));
  g_return_if_fail (info != NULL);

  if (info->name != NULL)
    replace_str (&self->name, info->name);
  if (info->size >= 0)
    self->size = info->size;
  if (info->downloads >= 0)
    self->downloads = info->downloads;
  if (info->uploaded != NULL)
    replace_str (&self->uploaded, info->uploaded);
  if (info->url != NULL)
    replace_str (&self->url, info->url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
