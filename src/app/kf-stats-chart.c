/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <adwaita.h>

#include "kf-pages-util.h"
#include "kf-util.h"
#include "kf-stats-chart.h"

#define PAD 8.0
#define N_TICKS_WANTED 4

typedef struct {
  char   *day;
  char   *label;       /* short axis label, e.g. "Nov 28" */
  gint64  downloads;
  gint64  views;
  double  earnings;
} ChartDay;

struct _KfStatsChart
{
  GtkWidget         parent_instance;

  KfStatsChartMode  mode;
  GArray           *days;            /* ChartDay */
  KfStatsRow        totals;          /* of the chart's days; day unused */
  double            axis_max;
  double            axis_step;
  int               hovered;
};

G_DEFINE_ENUM_TYPE (KfStatsChartMode, kf_stats_chart_mode,
                    G_DEFINE_ENUM_VALUE (KF_STATS_CHART_MODE_TRAFFIC, "traffic"),
                    G_DEFINE_ENUM_VALUE (KF_STATS_CHART_MODE_EARNINGS, "earnings"))

G_DEFINE_FINAL_TYPE (KfStatsChart, kf_stats_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODE,
  PROP_HOVERED_DAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The plot's geometry, computed the same way for drawing and hit testing. */
typedef struct {
  graphene_rect_t plot;
  double          slot;
  double          legend_h;
  double          axis_w;
  double          line_h;
} Geometry;

static void
chart_day_clear (gpointer data)
{
  ChartDay *day = data;

  g_free (day->day);
  g_free (day->label);
}

static double
day_value (KfStatsChart   *self,
           const ChartDay *day)
{
  if (self->mode == KF_STATS_CHART_MODE_EARNINGS)
    return day->earnings;
  return (double) MAX (day->downloads, day->views);
}

/* Round steps of 1, 2 or 5 times a power of ten, about N_TICKS_WANTED of them. */
static void
compute_axis (KfStatsChart *self)
{
  double max = 0.0;
  double raw, magnitude, norm, step;

  for (guint i = 0; i < self->days->len; i++)
    max = MAX (max, day_value (self, &g_array_index (self->days, ChartDay, i)));

  if (max <= 0.0)
    max = self->mode == KF_STATS_CHART_MODE_EARNINGS ? 0.04 : 4.0;

  raw = max / N_TICKS_WANTED;
  magnitude = pow (10.0, floor (log10 (raw)));
  norm = raw / magnitude;
  if (norm <= 1.0)
    step = magnitude;
  else if (norm <= 2.0)
    step = 2.0 * magnitude;
  else if (norm <= 5.0)
    step = 5.0 * magnitude;
  else
    step = 10.0 * magnitude;

  if (self->mode == KF_STATS_CHART_MODE_TRAFFIC)
    step = MAX (1.0, round (step));

  self->axis_step = step;
  self->axis_max = ceil (max / step - 1e-9) * step;
}

static char *
format_count (double value)
{
  if (value >= 1e6)
    /* TRANSLATORS: a compact count on the chart axis, e.g. "1.5M" */
    return g_strdup_printf (_("%.1fM"), value / 1e6);
  if (value >= 1e4)
    /* TRANSLATORS: a compact count on the chart axis, e.g. "12k" */
    return g_strdup_printf (_("%.0fk"), value / 1e3);
  return g_strdup_printf ("%.0f", value);
}

static char *
format_tick (KfStatsChart *self,
             double        value)
{
  if (self->mode == KF_STATS_CHART_MODE_EARNINGS)
    {
      int decimals = CLAMP ((int) -floor (log10 (self->axis_step) + 1e-9), 0, 5);
      g_autofree char *number = g_strdup_printf ("%.*f", decimals, value);

      /* TRANSLATORS: an amount of money in US dollars, %s is the number */
      return g_strdup_printf (_("$%s"), number);
    }

  return format_count (value);
}

static void
get_fg_color (KfStatsChart *self,
              GdkRGBA      *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

/* GNOME palette: blue and orange for traffic, green for money. */
static void
get_series_color (guint    series,
                  GdkRGBA *color)
{
  static const char *light[] = { "#3584e4", "#e66100", "#26a269" };
  static const char *dark[] = { "#62a0ea", "#ffa348", "#57e389" };

  g_assert (series < G_N_ELEMENTS (light));
  gdk_rgba_parse (color, is_dark () ? dark[series] : light[series]);
}

static PangoLayout *
make_layout (KfStatsChart *self,
             const char   *text,
             gboolean      small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (0.83));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }

  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *width,
             double      *height)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
}

