/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Vouchers page: buys through the one purchase workflow
 * (KfVoucherPurchase), lists the ledger with uncertain purchases, and
 * offers to move a damaged ledger aside. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-adaptive-box.h"
#include "kf-keyring.h"
#include "kf-ledger.h"
#include "kf-alert.h"
#include "kf-pages-util.h"
#include "kf-util.h"
#include "kf-voucher-item.h"
#include "kf-voucher-page.h"
#include "kf-voucher-purchase.h"
#include "kf-voucher-row.h"

struct _KfVoucherPage
{
  AdwBin               parent_instance;

  KfClient            *client;
  char                *ledger_path;
  char                *plan;
  GCancellable        *cancellable;        /* the page's: cancelled in dispose */
  GtkWidget           *confirm_dialog;     /* weak */
  KfVoucherPurchase   *purchase;           /* asked for or running */
  GPtrArray           *ledger;             /* KfVoucherEntry*, as loaded */
  GListStore          *ledger_store;       /* KfVoucherItem, newest first */
  char                *ledger_error;       /* the ledger cannot be used: why */
  char                *last_code;
  char                *session_reseller_key; /* only when there is no keyring */
  double               balance;            /* -1 when not known */
  gboolean             busy;
  gboolean             loaded_once;
  guint                ledger_generation;
  guint                balance_generation;
  GHashTable          *plan_buttons;       /* plan ID -> GtkToggleButton */

  GtkScrolledWindow   *scrolled;
  AdwPreferencesGroup *plans_group;
  GtkRevealer         *result_revealer;
  GtkLabel            *code_label;
  GtkLabel            *result_plan_label;
  GtkRevealer         *uncertain_revealer;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkRevealer         *damaged_revealer;
  GtkLabel            *damaged_label;
  GtkLabel            *balance_label;
  GtkStack            *balance_stack;
  GtkSpinner          *balance_spinner;
  GtkLabel            *price_label;
  AdwActionRow        *price_row;
  GtkSpinner          *create_spinner;
  GtkLabel            *create_label;
  AdwEntryRow         *reseller_entry;
  AdwActionRow        *reseller_saved_row;
  GtkListBox          *ledger_list;
};

G_DEFINE_FINAL_TYPE (KfVoucherPage, kf_voucher_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_LEDGER_PATH,
  PROP_PLAN,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_ledger (KfVoucherPage *self);
static void refresh_balance (KfVoucherPage *self);

static gboolean
set_str (char       **dest,
         const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;

  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

/* Work that is not cancellable (a purchase once written ahead) may finish
 * after the page went away: then there is nothing to show it in. */
static gboolean
page_gone (KfVoucherPage *self)
{
  return g_cancellable_is_cancelled (self->cancellable);
}

static void
update_actions (KfVoucherPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "voucher.create",
                                 self->client != NULL && !self->busy && self->plan != NULL &&
                                 self->ledger_error == NULL);
  gtk_widget_action_set_enabled (widget, "voucher.refresh", self->client != NULL);
  gtk_widget_action_set_enabled (widget, "voucher.export",
                                 self->ledger != NULL && self->ledger->len > 0);
  gtk_widget_action_set_enabled (widget, "voucher.copy-code", self->last_code != NULL);
  gtk_widget_action_set_enabled (widget, "voucher.move-aside", self->ledger_error != NULL && !self->busy);
}

static void
set_busy (KfVoucherPage *self,
          gboolean       busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->create_spinner), busy);
  gtk_spinner_set_spinning (self->create_spinner, busy);
  gtk_label_set_text_with_mnemonic (self->create_label,
                                    busy ? _("Creating Voucher…") : _("C_reate Voucher…"));
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Hidden messages take no room, not even the box's spacing. */
static void
reveal (GtkRevealer *revealer,
        gboolean     shown)
{
  gtk_widget_set_visible (GTK_WIDGET (revealer), shown);
  gtk_revealer_set_reveal_child (revealer, shown);
}

static void
hide_messages (KfVoucherPage *self)
{
  reveal (self->result_revealer, FALSE);
  reveal (self->uncertain_revealer, FALSE);
  reveal (self->error_revealer, FALSE);
}

/* Scrolls the page so that @widget is in view. */
static void
scroll_into_view (KfVoucherPage *self,
                  GtkWidget     *widget)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled);
  graphene_rect_t bounds;
  double height = gtk_widget_get_height (GTK_WIDGET (self->scrolled));
  double value = gtk_adjustment_get_value (adjustment);

  if (!gtk_widget_compute_bounds (widget, GTK_WIDGET (self->scrolled), &bounds))
    return;

  if (bounds.origin.y + bounds.size.height > height)
    value += MIN (bounds.origin.y, bounds.origin.y + bounds.size.height - height + 12);
  else if (bounds.origin.y < 0)
    value += bounds.origin.y - 12;
  gtk_adjustment_set_value (adjustment, value);
}

