/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kf-multipart-stream.h"
#include "kf-util.h"

/* Files are read in blocks this large and handed out from memory: libsoup
 * asks for 8 KiB at a time, and one read call per 8 KiB shows in profiles. */
#define FILE_BLOCK_SIZE (256 * 1024)

/* The result of one read_async call, defined below. */
#define KF_TYPE_MULTIPART_READ_RESULT (kf_multipart_read_result_get_type ())
G_DECLARE_FINAL_TYPE (KfMultipartReadResult, kf_multipart_read_result, KF, MULTIPART_READ_RESULT, GObject)

typedef struct {
  GBytes       *bytes;        /* memory segment, or NULL for a file segment */
  GInputStream *stream;       /* file segment */
  char         *file_name;
  goffset       offset;       /* where the segment starts in the body */
  goffset       size;
} Segment;

struct _KfMultipartStream
{
  GInputStream  parent_instance;

  char         *boundary;
  char         *content_type;
  GByteArray   *pending;      /* memory not yet turned into a segment */
  GArray       *segments;     /* Segment */
  goffset       length;
  goffset       file_bytes;
  gboolean      finished;

  guint         current;      /* index of the segment being read */
  goffset       position;     /* bytes of the body read so far */
  GError       *read_error;   /* first error a file gave, kept for the caller */

  guint8       *block;        /* file bytes read ahead of position */
  gsize         block_size;
  gsize         block_start;  /* next byte of block to hand out */
  gsize         block_end;

  GSource      *read_source;  /* completes read_async calls, see below */
  gboolean      read_expected; /* a read just completed; the next is likely this iteration */
  /* the read_async call in flight, if read_callback is set */
  GAsyncReadyCallback read_callback;
  gpointer      read_user_data;
  GCancellable *read_cancellable;
  KfMultipartReadResult *spare_result; /* to use again for the next read */
  void         *read_buffer;
  gsize         read_count;

  KfRateLimit  *limit;        /* shared speed limit, or NULL */
  gulong        limit_handler;
  gboolean      waiting;      /* the read in flight waits for the limit's tokens */
  gulong        wait_cancel_handler;
  gint64        poll_wait_us; /* how long a non-blocking read was told to wait */
};

static void kf_multipart_stream_pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KfMultipartStream, kf_multipart_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      kf_multipart_stream_pollable_iface_init))

static void
segment_clear (gpointer data)
{
  Segment *segment = data;

  g_clear_pointer (&segment->bytes, g_bytes_unref);
  g_clear_object (&segment->stream);
  g_clear_pointer (&segment->file_name, g_free);
}

/* Browsers' form encoding for quoted parameters (see kf_multipart_escape). */
static void
append_quoted_escaped (GString    *out,
                       const char *value)
{
  g_autofree char *escaped = kf_multipart_escape (value);

  g_string_append (out, escaped);
}

/* RFC 5987 ext-value: everything but attr-char is percent-encoded, so the
 * result is plain ASCII with no separator in it. */
static void
append_ext_value (GString    *out,
                  const char *value)
{
  static const char attr_chars[] = "!#$&+-.^_`|~";

  g_string_append (out, "UTF-8''");
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr (attr_chars, *p) != NULL)
        g_string_append_c (out, *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}

static void
flush_pending (KfMultipartStream *self)
{
  Segment segment = { 0 };

  if (self->pending->len == 0)
    return;

  segment.offset = self->length;
  segment.size = self->pending->len;
  segment.bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->pending));
  self->pending = g_byte_array_new ();
  self->length += segment.size;
  g_array_append_val (self->segments, segment);
}

static void
append_part_start (KfMultipartStream *self,
                   const char        *name,
                   const char        *file_name,
                   const char        *content_type)
{
  g_autoptr(GString) head = g_string_new (NULL);

  g_string_append_printf (head, "--%s\r\nContent-Disposition: form-data; name=\"", self->boundary);
  append_quoted_escaped (head, name);
  g_string_append_c (head, '"');
  if (file_name != NULL)
    {
      g_string_append (head, "; filename=\"");
      append_quoted_escaped (head, file_name);
      g_string_append (head, "\"; filename*=");
      append_ext_value (head, file_name);
      g_string_append_printf (head, "\r\nContent-Type: %s",
                              content_type != NULL ? content_type : "application/octet-stream");
    }
  g_string_append (head, "\r\n\r\n");
  g_byte_array_append (self->pending, (const guint8 *) head->str, head->len);
}

