"""VolumeSnapshotProtectionPlugin on the sandbox's Cinder, with a real
checkpoint on a file-system bank."""

import pytest

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.tests.functional.plugins import helpers

PLUGIN = 'karbor-volume-snapshot-plugin'
VOLUME = constants.VOLUME_RESOURCE_TYPE


def _protect(plugin, provider, ctx, volume, parameters=None):
    resource = helpers.volume_resource(volume)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    helpers.run_hooks(plugin.get_protect_operation(resource), checkpoint,
                      resource, ctx, parameters, operation_log=None)
    return checkpoint, resource


def _snapshots(cinder, volume):
    return cinder.volume_snapshots.list(search_opts={'volume_id': volume.id})


def test_protect_restore_verify_delete(plugin, provider, ctx, cinder,
                                       sqlite_db):
    volume = helpers.new_volume(cinder, 'snapped', size=2)
    checkpoint, resource = _protect(
        plugin, provider, ctx, volume,
        {'snapshot_name': 'daily', 'description': 'by karbor',
         'force': False})
    (snapshot,) = _snapshots(cinder, volume)
    assert (snapshot.name, snapshot.description, snapshot.status) == (
        'daily', 'by karbor', 'available')
    assert helpers.bank_state(checkpoint, resource) == (
        'available', {'volume_id': volume.id, 'snapshot_id': snapshot.id,
                      'size': 2})

    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    new_resources = {}
    helpers.run_hooks(plugin.get_restore_operation(resource), checkpoint,
                      resource, ctx, operation_log=None, restore=record,
                      new_resources=new_resources)
    restored = cinder.volumes.get(new_resources[volume.id])
    assert restored.name == '%s@%s' % (checkpoint.id, volume.id)
    assert (restored.status, restored.size) == ('available', 2)
    assert restored.snapshot_id == snapshot.id
    assert objects.Restore.get_by_id(ctx, record.id).resources_status == {
        '%s#%s' % (VOLUME, restored.id): 'available'}

    verification = helpers.new_record(objects.Verification, ctx, checkpoint)
    helpers.run_hooks(plugin.get_verify_operation(resource), checkpoint,
                      resource, ctx, operation_log=None, verify=verification,
                      new_resources={})
    assert objects.Verification.get_by_id(
        ctx, verification.id).resources_status == {
        '%s#%s' % (VOLUME, volume.id): 'available'}

    # the restored volume depends on the snapshot; free it first
    cinder.volumes.delete(restored)
    helpers.wait_until(lambda: restored.id not in {
        v.id for v in cinder.volumes.list()})
    helpers.run_hooks(plugin.get_delete_operation(resource), checkpoint,
                      resource, ctx, operation_log=None)
    assert _snapshots(cinder, volume) == []
    assert helpers.bank_state(checkpoint, resource) == ('deleted', None)


def test_restore_name_and_description(plugin, provider, ctx, cinder,
                                      sqlite_db):
    volume = helpers.new_volume(cinder, 'src')
    checkpoint, resource = _protect(plugin, provider, ctx, volume)
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    new_resources = {}
    helpers.run_hooks(plugin.get_restore_operation(resource), checkpoint,
                      resource, ctx, {'restore_name': 'again',
                                      'restore_description': 'copy'},
                      operation_log=None, restore=record,
                      new_resources=new_resources)
    restored = cinder.volumes.get(new_resources[volume.id])
    assert (restored.name, restored.description) == ('again', 'copy')


def test_attached_volume_needs_force(plugin, provider, ctx, cinder):
    volume = helpers.new_volume(cinder, 'busy')
    cinder.volumes.attach(volume, '11111111-2222-4333-8444-555555555555',
                          '/dev/vdc')
    with pytest.raises(exception.ProtectResourceFailed) as err:
        _protect(plugin, provider, ctx, volume)
    assert volume.id in str(err.value)
    checkpoint, resource = _protect(plugin, provider, ctx, volume,
                                    {'force': True})
    assert helpers.bank_state(checkpoint, resource)[0] == 'available'
    assert len(_snapshots(cinder, volume)) == 1


def test_failed_snapshot_is_reverted(plugin, provider, ctx, cinder, sandbox):
    volume = helpers.new_volume(cinder, 'doomed')
    sandbox.inject_fault(service='volume', operation='snapshot',
                         resource_id=volume.id, action='error')
    resource = helpers.volume_resource(volume)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    with pytest.raises(exception.ProtectResourceFailed,
                       match='status error'):
        helpers.run_hooks(plugin.get_protect_operation(resource), checkpoint,
                          resource, ctx, operation_log=None)
    helpers.wait_until(lambda: _snapshots(cinder, volume) == [])
    # The rollback removed what it wrote to the bank too.
    assert helpers.bank_state(checkpoint, resource) == (None, None)


def test_deleted_volume_is_named(plugin, provider, ctx, cinder):
    volume = helpers.new_volume(cinder, 'gone')
    cinder.volumes.delete(volume)
    helpers.wait_until(lambda: volume.id not in {
        v.id for v in cinder.volumes.list()})
    with pytest.raises(exception.ProtectResourceFailed,
                       match='volume %s does not exist' % volume.id):
        _protect(plugin, provider, ctx, volume)