/* Runs at frame ticks until the revealed outcome has been laid out, then
 * brings it into view: before that its place on the page is not known. */
static gboolean
outcome_tick_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);
  GtkRevealer *revealer = user_data;
  GtkWidget *child = gtk_revealer_get_child (revealer);
  GtkWidget *focus = g_object_get_data (G_OBJECT (revealer), "kf-focus");

  if (!gtk_revealer_get_child_revealed (revealer) || gtk_widget_get_height (child) <= 0 ||
      gtk_widget_get_height (GTK_WIDGET (revealer)) < gtk_widget_get_height (child))
    return G_SOURCE_CONTINUE;

  scroll_into_view (self, GTK_WIDGET (revealer));
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
  g_object_set_data (G_OBJECT (revealer), "kf-tick", NULL);
  return G_SOURCE_REMOVE;
}

/* The outcome sits right under the Create button, where the user looks when
 * the confirmation closes; once shown it is scrolled into view and takes
 * the focus (for a screen reader too), even when the page was scrolled. */
static void
show_outcome (KfVoucherPage *self,
              GtkRevealer   *revealer,
              GtkWidget     *focus)
{
  guint tick = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (revealer), "kf-tick"));

  g_object_set_data (G_OBJECT (revealer), "kf-focus", focus);
  reveal (revealer, TRUE);
  if (tick == 0)
    {
      tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), outcome_tick_cb, revealer, NULL);
      g_object_set_data (G_OBJECT (revealer), "kf-tick", GUINT_TO_POINTER (tick));
    }
}

static void
show_error (KfVoucherPage *self,
            const char    *text)
{
  gtk_label_set_text (self->error_label, text);
  show_outcome (self, self->error_revealer, GTK_WIDGET (self->error_label));
}

/* --- Price and balance ---------------------------------------------- */

static gboolean
find_last_charge (KfVoucherPage *self,
                  double        *charged)
{
  return self->ledger != NULL && self->plan != NULL &&
         kf_ledger_find_last_charge (self->ledger, self->plan, charged);
}

static void
update_price (KfVoucherPage *self)
{
  double charged;

  if (find_last_charge (self, &charged))
    {
      g_autofree char *money = kf_format_money (charged);

      gtk_label_set_text (self->price_label, money);
      adw_action_row_set_subtitle (self->price_row, NULL);
    }
  else
    {
      gtk_label_set_text (self->price_label, "—");
      adw_action_row_set_subtitle (self->price_row,
                                   _("Known once this computer has bought this plan"));
    }
}

static void
set_balance_loading (KfVoucherPage *self,
                     gboolean       loading)
{
  gtk_spinner_set_spinning (self->balance_spinner, loading);
  gtk_stack_set_visible_child_name (self->balance_stack, loading ? "spinner" : "button");
}

/* Loads and refreshes do not keep the page alive: a closed page drops
 * their answers (only the latest one counts anyway). */
typedef struct {
  GWeakRef page;
  guint    generation;
} Generation;

static Generation *
generation_new (KfVoucherPage *self,
                guint          generation)
{
  Generation *data = g_new0 (Generation, 1);

  g_weak_ref_init (&data->page, self);
  data->generation = generation;
  return data;
}

/* Returns the page (a new reference) or NULL, and frees @data. */
static KfVoucherPage *
generation_steal_page (Generation *data,
                       guint      *generation)
{
  KfVoucherPage *self = g_weak_ref_get (&data->page);

  if (generation != NULL)
    *generation = data->generation;
  g_weak_ref_clear (&data->page);
  g_free (data);
  return self;
}

static void
balance_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  guint generation;
  g_autoptr(KfVoucherPage) self = generation_steal_page (user_data, &generation);
  g_autoptr(KfAccountInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = kf_client_get_account_info_finish (KF_CLIENT (object), result, &error);
  /* Only the answer of the latest refresh is shown. */
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      generation != self->balance_generation)
    return;

  set_balance_loading (self, FALSE);

  if (info == NULL)
    {
      /* The last known balance would mislead right after a purchase. */
      self->balance = -1;
      gtk_label_set_text (self->balance_label, _("Unknown"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->balance_label),
                                   kf_pages_error_message (error));
      return;
    }

  self->balance = info->balance;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->balance_label), NULL);
  {
    g_autofree char *money = kf_format_money_text (info->balance_text, info->balance);
    gtk_label_set_text (self->balance_label, money);
  }
}

