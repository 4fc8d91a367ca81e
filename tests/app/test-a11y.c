/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a screen reader gets: every control on every page has a name, and
 * the voucher plan shown as chosen is the one the accessibility tree says is
 * pressed.
 *
 * GTK 4.8 has no API to read an accessible name back, so this computes it as
 * GTK 4.8's own gtk_at_context_get_name() does: the "label" property, then
 * the "label" property of each widget in the "labelled-by" relation. Unlike
 * GTK 4.14 and later, 4.8 takes nothing from a button's child label or from
 * a tooltip (a tooltip is the description): without a label or a relation a
 * screen reader hears the type name ("GtkButton"), so neither counts here.
 * Built with GTK 4.14 or later (Debian 13), a control named from its
 * content (a menu item, a button) takes its labels' text, as GTK does there. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kf-app-test-util.h"
#include "kf-pages-test.h"
#include "kf-preferences.h"
#include "kf-remote-upload-dialog.h"

static const char *data_home;

/* --- Reading what the accessibility tree holds ---------------------------- */

/* The "label" property, or NULL when it is not set. */
static char *
dup_label_property (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  /* Compared with a value it cannot hold, the check answers the real one. */
  return gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                             "\x01kf-no-such-label");
}

static gboolean
state_is_true (GtkWidget         *widget,
               GtkAccessibleState state)
{
  g_autofree char *mismatch = NULL;

  if (!gtk_test_accessible_has_state (GTK_ACCESSIBLE (widget), state))
    return FALSE;
  mismatch = gtk_test_accessible_check_state (GTK_ACCESSIBLE (widget), state, TRUE);
  return mismatch == NULL;
}

static gboolean
is_hidden (GtkWidget *widget)
{
  return state_is_true (widget, GTK_ACCESSIBLE_STATE_HIDDEN);
}

