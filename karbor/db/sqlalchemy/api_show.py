"""The rows a checkpoint show is made of, read together and raw.

``checkpoint_show_rows`` reads a checkpoint's catalog row and its progress
row in one statement, their JSON columns as the text stored, not decoded:
the API remembers the answers it made by these contents (see
``karbor.api.v1.show_memo``) and decodes them only when they changed.
"""

import json

from oslo_db.sqlalchemy import types as oslo_types
import sqlalchemy as sa

from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import models
from karbor.db.sqlalchemy import query

_CHECKPOINTS = models.CheckpointRecord.__table__
_PROGRESS = models.OperationProgress.__table__
CHECKPOINT_PREFIX, PROGRESS_PREFIX = 'checkpoint_', 'progress_'
_statements = {}


def _is_json(column):
    return isinstance(column.type, oslo_types.JsonEncodedType)


def _raw(column, prefix):
    selected = sa.type_coerce(column, sa.Text) if _is_json(column) \
        else column
    return selected.label(prefix + column.name)


def _statement(read_deleted):
    statement = _statements.get(read_deleted)
    if statement is None:
        statement = sa.select(
            *[_raw(c, CHECKPOINT_PREFIX) for c in _CHECKPOINTS.c],
            *[_raw(c, PROGRESS_PREFIX) for c in _PROGRESS.c]
        ).select_from(_CHECKPOINTS.outerjoin(
            _PROGRESS, _PROGRESS.c.id == _CHECKPOINTS.c.id)).where(
            _CHECKPOINTS.c.id == sa.bindparam('checkpoint_id'),
            query.deleted_condition(None, _CHECKPOINTS, read_deleted))
        _statements[read_deleted] = statement
    return statement


def checkpoint_show_rows(context, checkpoint_id):
    """The checkpoint's catalog row joined to its progress row (columns
    prefixed ``checkpoint_`` and ``progress_``; JSON ones as text), or
    None if the catalog has no such checkpoint."""
    read_deleted = getattr(context, 'read_deleted', 'no')
    with engine.reader(context) as session:
        return session.execute(_statement(read_deleted),
                               {'checkpoint_id': checkpoint_id}).first()


def decoded(row, prefix, table):
    """``{column name: value}`` of one table's part of a show row, JSON
    columns decoded; None if that part is absent (no progress row)."""
    if row is None or getattr(row, prefix + 'id') is None:
        return None
    values = {}
    for column in table.c:
        value = getattr(row, prefix + column.name)
        if _is_json(column) and value is not None:
            value = json.loads(value)
        values[column.name] = value
    return values


def checkpoint_show_parts(row):
    """``(checkpoint, progress)`` of a ``checkpoint_show_rows`` row: each
    a dict of its row's columns, JSON decoded (progress None if absent)."""
    return (decoded(row, CHECKPOINT_PREFIX, _CHECKPOINTS),
            decoded(row, PROGRESS_PREFIX, _PROGRESS))
