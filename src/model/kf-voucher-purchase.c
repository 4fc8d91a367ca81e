/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kf-keyring.h"
#include "kf-ledger.h"
#include "kf-voucher-purchase.h"

/* A balance read longer ago than this may miss earnings since: not a "before". */
#define BALANCE_BEFORE_MAX_AGE_USEC (120 * G_USEC_PER_SEC)
/* How long a purchase waits for the balance read still under way; after
 * that it buys anyway and the charge stays unknown. */
#define BALANCE_WAIT_MS 10000

struct _KfVoucherPurchase
{
  GObject       parent_instance;

  KfClient     *client;
  char         *ledger_path;
  char         *plan;
  char         *id;
  char         *code;
  GError       *save_error;
  gboolean      started;

  GCancellable *balance_cancellable;
  gint64        balance_asked_at;  /* real time (µs) */
  gboolean      balance_wanted;    /* FALSE once the request is sent: later answers may include the charge */
  gboolean      balance_answered;  /* the read ended, with or without a balance */
  double        balance_before;    /* -1 until read */
  GTask        *waiting_run;       /* a purchase ready to send, waiting for the read */
  GSource      *wait_source;
  gboolean      before_valid;      /* read in time, and no purchase of ours came between */

  gint64        completed_at;      /* real time (µs) just before the code was written */
  gboolean      charge_known;
  double        charged;
};

G_DEFINE_FINAL_TYPE (KfVoucherPurchase, kf_voucher_purchase, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BALANCE_BEFORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kf_voucher_purchase_dispose (GObject *object)
{
  KfVoucherPurchase *self = KF_VOUCHER_PURCHASE (object);

  g_cancellable_cancel (self->balance_cancellable);
  g_clear_object (&self->balance_cancellable);
  /* A waiting run holds a reference to us, so none waits here. */
  g_assert (self->waiting_run == NULL);

  G_OBJECT_CLASS (kf_voucher_purchase_parent_class)->dispose (object);
}

static void
kf_voucher_purchase_finalize (GObject *object)
{
  KfVoucherPurchase *self = KF_VOUCHER_PURCHASE (object);

  g_clear_object (&self->client);
  g_free (self->ledger_path);
  g_free (self->plan);
  g_free (self->id);
  g_free (self->code);
  g_clear_error (&self->save_error);

  G_OBJECT_CLASS (kf_voucher_purchase_parent_class)->finalize (object);
}

static void
kf_voucher_purchase_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  KfVoucherPurchase *self = KF_VOUCHER_PURCHASE (object);

  switch (prop_id)
    {
    case PROP_BALANCE_BEFORE:
      g_value_set_double (value, self->balance_before);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kf_voucher_purchase_class_init (KfVoucherPurchaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kf_voucher_purchase_dispose;
  object_class->finalize = kf_voucher_purchase_finalize;
  object_class->get_property = kf_voucher_purchase_get_property;

  properties[PROP_BALANCE_BEFORE] =
    g_param_spec_double ("balance-before", NULL, NULL, -1, G_MAXDOUBLE, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kf_voucher_purchase_init (KfVoucherPurchase *self)
{
  self->balance_before = -1;
  self->balance_wanted = TRUE;
}

static void send_create (GTask *task);

static void
balance_before_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KfVoucherPurchase) self = user_data;
  g_autoptr(KfAccountInfo) info = NULL;

  info = kf_client_get_account_info_finish (KF_CLIENT (object), result, NULL);
  self->balance_answered = TRUE;
  if (info != NULL && self->balance_wanted)
    {
      self->balance_before = MAX (info->balance, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BALANCE_BEFORE]);
    }

  if (self->waiting_run != NULL)
    send_create (g_steal_pointer (&self->waiting_run));
}

KfVoucherPurchase *
kf_voucher_purchase_new (KfClient   *client,
                         const char *ledger_path,
                         const char *plan)
{
  KfVoucherPurchase *self;

  g_return_val_if_fail (KF_IS_CLIENT (client), NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (KF_TYPE_VOUCHER_PURCHASE, NULL);
  self->client = g_object_ref (client);
  self->ledger_path = g_strdup (ledger_path);
  self->plan = g_strdup (plan);
  self->balance_cancellable = g_cancellable_new ();
  self->balance_asked_at = g_get_real_time ();
  kf_client_get_account_info_async (client, self->balance_cancellable,
                                    balance_before_cb, g_object_ref (self));

  return self;
}

/* --- The purchase ----------------------------------------------------------- */

typedef struct {
  char         *reseller_key;
  char         *server;
  KfLedgerLock *lock;          /* held from before the pending record until the code is written */
  char         *id;
  gint64        last_change;   /* of any other record, before ours */
  char         *code;
  GError       *create_error;
  GError       *save_error;
  gint64        completed_at;
} RunData;

static void
run_data_free (RunData *data)
{
  kf_keyring_free_secret (data->reseller_key);
  g_free (data->server);
  /* Still held only when a step failed early. */
  g_clear_pointer (&data->lock, kf_ledger_unlock);
  g_free (data->id);
  g_free (data->code);
  g_clear_error (&data->create_error);
  g_clear_error (&data->save_error);
  g_free (data);
}

/* Nothing was charged: the server said no, or was never reached. Anything
 * else after sending may have been charged and stays pending. */
static gboolean
error_is_certainly_not_charged (const GError *error)
{
  return g_error_matches (error, KF_ERROR, KF_ERROR_REFUSED) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_KEY_REJECTED) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_NETWORK) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_RATE_LIMITED) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_INSECURE_URL) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_NO_KEY) ||
         g_error_matches (error, KF_ERROR, KF_ERROR_NOT_AVAILABLE);
}

