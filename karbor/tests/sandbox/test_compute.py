"""Nova v2.1 contract tests with python-novaclient and the openstack CLI."""

import io
import os
import subprocess
import sys

from cinderclient import client as cinder_client
import glanceclient
from neutronclient.v2_0 import client as neutron_client
from novaclient import api_versions
from novaclient import client as nova_client
from novaclient import exceptions as n_exc
import pytest
import requests

from karbor.tests.sandbox.conftest import wait_status

DISK = b'bootable disk bytes' * 100


@pytest.fixture
def clients(sandbox):
    sess = sandbox.session()

    nova = nova_client.Client('2.1', session=sess)
    latest = api_versions.discover_version(
        nova, api_versions.APIVersion('2.latest'))

    class Clients(object):
        nova = nova_client.Client('2.1', session=sess)
        nova_latest = nova_client.Client(latest.get_string(), session=sess)
        glance = glanceclient.Client('2', session=sess)
        neutron = neutron_client.Client(session=sess)
        cinder = cinder_client.Client('3.60', session=sess)
    return Clients


def _image(glance):
    image = glance.images.create(name='cirros', disk_format='qcow2',
                                 container_format='bare')
    glance.images.upload(image.id, io.BytesIO(DISK))
    return wait_status(lambda: glance.images.get(image.id), 'active')


def _network(neutron):
    net = neutron.create_network({'network': {'name': 'private'}})['network']
    neutron.create_subnet({'subnet': {'network_id': net['id'],
                                      'cidr': '10.0.0.0/24',
                                      'ip_version': 4}})
    return net


def _server(c, **kw):
    image = kw.pop('image', None) or _image(c.glance)
    server = c.nova.servers.create(kw.pop('name', 'vm'), image.id, '1', **kw)
    return wait_status(lambda: c.nova.servers.get(server.id), 'ACTIVE')


def test_versions_and_microversions(sandbox, clients):
    body = requests.get(sandbox.base_url + '/compute/', timeout=5).json()
    assert body['versions'][0]['version'] == '2.96'
    assert str(clients.nova_latest.api_version) == \
        'API Version Major: 2, Minor: 96'
    assert [f.name for f in clients.nova.flavors.list()][:2] == [
        'm1.tiny', 'm1.small']
    assert clients.nova.flavors.get('1').ram == 512
    assert [z.zoneName for z in
            clients.nova.availability_zones.list(detailed=False)] == ['nova']


def test_server_from_image_with_network(clients, sandbox):
    net = _network(clients.neutron)
    server = _server(clients, nics=[{'net-id': net['id']}],
                     meta={'k': 'v'})
    assert server.tenant_id == sandbox.project_id
    assert getattr(server, 'OS-EXT-AZ:availability_zone') == 'nova'
    assert server.flavor['id'] == '1' and server.metadata == {'k': 'v'}
    assert server.image['id']
    addr = server.addresses['private'][0]
    assert addr['addr'] == '10.0.0.2' and addr['OS-EXT-IPS:type'] == 'fixed'
    ports = clients.neutron.list_ports(
        mac_address=addr['OS-EXT-IPS-MAC:mac_addr'])['ports']
    assert ports[0]['device_id'] == server.id
    assert [s.id for s in clients.nova.servers.list(detailed=True)] == [
        server.id]
    latest = clients.nova_latest.servers.get(server.id)
    assert latest.flavor['original_name'] == 'm1.tiny'
    clients.nova.servers.set_meta(server, {'a': 'b'})
    assert clients.nova.servers.get(server.id).metadata == {'k': 'v',
                                                            'a': 'b'}
    clients.nova.servers.delete(server)
    with pytest.raises(n_exc.NotFound):
        clients.nova.servers.get(server.id)
    assert clients.neutron.list_ports(device_id=server.id)['ports'] == []


