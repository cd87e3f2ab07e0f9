"""NovaProtectionPlugin against the sandbox's Nova, Glance, Cinder and
Neutron: a server is saved, deleted with its network, and made again on
the remade network with its fixed IP, from its disk or its boot volume."""

import uuid

from neutronclient.v2_0 import client as neutron_client
from novaclient import exceptions as nova_exc
import pytest

from karbor.common import constants
from karbor import objects
from karbor.resource import Resource
from karbor.services.protection import provider as provider_mod
from karbor.tests.functional.plugins import helpers

SERVER = constants.SERVER_RESOURCE_TYPE
NETWORK = constants.NETWORK_RESOURCE_TYPE
PLUGINS = ('karbor-server-protection-plugin',
           'karbor-network-protection-plugin')
pytestmark = pytest.mark.usefixtures('sqlite_db')


@pytest.fixture
def neutron(sandbox):
    return neutron_client.Client(session=sandbox.session())


@pytest.fixture
def plugins(tmp_path, cloud):
    path = tmp_path / 'provider.conf'
    path.write_text(helpers.PROVIDER_TEMPLATE.format(
        name='servers', id=str(uuid.uuid4()),
        plugin='\nplugin = '.join(PLUGINS), bank=tmp_path / 'bank',
        group='nova_backup_protection_plugin', extra=''))
    provider = provider_mod.load_provider_file(str(path))
    return provider, provider.load_plugins()


def network(neutron):
    net = neutron.create_network({'network': {
        'name': 'srv-net-%s' % uuid.uuid4().hex[:6]}})['network']
    subnet = neutron.create_subnet({'subnet': {
        'network_id': net['id'], 'cidr': '10.88.0.0/24',
        'ip_version': 4}})['subnet']
    return net, subnet


def run(operation, checkpoint, resource, ctx, **kwargs):
    helpers.run_hooks(operation, checkpoint, resource, ctx,
                      kwargs.pop('parameters', None), operation_log=None,
                      **kwargs)


def protect(provider, plugins, ctx, server):
    resources = [Resource(SERVER, server.id, server.name),
                 Resource(NETWORK, ctx.project_id, 'Network Topology')]
    checkpoint = helpers.new_checkpoint(provider, ctx, resources[:1])
    for resource in reversed(resources):
        run(plugins[resource.type].get_protect_operation(resource),
            checkpoint, resource, ctx)
    return checkpoint, resources


def restore(plugins, ctx, checkpoint, resources, new_resources):
    """The network, then the server (the flow's order)."""
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    operations = {}
    for resource in reversed(resources):
        operations[resource.type] = plugins[
            resource.type].get_restore_operation(resource)
        run(operations[resource.type], checkpoint, resource, ctx,
            restore=record, new_resources=new_resources,
            parameters={'restore_name': 'again'})
    return record, operations


def gone(nova, server_id):
    try:
        nova.servers.get(server_id)
    except nova_exc.NotFound:
        return True
    return False


def test_server_is_made_again_on_the_remade_network(
        plugins, ctx, nova, glance, neutron):
    provider, loaded = plugins
    net, subnet = network(neutron)
    image = helpers.new_image(glance)
    server = helpers.new_server(nova, image.id, nics=[
        {'net-id': net['id'], 'v4-fixed-ip': '10.88.0.17'}],
        meta={'role': 'web'})
    checkpoint, resources = protect(provider, loaded, ctx, server)
    assert [i for i in glance.images.list()
            if i.name.startswith('karbor-snapshot-')] == []
    nova.servers.delete(server.id)
    helpers.wait_until(lambda: gone(nova, server.id))
    neutron.delete_network(net['id'])

    new_resources = {}
    record, _ops = restore(loaded, ctx, checkpoint, resources, new_resources)
    new_net = new_resources[net['id']]
    assert new_net != net['id']
    again = nova.servers.get(new_resources[server.id])
    assert (again.name, again.status, again.metadata) == (
        'again', 'ACTIVE', {'role': 'web'})
    [port] = neutron.list_ports(device_id=again.id)['ports']
    assert port['network_id'] == new_net
    assert port['fixed_ips'][0]['ip_address'] == '10.88.0.17'
    disk = glance.images.get(again.image['id'])
    assert disk.name == 'again-root-disk'
    assert b''.join(glance.images.data(disk.id)) == b'\0' * 1024
    assert record.resources_status['%s#%s' % (SERVER, again.id)] == \
        'available'


