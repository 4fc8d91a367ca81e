/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A box that lays its children in a row when they fit and in a column when
 * they do not: side by side on a wide window, stacked at phone width. They
 * fit when every child that does not expand gets its natural width and every
 * child that expands its minimum one. In a column each child spans the whole
 * width. Decided from the width alone, so no allocation feeds back into
 * measuring (GTK 4.8 has no breakpoints). */
#define KF_TYPE_ADAPTIVE_BOX (kf_adaptive_box_get_type ())
G_DECLARE_FINAL_TYPE (KfAdaptiveBox, kf_adaptive_box, KF, ADAPTIVE_BOX, GtkWidget)

GtkWidget *kf_adaptive_box_new            (int            spacing);
int        kf_adaptive_box_get_spacing    (KfAdaptiveBox *self);
void       kf_adaptive_box_set_spacing    (KfAdaptiveBox *self,
                                           int            spacing);
void       kf_adaptive_box_append         (KfAdaptiveBox *self,
                                           GtkWidget     *child);
/* Whether the children would be in a row at @width. */
gboolean   kf_adaptive_box_is_row_at      (KfAdaptiveBox *self,
                                           int            width);

G_END_DECLS
