"""GlanceProtectionPlugin: image bytes into a file-system bank and back,
against the sandbox's Glance, with real checkpoints."""

import hashlib
import io
import os
import uuid

from glanceclient import exc as glance_exc
import pytest

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.resource import Resource
from karbor.services.protection import provider as provider_mod
from karbor.services.protection.protection_plugins.image import image_data
from karbor.tests.functional.plugins import helpers

PLUGIN = 'karbor-image-protection-plugin'
IMAGE = constants.IMAGE_RESOURCE_TYPE
OBJECT_SIZE = 2 * 65536
DATA = os.urandom(5 * 65536 + 123)  # three data objects, the last short


@pytest.fixture
def provider(tmp_path, cloud):
    return helpers.make_provider(
        tmp_path, PLUGIN, 'image_backup_plugin',
        'backup_image_object_size = %d' % OBJECT_SIZE)


@pytest.fixture
def plugin(provider):
    return provider.load_plugins()[IMAGE]


def new_image(glance, data=DATA, **properties):
    image = glance.images.create(name='img-%s' % uuid.uuid4().hex[:6],
                                 disk_format='qcow2', container_format='bare',
                                 min_disk=1, **properties)
    glance.images.upload(image.id, io.BytesIO(data))
    return helpers.wait_status(lambda: glance.images.get(image.id), 'active')


def image_bytes(glance, image_id):
    return b''.join(glance.images.data(image_id))


def protect(plugin, provider, ctx, image, parameters=None):
    resource = Resource(IMAGE, image.id, image.name)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    helpers.run_hooks(plugin.get_protect_operation(resource), checkpoint,
                      resource, ctx, parameters, operation_log=None)
    return checkpoint, resource


def restore(plugin, ctx, checkpoint, resource, parameters=None):
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    new_resources = {}
    helpers.run_hooks(plugin.get_restore_operation(resource), checkpoint,
                      resource, ctx, parameters, operation_log=None,
                      restore=record, new_resources=new_resources)
    return record, new_resources


def section_keys(checkpoint, resource):
    return sorted(checkpoint.get_resource_bank_section(
        resource.id).list_objects())


def image_ids(glance):
    return {i.id for i in glance.images.list()}


def test_protect_restore_verify_delete(plugin, provider, ctx, glance,
                                       sqlite_db):
    image = new_image(glance, hw_disk_bus='virtio')
    checkpoint, resource = protect(plugin, provider, ctx, image,
                                   {'backup_name': 'nightly'})
    assert section_keys(checkpoint, resource) == [
        'data_1', 'data_2', 'data_3', 'metadata', 'status']
    status, metadata = helpers.bank_state(checkpoint, resource)
    saved = metadata['image_metadata']
    assert status == 'available'
    assert (metadata['resource_id'], metadata['backup_name'],
            metadata['chunks_num']) == (image.id, 'nightly', 3)
    assert (saved['checksum'], saved['os_hash_value'], saved['size'],
            saved['disk_format'], saved['properties']) == (
        hashlib.md5(DATA).hexdigest(), hashlib.sha512(DATA).hexdigest(),
        len(DATA), 'qcow2', {'hw_disk_bus': 'virtio'})
    assert plugin.get_saved_info(
        checkpoint.get_resource_bank_section(image.id), resource) == {
        'image_metadata': saved}

    record, new_resources = restore(plugin, ctx, checkpoint, resource,
                                    {'restore_name': 'again'})
    new = glance.images.get(new_resources[image.id])
    assert (new.name, new.status, new.disk_format, new.min_disk,
            new.checksum, new.hw_disk_bus) == (
        'again', 'active', 'qcow2', 1, image.checksum, 'virtio')
    assert image_bytes(glance, new.id) == DATA
    assert objects.Restore.get_by_id(ctx, record.id).resources_status == {
        '%s#%s' % (IMAGE, new.id): 'available'}

    verify = helpers.new_record(objects.Verification, ctx, checkpoint)
    helpers.run_hooks(plugin.get_verify_operation(resource), checkpoint,
                      resource, ctx, operation_log=None, verify=verify,
                      new_resources={})
    assert verify.resources_status == {'%s#%s' % (IMAGE, image.id):
                                       'available'}

    helpers.run_hooks(plugin.get_delete_operation(resource), checkpoint,
                      resource, ctx, operation_log=None)
    assert section_keys(checkpoint, resource) == ['status']
    assert helpers.bank_state(checkpoint, resource) == ('deleted', None)


