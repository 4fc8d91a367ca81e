/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kf-application.h"

G_BEGIN_DECLS

#define KF_TYPE_WINDOW (kf_window_get_type ())
G_DECLARE_FINAL_TYPE (KfWindow, kf_window, KF, WINDOW, AdwApplicationWindow)

KfWindow *kf_window_new       (KfApplication  *application);
/* Shows @toast (its title is markup: escape names in it). */
void      kf_window_show_toast (KfWindow      *self,
                                AdwToast      *toast);
void      kf_window_add_toast (KfWindow       *self,
                               const char     *title);
/* Files from "Open With", the command line or a drop on the window. */
void      kf_window_add_files (KfWindow       *self,
                               GFile         **files,
                               guint           n_files);

G_END_DECLS
