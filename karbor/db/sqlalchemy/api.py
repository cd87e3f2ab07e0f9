"""SQLAlchemy implementation of the DB API: services, plans, restores,
verifications, operation logs, the checkpoint catalog and purging.

Triggers and scheduled operations live in ``api_operations``, quotas in
``api_quota``; ``karbor.db.api`` exposes all three.
"""

import collections
import datetime

from oslo_log import log as logging
from oslo_utils import timeutils
import sqlalchemy as sa

from karbor.db.sqlalchemy import crud
from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import models
from karbor.db.sqlalchemy import query
from karbor import exception
from karbor.i18n import _

LOG = logging.getLogger(__name__)


def get_engine():
    return engine.get_engine()


def transaction(context):
    """Context manager: the DB calls made with ``context`` inside it share
    one write transaction, committed when the block ends."""
    return engine.writer(context)


def reads(context):
    """Context manager: the DB reads made with ``context`` inside it share
    one read transaction (one connection check-out and one end instead of
    one each); writes inside it are refused."""
    return engine.reader(context)


# Services

_SERVICES = crud.Crud(
    models.Service, lambda i: exception.ServiceNotFound(service_id=i),
    uuid_ids=False)
service_get = _SERVICES.get
service_create = _SERVICES.create
service_update = _SERVICES.update
service_destroy = _SERVICES.destroy


def service_heartbeat(context, service_id):
    """Count one heartbeat of a service (one statement).

    :raises ServiceNotFound: the service's row is gone.
    """
    table = models.Service.__table__
    with engine.writer(context) as session:
        done = session.execute(
            sa.update(table)
            .where(table.c.id == service_id, table.c.deleted == sa.false())
            .values(report_count=table.c.report_count + 1,
                    updated_at=timeutils.utcnow())).rowcount
    if not done:
        raise exception.ServiceNotFound(service_id=service_id)


def service_get_all(context, filters=None):
    """Services matching exact ``filters`` (host, binary, topic, disabled)."""
    return query.get_list(context, models.Service, filters=filters,
                          sort_keys=['id'], sort_dirs=['asc'])


def service_get_all_by_topic(context, topic, disabled=None):
    filters = {'topic': topic}
    if disabled is not None:
        filters['disabled'] = disabled
    return service_get_all(context, filters)


def _service_get_one(context, filters, not_found):
    services = service_get_all(context, filters)
    if not services:
        raise not_found
    return services[0]


def service_get_by_host_and_topic(context, host, topic):
    return _service_get_one(
        context, {'host': host, 'topic': topic, 'disabled': False},
        exception.ServiceNotFound(service_id=None, host=host, topic=topic))


def service_get_by_args(context, host, binary):
    return _service_get_one(
        context, {'host': host, 'binary': binary},
        exception.HostBinaryNotFound(host=host, binary=binary))


# Plans and their resources

_PLANS = crud.Crud(models.Plan, lambda i: exception.PlanNotFound(plan_id=i),
                   text_keys=('name', 'description'))
plan_get = _PLANS.get
plan_get_all = _PLANS.get_all
plan_get_all_by_project = _PLANS.get_all_by_project

_RESOURCES = models.Resource.__table__
_LIVE_RESOURCES = (sa.select(_RESOURCES)
                   .where(_RESOURCES.c.deleted == sa.false())
                   .order_by(_RESOURCES.c.id))
_PLAN_RESOURCES = _LIVE_RESOURCES.where(
    _RESOURCES.c.plan_id == sa.bindparam('plan_id'))
_PLANS_RESOURCES = _LIVE_RESOURCES.where(
    _RESOURCES.c.plan_id.in_(sa.bindparam('plan_ids', expanding=True)))


_PLAN_TABLE = models.Plan.__table__
# A plan row and what plan_get_with_resources reads of a resource row (the
# fewer columns, the less the driver decodes of each answer's metadata).
PlanRow = collections.namedtuple('PlanRow', _PLAN_TABLE.columns.keys())
_RESOURCE_COLUMNS = [_RESOURCES.c[name] for name in (
    'id', 'resource_id', 'resource_type', 'resource_name',
    'resource_extra_info')]
ResourceRow = collections.namedtuple(
    'ResourceRow', [column.key for column in _RESOURCE_COLUMNS])
_PLAN_WITH_RESOURCES = {}


def _plan_with_resources_statement(read_deleted):
    """The plan (as ``read_deleted`` says) outer-joined with its live
    resources, one row per resource in the order they were added."""
    statement = _PLAN_WITH_RESOURCES.get(read_deleted)
    if statement is None:
        joined = _PLAN_TABLE.outerjoin(_RESOURCES, sa.and_(
            _RESOURCES.c.plan_id == _PLAN_TABLE.c.id,
            _RESOURCES.c.deleted == sa.false()))
        statement = (
            sa.select(*_PLAN_TABLE.columns, *_RESOURCE_COLUMNS)
            .select_from(joined)
            .where(_PLAN_TABLE.c.id == sa.bindparam('plan_id'),
                   query.deleted_condition(None, _PLAN_TABLE, read_deleted))
            .order_by(_RESOURCES.c.id))
        _PLAN_WITH_RESOURCES[read_deleted] = statement
    return statement