static void
compute_geometry (KfStatsChart *self,
                  Geometry     *geom)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double max_w = 0.0;
  guint n = self->days->len;

  for (double v = 0.0; v <= self->axis_max + self->axis_step / 2; v += self->axis_step)
    {
      g_autofree char *text = format_tick (self, v);
      g_autoptr(PangoLayout) layout = make_layout (self, text, TRUE);
      double w;

      layout_size (layout, &w, &geom->line_h);
      max_w = MAX (max_w, w);
    }

  /* A common minimum keeps the days of stacked charts in the same columns. */
  geom->axis_w = MAX (max_w + 8.0, 44.0);
  geom->legend_h = geom->line_h + 10.0;
  geom->plot.origin.x = PAD + geom->axis_w;
  geom->plot.origin.y = PAD + geom->legend_h + geom->line_h / 2;
  geom->plot.size.width = MAX (1.0, width - geom->plot.origin.x - PAD);
  geom->plot.size.height = MAX (1.0, height - geom->plot.origin.y - geom->line_h - 6.0 - PAD);
  geom->slot = n > 0 ? geom->plot.size.width / n : geom->plot.size.width;
}

static double
value_to_y (KfStatsChart   *self,
            const Geometry *geom,
            double          value)
{
  double fraction = self->axis_max > 0 ? value / self->axis_max : 0.0;

  return geom->plot.origin.y + geom->plot.size.height * (1.0 - fraction);
}

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_bar (GtkSnapshot   *snapshot,
            double         x,
            double         y,
            double         w,
            double         h,
            const GdkRGBA *color)
{
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x, y, w, h);

  if (h <= 0.0 || w <= 0.0)
    return;

  /* Rounded tops only where there is room for them to be seen. */
  if (w >= 6.0 && h >= 3.0)
    {
      GskRoundedRect rounded;
      graphene_size_t top = GRAPHENE_SIZE_INIT (MIN (3.0, w / 3), MIN (3.0, h));
      graphene_size_t none = GRAPHENE_SIZE_INIT (0, 0);

      gsk_rounded_rect_init (&rounded, &rect, &top, &top, &none, &none);
      gtk_snapshot_push_rounded_clip (snapshot, &rounded);
      gtk_snapshot_append_color (snapshot, color, &rect);
      gtk_snapshot_pop (snapshot);
    }
  else
    {
      gtk_snapshot_append_color (snapshot, color, &rect);
    }
}

static void
draw_legend (KfStatsChart *self,
             GtkSnapshot  *snapshot,
             const GdkRGBA *fg)
{
  const char *names[2];
  guint series[2];
  guint n_series;
  double x = PAD;

  if (self->mode == KF_STATS_CHART_MODE_TRAFFIC)
    {
      names[0] = _("Downloads");
      series[0] = 0;
      names[1] = _("Views");
      series[1] = 1;
      n_series = 2;
    }
  else
    {
      names[0] = _("Earnings");
      series[0] = 2;
      n_series = 1;
    }

  for (guint i = 0; i < n_series; i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (self, names[i], TRUE);
      GdkRGBA color;
      double w, h;

      layout_size (layout, &w, &h);
      get_series_color (series[i], &color);
      append_bar (snapshot, x, PAD + (h - 10.0) / 2, 10.0, 10.0, &color);
      append_text (snapshot, layout, x + 15.0, PAD, fg);
      x += 15.0 + w + 16.0;
    }
}

