"""The three Karbor services, as processes, protecting sandbox volumes.

``cinder_deployment`` starts karbor-api, karbor-protection and
karbor-operationengine (``deployment.Deployment``) on the given database
and message queue, with one provider: Cinder backups of the sandbox's
volumes, in a file-system bank.
"""

import contextlib
import os
import textwrap
import time

from karbor.tests.functional import deployment
from karbor.tests.functional.faults import conftest as faults

CHECKPOINTS = '/providers/%s/checkpoints' % faults.PROVIDER
VOLUME = faults.VOLUME
# Quick heartbeats, periodic tasks and polls, so that faults end quickly.
SERVICE_CONF = """
[DEFAULT]
periodic_interval = 1
service_down_time = 6
rpc_response_timeout = 10
[protection]
database_outage_timeout = {outage_timeout}
[service_credentials]
auth_url = {auth_url}
username = demo
password = password
user_domain_id = default
project_domain_id = default
"""


def write_provider(directory):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, 'cinder.conf'), 'w') as conf:
        conf.write(textwrap.dedent(faults.PROVIDER_CONF.format(
            id=faults.PROVIDER, bank='banks/cinder')))
    return directory


@contextlib.contextmanager
def cinder_deployment(workdir, database_url, transport_url, sandbox,
                      outage_timeout=120, extra_conf=''):
    workdir = str(workdir)
    karbor = deployment.Deployment(
        workdir, database_url, transport_url,
        write_provider(os.path.join(workdir, 'providers.d')),
        extra_conf=SERVICE_CONF.format(outage_timeout=outage_timeout,
                                       auth_url=sandbox.auth_url) +
        extra_conf)
    karbor.bank_root = os.path.join(workdir, 'state', 'banks', 'cinder',
                                    'karbor')
    try:
        karbor.start()
        yield karbor
    finally:
        karbor.stop()


def create_plan(karbor, project, volumes):
    resp = karbor.http('POST', '/plans', project=project, json={'plan': {
        'name': 'faults', 'provider_id': faults.PROVIDER, 'parameters': {},
        'resources': [{'id': v.id, 'type': VOLUME, 'name': v.name}
                      for v in volumes]}})
    assert resp.status_code == 200, resp.text
    return resp.json()['plan']['id']


def start_slow_protect(karbor, sandbox, cinder, count, backup_seconds):
    """Protect ``count`` new volumes whose backups take ``backup_seconds``;
    return ``(volumes, plan id, checkpoint id)`` once every backup is
    being made."""
    volumes = faults.new_volumes(cinder, count)
    for volume in volumes:
        sandbox.inject_fault(service='volume', operation='backup',
                             resource_id=volume.id, action='slow',
                             delay=backup_seconds)
    plan_id = create_plan(karbor, sandbox.project_id, volumes)
    checkpoint_id = create_checkpoint(karbor, sandbox.project_id, plan_id)
    ids = {v.id for v in volumes}
    deployment.wait_for(lambda: len([b for b in cinder.backups.list()
                                     if b.volume_id in ids]) == count,
                        timeout=30, what='backups')
    return volumes, plan_id, checkpoint_id


def create_checkpoint(karbor, project, plan_id):
    resp = karbor.http('POST', CHECKPOINTS, project=project,
                       json={'checkpoint': {'plan_id': plan_id}})
    assert resp.status_code == 200, resp.text
    return resp.json()['checkpoint']['id']


def wait_final(karbor, project, checkpoint_id, started, timeout=90):
    """Poll the checkpoint (riding out 503s) until its status is final;
    returns ``(checkpoint, seconds since started)``."""
    deadline = time.monotonic() + timeout
    while True:
        resp = karbor.http('GET', '%s/%s' % (CHECKPOINTS, checkpoint_id),
                           project=project)
        if resp.status_code == 200:
            checkpoint = resp.json()['checkpoint']
            if checkpoint['status'] in faults.FINAL:
                return checkpoint, time.monotonic() - started
        else:
            assert resp.status_code == 503, (resp.status_code, resp.text)
        assert time.monotonic() < deadline, resp.text
        time.sleep(0.1)


def protect_reason(karbor, project, checkpoint_id):
    resp = karbor.http('GET', '/operation_logs', project=project,
                       params={'checkpoint_id': checkpoint_id})
    assert resp.status_code == 200, resp.text
    logs = [log for log in resp.json()['operation_logs']
            if log['operation_type'] == 'protect']
    assert len(logs) == 1, logs
    assert logs[0]['status'] in ('success', 'error'), logs[0]
    return logs[0]['error_info']


def leftovers(karbor, cinder, volumes, checkpoint):
    """What a checkpoint left in the cloud and the bank beyond what its
    status accounts for: an available checkpoint keeps one backup per
    volume (and its bank data), nothing else may stay."""
    ids = {v.id for v in volumes}
    backups = [b for b in cinder.backups.list() if b.volume_id in ids]
    snapshots = [s for s in cinder.volume_snapshots.list()
                 if s.volume_id in ids]
    kept = len(ids) if checkpoint['status'] == 'available' else 0
    left = {'backups': len(backups) - kept, 'snapshots': len(snapshots),
            'bank objects': 0}
    root = karbor.bank_root
    if checkpoint['status'] != 'available':
        data = os.path.join(root, 'checkpoints', checkpoint['id'],
                            'resource-data')
        left['bank objects'] += sum(len(files) for _d, _s, files in
                                    os.walk(data))
    left['bank objects'] += sum(len([f for f in files if '#tmp-' in f])
                                for _d, _s, files in os.walk(root))
    return left