/* The widget under @root that is @widget's whole "labelled-by" list. */
static GtkWidget *
find_labelled_by_in (GtkWidget *widget,
                     GtkWidget *root)
{
  g_autofree char *mismatch = NULL;

  mismatch = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                 root, NULL);
  if (mismatch == NULL)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_labelled_by_in (widget, child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Looks near first: labels are the control's children or its neighbours. */
static GtkWidget *
find_labelled_by (GtkWidget *widget)
{
  for (GtkWidget *scope = widget; scope != NULL; scope = gtk_widget_get_parent (scope))
    {
      GtkWidget *found = find_labelled_by_in (widget, scope);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_widgets (GtkWidget *widget,
                 GPtrArray *widgets)
{
  g_ptr_array_add (widgets, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, widgets);
}

/* Newer libadwaita labels some rows by two widgets (title and subtitle):
 * the pair under @widget's parent that is its whole "labelled-by" list. */
static gboolean
find_labelled_by_pair (GtkWidget  *widget,
                       GtkWidget **first,
                       GtkWidget **second)
{
  g_autoptr(GPtrArray) near = g_ptr_array_new ();
  GtkWidget *scope = gtk_widget_get_parent (widget) ? gtk_widget_get_parent (widget) : widget;

  collect_widgets (scope, near);
  for (guint i = 0; i < near->len; i++)
    for (guint j = 0; j < near->len; j++)
      {
        g_autofree char *mismatch = NULL;

        if (i == j)
          continue;
        mismatch = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget),
                                                       GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                       g_ptr_array_index (near, i),
                                                       g_ptr_array_index (near, j), NULL);
        if (mismatch == NULL)
          {
            *first = g_ptr_array_index (near, i);
            *second = g_ptr_array_index (near, j);
            return TRUE;
          }
      }
  return FALSE;
}

/* What a widget in a "labelled-by" list gives: its "label" property, or a
 * GtkLabel's text (GTK 4.14 and later no longer copy it into the property). */
static char *
dup_label_text (GtkWidget *widget)
{
  char *text = dup_label_property (widget);

  if (text == NULL && GTK_IS_LABEL (widget))
    text = g_strdup (gtk_label_get_text (GTK_LABEL (widget)));
  return text;
}

#if GTK_CHECK_VERSION (4, 14, 0)
/* GTK 4.14 and later name these roles from their content, as ARIA does:
 * the text of the labels inside. */
static gboolean
is_named_from_content (GtkWidget *widget)
{
  switch ((int) gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_OPTION:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_ROW:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TREE_ITEM:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
append_content (GtkWidget *widget,
                GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_content (child, text);
}
#endif

/* The name as GTK 4.8 computes it, without its type-name fallback; "" when
 * the control has none. Sets @unresolved when a relation points outside the
 * window (or to several widgets), which this cannot follow. */
static char *
dup_accessible_name (GtkWidget *widget,
                     gboolean  *unresolved)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *own = dup_label_property (widget);

  *unresolved = FALSE;
  if (own != NULL)
    g_string_append (name, own);

  if (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    {
      GtkWidget *labels[2] = { find_labelled_by (widget), NULL };

      if (labels[0] == NULL && !find_labelled_by_pair (widget, &labels[0], &labels[1]))
        *unresolved = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (labels) && labels[i] != NULL; i++)
        {
          g_autofree char *text = dup_label_text (labels[i]);

          if (text != NULL && *text != '\0')
            {
              if (name->len > 0)
                g_string_append_c (name, ' ');
              g_string_append (name, text);
            }
        }
    }
#if GTK_CHECK_VERSION (4, 14, 0)
  else if (name->len == 0 && is_named_from_content (widget))
    append_content (widget, name);
#endif

  return g_strstrip (g_string_free (g_steal_pointer (&name), FALSE));
}

/* Whether the focus can get to @widget: no ancestor keeps it out. */
static gboolean
can_get_focus (GtkWidget *widget)
{
  if (!gtk_widget_get_focusable (widget))
    return FALSE;
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_can_focus (w) || !gtk_widget_get_can_target (w))
      return FALSE;
  return TRUE;
}

/* A control a screen reader lands on or a user acts on. */
static gboolean
is_control (GtkWidget *widget)
{
  switch ((int) gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
      return TRUE;

    /* Rows of lists: named when the user can land on them. */
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_ROW:
    case GTK_ACCESSIBLE_ROLE_TREE_ITEM:
    case GTK_ACCESSIBLE_ROLE_GRID_CELL:
    case GTK_ACCESSIBLE_ROLE_OPTION:
      return can_get_focus (widget) ||
             (GTK_IS_LIST_BOX_ROW (widget) &&
              gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)));

    default:
      return FALSE;
    }
}

/* "KfWindow > KfVoucherPage > GtkButton#create_button": the widget, its
 * ancestors of our own types and those with a template or builder id. */
static char *
describe (GtkWidget *widget)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GString *path = g_string_new (NULL);

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *type = G_OBJECT_TYPE_NAME (w);
      const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));

      if (w != widget && id == NULL && !g_str_has_prefix (type, "Kf") && gtk_widget_get_parent (w) != NULL)
        continue;
      g_ptr_array_insert (parts, 0, id != NULL ? g_strdup_printf ("%s#%s", type, id) : g_strdup (type));
    }
  for (guint i = 0; i < parts->len; i++)
    g_string_append_printf (path, "%s%s", i > 0 ? " > " : "", (char *) g_ptr_array_index (parts, i));
  return g_string_free (path, FALSE);
}

typedef struct {
  GPtrArray *problems;   /* one line each */
  guint      n_checked;
} Audit;

static void
audit_tree (Audit      *audit,
            const char *where,
            GtkWidget  *widget)
{
  if (!gtk_widget_get_mapped (widget) || is_hidden (widget))
    return;

  if (is_control (widget))
    {
      gboolean unresolved = FALSE;
      g_autofree char *name = dup_accessible_name (widget, &unresolved);

      audit->n_checked++;
      g_test_message ("%s: %s “%s”", where, G_OBJECT_TYPE_NAME (widget), name);
      if (*name == '\0')
        {
          g_autofree char *path = describe (widget);

          g_ptr_array_add (audit->problems,
                           g_strdup_printf ("%s: %s (role %d) has no accessible name%s",
                                            where, path,
                                            gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)),
                                            unresolved ? " (labelled by a widget outside its window)" : ""));
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    audit_tree (audit, where, child);
}

