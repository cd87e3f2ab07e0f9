"""Cancel the protect of every resource type, on karbor-all and its sandbox,
and a server's restore.

For each type (volume, server, image, network, share, database, pod) a
plan of the seeded resource is checkpointed with a slow backend step
(a ``slow`` fault of the sandbox on the backup, snapshot or image the
plugin makes; image and network, which make nothing slow, share their plan
with a slowly backed-up volume). Once a step is done the protect is
cancelled; the checkpoint must end ``cancelled`` with who and when, its
operation log ``cancelled`` with nothing left unrolled, and a walk of the
bank and of the sandbox must find nothing the protect made.
"""

import json
import os
import types

from cinderclient import client as cinder_client
import glanceclient
from keystoneauth1 import identity
from keystoneauth1 import session as ks_session
from manilaclient import client as manila_client
from novaclient import client as nova_client
import pytest
import requests
from troveclient import client as trove_client

from karbor.tests.functional import deployment
from karbor.tests.functional import quickstart
from karbor.tests.functional import test_server_story

OS_INFRA = 'cf56bd3e-97a7-4078-b6d5-f36246333fd9'
SHARE_DB = '0f3c1a9e-5d2b-4c47-9a61-6b8e2d7f4c15'
KUBERNETES = 'e3982e71-f44d-4b09-8abd-3e53e4b80d10'
VOLUME = 'OS::Cinder::Volume'
SERVER = 'OS::Nova::Server'
IMAGE = 'OS::Glance::Image'
NETWORK = 'OS::Neutron::Network'
SHARE = 'OS::Manila::Share'
DATABASE = 'OS::Trove::Instance'
POD = 'OS::Kubernetes::Pod'
SLOW = 4


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('cancel-types'))
    setup.start()
    env = setup.env()
    session = ks_session.Session(auth=identity.Password(
        auth_url=env['OS_AUTH_URL'], username='demo', password='password',
        project_name='demo', user_domain_id='default',
        project_domain_id='default'))
    setup.cloud = types.SimpleNamespace(
        session=session, cinder=cinder_client.Client('3', session=session),
        glance=glanceclient.Client('2', session=session),
        manila=manila_client.Client('2', session=session),
        nova=nova_client.Client('2.1', session=session),
        trove=trove_client.Client('1.0', session=session))
    yield setup
    setup.stop()


def api(karbor, method, path, body=None, status=200):
    response = requests.request(
        method, 'http://127.0.0.1:%d/v1/%s%s' % (karbor.port,
                                                  karbor.project_id, path),
        json=body, timeout=30,
        headers={'X-Auth-Token': karbor.cloud.session.get_token()})
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def slow(karbor, service, operation, resource_id):
    requests.post('http://127.0.0.1:%d/sandbox/faults' % karbor.sandbox_port,
                  json={'service': service, 'operation': operation,
                        'resource_id': resource_id, 'action': 'slow',
                        'delay': SLOW}, timeout=10).raise_for_status()


def instance(karbor, resource_type, name=None):
    """The protectable instance of ``resource_type`` (named ``name``)."""
    found = api(karbor, 'GET', '/protectables/%s/instances' %
                resource_type)['instances']
    found = [i for i in found if name is None or i['name'] == name]
    assert found, (resource_type, name)
    return {'id': found[0]['id'], 'type': resource_type,
            'name': found[0]['name']}


def new_database(karbor):
    trove = karbor.cloud.trove
    made = trove.instances.create('cancel-db', '3', volume={'size': 1},
                                  datastore='mysql',
                                  datastore_version='8.0.29')
    deployment.wait_for(lambda: trove.instances.get(made.id).status ==
                        'ACTIVE', timeout=30, what='database ACTIVE')
    return {'id': made.id, 'type': DATABASE, 'name': 'cancel-db'}


