/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kf-types.h"

G_BEGIN_DECLS

typedef enum {
  KF_STATS_CHART_MODE_TRAFFIC,    /* downloads (bars) and views (line) per day */
  KF_STATS_CHART_MODE_EARNINGS,   /* profit_total per day (bars) */
} KfStatsChartMode;

GType kf_stats_chart_mode_get_type (void);
#define KF_TYPE_STATS_CHART_MODE (kf_stats_chart_mode_get_type ())

#define KF_TYPE_STATS_CHART (kf_stats_chart_get_type ())
G_DECLARE_FINAL_TYPE (KfStatsChart, kf_stats_chart, KF, STATS_CHART, GtkWidget)

GtkWidget        *kf_stats_chart_new                (KfStatsChartMode  mode);
KfStatsChartMode  kf_stats_chart_get_mode           (KfStatsChart     *self);
void              kf_stats_chart_set_mode           (KfStatsChart     *self,
                                                     KfStatsChartMode  mode);
/* Copies the rows with a day out of @stats; NULL clears the chart. */
void              kf_stats_chart_set_stats          (KfStatsChart     *self,
                                                     const KfStats    *stats);

/* What is plotted, for the page's totals and for tests. */
guint             kf_stats_chart_get_n_days         (KfStatsChart     *self);
const char       *kf_stats_chart_get_day            (KfStatsChart     *self,
                                                     guint             index);
gint64            kf_stats_chart_get_total_downloads (KfStatsChart    *self);
gint64            kf_stats_chart_get_total_views    (KfStatsChart     *self);
double            kf_stats_chart_get_total_earnings (KfStatsChart     *self);
/* The largest value on the value axis and its step (nice round numbers). */
double            kf_stats_chart_get_axis_max       (KfStatsChart     *self);
double            kf_stats_chart_get_axis_step      (KfStatsChart     *self);

/* Index of the day under the pointer, -1 when none. */
int               kf_stats_chart_get_hovered_day    (KfStatsChart     *self);
/* Index of the day drawn at (@x, @y) in widget coordinates, -1 when none. */
int               kf_stats_chart_get_day_at         (KfStatsChart     *self,
                                                     double            x,
                                                     double            y);
/* The tooltip text of day @index (plain text). */
char             *kf_stats_chart_dup_day_summary    (KfStatsChart     *self,
                                                     guint             index);

G_END_DECLS
