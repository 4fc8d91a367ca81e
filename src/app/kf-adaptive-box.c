/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kf-adaptive-box.h"

struct _KfAdaptiveBox {
  GtkWidget parent_instance;

  int       spacing;
};

static void kf_adaptive_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KfAdaptiveBox, kf_adaptive_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      kf_adaptive_box_buildable_init))

static GtkBuildableIface *parent_buildable_iface;

enum {
  PROP_0,
  PROP_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
measure_width (GtkWidget *child,
               gboolean   natural)
{
  int min = 0, nat = 0;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return natural ? nat : min;
}

/* The narrowest row: expanding children at their minimum, the others at
 * their natural width, so fixed parts (buttons) are never squeezed. */
static int
row_width (KfAdaptiveBox *self,
           guint         *n_expand)
{
  int width = 0;
  guint n = 0;

  *n_expand = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean expand;

      if (!gtk_widget_should_layout (child))
        continue;
      expand = gtk_widget_compute_expand (child, GTK_ORIENTATION_HORIZONTAL);
      *n_expand += expand;
      width += measure_width (child, !expand);
      n++;
    }
  return width + (n > 1 ? (int) (n - 1) * self->spacing : 0);
}

static int
column_width (KfAdaptiveBox *self)
{
  int width = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      width = MAX (width, measure_width (child, FALSE));
  return width;
}

gboolean
kf_adaptive_box_is_row_at (KfAdaptiveBox *self,
                           int            width)
{
  guint n_expand;

  g_return_val_if_fail (KF_IS_ADAPTIVE_BOX (self), FALSE);

  return width >= row_width (self, &n_expand);
}

/* Fills @widths (one per laid out child) for a row @width wide: natural
 * widths, the space left shared by the expanding children. */
static void
row_widths (KfAdaptiveBox *self,
            int            width,
            GArray        *widths)
{
  guint n_expand;
  int left = width - row_width (self, &n_expand);
  int n_children = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean expand;
      int w;

      if (!gtk_widget_should_layout (child))
        continue;
      expand = gtk_widget_compute_expand (child, GTK_ORIENTATION_HORIZONTAL);
      w = measure_width (child, !expand);
      if (expand && n_expand > 0)
        {
          int share = left / (int) n_expand;

          w += share;
          left -= share;
          n_expand--;
        }
      g_array_append_val (widths, w);
      n_children++;
    }
  /* With nothing to expand, the last child takes the rest. */
  if (left > 0 && n_children > 0)
    g_array_index (widths, int, n_children - 1) += left;
}

static void
kf_adaptive_box_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  KfAdaptiveBox *self = KF_ADAPTIVE_BOX (widget);
  int min = 0, nat = 0, n = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      guint n_expand;

      /* Stacked, the widest child's minimum is enough; the natural width is
       * the row's. */
      min = column_width (self);
      nat = MAX (min, row_width (self, &n_expand));
    }
  else
    {
      int width = for_size;

      if (width < 0)
        width = column_width (self);

      if (kf_adaptive_box_is_row_at (self, width))
        {
          g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (int));
          guint i = 0;

          row_widths (self, width, widths);
          for (GtkWidget *child = gtk_widget_get_first_child (widget);
               child != NULL;
               child = gtk_widget_get_next_sibling (child))
            {
              int child_min, child_nat;

              if (!gtk_widget_should_layout (child))
                continue;
              gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL,
                                  g_array_index (widths, int, i++),
                                  &child_min, &child_nat, NULL, NULL);
              min = MAX (min, child_min);
              nat = MAX (nat, child_nat);
            }
        }
      else
        {
          for (GtkWidget *child = gtk_widget_get_first_child (widget);
               child != NULL;
               child = gtk_widget_get_next_sibling (child))
            {
              int child_min, child_nat;

              if (!gtk_widget_should_layout (child))
                continue;
              gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width,
                                  &child_min, &child_nat, NULL, NULL);
              min += child_min;
              nat += child_nat;
              n++;
            }
          if (n > 1)
            {
              min += (n - 1) * self->spacing;
              nat += (n - 1) * self->spacing;
            }
        }
    }

  *minimum = min;
  *natural = nat;
  *minimum_baseline = -1;
  *natural_baseline = -1;
}

static void
kf_adaptive_box_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  KfAdaptiveBox *self = KF_ADAPTIVE_BOX (widget);

  if (kf_adaptive_box_is_row_at (self, width))
    {
      g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (int));
      gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
      guint i = 0;
      int x = 0;

      row_widths (self, width, widths);
      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int w;

          if (!gtk_widget_should_layout (child))
            continue;
          w = g_array_index (widths, int, i++);
          gtk_widget_size_allocate (child,
                                    &(GtkAllocation) { rtl ? width - x - w : x, 0, w, height },
                                    -1);
          x += w + self->spacing;
        }
    }
  else
    {
      int y = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int h;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &h, NULL, NULL);
          gtk_widget_size_allocate (child, &(GtkAllocation) { 0, y, width, h }, -1);
          y += h + self->spacing;
        }
    }
}

static GtkSizeRequestMode
kf_adaptive_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
kf_adaptive_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kf_adaptive_box_parent_class)->dispose (object);
}

static void
kf_adaptive_box_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KfAdaptiveBox *self = KF_ADAPTIVE_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_adaptive_box_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KfAdaptiveBox *self = KF_ADAPTIVE_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      kf_adaptive_box_set_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_adaptive_box_buildable_add_child (GtkBuildable *buildable,
                                     GtkBuilder   *builder,
                                     GObject      *child,
                                     const char   *type)
{
  if (GTK_IS_WIDGET (child) && type == NULL)
    kf_adaptive_box_append (KF_ADAPTIVE_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
kf_adaptive_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = kf_adaptive_box_buildable_add_child;
}

static void
kf_adaptive_box_class_init (KfAdaptiveBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kf_adaptive_box_dispose;
  object_class->get_property = kf_adaptive_box_get_property;
  object_class->set_property = kf_adaptive_box_set_property;

  widget_class->measure = kf_adaptive_box_measure;
  widget_class->size_allocate = kf_adaptive_box_size_allocate;
  widget_class->get_request_mode = kf_adaptive_box_get_request_mode;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "kf-adaptive-box");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kf_adaptive_box_init (KfAdaptiveBox *self)
{
}

GtkWidget *
kf_adaptive_box_new (int spacing)
{
  return g_object_new (KF_TYPE_ADAPTIVE_BOX, "spacing", spacing, NULL);
}

int
kf_adaptive_box_get_spacing (KfAdaptiveBox *self)
{
  g_return_val_if_fail (KF_IS_ADAPTIVE_BOX (self), 0);

  return self->spacing;
}

void
kf_adaptive_box_set_spacing (KfAdaptiveBox *self,
                             int            spacing)
{
  g_return_if_fail (KF_IS_ADAPTIVE_BOX (self));

  if (self->spacing == spacing)
    return;

  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

void
kf_adaptive_box_append (KfAdaptiveBox *self,
                        GtkWidget     *child)
{
  g_return_if_fail (KF_IS_ADAPTIVE_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}
