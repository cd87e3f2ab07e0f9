"""Server and image protectables against the sandbox's Nova and Glance."""

import pytest

from karbor.common import constants
from karbor import exception
from karbor.resource import Resource
from karbor.services.protection.protectable_plugins import image
from karbor.services.protection.protectable_plugins import server
from karbor.tests.functional.plugins import helpers

SERVER = constants.SERVER_RESOURCE_TYPE
IMAGE = constants.IMAGE_RESOURCE_TYPE
UNKNOWN = 'f0f0f0f0-0000-4000-8000-000000000000'


@pytest.fixture
def servers():
    return server.ServerProtectablePlugin()


@pytest.fixture
def images():
    return image.ImageProtectablePlugin()


def _project(ctx):
    return Resource(constants.PROJECT_RESOURCE_TYPE, ctx.project_id, 'demo')


def test_types(servers, images):
    assert servers.get_resource_type() == SERVER
    assert tuple(servers.get_parent_resource_types()) == (
        constants.PROJECT_RESOURCE_TYPE,)
    assert images.get_resource_type() == IMAGE
    assert set(images.get_parent_resource_types()) == {
        SERVER, constants.PROJECT_RESOURCE_TYPE}


def test_servers(servers, ctx, nova, glance):
    boot = helpers.new_image(glance, 'boot')
    good = helpers.new_server(nova, boot.id, 'good')
    broken = helpers.new_server(nova, boot.id, 'broken',
                                meta={'sandbox:fault:create': 'error'})
    assert broken.status == 'ERROR'
    listed = servers.list_resources(ctx)
    assert Resource(SERVER, good.id, good.name) in listed
    assert broken.id not in {r.id for r in listed}
    assert servers.show_resource(ctx, good.id) == Resource(SERVER, good.id,
                                                           good.name)
    assert servers.get_dependent_resources(ctx, _project(ctx)) == listed
    for missing in (UNKNOWN, broken.id):
        with pytest.raises(exception.ProtectableResourceNotFound):
            servers.show_resource(ctx, missing)


def test_images(images, ctx, glance, admin_glance, sandbox):
    mine = helpers.new_image(glance, 'mine')
    public = helpers.new_image(admin_glance, 'public', visibility='public')
    retired = helpers.new_image(glance, 'retired')
    admin_glance.images.deactivate(retired.id)
    listed = {r.id: r for r in images.list_resources(ctx)}
    assert {mine.id, public.id} <= set(listed)
    assert retired.id not in listed
    assert listed[mine.id] == Resource(IMAGE, mine.id, mine.name)
    assert images.show_resource(ctx, public.id).name == public.name
    for missing in (UNKNOWN, retired.id):
        with pytest.raises(exception.ProtectableResourceNotFound):
            images.show_resource(ctx, missing)
    owned = {r.id for r in images.get_dependent_resources(ctx,
                                                          _project(ctx))}
    assert mine.id in owned and public.id not in owned
    assert retired.id not in owned


def test_server_boot_image(images, ctx, nova, glance, cinder):
    boot = helpers.new_image(glance, 'boot')
    vm = helpers.new_server(nova, boot.id, 'vm')
    (dependent,) = images.get_dependent_resources(
        ctx, Resource(SERVER, vm.id, vm.name))
    assert dependent == Resource(IMAGE, boot.id, boot.name)
    assert dependent.extra_info == {'server_id': vm.id}
    gone = Resource(SERVER, UNKNOWN, 'gone')
    assert images.get_dependent_resources(ctx, gone) == []


def test_volume_booted_server_has_no_image(images, ctx, nova, cinder):
    root = helpers.new_volume(cinder, 'root')
    vm = helpers.new_server(nova, None, 'bfv', block_device_mapping_v2=[{
        'uuid': root.id, 'source_type': 'volume',
        'destination_type': 'volume', 'boot_index': 0}])
    assert vm.status == 'ACTIVE'
    assert images.get_dependent_resources(
        ctx, Resource(SERVER, vm.id, vm.name)) == []


def test_server_graph_has_boot_image_and_attached_volume(ctx, nova, glance,
                                                         cinder):
    from karbor.services.protection.protectable_plugins import pod
    from karbor.services.protection.protectable_plugins import project
    from karbor.services.protection.protectable_plugins import volume
    from karbor.services.protection import protectable_registry

    registry = protectable_registry.ProtectableRegistry(plugins=[
        project.ProjectProtectablePlugin(), server.ServerProtectablePlugin(),
        volume.VolumeProtectablePlugin(), image.ImageProtectablePlugin(),
        pod.K8sPodProtectablePlugin()])
    boot = helpers.new_image(glance, 'boot')
    vm = helpers.new_server(nova, boot.id, 'vm')
    data = helpers.new_volume(cinder, 'data')
    nova.volumes.create_server_volume(vm.id, data.id)
    helpers.wait_status(lambda: cinder.volumes.get(data.id), 'in-use')
    (root,) = registry.build_graph(ctx, [Resource(SERVER, vm.id, vm.name)])
    children = {(n.value.type, n.value.id) for n in root.child_nodes}
    assert children == {(IMAGE, boot.id),
                        (constants.VOLUME_RESOURCE_TYPE, data.id)}
