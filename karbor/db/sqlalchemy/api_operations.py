"""SQLAlchemy DB API of the operation engine: triggers, trigger
executions, scheduled operations with their states and logs."""

from oslo_utils import timeutils
import sqlalchemy as sa

from karbor.db.sqlalchemy import crud
from karbor.db.sqlalchemy import engine
from karbor.db.sqlalchemy import models
from karbor.db.sqlalchemy import query
from karbor import exception

# Triggers (soft delete)

_TRIGGERS = crud.Crud(models.Trigger,
                      lambda i: exception.TriggerNotFound(id=i),
                      text_keys=('name', 'properties'))
trigger_get = _TRIGGERS.get
trigger_create = _TRIGGERS.create
trigger_update = _TRIGGERS.update
trigger_destroy = _TRIGGERS.destroy
trigger_get_all = _TRIGGERS.get_all
trigger_get_all_by_project = _TRIGGERS.get_all_by_project


# Trigger executions: one row per trigger with its next run time

_EXECUTIONS = crud.Crud(models.TriggerExecution,
                        lambda i: exception.NotFound(), soft_delete=False)
_EXECUTION_ROWS = models.TriggerExecution.__table__


def trigger_execution_create(context, trigger_id, execution_time):
    return _EXECUTIONS.create(context, {'trigger_id': trigger_id,
                                        'execution_time': execution_time})


def trigger_execution_get_next(context):
    """The execution with the earliest time, or None."""
    with engine.reader(context) as session:
        return session.execute(
            query.model_query(context, _EXECUTION_ROWS)
            .order_by(_EXECUTION_ROWS.c.execution_time).limit(1)).first()


def trigger_execution_get_by_trigger(context, trigger_id):
    with engine.reader(context) as session:
        return session.execute(
            query.model_query(context, _EXECUTION_ROWS)
            .where(_EXECUTION_ROWS.c.trigger_id == trigger_id)).first()


def trigger_execution_update(context, execution_id, current_time, new_time):
    """Move an execution from ``current_time`` to ``new_time``.

    Compare-and-swap: returns False when another engine moved it first.
    """
    with engine.writer(context) as session:
        result = session.execute(
            sa.update(models.TriggerExecution)
            .where(models.TriggerExecution.id == execution_id,
                   models.TriggerExecution.execution_time ==
                   query.naive_utc(current_time))
            .values(execution_time=query.naive_utc(new_time),
                    updated_at=timeutils.utcnow()))
        return result.rowcount == 1


def trigger_execution_delete(context, execution_id=None, trigger_id=None):
    """Delete by execution id and/or trigger id; returns True if any."""
    stmt = sa.delete(models.TriggerExecution)
    if execution_id is not None:
        stmt = stmt.where(models.TriggerExecution.id == execution_id)
    if trigger_id is not None:
        stmt = stmt.where(models.TriggerExecution.trigger_id == trigger_id)
    with engine.writer(context) as session:
        return session.execute(stmt).rowcount > 0


# Scheduled operations (hard delete with their states and logs)

_OPERATIONS = crud.Crud(models.ScheduledOperation,
                        lambda i: exception.ScheduledOperationNotFound(id=i),
                        soft_delete=False,
                        text_keys=('name', 'operation_definition'))
scheduled_operation_get = _OPERATIONS.get
scheduled_operation_create = _OPERATIONS.create
scheduled_operation_update = _OPERATIONS.update
scheduled_operation_get_all = _OPERATIONS.get_all
scheduled_operation_get_all_by_project = _OPERATIONS.get_all_by_project


def scheduled_operation_destroy(context, operation_id):
    """Delete a scheduled operation with its state and logs."""
    with engine.writer(context) as session:
        for model in (models.ScheduledOperationLog,
                      models.ScheduledOperationState):
            session.execute(sa.delete(model).where(
                model.operation_id == operation_id))
        return _OPERATIONS.destroy(context, operation_id)


# Scheduled operation states, keyed by operation id

