"""Restore preview against the sandbox cloud, through the API.

The noauth API, a real protection manager (in-process RPC, SQLite) and a
provider with the Cinder backup, Nova, Neutron, Glance and pod plugins on
a file-system bank; the sandbox reached through the real clients. A
server with a volume on the project's network and on an administrator's
shared network is protected; the preview changes nothing in the cloud,
the bank or the database; the restore that follows makes what the preview
said, in an order the preview's dependencies allow; then the preview
finds the names now in use, the shared network deleted and the volume
quota exceeded. A pod's preview finds its name in use and its namespace
gone.
"""

import os
import uuid

from cinderclient import client as cinder_client
import glanceclient
from kubernetes.client import models as k8s_model
from neutronclient.v2_0 import client as neutron_client
from novaclient import client as nova_client
import pytest

from karbor.clients import k8s as k8s_clients
from karbor.services.protection.protectable_plugins import pod as pod_k8s
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.functional.plugins.conftest import cloud  # noqa: F401
from karbor.tests.functional.plugins.conftest import sandbox  # noqa: F401
from karbor.tests.functional.plugins import helpers as plugin_helpers
from karbor.tests.unit.api.conftest import api  # noqa: F401
from karbor.tests.unit.api.conftest import parsed_config  # noqa: F401
from karbor.tests.unit.api.conftest import protection  # noqa: F401
from karbor.tests.unit.api.conftest import protection_server  # noqa: F401
from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers

PROVIDER = '5d7e3c1a-9b2f-4e8d-a6c4-1f0e2d3c4b5a'
SERVER = 'OS::Nova::Server'
VOLUME = 'OS::Cinder::Volume'
IMAGE = 'OS::Glance::Image'
NETWORK = 'OS::Neutron::Network'
POD = 'OS::Kubernetes::Pod'
PLUGINS = ('karbor-volume-protection-plugin',
           'karbor-server-protection-plugin',
           'karbor-network-protection-plugin',
           'karbor-image-protection-plugin',
           'karbor-pod-protection-plugin')
EXTRA_PROVIDERS = {'cloud': '\n'.join(
    ['[provider]', 'name = Cloud', 'id = %s' % PROVIDER,
     'bank = karbor-fs-bank-plugin', 'enabled = True'] +
    ['plugin = %s' % p for p in PLUGINS] +
    ['', '[file_system_bank_plugin]', 'file_system_bank_path = {bank}'] +
    ['\n[%s]\npoll_interval = 0.02' % group for group in (
        'cinder_backup_protection_plugin', 'nova_backup_protection_plugin',
        'image_backup_plugin', 'pod_backup_protection_plugin')]) + '\n'}


class Cloud(object):
    """The demo user's clients of the sandbox, and the admin's."""

    def __init__(self, sb):
        session, admin = sb.session(), sb.admin_session()
        self.project_id = sb.project_id
        self.cinder = cinder_client.Client('3.60', session=session)
        self.admin_cinder = cinder_client.Client('3.60', session=admin)
        self.nova = nova_client.Client('2.1', session=session)
        self.glance = glanceclient.Client('2', session=session)
        self.neutron = neutron_client.Client(session=session)
        self.admin_neutron = neutron_client.Client(session=admin)
        self.k8s = k8s_clients.create()

    def walk(self):
        """Everything of the cloud a restore could make or change."""
        k8s = self.k8s
        return {
            'volumes': sorted((v.id, v.name, v.status, v.size)
                              for v in self.cinder.volumes.list()),
            'snapshots': sorted(
                (s.id, s.status)
                for s in self.cinder.volume_snapshots.list()),
            'backups': sorted((b.id, b.status)
                              for b in self.cinder.backups.list()),
            'servers': sorted((s.id, s.name, s.status)
                              for s in self.nova.servers.list()),
            'images': sorted((i.id, i.name, i.status)
                             for i in self.glance.images.list()),
            'networks': sorted(
                (n['id'], n['name'])
                for n in self.neutron.list_networks()['networks']),
            'ports': sorted(p['id']
                            for p in self.neutron.list_ports()['ports']),
            'namespaces': sorted(n.metadata.name for n in
                                 k8s.list_namespace().items),
            'pods': sorted((p.metadata.namespace, p.metadata.name) for p in
                           k8s.list_pod_for_all_namespaces().items),
            'claims': sorted(
                (c.metadata.namespace, c.metadata.name) for c in
                k8s.list_persistent_volume_claim_for_all_namespaces().items),
            'pvs': sorted(v.metadata.name for v in
                          k8s.list_persistent_volume().items)}


@pytest.fixture
def world(cloud, api, protection_server):  # noqa: F811
    clients = Cloud(cloud)
    clients.api = api
    clients.base = '/v1/' + cloud.project_id
    clients.token = 'demo:' + cloud.project_id
    clients.state_path = protection_server[1]['state_path']
    return clients