def test_restore_without_a_name_and_an_empty_image(plugin, provider, ctx,
                                                   glance, sqlite_db):
    image = new_image(glance, data=b'')
    checkpoint, resource = protect(plugin, provider, ctx, image)
    _record, new_resources = restore(plugin, ctx, checkpoint, resource)
    new = glance.images.get(new_resources[image.id])
    assert (new.name, new.size, new.checksum) == (
        'karbor-restore-image', 0, hashlib.md5(b'').hexdigest())


def test_deleted_image_fails_and_leaves_nothing(plugin, provider, ctx,
                                                glance, sqlite_db):
    image = new_image(glance)
    glance.images.delete(image.id)
    with pytest.raises(exception.ProtectResourceFailed,
                       match='image %s does not exist' % image.id):
        protect(plugin, provider, ctx, image)
    checkpoint = provider.checkpoint_collection.get(
        next(iter(provider.checkpoint_collection.iter_all())).id)
    assert section_keys(checkpoint, Resource(IMAGE, image.id, '')) == []


def test_corrupt_glance_data_fails_the_protect(plugin, provider, ctx, glance,
                                               sandbox, sqlite_db):
    image = new_image(glance)
    path = sandbox.cloud.blobs.path('image-%s' % image.id)
    with open(path, 'r+b') as f:
        f.seek(70000)
        f.write(b'corrupt')
    with pytest.raises(exception.ProtectResourceFailed,
                       match='checksum mismatch: image %s read from Glance '
                             'has sha512 ' % image.id):
        protect(plugin, provider, ctx, image)
    checkpoint = next(iter(provider.checkpoint_collection.iter_all()))
    assert section_keys(checkpoint, Resource(IMAGE, image.id, '')) == []


def test_altered_bank_fails_the_restore(plugin, provider, ctx, glance,
                                        sqlite_db):
    image = new_image(glance)
    checkpoint, resource = protect(plugin, provider, ctx, image)
    section = checkpoint.get_resource_bank_section(image.id)
    section.update_object('data_2', b'x' * OBJECT_SIZE)
    before = image_ids(glance)
    with pytest.raises(exception.RestoreResourceFailed,
                       match='checksum mismatch: restored image [0-9a-f-]+ '
                             'has MD5 '):
        restore(plugin, ctx, checkpoint, resource)
    assert image_ids(glance) == before

    section.delete_object('data_3')
    with pytest.raises(exception.RestoreResourceFailed,
                       match='the bank has lost object data_3'):
        restore(plugin, ctx, checkpoint, resource)
    assert image_ids(glance) == before


def test_object_size_must_be_a_multiple_of_64k(tmp_path, cloud):
    with pytest.raises(exception.InvalidInput, match='multiple of 65536'):
        helpers.make_provider(tmp_path, PLUGIN, 'image_backup_plugin',
                              'backup_image_object_size = 100000'
                              ).load_plugins()


def test_pieces_cut_any_chunking():
    data = bytes(range(256)) * 10
    for chunk in (1, 7, 256, 1000, 5000):
        chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
        pieces = [b''.join(p) for p in image_data._Pieces(chunks, 1024)]
        assert [len(p) for p in pieces] == [1024, 1024, 512]
        assert b''.join(pieces) == data


def test_missing_image_is_a_glance_404(glance):
    with pytest.raises(glance_exc.HTTPNotFound):
        glance.images.get(str(uuid.uuid4()))
    assert provider_mod.load_plugin_class(PLUGIN).get_restore_schema(
        IMAGE)['required'] == ['backup_name']