KfMultipartStream *
kf_multipart_stream_new (void)
{
  return g_object_new (KF_TYPE_MULTIPART_STREAM, NULL);
}

const char *
kf_multipart_stream_get_boundary (KfMultipartStream *self)
{
  g_return_val_if_fail (KF_IS_MULTIPART_STREAM (self), NULL);

  return self->boundary;
}

void
kf_multipart_stream_add_field (KfMultipartStream *self,
                               const char        *name,
                               const char        *value)
{
  g_return_if_fail (KF_IS_MULTIPART_STREAM (self));
  g_return_if_fail (!self->finished);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  append_part_start (self, name, NULL, NULL);
  g_byte_array_append (self->pending, (const guint8 *) value, strlen (value));
  g_byte_array_append (self->pending, (const guint8 *) "\r\n", 2);
}

void
kf_multipart_stream_add_file (KfMultipartStream *self,
                              const char        *field_name,
                              const char        *file_name,
                              const char        *content_type,
                              GInputStream      *stream,
                              goffset            size)
{
  Segment segment = { 0 };

  g_return_if_fail (KF_IS_MULTIPART_STREAM (self));
  g_return_if_fail (!self->finished);
  g_return_if_fail (field_name != NULL);
  g_return_if_fail (file_name != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (size >= 0);

  append_part_start (self, field_name, file_name, content_type);
  flush_pending (self);

  segment.stream = g_object_ref (stream);
  segment.file_name = g_strdup (file_name);
  segment.offset = self->length;
  segment.size = size;
  self->length += size;
  self->file_bytes += size;
  g_array_append_val (self->segments, segment);

  g_byte_array_append (self->pending, (const guint8 *) "\r\n", 2);
}

void
kf_multipart_stream_finish (KfMultipartStream *self)
{
  g_autofree char *tail = NULL;

  g_return_if_fail (KF_IS_MULTIPART_STREAM (self));
  g_return_if_fail (!self->finished);

  tail = g_strdup_printf ("--%s--\r\n", self->boundary);
  g_byte_array_append (self->pending, (const guint8 *) tail, strlen (tail));
  flush_pending (self);
  self->finished = TRUE;
}

goffset
kf_multipart_stream_get_length (KfMultipartStream *self)
{
  g_return_val_if_fail (KF_IS_MULTIPART_STREAM (self), -1);
  g_return_val_if_fail (self->finished, -1);

  return self->length;
}

const char *
kf_multipart_stream_get_content_type (KfMultipartStream *self)
{
  g_return_val_if_fail (KF_IS_MULTIPART_STREAM (self), NULL);

  return self->content_type;
}

goffset
kf_multipart_stream_file_bytes_at (KfMultipartStream *self,
                                   goffset            body_offset)
{
  goffset total = 0;

  g_return_val_if_fail (KF_IS_MULTIPART_STREAM (self), 0);

  for (guint i = 0; i < self->segments->len; i++)
    {
      const Segment *segment = &g_array_index (self->segments, Segment, i);

      if (segment->stream == NULL)
        continue;
      if (body_offset <= segment->offset)
        break;
      total += MIN (body_offset - segment->offset, segment->size);
    }

  return total;
}

goffset
kf_multipart_stream_get_file_bytes (KfMultipartStream *self)
{
  g_return_val_if_fail (KF_IS_MULTIPART_STREAM (self), 0);

  return self->file_bytes;
}

const GError *
kf_multipart_stream_get_read_error (KfMultipartStream *self)
{
  g_return_val_if_fail (KF_IS_MULTIPART_STREAM (self), NULL);

  return self->read_error;
}

static gssize
fail_read (KfMultipartStream *self,
           const Segment     *segment,
           GError            *error,
           GError           **out_error)
{
  /* A cancelled read is the caller's doing, not a problem with the file. */
  if (self->read_error == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->read_error = g_error_new (error->domain, error->code,
                                    _("Could not read “%s”: %s"),
                                    segment->file_name, error->message);
  g_propagate_error (out_error, error);
  return -1;
}

static gssize
read_body (KfMultipartStream *self,
           guint8            *buffer,
           gsize              count,
           GCancellable      *cancellable,
           GError           **error)
{
  gsize done = 0;

  if (!self->finished)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "multipart body read before kf_multipart_stream_finish()");
      return -1;
    }

  /* Once a file failed, the body can never be completed correctly. */
  if (self->read_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->read_error));
      return -1;
    }

  while (done < count && self->current < self->segments->len)
    {
      const Segment *segment = &g_array_index (self->segments, Segment, self->current);
      goffset in_segment = self->position - segment->offset;
      gsize want = (gsize) MIN ((goffset) (count - done), segment->size - in_segment);
      GError *local_error = NULL;
      gssize n;

      if (want == 0)
        {
          self->current++;
          continue;
        }

      if (segment->bytes != NULL)
        {
          const guint8 *data = g_bytes_get_data (segment->bytes, NULL);

          memcpy (buffer + done, data + in_segment, want);
          n = want;
        }
      else if (self->block_start < self->block_end)
        {
          n = MIN (want, self->block_end - self->block_start);
          memcpy (buffer + done, self->block + self->block_start, n);
          self->block_start += n;
        }
      else
        {
          gsize block_want;

          if (self->block == NULL)
            {
              self->block_size = (gsize) MIN ((goffset) FILE_BLOCK_SIZE, self->file_bytes);
              self->block = g_malloc (self->block_size);
            }
          block_want = (gsize) MIN ((goffset) self->block_size, segment->size - in_segment);
          n = g_input_stream_read (segment->stream, self->block, block_want,
                                   cancellable, &local_error);
          if (n == 0)
            local_error = g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                       _("the file is shorter than when the upload started"));
          if (n <= 0)
            {
              /* Bytes already copied are returned; the error comes next time. */
              if (done > 0)
                {
                  g_autoptr(GError) ignored = NULL;

                  fail_read (self, segment, local_error, &ignored);
                  break;
                }
              return fail_read (self, segment, local_error, error);
            }
          self->block_start = 0;
          self->block_end = n;
          continue;
        }

      done += n;
      self->position += n;
      if (self->position == segment->offset + segment->size)
        self->current++;
    }

  return done;
}