def call(world, method, path, body=None):
    return helpers.request(world.api, method, world.base + path, body=body,
                           token=world.token)


def protect(world, resources):
    plan = fh.ok(call(world, 'POST', '/plans', {'plan': {
        'name': 'preview', 'provider_id': PROVIDER, 'parameters': {},
        'resources': resources}}))['plan']
    checkpoint = fh.ok(call(world, 'POST', '/providers/%s/checkpoints'
                            % PROVIDER, {'checkpoint': {
                                'plan_id': plan['id']}}))['checkpoint']
    return fh.wait_for(lambda: fh.ok(call(
        world, 'GET', '/providers/%s/checkpoints/%s' % (
            PROVIDER, checkpoint['id'])))['checkpoint'],
        ('available', 'error'))


def restore_body(checkpoint, parameters=None):
    return {'restore': {'provider_id': PROVIDER,
                        'checkpoint_id': checkpoint['id'],
                        'parameters': parameters or {}}}


def preview(world, checkpoint, parameters=None):
    return fh.ok(call(world, 'POST', '/restores/preview', restore_body(
        checkpoint, parameters)))['restore_preview']


def state(world):
    """The cloud, the bank files, the restores, operation logs,
    checkpoints and quota usage."""
    bank = {}
    for directory, _dirs, files in os.walk(world.state_path):
        for name in files:
            path = os.path.join(directory, name)
            with open(path, 'rb') as handle:
                bank[path] = handle.read()
    return (world.walk(), bank,
            fh.ok(call(world, 'GET', '/restores'))['restores'],
            fh.ok(call(world, 'GET', '/operation_logs'))['operation_logs'],
            fh.ok(call(world, 'GET', '/providers/%s/checkpoints'
                       % PROVIDER))['checkpoints'],
            fh.ok(call(world, 'GET', '/quotas/%s/detail'
                       % world.project_id))['quota'])


def by_key(plan):
    return {'%s#%s' % (r['type'], r['original_id']): r
            for r in plan['resources']}


def conflicts(plan, kind):
    return {(c['type'], c['original_id']) for c in plan['conflicts']
            if c['kind'] == kind}


def server_with_volume(world):
    """A server on the project's network and on an administrator's shared
    one, with a data volume: ``(server, volume, shared network)``."""
    net = world.neutron.create_network({'network': {
        'name': 'own-%s' % uuid.uuid4().hex[:6]}})['network']
    world.neutron.create_subnet({'subnet': {
        'network_id': net['id'], 'cidr': '10.77.0.0/24', 'ip_version': 4}})
    shared = world.admin_neutron.create_network({'network': {
        'name': 'shared-%s' % uuid.uuid4().hex[:6],
        'shared': True}})['network']
    world.admin_neutron.create_subnet({'subnet': {
        'network_id': shared['id'], 'cidr': '10.78.0.0/24',
        'ip_version': 4}})
    image = plugin_helpers.new_image(world.glance)
    server = plugin_helpers.new_server(world.nova, image.id, nics=[
        {'net-id': net['id']}, {'net-id': shared['id']}])
    volume = plugin_helpers.new_volume(world.cinder, 'data', 2)
    world.nova.volumes.create_server_volume(server.id, volume.id,
                                            '/dev/vdb')
    plugin_helpers.wait_until(lambda: world.cinder.volumes.get(
        volume.id).status == 'in-use')
    return server, volume, shared


def created_after(world, before):
    """``(kind, name) -> creation time to the second`` (Nova's resolution)
    of the volumes, images and servers made since ``before`` (a
    ``walk()``)."""
    made = {}
    for kind, items, stamp in (
            ('volumes', world.cinder.volumes.list(), 'created_at'),
            ('images', world.glance.images.list(), 'created_at'),
            ('servers', world.nova.servers.list(), 'created')):
        old = {item[0] for item in before[kind]}
        made.update(((kind, item.name), getattr(item, stamp)[:19])
                    for item in items if item.id not in old)
    return made