static void
draw_views_line (KfStatsChart   *self,
                 GtkSnapshot    *snapshot,
                 const Geometry *geom)
{
  graphene_rect_t bounds;
  GdkRGBA color;
  cairo_t *cr;
  guint n = self->days->len;

  graphene_rect_inset_r (&geom->plot, -6.0, -6.0, &bounds);
  get_series_color (1, &color);

  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  gdk_cairo_set_source_rgba (cr, &color);

  for (guint i = 0; i < n; i++)
    {
      const ChartDay *day = &g_array_index (self->days, ChartDay, i);
      double x = geom->plot.origin.x + geom->slot * (i + 0.5);
      double y = value_to_y (self, geom, day->views);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);

  /* Points only while they do not merge into the line. */
  for (guint i = 0; i < n; i++)
    {
      const ChartDay *day = &g_array_index (self->days, ChartDay, i);
      double x = geom->plot.origin.x + geom->slot * (i + 0.5);
      double y = value_to_y (self, geom, day->views);
      double r = (int) i == self->hovered ? 4.5 : 3.0;

      if (geom->slot < 10.0 && (int) i != self->hovered)
        continue;
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  cairo_destroy (cr);
}

static void
kf_stats_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  KfStatsChart *self = KF_STATS_CHART (widget);
  GdkRGBA fg, grid, dim, hover;
  Geometry geom;
  guint n = self->days->len;
  double label_w = 0.0;
  guint every = 1;

  get_fg_color (self, &fg);
  grid = fg;
  grid.alpha = 0.12;
  dim = fg;
  dim.alpha = 0.7;
  hover = fg;
  hover.alpha = 0.1;

  compute_geometry (self, &geom);
  draw_legend (self, snapshot, &fg);

  /* Value axis: gridlines and their labels. */
  for (double v = 0.0; v <= self->axis_max + self->axis_step / 2; v += self->axis_step)
    {
      g_autofree char *text = format_tick (self, v);
      g_autoptr(PangoLayout) layout = make_layout (self, text, TRUE);
      double y = round (value_to_y (self, &geom, v));
      double w, h;

      layout_size (layout, &w, &h);
      gtk_snapshot_append_color (snapshot, &grid,
                                 &GRAPHENE_RECT_INIT (geom.plot.origin.x, y,
                                                      geom.plot.size.width, 1));
      append_text (snapshot, layout, geom.plot.origin.x - 6.0 - w, y - h / 2, &dim);
    }

  if (n == 0)
    {
      g_autoptr(PangoLayout) layout = make_layout (self, _("No daily figures for this period"), FALSE);
      double w, h;

      layout_size (layout, &w, &h);
      append_text (snapshot, layout,
                   geom.plot.origin.x + (geom.plot.size.width - w) / 2,
                   geom.plot.origin.y + (geom.plot.size.height - h) / 2, &dim);
      return;
    }

  if (self->hovered >= 0 && (guint) self->hovered < n)
    gtk_snapshot_append_color (snapshot, &hover,
                               &GRAPHENE_RECT_INIT (geom.plot.origin.x + geom.slot * self->hovered,
                                                    geom.plot.origin.y,
                                                    geom.slot, geom.plot.size.height));

  /* Bars: downloads or earnings. */
  {
    GdkRGBA color;
    double bar_w = MAX (1.0, MIN (geom.slot * 0.6, 28.0));
    double base = value_to_y (self, &geom, 0.0);

    get_series_color (self->mode == KF_STATS_CHART_MODE_EARNINGS ? 2 : 0, &color);
    for (guint i = 0; i < n; i++)
      {
        const ChartDay *day = &g_array_index (self->days, ChartDay, i);
        double value = self->mode == KF_STATS_CHART_MODE_EARNINGS ? day->earnings : day->downloads;
        double top = value_to_y (self, &geom, value);
        double x = geom.plot.origin.x + geom.slot * (i + 0.5) - bar_w / 2;
        GdkRGBA c = color;

        if (self->hovered >= 0 && (int) i != self->hovered)
          c.alpha = 0.75;
        /* A day with a value keeps a sliver of a bar, so it is not read as zero. */
        if (value > 0 && base - top < 2.0)
          top = base - 2.0;
        append_bar (snapshot, x, top, bar_w, base - top, &c);
      }
  }

  if (self->mode == KF_STATS_CHART_MODE_TRAFFIC)
    draw_views_line (self, snapshot, &geom);

  /* Day axis, thinned so the labels never overlap; the newest day is always named. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (self, g_array_index (self->days, ChartDay, i).label, TRUE);
      double w;

      layout_size (layout, &w, NULL);
      label_w = MAX (label_w, w);
    }
  every = MAX (1u, (guint) ceil ((label_w + 14.0) / geom.slot));

  /* The hovered day first, then the newest backwards; a label that would
   * touch one already placed is left out. */
  {
    g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (graphene_point_t));
    double label_y = geom.plot.origin.y + geom.plot.size.height + 6.0;

    for (int k = -1; k < (int) n; k++)
      {
        int i = k < 0 ? self->hovered : (int) n - 1 - k;
        g_autoptr(PangoLayout) layout = NULL;
        graphene_point_t span;
        gboolean overlaps = FALSE;
        double x, w, h;

        if (i < 0 || (k >= 0 && i == self->hovered))
          continue;
        if (k >= 0 && (n - 1 - i) % every != 0)
          continue;

        layout = make_layout (self, g_array_index (self->days, ChartDay, i).label, TRUE);
        layout_size (layout, &w, &h);
        x = geom.plot.origin.x + geom.slot * (i + 0.5) - w / 2;
        x = CLAMP (x, geom.plot.origin.x - geom.axis_w / 2,
                   geom.plot.origin.x + geom.plot.size.width - w);

        span = GRAPHENE_POINT_INIT (x - 6.0, x + w + 6.0);
        for (guint j = 0; j < placed->len && !overlaps; j++)
          {
            const graphene_point_t *other = &g_array_index (placed, graphene_point_t, j);

            overlaps = span.x < other->y && other->x < span.y;
          }
        if (overlaps)
          continue;

        g_array_append_val (placed, span);
        append_text (snapshot, layout, x, label_y, i == self->hovered ? &fg : &dim);
      }
  }
}

