"""The volume plugins inside the real protect / restore / delete flows.

A plan holding only a server protects its attached volumes too (graph
expansion through the protectables); the volume mains run in parallel.
"""

from karbor.common import constants
from karbor import objects
from karbor.resource import Resource
from karbor.services.protection.flows import delete
from karbor.services.protection.flows import protect
from karbor.services.protection.flows import restore
from karbor.services.protection import protectable_registry
from karbor.services.protection.protectable_plugins import image
from karbor.services.protection.protectable_plugins import project
from karbor.services.protection.protectable_plugins import server
from karbor.services.protection.protectable_plugins import volume
from karbor.services.protection.protection_plugins import (
    noop_protection_plugin)
from karbor.services.protection.protection_plugins.volume import (
    cinder_backup)
from karbor.tests.functional.plugins import helpers

VOLUME = constants.VOLUME_RESOURCE_TYPE


def test_server_plan_through_the_flows(tmp_path, ctx, cinder, nova, glance,
                                       sqlite_db, flow_backend):
    provider = helpers.make_provider(tmp_path, 'karbor-volume-protection-'
                                     'plugin', cinder_backup.GROUP)
    noop = noop_protection_plugin.NoopProtectionPlugin()
    plugins = dict.fromkeys(constants.RESOURCE_TYPES, noop)
    plugins.update(provider.load_plugins())
    registry = protectable_registry.ProtectableRegistry(plugins=[
        project.ProjectProtectablePlugin(), server.ServerProtectablePlugin(),
        volume.VolumeProtectablePlugin(), image.ImageProtectablePlugin()])

    vm = helpers.new_server(nova, helpers.new_image(glance).id)
    disks = [helpers.new_volume(cinder, 'disk%d' % i) for i in range(2)]
    for disk in disks:
        nova.volumes.create_server_volume(vm.id, disk.id)
        helpers.wait_status(lambda: cinder.volumes.get(disk.id), 'in-use')
    vm_resource = Resource(constants.SERVER_RESOURCE_TYPE, vm.id, vm.name)
    checkpoint = helpers.new_checkpoint(provider, ctx, [vm_resource])
    roots = registry.build_graph(ctx, [vm_resource])
    log = helpers.operation_log(ctx, checkpoint, 'protect')
    assert protect.protect(ctx, plugins, checkpoint, log, roots,
                           {VOLUME: {'force': True}}, backend=flow_backend)
    assert checkpoint.status == 'available'
    for disk in disks:
        (backup,) = cinder.backups.list(search_opts={'volume_id': disk.id})
        assert backup.status == 'available'
    assert cinder.volume_snapshots.list() == []

    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    assert restore.restore(ctx, plugins, checkpoint, record,
                           helpers.operation_log(ctx, checkpoint, 'restore',
                                restore_id=record.id), {},
                           backend=flow_backend)
    record = objects.Restore.get_by_id(ctx, record.id)
    assert record.status == 'success'
    restored = [cinder.volumes.get(key.split('#')[1])
                for key in record.resources_status]
    assert sorted(v.name for v in restored) == sorted(
        '%s@%s' % (checkpoint.id, d.id) for d in disks)

    assert delete.delete(ctx, plugins, checkpoint,
                         helpers.operation_log(ctx, checkpoint, 'delete'),
                         backend=flow_backend)
    for disk in disks:
        assert cinder.backups.list(search_opts={'volume_id': disk.id}) == []