static void
complete_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  RunData *data = task_data;

  if (data->code != NULL)
    {
      data->completed_at = g_get_real_time ();
      kf_ledger_complete (data->lock, data->id, data->code, &data->save_error);
    }
  else if (error_is_certainly_not_charged (data->create_error))
    {
      g_autoptr(GError) error = NULL;

      /* Not saying so would only leave a needless "uncertain" record. */
      if (!kf_ledger_fail (data->lock, data->id, data->create_error->message, &error))
        g_warning ("Cannot mark the refused purchase %s in the voucher list: %s",
                   data->id, error->message);
    }

  g_clear_pointer (&data->lock, kf_ledger_unlock);
  g_task_return_boolean (task, TRUE);
}

static void
completed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KfVoucherPurchase *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  if (data->code == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->create_error));
      return;
    }

  self->id = g_strdup (data->id);
  self->code = g_steal_pointer (&data->code);
  self->save_error = g_steal_pointer (&data->save_error);
  self->completed_at = data->completed_at;
  g_task_return_boolean (task, TRUE);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GTask) complete = NULL;

  data->code = kf_client_create_voucher_finish (KF_CLIENT (object), result, &data->create_error);

  /* On disk before anyone sees it, still under the lock. */
  complete = g_task_new (NULL, NULL, completed_cb, g_steal_pointer (&task));
  g_task_set_task_data (complete, data, NULL);
  g_task_run_in_thread (complete, complete_thread);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GTask *run = G_TASK (g_task_get_task_data (task));
  KfVoucherPurchase *self = g_task_get_source_object (run);
  RunData *data = g_task_get_task_data (run);
  GError *error = NULL;

  data->lock = kf_ledger_lock (self->ledger_path, &error);
  if (data->lock == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_pointer (&data->lock, kf_ledger_unlock);
      return;
    }

  data->id = kf_ledger_add_pending (data->lock, self->plan, data->server,
                                    &data->last_change, &error);
  if (data->id == NULL)
    {
      g_clear_pointer (&data->lock, kf_ledger_unlock);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* The ledger holds the pending record: send the purchase, once. */
static void
send_create (GTask *task)
{
  KfVoucherPurchase *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  gint64 now = g_get_real_time ();

  if (self->wait_source != NULL)
    {
      g_source_destroy (self->wait_source);
      g_clear_pointer (&self->wait_source, g_source_unref);
    }

  /* From here on no answer can tell the balance before: it may include the
   * charge. (Cancelling it while the ledger lock was awaited crashed libsoup
   * 3.6 until kf_send_cancellable_new(); the parallel buyers test shows it.) */
  self->balance_wanted = FALSE;
  g_cancellable_cancel (self->balance_cancellable);

  /* The balance read counts only if no purchase of ours changed the ledger
   * since it was asked, and it is recent. */
  self->before_valid = self->balance_before >= 0 &&
                       data->last_change < self->balance_asked_at &&
                       now - self->balance_asked_at < BALANCE_BEFORE_MAX_AGE_USEC;

  kf_client_create_voucher_async (self->client, self->plan, data->reseller_key,
                                  NULL, created_cb, task);
}

static gboolean
balance_wait_timeout_cb (gpointer user_data)
{
  KfVoucherPurchase *self = user_data;

  g_debug ("No balance before the purchase in time; buying without it");
  g_clear_pointer (&self->wait_source, g_source_unref);
  send_create (g_steal_pointer (&self->waiting_run));
  return G_SOURCE_REMOVE;
}

static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KfVoucherPurchase *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->balance_wanted = FALSE;
      g_cancellable_cancel (self->balance_cancellable);
      if (error->domain == KF_STORE_ERROR)
        g_prefix_error (&error, _("Nothing was bought. "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->balance_answered)
    {
      send_create (g_steal_pointer (&task));
      return;
    }

  /* Bought at once (`kenfiles voucher --yes`): the balance read is still
   * under way. Without it, what the voucher cost cannot be told. */
  self->waiting_run = g_steal_pointer (&task);
  self->wait_source = g_timeout_source_new (BALANCE_WAIT_MS);
  g_source_set_static_name (self->wait_source, "[kenfiles] balance before a purchase");
  g_source_set_callback (self->wait_source, balance_wait_timeout_cb, self, NULL);
  g_source_attach (self->wait_source, g_main_context_get_thread_default ());
}

void
kf_voucher_purchase_run_async (KfVoucherPurchase   *self,
                               const char          *reseller_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) prepare = NULL;
  RunData *data;

  g_return_if_fail (KF_IS_VOUCHER_PURCHASE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_voucher_purchase_run_async);

  if (self->started)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "A purchase runs only once");
      g_return_if_reached ();
    }
  self->started = TRUE;

  data = g_new0 (RunData, 1);
  data->reseller_key = reseller_key != NULL && *reseller_key != '\0' ? g_strdup (reseller_key) : NULL;
  data->server = g_strdup (kf_client_get_server_url (self->client));
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  /* Blocking file work (the lock may wait for another purchase) off the main loop. */
  prepare = g_task_new (NULL, cancellable, prepared_cb, g_object_ref (task));
  /* Borrowed: prepared_cb's reference keeps it alive. */
  g_task_set_task_data (prepare, task, NULL);
  g_task_set_return_on_cancel (prepare, FALSE);
  g_task_run_in_thread (prepare, prepare_thread);
}

