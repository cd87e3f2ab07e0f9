"""SQLAlchemy DB API of quotas: limits, classes, usages, reservations.

Quota rows are deleted for real (each (project, resource) pair is unique).
``quota_reserve`` locks the project's usage rows (``SELECT ... FOR UPDATE``
on MariaDB/PostgreSQL, the writer lock on SQLite) so concurrent
reservations from any number of processes never exceed a limit.
"""

import datetime

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from karbor.common import constants
from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import models
from karbor import exception

_retry = oslo_db_api.wrap_db_retry(
    max_retries=10, retry_interval=0.05, inc_retry_interval=True,
    max_retry_interval=0.5, retry_on_deadlock=True,
    exception_checker=lambda e: isinstance(e, db_exc.DBDuplicateEntry))


# The statements of every checkpoint create, built once: executing a
# prepared Core statement skips building it and computing its cache key.
_QUOTAS = models.Quota.__table__
_CLASSES = models.QuotaClass.__table__
_USAGES = models.QuotaUsage.__table__
_LIMITS = sa.union_all(
    sa.select(sa.literal('project').label('owner'), _QUOTAS.c.resource,
              _QUOTAS.c.hard_limit)
    .where(_QUOTAS.c.project_id == sa.bindparam('project_id')),
    sa.select(_CLASSES.c.class_name.label('owner'), _CLASSES.c.resource,
              _CLASSES.c.hard_limit)
    .where(_CLASSES.c.class_name.in_(
        sa.bindparam('class_names', expanding=True))))
# The owner of the usage rows in _LIMITS_AND_USAGES: no quota class is
# named '' (class names are URL path segments).
_USAGE_OWNER = ''
_LIMITS_AND_USAGES = sa.union_all(
    *_LIMITS.selects,
    sa.select(sa.literal(_USAGE_OWNER).label('owner'), _USAGES.c.resource,
              _USAGES.c.in_use)
    .where(_USAGES.c.project_id == sa.bindparam('project_id')))
_ADD_TO_USAGE = (
    sa.update(_USAGES)
    .where(_USAGES.c.project_id == sa.bindparam('usage_project_id'),
           _USAGES.c.resource == sa.bindparam('usage_resource'),
           _USAGES.c.in_use >= 0)
    .values(in_use=_USAGES.c.in_use + sa.bindparam('delta'),
            updated_at=sa.bindparam('now')))


def _limits_query(model, owner_col, owner, resource=None):
    """The (Core) rows of ``model`` owned by ``owner``."""
    stmt = sa.select(model.__table__).where(
        getattr(model, owner_col) == owner)
    if resource is not None:
        stmt = stmt.where(model.resource == resource)
    return stmt


def _limits(context, model, owner_col, owner):
    with engine.reader(context) as session:
        rows = session.execute(_limits_query(model, owner_col, owner))
        result = {owner_col: owner}
        result.update({row.resource: row.hard_limit for row in rows})
        return result


def _get_limit(context, model, owner_col, owner, resource, not_found):
    with engine.reader(context) as session:
        row = session.execute(_limits_query(
            model, owner_col, owner, resource)).first()
    if row is None:
        raise not_found
    return row


@_retry
def _set_limit(context, model, owner_col, owner, resource, limit):
    """Insert or update one limit row; return it."""
    table = model.__table__
    with engine.writer(context) as session:
        row = session.execute(_limits_query(
            model, owner_col, owner, resource).with_for_update()).first()
        if row is None:
            session.execute(sa.insert(table), {
                'resource': resource, 'hard_limit': limit, owner_col: owner})
        else:
            session.execute(sa.update(table).where(table.c.id == row.id)
                            .values(hard_limit=limit))
        return session.execute(_limits_query(
            model, owner_col, owner, resource)).one()


def _delete(context, model, *where):
    with engine.writer(context) as session:
        return session.execute(sa.delete(model).where(*where)).rowcount


# Project quotas

def quota_get(context, project_id, resource):
    return _get_limit(context, models.Quota, 'project_id', project_id,
                      resource,
                      exception.ProjectQuotaNotFound(project_id=project_id))


def _read_limits(context, statement, project_id, class_names):
    result = {}
    with engine.reader(context) as session:
        for owner, resource, limit in session.execute(
                statement, {'project_id': project_id,
                            'class_names': list(class_names)}):
            result.setdefault(owner, {})[resource] = limit
    return result


def quota_limits(context, project_id, class_names):
    """The limits that apply to a project, read in one query.

    :returns: ``{owner: {resource: limit}}`` where owner is ``project`` or
        one of ``class_names``.
    """
    return _read_limits(context, _LIMITS, project_id, class_names)


def quota_limits_and_usages(context, project_id, class_names):
    """``quota_limits`` and the names of the resources the project has a
    usage row of, read in one query (a reservation needs both)."""
    result = _read_limits(context, _LIMITS_AND_USAGES, project_id,
                          class_names)
    return result, set(result.pop(_USAGE_OWNER, ()))


def quota_set(context, project_id, resource, limit):
    """Create or update a project's limit of ``resource``."""
    return _set_limit(context, models.Quota, 'project_id', project_id,
                      resource, limit)


