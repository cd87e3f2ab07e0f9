"""Progress and cancel of running operations, shared by the checkpoint,
restore and verification controllers.

Progress comes from the operation's progress row (one primary-key read, no
RPC); a cancel is recorded there, then cast to the protection workers.
"""

from oslo_serialization import jsonutils
import webob

from karbor.db import api as db
from karbor.services.protection import cancellation
from karbor.services.protection import progress


def read(ctxt, op_id, kind):
    """The progress row of ``op_id`` if it is one of a ``kind``."""
    return of_kind(db.operation_progress_get(ctxt, op_id), kind)


def of_kind(row, kind):
    """``row`` (a progress row, or None) if it is one of a ``kind``."""
    if row is None or row.kind != kind:
        return None
    return row


def progress_view(row, status=None):
    """The ``progress`` object of a row (or of a record without one:
    nothing counted, only its ``status``)."""
    summary = row.summary if row is not None else {}
    return progress.public(summary or {}, status)


def embed(view, row, status):
    """Add ``progress``, ``cancelled_by`` and ``cancelled_at`` to the
    show view of a record in ``status``."""
    view['progress'] = progress_view(row, status)
    view.update(cancellation.view_fields(status, row))
    return view


def request_cancel(ctxt, protection_api, kind, op_id, project_id, status):
    """Record the cancel of ``op_id`` and tell the workers (409 if it has
    ended); returns the progress row."""
    row = cancellation.request(ctxt, kind, op_id, project_id, status)
    protection_api.cancel(ctxt, op_id)
    return row


def accepted(body):
    """A 202 answer with the JSON ``body``."""
    return json_body(jsonutils.dumps(body).encode('utf-8'), status=202)


def json_body(encoded, status=200):
    """An answer whose body is ``encoded`` JSON (UTF-8 bytes)."""
    return webob.Response(status=status, body=encoded,
                          content_type='application/json', charset='utf-8')