def protect_and_cancel(karbor, provider_id, resources, wait_done=None):
    """Checkpoint a plan of ``resources``; cancel it once a step runs
    (or once resource ``wait_done`` is done); the checkpoint's id."""
    plan = api(karbor, 'POST', '/plans', {'plan': {
        'name': 'cancel', 'provider_id': provider_id, 'parameters': {},
        'resources': resources}})['plan']
    path = '/providers/%s/checkpoints' % provider_id
    checkpoint = api(karbor, 'POST', path, {'checkpoint': {
        'plan_id': plan['id']}})['checkpoint']
    path += '/' + checkpoint['id']

    def started():
        view = api(karbor, 'GET', path + '/progress')['progress']
        steps = [r for r in view['resources']
                 if wait_done is None or r['id'] == wait_done]
        if wait_done is not None:
            return any(r['status'] == 'done' for r in steps) and view
        return any(r['status'] == 'running' for r in steps) and view
    view = deployment.wait_for(started, timeout=60, interval=0.1,
                               what='a step of %s' % path)
    assert view['status'] == 'protecting', view
    assert view['percent'] < 100, view
    api(karbor, 'POST', path + '/cancel', status=202)

    def ended():
        shown = api(karbor, 'GET', path)['checkpoint']
        return shown['status'] not in ('protecting',) and shown
    shown = deployment.wait_for(ended, timeout=60, interval=0.2,
                                what='%s cancelled' % path)
    assert shown['status'] == 'cancelled', shown
    assert shown['cancelled_by'] and shown['cancelled_at'], shown
    assert json.loads(shown['extra_info'])['cancelled_by'] == (
        shown['cancelled_by'])
    logs = api(karbor, 'GET', '/operation_logs?checkpoint_id=' +
               checkpoint['id'])['operation_logs']
    [log] = [item for item in logs if item['operation_type'] == 'protect']
    assert log['status'] == 'cancelled', log
    assert log['error_info'].startswith('Cancelled by '), log
    assert 'Not rolled back' not in log['error_info'], log
    api(karbor, 'POST', path + '/cancel', status=409)
    return checkpoint['id']


def bank_leftovers(karbor, provider_id, checkpoint_id):
    """The checkpoint's resource data objects (status records aside)."""
    prefix = 'checkpoints/%s/resource-data/' % checkpoint_id
    if provider_id == OS_INFRA:
        keys = test_server_story.swift_bank_keys(karbor.cloud.session,
                                                 prefix)
    else:
        name = {SHARE_DB: 'share-database', KUBERNETES: 'kubernetes'}[
            provider_id]
        root = os.path.join(karbor.state_dir, 'banks', name)
        keys = [os.path.relpath(os.path.join(d, f), root)
                for d, _dirs, files in os.walk(root) for f in files]
        keys = [k for k in keys if k.startswith(prefix)]
    return [k for k in keys if not os.path.basename(
        k.rstrip('/')).startswith('status')]


def sandbox_leftovers(karbor):
    """Backups, snapshots and Karbor-made images, shares' snapshots and
    databases' backups in the sandbox."""
    cloud = karbor.cloud
    return ([('backup', b.id) for b in cloud.cinder.backups.list()] +
            [('snapshot', s.id)
             for s in cloud.cinder.volume_snapshots.list()] +
            [('image', i.name) for i in cloud.glance.images.list()
             if (i.name or '').startswith('karbor-')] +
            [('share snapshot', s.id)
             for s in cloud.manila.share_snapshots.list()] +
            [('database backup', b.id) for b in cloud.trove.backups.list()])


def assert_nothing_left(karbor, provider_id, checkpoint_id):
    def clean():
        return (not bank_leftovers(karbor, provider_id, checkpoint_id) and
                not sandbox_leftovers(karbor))
    # Deletes in the sandbox take its short transition delay.
    deployment.wait_for(clean, timeout=15, interval=0.2, what='cleanup')


def cancel_slowed(karbor, provider_id, resources, slowed, wait_done=None):
    """Slow ``slowed`` (``(service, operation, resource id)``), protect
    ``resources``, cancel, and walk the bank and the sandbox."""
    slow(karbor, *slowed)
    checkpoint_id = protect_and_cancel(karbor, provider_id, resources,
                                       wait_done)
    assert_nothing_left(karbor, provider_id, checkpoint_id)


def test_cancel_volume_protect(karbor):
    volume = instance(karbor, VOLUME, 'demo-volume-2')
    cancel_slowed(karbor, OS_INFRA, [volume],
                  ('volume', 'backup', volume['id']))


