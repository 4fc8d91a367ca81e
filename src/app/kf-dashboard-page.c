/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-adaptive-box.h"
#include "kf-dashboard-page.h"
#include "kf-dashboard-page-private.h"
#include "kf-pages-util.h"
#include "kf-stats-chart.h"
#include "kf-util.h"

/* Figures older than this are fetched again when the page is shown. */
#define STALE_AFTER_US (60 * G_USEC_PER_SEC)

struct _KfDashboardPage
{
  AdwBin          parent_instance;

  KfClient       *client;
  guint           days;
  GCancellable   *cancellable;
  guint           pending;
  GError         *error;            /* first failure of the refresh in flight */
  KfAccountInfo  *info;             /* last good figures */
  KfStats        *stats;
  KfAccountInfo  *new_info;         /* arriving figures, shown together */
  KfStats        *new_stats;
  gint64          updated_at;       /* monotonic time of the last good refresh */
  gboolean        loading;

  GtkStack       *stack;
  GtkSpinner     *loading_spinner;
  AdwStatusPage  *error_page;
  GtkRevealer    *error_revealer;
  GtkLabel       *error_label;
  GtkSpinner     *refresh_spinner;
  GtkLabel       *email_label;
  GtkLabel       *balance_label;
  GtkLabel       *premium_label;
  GtkLabel       *storage_label;
  GtkLevelBar    *storage_bar;
  GtkToggleButton *days7_button;
  GtkToggleButton *days30_button;
  GtkToggleButton *days90_button;
  KfStatsChart   *traffic_chart;
  KfStatsChart   *earnings_chart;
  GtkLabel       *totals_title;
  GtkLabel       *downloads_total;
  GtkLabel       *views_total;
  GtkLabel       *sales_total;
  GtkLabel       *refs_total;
  GtkLabel       *earnings_total;
};

G_DEFINE_FINAL_TYPE (KfDashboardPage, kf_dashboard_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_DAYS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Keeps the page alive until the call returns, and tells stale answers apart. */
typedef struct {
  KfDashboardPage *self;
  GCancellable    *cancellable;
} RefreshData;

static RefreshData *
refresh_data_new (KfDashboardPage *self)
{
  RefreshData *data = g_new0 (RefreshData, 1);

  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cancellable);
  return data;
}

static void
refresh_data_free (RefreshData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RefreshData, refresh_data_free)

static void
set_loading (KfDashboardPage *self,
             gboolean         loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static char *
format_count (gint64 value)
{
  /* %'d groups thousands the locale's way. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_text (label, text);
  g_free (text);
}

static void
show_account (KfDashboardPage *self)
{
  const KfAccountInfo *info = self->info;
  g_autofree char *used = NULL;
  g_autofree char *left = NULL;

  gtk_label_set_text (self->email_label, info->email != NULL ? info->email : "");
  set_label_take (self->balance_label, kf_format_money_text (info->balance_text, info->balance));

  if (kf_account_info_is_premium (info))
    {
      int days_left = kf_account_info_premium_days_left (info);
      g_autofree char *date = kf_pages_format_date (info->premium_expire, FALSE);

      set_label_take (self->premium_label,
                      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "Premium until %s, %d day left",
                                                    "Premium until %s, %d days left",
                                                    days_left),
                                       date, days_left));
      gtk_widget_remove_css_class (GTK_WIDGET (self->premium_label), "dim-label");
    }
  else
    {
      gtk_label_set_text (self->premium_label, _("Not premium"));
      gtk_widget_add_css_class (GTK_WIDGET (self->premium_label), "dim-label");
    }

  if (info->storage_used_known)
    {
      g_autofree char *size = kf_format_size (info->storage_used);
      /* TRANSLATORS: %s is a size, e.g. "1.2 GB" */
      used = g_strdup_printf (_("%s used"), size);
    }
  else
    {
      used = g_strdup (_("Nothing stored yet"));
    }

  if (info->storage_unlimited)
    {
      left = g_strdup (_("Unlimited"));
    }
  else if (info->storage_left_known)
    {
      g_autofree char *size = kf_format_size (info->storage_left);
      /* TRANSLATORS: %s is a size, e.g. "1.2 GB" */
      left = g_strdup_printf (_("%s left"), size);
    }

  if (left != NULL)
    /* TRANSLATORS: storage used and storage left, e.g. "1.2 GB used · 8 GB left" */
    set_label_take (self->storage_label, g_strdup_printf (_("%s · %s"), used, left));
  else
    gtk_label_set_text (self->storage_label, used);

  if (!info->storage_unlimited && info->storage_left_known)
    {
      double used_bytes = info->storage_used_known ? (double) info->storage_used : 0.0;
      double total = used_bytes + (double) info->storage_left;

      gtk_level_bar_set_value (self->storage_bar, total > 0 ? used_bytes / total : 0.0);
      gtk_widget_set_visible (GTK_WIDGET (self->storage_bar), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->storage_bar), FALSE);
    }
}

