"""Progress rows of running operations and their cancel requests.

One row per operation, keyed by the id of the checkpoint, restore or
verification it works on (see ``models.OperationProgress``). Reads are one
primary-key lookup; writes are upserts, so that the worker's progress and
the API's cancel request may come in either order.
"""

from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import models

_TABLE = models.OperationProgress.__table__
_GET = sa.select(_TABLE).where(_TABLE.c.id == sa.bindparam('op_id'))


def operation_progress_get(context, op_id):
    """The progress row of operation ``op_id``, or None."""
    with engine.reader(context) as session:
        return session.execute(_GET, {'op_id': op_id}).first()


def _upsert(context, op_id, values, insert_values):
    """Update the row of ``op_id`` with ``values``, or insert it with
    ``insert_values`` too; returns the row."""
    values = dict(values, updated_at=timeutils.utcnow())
    for _attempt in range(2):
        with engine.writer(context) as session:
            changed = session.execute(
                sa.update(_TABLE).where(_TABLE.c.id == op_id)
                .values(**values)).rowcount
            if not changed:
                try:
                    with session.begin_nested():
                        row = {'id': op_id, 'deleted': False,
                               'created_at': timeutils.utcnow(),
                               'summary': {}}
                        row.update(insert_values)
                        row.update(values)
                        session.execute(sa.insert(_TABLE).values(**row))
                except db_exc.DBDuplicateEntry:
                    continue  # inserted meanwhile: update it
            return session.execute(_GET, {'op_id': op_id}).first()
    raise db_exc.DBError('operation_progress %s: no row to update' % op_id)


def operation_progress_save(context, op_id, summary, project_id=None,
                            kind=None, operation_type=None):
    """Store the progress ``summary`` (a dict) of operation ``op_id``."""
    values = {'summary': summary}
    if operation_type:
        values['operation_type'] = operation_type
    return _upsert(context, op_id, values,
                   {'project_id': project_id, 'kind': kind})


def operation_cancel_request(context, op_id, project_id, kind, user_id):
    """Record (once) that ``user_id`` asked to cancel operation ``op_id``;
    returns the row, with the first request's time and user."""
    with engine.writer(context):
        row = operation_progress_get(context, op_id)
        if row is not None and row.cancel_requested_at is not None:
            return row
        return _upsert(context, op_id,
                       {'cancel_requested_at': timeutils.utcnow(),
                        'cancelled_by': user_id},
                       {'project_id': project_id, 'kind': kind})


def operation_cancel_clear(context, op_id):
    """Forget the cancel request of ``op_id`` (a new operation starts on
    the same object, e.g. the delete of a cancelled checkpoint)."""
    with engine.writer(context) as session:
        session.execute(sa.update(_TABLE).where(_TABLE.c.id == op_id)
                        .values(cancel_requested_at=None, cancelled_by=None,
                                updated_at=timeutils.utcnow()))