def test_volume_booted_server_boots_from_its_restored_volume(
        plugins, ctx, nova, cinder, neutron):
    provider, loaded = plugins
    net, subnet = network(neutron)
    boot = cinder.volumes.create(1, name='boot-%s' % uuid.uuid4().hex[:4])
    helpers.wait_until(lambda: cinder.volumes.get(boot.id).status ==
                       'available')
    server = helpers.new_server(nova, None, nics=[{'net-id': net['id']}],
                                block_device_mapping_v2=[{
                                    'uuid': boot.id, 'source_type': 'volume',
                                    'destination_type': 'volume',
                                    'boot_index': 0}])
    checkpoint, resources = protect(provider, loaded, ctx, server)
    saved = helpers.bank_state(checkpoint, resources[0])[1]
    assert saved['boot_metadata'] == {
        'boot_device_type': 'volume', 'boot_volume_id': boot.id,
        'boot_device': '/dev/vda'}
    # The volume plugin's part: a restored copy of the boot volume.
    copy = cinder.volumes.create(1, source_volid=boot.id)
    helpers.wait_until(lambda: cinder.volumes.get(copy.id).status ==
                       'available')
    new_resources = {boot.id: copy.id}
    restore(loaded, ctx, checkpoint, resources, new_resources)
    again = nova.servers.get(new_resources[server.id])
    assert again.status == 'ACTIVE' and again.image == ''
    assert [a.volumeId for a in nova.volumes.get_server_volumes(
        again.id)] == [copy.id]
    [port] = neutron.list_ports(device_id=again.id)['ports']
    assert port['network_id'] == net['id']  # it still exists


def test_a_failed_restore_deletes_the_server_and_its_disk_image(
        plugins, ctx, nova, glance, neutron, cinder):
    provider, loaded = plugins
    net, subnet = network(neutron)
    image = helpers.new_image(glance)
    server = helpers.new_server(nova, image.id, nics=[{'net-id': net['id']}])
    volume = helpers.new_volume(cinder)
    nova.volumes.create_server_volume(server.id, volume.id, '/dev/vdc')
    checkpoint, resources = protect(provider, loaded, ctx, server)
    images_before = {i.id for i in glance.images.list()}
    # The preview's plan (without the volume plugin's step) says so.
    step = helpers.plan_step(loaded[SERVER], ctx, checkpoint, resources[0],
                             {'restore_name': 'doomed'})
    assert step.conflicts == [('missing', 'volume %s of the server is not '
                                          'restored' % volume.id)]
    assert step.details['creates'] == [{'type': 'OS::Glance::Image',
                                        'name': 'doomed-root-disk'}]
    # The volume was not restored: the server's restore fails naming it,
    # after the server was made; the revert deletes what it made.
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    operation = loaded[SERVER].get_restore_operation(resources[0])
    with pytest.raises(Exception) as failed:
        run(operation, checkpoint, resources[0], ctx, restore=record,
            new_resources={}, parameters={'restore_name': 'doomed'})
    assert volume.id in str(failed.value)
    assert [s for s in nova.servers.list() if s.name == 'doomed'] == []
    assert {i.id for i in glance.images.list()} == images_before
    assert set(record.resources_status.values()) == {'deleted'}


def test_verify_finds_a_lost_disk(plugins, ctx, nova, glance, neutron):
    provider, loaded = plugins
    net, subnet = network(neutron)
    image = helpers.new_image(glance)
    server = helpers.new_server(nova, image.id, nics=[{'net-id': net['id']}])
    checkpoint, resources = protect(provider, loaded, ctx, server)
    record = helpers.new_record(objects.Verification, ctx, checkpoint)
    for resource in resources:
        run(loaded[resource.type].get_verify_operation(resource),
            checkpoint, resource, ctx, verify=record)
    assert set(record.resources_status.values()) == {'available'}
    section = checkpoint.get_resource_bank_section(server.id)
    section.delete_object('data_1')
    with pytest.raises(Exception) as failed:
        run(loaded[SERVER].get_verify_operation(resources[0]), checkpoint,
            resources[0], ctx, verify=record)
    assert server.id in str(failed.value)
    assert record.resources_status['%s#%s' % (SERVER, server.id)] == 'error'


def test_a_resumed_protect_drops_the_interrupted_snapshot(
        plugins, ctx, nova, glance, neutron):
    """A restarted worker runs the hook again: the snapshot image the
    interrupted run recorded is deleted, not left behind."""
    provider, loaded = plugins
    net, subnet = network(neutron)
    image = helpers.new_image(glance)
    server = helpers.new_server(nova, image.id, nics=[{'net-id': net['id']}])
    left = nova.servers.create_image(server.id, 'interrupted')
    resource = Resource(SERVER, server.id, server.name)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    checkpoint.get_resource_bank_section(server.id).update_object(
        'metadata', {'snapshot_image_id': left})
    run(loaded[SERVER].get_protect_operation(resource), checkpoint,
        resource, ctx)
    assert [i for i in glance.images.list() if i.id == left] == []
    assert helpers.bank_state(checkpoint, resource)[0] == 'available'