/* The totals are core's sum of the daily rows (KfStats.totals); without
 * daily rows the server's totals rows are all there is. */
static void
show_stats (KfDashboardPage *self)
{
  const KfStatsRow *totals = &self->stats->totals;

  kf_stats_chart_set_stats (self->traffic_chart, self->stats);
  kf_stats_chart_set_stats (self->earnings_chart, self->stats);

  set_label_take (self->totals_title,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Last %u day", "Last %u days", self->days),
                                   self->days));
  set_label_take (self->downloads_total, format_count (totals->downloads));
  set_label_take (self->views_total, format_count (totals->views));
  set_label_take (self->sales_total, format_count (totals->sales));
  set_label_take (self->refs_total, format_count (totals->refs));
  set_label_take (self->earnings_total, kf_format_money (totals->profit_total));
}

static void
update_view (KfDashboardPage *self)
{
  gboolean have_figures = self->info != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.export", self->stats != NULL);
  gtk_spinner_set_spinning (self->refresh_spinner, self->loading && have_figures);
  gtk_spinner_set_spinning (self->loading_spinner, self->loading && !have_figures);

  if (have_figures)
    {
      gtk_stack_set_visible_child_name (self->stack, "content");
      if (self->error != NULL)
        gtk_label_set_text (self->error_label, kf_pages_error_message (self->error));
      /* Hidden, it takes no room (not even the box's spacing). */
      gtk_widget_set_visible (GTK_WIDGET (self->error_revealer), self->error != NULL);
      gtk_revealer_set_reveal_child (self->error_revealer, self->error != NULL);
    }
  else if (self->error != NULL)
    {
      /* The status page's description is markup; server text is not. */
      g_autofree char *escaped = g_markup_escape_text (kf_pages_error_message (self->error), -1);

      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
}

static void
refresh_step_done (KfDashboardPage *self)
{
  g_assert (self->pending > 0);

  if (--self->pending > 0)
    return;

  /* Both figures change together, so the page never mixes two refreshes. */
  if (self->error == NULL)
    {
      g_clear_pointer (&self->info, kf_account_info_free);
      g_clear_pointer (&self->stats, kf_stats_free);
      self->info = g_steal_pointer (&self->new_info);
      self->stats = g_steal_pointer (&self->new_stats);
      self->updated_at = g_get_monotonic_time ();
      show_account (self);
      show_stats (self);
    }
  g_clear_pointer (&self->new_info, kf_account_info_free);
  g_clear_pointer (&self->new_stats, kf_stats_free);

  set_loading (self, FALSE);
  update_view (self);
}

static void
record_error (KfDashboardPage *self,
              GError          *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
}

static void
account_info_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RefreshData) data = user_data;
  g_autoptr(GError) error = NULL;
  KfAccountInfo *info;

  info = kf_client_get_account_info_finish (KF_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      g_clear_pointer (&info, kf_account_info_free);
      return;
    }

  if (info == NULL)
    record_error (data->self, g_steal_pointer (&error));
  else
    data->self->new_info = info;

  refresh_step_done (data->self);
}

static void
account_stats_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RefreshData) data = user_data;
  g_autoptr(GError) error = NULL;
  KfStats *stats;

  stats = kf_client_get_account_stats_finish (KF_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      g_clear_pointer (&stats, kf_stats_free);
      return;
    }

  if (stats == NULL)
    record_error (data->self, g_steal_pointer (&error));
  else
    data->self->new_stats = stats;

  refresh_step_done (data->self);
}