static void
kf_stats_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 560;
    }
  else
    {
      *minimum = 160;
      *natural = 220;
    }
}

static void
set_hovered (KfStatsChart *self,
             int           hovered)
{
  if (self->hovered == hovered)
    return;

  self->hovered = hovered;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVERED_DAY]);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           KfStatsChart             *self)
{
  set_hovered (self, kf_stats_chart_get_day_at (self, x, y));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          KfStatsChart             *self)
{
  set_hovered (self, -1);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  KfStatsChart *self = KF_STATS_CHART (widget);
  g_autofree char *text = NULL;
  int index = kf_stats_chart_get_day_at (self, x, y);

  if (index < 0)
    return FALSE;

  text = kf_stats_chart_dup_day_summary (self, index);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A day can earn a fraction of a cent: "less than $0.01", not "$0.00". */
static char *
format_earnings (double amount)
{
  if (amount > 0 && amount < 0.005)
    {
      g_autofree char *cent = kf_format_money (0.01);

      /* TRANSLATORS: earnings below one cent; %s is "$0.01" */
      return g_strdup_printf (_("less than %s"), cent);
    }
  return kf_format_money (amount);
}

static void
update_accessible (KfStatsChart *self)
{
  g_autofree char *description = NULL;

  if (self->mode == KF_STATS_CHART_MODE_EARNINGS)
    {
      g_autofree char *money = format_earnings (self->totals.profit_total);

      description = g_strdup_printf (_("%u days, %s earned in total"), self->days->len, money);
    }
  else
    {
      g_autofree char *downloads = g_strdup_printf ("%" G_GINT64_FORMAT, self->totals.downloads);
      g_autofree char *views = g_strdup_printf ("%" G_GINT64_FORMAT, self->totals.views);

      /* TRANSLATORS: accessible description of the chart */
      description = g_strdup_printf (_("%u days, %s downloads and %s views in total"),
                                     self->days->len, downloads, views);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->mode == KF_STATS_CHART_MODE_EARNINGS
                                    ? _("Earnings per day")
                                    : _("Downloads and views per day"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
kf_stats_chart_finalize (GObject *object)
{
  KfStatsChart *self = KF_STATS_CHART (object);

  g_clear_pointer (&self->days, g_array_unref);

  G_OBJECT_CLASS (kf_stats_chart_parent_class)->finalize (object);
}

static void
kf_stats_chart_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KfStatsChart *self = KF_STATS_CHART (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_HOVERED_DAY:
      g_value_set_int (value, self->hovered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_stats_chart_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KfStatsChart *self = KF_STATS_CHART (object);

  switch (prop_id)
    {
    case PROP_MODE:
      kf_stats_chart_set_mode (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_stats_chart_class_init (KfStatsChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kf_stats_chart_finalize;
  object_class->get_property = kf_stats_chart_get_property;
  object_class->set_property = kf_stats_chart_set_property;

  widget_class->snapshot = kf_stats_chart_snapshot;
  widget_class->measure = kf_stats_chart_measure;

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       KF_TYPE_STATS_CHART_MODE, KF_STATS_CHART_MODE_TRAFFIC,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOVERED_DAY] =
    g_param_spec_int ("hovered-day", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "kf-stats-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kf_stats_chart_init (KfStatsChart *self)
{
  GtkEventController *motion;

  self->days = g_array_new (FALSE, TRUE, sizeof (ChartDay));
  g_array_set_clear_func (self->days, chart_day_clear);
  self->hovered = -1;
  compute_axis (self);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  update_accessible (self);
}

GtkWidget *
kf_stats_chart_new (KfStatsChartMode mode)
{
  return g_object_new (KF_TYPE_STATS_CHART, "mode", mode, NULL);
}

KfStatsChartMode
kf_stats_chart_get_mode (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), KF_STATS_CHART_MODE_TRAFFIC);

  return self->mode;
}

void
kf_stats_chart_set_mode (KfStatsChart     *self,
                         KfStatsChartMode  mode)
{
  g_return_if_fail (KF_IS_STATS_CHART (self));

  if (self->mode == mode)
    return;

  self->mode = mode;
  compute_axis (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

void
kf_stats_chart_set_stats (KfStatsChart  *self,
                          const KfStats *stats)
{
  g_return_if_fail (KF_IS_STATS_CHART (self));

  g_array_set_size (self->days, 0);
  memset (&self->totals, 0, sizeof self->totals);

  for (guint i = 0; stats != NULL && stats->days != NULL && i < stats->days->len; i++)
    {
      const KfStatsRow *row = g_ptr_array_index (stats->days, i);
      g_autoptr(GDateTime) date = NULL;
      ChartDay day = { 0, };

      if (row->day == NULL)
        continue;

      date = kf_pages_parse_day (row->day);
      day.day = g_strdup (row->day);
      /* TRANSLATORS: short day on the chart axis, see g_date_time_format() */
      day.label = date != NULL ? g_date_time_format (date, _("%b %-d")) : g_strdup (row->day);
      day.downloads = row->downloads;
      day.views = row->views;
      day.earnings = row->profit_total;
      g_array_append_val (self->days, day);

      kf_stats_row_add (&self->totals, row);
    }

  compute_axis (self);
  update_accessible (self);
  set_hovered (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
kf_stats_chart_get_n_days (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), 0);

  return self->days->len;
}

const char *
kf_stats_chart_get_day (KfStatsChart *self,
                        guint         index)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), NULL);
  g_return_val_if_fail (index < self->days->len, NULL);

  return g_array_index (self->days, ChartDay, index).day;
}

gint64
kf_stats_chart_get_total_downloads (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), 0);

  return self->totals.downloads;
}

gint64
kf_stats_chart_get_total_views (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), 0);

  return self->totals.views;
}

double
kf_stats_chart_get_total_earnings (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), 0.0);

  return self->totals.profit_total;
}