gboolean
kf_voucher_purchase_run_finish (KfVoucherPurchase  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_voucher_purchase_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (kf_voucher_purchase_run_finish (KF_VOUCHER_PURCHASE (object), result, &error))
    g_task_return_pointer (task, g_object_ref (object), g_object_unref);
  else
    g_task_return_error (task, error);
}

void
kf_voucher_purchase_async (KfClient            *client,
                           const char          *ledger_path,
                           const char          *plan,
                           const char          *reseller_key,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(KfVoucherPurchase) self = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KF_IS_CLIENT (client));
  g_return_if_fail (plan != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_voucher_purchase_async);

  self = kf_voucher_purchase_new (client, ledger_path, plan);
  kf_voucher_purchase_run_async (self, reseller_key, cancellable, run_cb, g_steal_pointer (&task));
}

KfVoucherPurchase *
kf_voucher_purchase_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_voucher_purchase_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
kf_voucher_purchase_get_code (KfVoucherPurchase *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), NULL);

  return self->code;
}

const char *
kf_voucher_purchase_get_plan (KfVoucherPurchase *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), NULL);

  return self->plan;
}

const char *
kf_voucher_purchase_get_id (KfVoucherPurchase *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), NULL);

  return self->id;
}

const char *
kf_voucher_purchase_get_ledger_path (KfVoucherPurchase *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), NULL);

  return self->ledger_path;
}

const GError *
kf_voucher_purchase_get_save_error (KfVoucherPurchase *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), NULL);

  return self->save_error;
}

double
kf_voucher_purchase_get_balance_before (KfVoucherPurchase *self)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), -1);

  return self->balance_before;
}

gboolean
kf_voucher_purchase_get_charged (KfVoucherPurchase *self,
                                 double            *charged)
{
  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), FALSE);

  if (self->charge_known && charged != NULL)
    *charged = self->charged;
  return self->charge_known;
}

/* --- What it charged ---------------------------------------------------------- */

typedef struct {
  double   balance_after;
  gboolean recorded;
} ChargeData;

static void
record_charge_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  KfVoucherPurchase *self = source_object;
  ChargeData *data = task_data;
  GError *error = NULL;

  if (!kf_ledger_record_charge (self->ledger_path, self->id, self->balance_before,
                                data->balance_after, self->completed_at,
                                &data->recorded, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, data->recorded);
}

static double
self_balance_before (GTask *task)
{
  return KF_VOUCHER_PURCHASE (g_task_get_source_object (task))->balance_before;
}

static void
balance_after_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ChargeData *data = g_task_get_task_data (task);
  g_autoptr(KfAccountInfo) info = NULL;
  GError *error = NULL;

  info = kf_client_get_account_info_finish (KF_CLIENT (object), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->balance_after = info->balance;
  /* A balance that did not go down tells no price (earnings came in, or another top-up). */
  if (data->balance_after >= self_balance_before (task))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  g_task_run_in_thread (task, record_charge_thread);
}

void
kf_voucher_purchase_measure_charge_async (KfVoucherPurchase   *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KF_IS_VOUCHER_PURCHASE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kf_voucher_purchase_measure_charge_async);
  g_task_set_task_data (task, g_new0 (ChargeData, 1), g_free);

  /* Without the balance before, or without the code in the ledger, there is nothing to record. */
  if (self->code == NULL || !self->before_valid || self->save_error != NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  kf_client_get_account_info_async (self->client, cancellable,
                                    balance_after_cb, g_steal_pointer (&task));
}

gboolean
kf_voucher_purchase_measure_charge_finish (KfVoucherPurchase  *self,
                                           GAsyncResult       *result,
                                           double             *charged,
                                           GError            **error)
{
  ChargeData *data;
  double cents;

  g_return_val_if_fail (KF_IS_VOUCHER_PURCHASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kf_voucher_purchase_measure_charge_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  /* In cents, as the ledger gives it back. */
  cents = (self->balance_before - data->balance_after) * 100.0;
  cents = cents >= 0 ? (double) (gint64) (cents + 0.5) : -(double) (gint64) (-cents + 0.5);
  self->charge_known = TRUE;
  self->charged = cents / 100.0;
  if (charged != NULL)
    *charged = self->charged;
  return TRUE;
}
