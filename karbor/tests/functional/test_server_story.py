"""The launch-instance story, protected and restored whole.

With the real ``openstack`` and ``karbor`` command-line clients against
``karbor-all`` and its sandbox: a network and subnet, a volume, a server
booted from the seeded image on that network with the volume attached.
A plan of the server (its dependents come from the protectable graph) is
checkpointed; the server, volume and image are deleted; the restore makes
them again, with the same bytes; deleting the checkpoint leaves nothing in
the bank or in the sandbox. The same on the OS Infra provider's Swift bank,
on an S3 bank, and from a copy of the checkpoint in another provider's
bank; then the faults.
"""

import json
import os
import shutil
import textwrap
import uuid

import types

import boto3
from cinderclient import client as cinder_client
from cinderclient import exceptions as cinder_exc
import glanceclient
from keystoneauth1 import identity
from keystoneauth1 import session as ks_session
from neutronclient.v2_0 import client as neutron_client
from novaclient import client as nova_client
from novaclient import exceptions as nova_exc
import pytest
import requests

from karbor.cmd import all as karbor_all
from karbor.tests.functional.banks.conftest import moto_endpoint  # noqa
from karbor.tests.functional import deployment
from karbor.tests.functional import quickstart

OS_INFRA = 'cf56bd3e-97a7-4078-b6d5-f36246333fd9'
S3_PROVIDER = '4f0b7c1e-2a7d-4c59-9d0e-5b8c61e0f3a1'
COPY_SOURCE = '7a3e9d20-61c4-4d8e-8f1b-0c2d5e6f7a8b'
COPY_TARGET = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f'
SERVER = 'OS::Nova::Server'
VOLUME = 'OS::Cinder::Volume'
IMAGE = 'OS::Glance::Image'
NETWORK = 'OS::Neutron::Network'
PLUGINS = ('karbor-volume-protection-plugin',
           'karbor-image-protection-plugin',
           'karbor-server-protection-plugin',
           'karbor-network-protection-plugin')
PLUGIN_OPTIONS = """
[cinder_backup_protection_plugin]
poll_interval = 0.2

[nova_backup_protection_plugin]
poll_interval = 0.2

[image_backup_plugin]
poll_interval = 0.2
"""
VOLUME_BYTES = b'karbor volume bytes\n' * 3000
DATA = os.path.join(os.path.dirname(__file__), 'data')


def _provider_file(directory, name, provider_id, bank, bank_options,
                   copy_to=None):
    lines = ['[provider]', 'name = %s' % name, 'id = %s' % provider_id,
             'bank = %s' % bank, 'enabled = True']
    lines += ['plugin = %s' % p for p in PLUGINS]
    if copy_to:
        lines.append('copy_provider_id = %s' % copy_to)
    with open(os.path.join(directory, name + '.conf'), 'w') as conf:
        conf.write('\n'.join(lines) + '\n' + textwrap.dedent(bank_options) +
                   PLUGIN_OPTIONS)


def _fs_bank(path):
    return '\n[file_system_bank_plugin]\nfile_system_bank_path = %s\n' % path


def write_providers(state_dir, cloud, s3_endpoint):
    """The shipped providers, plus an S3 one and a copying pair."""
    directory = os.path.join(state_dir, 'providers.d')
    karbor_all._copy_providers(karbor_all.shipped_providers_dir(),
                               directory, cloud)
    _provider_file(directory, 'story-s3', S3_PROVIDER,
                   'karbor-s3-bank-plugin', """
        [s3_client]
        s3_endpoint = %s
        s3_access_key = demo
        s3_secret_key = password

        [s3_bank_plugin]
        bank_s3_object_bucket = story
        bank_s3_lease_bucket = story-lease
        """ % s3_endpoint)
    _provider_file(directory, 'story-copy-source', COPY_SOURCE,
                   'karbor-fs-bank-plugin', _fs_bank('banks/copy-source'),
                   copy_to=COPY_TARGET)
    _provider_file(directory, 'story-copy-target', COPY_TARGET,
                   'karbor-fs-bank-plugin', _fs_bank('banks/copy-target'))


@pytest.fixture(scope='module')
def karbor(tmp_path_factory, moto_endpoint):  # noqa: F811
    state_dir = tmp_path_factory.mktemp('story')
    setup = quickstart.QuickStart(state_dir)
    write_providers(str(state_dir), 'http://127.0.0.1:%d' %
                    setup.sandbox_port, moto_endpoint)
    setup.start()
    setup.s3_endpoint = moto_endpoint
    setup.cloud = clients(setup)
    yield setup
    setup.stop()


