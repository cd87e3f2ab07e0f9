"""Query building shared by the DB API: soft delete, filters, paging."""

import datetime

from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import text_match
from karbor import exception
from karbor.i18n import _

DEFAULT_SORT_KEYS = ('created_at', 'id')
DEFAULT_SORT_DIR = 'desc'
SORT_DIRS = ('asc', 'desc')
# Integer filter values must fit the signed 64-bit integer every driver
# sends.
MAX_INTEGER = 2 ** 63 - 1


def naive_utc(value):
    """Aware datetimes become naive UTC; anything else is returned as is."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timeutils.normalize_time(value)
    return value


def db_values(values):
    """A copy of ``values`` ready for a model (naive UTC datetimes)."""
    return {key: naive_utc(value) for key, value in values.items()}


def deleted_condition(context, table, read_deleted=None):
    """The condition on ``table.c.deleted`` for the context's
    ``read_deleted`` (or the one given): no, only or yes."""
    read_deleted = read_deleted or getattr(context, 'read_deleted', 'no')
    if read_deleted == 'no':
        return table.c.deleted == sa.false()
    if read_deleted == 'only':
        return table.c.deleted == sa.true()
    if read_deleted != 'yes':
        raise ValueError(_('Unrecognized read_deleted value %s')
                         % read_deleted)
    return sa.true()


def model_query(context, model, read_deleted=None):
    """``select(model)`` honouring the context's ``read_deleted``;
    ``model`` may also be a table (the statement then returns Core
    rows)."""
    table = model if isinstance(model, sa.Table) else model.__table__
    return sa.select(model).where(
        deleted_condition(context, table, read_deleted))


def column(model, key):
    return model.__table__.columns.get(key)


def sort_keys_of(model):
    """The names of the columns a list of ``model`` rows may sort by."""
    return [name for name in model.__table__.columns.keys()
            if name not in ('deleted', 'deleted_at')]


def _bad_filter(key, value):
    return exception.InvalidInput(
        reason=_('invalid value %(value)r of filter %(key)s')
        % {'value': value, 'key': key})


def _boolean(value):
    if isinstance(value, (bool, int)) and value in (0, 1):
        return bool(value)
    return strutils.bool_from_string(value, strict=True)


def _integer(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(value)
    number = int(value)
    if abs(number) > MAX_INTEGER:
        raise ValueError(value)
    return number


def _datetime(value):
    if isinstance(value, datetime.datetime):
        return naive_utc(value)
    return naive_utc(timeutils.parse_isotime(value))


_PARSERS = ((sa.Boolean, _boolean), (sa.Integer, _integer),
            (sa.DateTime, _datetime))


def _typed(col, key, value):
    """``value`` as the column's Python type; InvalidInput if it is not
    one (so that no database refuses the comparison). Text columns take
    any scalar as its string."""
    if isinstance(value, str) and isinstance(col.type, sa.String):
        return value
    for kind, parse in _PARSERS:
        if isinstance(col.type, kind):
            try:
                return parse(value)
            except (TypeError, ValueError):
                raise _bad_filter(key, value)
    return value if isinstance(value, str) else str(value)


def _comparable(model, col):
    """The column to compare; JSON columns as the plain strings they
    hold."""
    attr = getattr(model, col.key)
    if isinstance(col.type, sa.TypeDecorator):
        return sa.type_coerce(attr, sa.String())
    return attr


def _condition(model, key, value, text_keys):
    col = column(model, key)
    if col is None:
        # Nothing has a value for a column that does not exist.
        return sa.false()
    attr = _comparable(model, col)
    if value is None:
        return attr.is_(None)
    if isinstance(value, (list, tuple, set, frozenset)):
        values = [_typed(col, key, v) for v in value]
        if key in text_keys:
            return text_match.one_of(attr, values)
        return attr.in_(values)
    value = _typed(col, key, value)
    if key in text_keys:
        return text_match.condition(attr, value)
    return attr == value


def apply_filters(stmt, model, filters, text_keys=()):
    """Exact (list: IN) filters; ``text_keys`` match as text (see
    ``text_match``)."""
    for key, value in (filters or {}).items():
        stmt = stmt.where(_condition(model, key, value, text_keys))
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
                reason=_('invalid sort key %(key)s, sort keys: %(keys)s')
                % {'key': key, 'keys': ', '.join(sort_keys_of(model))})
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
            sa.select(model.__table__).where(model.id == marker)).first()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
        stmt = stmt.where(_marker_criteria(model, keys, dirs, marker_row))
    stmt = stmt.order_by(*_order_by(model, keys, dirs))
    if offset:
        stmt = stmt.offset(_non_negative_int(offset, 'offset'))
    if limit is not None:
        stmt = stmt.limit(_non_negative_int(limit, 'limit'))
    return session.execute(stmt).all()


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
             sort_dirs=None, filters=None, offset=None, text_keys=(),
             stmt=None):
    """The generic list query of the DB API: a list of Core rows.

    ``stmt`` (by default every row of ``model`` the context may read)
    must select the model's table.
    """
    with engine.reader(context) as session:
        if stmt is None:
            stmt = model_query(context, model.__table__)
        stmt = apply_filters(stmt, model, filters, text_keys)
        return paginate(session, model, stmt, marker, limit, sort_keys,
                        sort_dirs, offset, context)
