"""NeutronProtectionPlugin against the sandbox's Neutron: a topology is
saved, torn down, and made again with its ids mapped; what a restore made
goes away with its revert."""

import uuid

from neutronclient.v2_0 import client as neutron_client
import pytest

from karbor.common import constants
from karbor import objects
from karbor.resource import Resource
from karbor.tests.functional.plugins import helpers

PLUGIN = 'karbor-network-protection-plugin'
NETWORK = constants.NETWORK_RESOURCE_TYPE
pytestmark = pytest.mark.usefixtures('sqlite_db')


@pytest.fixture
def neutron(sandbox):
    return neutron_client.Client(session=sandbox.session())


@pytest.fixture
def provider(tmp_path, cloud):
    return helpers.make_provider(tmp_path, PLUGIN,
                                 'neutron_backup_protection_plugin')


@pytest.fixture
def plugin(provider):
    return provider.load_plugins()[NETWORK]


def topology(neutron):
    """A network, subnet, router with an interface on it, a security group
    with an ingress rule, and a standalone port with a fixed IP."""
    tag = uuid.uuid4().hex[:6]
    net = neutron.create_network({'network': {'name': 'net-' + tag}})[
        'network']
    subnet = neutron.create_subnet({'subnet': {
        'network_id': net['id'], 'cidr': '10.77.0.0/24', 'ip_version': 4,
        'name': 'subnet-' + tag}})['subnet']
    router = neutron.create_router({'router': {'name': 'router-' + tag}})[
        'router']
    neutron.add_interface_router(router['id'], {'subnet_id': subnet['id']})
    group = neutron.create_security_group({'security_group': {
        'name': 'web-' + tag}})['security_group']
    neutron.create_security_group_rule({'security_group_rule': {
        'security_group_id': group['id'], 'direction': 'ingress',
        'protocol': 'tcp', 'port_range_min': 80, 'port_range_max': 80,
        'ethertype': 'IPv4'}})
    port = neutron.create_port({'port': {
        'network_id': net['id'], 'name': 'port-' + tag,
        'fixed_ips': [{'subnet_id': subnet['id'],
                       'ip_address': '10.77.0.50'}],
        'security_groups': [group['id']]}})['port']
    return {'network': net, 'subnet': subnet, 'router': router,
            'group': group, 'port': port}


def tear_down(neutron, made):
    neutron.delete_port(made['port']['id'])
    neutron.remove_interface_router(made['router']['id'],
                                    {'subnet_id': made['subnet']['id']})
    neutron.delete_router(made['router']['id'])
    neutron.delete_network(made['network']['id'])
    neutron.delete_security_group(made['group']['id'])


def protect(plugin, provider, ctx):
    resource = Resource(NETWORK, ctx.project_id, 'Network Topology')
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    helpers.run_hooks(plugin.get_protect_operation(resource), checkpoint,
                      resource, ctx, operation_log=None)
    return checkpoint, resource


def restore(plugin, ctx, checkpoint, resource):
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    new_resources = {}
    operation = plugin.get_restore_operation(resource)
    helpers.run_hooks(operation, checkpoint, resource, ctx,
                      restore=record, new_resources=new_resources,
                      operation_log=None)
    return operation, record, new_resources


def test_topology_is_made_again_with_ids_mapped(plugin, provider, ctx,
                                                neutron):
    made = topology(neutron)
    checkpoint, resource = protect(plugin, provider, ctx)
    status, saved = helpers.bank_state(checkpoint, resource)
    assert status == 'available'
    assert made['router']['id'] in saved['router_metadata']
    tear_down(neutron, made)

    operation, record, new_resources = restore(plugin, ctx, checkpoint,
                                               resource)
    new = {kind: new_resources[made[kind]['id']]
           for kind in ('network', 'subnet', 'router', 'group', 'port')}
    assert all(new[kind] != made[kind]['id'] for kind in new)
    assert neutron.show_network(new['network'])['network']['name'] == \
        made['network']['name']
    subnet = neutron.show_subnet(new['subnet'])['subnet']
    assert (subnet['cidr'], subnet['network_id']) == ('10.77.0.0/24',
                                                      new['network'])
    interfaces = neutron.list_ports(device_id=new['router'])['ports']
    assert [ip['subnet_id'] for p in interfaces for ip in p['fixed_ips']] \
        == [new['subnet']]
    port = neutron.show_port(new['port'])['port']
    assert port['fixed_ips'][0]['ip_address'] == '10.77.0.50'
    assert port['security_groups'] == [new['group']]
    rules = neutron.show_security_group(new['group'])['security_group'][
        'security_group_rules']
    assert [(r['direction'], r['protocol'], r['port_range_min'])
            for r in rules if r['direction'] == 'ingress'] == [
        ('ingress', 'tcp', 80)]
    statuses = record.resources_status
    assert statuses['OS::Neutron::Net#%s' % new['network']] == 'available'
    assert statuses['%s#%s' % (NETWORK, ctx.project_id)] == 'available'

    # A failed restore deletes what it made, and says so.
    operation.on_revert(checkpoint, resource, ctx, {}, restore=record,
                        new_resources=new_resources)
    assert neutron.list_networks(id=new['network'])['networks'] == []
    assert neutron.list_routers(id=new['router'])['routers'] == []
    assert neutron.list_security_groups(id=new['group'])[
        'security_groups'] == []
    assert record.resources_status['OS::Neutron::Net#%s' %
                                   new['network']] == 'deleted'
    assert made['network']['id'] not in new_resources


def test_what_still_exists_is_reused(plugin, provider, ctx, neutron):
    made = topology(neutron)
    checkpoint, resource = protect(plugin, provider, ctx)
    _op, record, new_resources = restore(plugin, ctx, checkpoint, resource)
    for kind in ('network', 'subnet', 'router', 'group', 'port'):
        assert new_resources[made[kind]['id']] == made[kind]['id']
    assert set(record.resources_status) == {'%s#%s' % (NETWORK,
                                                       ctx.project_id)}
    tear_down(neutron, made)


def test_delete_and_copy_keep_the_bank_tidy(plugin, provider, ctx,
                                            neutron, tmp_path):
    checkpoint, resource = protect(plugin, provider, ctx)
    target = helpers.new_checkpoint(provider, ctx, [resource])
    helpers.run_hooks(plugin.get_copy_operation(resource), checkpoint,
                      resource, ctx, checkpoint_copy=target,
                      operation_log=None)
    assert helpers.bank_state(target, resource) == helpers.bank_state(
        checkpoint, resource)
    helpers.run_hooks(plugin.get_delete_operation(resource), checkpoint,
                      resource, ctx, operation_log=None)
    assert helpers.bank_state(checkpoint, resource) == ('deleted', None)