def clients(setup):
    """The demo user's Python clients of the sandbox, for the waits and
    the checks for leftovers (the story's steps use the CLIs)."""
    env = setup.env()
    session = ks_session.Session(auth=identity.Password(
        auth_url=env['OS_AUTH_URL'], username='demo', password='password',
        project_name='demo', user_domain_id='default',
        project_domain_id='default'))
    return types.SimpleNamespace(
        session=session, nova=nova_client.Client('2.1', session=session),
        cinder=cinder_client.Client('3', session=session),
        glance=glanceclient.Client('2', session=session),
        neutron=neutron_client.Client(session=session))


# CLI helpers


def openstack(karbor, *args):
    """``openstack <args> -f json`` as Python data (None if no output)."""
    out = karbor.run('openstack', *args, '-f', 'json').stdout
    return json.loads(out) if out.strip() else None


def wait(predicate, what, timeout=60):
    return deployment.wait_for(predicate, timeout=timeout, what=what)


def volume_status(karbor, volume_id):
    try:
        return karbor.cloud.cinder.volumes.get(volume_id).status
    except cinder_exc.NotFound:
        return None


def server_status(karbor, server_id):
    try:
        return karbor.cloud.nova.servers.get(server_id).status
    except nova_exc.NotFound:
        return None


def blob_path(karbor, key):
    return os.path.join(karbor.state_dir, 'sandbox', 'blobs', key)


def image_bytes(karbor, image_id, tmp_path):
    target = str(tmp_path / ('image-%s' % image_id))
    karbor.run('openstack', 'image', 'save', '--file', target, image_id)
    with open(target, 'rb') as data:
        return data.read()


def rows(output):
    return deployment.table_rows(output)[1:]


# The estate


def launch(karbor, tag):
    """Network, subnet, volume (with known bytes) and a server booted
    from the seeded image on that network, the volume attached."""
    net = openstack(karbor, 'network', 'create', 'net-%s' % tag)
    subnet = openstack(karbor, 'subnet', 'create', '--network', net['id'],
                       '--subnet-range', '10.%d.0.0/24' % (
                           hash(tag) % 200 + 20), 'subnet-%s' % tag)
    volume = openstack(karbor, 'volume', 'create', '--size', '1',
                       'vol-%s' % tag)
    wait(lambda: volume_status(karbor, volume['id']) == 'available',
         'volume available')
    server = openstack(karbor, 'server', 'create', '--image', 'demo-image',
                       '--flavor', 'm1.tiny', '--network', net['id'],
                       'vm-%s' % tag)
    wait(lambda: server_status(karbor, server['id']) == 'ACTIVE',
         'server ACTIVE')
    karbor.run('openstack', 'server', 'add', 'volume', '--device',
               '/dev/vdb', server['id'], volume['id'])
    wait(lambda: volume_status(karbor, volume['id']) == 'in-use',
         'volume in-use')
    with open(blob_path(karbor, 'volume-%s' % volume['id']), 'wb') as blob:
        blob.write(VOLUME_BYTES)
    [image] = karbor.cloud.glance.images.list(filters={
        'name': 'demo-image'})
    return {'network': net, 'subnet': subnet, 'volume': volume,
            'server': openstack(karbor, 'server', 'show', server['id']),
            'image': image}


def server_plan(karbor, provider_id, estate, name='server plan'):
    server = estate['server']
    return karbor.show('plan-create', name, provider_id, '%s=%s=%s' % (
        server['id'], SERVER, server['name']))


def protect(karbor, provider_id, plan_id):
    created = karbor.show('checkpoint-create', provider_id, plan_id)
    return karbor.wait_for(('checkpoint-show', provider_id, created['id']),
                           'status', ('available', 'error'))


def restore(karbor, provider_id, checkpoint_id, name):
    created = karbor.show(
        'restore-create', provider_id, checkpoint_id, '--parameters',
        'resource_type=%s,restore_name=%s' % (SERVER, name))
    return karbor.wait_for(('restore-show', created['id']), 'status',
                           ('success', 'fail'), timeout=90)


