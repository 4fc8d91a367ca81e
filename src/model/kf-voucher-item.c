/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-voucher-item.h"

struct _KfVoucherItem
{
  GObject         parent_instance;

  char           *id;
  char           *code;
  char           *plan;
  GDateTime      *created;
  KfVoucherState  state;
  gboolean        given;
  gboolean        uncertain;
  double          charged;
};

G_DEFINE_FINAL_TYPE (KfVoucherItem, kf_voucher_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CODE,
  PROP_PLAN,
  PROP_CREATED,
  PROP_GIVEN,
  PROP_UNCERTAIN,
  PROP_RESOLVED,
  PROP_CHARGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kf_voucher_item_finalize (GObject *object)
{
  KfVoucherItem *self = KF_VOUCHER_ITEM (object);

  g_free (self->id);
  g_free (self->code);
  g_free (self->plan);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (kf_voucher_item_parent_class)->finalize (object);
}

static void
kf_voucher_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KfVoucherItem *self = KF_VOUCHER_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_PLAN:
      g_value_set_string (value, self->plan);
      break;
    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;
    case PROP_GIVEN:
      g_value_set_boolean (value, self->given);
      break;
    case PROP_UNCERTAIN:
      g_value_set_boolean (value, self->uncertain);
      break;
    case PROP_RESOLVED:
      g_value_set_boolean (value, self->state == KF_VOUCHER_STATE_RESOLVED);
      break;
    case PROP_CHARGED:
      g_value_set_double (value, self->charged);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_voucher_item_class_init (KfVoucherItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kf_voucher_item_finalize;
  object_class->get_property = kf_voucher_item_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_PLAN] = g_param_spec_string ("plan", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_GIVEN] = g_param_spec_boolean ("given", NULL, NULL, FALSE, flags);
  properties[PROP_UNCERTAIN] = g_param_spec_boolean ("uncertain", NULL, NULL, FALSE, flags);
  properties[PROP_RESOLVED] = g_param_spec_boolean ("resolved", NULL, NULL, FALSE, flags);
  properties[PROP_CHARGED] = g_param_spec_double ("charged", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kf_voucher_item_init (KfVoucherItem *self)
{
  self->charged = -1;
}

KfVoucherItem *
kf_voucher_item_new (const KfVoucherEntry *entry)
{
  KfVoucherItem *self;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (KF_TYPE_VOUCHER_ITEM, NULL);
  self->id = g_strdup (entry->id);
  self->code = g_strdup (entry->code);
  self->plan = g_strdup (entry->plan);
  self->created = entry->created != NULL ? g_date_time_ref (entry->created) : NULL;
  self->state = entry->state;
  self->given = entry->given;
  self->uncertain = kf_voucher_entry_is_uncertain (entry);
  if (entry->charge_known)
    self->charged = entry->charged;

  return self;
}

const char *
kf_voucher_item_get_id (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), NULL);
  return self->id;
}

const char *
kf_voucher_item_get_code (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), NULL);
  return self->code;
}

const char *
kf_voucher_item_get_plan (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), NULL);
  return self->plan;
}

GDateTime *
kf_voucher_item_get_created (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), NULL);
  return self->created;
}

KfVoucherState
kf_voucher_item_get_state (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), KF_VOUCHER_STATE_BOUGHT);
  return self->state;
}

gboolean
kf_voucher_item_get_given (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), FALSE);
  return self->given;
}

gboolean
kf_voucher_item_get_uncertain (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), FALSE);
  return self->uncertain;
}

gboolean
kf_voucher_item_get_resolved (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), FALSE);
  return self->state == KF_VOUCHER_STATE_RESOLVED;
}

double
kf_voucher_item_get_charged (KfVoucherItem *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ITEM (self), -1);
  return self->charged;
}