static void
audit_window (Audit      *audit,
              const char *where,
              GtkWidget  *window)
{
  guint before = audit->n_checked;

  /* Let size allocation and mapping settle before looking. */
  kf_app_test_run_for (100);
  audit_tree (audit, where, window);
  g_test_message ("%s: %u controls checked", where, audit->n_checked - before);
  /* A page without a single control means the walk missed it. */
  g_assert_cmpuint (audit->n_checked, >, before);
}

/* --- The window, page by page --------------------------------------------- */

static char *
make_dir (void)
{
  char *dir = g_build_filename (data_home, "files-XXXXXX", NULL);

  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
show_page (KfWindow   *window,
           const char *name)
{
  adw_view_stack_set_visible_child_name (kf_window_get_view_stack (window), name);
  kf_app_test_wait_until (gtk_widget_get_mapped (adw_view_stack_get_visible_child (kf_window_get_view_stack (window))), 10);
}

static gboolean
all_finished (KfApplication *app,
              guint          n)
{
  GListModel *items = kf_app_test_get_items (app);

  if (g_list_model_get_n_items (items) < n)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(KfUploadItem) item = g_list_model_get_item (items, i);

      if (kf_upload_item_is_active (item))
        return FALSE;
    }
  return TRUE;
}

static void
collect_plan_buttons (GtkWidget  *widget,
                      GPtrArray  *buttons)
{
  if (GTK_IS_TOGGLE_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "kf-plan") != NULL)
    g_ptr_array_add (buttons, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_plan_buttons (child, buttons);
}

static GtkWidget *
find_plan_button (KfVoucherPage *page,
                  const char    *plan)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_plan_buttons (GTK_WIDGET (page), buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (buttons, i), "kf-plan"), plan) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

/* Clicks the plan's button and buys it, as the user does; the confirmation
 * is audited on the way when @audit is given. */
static void
buy_plan (KfWindow   *window,
          const char *plan,
          Audit      *audit)
{
  KfVoucherPage *page = kf_window_get_voucher_page (window);
  GtkWidget *button = find_plan_button (page, plan);
  GtkWidget *dialog;

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (kf_voucher_page_get_plan (page), ==, plan);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "voucher.create", NULL));
  dialog = kf_pages_test_wait_dialog ();
  kf_app_test_wait_until (gtk_widget_get_mapped (dialog), 10);
  if (audit != NULL)
    audit_window (audit, "voucher confirmation", dialog);
  kf_pages_test_click_response (dialog, "C_reate and Charge");
  kf_app_test_wait_until (!kf_voucher_page_get_busy (page), 30);
  g_assert_nonnull (kf_voucher_page_get_last_code (page));
}

/* The plan shown as chosen, the page's plan and the one the accessibility
 * tree says is pressed are the same, and no other is pressed. */
static void
assert_plan_state (KfVoucherPage *page)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  const char *plan = kf_voucher_page_get_plan (page);
  guint n_shown = 0;

  collect_plan_buttons (GTK_WIDGET (page), buttons);
  g_assert_cmpuint (buttons->len, ==, 12);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      const char *id = g_object_get_data (G_OBJECT (button), "kf-plan");
      gboolean shown = (gtk_widget_get_state_flags (button) & GTK_STATE_FLAG_CHECKED) != 0;
      gboolean pressed = state_is_true (button, GTK_ACCESSIBLE_STATE_PRESSED);

      if (shown)
        n_shown++;
      if (shown != pressed)
        g_error ("Plan %s is %s on screen but %s to a screen reader",
                 id, shown ? "chosen" : "not chosen", pressed ? "pressed" : "not pressed");
      g_assert_cmpint (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)), ==, shown);
      g_assert_cmpint (g_strcmp0 (id, plan) == 0, ==, shown);
    }
  g_assert_cmpuint (n_shown, ==, 1);
}

