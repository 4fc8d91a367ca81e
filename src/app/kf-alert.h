/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A question or a message with buttons ("responses"), as libadwaita shows
 * them: an AdwAlertDialog from libadwaita 1.5 on (inside its window), an
 * AdwMessageDialog (deprecated in 1.6) before. Both emit
 * "response" (KfAlert *alert, const char *response), so handlers take the
 * alert as a GtkWidget. */
GtkWidget  *kf_alert_new                     (GtkWidget              *parent,
                                              const char             *heading,
                                              const char             *body);
void        kf_alert_add_response            (GtkWidget              *alert,
                                              const char             *id,
                                              const char             *label);
void        kf_alert_set_response_appearance (GtkWidget              *alert,
                                              const char             *id,
                                              AdwResponseAppearance   appearance);
void        kf_alert_set_response_enabled    (GtkWidget              *alert,
                                              const char             *id,
                                              gboolean                enabled);
gboolean    kf_alert_get_response_enabled    (GtkWidget              *alert,
                                              const char             *id);
void        kf_alert_set_default_response    (GtkWidget              *alert,
                                              const char             *id);
void        kf_alert_set_close_response      (GtkWidget              *alert,
                                              const char             *id);
const char *kf_alert_get_heading             (GtkWidget              *alert);
void        kf_alert_set_body                (GtkWidget              *alert,
                                              const char             *body);
const char *kf_alert_get_body                (GtkWidget              *alert);
void        kf_alert_set_extra_child         (GtkWidget              *alert,
                                              GtkWidget              *child);
GtkWidget  *kf_alert_get_extra_child         (GtkWidget              *alert);
/* Shows it over the parent given to kf_alert_new(). */
void        kf_alert_present                 (GtkWidget              *alert);
/* Answers as if the user had clicked @id; the alert closes. */
void        kf_alert_response                (GtkWidget              *alert,
                                              const char             *id);
/* The alerts shown now over any window (borrowed), oldest first. */
GPtrArray  *kf_alert_list_shown              (void);
/* The window an alert is shown over. */
GtkWindow  *kf_alert_get_parent_window       (GtkWidget              *alert);

G_END_DECLS