def test_cancel_server_protect(karbor):
    server = instance(karbor, SERVER, 'demo-server')
    cancel_slowed(karbor, OS_INFRA, [server],
                  ('compute', 'createImage', server['id']))


@pytest.mark.parametrize('resource_type,name', [(IMAGE, 'demo-image'),
                                                (NETWORK, None)])
def test_cancel_image_and_network_protect(karbor, resource_type, name):
    made = instance(karbor, resource_type, name)
    volume = instance(karbor, VOLUME, 'demo-volume-2')
    cancel_slowed(karbor, OS_INFRA, [made, volume],
                  ('volume', 'backup', volume['id']), wait_done=made['id'])


def test_cancel_share_protect(karbor):
    share = instance(karbor, SHARE, 'demo-share')
    cancel_slowed(karbor, SHARE_DB, [share],
                  ('share', 'snapshot', share['id']))


def test_cancel_database_protect(karbor):
    database = new_database(karbor)
    cancel_slowed(karbor, SHARE_DB, [database],
                  ('database', 'backup', database['id']))


def test_cancel_pod_protect(karbor):
    volume = instance(karbor, VOLUME, 'demo-pod-volume')
    cancel_slowed(karbor, KUBERNETES, [instance(karbor, POD)],
                  ('volume', 'backup', volume['id']))


def cloud_objects(karbor):
    cloud = karbor.cloud
    return {'servers': {s.id for s in cloud.nova.servers.list()},
            'volumes': {v.id for v in cloud.cinder.volumes.list()},
            'images': {i.id for i in cloud.glance.images.list()}}


def test_cancel_server_restore(karbor):
    """Runs last: its checkpoint is deleted at the end."""
    server = instance(karbor, SERVER, 'demo-server')
    plan = api(karbor, 'POST', '/plans', {'plan': {
        'name': 'restore', 'provider_id': OS_INFRA, 'parameters': {},
        'resources': [server]}})['plan']
    path = '/providers/%s/checkpoints' % OS_INFRA
    checkpoint_id = api(karbor, 'POST', path, {'checkpoint': {
        'plan_id': plan['id']}})['checkpoint']['id']
    path += '/' + checkpoint_id
    deployment.wait_for(lambda: api(karbor, 'GET', path)['checkpoint'][
        'status'] == 'available', timeout=60, what='checkpoint available')
    before = cloud_objects(karbor)
    slow(karbor, 'compute', 'create', '*')
    restore = api(karbor, 'POST', '/restores', {'restore': {
        'provider_id': OS_INFRA, 'checkpoint_id': checkpoint_id,
        'parameters': {}}})['restore']
    record = '/restores/' + restore['id']

    def server_running():
        view = api(karbor, 'GET', record + '/progress')['progress']
        return any(r['type'] == SERVER and r['status'] == 'running'
                   for r in view['resources']) and view
    view = deployment.wait_for(server_running, timeout=60, interval=0.1,
                               what='the server restore running')
    assert view['done'] >= 1, view  # its volume and image came first
    api(karbor, 'POST', record + '/cancel', status=202)
    done = deployment.wait_for(
        lambda: (lambda r: r['status'] != 'in_progress' and r)(
            api(karbor, 'GET', record)['restore']),
        timeout=60, interval=0.2, what='the restore to end')
    assert done['status'] == 'cancelled', done
    assert done['cancelled_by'] and done['progress']['status'] == (
        'cancelled')
    logs = api(karbor, 'GET', '/operation_logs?restore_id=' +
               restore['id'])['operation_logs']
    assert [log['status'] for log in logs] == ['cancelled'], logs
    assert 'Not rolled back' not in logs[0]['error_info']
    # The restored server, volume and image are gone.
    deployment.wait_for(lambda: cloud_objects(karbor) == before,
                        timeout=30, interval=0.2, what='the restore undone')
    api(karbor, 'DELETE', path)
    deployment.wait_for(lambda: api(karbor, 'GET', path)['checkpoint'][
        'status'] == 'deleted', timeout=60, what='checkpoint deleted')
    assert_nothing_left(karbor, OS_INFRA, checkpoint_id)