static gssize
kf_multipart_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  KfMultipartStream *self = KF_MULTIPART_STREAM (stream);

  /* A blocking read may block: it sleeps until the limit allows some bytes. */
  while (self->limit != NULL && count > 0)
    {
      gint64 wait_us = 0;
      gsize granted = kf_rate_limit_take (self->limit, count, g_get_monotonic_time (), &wait_us);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      if (granted > 0)
        {
          count = granted;
          break;
        }
      g_usleep ((gulong) MIN (wait_us, G_USEC_PER_SEC / 10));
    }

  return read_body (self, buffer, count, cancellable, error);
}

static void drop_read_source (KfMultipartStream *self);
static void kf_multipart_stream_read_async (GInputStream        *stream,
                                            void                *buffer,
                                            gsize                count,
                                            int                  io_priority,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);

static gboolean
kf_multipart_stream_close (GInputStream  *stream,
                           GCancellable  *cancellable,
                           GError       **error)
{
  KfMultipartStream *self = KF_MULTIPART_STREAM (stream);
  gboolean ok = TRUE;

  for (guint i = 0; i < self->segments->len; i++)
    {
      Segment *segment = &g_array_index (self->segments, Segment, i);

      if (segment->stream == NULL || g_input_stream_is_closed (segment->stream))
        continue;
      /* Keep closing the others even if one fails. */
      if (!g_input_stream_close (segment->stream, cancellable, ok ? error : NULL))
        ok = FALSE;
    }
  g_clear_pointer (&self->block, g_free);
  self->block_start = self->block_end = 0;
  drop_read_source (self);

  return ok;
}

/* The result of one read_async call. GTask cannot be used here: it defers
 * a callback to an idle source when the task is returned in the main-loop
 * iteration that created it, which is exactly the case we want to be fast. */

struct _KfMultipartReadResult
{
  GObject   parent_instance;

  GObject  *source_object;
  gpointer  user_data;
  gssize    size;
  GError   *error;
};

static void kf_multipart_read_result_iface_init (GAsyncResultIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KfMultipartReadResult, kf_multipart_read_result, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_RESULT,
                                                      kf_multipart_read_result_iface_init))

static void
kf_multipart_read_result_finalize (GObject *object)
{
  KfMultipartReadResult *self = KF_MULTIPART_READ_RESULT (object);

  g_clear_object (&self->source_object);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (kf_multipart_read_result_parent_class)->finalize (object);
}

static void
kf_multipart_read_result_class_init (KfMultipartReadResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kf_multipart_read_result_finalize;
}

