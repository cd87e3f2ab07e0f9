"""DB API functions (on SQLite)."""

import datetime

from oslo_utils import timeutils
import pytest
import sqlalchemy as sa

from karbor.db import api as db
from karbor import exception


def test_service_lookups(sqlite_db, admin_ctx):
    svc = db.service_create(admin_ctx, {'host': 'h1', 'binary': 'karbor-b',
                                        'topic': 't', 'report_count': 0})
    db.service_create(admin_ctx, {'host': 'h2', 'binary': 'karbor-b',
                                  'topic': 't', 'report_count': 0})
    assert db.service_get_by_args(admin_ctx, 'h1', 'karbor-b').id == svc.id
    assert db.service_get_by_host_and_topic(admin_ctx, 'h1', 't').id == svc.id
    assert len(db.service_get_all(admin_ctx, {'binary': 'karbor-b'})) == 2
    updated = db.service_update(admin_ctx, svc.id, {'report_count': 3})
    assert updated.report_count == 3 and updated.updated_at is not None
    db.service_destroy(admin_ctx, svc.id)
    with pytest.raises(exception.HostBinaryNotFound):
        db.service_get_by_args(admin_ctx, 'h1', 'karbor-b')
    with pytest.raises(exception.ServiceNotFound):
        db.service_get(admin_ctx, svc.id)


def test_plan_resources_lifecycle(sqlite_db, ctx):
    plan = db.plan_create(ctx, {
        'name': 'p', 'project_id': 'project', 'parameters': {'T': {'a': 1}},
        'resources': [{'id': 'r1', 'type': 'T', 'name': 'one',
                       'extra_info': {'az': 'az1'}}]})
    assert plan.parameters == {'T': {'a': 1}}
    assert [(r.resource_id, r.resource_extra_info)
            for r in db.plan_resources_get(ctx, [plan.id])] == [
        ('r1', {'az': 'az1'})]
    resources = db.plan_resources_update(
        ctx, plan.id, [{'id': 'r2', 'type': 'T', 'name': 'two'},
                       {'id': 'r3', 'type': 'T', 'name': 'three'}])
    assert [r.resource_id for r in resources] == ['r2', 'r3']
    assert [r.resource_id for r in db.plan_resources_get(ctx, [plan.id])
            ] == ['r2', 'r3']
    db.plan_destroy(ctx, plan.id)
    with pytest.raises(exception.PlanNotFound):
        db.plan_get(ctx, plan.id)
    deleted = db.plan_get(ctx, plan.id, read_deleted='yes')
    assert deleted.deleted and deleted.deleted_at is not None
    assert db.plan_resources_get(ctx, [plan.id]) == []


@pytest.mark.parametrize('create,update,destroy,get,not_found', [
    (db.restore_create, db.restore_update_resource_status,
     db.restore_destroy, db.restore_get, exception.RestoreNotFound),
    (db.verification_create, db.verification_update_resource_status,
     db.verification_destroy, db.verification_get,
     exception.VerificationNotFound)])
def test_resource_status_updates(sqlite_db, ctx, create, update, destroy,
                                 get, not_found):
    row = create(ctx, {'project_id': 'project', 'checkpoint_id': 'c',
                       'status': 'in_progress'})
    update(ctx, row.id, 'T#1', 'available')
    row = update(ctx, row.id, 'T#2', 'error', 'boom')
    assert row.resources_status == {'T#1': 'available', 'T#2': 'error'}
    assert row.resources_reason == {'T#2': 'boom'}
    destroy(ctx, row.id)
    with pytest.raises(not_found):
        get(ctx, row.id)