quota_create = quota_set


def quota_update(context, project_id, resource, limit):
    quota_get(context, project_id, resource)
    return quota_set(context, project_id, resource, limit)


def quota_destroy(context, project_id, resource):
    if not _delete(context, models.Quota,
                   models.Quota.project_id == project_id,
                   models.Quota.resource == resource):
        raise exception.ProjectQuotaNotFound(project_id=project_id)


def quota_destroy_all_by_project(context, project_id):
    """Remove a project's limits, usages and reservations."""
    with engine.writer(context) as session:
        for model in (models.Reservation, models.QuotaUsage, models.Quota):
            session.execute(sa.delete(model).where(
                model.project_id == project_id))


# Quota classes

def quota_class_get(context, class_name, resource):
    return _get_limit(context, models.QuotaClass, 'class_name', class_name,
                      resource,
                      exception.QuotaClassNotFound(class_name=class_name))


def quota_class_get_all_by_name(context, class_name):
    """``{'class_name': name, resource: limit, ...}``."""
    return _limits(context, models.QuotaClass, 'class_name', class_name)


def quota_class_get_default(context):
    return quota_class_get_all_by_name(context, 'default')


def quota_class_set(context, class_name, resource, limit):
    """Create or update a quota class's limit of ``resource``."""
    return _set_limit(context, models.QuotaClass, 'class_name', class_name,
                      resource, limit)


quota_class_create = quota_class_set


def quota_class_update(context, class_name, resource, limit):
    quota_class_get(context, class_name, resource)
    return quota_class_set(context, class_name, resource, limit)


def quota_class_destroy_all_by_name(context, class_name):
    _delete(context, models.QuotaClass,
            models.QuotaClass.class_name == class_name)


# Usages

def quota_usage_get(context, project_id, resource):
    with engine.reader(context) as session:
        row = session.execute(_limits_query(
            models.QuotaUsage, 'project_id', project_id, resource)).first()
    if row is None:
        raise exception.QuotaUsageNotFound(project_id=project_id)
    return row


def quota_usage_get_all_by_project(context, project_id):
    """``{'project_id': id, resource: {'in_use': n, 'reserved': n}}``."""
    with engine.reader(context) as session:
        rows = session.execute(_limits_query(
            models.QuotaUsage, 'project_id', project_id))
        result = {'project_id': project_id}
        result.update({row.resource: {'in_use': max(row.in_use, 0),
                                      'reserved': row.reserved}
                       for row in rows})
        return result


def _count(session, model, project_id, *where):
    return session.execute(
        sa.select(sa.func.count(model.id)).where(
            model.project_id == project_id, model.deleted == sa.false(),
            *where)).scalar_one()


def _sync_plans(session, project_id):
    return {'plans': _count(session, models.Plan, project_id)}


def _sync_checkpoints(session, project_id):
    return {'checkpoints': _count(
        session, models.CheckpointRecord, project_id,
        models.CheckpointRecord.status !=
        constants.CHECKPOINT_STATUS_DELETED)}


QUOTA_SYNC_FUNCTIONS = {'_sync_plans': _sync_plans,
                        '_sync_checkpoints': _sync_checkpoints}


def _usages_join_caller():
    """Whether missing usage rows are made in the caller's transaction
    (SQLite: one writer at a time) rather than in one of their own."""
    return engine.backend_name() == 'sqlite'


def _ensure_usages(context, project_id, resources, existing=None):
    """Create the usage rows a project lacks (in_use -1: counted at the
    next reservation), before the reservation locks anything.

    Elsewhere than on SQLite they are committed in a transaction of their
    own: a first reservation racing another then finds the row instead of
    deadlocking on InnoDB's gap locks. SQLite has one writer at a time, so
    they simply join the current transaction.
    """
    if existing is None:
        with engine.reader(context) as session:
            existing = set(session.execute(
                sa.select(models.QuotaUsage.resource).where(
                    models.QuotaUsage.project_id == project_id,
                    models.QuotaUsage.resource.in_(
                        list(resources)))).scalars())
    missing = sorted(set(resources) - existing)
    if not missing:
        return
    independent = not _usages_join_caller()
    try:
        with engine.writer(context, independent=independent) as session:
            for resource in missing:
                session.add(models.QuotaUsage(
                    project_id=project_id, resource=resource, in_use=-1,
                    reserved=0))
            session.flush()
    except db_exc.DBDuplicateEntry:
        pass  # made by a concurrent first reservation


def _lock_usages(session, *where):
    rows = session.execute(sa.select(models.QuotaUsage).where(*where)
                           .order_by(models.QuotaUsage.id)
                           .with_for_update()).scalars()
    return {row.resource: row for row in rows}


def _add_to_unlimited(session, project_id, quotas, deltas, now):
    """Add one positive delta of an unlimited resource to a counted usage
    in a single statement; False (nothing done) when that does not apply.
    """
    if len(deltas) != 1:
        return False
    [(name, delta)] = deltas.items()
    if delta <= 0 or quotas.get(name, -1) >= 0:
        return False
    result = session.execute(_ADD_TO_USAGE, {
        'usage_project_id': project_id, 'usage_resource': name,
        'delta': delta, 'now': now})
    return result.rowcount == 1


