"""Karbor versioned objects on a SQLite database."""

import datetime

import pytest

from karbor import exception
from karbor import objects

objects.register_all()


def _plan(ctx, **kw):
    values = dict(name='plan', project_id=ctx.project_id,
                  provider_id='prov', status='suspended',
                  parameters={'OS::Nova::Server': {'force': True}},
                  resources=[{'id': 'vm', 'type': 'OS::Nova::Server',
                              'name': 'vm1', 'extra_info': {'az': 'az1'}}])
    values.update(kw)
    plan = objects.Plan(context=ctx, **values)
    plan.create()
    return plan


def test_plan_lifecycle(sqlite_db, ctx):
    plan = _plan(ctx)
    assert plan.id and plan.created_at.tzinfo is not None
    loaded = objects.Plan.get_by_id(ctx, plan.id)
    assert loaded.parameters == {'OS::Nova::Server': {'force': True}}
    assert loaded.resources == plan.resources
    assert loaded['name'] == 'plan'
    loaded.resources = [{'id': 'v', 'type': 'OS::Cinder::Volume',
                         'name': 'vol'}]
    loaded.name = 'renamed'
    loaded.save()
    again = objects.Plan.get_by_id(ctx, plan.id)
    assert again.name == 'renamed'
    plan.refresh()
    assert plan.name == 'renamed' and not plan.obj_what_changed()
    assert again.resources == [{'id': 'v', 'type': 'OS::Cinder::Volume',
                                'name': 'vol', 'extra_info': {}}]
    again.destroy()
    assert again.deleted
    with pytest.raises(exception.PlanNotFound):
        objects.Plan.get_by_id(ctx, plan.id)


def test_plan_fields_are_validated(ctx):
    with pytest.raises(ValueError):
        objects.Plan(context=ctx, parameters=['not', 'a', 'dict'])
    with pytest.raises(ValueError):
        objects.Trigger(context=ctx, properties={'when': object()})


def test_plan_lists(sqlite_db, ctx, admin_ctx):
    for i in range(3):
        _plan(ctx, name='p%d' % i)
    _plan(admin_ctx, name='admin', project_id='other')
    mine = objects.PlanList.get_all_by_project(ctx, ctx.project_id, None, 2,
                                               sort_keys=['name'],
                                               sort_dirs=['asc'])
    assert [p.name for p in mine] == ['p0', 'p1']
    rest = objects.PlanList.get_all_by_project(ctx, ctx.project_id,
                                               mine[-1].id, 10,
                                               sort_keys=['name'],
                                               sort_dirs=['asc'])
    assert [p.name for p in rest] == ['p2']
    everything = objects.PlanList.get_all(admin_ctx, None, None,
                                          filters={'name': ['p1', 'admin']})
    assert sorted(p.name for p in everything) == ['admin', 'p1']


@pytest.mark.parametrize('cls,list_cls', [
    (objects.Restore, objects.RestoreList),
    (objects.Verification, objects.VerificationList)])
def test_resource_status(sqlite_db, ctx, cls, list_cls):
    obj = cls(context=ctx, project_id=ctx.project_id, provider_id='prov',
              checkpoint_id='cp', parameters={}, status='in_progress')
    obj.create()
    obj.update_resource_status('OS::Cinder::Volume', 'v1', 'available')
    obj.update_resource_status('OS::Nova::Server', 's1', 'error', 'boom')
    obj.status = 'fail'
    obj.save()
    loaded = cls.get_by_id(ctx, obj.id)
    assert loaded.resources_status == {
        'OS::Cinder::Volume#v1': 'available', 'OS::Nova::Server#s1': 'error'}
    assert loaded.resources_reason == {'OS::Nova::Server#s1': 'boom'}
    assert loaded.status == 'fail'
    listed = list_cls.get_all_by_project(
        ctx, ctx.project_id, None, 10, filters={'status': 'fail'})
    assert [o.id for o in listed] == [obj.id]


def test_operation_log(sqlite_db, ctx):
    started = datetime.datetime(2021, 1, 1, 10, tzinfo=datetime.timezone.utc)
    log = objects.OperationLog(context=ctx, project_id=ctx.project_id,
                               operation_type='protect', status='protecting',
                               checkpoint_id='cp', started_at=started)
    log.create()
    log.status = 'available'
    log.ended_at = started + datetime.timedelta(minutes=5)
    log.save()
    loaded = objects.OperationLogList.get_all(
        ctx, filters={'checkpoint_id': 'cp'})[0]
    assert loaded.status == 'available' and loaded.started_at == started
    assert loaded.ended_at - loaded.started_at == datetime.timedelta(
        minutes=5)


