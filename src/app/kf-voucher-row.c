/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-adaptive-box.h"
#include "kf-pages-util.h"
#include "kf-util.h"
#include "kf-voucher-row.h"

struct _KfVoucherRow
{
  GtkListBoxRow   parent_instance;

  KfVoucherItem  *item;
  gboolean        syncing;

  GtkImage       *warning_icon;
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *uncertain_label;
  GtkLabel       *code_label;
  GtkWidget      *copy_button;
  GtkCheckButton *given_check;
  GtkWidget      *resolve_button;
};

G_DEFINE_FINAL_TYPE (KfVoucherRow, kf_voucher_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sync (KfVoucherRow *self)
{
  KfVoucherItem *item = self->item;
  g_autofree char *plan = NULL;
  g_autofree char *date = NULL;
  g_autofree char *subtitle = NULL;
  gboolean bought, uncertain, resolved;

  if (item == NULL)
    return;

  bought = kf_voucher_item_get_state (item) == KF_VOUCHER_STATE_BOUGHT;
  uncertain = kf_voucher_item_get_uncertain (item);
  resolved = kf_voucher_item_get_resolved (item);
  plan = kf_pages_plan_dup_name (kf_voucher_item_get_plan (item));
  date = kf_pages_format_date (kf_voucher_item_get_created (item), TRUE);

  if (bought && kf_voucher_item_get_charged (item) >= 0)
    {
      g_autofree char *money = kf_format_money (kf_voucher_item_get_charged (item));

      /* TRANSLATORS: a voucher's date, then what it cost, e.g. "28 Nov 2026, 12:00 · charged $20.00" */
      subtitle = g_strdup_printf (_("%s · charged %s"), date, money);
    }
  else if (resolved)
    /* TRANSLATORS: a purchase whose answer was lost, after the user checked it */
    subtitle = g_strdup_printf (_("%s · uncertain purchase, marked resolved"), date);
  else if (!bought && !uncertain)
    subtitle = g_strdup_printf (_("%s · being bought now"), date);
  else
    subtitle = g_strdup (date);

  self->syncing = TRUE;
  gtk_label_set_text (self->title_label, plan);
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->warning_icon), uncertain);
  gtk_widget_set_visible (GTK_WIDGET (self->uncertain_label), uncertain);
  gtk_widget_set_visible (self->resolve_button, uncertain);
  gtk_widget_set_visible (GTK_WIDGET (self->code_label), bought);
  gtk_widget_set_visible (self->copy_button, bought);
  gtk_widget_set_visible (GTK_WIDGET (self->given_check), bought);
  gtk_label_set_text (self->code_label, bought ? kf_voucher_item_get_code (item) : "");
  if (kf_voucher_item_get_given (item))
    gtk_widget_add_css_class (GTK_WIDGET (self->code_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->code_label), "dim-label");
  gtk_check_button_set_active (self->given_check, kf_voucher_item_get_given (item));
  /* The target first: an action with a parameter refuses a button without one. */
  if (bought)
    {
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->copy_button), "s",
                                        kf_voucher_item_get_code (item));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), "voucher.copy-entry");
    }
  if (uncertain)
    {
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->resolve_button), "s",
                                        kf_voucher_item_get_id (item));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->resolve_button), "voucher.resolve");
    }
  self->syncing = FALSE;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, plan, -1);
}

static void
given_toggled_cb (KfVoucherRow   *self,
                  GtkCheckButton *check)
{
  if (self->syncing || self->item == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "voucher.set-given", "(sb)",
                              kf_voucher_item_get_code (self->item),
                              gtk_check_button_get_active (check));
}

static void
kf_voucher_row_dispose (GObject *object)
{
  KfVoucherRow *self = KF_VOUCHER_ROW (object);

  g_clear_object (&self->item);

  G_OBJECT_CLASS (kf_voucher_row_parent_class)->dispose (object);
}

static void
kf_voucher_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KfVoucherRow *self = KF_VOUCHER_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_voucher_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KfVoucherRow *self = KF_VOUCHER_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      kf_voucher_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_voucher_row_class_init (KfVoucherRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_voucher_row_dispose;
  object_class->get_property = kf_voucher_row_get_property;
  object_class->set_property = kf_voucher_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, KF_TYPE_VOUCHER_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KF_TYPE_ADAPTIVE_BOX);
  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/kenfiles/Desktop/kf-voucher-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, warning_icon);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, uncertain_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, code_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, given_check);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherRow, resolve_button);
  gtk_widget_class_bind_template_callback (widget_class, given_toggled_cb);
}

static void
kf_voucher_row_init (KfVoucherRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kf_voucher_row_new (KfVoucherItem *item)
{
  return g_object_new (KF_TYPE_VOUCHER_ROW, "item", item, NULL);
}

KfVoucherItem *
kf_voucher_row_get_item (KfVoucherRow *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_ROW (self), NULL);

  return self->item;
}

void
kf_voucher_row_set_item (KfVoucherRow  *self,
                         KfVoucherItem *item)
{
  g_return_if_fail (KF_IS_VOUCHER_ROW (self));
  g_return_if_fail (item == NULL || KF_IS_VOUCHER_ITEM (item));

  if (!g_set_object (&self->item, item))
    return;

  sync (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