def copy_checkpoint(karbor, provider_id, plan_id):
    """Copy the plan's checkpoint (copy API, which the CLI lacks) into the
    provider's copy provider; the id of the copy, once available."""
    token = karbor.cloud.session.get_token()
    response = requests.post(
        'http://127.0.0.1:%d/v1/%s/providers/%s/checkpoints/action' % (
            karbor.port, karbor.project_id, provider_id),
        json={'copy': {'plan_id': plan_id, 'parameters': {}}},
        headers={'X-Auth-Token': token}, timeout=30)
    assert response.status_code == 200, response.text
    [pair] = response.json()['copy']['checkpoint_id']
    copy_id = pair['checkpoint_copy_id']
    copied = karbor.wait_for(('checkpoint-show', COPY_TARGET, copy_id),
                             'status', ('available', 'error'))
    assert copied['status'] == 'available', copied
    return copy_id


def graph_of(checkpoint):
    """``{(type, id): [(child type, child id), ...]}`` of a checkpoint."""
    nodes, edges = json.loads(checkpoint['resource_graph'])
    key = {sid: (node[0], node[1]) for sid, node in nodes.items()}
    graph = {k: [] for k in key.values()}
    for parent, children in edges:
        graph[key[parent]] = sorted(key[c] for c in children)
    return graph


def delete_originals(karbor, estate, delete_image=True):
    server_id = estate['server']['id']
    karbor.run('openstack', 'server', 'delete', server_id)
    wait(lambda: server_status(karbor, server_id) is None, 'server gone')
    wait(lambda: volume_status(karbor, estate['volume']['id']) ==
         'available', 'volume detached')
    karbor.run('openstack', 'volume', 'delete', estate['volume']['id'])
    if delete_image:
        karbor.run('openstack', 'image', 'delete', estate['image']['id'])


def statuses(done):
    return eval(done['resources_status'])  # the CLI prints a repr


def new_id(done, resource_type):
    found = [key.split('#', 1)[1] for key, value in statuses(done).items()
             if key.startswith(resource_type + '#') and value == 'available']
    assert len(found) == 1, statuses(done)
    return found[0]


# Leftovers


def swift_bank_keys(session, prefix):
    """Keys under ``prefix`` in the OS Infra provider's Swift bank."""
    listed = session.get(
        '/karbor', endpoint_filter={'service_type': 'object-store'},
        params={'prefix': prefix, 'format': 'json'}).json()
    return [o['name'] for o in listed]


def bank_leftovers(karbor, provider_id, checkpoint_id):
    """Keys of the checkpoint's resource data other than ``status``."""
    prefix = 'checkpoints/%s/resource-data/' % checkpoint_id
    if provider_id == OS_INFRA:
        keys = swift_bank_keys(karbor.cloud.session, prefix)
    elif provider_id == S3_PROVIDER:
        s3 = boto3.client('s3', endpoint_url=karbor.s3_endpoint,
                          aws_access_key_id='demo',
                          aws_secret_access_key='password',
                          region_name='us-east-1')
        found = s3.list_objects_v2(Bucket='story', Prefix=prefix)
        keys = [o['Key'] for o in found.get('Contents', ())]
    else:
        name = {COPY_SOURCE: 'copy-source', COPY_TARGET: 'copy-target'}[
            provider_id]
        root = os.path.join(karbor.state_dir, 'banks', name)
        keys = [os.path.relpath(os.path.join(d, f), root)
                for d, _dirs, files in os.walk(root) for f in files
                if checkpoint_id in d and 'resource-data' in d]
    return [k for k in keys if not k.rstrip('/').endswith('/status')
            and not os.path.basename(k).startswith('status')]


def sandbox_leftovers(karbor, volume_ids=()):
    """Backups and snapshots of the given volumes, and Karbor's server
    snapshot images, still in the sandbox."""
    cloud = karbor.cloud
    backups = [b.id for b in cloud.cinder.backups.list()
               if b.volume_id in volume_ids]
    snapshots = [s.id for s in cloud.cinder.volume_snapshots.list()
                 if s.volume_id in volume_ids]
    images = [i.name for i in cloud.glance.images.list()
              if (i.name or '').startswith('karbor-snapshot-')]
    return backups + snapshots + images


# The story


def check_restored(karbor, estate, done, tmp_path, original_image):
    assert done['status'] == 'success', done
    server_id = new_id(done, SERVER)
    server = openstack(karbor, 'server', 'show', server_id)
    assert server['status'] == 'ACTIVE'
    assert server['name'] == 'restored-vm'
    net_name = estate['network']['name']
    addresses = server['addresses']
    assert net_name in (addresses if isinstance(addresses, dict)
                        else str(addresses))
    volume_id = new_id(done, VOLUME)
    attachments = openstack(karbor, 'server', 'volume', 'list', server_id)
    assert [(a['Volume ID'], a['Device']) for a in attachments] == [
        (volume_id, '/dev/vdb')]
    with open(blob_path(karbor, 'volume-%s' % volume_id), 'rb') as blob:
        assert blob.read() == VOLUME_BYTES
    images = [karbor.cloud.glance.images.get(key.split('#', 1)[1])
              for key, value in statuses(done).items()
              if key.startswith(IMAGE + '#') and value == 'available']
    # The image, and the server's disk (booted from it)
    images.sort(key=lambda i: i['name'].endswith('-root-disk'))
    assert [i['name'] for i in images] == ['karbor-restore-image',
                                           'restored-vm-root-disk']
    for image in images:
        assert image_bytes(karbor, image['id'], tmp_path) == original_image
    return server_id, volume_id, [i['id'] for i in images]