def _state_query(context, operation_id):
    return query.model_query(context, models.ScheduledOperationState).where(
        models.ScheduledOperationState.operation_id == operation_id)


_STATES = crud.Crud(models.ScheduledOperationState,
                    lambda i: exception.ScheduledOperationStateNotFound(
                        op_id=i),
                    soft_delete=False, uuid_ids=False)
_STATE_ROWS = models.ScheduledOperationState.__table__
scheduled_operation_state_create = _STATES.create


def scheduled_operation_state_get(context, operation_id):
    with engine.reader(context) as session:
        row = session.execute(
            query.model_query(context, _STATE_ROWS)
            .where(_STATE_ROWS.c.operation_id == operation_id)).first()
    if row is None:
        raise exception.ScheduledOperationStateNotFound(op_id=operation_id)
    return row


def scheduled_operation_state_update(context, operation_id, values,
                                     expected=None):
    """Update the state of an operation.

    With ``expected`` (column: value) this is a compare-and-swap: it
    returns None, changing nothing, unless the row still has those values.
    """
    with engine.writer(context) as session:
        row = session.execute(_state_query(context, operation_id)
                              .with_for_update()).scalar_one_or_none()
        if row is None:
            raise exception.ScheduledOperationStateNotFound(
                op_id=operation_id)
        for key, value in (expected or {}).items():
            if getattr(row, key) != query.naive_utc(value):
                return None
        row.update(query.db_values(values))
        session.flush()
        return crud.read_back(session, row)


def scheduled_operation_state_delete(context, operation_id):
    with engine.writer(context) as session:
        result = session.execute(
            sa.delete(models.ScheduledOperationState).where(
                models.ScheduledOperationState.operation_id == operation_id))
    if not result.rowcount:
        raise exception.ScheduledOperationStateNotFound(op_id=operation_id)


def scheduled_operation_state_get_all_by_filters_sort(
        context, filters=None, limit=None, marker=None, sort_keys=None,
        sort_dirs=None):
    return _STATES.get_all(context, marker, limit, sort_keys, sort_dirs,
                           filters)


# Scheduled operation logs

_LOGS = crud.Crud(models.ScheduledOperationLog,
                  lambda i: exception.ScheduledOperationLogNotFound(log_id=i),
                  soft_delete=False, uuid_ids=False)
scheduled_operation_log_get = _LOGS.get
scheduled_operation_log_create = _LOGS.create
scheduled_operation_log_update = _LOGS.update
scheduled_operation_log_destroy = _LOGS.destroy


def scheduled_operation_log_get_all_by_filters_sort(
        context, filters=None, limit=None, marker=None, sort_keys=None,
        sort_dirs=None):
    return _LOGS.get_all(context, marker, limit, sort_keys, sort_dirs,
                         filters)


def scheduled_operation_log_delete_oldest(context, operation_id,
                                          retained_num, excepted_states=()):
    """Keep the newest ``retained_num`` logs of an operation.

    Logs in ``excepted_states`` are neither counted nor deleted.
    """
    model = models.ScheduledOperationLog
    with engine.writer(context) as session:
        stmt = sa.select(model.id).where(model.operation_id == operation_id)
        if excepted_states:
            stmt = stmt.where(model.state.not_in(list(excepted_states)))
        ids = session.execute(stmt.order_by(model.created_at.desc(),
                                            model.id.desc())).scalars().all()
        old = ids[max(int(retained_num), 0):]
        if old:
            session.execute(sa.delete(model).where(model.id.in_(old)))
    return len(old)


# Runs of scheduled operations between engines: each step is one
# transaction guarded by the state row's owner (service_id).

def _new_log(session, operation_id, state, expect, now, extend_info=None):
    row = models.ScheduledOperationLog(
        operation_id=operation_id, state=state,
        expect_start_time=query.naive_utc(expect), triggered_time=now,
        extend_info=extend_info)
    session.add(row)
    return row


