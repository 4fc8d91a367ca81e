/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-window-private.h"
#include "kf-pages-util.h"

G_DEFINE_FINAL_TYPE (KfWindow, kf_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_APPLICATION_OBJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
kf_window_is_narrow (KfWindow *self)
{
#if ADW_CHECK_VERSION (1, 4, 0)
  return self->narrow;
#else
  return adw_view_switcher_title_get_title_visible (self->switcher_title);
#endif
}

/* The build allows no libadwaita API newer than 1.2: the 1.4 code below is
 * compiled only where the headers are new enough. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
update_switcher (KfWindow *self)
{
  g_autoptr(GListModel) pages = G_LIST_MODEL (adw_view_stack_get_pages (self->view_stack));
  gboolean signed_in = kf_application_get_session_state (self->application) == KF_SESSION_SIGNED_IN;
  gboolean enabled;
  guint n_visible = 0;

  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (pages, i);

      if (adw_view_stack_page_get_visible (page))
        n_visible++;
    }

  /* A switcher with a single button says nothing: show the title instead. */
  enabled = signed_in && n_visible > 1;
#if ADW_CHECK_VERSION (1, 4, 0)
  {
    GtkWidget *title = enabled && !self->narrow ? self->switcher : self->window_title;

    if (adw_header_bar_get_title_widget (self->header_bar) != title)
      adw_header_bar_set_title_widget (self->header_bar, title);
  }
#else
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, enabled);
#endif
  adw_view_switcher_bar_set_reveal (self->switcher_bar, enabled && kf_window_is_narrow (self));
}

#if ADW_CHECK_VERSION (1, 4, 0)
static void
breakpoint_apply_cb (KfWindow *self)
{
  self->narrow = TRUE;
  update_switcher (self);
}

static void
breakpoint_unapply_cb (KfWindow *self)
{
  self->narrow = FALSE;
  update_switcher (self);
}
#endif

static void
setup_switcher (KfWindow *self)
{
#if ADW_CHECK_VERSION (1, 4, 0)
  AdwBreakpoint *breakpoint;

  self->switcher = g_object_ref_sink (adw_view_switcher_new ());
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (self->switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (self->switcher), self->view_stack);
  self->window_title = g_object_ref_sink (adw_window_title_new (_("KenFiles"), NULL));

  /* Below this width the four page buttons no longer fit beside the menu. */
  breakpoint = adw_breakpoint_new (adw_breakpoint_condition_parse ("max-width: 550sp"));
  g_signal_connect_object (breakpoint, "apply", G_CALLBACK (breakpoint_apply_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (breakpoint, "unapply", G_CALLBACK (breakpoint_unapply_cb), self, G_CONNECT_SWAPPED);
  adw_application_window_add_breakpoint (ADW_APPLICATION_WINDOW (self), breakpoint);
#else
  self->switcher_title = ADW_VIEW_SWITCHER_TITLE (adw_view_switcher_title_new ());
  adw_view_switcher_title_set_stack (self->switcher_title, self->view_stack);
  adw_view_switcher_title_set_title (self->switcher_title, _("KenFiles"));
  adw_header_bar_set_title_widget (self->header_bar, GTK_WIDGET (self->switcher_title));
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (update_switcher), self, G_CONNECT_SWAPPED);
#endif
}

G_GNUC_END_IGNORE_DEPRECATIONS

static void
session_state_changed_cb (KfWindow *self)
{
  const char *page = "loading";

  switch (kf_application_get_session_state (self->application))
    {
    case KF_SESSION_LOADING:
      page = "loading";
      break;
    case KF_SESSION_SIGNED_OUT:
      page = "welcome";
      kf_welcome_page_reset (self->welcome_page);
      break;
    case KF_SESSION_SIGNED_IN:
    default:
      page = "main";
      break;
    }

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->main_stack, page);
  update_switcher (self);
  kf_window_update_actions (self);
}

static void
client_changed_cb (KfWindow *self)
{
  KfClient *client = kf_application_get_client (self->application);

  kf_dashboard_page_set_client (self->dashboard_page, client);
  kf_voucher_page_set_client (self->voucher_page, client);
  kf_files_page_set_client (self->files_page, client);
}

static gboolean
window_drop_cb (GtkDropTarget *target,
                const GValue  *value,
                double         x,
                double         y,
                KfWindow      *self)
{
  if (kf_application_get_session_state (self->application) != KF_SESSION_SIGNED_IN)
    {
      kf_window_add_toast (self, _("Sign in first, then drop the files again"));
      return FALSE;
    }

  {
    g_autofree char *folder_id = g_strdup (kf_window_get_upload_folder_id (self));

    adw_view_stack_set_visible_child_name (self->view_stack, "upload");
    return kf_upload_page_drop_value_to_folder (self->upload_page, value, folder_id);
  }
}

static gboolean
kf_window_close_request (GtkWindow *window)
{
  KfWindow *self = KF_WINDOW (window);

  /* The size is bound all along; it is written once, on closing. */
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (kf_window_parent_class)->close_request (window);
}