double
kf_stats_chart_get_axis_max (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), 0.0);

  return self->axis_max;
}

double
kf_stats_chart_get_axis_step (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), 0.0);

  return self->axis_step;
}

int
kf_stats_chart_get_hovered_day (KfStatsChart *self)
{
  g_return_val_if_fail (KF_IS_STATS_CHART (self), -1);

  return self->hovered;
}

int
kf_stats_chart_get_day_at (KfStatsChart *self,
                           double        x,
                           double        y)
{
  Geometry geom;
  int index;

  g_return_val_if_fail (KF_IS_STATS_CHART (self), -1);

  if (self->days->len == 0)
    return -1;

  compute_geometry (self, &geom);
  /* The whole column counts, day labels included, so thin bars are easy to hit. */
  if (x < geom.plot.origin.x || x >= geom.plot.origin.x + geom.plot.size.width ||
      y < geom.plot.origin.y || y > gtk_widget_get_height (GTK_WIDGET (self)))
    return -1;

  index = (int) ((x - geom.plot.origin.x) / geom.slot);
  return CLAMP (index, 0, (int) self->days->len - 1);
}

char *
kf_stats_chart_dup_day_summary (KfStatsChart *self,
                                guint         index)
{
  const ChartDay *day;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *title = NULL;
  g_autofree char *money = NULL;
  g_autofree char *downloads = NULL;
  g_autofree char *views = NULL;

  g_return_val_if_fail (KF_IS_STATS_CHART (self), NULL);
  g_return_val_if_fail (index < self->days->len, NULL);

  day = &g_array_index (self->days, ChartDay, index);
  date = kf_pages_parse_day (day->day);
  /* TRANSLATORS: the day in the chart's tooltip, see g_date_time_format() */
  title = date != NULL ? g_date_time_format (date, _("%A, %-d %B %Y")) : g_strdup (day->day);
  g_strstrip (title);
  money = format_earnings (day->earnings);

  downloads = g_strdup_printf ("%" G_GINT64_FORMAT, day->downloads);
  views = g_strdup_printf ("%" G_GINT64_FORMAT, day->views);

  /* TRANSLATORS: the chart's tooltip: the day, then its figures */
  return g_strdup_printf (_("%s\nDownloads: %s\nViews: %s\nEarnings: %s"),
                          title, downloads, views, money);
}