static void
names_body (KfApplication *app,
            gpointer       data)
{
  Audit *audit = data;
  KfWindow *window = kf_app_test_get_window (app);
  g_autofree char *dir = make_dir ();
  const char *names[] = { "holiday-photo.jpg", "notes.pdf", "big-archive.tar" };
  GFile *files[G_N_ELEMENTS (names)];
  GtkWindow *dialog;
  GtkWidget *preferences;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);

  /* The welcome page, as someone without a key sees it, with a key typed. */
  gtk_stack_set_visible_child_name (window->main_stack, "welcome");
  gtk_editable_set_text (kf_welcome_page_get_key_entry (kf_window_get_welcome_page (window)),
                         "0123456789abcdef");
  kf_app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (kf_window_get_welcome_page (window))), 10);
  audit_window (audit, "welcome", GTK_WIDGET (window));
  gtk_stack_set_visible_child_name (window->main_stack, "main");
  kf_app_test_wait_until (!gtk_widget_get_mapped (GTK_WIDGET (kf_window_get_welcome_page (window))), 10);

  /* The upload queue with finished rows. */
  show_page (window, "upload");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_true (g_file_set_contents (path, names[i], -1, NULL));
      files[i] = g_file_new_for_path (path);
    }
  g_assert_true (kf_app_test_drop_files (window, files, G_N_ELEMENTS (files)));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_object_unref (files[i]);
  kf_app_test_wait_until (all_finished (app, G_N_ELEMENTS (names)), 30);
  audit_window (audit, "upload queue", GTK_WIDGET (window));

  /* The main menu, open. */
  gtk_menu_button_popup (window->menu_button);
  kf_app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (window->menu_button))), 10);
  audit_window (audit, "main menu", GTK_WIDGET (gtk_menu_button_get_popover (window->menu_button)));
  gtk_menu_button_popdown (window->menu_button);

  show_page (window, "dashboard");
  kf_app_test_wait_until (!kf_dashboard_page_get_loading (kf_window_get_dashboard_page (window)), 20);
  audit_window (audit, "dashboard", GTK_WIDGET (window));

  /* Vouchers, before and after buying (the code card and the list). */
  show_page (window, "vouchers");
  kf_app_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (kf_window_get_voucher_page (window)), "$100") != NULL, 20);
  audit_window (audit, "vouchers", GTK_WIDGET (window));
  buy_plan (window, "90b", audit);
  buy_plan (window, "30p", NULL);
  audit_window (audit, "vouchers after two purchases", GTK_WIDGET (window));

  show_page (window, "files");
  kf_app_test_wait_until (!kf_files_page_get_loading (kf_window_get_files_page (window)), 20);
  kf_app_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (kf_window_get_files_page (window)), "notes.pdf") != NULL, 20);
  audit_window (audit, "files", GTK_WIDGET (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.remote-upload", NULL));
  kf_app_test_wait_until ((dialog = find_toplevel (KF_TYPE_REMOTE_UPLOAD_DIALOG)) != NULL &&
                          gtk_widget_get_mapped (GTK_WIDGET (dialog)), 10);
  audit_window (audit, "remote upload", GTK_WIDGET (dialog));
  gtk_window_destroy (dialog);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  kf_app_test_wait_until ((preferences = kf_preferences_find (GTK_WINDOW (window))) != NULL &&
                          gtk_widget_get_mapped (preferences), 10);
  audit_window (audit, "preferences", preferences);
  kf_preferences_close (preferences);
  kf_app_test_wait_until (kf_preferences_find (GTK_WINDOW (window)) == NULL, 10);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  kf_app_test_wait_until ((dialog = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL &&
                          gtk_widget_get_mapped (GTK_WIDGET (dialog)), 10);
  audit_window (audit, "shortcuts", GTK_WIDGET (dialog));
  gtk_window_destroy (dialog);

  show_page (window, "upload");
}

static void
test_every_control_named (void)
{
  Audit audit = { g_ptr_array_new_with_free_func (g_free), 0 };

  kf_app_test_run (TRUE, names_body, &audit);

  for (guint i = 0; i < audit.problems->len; i++)
    g_printerr ("%s\n", (char *) g_ptr_array_index (audit.problems, i));
  if (audit.problems->len > 0)
    g_test_fail_printf ("%u of %u controls have no accessible name (listed above)",
                        audit.problems->len, audit.n_checked);
  g_ptr_array_unref (audit.problems);
}

/* Upload rows are named by their file and what happened to it, and say
 * when it was uploaded as a moment ("Uploaded at 14:02"), not a duration. */
static void
row_names_body (KfApplication *app,
                gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "report-2026.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KfUploadItem *item = NULL;
  KfUploadRow *row;
  GtkWidget *list_item;
  gboolean unresolved;
  g_autofree char *name = NULL;

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  g_assert_true (g_file_set_contents (path, "report", -1, NULL));
  g_assert_true (kf_app_test_drop_files (window, &file, 1));
  kf_app_test_wait_until ((item = kf_app_test_find_item (app, "report-2026.pdf")) != NULL &&
                          !kf_upload_item_is_active (item), 30);
  g_assert_cmpint (kf_upload_item_get_state (item), ==, KF_UPLOAD_STATE_DONE);
  kf_app_test_wait_until ((row = kf_app_test_find_row (window, item)) != NULL, 10);

  /* The list's row, where the focus and the screen reader land. */
  list_item = gtk_widget_get_parent (GTK_WIDGET (row));
  g_assert_true (gtk_widget_get_focusable (list_item));
  name = dup_accessible_name (list_item, &unresolved);
  g_assert_cmpstr (name, ==, "report-2026.pdf, Uploaded");

  {
    g_autoptr(GDateTime) local = g_date_time_to_local (kf_upload_item_get_date (item));
    g_autofree char *time = g_date_time_format (local, "%H:%M");
    g_autofree char *detail = g_strdup_printf ("6 bytes · Uploaded at %s", time);

    g_assert_cmpstr (kf_upload_row_get_detail (row), ==, detail);
  }
}

static void
test_upload_row_names (void)
{
  kf_app_test_run (TRUE, row_names_body, NULL);
}

static void
plan_state_body (KfApplication *app,
                 gpointer       data)
{
  KfWindow *window = kf_app_test_get_window (app);
  KfVoucherPage *page = kf_window_get_voucher_page (window);

  kf_app_test_wait_until (g_strcmp0 (kf_window_get_visible_page (window), "main") == 0, 10);
  show_page (window, "vouchers");
  kf_app_test_wait_until (kf_pages_test_find_text (GTK_WIDGET (page), "$100") != NULL, 20);
  assert_plan_state (page);

  buy_plan (window, "90b", NULL);
  assert_plan_state (page);
  buy_plan (window, "180p", NULL);
  assert_plan_state (page);
  g_assert_cmpstr (kf_voucher_page_get_plan (page), ==, "180p");

  /* Chosen without buying, and by the keyboard's way (the page's setter). */
  g_signal_emit_by_name (find_plan_button (page, "50t"), "clicked");
  assert_plan_state (page);
  kf_voucher_page_set_plan (page, "365b");
  assert_plan_state (page);
}

static void
test_voucher_plan_state (void)
{
  kf_app_test_run (TRUE, plan_state_body, NULL);
}

int
main (int   argc,
      char *argv[])
{
  data_home = kf_app_test_init (&argc, &argv, FALSE);

  g_test_add_func ("/a11y/every-control-named", test_every_control_named);
  g_test_add_func ("/a11y/upload-row-names", test_upload_row_names);
  g_test_add_func ("/a11y/voucher-plan-state", test_voucher_plan_state);

  return g_test_run ();
}
