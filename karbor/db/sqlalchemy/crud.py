"""Create/get/update/delete/list of one model, written once for the DB API."""

import types

import sqlalchemy as sa

from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import query


def _with_defaults(model, values):
    """``values`` completed with the Python-side column defaults, so that
    the row returned by a create holds what was inserted."""
    for col in model.__table__.columns:
        default = col.default
        if col.key in values or default is None:
            continue
        if default.is_scalar:
            values[col.key] = default.arg
        elif default.is_callable:
            values[col.key] = default.arg(None)
    return values


class Crud(object):
    """The usual operations on ``model`` keyed by its ``id``.

    :param not_found: called with the id to build the NotFound to raise.
    :param soft_delete: whether ``destroy`` only flags the row deleted.
    :param text_keys: columns whose filters match as text
        (see ``text_match``).
    """

    def __init__(self, model, not_found, soft_delete=True, text_keys=(),
                 uuid_ids=True):
        self.model = model
        self.not_found = not_found
        self.soft_delete = soft_delete
        self.text_keys = text_keys
        self.uuid_ids = uuid_ids
        self._get_statements = {}
        self._relationships = None

    def fetch(self, context, session, obj_id, read_deleted=None,
              for_update=False):
        """The row with ``obj_id`` in ``session`` or raise not_found."""
        stmt = query.model_query(context, self.model, read_deleted).where(
            self.model.id == obj_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = session.execute(stmt).scalar_one_or_none()
        if row is None:
            raise self.not_found(obj_id)
        return row

    def get(self, context, obj_id, read_deleted=None):
        """The row with ``obj_id`` or raise not_found.

        Rows of models without relationships are read-only Core rows (see
        ``get_row``), the others ORM instances.
        """
        if self._has_relationships:
            with engine.reader(context) as session:
                return self.fetch(context, session, obj_id, read_deleted)
        return self.get_row(context, obj_id, read_deleted)

    def get_row(self, context, obj_id, read_deleted=None):
        """The row with ``obj_id`` as a read-only Core row (attribute
        access), read with a prepared statement: much cheaper than an ORM
        instance."""
        read_deleted = read_deleted or getattr(context, 'read_deleted', 'no')
        with engine.reader(context) as session:
            row = session.execute(self._get_statement(read_deleted),
                                  {'obj_id': obj_id}).first()
        if row is None:
            raise self.not_found(obj_id)
        return row

    @property
    def _has_relationships(self):
        # Mappers are configured on first use, not when a Crud is made.
        if self._relationships is None:
            self._relationships = bool(sa.inspect(self.model).relationships)
        return self._relationships

    def _get_statement(self, read_deleted):
        statement = self._get_statements.get(read_deleted)
        if statement is None:
            table = self.model.__table__
            statement = query.model_query(None, table, read_deleted).where(
                    table.c.id == sa.bindparam('obj_id'))
            self._get_statements[read_deleted] = statement
        return statement

    def create(self, context, values):
        """Insert a row; return it as written (a read-only copy).

        A plain INSERT rather than the ORM's unit of work, which costs
        more than the statement itself on the create paths.
        """
        values = _with_defaults(self.model, query.db_values(values))
        if self.uuid_ids:
            query.ensure_id(values)
        table = self.model.__table__
        with engine.writer(context) as session:
            result = session.execute(sa.insert(table), values)
            for col, key in zip(table.primary_key,
                                result.inserted_primary_key or ()):
                values.setdefault(col.key, key)
        return types.SimpleNamespace(
            **{col.key: values.get(col.key) for col in table.columns})

    def update(self, context, obj_id, values):
        with engine.writer(context) as session:
            row = self.fetch(context, session, obj_id, for_update=True)
            row.update(query.db_values(values))
            session.flush()
        return row

    def destroy(self, context, obj_id):
        with engine.writer(context) as session:
            row = self.fetch(context, session, obj_id, for_update=True)
            if self.soft_delete:
                row.soft_delete()
            else:
                session.delete(row)
            session.flush()
        return row

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
