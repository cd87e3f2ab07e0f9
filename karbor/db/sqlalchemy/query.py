"""Query building shared by the DB API: soft delete, filters, paging."""

import datetime
import re

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from karbor.db.sqlalchemy import engine
from karbor import exception
from karbor.i18n import _

DEFAULT_SORT_KEYS = ('created_at', 'id')
DEFAULT_SORT_DIR = 'desc'
SORT_DIRS = ('asc', 'desc')


def naive_utc(value):
    """Aware datetimes become naive UTC; anything else is returned as is."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timeutils.normalize_time(value)
    return value


def db_values(values):
    """A copy of ``values`` ready for a model (naive UTC datetimes)."""
    return {key: naive_utc(value) for key, value in values.items()}


def model_query(context, model, read_deleted=None):
    """``select(model)`` honouring the context's ``read_deleted``;
    ``model`` may also be a table."""
    read_deleted = read_deleted or getattr(context, 'read_deleted', 'no')
    stmt = sa.select(model)
    deleted = (model.c if isinstance(model, sa.Table) else model).deleted
    if read_deleted == 'no':
        stmt = stmt.where(deleted == sa.false())
    elif read_deleted == 'only':
        stmt = stmt.where(deleted == sa.true())
    elif read_deleted != 'yes':
        raise ValueError(_('Unrecognized read_deleted value %s')
                         % read_deleted)
    return stmt


def column(model, key):
    return model.__table__.columns.get(key)


def _regex(col, pattern):
    try:
        re.compile(pattern)
    except re.error as err:
        raise exception.InvalidInput(
            reason=_('invalid regular expression %(p)s: %(e)s')
            % {'p': pattern, 'e': err})
    return sa.type_coerce(col, sa.Text()).regexp_match(pattern)


def apply_filters(stmt, model, filters, regex_keys=()):
    """Exact (list: IN) filters, regex for ``regex_keys``.

    Returns None when a key is not a column: nothing can match it.
    """
    for key, value in (filters or {}).items():
        col = column(model, key)
        if col is None:
            return None
        attr = getattr(model, col.key)
        if isinstance(value, (list, tuple, set, frozenset)):
            stmt = stmt.where(attr.in_([naive_utc(v) for v in value]))
        elif value is None:
            stmt = stmt.where(attr.is_(None))
        elif key in regex_keys and isinstance(value, str):
            stmt = stmt.where(_regex(attr, value))
        else:
            stmt = stmt.where(attr == naive_utc(value))
    return stmt


def sort_params(model, sort_keys=None, sort_dirs=None):
    """Validated sort keys and directions with the tie-breakers appended."""
    keys = list(sort_keys or [])
    dirs = [d.lower() if isinstance(d, str) else d for d in sort_dirs or []]
    if len(dirs) > len(keys):
        raise exception.InvalidInput(
            reason=_('more sort directions than sort keys'))
    default_dir = dirs[0] if dirs else DEFAULT_SORT_DIR
    dirs += [default_dir] * (len(keys) - len(dirs))
    for key in DEFAULT_SORT_KEYS:
        if key not in keys:
            keys.append(key)
            dirs.append(default_dir)
    for key in keys:
        if column(model, key) is None:
            raise exception.InvalidInput(
                reason=_('invalid sort key %s') % key)
    for direction in dirs:
        if direction not in SORT_DIRS:
            raise exception.InvalidInput(
                reason=_('invalid sort direction %s') % direction)
    return keys, dirs


def _order_by(model, keys, dirs):
    clauses = []
    for key, direction in zip(keys, dirs):
        attr = getattr(model, key)
        order = sa.asc if direction == 'asc' else sa.desc
        if column(model, key).nullable:
            # NULL sorts as the smallest value on every backend.
            clauses.append(order(sa.case((attr.is_(None), 0), else_=1)))
        clauses.append(order(attr))
    return clauses


def _after(attr, direction, value):
    """Rows strictly after ``value`` in this column's order."""
    if direction == 'asc':
        return attr.is_not(None) if value is None else attr > value
    if value is None:
        return sa.false()
    return sa.or_(attr < value, attr.is_(None))


def _equal(attr, value):
    return attr.is_(None) if value is None else attr == value


def _marker_criteria(model, keys, dirs, marker):
    """Keyset condition: rows that sort after the marker row."""
    criteria = []
    for i, (key, direction) in enumerate(zip(keys, dirs)):
        attr = getattr(model, key)
        parts = [_equal(getattr(model, k), getattr(marker, k))
                 for k in keys[:i]]
        parts.append(_after(attr, direction, getattr(marker, key)))
        criteria.append(sa.and_(*parts))
    condition = sa.or_(*criteria)
    bound = _leading_bound(model, keys[0], dirs[0], getattr(marker, keys[0]))
    return condition if bound is None else sa.and_(bound, condition)


def _leading_bound(model, key, direction, value):
    """The range on the first sort key that the keyset condition implies.

    Databases do not seek an index with the OR of the keyset condition
    alone; with this bound, a page deep in a large list starts at the
    marker instead of scanning every row before it. Only for NOT NULL
    columns (NULLs sort apart).
    """
    col = column(model, key)
    if value is None or col is None or col.nullable:
        return None
    attr = getattr(model, col.key)
    return attr >= value if direction == 'asc' else attr <= value


def paginate(session, model, stmt, marker=None, limit=None, sort_keys=None,
             sort_dirs=None, offset=None, context=None):
    """Sort, apply marker/offset/limit and return the rows."""
    keys, dirs = sort_params(model, sort_keys, sort_dirs)
    if marker is not None:
        marker_row = session.execute(
            model_query(context, model, read_deleted='yes').where(
                model.id == marker)).scalar_one_or_none()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
        stmt = stmt.where(_marker_criteria(model, keys, dirs, marker_row))
    stmt = stmt.order_by(*_order_by(model, keys, dirs))
    if offset:
        stmt = stmt.offset(_non_negative_int(offset, 'offset'))
    if limit is not None:
        stmt = stmt.limit(_non_negative_int(limit, 'limit'))
    return list(session.execute(stmt).scalars())


def _non_negative_int(value, name):
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise exception.InvalidInput(
            reason=_('%s must be a non-negative integer') % name)
    return value


def ensure_id(values):
    """Give ``values`` a generated UUID unless it has an id."""
    if not values.get('id'):
        values['id'] = uuidutils.generate_uuid()
    return values


def get_list(context, model, marker=None, limit=None, sort_keys=None,
             sort_dirs=None, filters=None, offset=None, regex_keys=(),
             stmt=None):
    """The generic list query of the DB API."""
    with engine.reader(context) as session:
        stmt = stmt if stmt is not None else model_query(context, model)
        stmt = apply_filters(stmt, model, filters, regex_keys)
        if stmt is None:
            return []
        return paginate(session, model, stmt, marker, limit, sort_keys,
                        sort_dirs, offset, context)
