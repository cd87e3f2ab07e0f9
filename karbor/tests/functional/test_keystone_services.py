"""Karbor as an operator deploys it: Keystone, separate services, RabbitMQ.

``karbor-api``, ``karbor-protection`` and ``karbor-operationengine`` run as
separate processes over the machine's RabbitMQ, on MariaDB and on
PostgreSQL, with ``auth_strategy = keystone``. Keystone and the clouds are
the sandbox's; Karbor is registered in its catalog as ``data-protect``.
Users log in with passwords through the real ``karbor`` and ``openstack``
CLIs, as the user guide (seed 000) does.
"""

import json
import os
import subprocess
import time

from cinderclient import client as cinder_client
import pytest
import requests

from karbor.cmd import all as karbor_all
from karbor_sandbox import fixture as sandbox_fixture
from karbor.tests.functional import conftest
from karbor.tests.functional import deployment
from karbor.tests.functional import fuzzing
from karbor.tests.isolation import deployment as isolation
from karbor.tests.isolation import probes

OS_INFRA_FS = '6659007d-6f66-4a0f-9cb4-17d6aded0bb9'
NOOP = conftest.NOOP_PROVIDER
VOLUME = 'OS::Cinder::Volume'
K8S_CONF = """
[k8s_client]
k8s_host = {k8s_host}
"""


class KeystoneKarbor(object):
    """A keystone-mode deployment and the sandbox cloud it protects."""

    def __init__(self, karbor, sandbox):
        self.karbor = karbor
        self.sandbox = sandbox

    def env(self, user='demo', project='demo'):
        env = dict(os.environ)
        for name in ('OS_AUTH_TYPE', 'OS_AUTH_TOKEN', 'OS_NO_CLIENT_AUTH',
                     'KARBOR_URL'):
            env.pop(name, None)
        for line in self.sandbox.openrc(user, project).splitlines():
            name, _sep, value = line[len('export '):].partition('=')
            env[name] = value
        return env

    def run(self, command, *args, user='demo', project='demo', check=True):
        result = subprocess.run(
            [os.path.join(deployment.BIN, command)] + list(args),
            env=self.env(user, project), capture_output=True, text=True,
            timeout=120)
        if check and result.returncode != 0:
            raise AssertionError('%s %s failed (%d): %s%s' % (
                command, ' '.join(args), result.returncode, result.stdout,
                result.stderr))
        return result

    def show(self, *args, **kwargs):
        return deployment.property_table(
            self.run('karbor', *args, **kwargs).stdout)

    def rows(self, *args, **kwargs):
        return deployment.table_rows(self.run(*args, **kwargs).stdout)[1:]

    def token(self, user='demo', project='demo'):
        return self.sandbox.session(user, project).get_token()

    def wait_status(self, args, values, timeout=60):
        def settled():
            shown = self.show(*args)
            return shown if shown['status'] in values else None
        return deployment.wait_for(settled, timeout=timeout,
                                   what=' '.join(args))


def _keystone_providers(workdir, cloud_url):
    directory = os.path.join(workdir, 'providers.d')
    karbor_all._copy_providers(karbor_all.shipped_providers_dir(),
                               directory, cloud_url)
    return directory


@pytest.fixture(scope='module', params=['mysql', 'postgresql'])
def ks(request, tmp_path_factory):
    if not conftest.rabbit_available():
        pytest.skip('RabbitMQ is not running')
    workdir = str(tmp_path_factory.mktemp('keystone-%s' % request.param))
    with sandbox_fixture.running_sandbox(os.path.join(workdir, 'cloud'),
                                         delay=0.05) as sandbox:
        providers = _keystone_providers(workdir, sandbox.base_url)
        conf = karbor_all.keystone_conf(sandbox.auth_url) + K8S_CONF.format(
            k8s_host=sandbox.base_url + '/k8s')
        with conftest.dbfixtures.database_url(request.param) as url:
            karbor = deployment.Deployment(
                workdir, url, conftest.RABBIT_URL, providers,
                auth_strategy='keystone',
                extra_conf=conftest.SERVICE_CONF + conf)
            sandbox.register_endpoint(
                'data-protect', karbor.url + '/v1/$(project_id)s', 'karbor')
            try:
                karbor.start()
                yield KeystoneKarbor(karbor, sandbox)
            finally:
                karbor.stop()


def _new_volume(ks, name):
    cinder = cinder_client.Client('3.0', session=ks.sandbox.session())
    volume = cinder.volumes.create(1, name=name)
    deployment.wait_for(
        lambda: cinder.volumes.get(volume.id).status == 'available',
        timeout=30, what='volume %s' % name)
    return cinder, volume.id


