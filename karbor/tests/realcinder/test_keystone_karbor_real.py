"""Karbor in Keystone mode against a real Keystone and a real Cinder.

``karbor-api``, ``karbor-protection`` and ``karbor-operationengine`` run as
separate processes over RabbitMQ, on MariaDB and on PostgreSQL, with
``auth_strategy = keystone``; Karbor's service user and its
``data-protect`` endpoint are in the real Keystone. The demo user logs in
with a password through the real ``karbor`` and ``openstack`` CLIs and
replays seed 000 with the volume snapshot provider.
"""

import contextlib
import os
import subprocess

from cinderclient import client as cinder_client
import pytest

from karbor.cmd import all as karbor_all
from karbor.tests import dbfixtures
from karbor.tests.functional import conftest as functional
from karbor.tests.functional import deployment

SNAPSHOT_PROVIDER = '90d5bfea-a259-41e6-80c6-dcfcfcd9d827'
VOLUME = 'OS::Cinder::Volume'
PROVIDER_CONF = """\
[provider]
name = Volume Snapshot Provider
id = {id}
plugin = karbor-volume-snapshot-plugin
bank = karbor-fs-bank-plugin
enabled = True

[file_system_bank_plugin]
file_system_bank_path = banks/volume-snapshot
"""
@contextlib.contextmanager
def keystone_deployment(real_cloud, workdir, backend, extra_conf=''):
    """Karbor's services in Keystone mode on the real Keystone, with the
    snapshot provider; registered as ``data-protect``."""
    providers = os.path.join(workdir, 'providers.d')
    os.makedirs(providers)
    with open(os.path.join(providers, 'snapshot.conf'), 'w') as conf:
        conf.write(PROVIDER_CONF.format(id=SNAPSHOT_PROVIDER))
    extra = karbor_all.keystone_conf(
        real_cloud.env['KARBOR_RC_AUTH_URL'],
        password=real_cloud.env['KARBOR_RC_KARBOR_PASSWORD'])
    with dbfixtures.database_url(backend) as url:
        running = deployment.Deployment(
            workdir, url, functional.RABBIT_URL, providers,
            auth_strategy='keystone',
            extra_conf=functional.SERVICE_CONF + extra + extra_conf)
        real_cloud.register_endpoint(
            'data-protect', 'karbor', running.url + '/v1/$(project_id)s')
        try:
            running.start()
            yield running
        finally:
            running.stop()


@pytest.fixture(scope='module', params=['mysql', 'postgresql'])
def karbor(request, real_cloud, tmp_path_factory):
    if not functional.rabbit_available():
        pytest.skip('RabbitMQ is not running')
    workdir = str(tmp_path_factory.mktemp('karbor-keystone'))
    with keystone_deployment(real_cloud, workdir, request.param) as running:
        yield running


@pytest.fixture
def cli(real_cloud, karbor):
    env = dict(os.environ)
    for name in ('OS_AUTH_TYPE', 'OS_AUTH_TOKEN', 'OS_NO_CLIENT_AUTH',
                 'KARBOR_URL'):
        env.pop(name, None)
    env.update({
        'OS_AUTH_URL': real_cloud.env['KARBOR_RC_AUTH_URL'],
        'OS_IDENTITY_API_VERSION': '3', 'OS_USERNAME': 'demo',
        'OS_PASSWORD': real_cloud.env['KARBOR_RC_DEMO_PASSWORD'],
        'OS_PROJECT_NAME': 'demo', 'OS_USER_DOMAIN_ID': 'default',
        'OS_PROJECT_DOMAIN_ID': 'default', 'OS_REGION_NAME': 'RegionOne'})

    def run(command, *args):
        result = subprocess.run(
            [os.path.join(deployment.BIN, command)] + list(args), env=env,
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, '%s %s: %s%s' % (
            command, ' '.join(args), result.stdout, result.stderr)
        return result.stdout
    return run


def _show(cli, *args):
    return deployment.property_table(cli('karbor', *args))


def _wait_status(cli, args, values):
    def settled():
        shown = _show(cli, *args)
        return shown if shown['status'] in values else None
    return deployment.wait_for(settled, timeout=90, what=' '.join(args))


def test_seed_000_with_the_snapshot_provider(cli, real_cloud):
    cinder = cinder_client.Client('3.0', session=real_cloud.demo_session())
    volume = cinder.volumes.create(1, name='keystone-real')
    deployment.wait_for(
        lambda: cinder.volumes.get(volume.id).status == 'available',
        timeout=60, what='the volume')
    providers = deployment.table_rows(cli('karbor', 'provider-list'))
    assert SNAPSHOT_PROVIDER in {row[0] for row in providers[1:]}
    instances = deployment.table_rows(
        cli('karbor', 'protectable-list-instances', VOLUME))
    assert volume.id in {row[0] for row in instances[1:]}

    plan = _show(cli, 'plan-create', 'real plan', SNAPSHOT_PROVIDER,
                 '%s=%s=keystone-real' % (volume.id, VOLUME))
    plans = deployment.table_rows(
        cli('openstack', 'data', 'protection', 'plan', 'list'))
    assert plan['id'] in {row[0] for row in plans[1:]}
    created = _show(cli, 'checkpoint-create', SNAPSHOT_PROVIDER, plan['id'])
    checkpoint = _wait_status(cli, ('checkpoint-show', SNAPSHOT_PROVIDER,
                                    created['id']), ('available', 'error'))
    assert checkpoint['status'] == 'available'
    (snapshot,) = cinder.volume_snapshots.list(
        search_opts={'volume_id': volume.id})
    assert snapshot.status == 'available'

    restore = _show(cli, 'restore-create', SNAPSHOT_PROVIDER, created['id'])
    done = _wait_status(cli, ('restore-show', restore['id']),
                        ('success', 'fail'))
    assert done['status'] == 'success'
    restored = [v for v in cinder.volumes.list() if v.id != volume.id]
    assert len(restored) == 1

    cli('karbor', 'checkpoint-delete', SNAPSHOT_PROVIDER, created['id'])
    deployment.wait_for(
        lambda: not cinder.volume_snapshots.list(
            search_opts={'volume_id': volume.id}),
        timeout=60, what='the snapshot to be deleted')
    for leftover in restored + [volume]:
        cinder.volumes.delete(leftover.id)