static void
refresh_balance (KfVoucherPage *self)
{
  if (self->client == NULL)
    return;

  set_balance_loading (self, TRUE);
  kf_client_get_account_info_async (self->client, self->cancellable, balance_cb,
                                    generation_new (self, ++self->balance_generation));
}

/* --- Ledger list ------------------------------------------------------ */

static void
ledger_changed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KfVoucherPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Both set_given and resolve return a boolean through the same GTask. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("Could not update the list: %s"), error->message);
      kf_pages_toast (GTK_WIDGET (self), text);
    }

  load_ledger (self);
}

static void
set_given_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);
  const char *code;
  gboolean given;

  g_variant_get (parameter, "(&sb)", &code, &given);
  kf_ledger_set_given_async (self->ledger_path, code, given, self->cancellable,
                             ledger_changed_cb, g_object_ref (self));
}

static void
resolve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);

  kf_ledger_resolve_async (self->ledger_path, g_variant_get_string (parameter, NULL),
                           self->cancellable, ledger_changed_cb, g_object_ref (self));
}

static void
copy_entry_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  kf_pages_copy_text (widget, g_variant_get_string (parameter, NULL), _("Voucher code copied"));
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return kf_voucher_row_new (item);
}

static GtkWidget *
add_row_label (GtkWidget  *box,
               const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

/* A row like an AdwActionRow whose @suffix (a box, returned) is beside the
 * title when the page is wide and on a line of its own below it when not. */
static GtkWidget *
create_adaptive_row (const char  *title,
                     const char  *subtitle,
                     GtkWidget  **suffix)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *layout = kf_adaptive_box_new (6);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* A plain AdwPreferencesRow shows no title of its own, so names nothing. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  gtk_widget_set_margin_start (layout, 12);
  gtk_widget_set_margin_end (layout, 12);
  gtk_widget_set_margin_top (layout, 8);
  gtk_widget_set_margin_bottom (layout, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), layout);

  gtk_widget_set_hexpand (titles, TRUE);
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
  add_row_label (titles, title, "title");
  if (subtitle != NULL)
    add_row_label (titles, subtitle, "subtitle");
  kf_adaptive_box_append (KF_ADAPTIVE_BOX (layout), titles);

  *suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (*suffix, GTK_ALIGN_CENTER);
  kf_adaptive_box_append (KF_ADAPTIVE_BOX (layout), *suffix);

  return row;
}


static void
show_ledger (KfVoucherPage *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  /* Newest first: the code just bought is at the top. Refused purchases
   * stay in the file (and in `kenfiles vouchers`), not in this list. */
  for (guint i = self->ledger != NULL ? self->ledger->len : 0; i > 0; i--)
    {
      KfVoucherEntry *entry = g_ptr_array_index (self->ledger, i - 1);

      if (entry->state != KF_VOUCHER_STATE_FAILED)
        g_ptr_array_add (items, kf_voucher_item_new (entry));
    }

  g_list_store_splice (self->ledger_store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->ledger_store)),
                       items->pdata, items->len);
  update_price (self);
  update_actions (self);
}

static void
set_ledger_error (KfVoucherPage *self,
                  const char    *message)
{
  if (!set_str (&self->ledger_error, message))
    return;

  if (message != NULL)
    {
      g_autofree char *text =
        g_strdup_printf (_("%s No voucher can be bought until it is fixed. You can move it aside: "
                           "it is kept, renamed, and a new list starts."), message);

      gtk_label_set_text (self->damaged_label, text);
    }
  reveal (self->damaged_revealer, message != NULL);
  update_actions (self);
}

static void
ledger_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  guint generation;
  g_autoptr(KfVoucherPage) self = generation_steal_page (user_data, &generation);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = kf_ledger_load_finish (result, &error);
  /* Only the answer of the latest load is shown. */
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      generation != self->ledger_generation)
    return;

  if (entries == NULL)
    {
      /* Damaged or unreadable: kept as it is, purchases stop, moving it aside is offered. */
      set_ledger_error (self, error->message);
      return;
    }

  set_ledger_error (self, NULL);
  g_clear_pointer (&self->ledger, g_ptr_array_unref);
  self->ledger = g_steal_pointer (&entries);
  show_ledger (self);
}

static void
load_ledger (KfVoucherPage *self)
{
  kf_ledger_load_async (self->ledger_path, self->cancellable, ledger_loaded_cb,
                        generation_new (self, ++self->ledger_generation));
}