def test_volume_attach_and_boot_from_volume(clients):
    image = _image(clients.glance)
    server = _server(clients, image=image, nics=[])
    vol = clients.cinder.volumes.create(1, name='data')
    vol = wait_status(lambda: clients.cinder.volumes.get(vol.id),
                      'available')
    att = clients.nova.volumes.create_server_volume(server.id, vol.id)
    # The image is the server's root disk, /dev/vda.
    assert att.device == '/dev/vdb' and att.serverId == server.id
    vol = clients.cinder.volumes.get(vol.id)
    assert vol.status == 'in-use'
    assert vol.attachments[0]['server_id'] == server.id
    server = clients.nova.servers.get(server.id)
    assert getattr(server, 'os-extended-volumes:volumes_attached') == [
        {'id': vol.id}]
    with pytest.raises(n_exc.BadRequest):
        clients.nova.volumes.create_server_volume(server.id, vol.id)
    clients.nova.volumes.delete_server_volume(server.id, vol.id)
    assert clients.cinder.volumes.get(vol.id).status == 'available'
    boot = clients.nova.servers.create('bfv', '', '1', nics=[],
                                       block_device_mapping_v2=[{
                                           'boot_index': 0,
                                           'uuid': image.id,
                                           'source_type': 'image',
                                           'destination_type': 'volume',
                                           'volume_size': 2,
                                           'delete_on_termination': True}])
    boot = wait_status(lambda: clients.nova.servers.get(boot.id), 'ACTIVE')
    assert boot.image == ''
    root = getattr(boot, 'os-extended-volumes:volumes_attached')[0]['id']
    root_vol = clients.cinder.volumes.get(root)
    assert root_vol.bootable == 'true' and root_vol.status == 'in-use'
    clients.nova.servers.delete(boot)
    with pytest.raises(Exception):
        clients.cinder.volumes.get(root)


def test_actions_and_create_image(clients):
    server = _server(clients, nics=[])
    clients.nova.servers.stop(server)
    wait_status(lambda: clients.nova.servers.get(server.id), 'SHUTOFF')
    with pytest.raises(n_exc.Conflict):
        clients.nova.servers.pause(server)
    clients.nova.servers.start(server)
    wait_status(lambda: clients.nova.servers.get(server.id), 'ACTIVE')
    clients.nova.servers.suspend(server)
    wait_status(lambda: clients.nova.servers.get(server.id), 'SUSPENDED')
    clients.nova.servers.resume(server)
    wait_status(lambda: clients.nova.servers.get(server.id), 'ACTIVE')
    image_id = clients.nova.servers.create_image(server, 'snap',
                                                 {'tag': 'x'})
    snap = wait_status(lambda: clients.glance.images.get(image_id),
                       'active')
    assert snap.instance_uuid == server.id and snap.image_type == 'snapshot'
    assert b''.join(clients.glance.images.data(image_id)) == DISK
    latest_id = clients.nova_latest.servers.create_image(server, 'snap2')
    assert clients.glance.images.get(latest_id).name == 'snap2'
    vol = clients.cinder.volumes.create(1)
    wait_status(lambda: clients.cinder.volumes.get(vol.id), 'available')
    bfv = clients.nova.servers.create('bfv', '', '1', block_device_mapping_v2=[
        {'boot_index': 0, 'uuid': vol.id, 'source_type': 'volume',
         'destination_type': 'volume'}])
    wait_status(lambda: clients.nova.servers.get(bfv.id), 'ACTIVE')
    bfv_image = clients.glance.images.get(
        clients.nova.servers.create_image(bfv, 'bfv-snap'))
    assert vol.id in bfv_image.block_device_mapping
    assert wait_status(lambda: clients.glance.images.get(bfv_image.id),
                       'active').size == 0


def test_floating_ip_and_interfaces(clients, sandbox):
    admin = neutron_client.Client(session=sandbox.admin_session())
    public = admin.create_network({'network': {
        'name': 'public', 'router:external': True}})['network']
    admin.create_subnet({'subnet': {'network_id': public['id'],
                                    'cidr': '172.24.4.0/24'}})
    net = _network(clients.neutron)
    server = _server(clients, nics=[{'net-id': net['id']}])
    fip = clients.neutron.create_floatingip({'floatingip': {
        'floating_network_id': public['id']}})['floatingip']
    # novaclient 18 dropped the helpers; the 2.1 API still has the actions.
    clients.nova.servers._action('addFloatingIp', server, {
        'address': fip['floating_ip_address']})
    addresses = clients.nova.servers.get(server.id).addresses['private']
    assert [a['OS-EXT-IPS:type'] for a in addresses] == ['fixed',
                                                         'floating']
    clients.nova.servers._action('removeFloatingIp', server, {
        'address': fip['floating_ip_address']})
    assert len(clients.nova.servers.get(server.id).addresses[
        'private']) == 1
    iface = clients.nova.servers.interface_attach(server, None, net['id'],
                                                  None)
    assert len(clients.nova.servers.interface_list(server)) == 2
    clients.nova.servers.interface_detach(server, iface.port_id)
    assert len(clients.nova.servers.interface_list(server)) == 1


