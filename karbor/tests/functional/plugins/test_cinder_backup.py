"""CinderBackupProtectionPlugin: protect, restore, verify, delete on the
sandbox's Cinder, with a real checkpoint on a file-system bank."""

import pytest

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.services.protection.protection_plugins.volume import (
    cinder_backup)
from karbor.tests.functional.plugins import helpers

PLUGIN = 'karbor-volume-protection-plugin'
VOLUME = constants.VOLUME_RESOURCE_TYPE


def _protect(plugin, provider, ctx, volumes, parameters=None):
    resources = [helpers.volume_resource(v) for v in volumes]
    checkpoint = helpers.new_checkpoint(provider, ctx, resources)
    for resource in resources:
        helpers.run_hooks(plugin.get_protect_operation(resource), checkpoint,
                          resource, ctx, parameters, operation_log=None)
    return checkpoint, resources


def _backups(cinder, volume):
    return cinder.backups.list(search_opts={'volume_id': volume.id})


def _snapshots(cinder, volume):
    return cinder.volume_snapshots.list(search_opts={'volume_id': volume.id})


def _restore(plugin, ctx, checkpoint, resource, parameters=None):
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    new_resources = {}
    helpers.run_hooks(plugin.get_restore_operation(resource), checkpoint,
                      resource, ctx, parameters, operation_log=None,
                      restore=record, new_resources=new_resources)
    return record, new_resources


def _delete(plugin, ctx, checkpoint, resource):
    helpers.run_hooks(plugin.get_delete_operation(resource), checkpoint,
                      resource, ctx, operation_log=None)


def test_protect_restore_verify_delete(plugin, provider, ctx, cinder,
                                       sqlite_db):
    free = helpers.new_volume(cinder, 'free')
    used = helpers.new_volume(cinder, 'used')
    cinder.volumes.attach(used, '11111111-2222-4333-8444-555555555555',
                          '/dev/vdb')
    checkpoint, resources = _protect(plugin, provider, ctx, [free, used],
                                     {'backup_name': 'nightly',
                                      'force': True})
    for volume, resource in zip((free, used), resources):
        backups = _backups(cinder, volume)
        assert [(b.status, b.name) for b in backups] == [('available',
                                                          'nightly')]
        assert backups[0].snapshot_id  # made from the temporary snapshot
        assert _snapshots(cinder, volume) == []
        status, metadata = helpers.bank_state(checkpoint, resource)
        assert status == 'available'
        assert metadata['volume_id'] == volume.id
        assert metadata['backup_id'] == backups[0].id
        assert 'snapshot_id' not in metadata
        saved = plugin.get_saved_info(
            checkpoint.get_resource_bank_section(volume.id), resource)
        assert saved == {'name': 'nightly', 'is_incremental': False,
                         'status': 'available', 'progress': 1,
                         'fail_reason': None, 'size': 1,
                         'volume_id': volume.id}

    record, new_resources = _restore(plugin, ctx, checkpoint, resources[0])
    new_id = new_resources[free.id]
    restored = cinder.volumes.get(new_id)
    assert restored.status == 'available'
    assert restored.name == '%s@%s' % (checkpoint.id, free.id)
    record = objects.Restore.get_by_id(ctx, record.id)
    assert record.resources_status == {'%s#%s' % (VOLUME, new_id):
                                       'available'}

    verification = helpers.new_record(objects.Verification, ctx, checkpoint)
    helpers.run_hooks(plugin.get_verify_operation(resources[1]), checkpoint,
                      resources[1], ctx, operation_log=None,
                      verify=verification, new_resources={})
    verification = objects.Verification.get_by_id(ctx, verification.id)
    assert verification.resources_status == {'%s#%s' % (VOLUME, used.id):
                                             'available'}

    for volume, resource in zip((free, used), resources):
        _delete(plugin, ctx, checkpoint, resource)
        assert _backups(cinder, volume) == []
        assert helpers.bank_state(checkpoint, resource) == ('deleted', None)
    # deleting again is harmless
    _delete(plugin, ctx, checkpoint, resources[0])