def trigger_execution_claim(context, execution_id, trigger_id, current_time,
                            new_time, service_id, run=None, dropped=None):
    """Claim the fire time ``current_time`` of a trigger for one engine.

    Compare-and-swap of the execution from ``current_time`` to
    ``new_time`` (deleted when None). Only the engine that moves it writes,
    in the same transaction, a log per enabled operation of the trigger:
    ``dropped`` (expect time, extend_info) adds a ``dropped_out_of_window``
    log; ``run`` (expect time, window end) marks each idle operation
    ``running`` for ``service_id`` with an ``in_progress`` log (a busy one
    gets a ``failed`` log). Returns ``[(operation_id, log_id)]`` of the
    runs, or None when another engine claimed the time first.
    """
    table = models.TriggerExecution
    now = timeutils.utcnow()
    guard = (table.id == execution_id,
             table.execution_time == query.naive_utc(current_time))
    if new_time is None:
        stmt = sa.delete(table).where(*guard)
    else:
        stmt = sa.update(table).where(*guard).values(
            execution_time=query.naive_utc(new_time), updated_at=now)
    with engine.writer(context) as session:
        if session.execute(stmt).rowcount != 1:
            return None
        states = session.execute(
            sa.select(models.ScheduledOperationState)
            .join(models.ScheduledOperation, models.ScheduledOperation.id ==
                  models.ScheduledOperationState.operation_id)
            .where(models.ScheduledOperation.trigger_id == trigger_id,
                   models.ScheduledOperation.enabled == sa.true())
            .order_by(models.ScheduledOperationState.id)
            .with_for_update()).scalars().all()
        runs = []
        for state in states:
            if dropped is not None:
                _new_log(session, state.operation_id, 'dropped_out_of_window',
                         dropped[0], now, dropped[1])
            if run is None:
                continue
            if state.state == 'running':
                _new_log(session, state.operation_id, 'failed', run[0], now,
                         '{"reason": "The previous run has not ended."}')
                continue
            state.update({'service_id': service_id, 'state': 'running',
                          'end_time_for_run': query.naive_utc(run[1])})
            runs.append((state.operation_id, _new_log(
                session, state.operation_id, 'in_progress', run[0], now)))
        session.flush()
        return [(operation_id, log.id) for operation_id, log in runs]


def scheduled_operation_run_update(context, operation_id, service_id,
                                   log_id, values, finish=False):
    """Update the log of a run if ``service_id`` still owns the operation's
    run; ``finish`` also sets the operation back to ``registered``.
    Returns False, changing nothing, when another engine took it over."""
    with engine.writer(context) as session:
        state = session.execute(_state_query(context, operation_id)
                                .with_for_update()).scalar_one_or_none()
        if state is None or state.service_id != service_id or \
                state.state != 'running':
            return False
        if finish:
            state.update({'state': 'registered', 'end_time_for_run': None})
        session.execute(
            sa.update(models.ScheduledOperationLog)
            .where(models.ScheduledOperationLog.id == log_id)
            .values(updated_at=timeutils.utcnow(),
                    **query.db_values(values)))
    return True


def scheduled_operation_state_get_orphaned(context, service_id,
                                           dead_before):
    """Running states owned by another engine whose last heartbeat is
    older than ``dead_before`` (or whose service row is gone)."""
    state = _STATE_ROWS.c
    service = models.Service
    beat = sa.func.coalesce(service.updated_at, service.created_at)
    stmt = (sa.select(_STATE_ROWS)
            .outerjoin(service, service.id == state.service_id)
            .where(state.state == 'running', state.service_id != service_id,
                   sa.or_(service.id.is_(None), service.deleted == sa.true(),
                          beat < query.naive_utc(dead_before))))
    with engine.reader(context) as session:
        return session.execute(stmt).all()


def trigger_execution_get_due(context, now, limit):
    """Executions due at ``now``, earliest first."""
    table = _EXECUTION_ROWS
    with engine.reader(context) as session:
        return session.execute(
            query.model_query(context, table)
            .where(table.c.execution_time <= query.naive_utc(now))
            .order_by(table.c.execution_time).limit(limit)).all()