static void
moved_aside_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KfVoucherPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = kf_ledger_move_aside_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (moved == NULL)
    show_error (self, error->message);
  else
    {
      g_autofree char *display = g_filename_display_name (moved);
      g_autofree char *text = g_strdup_printf (_("The damaged list was kept as “%s”"), display);

      kf_pages_toast (GTK_WIDGET (self), text);
    }

  load_ledger (self);
}

static void
move_aside_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);

  if (self->ledger_error == NULL || self->busy)
    return;

  kf_ledger_move_aside_async (self->ledger_path, self->cancellable, moved_aside_cb, g_object_ref (self));
}

/* --- Purchase ----------------------------------------------------------- */

static void
charge_measured_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KfVoucherPage) self = generation_steal_page (user_data, NULL);
  g_autoptr(GError) error = NULL;

  if (!kf_voucher_purchase_measure_charge_finish (KF_VOUCHER_PURCHASE (object), result, NULL, &error) &&
      error != NULL)
    g_debug ("What the voucher charged is not known: %s", error->message);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The ledger now holds the price: the list and the plan show it. */
  load_ledger (self);
}

static void
purchase_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KfVoucherPage) self = user_data;
  KfVoucherPurchase *purchase = KF_VOUCHER_PURCHASE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_name = kf_pages_plan_dup_name (kf_voucher_purchase_get_plan (purchase));
  const GError *save_error;

  kf_voucher_purchase_run_finish (purchase, result, &error);
  if (self->purchase == purchase)
    g_clear_object (&self->purchase);
  /* Paid codes are in the ledger whatever happens to the page. */
  if (page_gone (self))
    return;

  set_busy (self, FALSE);
  load_ledger (self);
  refresh_balance (self);

  if (error != NULL)
    {
      if (g_error_matches (error, KF_ERROR, KF_ERROR_UNCERTAIN) ||
          g_error_matches (error, KF_ERROR, KF_ERROR_TIMED_OUT))
        show_outcome (self, self->uncertain_revealer, NULL);
      else if (g_error_matches (error, KF_ERROR, KF_ERROR_REFUSED))
        {
          g_autofree char *text = g_strdup_printf (_("The server refused to create the voucher: %s"),
                                                   error->message);
          show_error (self, text);
        }
      else if (error->domain == KF_STORE_ERROR)
        show_error (self, error->message);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, kf_pages_error_message (error));
      return;
    }

  g_free (self->last_code);
  self->last_code = g_strdup (kf_voucher_purchase_get_code (purchase));
  gtk_label_set_text (self->code_label, self->last_code);
  gtk_label_set_text (self->result_plan_label, plan_name);

  save_error = kf_voucher_purchase_get_save_error (purchase);
  if (save_error != NULL)
    {
      /* The code exists and is paid for: show it whatever happens, and say
       * plainly that it is not in the list, so the user writes it down. */
      g_autofree char *text =
        g_strdup_printf (_("The voucher was created but could not be saved to the list (%s). "
                           "Copy the code now and keep it somewhere safe."),
                         save_error->message);
      show_error (self, text);
    }

  show_outcome (self, self->result_revealer, GTK_WIDGET (self->code_label));
  update_actions (self);

  kf_voucher_purchase_measure_charge_async (purchase, self->cancellable,
                                            charge_measured_cb, generation_new (self, 0));
}

typedef struct {
  KfVoucherPage     *self;
  KfVoucherPurchase *purchase;
} KeyLookup;

static void
start_purchase (KfVoucherPage     *self,
                KfVoucherPurchase *purchase,
                const char        *reseller_key)
{
  /* The page's cancellable counts until the pending record is written. */
  kf_voucher_purchase_run_async (purchase, reseller_key, self->cancellable,
                                 purchase_done_cb, g_object_ref (self));
}

static void
reseller_key_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KeyLookup *lookup = user_data;
  g_autoptr(KfVoucherPage) self = lookup->self;
  g_autoptr(KfVoucherPurchase) purchase = lookup->purchase;
  g_autoptr(GError) error = NULL;
  char *key;

  g_free (lookup);
  key = kf_keyring_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      kf_keyring_free_secret (key);
      return;
    }

  if (key == NULL && error != NULL &&
      !g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
    {
      /* A saved reseller key we cannot read must not silently become the
       * account key: stop before anything is bought. */
      g_autofree char *text = g_strdup_printf (_("Could not read the reseller key: %s"),
                                               error->message);

      g_clear_object (&self->purchase);
      set_busy (self, FALSE);
      show_error (self, text);
      return;
    }

  if (error != NULL)
    g_debug ("No keyring, using the account key: %s", error->message);

  start_purchase (self, purchase, key);
  kf_keyring_free_secret (key);
}

