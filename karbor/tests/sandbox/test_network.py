"""Neutron v2.0 contract tests with python-neutronclient."""

from neutronclient.common import exceptions as n_exc
from neutronclient.v2_0 import client as neutron_client
import pytest
import requests


@pytest.fixture
def neutron(sandbox):
    return neutron_client.Client(session=sandbox.session())


@pytest.fixture
def admin_neutron(sandbox):
    return neutron_client.Client(session=sandbox.admin_session())


def _network(neutron, name='net', cidr='10.0.0.0/24'):
    net = neutron.create_network({'network': {'name': name}})['network']
    subnet = neutron.create_subnet({'subnet': {
        'network_id': net['id'], 'cidr': cidr, 'ip_version': 4,
        'name': name + '-subnet'}})['subnet']
    return net, subnet


def _public(admin_neutron):
    net = admin_neutron.create_network({'network': {
        'name': 'public', 'router:external': True}})['network']
    admin_neutron.create_subnet({'subnet': {
        'network_id': net['id'], 'cidr': '172.24.4.0/24',
        'ip_version': 4}})
    return net


def test_versions_and_extensions(sandbox, neutron):
    body = requests.get(sandbox.url('network') + '/', timeout=5).json()
    assert body['versions'][0]['id'] == 'v2.0'
    aliases = {e['alias'] for e in neutron.list_extensions()['extensions']}
    assert {'router', 'external-net', 'security-group'} <= aliases


def test_network_subnet_port(neutron, sandbox):
    net, subnet = _network(neutron)
    assert subnet['gateway_ip'] == '10.0.0.1'
    assert neutron.show_network(net['id'])['network']['subnets'] == [
        subnet['id']]
    port = neutron.create_port({'port': {
        'network_id': net['id'], 'device_id': 'vm-1',
        'device_owner': 'compute:nova'}})['port']
    assert port['fixed_ips'] == [{'subnet_id': subnet['id'],
                                  'ip_address': '10.0.0.2'}]
    assert port['mac_address'].startswith('fa:16:3e:')
    assert port['status'] == 'ACTIVE' and port['security_groups']
    assert port['project_id'] == sandbox.project_id
    found = neutron.list_ports(mac_address=port['mac_address'])['ports']
    assert [p['id'] for p in found] == [port['id']]
    assert neutron.list_ports(device_id='other')['ports'] == []
    by_net = neutron.list_ports(network_id=net['id'],
                                fields=['id', 'device_id'])['ports']
    assert by_net == [{'id': port['id'], 'device_id': 'vm-1'}]
    with pytest.raises(n_exc.Conflict):
        neutron.delete_network(net['id'])
    with pytest.raises(n_exc.Conflict):
        neutron.create_port({'port': {'network_id': net['id'], 'fixed_ips': [
            {'subnet_id': subnet['id'], 'ip_address': '10.0.0.2'}]}})
    neutron.update_port(port['id'], {'port': {'name': 'p1'}})
    assert neutron.show_port(port['id'])['port']['name'] == 'p1'
    neutron.delete_port(port['id'])
    neutron.delete_network(net['id'])
    with pytest.raises(n_exc.NetworkNotFoundClient):
        neutron.show_network(net['id'])
    assert neutron.list_subnets()['subnets'] == []


