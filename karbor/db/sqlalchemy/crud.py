"""Create/get/update/delete/list of one model, written once for the DB API."""

import sqlalchemy as sa

from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import query


class Crud(object):
    """The usual operations on ``model`` keyed by its ``id``.

    :param not_found: called with the id to build the NotFound to raise.
    :param soft_delete: whether ``destroy`` only flags the row deleted.
    :param regex_keys: columns filtered by regular expression in lists.
    """

    def __init__(self, model, not_found, soft_delete=True, regex_keys=(),
                 uuid_ids=True):
        self.model = model
        self.not_found = not_found
        self.soft_delete = soft_delete
        self.regex_keys = regex_keys
        self.uuid_ids = uuid_ids

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
        with engine.reader(context) as session:
            return self.fetch(context, session, obj_id, read_deleted)

    def create(self, context, values):
        values = query.db_values(values)
        if self.uuid_ids:
            query.ensure_id(values)
        row = self.model()
        row.update(values)
        with engine.writer(context) as session:
            session.add(row)
            session.flush()
        return row

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
                              sort_dirs, filters, offset, self.regex_keys)

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
