/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <string.h>

#include "kf-types.h"

G_DEFINE_ENUM_TYPE (KfUploadType, kf_upload_type,
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_TYPE_AUTO, "automatic"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_TYPE_PREMIUM, "premium"),
  G_DEFINE_ENUM_VALUE (KF_UPLOAD_TYPE_REGISTERED, "registered"))

KfAccountInfo *
kf_account_info_copy (const KfAccountInfo *info)
{
  KfAccountInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (KfAccountInfo, 1);
  *copy = *info;
  copy->email = g_strdup (info->email);
  copy->balance_text = g_strdup (info->balance_text);
  copy->premium_expire = info->premium_expire ? g_date_time_ref (info->premium_expire) : NULL;
  copy->server_time = info->server_time ? g_date_time_ref (info->server_time) : NULL;
  return copy;
}

void
kf_account_info_free (KfAccountInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->email);
  g_free (info->balance_text);
  g_clear_pointer (&info->premium_expire, g_date_time_unref);
  g_clear_pointer (&info->server_time, g_date_time_unref);
  g_free (info);
}

static GTimeSpan
premium_time_left (const KfAccountInfo *info)
{
  g_autoptr(GDateTime) now = NULL;

  if (info->premium_expire == NULL)
    return 0;

  now = info->server_time ? g_date_time_ref (info->server_time) : g_date_time_new_now_utc ();
  return g_date_time_difference (info->premium_expire, now);
}

gboolean
kf_account_info_is_premium (const KfAccountInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);

  return premium_time_left (info) > 0;
}

int
kf_account_info_premium_days_left (const KfAccountInfo *info)
{
  GTimeSpan left;

  g_return_val_if_fail (info != NULL, 0);

  left = premium_time_left (info);
  if (left <= 0)
    return 0;
  return (int) MIN ((left + G_TIME_SPAN_DAY - 1) / G_TIME_SPAN_DAY, G_MAXINT);
}

void
kf_stats_row_free (KfStatsRow *row)
{
  if (row == NULL)
    return;
  g_free (row->day);
  g_free (row);
}

/* Servers send any number: a sum sticks at the limit instead of
 * overflowing (undefined for signed integers, infinite for doubles). */
static gint64
add_saturating (gint64 a,
                gint64 b)
{
  gint64 result;

  if (!__builtin_add_overflow (a, b, &result))
    return result;
  return b > 0 ? G_MAXINT64 : G_MININT64;
}

static double
add_finite (double a,
            double b)
{
  double result = a + b;

  if (isfinite (result))
    return result;
  if (isnan (result))
    return 0.0;
  return result > 0 ? G_MAXDOUBLE : -G_MAXDOUBLE;
}

void
kf_stats_row_add (KfStatsRow       *sum,
                  const KfStatsRow *row)
{
  g_return_if_fail (sum != NULL);
  g_return_if_fail (row != NULL);

  sum->downloads = add_saturating (sum->downloads, row->downloads);
  sum->views = add_saturating (sum->views, row->views);
  sum->sales = add_saturating (sum->sales, row->sales);
  sum->refs = add_saturating (sum->refs, row->refs);
  sum->profit_dl = add_finite (sum->profit_dl, row->profit_dl);
  sum->profit_sales = add_finite (sum->profit_sales, row->profit_sales);
  sum->profit_rebills = add_finite (sum->profit_rebills, row->profit_rebills);
  sum->profit_refs = add_finite (sum->profit_refs, row->profit_refs);
  sum->profit_site = add_finite (sum->profit_site, row->profit_site);
  sum->profit_total = add_finite (sum->profit_total, row->profit_total);
}

double
kf_add_finite (double a,
               double b)
{
  return add_finite (a, b);
}

void
kf_stats_free (KfStats *stats)
{
  if (stats == NULL)
    return;
  g_clear_pointer (&stats->days, g_ptr_array_unref);
  g_free (stats->totals.day);
  g_free (stats);
}

void
kf_upload_server_free (KfUploadServer *server)
{
  if (server == NULL)
    return;
  g_free (server->url);
  g_free (server->sess_id);
  g_free (server);
}

void
kf_upload_result_free (KfUploadResult *result)
{
  if (result == NULL)
    return;
  g_free (result->name);
  g_free (result->file_code);
  g_free (result->url);
  g_clear_error (&result->error);
  g_free (result);
}

void
kf_remote_status_free (KfRemoteStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->file_code);
  g_free (status->message);
  g_free (status->url);
  g_free (status);
}

void
kf_direct_link_free (KfDirectLink *link)
{
  if (link == NULL)
    return;
  g_free (link->url);
  g_free (link);
}

KfFileInfo *
kf_file_info_copy (const KfFileInfo *info)
{
  KfFileInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (KfFileInfo, 1);
  *copy = *info;
  copy->file_code = g_strdup (info->file_code);
  copy->name = g_strdup (info->name);
  copy->uploaded = g_strdup (info->uploaded);
  copy->folder_id = g_strdup (info->folder_id);
  copy->status = g_strdup (info->status);
  copy->url = g_strdup (info->url);
  return copy;
}

void
kf_file_info_free (KfFileInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->file_code);
  g_free (info->name);
  g_free (info->uploaded);
  g_free (info->folder_id);
  g_free (info->status);
  g_free (info->url);
  g_free (info);
}

KfFolder *
kf_folder_copy (const KfFolder *folder)
{
  KfFolder *copy;

  g_return_val_if_fail (folder != NULL, NULL);

  copy = g_new0 (KfFolder, 1);
  copy->folder_id = g_strdup (folder->folder_id);
  copy->name = g_strdup (folder->name);
  copy->code = g_strdup (folder->code);
  return copy;
}

void
kf_folder_free (KfFolder *folder)
{
  if (folder == NULL)
    return;
  g_free (folder->folder_id);
  g_free (folder->name);
  g_free (folder->code);
  g_free (folder);
}

void
kf_file_list_free (KfFileList *list)
{
  if (list == NULL)
    return;
  g_clear_pointer (&list->files, g_ptr_array_unref);
  g_clear_pointer (&list->server_time, g_date_time_unref);
  g_free (list);
}

void
kf_folder_list_free (KfFolderList *list)
{
  if (list == NULL)
    return;
  g_clear_pointer (&list->folders, g_ptr_array_unref);
  g_clear_pointer (&list->files, g_ptr_array_unref);
  g_free (list);
}

static const KfPlan plans[] = {
  { "30p", "premium", 30 },
  { "90p", "premium", 90 },
  { "180p", "premium", 180 },
  { "365p", "premium", 365 },
  { "30b", "premium-pro", 30 },
  { "90b", "premium-pro", 90 },
  { "180b", "premium-pro", 180 },
  { "365b", "premium-pro", 365 },
  { "50t", "premium-traffic", 50 },
  { "200t", "premium-traffic", 200 },
  { "500t", "premium-traffic", 500 },
  { "2000t", "premium-traffic", 2000 },
};

const KfPlan *
kf_plans_get (guint *n_plans)
{
  if (n_plans != NULL)
    *n_plans = G_N_ELEMENTS (plans);
  return plans;
}

const KfPlan *
kf_plan_lookup (const char *id)
{
  if (id == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (plans); i++)
    if (strcmp (plans[i].id, id) == 0)
      return &plans[i];
  return NULL;
}
