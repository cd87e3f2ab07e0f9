"""Scheduled runs through a Keystone trust, against a real Keystone and a
real Cinder.

Separate Karbor services over RabbitMQ on MariaDB, in Keystone mode; the
demo user schedules a protect operation with the volume snapshot provider
(triggers may fire every 10 s here). The run acts through the trust made
at creation: it snapshots the volume in the real Cinder. Once the demo
user revokes the trust, the next run fails with that reason. Deleting the
operation deletes its trust.
"""

from cinderclient import client as cinder_client
import pytest

from karbor.tests.functional import conftest as functional
from karbor.tests.functional import deployment
from karbor.tests.realcinder import test_keystone_karbor_real as real

EVERY_10S = 'BEGIN:VEVENT\\nRRULE:FREQ=SECONDLY;INTERVAL=10;\\nEND:VEVENT'
LIMITS = """
[DEFAULT]
min_interval = 10
min_window_time = 5
max_window_time = 8
"""
IDENTITY = {'service_type': 'identity', 'interface': 'public'}


@pytest.fixture(scope='module')
def karbor(real_cloud, tmp_path_factory):
    if not functional.rabbit_available():
        pytest.skip('RabbitMQ is not running')
    workdir = str(tmp_path_factory.mktemp('karbor-trusts'))
    with real.keystone_deployment(real_cloud, workdir, 'mysql',
                                  LIMITS) as running:
        yield running


cli = real.cli


def trusts(session):
    return session.get('/OS-TRUST/trusts', endpoint_filter=IDENTITY,
                       params={'trustor_user_id': session.get_user_id()}
                       ).json()['trusts']


def run_with(session, karbor, project_id, operation_id, state,
             timeout=90):
    """The first ended run in ``state`` (a run due while the previous one
    still snapshots is logged failed for that reason, and skipped)."""
    def found():
        logs = session.get('%s/v1/%s/scheduled_operations/%s/logs' % (
            karbor.url, project_id, operation_id)).json()[
                'scheduled_operation_logs']
        return next((log for log in reversed(logs)
                     if log['state'] == state and 'previous run' not in
                     log['extend_info'].get('reason', '')), None)
    return deployment.wait_for(found, timeout=timeout, interval=1,
                               what='a %s run' % state)


def test_trust_scoped_runs_and_a_revoked_trust(cli, karbor, real_cloud):
    session = real_cloud.demo_session()
    project_id = real_cloud.env['KARBOR_RC_DEMO_PROJECT_ID']
    cinder = cinder_client.Client('3.0', session=session)
    volume = cinder.volumes.create(1, name='scheduled-real')
    deployment.wait_for(
        lambda: cinder.volumes.get(volume.id).status == 'available',
        timeout=60, what='the volume')
    before = {t['id'] for t in trusts(session)}
    plan = real._show(cli, 'plan-create', 'scheduled', real.SNAPSHOT_PROVIDER,
                      '%s=%s=scheduled-real' % (volume.id, real.VOLUME))
    trigger = real._show(cli, 'trigger-create', 'every 10 s', 'time',
                         'pattern=%s,format=calendar,window=8' % EVERY_10S)
    operation = real._show(
        cli, 'scheduledoperation-create', 'real', 'protect', trigger['id'],
        'plan_id=%s,provider_id=%s' % (plan['id'], real.SNAPSHOT_PROVIDER))
    [trust_id] = [t['id'] for t in trusts(session) if t['id'] not in before]
    trust = session.get('/OS-TRUST/trusts/%s' % trust_id,
                        endpoint_filter=IDENTITY).json()['trust']
    assert trust['impersonation'] is True
    assert {r['name'] for r in trust['roles']} >= {'member'}

    first = run_with(session, karbor, project_id, operation['id'],
                     'success')
    checkpoint = real._show(cli, 'checkpoint-show', real.SNAPSHOT_PROVIDER,
                            first['extend_info']['checkpoint_id'])
    assert operation['id'] in checkpoint['extra_info']
    assert checkpoint['status'] == 'available'
    snapshots = cinder.volume_snapshots.list(
        search_opts={'volume_id': volume.id})
    assert snapshots and snapshots[0].status == 'available'

    session.delete('/OS-TRUST/trusts/%s' % trust['id'],
                   endpoint_filter=IDENTITY)
    failed = run_with(session, karbor, project_id, operation['id'],
                      'failed')
    assert 'trust' in failed['extend_info']['reason']
    assert trust['id'] in failed['extend_info']['reason']
    logs = session.get('%s/v1/%s/scheduled_operations/%s/logs' % (
        karbor.url, project_id, operation['id'])).json()[
            'scheduled_operation_logs']

    cli('karbor', 'scheduledoperation-delete', operation['id'])
    cli('karbor', 'trigger-delete', trigger['id'])
    for log in logs:
        made = log['extend_info'].get('checkpoint_id')
        if made and log['state'] == 'success':
            cli('karbor', 'checkpoint-delete', real.SNAPSHOT_PROVIDER, made)
    deployment.wait_for(
        lambda: not cinder.volume_snapshots.list(
            search_opts={'volume_id': volume.id}),
        timeout=60, what='the snapshots to be deleted')
    cinder.volumes.delete(volume.id)
