"""Create/get/update/delete/list of one model, written once for the DB API."""

from oslo_utils import timeutils
import sqlalchemy as sa

from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import query


def _with_defaults(table, values):
    """``values`` completed with the Python-side column defaults, so that
    the row returned by a create holds what was inserted."""
    for col in table.columns:
        default = col.default
        if col.key in values or default is None:
            continue
        if default.is_scalar:
            values[col.key] = default.arg
        elif default.is_callable:
            values[col.key] = default.arg(None)
    return values


def read_back(session, instance):
    """``instance`` (an ORM instance just flushed in ``session``) read
    back as the Core row the DB API returns."""
    table = instance.__table__
    return session.execute(sa.select(table).where(
        *[col == getattr(instance, col.key) for col in table.primary_key])
    ).one()


class Crud(object):
    """The usual operations on ``model`` keyed by its ``id``.

    Every operation returns read-only Core rows (attribute access by
    column name), as the whole DB API does.

    :param not_found: called with the id to build the NotFound to raise.
    :param soft_delete: whether ``destroy`` only flags the row deleted.
    :param text_keys: columns whose filters match as text
        (see ``text_match``).
    """

    def __init__(self, model, not_found, soft_delete=True, text_keys=(),
                 uuid_ids=True):
        self.model = model
        self.table = model.__table__
        self.not_found = not_found
        self.soft_delete = soft_delete
        self.text_keys = text_keys
        self.uuid_ids = uuid_ids
        self._get_statements = {}
        # Makes the row a create returns from the values it inserted.
        self._make_row = sa.engine.result_tuple(
            [col.key for col in self.table.columns])

    def fetch(self, context, session, obj_id, read_deleted=None,
              for_update=False):
        """The ORM instance with ``obj_id`` in ``session`` (for changes
        that need one) or raise not_found."""
        stmt = query.model_query(context, self.model, read_deleted).where(
            self.model.id == obj_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = session.execute(stmt).scalar_one_or_none()
        if row is None:
            raise self.not_found(obj_id)
        return row

    def get(self, context, obj_id, read_deleted=None):
        """The row with ``obj_id`` or raise not_found."""
        with engine.reader(context) as session:
            row = self._read(context, session, obj_id, read_deleted)
        if row is None:
            raise self.not_found(obj_id)
        return row

    def _read(self, context, session, obj_id, read_deleted=None):
        # A prepared statement: cheaper than building one each time.
        read_deleted = read_deleted or getattr(context, 'read_deleted', 'no')
        statement = self._get_statements.get(read_deleted)
        if statement is None:
            statement = query.model_query(None, self.table, read_deleted)\
                .where(self.table.c.id == sa.bindparam('obj_id'))
            self._get_statements[read_deleted] = statement
        return session.execute(statement, {'obj_id': obj_id}).first()

    def create(self, context, values):
        """Insert a row; return it as written.

        A plain INSERT: the ORM's unit of work, or an INSERT ... RETURNING
        and its result processing, cost more than the statement on the
        create paths. The row returned is made from the values inserted
        (defaults and generated keys included).
        """
        table = self.table
        values = _with_defaults(table, query.db_values(values))
        if self.uuid_ids:
            query.ensure_id(values)
        with engine.writer(context) as session:
            result = session.execute(sa.insert(table), values)
            for col, key in zip(table.primary_key,
                                result.inserted_primary_key or ()):
                values.setdefault(col.key, key)
        return self._make_row([values.get(col.key) for col in table.columns])

    def update(self, context, obj_id, values):
        """Update the row with ``obj_id``; return it as written."""
        return self._change(context, obj_id, sa.update(self.table).values(
            query.db_values(values)))

    def destroy(self, context, obj_id):
        """Delete the row (or flag it deleted); return it as it was last."""
        if self.soft_delete:
            now = timeutils.utcnow()
            return self._change(context, obj_id, sa.update(self.table).values(
                deleted=True, deleted_at=now, updated_at=now))
        with engine.writer(context) as session:
            row = self._read(context, session, obj_id)
            if row is None:
                raise self.not_found(obj_id)
            session.execute(sa.delete(self.table).where(
                self.table.c.id == obj_id))
        return row

    def _change(self, context, obj_id, stmt):
        table = self.table
        with engine.writer(context) as session:
            changed = session.execute(stmt.where(
                table.c.id == obj_id,
                query.deleted_condition(context, table))).rowcount
            if not changed:
                raise self.not_found(obj_id)
            return self._read(context, session, obj_id, 'yes')

    def get_all(self, context, marker=None, limit=None, sort_keys=None,
                sort_dirs=None, filters=None, offset=None):
        return query.get_list(context, self.model, marker, limit, sort_keys,
                              sort_dirs, filters, offset, self.text_keys)

    def get_all_by_project(self, context, project_id, marker=None,
                           limit=None, sort_keys=None, sort_dirs=None,
                           filters=None, offset=None):
        filters = dict(filters or {}, project_id=project_id)
        return self.get_all(context, marker, limit, sort_keys, sort_dirs,
                            filters, offset)

    def purge(self, context, before, children=()):
        """Hard-delete rows soft-deleted before ``before``; return count.

        ``children`` are ``(model, foreign key column)`` pairs whose rows
        referring to a purged row go first.
        """
        condition = sa.and_(self.model.deleted == sa.true(),
                            self.model.deleted_at < before)
        with engine.writer(context, independent=True) as session:
            doomed = sa.select(self.model.id).where(condition)
            for child, key in children:
                session.execute(sa.delete(child).where(
                    getattr(child, key).in_(doomed)))
            return session.execute(
                sa.delete(self.model).where(condition)).rowcount