def cleanup(karbor, server_id, volume_id, image_ids, estate):
    cloud = karbor.cloud
    cloud.nova.servers.delete(server_id)
    wait(lambda: volume_status(karbor, volume_id) == 'available',
         'restored volume detached')
    cloud.cinder.volumes.delete(volume_id)
    for image_id in image_ids:
        cloud.glance.images.delete(image_id)
    cleanup_network(karbor, estate)


def cleanup_network(karbor, estate):
    wait(lambda: not karbor.cloud.neutron.list_ports(
        network_id=estate['network']['id'], device_owner='compute:nova')[
        'ports'], 'ports gone')
    karbor.cloud.neutron.delete_network(estate['network']['id'])


def seeded_image_back(karbor, image_ids):
    """The seeded image was deleted: name its restored copy demo-image
    again, for the next story."""
    karbor.cloud.glance.images.update(image_ids[0], name='demo-image')


@pytest.mark.parametrize('bank', ['swift', 's3', 'copied'])
def test_server_story(karbor, tmp_path, bank):
    provider_id = {'swift': OS_INFRA, 's3': S3_PROVIDER,
                   'copied': COPY_SOURCE}[bank]
    tag = '%s-%s' % (bank, uuid.uuid4().hex[:4])
    estate = launch(karbor, tag)
    original_image = image_bytes(karbor, estate['image']['id'], tmp_path)
    plan = server_plan(karbor, provider_id, estate)
    checkpoint = protect(karbor, provider_id, plan['id'])
    assert checkpoint['status'] == 'available', checkpoint
    server = (SERVER, estate['server']['id'])
    assert graph_of(checkpoint)[server] == sorted([
        (IMAGE, estate['image']['id']), (NETWORK, karbor.project_id),
        (VOLUME, estate['volume']['id'])])
    restore_provider, restore_checkpoint = provider_id, checkpoint['id']
    if bank == 'copied':
        restore_provider = COPY_TARGET
        restore_checkpoint = copy_checkpoint(karbor, provider_id, plan['id'])
        karbor.karbor('checkpoint-delete', provider_id, checkpoint['id'])
        karbor.wait_for(('checkpoint-show', provider_id, checkpoint['id']),
                        'status', ('deleted',))
        assert bank_leftovers(karbor, provider_id, checkpoint['id']) == []
    delete_originals(karbor, estate)
    done = restore(karbor, restore_provider, restore_checkpoint,
                   'restored-vm')
    server_id, volume_id, images = check_restored(
        karbor, estate, done, tmp_path, original_image)
    karbor.karbor('checkpoint-delete', restore_provider, restore_checkpoint)
    karbor.wait_for(('checkpoint-show', restore_provider,
                     restore_checkpoint), 'status', ('deleted',))
    assert bank_leftovers(karbor, restore_provider, restore_checkpoint) == []
    assert sandbox_leftovers(karbor, (estate['volume']['id'],)) == []
    seeded_image_back(karbor, images)
    cleanup(karbor, server_id, volume_id, images[1:], estate)
    shutil.rmtree(str(tmp_path), ignore_errors=True)


def test_network_protectables(karbor):
    """A project's networks are its "Network Topology" (id = project id),
    a dependent of every server on them."""
    listed = rows(karbor.karbor('protectable-list-instances',
                                NETWORK).stdout)
    assert [row[:3] for row in listed] == [
        [karbor.project_id, NETWORK, 'Network Topology']]
    shown = karbor.show('protectable-show-instance', NETWORK,
                        karbor.project_id)
    assert (shown['id'], shown['name']) == (karbor.project_id,
                                            'Network Topology')
    other = karbor.karbor('protectable-show-instance', NETWORK,
                          uuid.uuid4().hex, check=False)
    assert other.returncode == 1 and 'HTTP 404' in other.stderr
    [server] = karbor.cloud.nova.servers.list(search_opts={
        'name': '^demo-server$'})
    shown = karbor.show('protectable-show-instance', SERVER, server.id)
    dependents = json.loads(shown['dependent_resources'])
    assert (NETWORK, karbor.project_id) in {(d['type'], d['id'])
                                            for d in dependents}