def test_restore_name_description_and_target(plugin, provider, ctx, cinder,
                                             sqlite_db):
    volume = helpers.new_volume(cinder, 'src')
    checkpoint, (resource,) = _protect(plugin, provider, ctx, [volume])
    record, new_resources = _restore(
        plugin, ctx, checkpoint, resource,
        {'restore_name': 'copy', 'restore_description': 'from karbor'})
    restored = cinder.volumes.get(new_resources[volume.id])
    assert (restored.name, restored.description) == ('copy', 'from karbor')

    target = helpers.new_volume(cinder, 'target')
    record, new_resources = _restore(plugin, ctx, checkpoint, resource,
                                     {'volume_id': target.id})
    assert new_resources == {volume.id: target.id}
    target = cinder.volumes.get(target.id)
    assert target.status == 'available'
    assert target.name.startswith('target-')
    assert objects.Restore.get_by_id(ctx, record.id).resources_status == {
        '%s#%s' % (VOLUME, target.id): 'available'}


def test_auto_mode_is_incremental_after_the_first(plugin, provider, ctx,
                                                  cinder):
    volume = helpers.new_volume(cinder, 'growing')
    first, (resource,) = _protect(plugin, provider, ctx, [volume])
    second, _ = _protect(plugin, provider, ctx, [volume])
    full, _ = _protect(plugin, provider, ctx, [volume],
                       {'backup_mode': 'full'})
    by_id = {b.id: b for b in _backups(cinder, volume)}
    modes = [by_id[helpers.bank_state(cp, resource)[1]['backup_id']]
             .is_incremental for cp in (first, second, full)]
    assert modes == [False, True, False]
    assert helpers.bank_state(second, resource)[1]['is_incremental']
    for checkpoint in (full, second, first):
        _delete(plugin, ctx, checkpoint, resource)
    assert _backups(cinder, volume) == []


def test_without_snapshot(tmp_path, cloud, ctx, cinder):
    provider = helpers.make_provider(tmp_path, PLUGIN, cinder_backup.GROUP,
                                     'backup_from_snapshot = False')
    plugin = provider.load_plugins()[VOLUME]
    volume = helpers.new_volume(cinder, 'direct')
    with pytest.raises(exception.ProtectResourceFailed,
                       match='No backups available'):
        _protect(plugin, provider, ctx, [volume],
                 {'backup_mode': 'incremental'})
    checkpoint, (resource,) = _protect(plugin, provider, ctx, [volume])
    (backup,) = _backups(cinder, volume)
    assert backup.snapshot_id is None and backup.status == 'available'
    assert helpers.bank_state(checkpoint, resource)[0] == 'available'


def test_failed_backup_reports_reason_and_cleans_up(plugin, provider, ctx,
                                                    cinder, sandbox):
    volume = helpers.new_volume(cinder, 'doomed')
    sandbox.inject_fault(service='volume', operation='backup',
                         resource_id=volume.id, action='error',
                         message='disk on fire')
    with pytest.raises(exception.ProtectResourceFailed,
                       match='status error: disk on fire') as err:
        _protect(plugin, provider, ctx, [volume])
    assert volume.id in str(err.value)
    assert _snapshots(cinder, volume) == []
    assert _backups(cinder, volume) == []  # the revert removed it
    assert cinder.volumes.get(volume.id).status == 'available'


def test_deleted_volume_is_named(plugin, provider, ctx, cinder):
    volume = helpers.new_volume(cinder, 'gone')
    cinder.volumes.delete(volume)
    helpers.wait_until(lambda: not cinder.volumes.list(
        search_opts={'name': volume.name}))
    with pytest.raises(exception.ProtectResourceFailed) as err:
        _protect(plugin, provider, ctx, [volume])
    assert 'volume %s does not exist' % volume.id in str(err.value)


def test_verify_missing_backup_fails(plugin, provider, ctx, cinder,
                                     sqlite_db):
    volume = helpers.new_volume(cinder, 'checked')
    checkpoint, (resource,) = _protect(plugin, provider, ctx, [volume])
    backup_id = helpers.bank_state(checkpoint, resource)[1]['backup_id']
    cinder.backups.delete(backup_id)
    helpers.wait_until(lambda: _backups(cinder, volume) == [])
    verification = helpers.new_record(objects.Verification, ctx, checkpoint)
    with pytest.raises(exception.VerifyResourceFailed,
                       match='does not exist'):
        helpers.run_hooks(plugin.get_verify_operation(resource), checkpoint,
                          resource, ctx, operation_log=None,
                          verify=verification, new_resources={})
    verification = objects.Verification.get_by_id(ctx, verification.id)
    key = '%s#%s' % (VOLUME, volume.id)
    assert verification.resources_status == {key: 'error'}
    assert backup_id in verification.resources_reason[key]


