/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-client.h"

G_BEGIN_DECLS

#define KF_TYPE_DASHBOARD_PAGE (kf_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (KfDashboardPage, kf_dashboard_page, KF, DASHBOARD_PAGE, AdwBin)

/* Actions: "dashboard.refresh", "dashboard.export". */

GtkWidget *kf_dashboard_page_new           (KfClient        *client);
KfClient  *kf_dashboard_page_get_client    (KfDashboardPage *self);
void       kf_dashboard_page_set_client    (KfDashboardPage *self,
                                            KfClient        *client);
/* 7, 30 or 90. */
guint      kf_dashboard_page_get_days      (KfDashboardPage *self);
void       kf_dashboard_page_set_days      (KfDashboardPage *self,
                                            guint            days);
/* Cancels a refresh in flight and starts a new one. */
void       kf_dashboard_page_refresh       (KfDashboardPage *self);
gboolean   kf_dashboard_page_get_loading   (KfDashboardPage *self);
/* The figures shown, as the export writes them; NULL before any arrived. */
char      *kf_dashboard_page_dup_stats_csv (KfDashboardPage *self);

G_END_DECLS