static void
kf_window_constructed (GObject *object)
{
  KfWindow *self = KF_WINDOW (object);
  GtkDropTarget *target;

  G_OBJECT_CLASS (kf_window_parent_class)->constructed (object);

  /* Delayed: resizing does not write the settings at every step. */
  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_delay (self->settings);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  gtk_widget_set_visible (self->sandbox_bar, kf_application_get_sandbox_mode (self->application));
  if (kf_application_get_sandbox_mode (self->application))
    gtk_widget_add_css_class (GTK_WIDGET (self), "kf-sandbox");

  kf_welcome_page_set_application (self->welcome_page, self->application);
  kf_upload_page_set_queue (self->upload_page, kf_application_get_queue (self->application));
  kf_upload_page_set_rate_limit (self->upload_page, kf_application_get_rate_limit (self->application));

  /* The pages are in the template; they follow the application's client. */
  client_changed_cb (self);
  g_signal_connect_object (self->application, "notify::client",
                           G_CALLBACK (client_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (kf_window_update_actions), self, G_CONNECT_SWAPPED);

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (window_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  g_signal_connect_object (self->application, "notify::session-state",
                           G_CALLBACK (session_state_changed_cb), self, G_CONNECT_SWAPPED);
  setup_switcher (self);
  session_state_changed_cb (self);
}

static void
kf_window_dispose (GObject *object)
{
  KfWindow *self = KF_WINDOW (object);

  g_clear_object (&self->application);
  g_clear_object (&self->settings);
#if ADW_CHECK_VERSION (1, 4, 0)
  g_clear_object (&self->switcher);
  g_clear_object (&self->window_title);
#endif

  G_OBJECT_CLASS (kf_window_parent_class)->dispose (object);
}

static void
kf_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  KfWindow *self = KF_WINDOW (object);

  switch (prop_id)
    {
    case PROP_APPLICATION_OBJECT:
      self->application = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_window_class_init (KfWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = kf_window_constructed;
  object_class->dispose = kf_window_dispose;
  object_class->set_property = kf_window_set_property;
  window_class->close_request = kf_window_close_request;

  /* The application is needed while constructing, before "application" is set. */
  properties[PROP_APPLICATION_OBJECT] =
    g_param_spec_object ("kf-application", NULL, NULL, KF_TYPE_APPLICATION,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KF_TYPE_WELCOME_PAGE);
  g_type_ensure (KF_TYPE_UPLOAD_PAGE);
  g_type_ensure (KF_TYPE_DASHBOARD_PAGE);
  g_type_ensure (KF_TYPE_VOUCHER_PAGE);
  g_type_ensure (KF_TYPE_FILES_PAGE);

  kf_app_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/kenfiles/Desktop/kf-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KfWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, sandbox_bar);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, upload_page);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, voucher_page);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, files_page);
  gtk_widget_class_bind_template_child (widget_class, KfWindow, menu_button);

  kf_window_class_install_actions (klass);
}

static void
kf_window_init (KfWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KfWindow *
kf_window_new (KfApplication *application)
{
  g_return_val_if_fail (KF_IS_APPLICATION (application), NULL);

  KfWindow *self;
  GtkShortcutsWindow *help;

  self = g_object_new (KF_TYPE_WINDOW,
                       "kf-application", application,
                       "application", application,
                       NULL);
  /* Made by GtkApplication once the window is added; its search button
   * has neither a label nor a tooltip. */
  help = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));
  if (help != NULL)
    kf_pages_name_icon_buttons (GTK_WIDGET (help), _("Search Shortcuts"));
  return self;
}

void
kf_window_show_toast (KfWindow *self,
                      AdwToast *toast)
{
  g_return_if_fail (KF_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
kf_window_add_toast (KfWindow   *self,
                     const char *title)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (KF_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  /* Toast titles are markup; messages may carry server or file names. */
  escaped = g_markup_escape_text (title, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

void
kf_window_add_files (KfWindow  *self,
                     GFile    **files,
                     guint      n_files)
{
  g_return_if_fail (KF_IS_WINDOW (self));

  {
    g_autofree char *folder_id = g_strdup (kf_window_get_upload_folder_id (self));

    adw_view_stack_set_visible_child_name (self->view_stack, "upload");
    kf_upload_page_add_files_to_folder (self->upload_page, files, n_files, folder_id);
  }
}

const char *
kf_window_get_upload_folder_id (KfWindow *self)
{
  const char *visible;
  const char *folder_id;

  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  visible = adw_view_stack_get_visible_child_name (self->view_stack);
  if (g_strcmp0 (visible, "files") != 0)
    return NULL;
  folder_id = kf_files_page_get_current_folder_id (self->files_page);
  if (folder_id == NULL || *folder_id == '\0' || g_str_equal (folder_id, "0"))
    return NULL;
  return folder_id;
}

void
kf_window_add_remote_urls (KfWindow           *self,
                           const char * const *urls)
{
  KfUploadQueue *queue;
  g_autofree char *folder_id = NULL;

  g_return_if_fail (KF_IS_WINDOW (self));

  if (urls == NULL || urls[0] == NULL)
    return;

  queue = kf_application_get_queue (self->application);
  folder_id = g_strdup (kf_window_get_upload_folder_id (self));
  adw_view_stack_set_visible_child_name (self->view_stack, "upload");
  /* The queue puts each new row on top: add the last first to keep the order. */
  for (gsize n = g_strv_length ((GStrv) urls); n > 0; n--)
    kf_upload_queue_add_remote (queue, urls[n - 1], folder_id);
}

KfDashboardPage *
kf_window_get_dashboard_page (KfWindow *self)
{
  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  return self->dashboard_page;
}

KfVoucherPage *
kf_window_get_voucher_page (KfWindow *self)
{
  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  return self->voucher_page;
}

KfFilesPage *
kf_window_get_files_page (KfWindow *self)
{
  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  return self->files_page;
}

AdwViewStack *
kf_window_get_view_stack (KfWindow *self)
{
  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  return self->view_stack;
}

KfUploadPage *
kf_window_get_upload_page (KfWindow *self)
{
  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  return self->upload_page;
}

KfWelcomePage *
kf_window_get_welcome_page (KfWindow *self)
{
  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  return self->welcome_page;
}

const char *
kf_window_get_visible_page (KfWindow *self)
{
  g_return_val_if_fail (KF_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}
