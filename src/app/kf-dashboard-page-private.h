/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kf-dashboard-page.h"

G_BEGIN_DECLS

/* For tests: makes the figures shown @age_us old, as if that much time had
 * passed since they arrived, so the refresh-on-show rule can be checked
 * without waiting. Only valid once figures arrived. */
void kf_dashboard_page_set_figures_age (KfDashboardPage *self,
                                        gint64           age_us);

G_END_DECLS