def test_os_infra_server_schemas_as_in_the_guide(karbor):
    shown = karbor.show('provider-show', OS_INFRA)
    schemas = json.loads(shown['extended_info_schema'])
    with open(os.path.join(DATA, 'seed000_server_schemas.json')) as seed:
        expected = json.load(seed)
    for kind in ('options_schema', 'restore_schema', 'saved_info_schema'):
        assert schemas[kind][SERVER] == expected[kind]
    assert NETWORK in schemas['restore_schema']


# Faults


def inject(karbor, **fault):
    response = requests.post('http://127.0.0.1:%d/sandbox/faults'
                             % karbor.sandbox_port, json=fault, timeout=10)
    assert response.status_code == 201, response.text


def operation_error(karbor, checkpoint_id=None, restore_id=None):
    """The error reason of the operation log of a checkpoint / restore."""
    token = karbor.cloud.session.get_token()
    logs = requests.get('http://127.0.0.1:%d/v1/%s/operation_logs' % (
        karbor.port, karbor.project_id), headers={'X-Auth-Token': token},
        timeout=30).json()['operation_logs']
    return [log['error_info'] for log in logs
            if (checkpoint_id and log['checkpoint_id'] == checkpoint_id and
                log['operation_type'] == 'protect') or
            (restore_id and log.get('restore_id') == restore_id)]


def no_karbor_leftovers(karbor, estate, checkpoint_id, provider_id):
    assert bank_leftovers(karbor, provider_id, checkpoint_id) == []
    assert sandbox_leftovers(karbor, (estate['volume']['id'],)) == []


def test_create_image_fails(karbor):
    """The server snapshot fails: the checkpoint is ``error``, the reason
    names the server, and no backup, snapshot, image or bank data stays."""
    estate = launch(karbor, 'nosnap-%s' % uuid.uuid4().hex[:4])
    server_id = estate['server']['id']
    inject(karbor, service='compute', operation='createImage',
           resource_id=server_id)
    plan = server_plan(karbor, S3_PROVIDER, estate)
    checkpoint = protect(karbor, S3_PROVIDER, plan['id'])
    assert checkpoint['status'] == 'error'
    [reason] = operation_error(karbor, checkpoint_id=checkpoint['id'])
    assert server_id in reason and 'createImage' in reason
    no_karbor_leftovers(karbor, estate, checkpoint['id'], S3_PROVIDER)
    assert server_status(karbor, server_id) == 'ACTIVE'
    delete_originals(karbor, estate, delete_image=False)
    cleanup_network(karbor, estate)


def test_volume_attach_fails_on_restore(karbor, tmp_path):
    """Attaching the restored volume fails: the restore is ``fail`` naming
    the server and the volume, and the server, volume and images it made
    are deleted."""
    estate = launch(karbor, 'noattach-%s' % uuid.uuid4().hex[:4])
    plan = server_plan(karbor, S3_PROVIDER, estate)
    checkpoint = protect(karbor, S3_PROVIDER, plan['id'])
    assert checkpoint['status'] == 'available', checkpoint
    delete_originals(karbor, estate, delete_image=False)
    cloud = karbor.cloud
    images_before = {i.id for i in cloud.glance.images.list()}
    volumes_before = {v.id for v in cloud.cinder.volumes.list()}
    inject(karbor, service='compute', operation='attach')
    done = restore(karbor, S3_PROVIDER, checkpoint['id'], 'doomed-vm')
    assert done['status'] == 'fail'
    reasons = eval(done['resources_reason'])
    server_key = '%s#%s' % (SERVER, estate['server']['id'])
    assert estate['volume']['id'] in reasons[server_key]
    assert 'attach' in reasons[server_key]
    assert [s for s in cloud.nova.servers.list()
            if s.name == 'doomed-vm'] == []
    assert {i.id for i in cloud.glance.images.list()} == images_before
    assert {v.id for v in cloud.cinder.volumes.list()} == volumes_before
    karbor.karbor('checkpoint-delete', S3_PROVIDER, checkpoint['id'])
    karbor.wait_for(('checkpoint-show', S3_PROVIDER, checkpoint['id']),
                    'status', ('deleted',))
    no_karbor_leftovers(karbor, estate, checkpoint['id'], S3_PROVIDER)
    cleanup_network(karbor, estate)