/* The only way to buy: one call per confirmation, never while one runs. */
static void
purchase (KfVoucherPage *self)
{
  KeyLookup *lookup;

  if (self->busy || self->client == NULL || self->plan == NULL)
    return;

  /* Made when the dialog opened, so the balance before was read meanwhile. */
  if (self->purchase == NULL)
    self->purchase = kf_voucher_purchase_new (self->client, self->ledger_path, self->plan);

  set_busy (self, TRUE);
  hide_messages (self);

  if (self->session_reseller_key != NULL)
    {
      start_purchase (self, self->purchase, self->session_reseller_key);
      return;
    }

  lookup = g_new0 (KeyLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->purchase = g_object_ref (self->purchase);
  kf_keyring_lookup_async (KF_SECRET_RESELLER_KEY, self->cancellable, reseller_key_cb, lookup);
}

static void
update_confirm_body (KfVoucherPage *self)
{
  GtkWidget *dialog;
  const char *plan;
  g_autofree char *plan_name = NULL;
  g_autofree char *body = NULL;
  g_autofree char *price = NULL;
  double balance = self->balance;
  double charged;

  /* The balance may arrive after the question was answered. */
  if (self->confirm_dialog == NULL)
    return;
  dialog = self->confirm_dialog;
  plan = g_object_get_data (G_OBJECT (dialog), "kf-plan");
  plan_name = kf_pages_plan_dup_name (plan);

  if (self->purchase != NULL && kf_voucher_purchase_get_balance_before (self->purchase) >= 0)
    balance = kf_voucher_purchase_get_balance_before (self->purchase);

  if (balance >= 0)
    {
      g_autofree char *money = kf_format_money (balance);

      body = g_strdup_printf (_("A “%s” voucher will be created. Its price will be "
                                "charged to your account balance (now %s)."),
                              plan_name, money);
    }
  else
    body = g_strdup_printf (_("A “%s” voucher will be created. Its price will be "
                              "charged to your account balance."),
                            plan_name);

  if (find_last_charge (self, &charged))
    {
      g_autofree char *money = kf_format_money (charged);

      /* TRANSLATORS: after the question whether to buy; %s is an amount of money */
      price = g_strdup_printf (_("Last charged for this plan: %s."), money);
      g_autofree char *text = g_strdup_printf ("%s %s", body, price);

      kf_alert_set_body (dialog, text);
    }
  else
    kf_alert_set_body (dialog, body);
}

static void
confirm_response_cb (GtkWidget        *dialog,
                     const char       *response,
                     KfVoucherPage    *self)
{
  const char *plan = g_object_get_data (G_OBJECT (dialog), "kf-plan");

  if (self->confirm_dialog == GTK_WIDGET (dialog))
    g_clear_weak_pointer (&self->confirm_dialog);

  /* A second response of the same dialog (double click) buys nothing more. */
  if (g_object_get_data (G_OBJECT (dialog), "kf-answered") != NULL)
    return;
  g_object_set_data (G_OBJECT (dialog), "kf-answered", GINT_TO_POINTER (TRUE));

  if (g_strcmp0 (response, "create") != 0)
    {
      g_clear_object (&self->purchase);
      return;
    }

  /* Buy what the dialog named, even if the selection changed meanwhile. */
  if (g_strcmp0 (plan, self->plan) != 0)
    {
      g_clear_object (&self->purchase);
      kf_voucher_page_set_plan (self, plan);
    }

  purchase (self);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);
  GtkWidget *dialog;

  if (self->busy || self->confirm_dialog != NULL || self->client == NULL || self->plan == NULL ||
      self->ledger_error != NULL)
    return;

  /* Reads the balance while the user reads the question: then what this
   * purchase charged can be told afterwards, without delaying it. */
  g_clear_object (&self->purchase);
  self->purchase = kf_voucher_purchase_new (self->client, self->ledger_path, self->plan);

  dialog = kf_alert_new (widget, _("Create Voucher?"), NULL);
  kf_alert_add_response (dialog, "cancel", _("_Cancel"));
  kf_alert_add_response (dialog, "create", _("C_reate and Charge"));
  kf_alert_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  kf_alert_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kf-plan", g_strdup (self->plan), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  g_signal_connect_object (self->purchase, "notify::balance-before",
                           G_CALLBACK (update_confirm_body), self, G_CONNECT_SWAPPED);

  g_set_weak_pointer (&self->confirm_dialog, dialog);
  update_confirm_body (self);
  kf_alert_present (dialog);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  kf_voucher_page_refresh (KF_VOUCHER_PAGE (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);
  g_autofree char *csv = NULL;

  if (self->ledger == NULL)
    return;

  csv = kf_ledger_to_csv (self->ledger);
  /* TRANSLATORS: suggested file name */
  kf_pages_save_text (widget, _("Export Vouchers"), _("kenfiles-vouchers.csv"), csv);
}