def _trigger_and_operation(ctx):
    trigger = objects.Trigger(context=ctx, name='hourly', type='time',
                              project_id=ctx.project_id,
                              properties={'pattern': 'FREQ=HOURLY',
                                          'format': 'calendar',
                                          'window': 900})
    trigger.create()
    operation = objects.ScheduledOperation(
        context=ctx, name='op', operation_type='protect', user_id='user',
        project_id=ctx.project_id, trigger_id=trigger.id,
        operation_definition={'plan_id': 'p', 'provider_id': 'v',
                              'max_backups': 3})
    operation.create()
    return trigger, operation


def test_trigger_and_scheduled_operation(sqlite_db, ctx):
    trigger, operation = _trigger_and_operation(ctx)
    loaded = objects.ScheduledOperation.get_by_id(ctx, operation.id,
                                                  ['trigger'])
    assert loaded.enabled is True
    assert loaded.trigger.properties['window'] == 900
    assert loaded.operation_definition['max_backups'] == 3
    assert [t.id for t in objects.TriggerList.get_all_by_project(
        ctx, ctx.project_id)] == [trigger.id]
    assert [o.id for o in objects.ScheduledOperationList.get_all(
        ctx, filters={'trigger_id': trigger.id})] == [operation.id]
    operation.destroy()
    trigger.destroy()
    with pytest.raises(exception.TriggerNotFound):
        objects.Trigger.get_by_id(ctx, trigger.id)


def test_scheduled_operation_state_and_logs(sqlite_db, ctx):
    _trigger, operation = _trigger_and_operation(ctx)
    service = objects.Service(context=ctx, host='h',
                              binary='karbor-operationengine',
                              topic='karbor-operationengine', report_count=0)
    service.create()
    state = objects.ScheduledOperationState(
        context=ctx, operation_id=operation.id, service_id=service.id,
        trust_id='trust', state='registered')
    state.create()
    state.state = 'running'
    assert state.conditional_save({'state': 'registered'})
    other = objects.ScheduledOperationState.get_by_operation_id(
        ctx, operation.id, ['operation'])
    assert other.operation.name == 'op'
    other.state = 'running'
    assert not other.conditional_save({'state': 'registered'})
    listed = objects.ScheduledOperationStateList.get_by_filters(
        ctx, {'service_id': service.id}, columns_to_join=['operation'])
    assert [s.state for s in listed] == ['running']
    for result in ('success', 'failed', 'success'):
        objects.ScheduledOperationLog(context=ctx, operation_id=operation.id,
                                      state=result).create()
    objects.ScheduledOperationLog.destroy_oldest(ctx, operation.id, 2)
    logs = objects.ScheduledOperationLogList.get_by_filters(
        ctx, {'operation_id': operation.id})
    assert len(logs) == 2
    state.destroy()
    with pytest.raises(exception.ScheduledOperationStateNotFound):
        objects.ScheduledOperationState.get_by_operation_id(ctx,
                                                            operation.id)


def test_service(sqlite_db, admin_ctx):
    service = objects.Service(context=admin_ctx, host='h',
                              binary='karbor-protection',
                              topic='karbor-protection', report_count=0)
    service.create()
    found = objects.Service.get_by_host_and_binary(admin_ctx, 'h',
                                                   'karbor-protection')
    found.report_count += 1
    found.save()
    assert objects.Service.get_by_id(admin_ctx, service.id).report_count == 1
    assert [s.id for s in objects.ServiceList.get_all(
        admin_ctx, {'binary': 'karbor-protection'})] == [service.id]
    with pytest.raises(exception.HostBinaryNotFound):
        objects.Service.get_by_host_and_binary(admin_ctx, 'h', 'other')


def test_checkpoint_records(sqlite_db, ctx):
    created = datetime.datetime(2022, 5, 1, 12, 30,
                                tzinfo=datetime.timezone.utc)
    record = objects.CheckpointRecord(
        context=ctx, project_id=ctx.project_id, provider_id='prov',
        plan_id='plan', status='protecting', created_at=created,
        protection_plan={'id': 'plan', 'name': 'n', 'resources': []},
        extra_info={'created_by': 'manual'})
    record.create()
    record.status = 'available'
    record.resource_graph = '[{"0x0": ["OS::Nova::Server", "id", "vm"]}]'
    record.save()
    listed = objects.CheckpointRecordList.get_all_by_project(
        ctx, ctx.project_id, None, 50,
        filters={'provider_id': 'prov', 'start_date': '2022-05-01',
                 'end_date': '2022-05-01'})
    assert [r.id for r in listed] == [record.id]
    assert listed[0].created_at == created
    assert listed[0].resource_graph.startswith('[{')
    record.destroy()
    with pytest.raises(exception.CheckpointNotFound):
        objects.CheckpointRecord.get_by_id(ctx, record.id)