def test_seed_000_with_password_login(ks):
    providers = {row[0] for row in ks.rows('karbor', 'provider-list')}
    assert {OS_INFRA_FS, NOOP} <= providers
    cinder, volume_id = _new_volume(ks, 'ks-volume')
    instances = ks.rows('karbor', 'protectable-list-instances', VOLUME)
    assert volume_id in {row[0] for row in instances}

    plan = ks.show('plan-create', 'keystone plan', OS_INFRA_FS,
                   '%s=%s=ks-volume' % (volume_id, VOLUME))
    created = ks.show('checkpoint-create', OS_INFRA_FS, plan['id'])
    checkpoint = ks.wait_status(('checkpoint-show', OS_INFRA_FS,
                                 created['id']), ('available', 'error'))
    assert checkpoint['status'] == 'available'
    backups = cinder.backups.list()
    assert [b.volume_id for b in backups] == [volume_id]

    restore = ks.show('restore-create', OS_INFRA_FS, created['id'])
    done = ks.wait_status(('restore-show', restore['id']),
                          ('success', 'fail'))
    assert done['status'] == 'success'
    names = {v.name for v in cinder.volumes.list()}
    assert '%s@%s' % (created['id'], volume_id) in names

    ks.run('karbor', 'checkpoint-delete', OS_INFRA_FS, created['id'])
    deployment.wait_for(lambda: not cinder.backups.list(), timeout=30,
                        what='the backup to be deleted')

    def listed():
        rows = ks.rows('karbor', 'checkpoint-list', OS_INFRA_FS)
        return created['id'] not in {row[0] for row in rows}
    deployment.wait_for(listed, timeout=30, what='the checkpoint to go')
    # Only the checkpoint's tombstone stays in the bank (shown as deleted).
    root = os.path.join(conftest.bank_root(ks.karbor.workdir, 'os-infra'),
                        'checkpoints', created['id'])
    left = sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _s, files in os.walk(root) for f in files)
    assert left == ['index.json',
                    os.path.join('resource-data', volume_id, 'status')]
    with open(os.path.join(root, 'index.json')) as index:
        assert '"status": "deleted"' in index.read()


def test_openstack_cli_finds_karbor_in_the_catalog(ks):
    providers = ks.rows('openstack', 'data', 'protection', 'provider',
                        'list')
    assert NOOP in {row[0] for row in providers}
    plan = ks.show('plan-create', 'osc plan', NOOP,
                   '%s=OS::Keystone::Project=demo' % ks.sandbox.project_id)
    plans = ks.rows('openstack', 'data', 'protection', 'plan', 'list')
    assert plan['id'] in {row[0] for row in plans}


def test_requests_without_a_valid_token_are_refused(ks):
    url = '%s/v1/%s/plans' % (ks.karbor.url, ks.sandbox.project_id)
    assert requests.get(url, timeout=10).status_code == 401
    bad = requests.get(url, headers={'X-Auth-Token': 'not-a-token'},
                       timeout=10)
    assert bad.status_code == 401
    assert 'WWW-Authenticate' in bad.headers
    # A token of one project on another project's URL.
    other = '%s/v1/%s/plans' % (ks.karbor.url, ks.sandbox.admin_project_id)
    mismatch = requests.get(other, headers={'X-Auth-Token': ks.token()},
                            timeout=10)
    assert mismatch.status_code in (400, 403)


def test_admin_only_actions_need_the_admin_role(ks):
    denied = ks.run('karbor', 'service-list', check=False)
    assert denied.returncode != 0
    assert 'HTTP 403' in denied.stderr
    services = ks.rows('karbor', 'service-list', user='admin',
                       project='admin')
    binaries = {row[1] for row in services}
    assert binaries == {'karbor-protection', 'karbor-operationengine'}


def test_tenant_isolation_with_keystone_tokens(ks):
    identity = ks.sandbox.cloud.service('identity')
    name = 'other-%d' % int(time.time() * 1000)
    with ks.sandbox.cloud.store.transaction():
        identity.create_project(name)
        identity.create_user(name, 'password', name, ('member', 'reader'))

    def actor(label, user, project):
        return isolation.token_actor(label, ks.sandbox.project(project),
                                     ks.token(user, project))

    checked = isolation.Deployment(
        isolation.HttpClient(ks.karbor.url),
        actor('member of A', 'demo', 'demo'),
        actor('member of B', name, name),
        actor('admin', 'admin', 'admin'),
        noop_provider=NOOP, copy_provider=NOOP)
    report = probes.probe_deployment(checked)
    print(report.summary())
    assert len(report.results) > 100
    assert report.leak_count() == 0, report.summary()
    assert report.surprise_count() == 0, report.summary()


def test_checkpoint_json_of_the_api(ks):
    """The API answers Karbor's JSON shapes to a Keystone caller."""
    plan = ks.show('plan-create', 'json plan', NOOP,
                   '%s=OS::Keystone::Project=demo' % ks.sandbox.project_id)
    resp = requests.post(
        '%s/v1/%s/providers/%s/checkpoints' % (
            ks.karbor.url, ks.sandbox.project_id, NOOP),
        headers={'X-Auth-Token': ks.token(),
                 'Content-Type': 'application/json'},
        data=json.dumps({'checkpoint': {'plan_id': plan['id']}}),
        timeout=30)
    assert resp.status_code == 200
    body = resp.json()['checkpoint']
    assert body['project_id'] == ks.sandbox.project_id
    assert isinstance(body['extra_info'], str)


@pytest.mark.timeout(600)
def test_no_generated_request_answers_5xx(ks):
    """schemathesis from /v1/openapi.json, with Keystone tokens."""
    target = fuzzing.Target(ks.karbor.url,
                            fuzzing.keystone_callers(ks.sandbox.auth_url),
                            log=lambda: ks.karbor.log('karbor-api'))
    fuzzing.check_no_server_error(target, examples=25)