static void
copy_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);

  if (self->last_code != NULL)
    kf_pages_copy_text (widget, self->last_code, _("Voucher code copied"));
}

/* --- Reseller key ------------------------------------------------------ */

static void
show_reseller_saved (KfVoucherPage *self,
                     gboolean       saved,
                     gboolean       session_only)
{
  gtk_widget_set_visible (GTK_WIDGET (self->reseller_saved_row), saved);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reseller_saved_row),
                                 session_only
                                   ? _("A reseller key is kept for this session (no keyring)")
                                   : _("A reseller key is saved in the keyring"));
}

static void
reseller_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KfVoucherPage) self = user_data;
  g_autoptr(GError) error = NULL;
  char *key = kf_keyring_lookup_finish (result, &error);

  if (page_gone (self))
    {
      kf_keyring_free_secret (key);
      return;
    }

  if (error != NULL)
    {
      if (!kf_pages_error_is_cancelled (error))
        g_debug ("Reseller key lookup: %s", error->message);
      return;
    }

  show_reseller_saved (self, key != NULL, FALSE);
  kf_keyring_free_secret (key);
}

typedef struct {
  KfVoucherPage *self;
  char          *key;
} StoreData;

static void
reseller_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  StoreData *data = user_data;
  KfVoucherPage *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean stored = kf_keyring_store_finish (result, &error);

  if (page_gone (self))
    ;
  else if (stored)
    {
      show_reseller_saved (self, TRUE, FALSE);
      kf_pages_toast (GTK_WIDGET (self), _("Reseller key saved"));
    }
  else if (g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
    {
      g_clear_pointer (&self->session_reseller_key, kf_keyring_free_secret);
      self->session_reseller_key = g_steal_pointer (&data->key);
      show_reseller_saved (self, TRUE, TRUE);
    }
  else if (!kf_pages_error_is_cancelled (error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the reseller key: %s"),
                                               error->message);
      show_error (self, text);
    }

  kf_keyring_free_secret (data->key);
  g_object_unref (data->self);
  g_free (data);
}