def test_router_interfaces_and_floating_ips(neutron, admin_neutron):
    public = _public(admin_neutron)
    net, subnet = _network(neutron)
    router = neutron.create_router({'router': {
        'name': 'r1', 'external_gateway_info': {
            'network_id': public['id']}}})['router']
    gateway = router['external_gateway_info']
    assert gateway['network_id'] == public['id']
    assert gateway['external_fixed_ips'][0]['ip_address'] == '172.24.4.2'
    iface = neutron.add_interface_router(router['id'],
                                         {'subnet_id': subnet['id']})
    assert iface['subnet_id'] == subnet['id']
    port = neutron.show_port(iface['port_id'])['port']
    assert port['device_owner'] == 'network:router_interface'
    assert port['fixed_ips'][0]['ip_address'] == '10.0.0.1'
    vm_port = neutron.create_port({'port': {'network_id': net['id']}})[
        'port']
    fip = neutron.create_floatingip({'floatingip': {
        'floating_network_id': public['id'],
        'port_id': vm_port['id']}})['floatingip']
    assert fip['router_id'] == router['id']
    assert fip['fixed_ip_address'] == vm_port['fixed_ips'][0]['ip_address']
    listed = neutron.list_floatingips(port_id=vm_port['id'])['floatingips']
    assert [f['id'] for f in listed] == [fip['id']]
    neutron.update_floatingip(fip['id'], {'floatingip': {'port_id': None}})
    assert neutron.show_floatingip(fip['id'])['floatingip'][
        'status'] == 'DOWN'
    with pytest.raises(n_exc.Conflict):
        neutron.delete_router(router['id'])
    neutron.remove_interface_router(router['id'],
                                    {'subnet_id': subnet['id']})
    neutron.delete_router(router['id'])
    neutron.delete_floatingip(fip['id'])
    with pytest.raises(n_exc.BadRequest):
        neutron.create_router({'router': {'external_gateway_info': {
            'network_id': net['id']}}})


def test_security_groups(neutron):
    groups = neutron.list_security_groups()['security_groups']
    assert [g['name'] for g in groups] == ['default']
    web = neutron.create_security_group({'security_group': {
        'name': 'web'}})['security_group']
    rule = neutron.create_security_group_rule({'security_group_rule': {
        'security_group_id': web['id'], 'direction': 'ingress',
        'protocol': 'tcp', 'port_range_min': 80, 'port_range_max': 80,
        'remote_ip_prefix': '0.0.0.0/0'}})['security_group_rule']
    shown = neutron.show_security_group(web['id'])['security_group']
    assert rule['id'] in [r['id'] for r in shown['security_group_rules']]
    with pytest.raises(n_exc.Conflict) as twice:
        neutron.create_security_group_rule({'security_group_rule': {
            'security_group_id': web['id'], 'direction': 'ingress',
            'protocol': 'tcp', 'port_range_min': 80, 'port_range_max': 80,
            'remote_ip_prefix': '0.0.0.0/0'}})
    assert rule['id'] in str(twice.value)
    neutron.delete_security_group_rule(rule['id'])
    neutron.delete_security_group(web['id'])
    with pytest.raises(n_exc.BadRequest):
        neutron.create_security_group_rule({'security_group_rule': {
            'security_group_id': groups[0]['id'], 'direction': 'up'}})


def test_errors_have_neutron_bodies(sandbox, neutron):
    token = sandbox.session().get_token()
    url = sandbox.url('network') + '/v2.0'
    resp = requests.get(url + '/networks/nope', timeout=5,
                        headers={'X-Auth-Token': token})
    assert resp.status_code == 404
    assert resp.json() == {'NeutronError': {
        'type': 'NetworkNotFound', 'message': 'Network nope could not be '
        'found.', 'detail': ''}}
    net = neutron.create_network({'network': {'name': 'n'}})['network']
    with pytest.raises(n_exc.BadRequest):
        neutron.create_subnet({'subnet': {'network_id': net['id'],
                                          'cidr': 'bogus'}})
    with pytest.raises(n_exc.Forbidden):
        neutron.create_network({'network': {'router:external': True}})


def test_projects_are_isolated(neutron, admin_neutron, sandbox):
    mine, _subnet = _network(neutron, 'mine')
    theirs, _other = _network(admin_neutron, 'theirs', '10.1.0.0/24')
    public = _public(admin_neutron)
    names = {n['name'] for n in neutron.list_networks()['networks']}
    assert names == {'mine', 'public'}
    with pytest.raises(n_exc.NetworkNotFoundClient):
        neutron.show_network(theirs['id'])
    own = neutron.list_networks(tenant_id=sandbox.project_id)['networks']
    assert [n['id'] for n in own] == [mine['id']]
    external = neutron.list_networks(**{'router:external': True})
    assert [n['id'] for n in external['networks']] == [public['id']]
    assert len(admin_neutron.list_networks()['networks']) == 3
    paged = admin_neutron.list_networks(limit=1, shared=False)['networks']
    assert [n['id'] for n in paged] == [mine['id'], theirs['id'],
                                        public['id']]
