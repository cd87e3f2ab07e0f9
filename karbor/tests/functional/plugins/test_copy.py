"""Checkpoint copies (seed 003) through a real ProtectionManager, with the
Cinder backup and Glance image plugins on the sandbox cloud: the copy
holds the data itself, and a provider whose plugins cannot copy is
refused up front."""

import os
import textwrap

import pytest

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.services.protection import manager as protection_manager
from karbor.tests.functional.plugins import helpers
from karbor.tests.functional.plugins import test_image_protection as images
from karbor.tests.unit.protection import test_manager as manager_tests
from karbor_sandbox.services.volume import volumes as sandbox_volumes

SOURCE = '0c6f1b3e-5a7d-4e0f-9b2c-8d4a6e1f3c51'
DEST = '5e2d8a4c-1b6f-4c3e-8a7d-2f9b0c4e6a13'
SNAPSHOTS = '9a1c3e5f-7b2d-4f6a-8c0e-1d3b5f7a9c24'
VOLUME = constants.VOLUME_RESOURCE_TYPE
IMAGE = constants.IMAGE_RESOURCE_TYPE
VOLUME_BYTES = os.urandom(3 * 65536 + 17)


def provider_file(path, provider_id, plugins, copy_to=None):
    path.write_text(textwrap.dedent("""\
        [provider]
        name = provider %(id)s
        id = %(id)s
        %(plugins)s
        bank = karbor-fs-bank-plugin
        enabled = True
        %(copy)s
        [file_system_bank_plugin]
        file_system_bank_path = banks/%(id)s
        [cinder_backup_protection_plugin]
        poll_interval = 0.01
        copy_object_size = 131072
        [volume_snapshot_plugin]
        poll_interval = 0.01
        [image_backup_plugin]
        poll_interval = 0.01
        backup_image_object_size = 131072
        """) % {'id': provider_id,
                'plugins': '\n'.join('plugin = %s' % p for p in plugins),
                'copy': 'copy_provider_id = %s' % copy_to if copy_to
                else ''})


@pytest.fixture
def manager(tmp_path, cloud, sqlite_db):
    providers = tmp_path / 'providers.d'
    providers.mkdir()
    full = ('karbor-volume-protection-plugin',
            'karbor-image-protection-plugin')
    provider_file(providers / 'source.conf', SOURCE, full, copy_to=DEST)
    provider_file(providers / 'dest.conf', DEST, full)
    provider_file(providers / 'snapshots.conf', SNAPSHOTS,
                  ('karbor-volume-snapshot-plugin',), copy_to=DEST)
    manager_tests.CONF.set_override('state_path', str(tmp_path))
    manager_tests.CONF.set_override('provider_config_dir', str(providers))
    manager_tests.CONF.set_override(
        'flow_persistence_connection',
        'sqlite:///%s' % (tmp_path / 'flows.sqlite'), group='protection')
    mgr = protection_manager.ProtectionManager(host='test-host')
    yield manager_tests.Unwrapped(mgr)
    mgr.runner.shutdown()


def make_plan(ctx, provider_id, resources):
    plan = objects.Plan(
        context=ctx, name='plan', description=None, provider_id=provider_id,
        project_id=ctx.project_id, status=constants.PLAN_STATUS_SUSPENDED,
        parameters={}, resources=[{'id': r.id, 'type': t, 'name': r.name}
                                  for t, r in resources])
    plan.create()
    return plan


def volume_with_bytes(sandbox, cinder):
    volume = helpers.new_volume(cinder, 'data')
    with open(sandbox.cloud.blobs.path(
            sandbox_volumes.blob_key(volume.id)), 'wb') as f:
        f.write(VOLUME_BYTES)
    return volume


def volume_bytes(sandbox, volume_id):
    return b''.join(sandbox.cloud.blobs.read(
        sandbox_volumes.blob_key(volume_id)))