static void
cancel_refresh (KfDashboardPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->new_info, kf_account_info_free);
  g_clear_pointer (&self->new_stats, kf_stats_free);
  self->pending = 0;
}

void
kf_dashboard_page_refresh (KfDashboardPage *self)
{
  g_return_if_fail (KF_IS_DASHBOARD_PAGE (self));

  cancel_refresh (self);
  g_clear_error (&self->error);

  if (self->client == NULL)
    {
      set_loading (self, FALSE);
      update_view (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  self->pending = 2;
  set_loading (self, TRUE);
  update_view (self);

  kf_client_get_account_info_async (self->client, self->cancellable,
                                    account_info_cb, refresh_data_new (self));
  kf_client_get_account_stats_async (self->client, self->days, self->cancellable,
                                     account_stats_cb, refresh_data_new (self));
}

static gboolean
is_stale (KfDashboardPage *self)
{
  return self->updated_at == 0 ||
         g_get_monotonic_time () - self->updated_at > STALE_AFTER_US;
}

void
kf_dashboard_page_set_figures_age (KfDashboardPage *self,
                                   gint64           age_us)
{
  g_return_if_fail (KF_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (self->updated_at != 0);
  g_return_if_fail (age_us >= 0);

  self->updated_at = g_get_monotonic_time () - age_us;
}

static void
kf_dashboard_page_map (GtkWidget *widget)
{
  KfDashboardPage *self = KF_DASHBOARD_PAGE (widget);

  GTK_WIDGET_CLASS (kf_dashboard_page_parent_class)->map (widget);

  if (self->client != NULL && !self->loading && is_stale (self))
    kf_dashboard_page_refresh (self);
}

static void
days_toggled_cb (GtkToggleButton *button,
                 KfDashboardPage *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  if (button == self->days7_button)
    kf_dashboard_page_set_days (self, 7);
  else if (button == self->days90_button)
    kf_dashboard_page_set_days (self, 90);
  else
    kf_dashboard_page_set_days (self, 30);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  kf_dashboard_page_refresh (KF_DASHBOARD_PAGE (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KfDashboardPage *self = KF_DASHBOARD_PAGE (widget);
  g_autofree char *csv = kf_dashboard_page_dup_stats_csv (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;

  if (csv == NULL)
    return;

  /* TRANSLATORS: suggested file name; %u is a number of days, %s today's date */
  name = g_strdup_printf (_("kenfiles-stats-%udays-%s.csv"), self->days, date);
  kf_pages_save_text (widget, _("Export Statistics"), name, csv);
}

static void
kf_dashboard_page_dispose (GObject *object)
{
  KfDashboardPage *self = KF_DASHBOARD_PAGE (object);

  cancel_refresh (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kf_dashboard_page_parent_class)->dispose (object);
}

static void
kf_dashboard_page_finalize (GObject *object)
{
  KfDashboardPage *self = KF_DASHBOARD_PAGE (object);

  g_clear_error (&self->error);
  g_clear_pointer (&self->info, kf_account_info_free);
  g_clear_pointer (&self->stats, kf_stats_free);

  G_OBJECT_CLASS (kf_dashboard_page_parent_class)->finalize (object);
}

static void
kf_dashboard_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KfDashboardPage *self = KF_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_DAYS:
      g_value_set_uint (value, self->days);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_dashboard_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  KfDashboardPage *self = KF_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      kf_dashboard_page_set_client (self, g_value_get_object (value));
      break;
    case PROP_DAYS:
      kf_dashboard_page_set_days (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_dashboard_page_class_init (KfDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_dashboard_page_dispose;
  object_class->finalize = kf_dashboard_page_finalize;
  object_class->get_property = kf_dashboard_page_get_property;
  object_class->set_property = kf_dashboard_page_set_property;

  widget_class->map = kf_dashboard_page_map;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, KF_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DAYS] =
    g_param_spec_uint ("days", NULL, NULL, 1, 365, 30,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  kf_app_ensure_resources ();
  g_type_ensure (KF_TYPE_STATS_CHART);
  g_type_ensure (KF_TYPE_ADAPTIVE_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/kenfiles/Desktop/kf-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, refresh_spinner);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, email_label);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, balance_label);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, premium_label);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, storage_label);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, storage_bar);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, days7_button);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, days30_button);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, days90_button);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, traffic_chart);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, earnings_chart);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, totals_title);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, downloads_total);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, views_total);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, sales_total);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, refs_total);
  gtk_widget_class_bind_template_child (widget_class, KfDashboardPage, earnings_total);
  gtk_widget_class_bind_template_callback (widget_class, days_toggled_cb);

  gtk_widget_class_install_action (widget_class, "dashboard.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "dashboard.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "dashboard.refresh", NULL);
}