def test_keypairs_and_security_groups(clients):
    key = clients.nova.keypairs.create('k1')
    assert key.private_key and key.public_key.startswith('ssh-ed25519')
    assert [k.name for k in clients.nova.keypairs.list()] == ['k1']
    server = _server(clients, nics=[], key_name='k1',
                     security_groups=['default'])
    assert server.key_name == 'k1'
    assert [g.name for g in clients.nova.servers.list_security_group(
        server)] == ['default']
    with pytest.raises(n_exc.BadRequest):
        clients.nova.servers.create('bad', server.image['id'], '1',
                                    nics=[], key_name='nokey')
    clients.nova.keypairs.delete('k1')
    with pytest.raises(n_exc.NotFound):
        clients.nova.keypairs.get('k1')


def test_errors_faults_and_isolation(clients, sandbox):
    token = sandbox.session().get_token()
    resp = requests.get(sandbox.url('compute') + '/servers/nope',
                        headers={'X-Auth-Token': token}, timeout=5)
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Instance nope could not be found.'}}
    image = _image(clients.glance)
    with pytest.raises(n_exc.BadRequest):
        clients.nova.servers.create('x', image.id, 'no-such-flavor')
    with pytest.raises(n_exc.BadRequest):
        clients.nova.servers.create('x', 'no-such-image', '1')
    sandbox.inject_fault(service='compute', operation='create',
                         action='slow', delay=30)
    slow = clients.nova.servers.create('slow', image.id, '1')
    slow = clients.nova.servers.get(slow.id)
    assert slow.status == 'BUILD'
    assert getattr(slow, 'OS-EXT-STS:task_state') == 'scheduling'
    with pytest.raises(n_exc.Conflict):
        clients.nova.servers.stop(slow)
    clients.nova.servers.delete(slow)
    sandbox.inject_fault(service='compute', operation='create')
    broken = clients.nova.servers.create('broken', image.id, '1')
    broken = wait_status(lambda: clients.nova.servers.get(broken.id),
                         'ERROR')
    assert broken.fault['message'] == 'Injected fault'
    admin = nova_client.Client('2.1', session=sandbox.admin_session())
    assert admin.servers.list() == []
    assert [s.id for s in admin.servers.list(
        search_opts={'all_tenants': 1})] == [broken.id]
    theirs = admin.servers.create('theirs', image.id, '1')
    first = admin.servers.list(search_opts={'all_tenants': 1}, limit=1)
    assert [s.id for s in first] == [theirs.id]
    rest = admin.servers.list(search_opts={'all_tenants': 1},
                              marker=theirs.id)
    assert [s.id for s in rest] == [broken.id]
    with pytest.raises(n_exc.NotFound):
        clients.nova.servers.get(theirs.id)


def test_openstack_server_create(sandbox, clients):
    image = _image(clients.glance)
    net = _network(clients.neutron)
    env = dict(os.environ)
    env.update(line.split('=', 1) for line in
               sandbox.openrc().replace('export ', '').splitlines())
    cli = os.path.join(os.path.dirname(sys.executable), 'openstack')
    out = subprocess.run([cli, 'server', 'create', '--image', 'cirros',
                          '--flavor', 'm1.tiny', '--network', net['id'],
                          '--wait', '-f', 'value', '-c', 'id', 'cli-vm'],
                         env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    server = clients.nova.servers.get(out.stdout.strip())
    assert server.status == 'ACTIVE' and server.image['id'] == image.id


def test_create_image_and_attach_faults(clients, sandbox):
    """A failed snapshot's image is deleted (as Nova does); a failed attach
    leaves the volume available and the server without the device."""
    server = _server(clients, nics=[])
    sandbox.inject_fault(service='compute', operation='createImage',
                         resource_id=server.id)
    image_id = clients.nova.servers.create_image(server, 'doomed')
    with pytest.raises(Exception):
        wait_status(lambda: clients.glance.images.get(image_id), 'active')
    assert [i for i in clients.glance.images.list()
            if i.id == image_id] == []
    vol = clients.cinder.volumes.create(1)
    wait_status(lambda: clients.cinder.volumes.get(vol.id), 'available')
    sandbox.inject_fault(service='compute', operation='attach',
                         resource_id=vol.id)
    att = clients.nova.volumes.create_server_volume(server.id, vol.id,
                                                    '/dev/vdc')
    assert att.device == '/dev/vdc'
    wait_status(lambda: clients.cinder.volumes.get(vol.id), 'available')
    assert clients.nova.volumes.get_server_volumes(server.id) == []
    clients.nova.volumes.create_server_volume(server.id, vol.id, '/dev/vdc')
    assert clients.cinder.volumes.get(vol.id).status == 'in-use'