def bank_keys(manager, provider_id, checkpoint_id):
    bank = manager.provider_registry.show_provider(provider_id).bank
    return bank.list_objects('/checkpoints/%s/' % checkpoint_id)


def test_copy_is_restorable_after_the_source_is_deleted(
        manager, ctx, sandbox, cinder, glance):
    volume = volume_with_bytes(sandbox, cinder)
    image = images.new_image(glance)
    plan = make_plan(ctx, SOURCE, [(VOLUME, volume), (IMAGE, image)])
    source_id = manager_tests.protect(manager, ctx, plan)
    assert manager_tests.checkpoint_status(ctx, source_id) == 'available'
    (backup,) = cinder.backups.list()

    pairs = manager.copy(ctx, plan)
    assert [p['checkpoint_protect_id'] for p in pairs] == [source_id]
    copy_id = pairs[0]['checkpoint_copy_id']
    manager_tests.wait_for(
        lambda: manager_tests.checkpoint_status(ctx, copy_id),
        ('available', 'error'))
    assert manager_tests.checkpoint_status(ctx, copy_id) == 'available'
    with pytest.raises(exception.InvalidInput):
        manager.copy(ctx, plan)
    # the copy's temporary volume and image are gone
    assert [v.id for v in cinder.volumes.list()] == [volume.id]
    assert {i.id for i in glance.images.list()} == {image.id}

    # Delete the source checkpoint (its backup goes too) and the originals.
    manager.delete(ctx, SOURCE, source_id)
    manager_tests.wait_for(
        lambda: manager_tests.checkpoint_status(ctx, source_id),
        ('deleted',))
    helpers.wait_until(lambda: cinder.backups.list() == [])
    assert not any(key.endswith(('data_1', 'metadata')) for key in
                   bank_keys(manager, SOURCE, source_id))
    cinder.volumes.delete(volume)
    glance.images.delete(image.id)
    helpers.wait_until(lambda: cinder.volumes.list() == [])
    assert backup.id not in {b.id for b in cinder.backups.list()}

    restore = manager.restore(ctx, {'provider_id': DEST,
                                    'checkpoint_id': copy_id})
    manager_tests.wait_for(
        lambda: objects.Restore.get_by_id(ctx, restore.id).status,
        ('success', 'fail'))
    done = objects.Restore.get_by_id(ctx, restore.id)
    assert done.status == 'success', done.resources_reason
    (new_volume,) = cinder.volumes.list()
    (new_image,) = glance.images.list()
    assert volume_bytes(sandbox, new_volume.id) == VOLUME_BYTES
    assert images.image_bytes(glance, new_image.id) == images.DATA
    assert new_volume.name == '%s@%s' % (copy_id, volume.id)
    logs = objects.OperationLogList.get_all(
        ctx, filters={'operation_type': 'copy'})
    assert [log.status for log in logs] == ['success']

    manager.delete(ctx, DEST, copy_id)
    manager_tests.wait_for(
        lambda: manager_tests.checkpoint_status(ctx, copy_id), ('deleted',))
    assert not any('/resource-data/' in key and not key.endswith('status')
                   for key in bank_keys(manager, DEST, copy_id))


def test_copy_refused_up_front_naming_the_types(manager, ctx, cinder):
    volume = helpers.new_volume(cinder, 'snap')
    plan = make_plan(ctx, SNAPSHOTS, [(VOLUME, volume)])
    source_id = manager_tests.protect(manager, ctx, plan)
    assert manager_tests.checkpoint_status(ctx, source_id) == 'available'
    with pytest.raises(exception.InvalidInput,
                       match='the protection plugins of OS::Cinder::Volume '
                             'cannot copy their data'):
        manager.copy(ctx, plan)
    assert [c['id'] for c in manager.list_checkpoints(ctx, DEST)] == []
    assert list(objects.OperationLogList.get_all(
        ctx, filters={'operation_type': 'copy'})) == []