static void
kf_dashboard_page_init (KfDashboardPage *self)
{
  self->days = 30;
  gtk_widget_init_template (GTK_WIDGET (self));
  update_view (self);
}

GtkWidget *
kf_dashboard_page_new (KfClient *client)
{
  return g_object_new (KF_TYPE_DASHBOARD_PAGE, "client", client, NULL);
}

KfClient *
kf_dashboard_page_get_client (KfDashboardPage *self)
{
  g_return_val_if_fail (KF_IS_DASHBOARD_PAGE (self), NULL);

  return self->client;
}

void
kf_dashboard_page_set_client (KfDashboardPage *self,
                              KfClient        *client)
{
  g_return_if_fail (KF_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (client == NULL || KF_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  /* Another account: nothing of the previous one may stay on screen. */
  cancel_refresh (self);
  g_clear_error (&self->error);
  g_clear_pointer (&self->info, kf_account_info_free);
  g_clear_pointer (&self->stats, kf_stats_free);
  self->updated_at = 0;
  set_loading (self, FALSE);
  update_view (self);

  if (client != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    kf_dashboard_page_refresh (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

guint
kf_dashboard_page_get_days (KfDashboardPage *self)
{
  g_return_val_if_fail (KF_IS_DASHBOARD_PAGE (self), 30);

  return self->days;
}

void
kf_dashboard_page_set_days (KfDashboardPage *self,
                            guint            days)
{
  GtkToggleButton *button;

  g_return_if_fail (KF_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (days > 0);

  if (self->days == days)
    return;

  self->days = days;
  button = days == 7 ? self->days7_button : days == 90 ? self->days90_button : self->days30_button;
  if (!gtk_toggle_button_get_active (button) && (days == 7 || days == 30 || days == 90))
    gtk_toggle_button_set_active (button, TRUE);

  if (self->client != NULL && (self->info != NULL || self->loading))
    kf_dashboard_page_refresh (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DAYS]);
}

gboolean
kf_dashboard_page_get_loading (KfDashboardPage *self)
{
  g_return_val_if_fail (KF_IS_DASHBOARD_PAGE (self), FALSE);

  return self->loading;
}

static void
append_csv_row (GString          *csv,
                const char       *day,
                const KfStatsRow *row)
{
  const double money[] = {
    row->profit_dl, row->profit_sales, row->profit_rebills,
    row->profit_refs, row->profit_site, row->profit_total,
  };

  g_string_append_printf (csv, "%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                          ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                          day, row->downloads, row->views, row->sales, row->refs);
  for (guint i = 0; i < G_N_ELEMENTS (money); i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      /* CSV wants a dot whatever the locale. */
      g_string_append_c (csv, ',');
      g_string_append (csv, g_ascii_formatd (buf, sizeof buf, "%.5f", money[i]));
    }
  g_string_append (csv, "\r\n");
}

char *
kf_dashboard_page_dup_stats_csv (KfDashboardPage *self)
{
  GString *csv;

  g_return_val_if_fail (KF_IS_DASHBOARD_PAGE (self), NULL);

  if (self->stats == NULL)
    return NULL;

  csv = g_string_new ("day,downloads,views,sales,refs,profit_dl,profit_sales,"
                      "profit_rebills,profit_refs,profit_site,profit_total\r\n");
  for (guint i = 0; self->stats->days != NULL && i < self->stats->days->len; i++)
    {
      const KfStatsRow *row = g_ptr_array_index (self->stats->days, i);

      /* The day comes from the server; keep it from breaking the CSV. */
      if (row->day == NULL || strpbrk (row->day, ",\"\r\n") != NULL)
        continue;
      append_csv_row (csv, row->day, row);
    }
  append_csv_row (csv, "total", &self->stats->totals);

  return g_string_free (csv, FALSE);
}
