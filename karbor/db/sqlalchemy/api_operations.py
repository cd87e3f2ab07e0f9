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

_LOG_ROWS = models.ScheduledOperationLog.__table__
_OPERATION_ROWS = models.ScheduledOperation.__table__
# What a claimed run needs of its operation and state.
_CLAIMED = (_OPERATION_ROWS.c.id, _OPERATION_ROWS.c.operation_type,
            _OPERATION_ROWS.c.operation_definition,
            _OPERATION_ROWS.c.trigger_id, _OPERATION_ROWS.c.user_id,
            _OPERATION_ROWS.c.project_id, _STATE_ROWS.c.trust_id,
            _STATE_ROWS.c.state)
# Ids per IN list.
_CHUNK = 500


def _chunks(items):
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _log_values(operation_id, state, expect, now, extend_info=None):
    return {'operation_id': operation_id, 'state': state,
            'expect_start_time': query.naive_utc(expect),
            'triggered_time': now, 'extend_info': extend_info,
            'created_at': now, 'deleted': False}


def _claim_runs(session, rows, service_id, run, now):
    """Mark the idle operations of ``rows`` running for ``service_id``
    with an ``in_progress`` log each; ``{operation id: log id}``."""
    idle = [row.id for row in rows]
    for chunk in _chunks(idle):
        session.execute(
            sa.update(_STATE_ROWS)
            .where(_STATE_ROWS.c.operation_id.in_(chunk))
            .values(service_id=service_id, state='running',
                    end_time_for_run=query.naive_utc(run[1]),
                    updated_at=now))
    if idle:
        session.execute(sa.insert(_LOG_ROWS), [
            _log_values(op, 'in_progress', run[0], now) for op in idle])
    logs = {}
    for chunk in _chunks(idle):
        logs.update(session.execute(
            sa.select(_LOG_ROWS.c.operation_id, _LOG_ROWS.c.id).where(
                _LOG_ROWS.c.operation_id.in_(chunk),
                _LOG_ROWS.c.expect_start_time == query.naive_utc(run[0]),
                _LOG_ROWS.c.state == 'in_progress')).all())
    return logs


def _beat(session, service_id, now):
    table = models.Service.__table__
    session.execute(sa.update(table).where(table.c.id == service_id).values(
        report_count=table.c.report_count + 1, updated_at=now))


def trigger_execution_claim(context, execution_id, trigger_id, current_time,
                            new_time, service_id, run=None, dropped=None):
    """Claim the fire time ``current_time`` of a trigger for one engine.

    Compare-and-swap of the execution from ``current_time`` to
    ``new_time`` (deleted when None). Only the engine that moves it writes,
    in the same transaction, a log per enabled operation of the trigger:
    ``dropped`` (expect time, extend_info) adds a ``dropped_out_of_window``
    log; ``run`` (expect time, window end) marks each idle operation
    ``running`` for ``service_id`` with an ``in_progress`` log (a busy one
    gets a ``failed`` log). Returns ``[(operation row, log id)]`` of the
    runs (rows with the operation's fields and ``trust_id``), or None when
    another engine claimed the time first.
    """
    table = _EXECUTION_ROWS
    now = timeutils.utcnow()
    guard = (table.c.id == execution_id,
             table.c.execution_time == query.naive_utc(current_time))
    if new_time is None:
        stmt = sa.delete(table).where(*guard)
    else:
        stmt = sa.update(table).where(*guard).values(
            execution_time=query.naive_utc(new_time), updated_at=now)
    with engine.writer(context) as session:
        if session.execute(stmt).rowcount != 1:
            return None
        rows = session.execute(
            sa.select(*_CLAIMED)
            .join(_STATE_ROWS,
                  _STATE_ROWS.c.operation_id == _OPERATION_ROWS.c.id)
            .where(_OPERATION_ROWS.c.trigger_id == trigger_id,
                   _OPERATION_ROWS.c.enabled == sa.true())
            .order_by(_STATE_ROWS.c.id)
            .with_for_update()).all()
        logs = []
        if dropped is not None:
            logs += [_log_values(row.id, 'dropped_out_of_window',
                                 dropped[0], now, dropped[1])
                     for row in rows]
        if run is None:
            idle = []
        else:
            idle = [row for row in rows if row.state != 'running']
            logs += [_log_values(row.id, 'failed', run[0], now,
                                 '{"reason": "The previous run has not '
                                 'ended."}')
                     for row in rows if row.state == 'running']
        if logs:
            session.execute(sa.insert(_LOG_ROWS), logs)
        if run is None:
            return []
        claimed = _claim_runs(session, idle, service_id, run, now)
        if claimed:
            # Runs are never held under an old heartbeat (an idle engine
            # beats seldom).
            _beat(session, service_id, now)
        return [(row, claimed[row.id]) for row in idle]


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


def scheduled_operation_runs_start(context, service_id, runs, start_time):
    """Set the ``actual_start_time`` of the runs ``{operation id: log id}``
    that ``service_id`` still owns, in one transaction; returns the ids of
    those operations (the others were taken over and are left alone)."""
    state = _STATE_ROWS.c
    owned = []
    with engine.writer(context) as session:
        for chunk in _chunks(sorted(runs)):
            owned += session.execute(
                sa.select(state.operation_id)
                .where(state.operation_id.in_(chunk),
                       state.service_id == service_id,
                       state.state == 'running')
                .with_for_update()).scalars().all()
        for chunk in _chunks([runs[op] for op in owned]):
            session.execute(
                sa.update(_LOG_ROWS).where(_LOG_ROWS.c.id.in_(chunk))
                .values(actual_start_time=start_time,
                        updated_at=timeutils.utcnow()))
    return set(owned)


def scheduled_operation_state_get_running_elsewhere(context, service_id):
    """Running states owned by other engines, each with ``heartbeat``: the
    owner's last heartbeat (None when its service row is gone)."""
    state = _STATE_ROWS.c
    service = models.Service
    beat = sa.case((service.deleted == sa.true(), None),
                   else_=sa.func.coalesce(service.updated_at,
                                          service.created_at))
    stmt = (sa.select(_STATE_ROWS, beat.label('heartbeat'))
            .outerjoin(service, service.id == state.service_id)
            .where(state.state == 'running', state.service_id != service_id))
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