def test_records_are_core_rows(sqlite_db, ctx):
    """Every DB function gives records as read-only Core rows."""
    plan = db.plan_create(ctx, {'name': 'p', 'project_id': 'project',
                                'resources': [{'id': 'r', 'type': 'T'}]})
    trigger, svc, op = _operation(ctx)
    state = db.scheduled_operation_state_create(ctx, {
        'operation_id': op.id, 'service_id': svc.id, 'trust_id': 't',
        'state': 'registered'})
    rows = [plan, trigger, svc, op, state,
            db.plan_get(ctx, plan.id),
            db.plan_update(ctx, plan.id, {'name': 'q'}),
            db.scheduled_operation_state_get(ctx, op.id),
            db.scheduled_operation_state_update(ctx, op.id,
                                                {'state': 'running'}),
            db.trigger_execution_create(ctx, trigger.id,
                                        datetime.datetime(2030, 1, 1)),
            db.quota_set(ctx, 'project', 'plans', 5),
            db.quota_get(ctx, 'project', 'plans')]
    rows += db.plan_resources_get(ctx, [plan.id])
    rows += db.plan_get_all(ctx)
    rows += db.scheduled_operation_state_get_all_by_filters_sort(ctx)
    rows.append(db.plan_destroy(ctx, plan.id))
    assert {type(row) for row in rows} == {sa.engine.Row}
    assert rows[-1].deleted and rows[6].name == 'q'


def test_operation_log_filters(sqlite_db, ctx):
    for status in ('success', 'error', 'success'):
        db.operation_log_create(ctx, {'project_id': 'project',
                                      'operation_type': 'protect',
                                      'status': status})
    assert len(db.operation_log_get_all_by_project(
        ctx, 'project', filters={'status': 'success'})) == 2


def test_trigger_executions_compare_and_swap(sqlite_db, ctx):
    first = datetime.datetime(2030, 1, 1, 12)
    second = first + datetime.timedelta(hours=1)
    db.trigger_execution_create(ctx, 'trigger-b', second)
    execution = db.trigger_execution_create(ctx, 'trigger-a', first)
    assert db.trigger_execution_get_next(ctx).trigger_id == 'trigger-a'
    later = first + datetime.timedelta(hours=2)
    assert db.trigger_execution_update(ctx, execution.id, first, later)
    assert not db.trigger_execution_update(ctx, execution.id, first, later)
    assert db.trigger_execution_get_next(ctx).trigger_id == 'trigger-b'
    assert db.trigger_execution_delete(ctx, trigger_id='trigger-a')
    assert db.trigger_execution_get_by_trigger(ctx, 'trigger-a') is None


def _operation(ctx):
    trigger = db.trigger_create(ctx, {
        'name': 'every hour', 'project_id': 'project', 'type': 'time',
        'properties': {'pattern': 'FREQ=HOURLY', 'window': 900}})
    svc = db.service_create(ctx, {'host': 'h', 'binary': 'b',
                                  'report_count': 0})
    op = db.scheduled_operation_create(ctx, {
        'name': 'protect', 'operation_type': 'protect', 'user_id': 'user',
        'project_id': 'project', 'trigger_id': trigger.id,
        'operation_definition': {'plan_id': 'p', 'max_backups': 3}})
    return trigger, svc, op


def test_triggers_and_scheduled_operations(sqlite_db, ctx):
    trigger, svc, op = _operation(ctx)
    assert db.trigger_get(ctx, trigger.id).properties['window'] == 900
    found = db.trigger_get_all_by_project(
        ctx, 'project', filters={'properties': 'HOURLY'})
    assert [t.id for t in found] == [trigger.id]
    assert db.scheduled_operation_get(ctx, op.id).trigger_id == trigger.id
    assert db.scheduled_operation_get_all(
        ctx, filters={'trigger_id': trigger.id})[0].id == op.id
    db.scheduled_operation_state_create(ctx, {
        'operation_id': op.id, 'service_id': svc.id, 'trust_id': 't',
        'state': 'registered'})
    for state in ('success', 'failed', 'success', 'in_progress'):
        db.scheduled_operation_log_create(ctx, {'operation_id': op.id,
                                                'state': state})
    assert db.scheduled_operation_log_delete_oldest(
        ctx, op.id, 1, excepted_states=['in_progress']) == 2
    states = [log.state for log in
              db.scheduled_operation_log_get_all_by_filters_sort(
                  ctx, {'operation_id': op.id})]
    assert sorted(states) == ['in_progress', 'success']
    db.scheduled_operation_destroy(ctx, op.id)
    with pytest.raises(exception.ScheduledOperationNotFound):
        db.scheduled_operation_get(ctx, op.id)
    with pytest.raises(exception.ScheduledOperationStateNotFound):
        db.scheduled_operation_state_get(ctx, op.id)
    assert db.scheduled_operation_log_get_all_by_filters_sort(
        ctx, {'operation_id': op.id}) == []


