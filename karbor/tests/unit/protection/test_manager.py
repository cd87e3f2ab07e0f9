"""The protection manager's checkpoint, restore, verify and copy operations.

A real ProtectionManager on SQLite, file-system banks and real flows; only
RPC is skipped (methods are called directly).
"""

import textwrap
import time

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_messaging.rpc import dispatcher
import pytest

from karbor.common import constants
from karbor import context
from karbor.db import api as db_api
from karbor import exception
from karbor import objects
from karbor import quota
from karbor.services.protection.flows import persistence
from karbor.services.protection import manager as protection_manager
from karbor.tests import dbfixtures
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401

CONF = cfg.CONF
NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'
RECORDER = '3a5b1f6e-1d3c-4b8e-9a51-7c2d6e4f8a90'
VOLUME = constants.VOLUME_RESOURCE_TYPE


def provider_file(path, provider_id, name, plugin):
    path.write_text(textwrap.dedent("""\
        [provider]
        name = %s
        id = %s
        plugin = %s
        bank = karbor-fs-bank-plugin
        enabled = True
        [file_system_bank_plugin]
        file_system_bank_path = banks/%s
        """ % (name, provider_id, plugin, provider_id)))


class Unwrapped(object):
    """Calls the manager as the RPC dispatcher would: expected exceptions
    come out as themselves."""

    def __init__(self, manager):
        self._manager = manager

    def __getattr__(self, name):
        attr = getattr(self._manager, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            try:
                return attr(*args, **kwargs)
            except dispatcher.ExpectedException as wrapped:
                raise wrapped.exc_info[1]
        return call


@pytest.fixture
def manager(tmp_path, sqlite_db, hook_recorder):  # noqa: F811
    objects.register_all()
    providers = tmp_path / 'providers.d'
    providers.mkdir()
    provider_file(providers / 'noop.conf', NOOP, 'No-Op',
                  'karbor-noop-protection-plugin')
    provider_file(providers / 'recorder.conf', RECORDER, 'Recorder',
                  'karbor-hook-recorder-plugin')
    CONF.set_override('state_path', str(tmp_path))
    CONF.set_override('provider_config_dir', str(providers))
    CONF.set_override('flow_persistence_connection',
                      'sqlite:///%s' % (tmp_path / 'flows.sqlite'),
                      group='protection')
    mgr = protection_manager.ProtectionManager(host='test-host')
    yield Unwrapped(mgr)
    mgr.runner.shutdown()
    persistence.close_backends()


@pytest.fixture
def ctx():
    return context.RequestContext(user_id='user', project_id='project-a',
                                  is_admin=False)


def make_plan(ctx, provider_id, count=1, parameters=None):
    plan = objects.Plan(
        context=ctx, name='plan', description=None, provider_id=provider_id,
        project_id=ctx.project_id, status=constants.PLAN_STATUS_SUSPENDED,
        parameters=parameters or {},
        resources=[{'id': 'vol-%d' % i, 'type': VOLUME,
                    'name': 'volume%d' % i} for i in range(count)])
    plan.create()
    return plan


def wait_for(getter, statuses, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = getter()
        if value in statuses:
            return value
        time.sleep(0.02)
    raise AssertionError('still %r after %ss' % (getter(), timeout))


def checkpoint_status(ctx, checkpoint_id):
    return objects.CheckpointRecord.get_by_id(ctx, checkpoint_id).status


def protect(manager, ctx, plan, final=('available', 'error')):
    view = manager.protect(ctx, plan)
    assert view['status'] == constants.CHECKPOINT_STATUS_PROTECTING
    wait_for(lambda: checkpoint_status(ctx, view['id']), final)
    return view['id']


def test_protect_ends_available_with_graph_and_logs(manager, ctx):
    plan = make_plan(ctx, NOOP, count=2)
    checkpoint_id = protect(manager, ctx, plan)
    shown = manager.show_checkpoint(ctx, NOOP, checkpoint_id)
    assert shown['status'] == 'available'
    assert VOLUME in shown['resource_graph']
    assert shown['extra_info']['created_by'] == 'manual'
    listed = manager.list_checkpoints(ctx, NOOP)
    assert [c['id'] for c in listed] == [checkpoint_id]
    logs = objects.OperationLogList.get_all(
        ctx, filters={'checkpoint_id': checkpoint_id})
    assert [(log.operation_type, log.status) for log in logs] == [
        ('protect', 'success')]
    assert logs[0].ended_at is not None


def test_failed_create_leaves_nothing(manager, ctx, tmp_path, monkeypatch):
    """A database failure while the checkpoint is recorded rolls back its
    quota usage and catalog row, and removes what reached the bank."""
    plan = make_plan(ctx, NOOP)

    def broken_insert(self):
        raise db_exc.DBConnectionError('injected failure')
    monkeypatch.setattr(objects.OperationLog, 'create', broken_insert)
    with pytest.raises(db_exc.DBConnectionError):
        manager.protect(ctx, plan)
    monkeypatch.undo()
    bank = tmp_path / 'banks' / NOOP
    assert [p for p in bank.rglob('*') if p.is_file()] == []
    assert manager.list_checkpoints(ctx, NOOP) == []
    usage = quota.QUOTAS.get_project_quotas(ctx, ctx.project_id)
    assert usage['checkpoints']['in_use'] == 0
    # And the next create works.
    assert protect(manager, ctx, plan)


def test_failing_resource_ends_in_error_with_reason(manager, ctx):
    plan = make_plan(ctx, RECORDER, count=2,
                     parameters={VOLUME + '#vol-1': {'fail_on': 'on_main'}})
    checkpoint_id = protect(manager, ctx, plan)
    assert checkpoint_status(ctx, checkpoint_id) == 'error'

    def log_status():
        return objects.OperationLogList.get_all(
            ctx, filters={'checkpoint_id': checkpoint_id})[0].status

    # The log closes just after the checkpoint's status is set.
    assert wait_for(log_status, ('error', 'success')) == 'error'
    log = objects.OperationLogList.get_all(
        ctx, filters={'checkpoint_id': checkpoint_id})[0]
    assert 'vol-1' in log.error_info


def test_extra_info_of_scheduled_run_is_kept(manager, ctx):
    plan = make_plan(ctx, NOOP)
    view = manager.protect(ctx, plan, {'extra_info': {
        'created_by': constants.OPERATION_ENGINE,
        'scheduled_operation_id': 'op-1'}})
    assert view['extra_info']['created_by'] == 'operation-engine'
    wait_for(lambda: checkpoint_status(ctx, view['id']), ('available',))
    log = objects.OperationLogList.get_all(
        ctx, filters={'checkpoint_id': view['id']})[0]
    assert log.scheduled_operation_id == 'op-1'
    assert log.operation_type == 'protect'


def test_protect_many_answers_each_request_for_its_own_requester(
        manager, ctx, monkeypatch):
    """One item's failure (an unknown provider, an unexpected error) is
    its answer alone; each checkpoint belongs to its item's project."""
    other = context.RequestContext(user_id='user-b', project_id='project-b',
                                   is_admin=False)
    plans = [make_plan(ctx, NOOP), make_plan(other, NOOP)]
    lost = dict(make_plan(ctx, NOOP), provider_id='no-such-provider')
    broken = make_plan(ctx, RECORDER)
    real_protect = manager._protect

    def protect_or_break(c, plan, properties):
        if plan['id'] == broken.id:
            raise RuntimeError('secret internals')
        return real_protect(c, plan, properties)
    monkeypatch.setattr(manager._manager, '_protect', protect_or_break)
    items = [(ctx, plans[0]), (other, plans[1]), (ctx, lost), (ctx, broken)]
    results = manager.protect_many(context.get_admin_context(), [
        {'context': c.to_dict(), 'plan': dict(plan),
         'checkpoint_properties': {'extra_info': {'run': str(number)}}}
        for number, (c, plan) in enumerate(items)])
    made = [result['checkpoint'] for result in results[:2]]
    for view, c in zip(made, (ctx, other)):
        wait_for(lambda: checkpoint_status(c, view['id']), ('available',))
        record = objects.CheckpointRecord.get_by_id(c, view['id'])
        assert record.project_id == c.project_id
    assert [view['extra_info']['run'] for view in made] == ['0', '1']
    assert 'no-such-provider' in results[2]['error']
    assert 'secret' not in results[3]['error']
    assert 'unexpectedly' in results[3]['error']
    assert len(manager.list_checkpoints(ctx, NOOP)) == 1


def test_delete_marks_deleted_and_hides_from_list(manager, ctx):
    checkpoint_id = protect(manager, ctx, make_plan(ctx, RECORDER))
    manager.delete(ctx, RECORDER, checkpoint_id)
    wait_for(lambda: checkpoint_status(ctx, checkpoint_id), ('deleted',))
    assert manager.list_checkpoints(ctx, RECORDER) == []
    assert manager.show_checkpoint(ctx, RECORDER,
                                   checkpoint_id)['status'] == 'deleted'
    with pytest.raises(exception.CheckpointNotBeDeleted):
        manager.delete(ctx, RECORDER, checkpoint_id)
    types = [log.operation_type for log in objects.OperationLogList.get_all(
        ctx, filters={'checkpoint_id': checkpoint_id})]
    assert sorted(types) == ['delete', 'protect']


def test_other_projects_checkpoints_are_invisible(manager, ctx):
    checkpoint_id = protect(manager, ctx, make_plan(ctx, NOOP))
    other = context.RequestContext(user_id='u2', project_id='project-b',
                                   is_admin=False)
    with pytest.raises(exception.CheckpointNotFound):
        manager.show_checkpoint(other, NOOP, checkpoint_id)
    with pytest.raises(exception.CheckpointNotFound):
        manager.delete(other, NOOP, checkpoint_id)
    assert manager.list_checkpoints(other, NOOP) == []
    with pytest.raises(exception.CheckpointNotFound):
        manager.restore(other, {'provider_id': NOOP,
                                'checkpoint_id': checkpoint_id})


def test_reset_state(manager, ctx):
    checkpoint_id = protect(manager, ctx, make_plan(ctx, NOOP))
    manager.reset_state(ctx, NOOP, checkpoint_id, 'error')
    assert checkpoint_status(ctx, checkpoint_id) == 'error'
    assert manager.show_checkpoint(ctx, NOOP,
                                   checkpoint_id)['status'] == 'error'


def test_restore_success_and_bad_parameters(manager, ctx):
    checkpoint_id = protect(manager, ctx, make_plan(ctx, RECORDER))
    with pytest.raises(exception.InvalidInput):
        manager.restore(ctx, {'provider_id': RECORDER,
                              'checkpoint_id': checkpoint_id,
                              'parameters': {VOLUME: {'nope': 1}}})
    assert len(objects.RestoreList.get_all(ctx)) == 0
    restore = manager.restore(ctx, {'provider_id': RECORDER,
                                    'checkpoint_id': checkpoint_id,
                                    'parameters': {}})
    assert restore.status == 'in_progress'
    wait_for(lambda: objects.Restore.get_by_id(ctx, restore.id).status,
             ('success', 'fail'))
    done = objects.Restore.get_by_id(ctx, restore.id)
    assert done.status == 'success'
    assert done.resources_status


def test_restore_needs_an_available_checkpoint(manager, ctx):
    plan = make_plan(ctx, RECORDER,
                     parameters={VOLUME: {'fail_on': 'on_main'}})
    checkpoint_id = protect(manager, ctx, plan)
    with pytest.raises(exception.CheckpointNotAvailable):
        manager.restore(ctx, {'provider_id': RECORDER,
                              'checkpoint_id': checkpoint_id})
    with pytest.raises(exception.ProviderNotFoundAsInput):
        manager.restore(ctx, {'provider_id': NOOP.replace('b', 'c'),
                              'checkpoint_id': checkpoint_id})


def test_verification(manager, ctx):
    checkpoint_id = protect(manager, ctx, make_plan(ctx, RECORDER))
    verification = manager.verification(ctx, {
        'provider_id': RECORDER, 'checkpoint_id': checkpoint_id})
    wait_for(lambda: objects.Verification.get_by_id(
        ctx, verification.id).status, ('success',))


def orphan_checkpoint(manager, ctx):
    """A protecting checkpoint without a flow: ``(provider, checkpoint)``."""
    plan = make_plan(ctx, NOOP)
    provider = manager.provider_registry.show_provider(NOOP)
    return provider, provider.checkpoint_store.create(
        ctx, {'id': plan.id, 'name': plan.name, 'provider_id': NOOP,
              'project_id': ctx.project_id, 'resources': plan.resources},
        'protecting')


def test_orphaned_records_are_failed(manager, ctx):
    provider, checkpoint = orphan_checkpoint(manager, ctx)
    manager.recovery.fail_orphans([], grace=0)
    assert checkpoint_status(ctx, checkpoint.id) == 'error'
    assert provider.checkpoint_collection.get(
        checkpoint.id).status == 'error'


def test_orphans_whose_cancel_was_asked_for_end_cancelled(manager, ctx):
    """A worker died after recording operations and before their flows
    were saved; their cancel was requested meanwhile."""
    provider, checkpoint = orphan_checkpoint(manager, ctx)
    restore = objects.Restore(
        context=ctx, project_id=ctx.project_id, provider_id=NOOP,
        checkpoint_id=checkpoint.id, parameters={}, status='in_progress')
    restore.create()
    log = objects.OperationLog(
        context=ctx, project_id=ctx.project_id, operation_type='restore',
        checkpoint_id=checkpoint.id, restore_id=restore.id,
        status='in_progress')
    log.create()
    for op_id, kind in ((checkpoint.id, 'checkpoint'),
                        (restore.id, 'restore')):
        db_api.operation_cancel_request(ctx, op_id, ctx.project_id, kind,
                                        'canceller')
    manager.recovery.fail_orphans([], grace=0)
    assert checkpoint_status(ctx, checkpoint.id) == 'cancelled'
    stored = provider.checkpoint_collection.get(checkpoint.id)
    assert stored.status == 'cancelled'
    assert stored.extra_info['cancelled_by'] == 'canceller'
    assert stored.extra_info['cancelled_operation'] == 'protect'
    assert objects.Restore.get_by_id(ctx, restore.id).status == 'cancelled'
    ended = objects.OperationLog.get_by_id(ctx, log.id)
    assert ended.status == 'cancelled'
    assert ended.error_info.startswith('Cancelled before it ran')


def test_catalog_rebuild_from_bank(manager, ctx, tmp_path):
    checkpoint_id = protect(manager, ctx, make_plan(ctx, NOOP))
    # The bank moves to a fresh installation: an empty catalog.
    with dbfixtures.configured('sqlite:///%s' % (tmp_path / 'fresh.sqlite')):
        with pytest.raises(exception.NotFound):
            objects.CheckpointRecord.get_by_id(ctx, checkpoint_id)
        provider = manager.provider_registry.show_provider(NOOP)
        assert provider.checkpoint_store.rebuild_catalog(ctx) == (
            {'available': 1}, [])
        assert checkpoint_status(ctx, checkpoint_id) == 'available'
        assert [c['id'] for c in manager.list_checkpoints(ctx, NOOP)] == [
            checkpoint_id]