static void
kf_multipart_read_result_init (KfMultipartReadResult *self)
{
}

static gpointer
kf_multipart_read_result_get_user_data (GAsyncResult *result)
{
  return KF_MULTIPART_READ_RESULT (result)->user_data;
}

static GObject *
kf_multipart_read_result_get_source_object (GAsyncResult *result)
{
  return g_object_ref (KF_MULTIPART_READ_RESULT (result)->source_object);
}

static gboolean
kf_multipart_read_result_is_tagged (GAsyncResult *result,
                                    gpointer      source_tag)
{
  return source_tag == kf_multipart_stream_read_async;
}

static void
kf_multipart_read_result_iface_init (GAsyncResultIface *iface)
{
  iface->get_user_data = kf_multipart_read_result_get_user_data;
  iface->get_source_object = kf_multipart_read_result_get_source_object;
  iface->is_tagged = kf_multipart_read_result_is_tagged;
}

/* GIO's default read_async on a pollable stream costs a GTask, a new idle
 * GSource and a main-loop iteration per call, and libsoup's splice makes one
 * call per 8 KiB, followed by a write that costs the same again. The one
 * source below stays attached while the body is sent; it is ready while a
 * read waits, and also, speculatively, in the iteration after it completed
 * one: the splice's write completes in that iteration and asks for the next
 * read there, so the read is answered in the same iteration. The callback
 * always runs from this source's dispatch, never from inside read_async. */
typedef struct {
  GSource            source;
  KfMultipartStream *stream;  /* not a reference: the stream destroys the source first */
} ReadSource;

static gboolean
read_source_ready (GSource *source)
{
  KfMultipartStream *self = ((ReadSource *) source)->stream;

  /* A read waiting for tokens is woken by the source's ready time. */
  return (self->read_callback != NULL && !self->waiting) || self->read_expected;
}

/* From the limit (rate changed) or the read's cancellable: ask again now.
 * g_source_set_ready_time is safe from any thread. */
static void
wake_waiting_read (KfMultipartStream *self)
{
  if (self->read_source != NULL)
    g_source_set_ready_time (self->read_source, 0);
}

static void
on_wait_cancelled (GCancellable      *cancellable,
                   KfMultipartStream *self)
{
  wake_waiting_read (self);
}

static void
end_wait (KfMultipartStream *self)
{
  if (self->wait_cancel_handler != 0)
    g_cancellable_disconnect (self->read_cancellable, self->wait_cancel_handler);
  self->wait_cancel_handler = 0;
  self->waiting = FALSE;
  if (self->read_source != NULL)
    g_source_set_ready_time (self->read_source, -1);
}

/* How much of the read in flight the limit allows now; 0 after arranging
 * to be dispatched again when there will be some. */
static gsize
take_tokens (KfMultipartStream *self,
             GSource           *source)
{
  gint64 now = g_source_get_time (source);
  gint64 wait_us = 0;
  gsize granted;

  granted = kf_rate_limit_take (self->limit, self->read_count, now, &wait_us);
  if (granted > 0)
    return granted;

  self->waiting = TRUE;
  g_source_set_ready_time (source, now + wait_us);
  if (self->read_cancellable != NULL && self->wait_cancel_handler == 0)
    self->wait_cancel_handler = g_cancellable_connect (self->read_cancellable,
                                                       G_CALLBACK (on_wait_cancelled),
                                                       self, NULL);
  return 0;
}

static gboolean
read_source_prepare (GSource *source,
                     int     *timeout)
{
  *timeout = -1;
  return read_source_ready (source);
}