def test_scheduled_operation_state_compare_and_swap(sqlite_db, ctx):
    _trigger, _svc, op = _operation(ctx)
    db.scheduled_operation_state_create(ctx, {
        'operation_id': op.id, 'service_id': _svc.id, 'trust_id': 't',
        'state': 'registered'})
    assert db.scheduled_operation_state_update(
        ctx, op.id, {'state': 'running'}, expected={'state': 'registered'})
    assert db.scheduled_operation_state_update(
        ctx, op.id, {'state': 'running'},
        expected={'state': 'registered'}) is None
    states = db.scheduled_operation_state_get_all_by_filters_sort(
        ctx, {'state': 'running'})
    assert [s.operation_id for s in states] == [op.id]


@pytest.fixture
def checkpoints(sqlite_db, ctx):
    day = datetime.datetime(2021, 3, 10, 8)
    rows = []
    for i in range(6):
        rows.append(db.checkpoint_record_create(ctx, {
            'project_id': 'project', 'provider_id': 'prov',
            'plan_id': 'plan-a' if i % 2 else 'plan-b',
            'status': 'available', 'created_at': day +
            datetime.timedelta(days=i // 2, minutes=i),
            'protection_plan': {'id': 'plan'}, 'resource_graph': '[]',
            'extra_info': {'created_by': 'manual'}}))
    return rows


def test_checkpoint_catalog_filters(checkpoints, ctx):
    def ids(**filters):
        return [c.id for c in db.checkpoint_record_get_all_by_project(
            ctx, 'project', filters=dict(filters, provider_id='prov'))]

    assert ids() == [c.id for c in reversed(checkpoints)]
    assert ids(plan_id='plan-a') == [checkpoints[5].id, checkpoints[3].id,
                                     checkpoints[1].id]
    assert ids(start_date='2021-03-11', end_date='2021-03-11') == [
        checkpoints[3].id, checkpoints[2].id]
    assert ids(start_date=datetime.date(2021, 3, 12)) == [
        checkpoints[5].id, checkpoints[4].id]
    assert ids(end_date=checkpoints[1].created_at) == [
        checkpoints[1].id, checkpoints[0].id]
    with pytest.raises(exception.InvalidInput):
        ids(start_date='yesterday')
    record = db.checkpoint_record_get(ctx, checkpoints[0].id)
    assert record.extra_info == {'created_by': 'manual'}


def test_checkpoint_catalog_update_and_delete(checkpoints, ctx):
    cid = checkpoints[0].id
    assert db.checkpoint_record_update(
        ctx, cid, {'status': 'deleting'}).status == 'deleting'
    db.checkpoint_record_destroy(ctx, cid)
    with pytest.raises(exception.CheckpointNotFound):
        db.checkpoint_record_get(ctx, cid)


def test_purge_deleted_rows(sqlite_db, ctx):
    old = db.plan_create(ctx, {'name': 'old', 'project_id': 'project',
                               'resources': [{'id': 'r', 'type': 'T',
                                              'name': 'n'}]})
    recent = db.plan_create(ctx, {'name': 'recent', 'project_id': 'project'})
    kept = db.plan_create(ctx, {'name': 'kept', 'project_id': 'project'})
    db.plan_destroy(ctx, old.id)
    db.plan_destroy(ctx, recent.id)
    long_ago = timeutils.utcnow() - datetime.timedelta(days=10)
    db.plan_update(ctx.elevated(read_deleted='yes'), old.id,
                   {'deleted_at': long_ago})
    counts = db.purge_deleted_rows(ctx, 5)
    assert counts['plans'] == 1
    ctx.read_deleted = 'yes'
    assert sorted(p.name for p in db.plan_get_all(ctx)) == ['kept', 'recent']
    assert db.purge_deleted_rows(ctx, 0)['plans'] == 1
    assert [p.id for p in db.plan_get_all(ctx)] == [kept.id]
    with pytest.raises(exception.InvalidInput):
        db.purge_deleted_rows(ctx, -1)
