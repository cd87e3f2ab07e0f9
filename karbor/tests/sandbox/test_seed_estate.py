"""The seed's OpenStack estate: image, network, server + volume, share."""

from cinderclient import client as cinder_client
import glanceclient
from manilaclient import client as manila_client
from neutronclient.v2_0 import client as neutron_client
from novaclient import client as nova_client
import pytest
from troveclient import client as trove_client

from karbor_sandbox import fixture
from karbor_sandbox import seed


@pytest.mark.timeout(120)
def test_seed_builds_the_openstack_estate(sandbox):
    logged = []
    seed.run(seed.Target(sandbox.base_url), log=logged.append)
    seed.run(seed.Target(sandbox.base_url), log=logged.append)
    sess = sandbox.session()
    glance = glanceclient.Client('2', session=sess)
    images = list(glance.images.list(filters={'name': 'demo-image'}))
    assert len(images) == 1 and images[0].status == 'active'
    assert b''.join(glance.images.data(images[0].id)) == \
        seed.DEMO_IMAGE_DATA
    neutron = neutron_client.Client(session=sess)
    assert [n['name'] for n in neutron.list_networks(
        name='demo-net')['networks']] == ['demo-net']
    router = neutron.list_routers(name='demo-router')['routers'][0]
    assert router['external_gateway_info']['network_id']
    nova = nova_client.Client('2.1', session=sess)
    servers = nova.servers.list(detailed=True)
    assert [s.name for s in servers] == ['demo-server']
    vm = servers[0]
    assert vm.status == 'ACTIVE' and vm.image['id'] == images[0].id
    assert vm.addresses['demo-net'][0]['addr'].startswith('10.0.0.')
    cinder = cinder_client.Client('3.60', session=sess)
    volume = cinder.volumes.list(search_opts={'name': 'demo-volume-1'})[0]
    assert volume.status == 'in-use'
    assert volume.attachments[0]['server_id'] == vm.id
    assert getattr(vm, 'os-extended-volumes:volumes_attached') == [
        {'id': volume.id}]
    manila = manila_client.Client('2', session=sess)
    shares = manila.shares.list(search_opts={'name': 'demo-share'})
    assert len(shares) == 1 and shares[0].status == 'available'


def test_clients_on_catalog_endpoints(sandbox):
    """Karbor's client factory passes the catalog URL as the endpoint."""
    seed.run(seed.Target(sandbox.base_url), log=lambda msg: None)
    sess = sandbox.session()

    def url(stype):
        return sess.get_endpoint(service_type=stype, interface='public')

    glance = glanceclient.Client('2', session=sess,
                                 endpoint_override=url('image'))
    assert [i.name for i in glance.images.list()] == ['demo-image']
    nova = nova_client.Client('2.1', session=sess,
                              endpoint_override=url('compute'))
    assert [s.name for s in nova.servers.list()] == ['demo-server']
    neutron = neutron_client.Client(session=sess,
                                    endpoint_override=url('network'))
    assert 'demo-net' in [n['name'] for n in
                          neutron.list_networks()['networks']]
    manila = manila_client.Client('2', session=sess,
                                  service_catalog_url=url('sharev2'))
    assert [s.name for s in manila.shares.list()] == ['demo-share']
    trove = trove_client.Client('1.0', session=sess,
                                endpoint_override=url('database'))
    assert list(trove.instances.list()) == []


@pytest.mark.timeout(120)
def test_estate_survives_a_restart(tmp_path):
    state = str(tmp_path / 'state')
    with fixture.running_sandbox(state) as first:
        seed.run(seed.Target(first.base_url), log=lambda msg: None)
        nova = nova_client.Client('2.1', session=first.session())
        vm_id = nova.servers.list()[0].id
    with fixture.running_sandbox(state) as again:
        sess = again.session()
        nova = nova_client.Client('2.1', session=sess)
        vm = nova.servers.get(vm_id)
        assert vm.status == 'ACTIVE' and vm.addresses['demo-net']
        assert [f.name for f in nova.flavors.list()].count('m1.tiny') == 1
        glance = glanceclient.Client('2', session=sess)
        image = list(glance.images.list(filters={'name': 'demo-image'}))[0]
        assert b''.join(glance.images.data(image.id)) == \
            seed.DEMO_IMAGE_DATA
        manila = manila_client.Client('2', session=sess)
        assert [t.name for t in manila.share_types.list()] == ['default']
