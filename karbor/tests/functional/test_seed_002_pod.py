"""Seed 002 replayed on the quick start: a Kubernetes pod and the Cinder
volume behind its claim, protected in one checkpoint and restored.

The real ``karbor`` and ``cinder`` command-line clients drive
``karbor-all``; the test plays the cluster's operator with the kubernetes
client against the sandbox's Kubernetes API. The sandbox keeps a volume's
bytes in ``<state>/sandbox/blobs/volume-<id>`` (the disk the pod writes).
"""

import json
import os
import time
import uuid

from kubernetes import client as k8s_client
import pytest
import requests

from karbor.tests.functional import deployment
from karbor.tests.functional import quickstart

KUBERNETES = 'e3982e71-f44d-4b09-8abd-3e53e4b80d10'
POD = 'OS::Kubernetes::Pod'
VOLUME = 'OS::Cinder::Volume'
# The pod karbor-all seeds.
NAMESPACE, POD_NAME, CLAIM = 'demo', 'demo-pod', 'demo-pvc'
POD_ID = str(uuid.uuid5(uuid.NAMESPACE_OID, 'demo:demo-pod'))
DATA = b'orders of the demo shop\n' * 1000


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('quickstart'))
    setup.start()
    yield setup
    setup.stop()


@pytest.fixture(scope='module')
def k8s(karbor):
    configuration = k8s_client.Configuration()
    configuration.host = 'http://127.0.0.1:%d/k8s' % karbor.sandbox_port
    return k8s_client.CoreV1Api(k8s_client.ApiClient(configuration))


def rows(output):
    """Table rows (header dropped); a row's continuation lines (blank
    first cell) are joined into its cells."""
    joined = []
    for cells in deployment.table_rows(output)[1:]:
        if cells[0] or not joined:
            joined.append(cells)
        else:
            joined[-1] = [a + '\n' + b if b else a
                          for a, b in zip(joined[-1], cells)]
    return joined


def disk(karbor, volume_id):
    """The file holding the bytes of a sandbox volume."""
    return os.path.join(karbor.state_dir, 'sandbox', 'blobs',
                        'volume-%s' % volume_id)