def plan_get_with_resources(context, plan_id):
    """``(plan row, [resource row, ...])``: a plan and its (not deleted)
    resources in the order they were added, read in one statement (the
    resource rows hold ``id`` and the ``resource_*`` columns).

    :raises PlanNotFound:
    """
    read_deleted = getattr(context, 'read_deleted', 'no') or 'no'
    with engine.reader(context) as session:
        rows = session.execute(_plan_with_resources_statement(read_deleted),
                               {'plan_id': plan_id}).all()
    if not rows:
        raise exception.PlanNotFound(plan_id=plan_id)
    width = len(PlanRow._fields)
    plan = PlanRow._make(rows[0][:width])
    return plan, [ResourceRow._make(row[width:]) for row in rows
                  if row[width] is not None]


def plan_resources_get(context, plan_ids):
    """The (not deleted) resource rows of the plans ``plan_ids``, in the
    order they were added."""
    with engine.reader(context) as session:
        return session.execute(_PLANS_RESOURCES,
                               {'plan_ids': list(plan_ids)}).all()


def _resource_rows(plan_id, resources):
    rows = []
    for resource in resources or []:
        row = models.Resource()
        row.update({'plan_id': plan_id,
                    'resource_id': resource.get('id'),
                    'resource_type': resource.get('type'),
                    'resource_name': resource.get('name'),
                    'resource_extra_info': resource.get('extra_info') or {}})
        rows.append(row)
    return rows


def _replace_resources(session, plan_id, resources):
    now = timeutils.utcnow()
    session.execute(
        sa.update(models.Resource)
        .where(models.Resource.plan_id == plan_id,
               models.Resource.deleted == sa.false())
        .values(deleted=True, deleted_at=now, updated_at=now))
    session.add_all(_resource_rows(plan_id, resources))
    session.flush()


def plan_create(context, values):
    """Create a plan; ``values['resources']`` (dicts) become resource rows.

    Returns the plan's row (``plan_resources_get`` reads the resources).
    """
    values = dict(values)
    resources = values.pop('resources', None)
    with engine.writer(context) as session:
        plan = _PLANS.create(context, values)
        session.add_all(_resource_rows(plan.id, resources))
        session.flush()
    return plan


def plan_update(context, plan_id, values):
    """Update a plan; a ``resources`` key replaces its resources."""
    values = dict(values)
    resources = values.pop('resources', None)
    with engine.writer(context) as session:
        plan = _PLANS.update(context, plan_id, values)
        if resources is not None:
            _replace_resources(session, plan_id, resources)
    return plan


def plan_resources_update(context, plan_id, resources):
    """Replace the resources of a plan; returns the new resource rows."""
    with engine.writer(context):
        plan_update(context, plan_id, {'resources': resources})
        return plan_resources_get(context, [plan_id])


def plan_destroy(context, plan_id):
    """Soft-delete a plan and its resources."""
    with engine.writer(context) as session:
        plan = _PLANS.destroy(context, plan_id)
        _replace_resources(session, plan_id, [])
    return plan


# Restores, verifications and operation logs

_RESTORES = crud.Crud(models.Restore,
                      lambda i: exception.RestoreNotFound(restore_id=i))
restore_get = _RESTORES.get
restore_create = _RESTORES.create
restore_update = _RESTORES.update
restore_destroy = _RESTORES.destroy
restore_get_all = _RESTORES.get_all
restore_get_all_by_project = _RESTORES.get_all_by_project

_VERIFICATIONS = crud.Crud(
    models.Verification,
    lambda i: exception.VerificationNotFound(verification_id=i))
verification_get = _VERIFICATIONS.get
verification_create = _VERIFICATIONS.create
verification_update = _VERIFICATIONS.update
verification_destroy = _VERIFICATIONS.destroy
verification_get_all = _VERIFICATIONS.get_all
verification_get_all_by_project = _VERIFICATIONS.get_all_by_project

def _update_resource_status(crud_, context, obj_id, key, status,
                            reason=None):
    """Set one entry of resources_status (and resources_reason) atomically,
    so concurrent resource flows do not overwrite each other."""
    with engine.writer(context) as session:
        row = crud_.fetch(context, session, obj_id, for_update=True)
        row.resources_status = dict(row.resources_status or {},
                                    **{key: status})
        if reason is not None:
            row.resources_reason = dict(row.resources_reason or {},
                                        **{key: reason})
        session.flush()
        return crud.read_back(session, row)


def restore_update_resource_status(context, restore_id, key, status,
                                   reason=None):
    return _update_resource_status(_RESTORES, context, restore_id, key,
                                   status, reason)