def test_failed_restore_is_reported(plugin, provider, ctx, cinder, sandbox,
                                    sqlite_db):
    volume = helpers.new_volume(cinder, 'orig')
    checkpoint, (resource,) = _protect(plugin, provider, ctx, [volume])
    backup_id = helpers.bank_state(checkpoint, resource)[1]['backup_id']
    sandbox.inject_fault(service='volume', operation='restore',
                         resource_id=backup_id, action='error')
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    new_resources = {}
    with pytest.raises(exception.RestoreResourceFailed,
                       match='error_restoring'):
        helpers.run_hooks(plugin.get_restore_operation(resource), checkpoint,
                          resource, ctx, operation_log=None, restore=record,
                          new_resources=new_resources)
    assert new_resources == {}
    record = objects.Restore.get_by_id(ctx, record.id)
    ((key, value),) = record.resources_status.items()
    assert value == 'error' and key != '%s#%s' % (VOLUME, volume.id)
    assert 'error_restoring' in record.resources_reason[key]


def test_rerun_hooks_reuse_what_was_made(plugin, provider, ctx, cinder):
    """A restarted worker re-runs unfinished hooks with new operations."""
    volume = helpers.new_volume(cinder, 'resumed')
    resource = helpers.volume_resource(volume)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    first = plugin.get_protect_operation(resource)
    first.on_prepare_finish(checkpoint, resource, ctx, {},
                            operation_log=None)
    (snapshot,) = _snapshots(cinder, volume)
    again = provider.load_plugins()[VOLUME].get_protect_operation(resource)
    again.on_prepare_finish(checkpoint, resource, ctx, {},
                            operation_log=None)
    assert [s.id for s in _snapshots(cinder, volume)] == [snapshot.id]
    again.on_main(checkpoint, resource, ctx, {}, operation_log=None)
    (backup,) = _backups(cinder, volume)
    assert backup.snapshot_id == snapshot.id
    # main ran to its end but the task was not recorded as done
    metadata = helpers.bank_state(checkpoint, resource)[1]
    checkpoint.get_resource_bank_section(volume.id).update_object(
        'metadata', dict(metadata, snapshot_id=snapshot.id))
    again.on_main(checkpoint, resource, ctx, {}, operation_log=None)
    assert [b.id for b in _backups(cinder, volume)] == [backup.id]
    assert _snapshots(cinder, volume) == []


def test_full_backup_with_incremental_children_cannot_go_first(
        plugin, provider, ctx, cinder):
    volume = helpers.new_volume(cinder, 'chain')
    first, (resource,) = _protect(plugin, provider, ctx, [volume])
    second, _ = _protect(plugin, provider, ctx, [volume])
    with pytest.raises(exception.DeleteResourceFailed,
                       match='Incremental backups exist'):
        _delete(plugin, ctx, first, resource)
    assert helpers.bank_state(first, resource)[0] == 'error'
    _delete(plugin, ctx, second, resource)
    _delete(plugin, ctx, first, resource)
    assert _backups(cinder, volume) == []


def test_saved_info_without_metadata(plugin, provider, ctx, cinder):
    volume = helpers.new_volume(cinder, 'never')
    resource = helpers.volume_resource(volume)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    section = checkpoint.get_resource_bank_section(volume.id)
    assert plugin.get_saved_info(section, resource) is None


def test_restore_plan_of_a_volume(plugin, provider, ctx, cinder, sqlite_db):
    volume = helpers.new_volume(cinder, 'src', size=3)
    checkpoint, (resource,) = _protect(plugin, provider, ctx, [volume])
    step = helpers.plan_step(plugin, ctx, checkpoint, resource)
    assert (step.name, step.target, step.details, step.conflicts) == (
        '%s@%s' % (checkpoint.id, volume.id), 'project %s' % ctx.project_id,
        {'size_gb': 3}, [])
    step = helpers.plan_step(plugin, ctx, checkpoint, resource,
                             {'restore_name': volume.name})
    assert [kind for kind, _message in step.conflicts] == ['name_in_use']

    # Into a volume: it keeps its name; it must exist and be available.
    target = helpers.new_volume(cinder, 'target')
    step = helpers.plan_step(plugin, ctx, checkpoint, resource,
                             {'volume_id': target.id})
    assert (step.name, step.target, step.conflicts) == (
        None, 'volume %s' % target.id, [])
    cinder.volumes.delete(target.id)
    helpers.wait_until(lambda: not cinder.volumes.list(
        search_opts={'name': target.name}))
    step = helpers.plan_step(plugin, ctx, checkpoint, resource,
                             {'volume_id': target.id})
    assert [kind for kind, _message in step.conflicts] == ['missing']