def wait(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def claim_volume_id(k8s, namespace, claim_name):
    claim = k8s.read_namespaced_persistent_volume_claim(claim_name,
                                                        namespace)
    assert claim.status.phase == 'Bound'
    pv = k8s.read_persistent_volume(claim.spec.volume_name)
    return pv.spec.cinder.volume_id


def k8s_names(k8s):
    return ({p.metadata.name for p in
             k8s.list_pod_for_all_namespaces().items},
            {c.metadata.name for c in
             k8s.list_persistent_volume_claim_for_all_namespaces().items},
            {v.metadata.name for v in k8s.list_persistent_volume().items})


def restore(karbor, checkpoint_id, *args):
    created = karbor.show('restore-create', KUBERNETES, checkpoint_id, *args)
    return karbor.wait_for(('restore-show', created['id']), 'status',
                           ('success', 'fail'))


def test_protectables_list_and_show_the_seeded_pod(karbor):
    listed = rows(karbor.karbor('protectable-list-instances', POD).stdout)
    assert [row[:3] for row in listed] == [[POD_ID, POD, 'demo:demo-pod']]
    (dependent,) = json.loads(listed[0][3])
    assert (dependent['type'], dependent['name']) == (VOLUME,
                                                      'demo-pod-volume')
    assert listed[0][4] == "{'namespace': 'demo'}"
    shown = karbor.show('protectable-show-instance', POD, POD_ID,
                        '--parameters', 'name=demo:demo-pod')
    assert shown['name'] == 'demo:demo-pod'
    (dependent,) = json.loads(shown['dependent_resources'])
    assert (dependent['type'], dependent['name']) == (VOLUME,
                                                      'demo-pod-volume')
    missing = karbor.karbor('protectable-show-instance', POD, POD_ID,
                            '--parameters', 'name=demo:no-such-pod',
                            check=False)
    assert missing.returncode == 1 and 'HTTP 404' in missing.stderr


def test_provider_shows_the_pod_schemas(karbor):
    shown = karbor.show('provider-show', KUBERNETES)
    assert shown['name'] == 'OS Kubernetes Provider'
    schemas = json.loads(shown['extended_info_schema'])
    restore_schema = schemas['restore_schema'][POD]
    assert restore_schema['title'] == 'Pod Protection Restore'
    assert list(restore_schema['properties']) == ['restore_name']
    assert schemas['options_schema'][POD]['properties'] == {}
    assert schemas['saved_info_schema'][POD]['required'] == [
        'namespace', 'pod_metadata']
    assert VOLUME in schemas['options_schema']


def test_seed_002_protect_delete_restore(karbor, k8s):
    volume_id = claim_volume_id(k8s, NAMESPACE, CLAIM)
    with open(disk(karbor, volume_id), 'wb') as data:
        data.write(DATA)  # what the pod wrote to its volume

    plan = karbor.show('plan-create', 'OS pod protection plan.', KUBERNETES,
                       '%s=%s=demo:demo-pod' % (POD_ID, POD))
    created = karbor.show('checkpoint-create', KUBERNETES, plan['id'])
    checkpoint = karbor.wait_for(('checkpoint-show', KUBERNETES,
                                  created['id']), 'status',
                                 ('available', 'error'))
    assert checkpoint['status'] == 'available'
    assert json.loads(checkpoint['resource_graph']) == [
        {'0x0': [VOLUME, volume_id, 'demo-pod-volume',
                 {'availability_zone': 'nova'}],
         '0x1': [POD, POD_ID, 'demo:demo-pod', None]},
        [['0x1', ['0x0']]]]
    backups = rows(karbor.cinder('backup-list').stdout)
    assert [(row[1], row[2]) for row in backups] == [(volume_id,
                                                      'available')]

    # The application is lost: its pod, its claim and its volume.
    k8s.delete_namespaced_pod(POD_NAME, NAMESPACE)
    k8s.delete_namespaced_persistent_volume_claim(CLAIM, NAMESPACE)
    wait(lambda: not k8s.list_namespaced_pod(NAMESPACE).items, 'pod gone')
    wait(lambda: karbor.cinder('show', volume_id).stdout.count(
        'available'), 'volume detached')
    karbor.cinder('delete', volume_id)
    wait(lambda: karbor.cinder('show', volume_id, check=False).returncode,
         'volume deleted')

    done = restore(karbor, checkpoint['id'])
    assert done['status'] == 'success'
    statuses = eval(done['resources_status'])  # the CLI prints a repr
    assert set(statuses.values()) == {'available'}
    (volume_key,) = [k for k in statuses if k.startswith(VOLUME + '#')]
    (pod_key,) = [k for k in statuses if k.startswith(POD + '#')]
    new_volume = volume_key.split('#')[1]
    new_pod = pod_key.split('#')[1]
    assert new_pod.startswith('karbor-restored-pod-')
    pod = k8s.read_namespaced_pod(new_pod, NAMESPACE)
    assert pod.status.phase == 'Running'
    assert pod.metadata.labels == {'app': 'demo'}
    (source,) = pod.spec.volumes
    assert claim_volume_id(k8s, NAMESPACE,
                           source.persistent_volume_claim.claim_name) == \
        new_volume
    shown = dict(row[:2] for row in rows(
        karbor.cinder('show', new_volume).stdout))
    assert shown['name'] == '%s@%s' % (checkpoint['id'], volume_id)
    assert shown['status'] == 'in-use'
    with open(disk(karbor, new_volume), 'rb') as data:
        assert data.read() == DATA

    # The restored pod is protectable in its turn.
    listed = rows(karbor.karbor('protectable-list-instances', POD).stdout)
    assert [row[2] for row in listed] == ['demo:' + new_pod]


def test_refused_pod_creation_leaves_nothing(karbor, k8s):
    plans = rows(karbor.karbor('plan-list').stdout)
    checkpoints = rows(karbor.karbor('checkpoint-list', KUBERNETES).stdout)
    assert plans and checkpoints
    checkpoint_id = checkpoints[0][0]
    pods_before = k8s_names(k8s)
    volumes_before = rows(karbor.cinder('list').stdout)
    requests.post('http://127.0.0.1:%d/sandbox/faults' % karbor.sandbox_port,
                  json={'service': 'k8s', 'operation': 'create',
                        'resource_id': 'demo/refused',
                        'message': 'exceeded quota: pods=1'},
                  timeout=10).raise_for_status()
    done = restore(karbor, checkpoint_id, '--parameters',
                   'resource_type=%s,restore_name=refused' % POD)
    assert done['status'] == 'fail'
    reasons = eval(done['resources_reason'])
    reason = reasons['%s#%s' % (POD, POD_ID)]
    assert POD_ID in reason
    assert 'restoring pod demo/refused: pods "refused" is forbidden: ' \
        'exceeded quota: pods=1' in reason
    statuses = eval(done['resources_status'])
    (volume_key,) = [k for k in statuses if k.startswith(VOLUME + '#')]
    assert statuses[volume_key] == 'deleted'
    assert k8s_names(k8s) == pods_before
    wait(lambda: rows(karbor.cinder('list').stdout) == volumes_before,
         'restored volume deleted')
