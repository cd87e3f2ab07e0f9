"""VolumeSnapshotProtectionPlugin and the volume protectable against a
real Keystone and a real Cinder (fake volume driver), through Karbor's
real client factory, with real checkpoints on a file-system bank."""

import pytest

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.resource import Resource
from karbor.services.protection.flows import delete
from karbor.services.protection.flows import protect
from karbor.services.protection.flows import restore
from karbor.services.protection import protectable_registry
from karbor.services.protection.protectable_plugins import project
from karbor.services.protection.protectable_plugins import volume as vol_pp
from karbor.services.protection.protection_plugins import (
    noop_protection_plugin)
from karbor.tests.functional.plugins import helpers

PLUGIN = 'karbor-volume-snapshot-plugin'
VOLUME = constants.VOLUME_RESOURCE_TYPE


def _snapshots(cinder, volume):
    return cinder.volume_snapshots.list(search_opts={'volume_id': volume.id})


def _snapshot_ids(cinder):
    return {s.id for s in cinder.volume_snapshots.list()}


def _volume_ids(cinder):
    return {v.id for v in cinder.volumes.list()}


def _protect(plugin, provider, ctx, volume, parameters=None):
    resource = helpers.volume_resource(volume)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    helpers.run_hooks(plugin.get_protect_operation(resource), checkpoint,
                      resource, ctx, parameters, operation_log=None)
    return checkpoint, resource


def test_protect_restore_delete_hooks(plugin, provider, ctx, cinder,
                                      sqlite_db):
    volume = helpers.new_volume(cinder, 'real', size=2)
    checkpoint, resource = _protect(
        plugin, provider, ctx, volume,
        {'snapshot_name': 'daily', 'description': 'by karbor',
         'force': False})
    (snapshot,) = _snapshots(cinder, volume)
    assert (snapshot.name, snapshot.description, snapshot.status,
            snapshot.size) == ('daily', 'by karbor', 'available', 2)
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
    assert (restored.status, restored.size, restored.snapshot_id) == (
        'available', 2, snapshot.id)
    assert objects.Restore.get_by_id(ctx, record.id).resources_status == {
        '%s#%s' % (VOLUME, restored.id): 'available'}

    # Cinder refuses to delete a snapshot a volume was made from
    cinder.volumes.delete(restored)
    helpers.wait_until(lambda: restored.id not in _volume_ids(cinder))
    helpers.run_hooks(plugin.get_delete_operation(resource), checkpoint,
                      resource, ctx, operation_log=None)
    assert _snapshots(cinder, volume) == []
    assert helpers.bank_state(checkpoint, resource) == ('deleted', None)
    assert cinder.volumes.get(volume.id).status == 'available'


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
    assert (restored.name, restored.description, restored.status) == (
        'again', 'copy', 'available')


def test_deleted_volume_is_named(plugin, provider, ctx, cinder):
    volume = helpers.new_volume(cinder, 'gone')
    cinder.volumes.delete(volume)
    helpers.wait_until(lambda: volume.id not in _volume_ids(cinder))
    with pytest.raises(exception.ProtectResourceFailed,
                       match='volume %s does not exist' % volume.id):
        _protect(plugin, provider, ctx, volume)


def test_project_plan_through_the_flows(provider, ctx, cinder, sqlite_db,
                                        flow_backend):
    """A plan of the demo project protects its volumes (graph expansion
    through the real protectables), restores and deletes them."""
    plugins = dict.fromkeys(constants.RESOURCE_TYPES,
                            noop_protection_plugin.NoopProtectionPlugin())
    plugins.update(provider.load_plugins())
    registry = protectable_registry.ProtectableRegistry(plugins=[
        project.ProjectProtectablePlugin(), vol_pp.VolumeProtectablePlugin()])
    disks = [helpers.new_volume(cinder, 'disk%d' % i) for i in range(2)]
    volumes = _volume_ids(cinder)
    old_snapshots = _snapshot_ids(cinder)
    root = Resource(constants.PROJECT_RESOURCE_TYPE, ctx.project_id, 'demo')
    checkpoint = helpers.new_checkpoint(provider, ctx, [root])
    assert protect.protect(ctx, plugins, checkpoint,
                           helpers.operation_log(ctx, checkpoint, 'protect'),
                           registry.build_graph(ctx, [root]),
                           {VOLUME: {'force': True}},  # other tests attach
                           backend=flow_backend)
    assert checkpoint.status == 'available'
    new = [cinder.volume_snapshots.get(i)
           for i in _snapshot_ids(cinder) - old_snapshots]
    assert sorted(s.volume_id for s in new) == sorted(volumes)
    assert {s.status for s in new} == {'available'}

    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    assert restore.restore(ctx, plugins, checkpoint, record,
                           helpers.operation_log(ctx, checkpoint, 'restore',
                                restore_id=record.id), {},
                           backend=flow_backend)
    record = objects.Restore.get_by_id(ctx, record.id)
    assert record.status == 'success'
    restored = [cinder.volumes.get(key.split('#')[1])
                for key in record.resources_status]
    names = {v.name for v in restored}
    for disk in disks:
        assert '%s@%s' % (checkpoint.id, disk.id) in names

    for vol in restored:
        cinder.volumes.delete(vol)
    helpers.wait_until(lambda: not {v.id for v in restored} &
                       _volume_ids(cinder))
    assert delete.delete(ctx, plugins, checkpoint,
                         helpers.operation_log(ctx, checkpoint, 'delete'),
                         backend=flow_backend)
    assert _snapshot_ids(cinder) == old_snapshots


def test_volume_protectable_lists_real_volumes(ctx, cinder):
    plugin = vol_pp.VolumeProtectablePlugin()
    first = helpers.new_volume(cinder, 'first')
    second = helpers.new_volume(cinder, 'second')
    listed = {r.id: r for r in plugin.list_resources(ctx)}
    assert {first.id, second.id} <= set(listed)
    assert set(listed) == _volume_ids(cinder)
    assert (listed[first.id].type, listed[first.id].name) == (
        VOLUME, first.name)
    assert listed[first.id].extra_info == {'availability_zone': 'nova'}
    shown = plugin.show_resource(ctx, second.id)
    assert shown == Resource(VOLUME, second.id, second.name)
    project_root = Resource(constants.PROJECT_RESOURCE_TYPE, ctx.project_id,
                            'demo')
    assert {first.id, second.id} <= {
        r.id for r in plugin.get_dependent_resources(ctx, project_root)}
    with pytest.raises(exception.ProtectableResourceNotFound):
        plugin.show_resource(ctx, 'f0f0f0f0-0000-4000-8000-000000000000')


def test_attached_volume_needs_force(plugin, provider, ctx, cinder):
    volume = helpers.new_volume(cinder, 'busy')
    cinder.volumes.attach(volume, '11111111-2222-4333-8444-555555555555',
                          '/dev/vdc')
    helpers.wait_status(lambda: cinder.volumes.get(volume.id), 'in-use')
    with pytest.raises(exception.ProtectResourceFailed) as err:
        _protect(plugin, provider, ctx, volume)
    assert volume.id in str(err.value)
    assert _snapshots(cinder, volume) == []
    checkpoint, resource = _protect(plugin, provider, ctx, volume,
                                    {'force': True})
    assert helpers.bank_state(checkpoint, resource)[0] == 'available'
    (snapshot,) = _snapshots(cinder, volume)
    assert snapshot.status == 'available'