def test_preview_is_the_restore_and_finds_conflicts(world):
    server, volume, shared = server_with_volume(world)
    checkpoint = protect(world, [{'id': server.id, 'type': SERVER,
                                  'name': server.name}])
    assert checkpoint['status'] == 'available', checkpoint
    parameters = {SERVER: {'restore_name': 'again'}}

    before = state(world)
    plan = preview(world, checkpoint, parameters)
    assert state(world) == before

    resources = by_key(plan)
    server_key = '%s#%s' % (SERVER, server.id)
    volume_key = '%s#%s' % (VOLUME, volume.id)
    network_key = '%s#%s' % (NETWORK, world.project_id)
    assert set(resources) >= {server_key, volume_key, network_key}
    assert plan['order'][-1] == server_key
    assert set(resources[server_key]['depends_on']) >= {volume_key,
                                                        network_key}
    for key in plan['order']:
        position = plan['order'].index(key)
        assert all(plan['order'].index(dep) < position
                   for dep in resources[key]['depends_on'])
    assert [r['order'] for r in plan['resources']] == list(
        range(1, len(plan['order']) + 1))
    assert resources[server_key]['name'] == 'again'
    assert resources[server_key]['parameters'] == {'restore_name': 'again'}
    assert resources[server_key]['details']['networks'] == {
        next(iter(resources[network_key]['details']['networks'])): 'exists',
        shared['id']: 'exists'}
    assert resources[server_key]['details']['creates'] == [
        {'type': IMAGE, 'name': 'again-root-disk'}]
    volume_name = '%s@%s' % (checkpoint['id'], volume.id)
    assert resources[volume_key]['name'] == volume_name
    assert resources[volume_key]['parameters']['restore_name'] == \
        volume_name
    assert resources[volume_key]['details'] == {'size_gb': 2}
    assert resources[volume_key]['target'] == \
        'project %s' % world.project_id
    assert plan['conflicts'] == []

    # The restore makes what the preview said, dependencies first.
    restore = fh.ok(call(world, 'POST', '/restores', restore_body(
        checkpoint, parameters)))['restore']
    done = fh.wait_for(lambda: fh.ok(call(
        world, 'GET', '/restores/' + restore['id']))['restore'],
        ('success', 'fail'))
    assert done['status'] == 'success', done
    made = created_after(world, before[0])
    planned = {('volumes', resources[volume_key]['name']),
               ('servers', 'again')}
    planned |= {('images', r['name']) for r in plan['resources']
                if r['type'] == IMAGE}
    planned |= {('images', c['name']) for r in plan['resources']
                for c in r['details'].get('creates', ())}
    assert set(made) == planned
    assert made['volumes', volume_name] <= made['servers', 'again']
    statuses = done['resources_status']
    new_server = [key for key in statuses if key.startswith(SERVER)]
    assert len(new_server) == 1
    assert world.nova.servers.get(new_server[0].split('#')[1]).name == \
        'again'

    # Now the names are taken ...
    again = preview(world, checkpoint, parameters)
    assert conflicts(again, 'name_in_use') >= {(SERVER, server.id),
                                               (VOLUME, volume.id)}
    # ... the shared network goes ...
    for vm in world.nova.servers.list():
        world.nova.servers.delete(vm.id)
    plugin_helpers.wait_until(lambda: not world.nova.servers.list())
    world.admin_neutron.delete_network(shared['id'])
    # ... and the volume quota is full.
    used = sum(v.size for v in world.cinder.volumes.list())
    world.admin_cinder.quotas.update(world.project_id, gigabytes=used + 1)
    try:
        found = preview(world, checkpoint, parameters)
    finally:
        world.admin_cinder.quotas.update(world.project_id, gigabytes=-1)
    assert conflicts(found, 'missing_network') == {(SERVER, server.id)}
    assert conflicts(found, 'quota') == {(VOLUME, volume.id)}
    [quota] = [c for c in found['conflicts'] if c['kind'] == 'quota']
    assert 'volume gigabytes' in quota['message']


def test_pod_preview_finds_its_name_and_namespace(world):
    k8s = world.k8s
    namespace = 'preview-%s' % uuid.uuid4().hex[:6]
    k8s.create_namespace(k8s_model.V1Namespace(
        metadata=k8s_model.V1ObjectMeta(name=namespace)))
    k8s.create_namespaced_pod(namespace, k8s_model.V1Pod(
        metadata=k8s_model.V1ObjectMeta(name='web'),
        spec=k8s_model.V1PodSpec(containers=[k8s_model.V1Container(
            name='app', image='nginx')])))
    plugin_helpers.wait_pod_running(k8s, 'web', namespace)
    pod_id = pod_k8s.pod_id(namespace, 'web')
    checkpoint = protect(world, [{'id': pod_id, 'type': POD,
                                  'name': '%s:web' % namespace}])
    assert checkpoint['status'] == 'available', checkpoint

    before = state(world)
    [step] = preview(world, checkpoint)['resources']
    assert state(world) == before
    assert (step['name'], step['target']) == (
        'karbor-restored-pod-<restore id>', 'namespace %s' % namespace)
    assert step['details']['creates'] == [
        {'kind': 'pod', 'name': 'karbor-restored-pod-<restore id>'}]

    taken = preview(world, checkpoint, {POD: {'restore_name': 'web'}})
    assert [(c['original_id'], c['kind']) for c in taken['conflicts']] == [
        (pod_id, 'name_in_use')]

    k8s.delete_namespace(namespace)
    plugin_helpers.wait_until(lambda: namespace not in {
        n.metadata.name for n in k8s.list_namespace().items})
    gone = preview(world, checkpoint, {POD: {'restore_name': 'web'}})
    [conflict] = gone['conflicts']
    assert conflict['kind'] == 'missing'
    assert namespace in conflict['message']