def _needs_refresh(usage, until_refresh, max_age, now):
    if usage.in_use < 0:
        return True
    if usage.until_refresh is not None:
        usage.until_refresh -= 1
        if usage.until_refresh <= 0:
            return True
    last = usage.updated_at or usage.created_at
    return bool(max_age and (now - last).total_seconds() >= max_age)


@_retry
def quota_reserve(context, resources, quotas, deltas, expire, until_refresh,
                  max_age, project_id=None, direct=False, usages=None):
    """Reserve ``deltas`` against ``quotas``; return reservation uuids.

    :param resources: name -> resource with a ``sync`` name (or None).
    :param direct: apply the deltas to the usage at once, without
        reservations (returns ``[]``).
    :param usages: the names of the resources the project has a usage row
        of, if just read (``quota_limits_and_usages``); else they are.
    :raises OverQuota: a positive delta would exceed its limit.
    :raises InvalidQuotaValue: a negative delta would make usage negative.
    """
    project_id = project_id or context.project_id
    now = timeutils.utcnow()
    at_once = direct and not (until_refresh or max_age)
    # Where the usage rows are made in this transaction (SQLite), the
    # single UPDATE is tried before looking for them. Elsewhere an UPDATE
    # finding no row would hold a gap lock where _ensure_usages (in a
    # transaction of its own) must insert it: they are made sure of first.
    ensure_later = at_once and _usages_join_caller()
    if not ensure_later:
        _ensure_usages(context, project_id, deltas, usages)
    with engine.writer(context) as session:
        if at_once and \
                _add_to_unlimited(session, project_id, quotas, deltas, now):
            return []
        if ensure_later:
            _ensure_usages(context, project_id, deltas, usages)
        usages = _lock_usages(session,
                              models.QuotaUsage.project_id == project_id,
                              models.QuotaUsage.resource.in_(list(deltas)))
        for name in deltas:
            usage = usages[name]
            if _needs_refresh(usage, until_refresh, max_age, now):
                sync = QUOTA_SYNC_FUNCTIONS.get(
                    getattr(resources.get(name), 'sync', None))
                counted = sync(session, project_id) if sync else {}
                usage.in_use = max(counted.get(name, usage.in_use), 0)
                usage.until_refresh = until_refresh or None
                usage.updated_at = now
        _check_deltas(quotas, deltas, usages)
        uuids = []
        for name, delta in deltas.items():
            usage = usages[name]
            if direct:
                usage.in_use += delta
                continue
            reservation = models.Reservation(
                uuid=uuidutils.generate_uuid(), usage_id=usage.id,
                project_id=project_id, resource=name, delta=delta,
                expire=expire)
            session.add(reservation)
            uuids.append(reservation.uuid)
            if delta > 0:
                usage.reserved += delta
        session.flush()
    return uuids


def _check_deltas(quotas, deltas, usages):
    unders = sorted(name for name, delta in deltas.items()
                    if delta < 0 and usages[name].in_use + delta < 0)
    if unders:
        raise exception.InvalidQuotaValue(unders=unders)
    overs = sorted(
        name for name, delta in deltas.items()
        if delta > 0 and quotas.get(name, -1) >= 0
        and usages[name].in_use + usages[name].reserved + delta >
        quotas[name])
    if overs:
        raise exception.OverQuota(
            overs=overs, quotas=quotas,
            usages={name: {'in_use': usages[name].in_use,
                           'reserved': usages[name].reserved}
                    for name in deltas})


@_retry
def _finish_reservations(context, reservations, project_id, commit):
    with engine.writer(context) as session:
        rows = session.execute(
            sa.select(models.Reservation)
            .where(models.Reservation.uuid.in_(list(reservations)))
        ).scalars().all()
        if not rows:
            return
        usages = {usage.id: usage for usage in _lock_usages(
            session, models.QuotaUsage.id.in_(
                {row.usage_id for row in rows})).values()}
        for row in rows:
            usage = usages[row.usage_id]
            if row.delta > 0:
                usage.reserved = max(usage.reserved - row.delta, 0)
            if commit:
                usage.in_use = max(usage.in_use + row.delta, 0)
            session.delete(row)
        session.flush()


def reservation_commit(context, reservations, project_id=None):
    """Apply reservations to the usages and forget them."""
    _finish_reservations(context, reservations, project_id, commit=True)


def reservation_rollback(context, reservations, project_id=None):
    """Release reservations without changing usage."""
    _finish_reservations(context, reservations, project_id, commit=False)


def reservation_expire(context):
    """Roll back every reservation past its expiry time."""
    with engine.reader(context) as session:
        expired = session.execute(
            sa.select(models.Reservation.uuid).where(
                models.Reservation.expire < timeutils.utcnow())
        ).scalars().all()
    if expired:
        reservation_rollback(context, expired)
    return len(expired)


def reservation_expire_time(seconds):
    return timeutils.utcnow() + datetime.timedelta(seconds=seconds)