static void
reseller_apply_cb (AdwEntryRow   *row,
                   KfVoucherPage *self)
{
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  StoreData *data;

  /* Clear the entry at once so the key does not linger on screen. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");

  if (*key == '\0')
    return;

  data = g_new0 (StoreData, 1);
  data->self = g_object_ref (self);
  data->key = g_steal_pointer (&key);
  kf_keyring_store_async (KF_SECRET_RESELLER_KEY, data->key, self->cancellable,
                          reseller_stored_cb, data);
}

static void
reseller_cleared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KfVoucherPage) self = user_data;
  g_autoptr(GError) error = NULL;

  gboolean cleared = kf_keyring_clear_finish (result, &error);

  if (page_gone (self))
    return;

  if (cleared ||
      g_error_matches (error, KF_STORE_ERROR, KF_STORE_ERROR_NO_KEYRING))
    {
      show_reseller_saved (self, FALSE, FALSE);
      kf_pages_toast (GTK_WIDGET (self), _("Reseller key removed"));
    }
  else if (!kf_pages_error_is_cancelled (error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not remove the reseller key: %s"),
                                               error->message);
      show_error (self, text);
    }
}

static void
forget_reseller_key_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);

  g_clear_pointer (&self->session_reseller_key, kf_keyring_free_secret);
  kf_keyring_clear_async (KF_SECRET_RESELLER_KEY, self->cancellable,
                          reseller_cleared_cb, g_object_ref (self));
}

/* --- Plans ------------------------------------------------------------- */

static void
plan_toggled_cb (GtkToggleButton *button,
                 KfVoucherPage   *self)
{
  if (gtk_toggle_button_get_active (button))
    kf_voucher_page_set_plan (self, g_object_get_data (G_OBJECT (button), "kf-plan"));
}

static const char *
group_title (const char *group)
{
  if (g_strcmp0 (group, "premium-pro") == 0)
    return _("Premium Pro");
  if (g_strcmp0 (group, "premium-traffic") == 0)
    return _("Premium Traffic");
  return _("Premium");
}

static const char *
group_subtitle (const char *group)
{
  if (g_strcmp0 (group, "premium-traffic") == 0)
    return _("Download traffic");
  if (g_strcmp0 (group, "premium-pro") == 0)
    return _("Premium with more features");
  return NULL;
}

static void
build_plan_rows (KfVoucherPage *self)
{
  GtkToggleButton *first = NULL;
  GtkWidget *row = NULL;
  GtkWidget *box = NULL;
  const char *current_group = NULL;
  const KfPlan *plans;
  guint n_plans = 0;

  plans = kf_plans_get (&n_plans);

  for (guint i = 0; i < n_plans; i++)
    {
      const KfPlan *plan = &plans[i];
      GtkWidget *button;
      g_autofree char *label = NULL;
      g_autofree char *name = kf_pages_plan_dup_name (plan->id);

      if (row == NULL || g_strcmp0 (current_group, plan->group) != 0)
        {
          current_group = plan->group;
          row = create_adaptive_row (group_title (plan->group), group_subtitle (plan->group), &box);
          gtk_box_set_spacing (GTK_BOX (box), 0);
          gtk_box_set_homogeneous (GTK_BOX (box), TRUE);
          gtk_widget_add_css_class (box, "linked");
          adw_preferences_group_add (self->plans_group, row);
        }

      if (g_strcmp0 (plan->group, "premium-traffic") == 0)
        /* TRANSLATORS: a plan's amount of traffic on its button */
        label = g_strdup_printf (_("%u GB"), plan->amount);
      else
        /* TRANSLATORS: a plan's number of days on its button */
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Day", "%u Days", plan->amount),
                                 plan->amount);

      button = gtk_toggle_button_new_with_label (label);
      /* Two lines rather than clipped when four buttons share a phone's width. */
      gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
      gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data_full (G_OBJECT (button), "kf-plan", g_strdup (plan->id), g_free);
      if (first == NULL)
        first = GTK_TOGGLE_BUTTON (button);
      else
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      g_signal_connect (button, "toggled", G_CALLBACK (plan_toggled_cb), self);
      g_hash_table_insert (self->plan_buttons, g_strdup (plan->id), button);
      gtk_box_append (GTK_BOX (box), button);
    }
}

/* --- GObject ----------------------------------------------------------- */

static void
kf_voucher_page_map (GtkWidget *widget)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (widget);

  GTK_WIDGET_CLASS (kf_voucher_page_parent_class)->map (widget);

  if (!self->loaded_once)
    {
      self->loaded_once = TRUE;
      kf_voucher_page_refresh (self);
      kf_keyring_lookup_async (KF_SECRET_RESELLER_KEY, self->cancellable,
                               reseller_lookup_cb, g_object_ref (self));
    }
}

static void
kf_voucher_page_dispose (GObject *object)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->purchase);
  if (self->confirm_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->confirm_dialog));
  g_clear_weak_pointer (&self->confirm_dialog);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kf_voucher_page_parent_class)->dispose (object);
}

static void
kf_voucher_page_finalize (GObject *object)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ledger, g_ptr_array_unref);
  g_clear_object (&self->ledger_store);
  g_free (self->ledger_error);
  g_clear_pointer (&self->plan_buttons, g_hash_table_unref);
  g_clear_pointer (&self->session_reseller_key, kf_keyring_free_secret);
  g_free (self->ledger_path);
  g_free (self->plan);
  g_free (self->last_code);

  G_OBJECT_CLASS (kf_voucher_page_parent_class)->finalize (object);
}