static gboolean
read_source_dispatch (GSource     *source,
                      GSourceFunc  unused_callback,
                      gpointer     unused_data)
{
  KfMultipartStream *self = ((ReadSource *) source)->stream;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(KfMultipartReadResult) result = NULL;
  GAsyncReadyCallback callback;
  gsize count;
  gboolean more;

  /* Expected but not asked for: the next read comes later, wake for it then. */
  self->read_expected = FALSE;
  if (self->read_callback == NULL)
    {
      /* Woken with no read waiting: stay asleep until the next one. */
      if (g_source_get_ready_time (source) != -1)
        g_source_set_ready_time (source, -1);
      return G_SOURCE_CONTINUE;
    }

  count = self->read_count;
  if (self->waiting)
    end_wait (self);
  if (self->limit != NULL && !g_cancellable_is_cancelled (self->read_cancellable))
    {
      count = take_tokens (self, source);
      if (count == 0)
        return G_SOURCE_CONTINUE;
    }

  cancellable = g_steal_pointer (&self->read_cancellable);
  callback = g_steal_pointer (&self->read_callback);

  /* A result nobody else holds is used again: one object per 8 KiB shows. */
  result = g_steal_pointer (&self->spare_result);
  if (result == NULL)
    result = g_object_new (KF_TYPE_MULTIPART_READ_RESULT, NULL);
  result->source_object = g_object_ref (G_OBJECT (self));
  result->user_data = g_steal_pointer (&self->read_user_data);
  if (g_cancellable_set_error_if_cancelled (cancellable, &result->error))
    result->size = -1;
  else
    result->size = read_body (self, self->read_buffer, count,
                              cancellable, &result->error);

  callback (result->source_object, G_ASYNC_RESULT (result), result->user_data);

  /* The callback may have closed the stream, which drops this source. */
  more = result->size > 0 && self->read_source == source;
  if (more && G_OBJECT (result)->ref_count == 1)
    {
      /* Without its reference on us, or the two would keep each other alive. */
      g_clear_object (&result->source_object);
      self->spare_result = g_steal_pointer (&result);
    }

  /* GLib dispatches ready sources of one priority in the order they were
   * added, and setting the priority adds the source again, last: after the
   * write completion the callback has just queued. */
  if (more)
    {
      self->read_expected = TRUE;
      g_source_set_priority (source, g_source_get_priority (source));
    }

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs read_source_funcs = {
  .prepare = read_source_prepare,
  .check = read_source_ready,
  .dispatch = read_source_dispatch,
};

static void
drop_read_source (KfMultipartStream *self)
{
  if (self->waiting)
    end_wait (self);
  self->read_expected = FALSE;
  g_clear_object (&self->spare_result);
  if (self->read_source == NULL)
    return;
  g_source_destroy (self->read_source);
  g_clear_pointer (&self->read_source, g_source_unref);
}

static void
kf_multipart_stream_read_async (GInputStream        *stream,
                                void                *buffer,
                                gsize                count,
                                int                  io_priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  KfMultipartStream *self = KF_MULTIPART_STREAM (stream);
  GMainContext *context = g_main_context_get_thread_default ();

  /* GInputStream allows one operation at a time. */
  g_assert (self->read_callback == NULL);

  if (context == NULL)
    context = g_main_context_default ();
  if (self->read_source != NULL && g_source_get_context (self->read_source) != context)
    drop_read_source (self);
  if (self->read_source == NULL)
    {
      self->read_source = g_source_new (&read_source_funcs, sizeof (ReadSource));
      ((ReadSource *) self->read_source)->stream = self;
      g_source_set_static_name (self->read_source, "[kenfiles] multipart read");
      g_source_set_priority (self->read_source, io_priority);
      g_source_attach (self->read_source, context);
    }
  else if (g_source_get_priority (self->read_source) != io_priority)
    g_source_set_priority (self->read_source, io_priority);

  self->read_buffer = buffer;
  self->read_count = count;
  self->read_cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->read_user_data = user_data;
  self->read_callback = callback;
}

static gssize
kf_multipart_stream_read_finish (GInputStream  *stream,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  KfMultipartReadResult *read_result;

  g_return_val_if_fail (KF_IS_MULTIPART_READ_RESULT (result), -1);

  read_result = KF_MULTIPART_READ_RESULT (result);
  if (read_result->error != NULL)
    {
      g_propagate_error (error, g_error_copy (read_result->error));
      return -1;
    }
  return read_result->size;
}

/* Closing local files is instant; doing it here keeps every access to the
 * stream on the caller's thread instead of GIO's default worker thread. */
static void
kf_multipart_stream_close_async (GInputStream        *stream,
                                 int                  io_priority,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, kf_multipart_stream_close_async);
  g_task_set_check_cancellable (task, FALSE);
  if (kf_multipart_stream_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
kf_multipart_stream_close_finish (GInputStream  *stream,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
kf_multipart_stream_is_readable (GPollableInputStream *stream)
{
  return TRUE;
}

static GSource *
kf_multipart_stream_create_source (GPollableInputStream *stream,
                                   GCancellable         *cancellable)
{
  KfMultipartStream *self = KF_MULTIPART_STREAM (stream);
  /* After a read that would block, ready when the limit said to ask again. */
  guint wait_ms = (guint) ((self->poll_wait_us + 999) / 1000);
  g_autoptr(GSource) ready = g_timeout_source_new (wait_ms);

  self->poll_wait_us = 0;
  return g_pollable_source_new_full (stream, ready, cancellable);
}

static gssize
kf_multipart_stream_read_nonblocking (GPollableInputStream  *stream,
                                      void                  *buffer,
                                      gsize                  count,
                                      GError               **error)
{
  KfMultipartStream *self = KF_MULTIPART_STREAM (stream);

  if (self->limit != NULL && count > 0)
    {
      gint64 wait_us = 0;

      count = kf_rate_limit_take (self->limit, count, g_get_monotonic_time (), &wait_us);
      if (count == 0)
        {
          self->poll_wait_us = wait_us;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                               "waiting for the speed limit");
          return -1;
        }
    }

  return read_body (self, buffer, count, NULL, error);
}

static void
on_limit_changed (KfRateLimit       *limit,
                  GParamSpec        *pspec,
                  KfMultipartStream *self)
{
  /* A new rate applies to the read waiting now, not after its old wait. */
  if (self->waiting)
    wake_waiting_read (self);
}

void
kf_multipart_stream_set_rate_limit (KfMultipartStream *self,
                                    KfRateLimit       *limit)
{
  g_return_if_fail (KF_IS_MULTIPART_STREAM (self));
  g_return_if_fail (limit == NULL || KF_IS_RATE_LIMIT (limit));

  if (self->limit == limit)
    return;
  if (self->limit != NULL)
    g_clear_signal_handler (&self->limit_handler, self->limit);
  g_set_object (&self->limit, limit);
  if (limit != NULL)
    self->limit_handler = g_signal_connect (limit, "notify::rate",
                                            G_CALLBACK (on_limit_changed), self);
  if (self->waiting)
    wake_waiting_read (self);
}

static void
kf_multipart_stream_pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->is_readable = kf_multipart_stream_is_readable;
  iface->create_source = kf_multipart_stream_create_source;
  iface->read_nonblocking = kf_multipart_stream_read_nonblocking;
}

static void
kf_multipart_stream_dispose (GObject *object)
{
  KfMultipartStream *self = KF_MULTIPART_STREAM (object);

  /* Release the file descriptors early; GInputStream's dispose closes us. */
  G_OBJECT_CLASS (kf_multipart_stream_parent_class)->dispose (object);

  for (guint i = 0; i < self->segments->len; i++)
    g_clear_object (&g_array_index (self->segments, Segment, i).stream);
  if (self->limit != NULL)
    g_clear_signal_handler (&self->limit_handler, self->limit);
  g_clear_object (&self->limit);
}

static void
kf_multipart_stream_finalize (GObject *object)
{
  KfMultipartStream *self = KF_MULTIPART_STREAM (object);

  g_clear_pointer (&self->segments, g_array_unref);
  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_clear_pointer (&self->boundary, g_free);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_error (&self->read_error);
  g_clear_pointer (&self->block, g_free);
  drop_read_source (self);

  G_OBJECT_CLASS (kf_multipart_stream_parent_class)->finalize (object);
}

static void
kf_multipart_stream_class_init (KfMultipartStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->dispose = kf_multipart_stream_dispose;
  object_class->finalize = kf_multipart_stream_finalize;

  stream_class->read_fn = kf_multipart_stream_read;
  stream_class->read_async = kf_multipart_stream_read_async;
  stream_class->read_finish = kf_multipart_stream_read_finish;
  stream_class->close_fn = kf_multipart_stream_close;
  stream_class->close_async = kf_multipart_stream_close_async;
  stream_class->close_finish = kf_multipart_stream_close_finish;
}

static void
kf_multipart_stream_init (KfMultipartStream *self)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(GString) boundary = g_string_new ("KenFilesBoundary");

  /* 122 random bits from the UUID plus 32 more: no file can guess it. */
  for (const char *p = uuid; *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (boundary, *p);
  g_string_append_printf (boundary, "%08x", g_random_int ());

  self->boundary = g_string_free (g_steal_pointer (&boundary), FALSE);
  self->content_type = g_strdup_printf ("multipart/form-data; boundary=%s", self->boundary);
  self->pending = g_byte_array_new ();
  self->segments = g_array_new (FALSE, TRUE, sizeof (Segment));
  g_array_set_clear_func (self->segments, segment_clear);
}