def verification_update_resource_status(context, verification_id, key,
                                        status, reason=None):
    return _update_resource_status(_VERIFICATIONS, context, verification_id,
                                   key, status, reason)


_OPERATION_LOGS = crud.Crud(
    models.OperationLog,
    lambda i: exception.OperationLogNotFound(operation_log_id=i))
operation_log_get = _OPERATION_LOGS.get
operation_log_create = _OPERATION_LOGS.create
operation_log_update = _OPERATION_LOGS.update
operation_log_destroy = _OPERATION_LOGS.destroy
operation_log_get_all = _OPERATION_LOGS.get_all
operation_log_get_all_by_project = _OPERATION_LOGS.get_all_by_project


# Checkpoint catalog

_CHECKPOINTS = crud.Crud(
    models.CheckpointRecord,
    lambda i: exception.CheckpointNotFound(checkpoint_id=i))
checkpoint_record_get = _CHECKPOINTS.get
checkpoint_record_create = _CHECKPOINTS.create
checkpoint_record_update = _CHECKPOINTS.update
checkpoint_record_destroy = _CHECKPOINTS.destroy


def _date_bound(col, value, name, end=False):
    """created_at condition for a start/end filter.

    A datetime bound is inclusive; a date ('YYYY-MM-DD') covers that whole
    day.
    """
    try:
        if isinstance(value, str):
            value = (datetime.date.fromisoformat(value) if len(value) == 10
                     else timeutils.parse_isotime(value))
    except ValueError:
        value = None
    if isinstance(value, datetime.datetime):
        value = query.naive_utc(value)
        return col <= value if end else col >= value
    if isinstance(value, datetime.date):
        day = datetime.datetime.combine(value, datetime.time())
        if end:
            return col < day + datetime.timedelta(days=1)
        return col >= day
    raise exception.InvalidInput(reason=_('%s must be a date') % name)


def _checkpoint_list_stmt(context, filters):
    filters = dict(filters or {})
    col = models.CheckpointRecord.created_at
    stmt = query.model_query(context, models.CheckpointRecord.__table__)
    for name in ('start_date', 'end_date'):
        value = filters.pop(name, None)
        if value is not None:
            stmt = stmt.where(_date_bound(col, value, name,
                                          end=name == 'end_date'))
    return stmt, filters


def checkpoint_record_get_all(context, marker=None, limit=None,
                              sort_keys=None, sort_dirs=None, filters=None,
                              offset=None):
    """Catalog rows; filters are exact (provider_id, plan_id, status, ...)
    plus ``start_date`` / ``end_date`` on created_at."""
    stmt, filters = _checkpoint_list_stmt(context, filters)
    return query.get_list(context, models.CheckpointRecord, marker, limit,
                          sort_keys, sort_dirs, filters, offset, stmt=stmt)


def checkpoint_record_get_all_by_project(context, project_id, marker=None,
                                         limit=None, sort_keys=None,
                                         sort_dirs=None, filters=None,
                                         offset=None):
    filters = dict(filters or {}, project_id=project_id)
    return checkpoint_record_get_all(context, marker, limit, sort_keys,
                                     sort_dirs, filters, offset)


# Purge

# Children before parents, so foreign keys rarely block a purge.
_PURGE_ORDER = (models.Resource, models.Plan, models.Restore,
                models.Verification, models.OperationLog,
                models.ScheduledOperationLog, models.ScheduledOperationState,
                models.ScheduledOperation, models.TriggerExecution,
                models.Trigger, models.CheckpointRecord, models.Reservation,
                models.QuotaUsage, models.Quota, models.QuotaClass,
                models.Service)
# Rows that go with their purged parent whatever their own state.
_PURGE_CHILDREN = {models.Plan: ((models.Resource, 'plan_id'),)}


def purge_deleted_rows(context, age_in_days):
    """Hard-delete rows soft-deleted more than ``age_in_days`` days ago.

    Returns ``{table name: rows deleted}``.
    """
    try:
        age_in_days = int(age_in_days)
    except (TypeError, ValueError):
        age_in_days = -1
    if age_in_days < 0:
        raise exception.InvalidInput(
            reason=_('age_in_days must be a non-negative integer'))
    before = timeutils.utcnow() - datetime.timedelta(days=age_in_days)
    counts = {}
    for model in _PURGE_ORDER:
        purger = crud.Crud(model, exception.NotFound)
        try:
            counts[model.__tablename__] = purger.purge(
                context, before, _PURGE_CHILDREN.get(model, ()))
        except Exception as err:
            # A live row still refers to a deleted one: keep it for now.
            LOG.warning('Purge of table %(table)s failed: %(err)s',
                        {'table': model.__tablename__, 'err': err})
            counts[model.__tablename__] = 0
    LOG.info('Purged deleted rows older than %(days)d days: %(counts)s',
             {'days': age_in_days, 'counts': counts})
    return counts