static void
kf_voucher_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_LEDGER_PATH:
      g_value_set_string (value, self->ledger_path);
      break;
    case PROP_PLAN:
      g_value_set_string (value, self->plan);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_voucher_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KfVoucherPage *self = KF_VOUCHER_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      kf_voucher_page_set_client (self, g_value_get_object (value));
      break;
    case PROP_LEDGER_PATH:
      kf_voucher_page_set_ledger_path (self, g_value_get_string (value));
      break;
    case PROP_PLAN:
      kf_voucher_page_set_plan (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_voucher_page_class_init (KfVoucherPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_voucher_page_dispose;
  object_class->finalize = kf_voucher_page_finalize;
  object_class->get_property = kf_voucher_page_get_property;
  object_class->set_property = kf_voucher_page_set_property;

  widget_class->map = kf_voucher_page_map;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, KF_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LEDGER_PATH] =
    g_param_spec_string ("ledger-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_string ("plan", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/kenfiles/Desktop/kf-voucher-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, plans_group);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, result_revealer);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, result_plan_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, uncertain_revealer);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, damaged_revealer);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, damaged_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, price_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, price_row);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, balance_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, balance_stack);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, balance_spinner);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, create_spinner);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, create_label);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, reseller_entry);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, reseller_saved_row);
  gtk_widget_class_bind_template_child (widget_class, KfVoucherPage, ledger_list);
  gtk_widget_class_bind_template_callback (widget_class, reseller_apply_cb);

  gtk_widget_class_install_action (widget_class, "voucher.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "voucher.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "voucher.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "voucher.copy-code", NULL, copy_code_action);
  gtk_widget_class_install_action (widget_class, "voucher.copy-entry", "s", copy_entry_action);
  gtk_widget_class_install_action (widget_class, "voucher.set-given", "(sb)", set_given_action);
  gtk_widget_class_install_action (widget_class, "voucher.resolve", "s", resolve_action);
  gtk_widget_class_install_action (widget_class, "voucher.move-aside", NULL, move_aside_action);
  gtk_widget_class_install_action (widget_class, "voucher.forget-reseller-key", NULL,
                                   forget_reseller_key_action);
}

static void
kf_voucher_page_init (KfVoucherPage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The row's Show Text and Apply buttons. */
  kf_pages_name_icon_buttons (GTK_WIDGET (self->reseller_entry), NULL);

  self->cancellable = g_cancellable_new ();
  self->balance = -1;
  self->ledger_store = g_list_store_new (KF_TYPE_VOUCHER_ITEM);
  gtk_list_box_bind_model (self->ledger_list, G_LIST_MODEL (self->ledger_store),
                           create_row_cb, NULL, NULL);
  self->plan_buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_label_set_text (self->balance_label, "—");
  hide_messages (self);
  reveal (self->damaged_revealer, FALSE);

  placeholder = gtk_label_new (_("No vouchers bought on this computer yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->ledger_list, placeholder);

  build_plan_rows (self);
  kf_voucher_page_set_plan (self, "30p");
  update_actions (self);
}

GtkWidget *
kf_voucher_page_new (KfClient   *client,
                     const char *ledger_path)
{
  return g_object_new (KF_TYPE_VOUCHER_PAGE,
                       "client", client,
                       "ledger-path", ledger_path,
                       NULL);
}

KfClient *
kf_voucher_page_get_client (KfVoucherPage *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PAGE (self), NULL);

  return self->client;
}

void
kf_voucher_page_set_client (KfVoucherPage *self,
                            KfClient      *client)
{
  g_return_if_fail (KF_IS_VOUCHER_PAGE (self));
  g_return_if_fail (client == NULL || KF_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  gtk_label_set_text (self->balance_label, "—");
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh_balance (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

const char *
kf_voucher_page_get_ledger_path (KfVoucherPage *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PAGE (self), NULL);

  return self->ledger_path;
}

void
kf_voucher_page_set_ledger_path (KfVoucherPage *self,
                                 const char    *ledger_path)
{
  g_return_if_fail (KF_IS_VOUCHER_PAGE (self));

  if (!set_str (&self->ledger_path, ledger_path))
    return;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load_ledger (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEDGER_PATH]);
}

const char *
kf_voucher_page_get_plan (KfVoucherPage *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PAGE (self), NULL);

  return self->plan;
}

void
kf_voucher_page_set_plan (KfVoucherPage *self,
                          const char    *plan_id)
{
  GtkToggleButton *button;

  g_return_if_fail (KF_IS_VOUCHER_PAGE (self));

  if (plan_id != NULL && kf_plan_lookup (plan_id) == NULL)
    {
      g_critical ("Unknown voucher plan “%s”", plan_id);
      return;
    }

  if (!set_str (&self->plan, plan_id))
    return;

  button = plan_id != NULL ? g_hash_table_lookup (self->plan_buttons, plan_id) : NULL;
  if (button != NULL && !gtk_toggle_button_get_active (button))
    gtk_toggle_button_set_active (button, TRUE);

  update_price (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN]);
}

gboolean
kf_voucher_page_get_busy (KfVoucherPage *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PAGE (self), FALSE);

  return self->busy;
}

const char *
kf_voucher_page_get_last_code (KfVoucherPage *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PAGE (self), NULL);

  return self->last_code;
}

void
kf_voucher_page_refresh (KfVoucherPage *self)
{
  g_return_if_fail (KF_IS_VOUCHER_PAGE (self));

  refresh_balance (self);
  load_ledger (self);
}
