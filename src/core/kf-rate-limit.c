/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-rate-limit.h"

/* The bucket holds at most this fraction of a second's worth: a limited
 * transfer may run ahead of the rate by no more than that. */
#define BURST_DIVISOR 8
/* A grant is at least what the rate makes in this long (1/50 s). */
#define STEP_DIVISOR 50
/* Never wake more often than this while waiting for tokens. */
#define MIN_WAIT_US 1000

struct _KfRateLimit
{
  GObject  parent_instance;

  GMutex   lock;
  guint64  rate;       /* bytes per second, 0 = none */
  double   tokens;     /* bytes that may be sent now */
  gint64   filled_us;  /* when tokens was last brought up to date */
};

G_DEFINE_FINAL_TYPE (KfRateLimit, kf_rate_limit, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
capacity (guint64 rate)
{
  return MAX ((double) rate / BURST_DIVISOR, 1.0);
}

/* Called with the lock held. */
static void
refill (KfRateLimit *self,
        gint64       now_us)
{
  if (self->rate == 0)
    return;
  if (self->filled_us != 0 && now_us > self->filled_us)
    self->tokens = MIN (capacity (self->rate),
                        self->tokens + (double) self->rate * (double) (now_us - self->filled_us) / G_USEC_PER_SEC);
  if (self->filled_us == 0 || now_us > self->filled_us)
    self->filled_us = now_us;
}

KfRateLimit *
kf_rate_limit_new (guint64 rate)
{
  return g_object_new (KF_TYPE_RATE_LIMIT, "rate", rate, NULL);
}

guint64
kf_rate_limit_get_rate (KfRateLimit *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KF_IS_RATE_LIMIT (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  return self->rate;
}

void
kf_rate_limit_set_rate (KfRateLimit *self,
                        guint64      rate)
{
  g_return_if_fail (KF_IS_RATE_LIMIT (self));

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
    gint64 now = g_get_monotonic_time ();

    if (self->rate == rate)
      return;
    /* What the old rate earned so far is kept, up to the new bucket's size. */
    refill (self, now);
    self->rate = rate;
    self->filled_us = now;
    if (rate == 0)
      self->tokens = 0;
    else
      self->tokens = MIN (self->tokens, capacity (rate));
  }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

gsize
kf_rate_limit_take (KfRateLimit *self,
                    gsize        want,
                    gint64       now_us,
                    gint64      *wait_us)
{
  g_autoptr(GMutexLocker) locker = NULL;
  double step;
  gsize grant;

  g_return_val_if_fail (KF_IS_RATE_LIMIT (self), want);

  if (wait_us != NULL)
    *wait_us = 0;
  if (want == 0)
    return 0;

  locker = g_mutex_locker_new (&self->lock);
  if (self->rate == 0)
    return want;

  refill (self, now_us);
  step = MIN ((double) want, MAX ((double) self->rate / STEP_DIVISOR, 1.0));
  step = MIN (step, capacity (self->rate));
  if (self->tokens < step)
    {
      if (wait_us != NULL)
        *wait_us = MAX ((gint64) ((step - self->tokens) * G_USEC_PER_SEC / (double) self->rate) + 1,
                        MIN_WAIT_US);
      return 0;
    }

  grant = (gsize) MIN ((double) want, self->tokens);   /* rounded down */
  self->tokens -= (double) grant;
  return grant;
}

static gboolean
parse_failed (const char  *text,
              GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               /* TRANSLATORS: %s is what the user typed as a speed limit */
               _("“%s” is not a speed: give bytes per second, or a number with K, M or G "
                 "(for example 500K or 4M)."), text);
  return FALSE;
}

gboolean
kf_rate_limit_parse (const char  *text,
                     guint64     *rate,
                     GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *p;
  guint64 whole = 0, fraction = 0, fraction_scale = 1, unit = 1;
  gboolean any_digit = FALSE;
  double value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (rate != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (text));
  p = trimmed;

  for (; g_ascii_isdigit (*p); p++)
    {
      any_digit = TRUE;
      /* Past any rate we accept: refused below as too high. */
      if (whole <= KF_RATE_LIMIT_MAX)
        whole = whole * 10 + (guint64) (*p - '0');
    }
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          any_digit = TRUE;
          if (fraction_scale < 1000000000)
            {
              fraction = fraction * 10 + (guint64) (*p - '0');
              fraction_scale *= 10;
            }
        }
    }
  if (!any_digit)
    return parse_failed (text, error);

  switch (*p)
    {
    case '\0':
      break;
    case 'k': case 'K':
      unit = (guint64) 1 << 10;
      p++;
      break;
    case 'm': case 'M':
      unit = (guint64) 1 << 20;
      p++;
      break;
    case 'g': case 'G':
      unit = (guint64) 1 << 30;
      p++;
      break;
    case 't': case 'T':
      unit = (guint64) 1 << 40;
      p++;
      break;
    default:
      return parse_failed (text, error);
    }
  if (*p != '\0')
    return parse_failed (text, error);

  value = ((double) whole + (double) fraction / (double) fraction_scale) * (double) unit;
  if (value > (double) KF_RATE_LIMIT_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is too fast a speed limit: at most 1T (bytes per second)."), text);
      return FALSE;
    }
  /* "0" is no limit; a tiny fraction that rounds to it is a mistake. */
  if (value < 1.0 && (whole != 0 || fraction != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is too slow a speed limit: at least 1 byte per second."), text);
      return FALSE;
    }

  *rate = (guint64) value;
  return TRUE;
}

char *
kf_rate_limit_format (guint64 rate)
{
  static const char units[] = "TGMK";

  for (guint i = 0; i < 4; i++)
    {
      guint64 unit = (guint64) 1 << (10 * (4 - i));

      if (rate >= unit && rate % unit == 0)
        return g_strdup_printf ("%" G_GUINT64_FORMAT "%c", rate / unit, units[i]);
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT, rate);
}

static void
kf_rate_limit_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KfRateLimit *self = KF_RATE_LIMIT (object);

  switch (prop_id)
    {
    case PROP_RATE:
      g_value_set_uint64 (value, kf_rate_limit_get_rate (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_rate_limit_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KfRateLimit *self = KF_RATE_LIMIT (object);

  switch (prop_id)
    {
    case PROP_RATE:
      kf_rate_limit_set_rate (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_rate_limit_finalize (GObject *object)
{
  KfRateLimit *self = KF_RATE_LIMIT (object);

  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kf_rate_limit_parent_class)->finalize (object);
}

static void
kf_rate_limit_class_init (KfRateLimitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kf_rate_limit_finalize;
  object_class->get_property = kf_rate_limit_get_property;
  object_class->set_property = kf_rate_limit_set_property;

  properties[PROP_RATE] =
    g_param_spec_uint64 ("rate", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kf_rate_limit_init (KfRateLimit *self)
{
  g_mutex_init (&self->lock);
}
