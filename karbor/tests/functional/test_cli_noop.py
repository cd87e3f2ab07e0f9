"""Acceptance: the real ``karbor`` CLI against ``karbor-all``.

Seed 000's flow with the No-Op provider and an ``OS::Keystone::Project``
plan resource: providers, plans, checkpoints, restores, verifications,
copies, operation logs and quotas, asserting on the printed tables.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import uuid

import pytest
import requests

from karbor.tests.functional import deployment
from karbor.tests.functional.deployment import property_table
from karbor.tests.functional.deployment import table_rows

BIN = os.path.dirname(sys.executable)
NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'
PROJECT_TYPE = 'OS::Keystone::Project'
USER = 'demo'


class KarborAll(object):
    """``karbor-all`` in a subprocess on its embedded defaults."""

    def __init__(self, state_dir):
        self.port = deployment.free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.project = uuid.uuid4().hex
        self._log = open(os.path.join(state_dir, 'karbor-all.log'), 'w')
        # No sandbox cloud; its (unused) port is free, so the protectable
        # plugins that would call it fail fast.
        self.process = subprocess.Popen(
            [os.path.join(BIN, 'karbor-all'), '--state-dir', state_dir,
             '--port', str(self.port), '--no-sandbox', '--auth', 'noauth',
             '--sandbox-port', str(deployment.free_port())],
            stdout=self._log, stderr=subprocess.STDOUT)

    def wait_until_up(self, timeout=60):
        def answers():
            assert self.process.poll() is None, 'karbor-all exited'
            try:
                return requests.get(self.url + '/', timeout=2).status_code
            except requests.ConnectionError:
                return None
        deployment.wait_for(answers, timeout=timeout, what='karbor-all')

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def cli(self, *args, check=True, user=USER):
        """Run the real karbor CLI; returns the CompletedProcess."""
        project = self.project
        env = dict(os.environ)
        for name in ('OS_AUTH_TYPE', 'ALL_TENANTS'):
            env.pop(name, None)
        env.update({'OS_NO_CLIENT_AUTH': '1',
                    'KARBOR_URL': '%s/v1/%s' % (self.url, project),
                    'OS_AUTH_TOKEN': '%s:%s' % (user, project)})
        result = subprocess.run([shutil.which('karbor', path=BIN)] +
                                list(args), env=env, capture_output=True,
                                text=True, timeout=120)
        if check:
            assert result.returncode == 0, (args, result.stdout,
                                            result.stderr)
        return result

    def show(self, *args, user=USER):
        return property_table(self.cli(*args, user=user).stdout)

    def rows(self, *args):
        """The table's rows as dicts keyed by the header; the lines of a
        multi-line row are joined with newlines."""
        header, *lines = table_rows(self.cli(*args).stdout)
        rows = []
        for cells in lines:
            if rows and not cells[0]:
                for name, cell in zip(header, cells):
                    rows[-1][name] = ('%s\n%s' % (rows[-1][name], cell)
                                      ).rstrip('\n')
            else:
                rows.append(dict(zip(header, cells)))
        return rows

    def http(self, method, path, **kwargs):
        return requests.request(
            method, '%s/v1/%s%s' % (self.url, self.project, path),
            headers={'X-Auth-Token': '%s:%s' % (USER, self.project),
                     'Content-Type': 'application/json'},
            timeout=30, **kwargs)


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    server = KarborAll(str(tmp_path_factory.mktemp('karbor-all')))
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


def poll_until(get, accept, what):
    """Call ``get()`` until ``accept(value)``; return that value."""
    def accepted():
        value = get()
        return value if accept(value) else None
    return deployment.wait_for(accepted, timeout=30, what=what)


def poll(karbor, args, status):
    """Show ``args`` until its status reads ``status``."""
    return poll_until(lambda: karbor.show(*args),
                      lambda table: table['status'] == status,
                      '%s %s' % (' '.join(args), status))


def check_providers(karbor):
    rows = karbor.rows('provider-list')
    assert {'Id': NOOP, 'Name': 'No-Op Provider',
            'Description': 'This provider does nothing for each protect and '
                           'restore operation. Used for testing'} in rows
    provider = karbor.show('provider-show', NOOP)
    assert provider['id'] == NOOP
    assert provider['name'] == 'No-Op Provider'
    schema = json.loads(provider['extended_info_schema'])
    assert set(schema) >= {'options_schema', 'restore_schema',
                           'saved_info_schema'}


def check_plans(karbor):
    """Create, update, list and show a plan; returns its id."""
    resource = '%s=%s=demo' % (karbor.project, PROJECT_TYPE)
    plan = karbor.show('plan-create', 'My 3 tier application', NOOP,
                       resource, '--description', 'three tier')
    assert plan['name'] == 'My 3 tier application'
    assert plan['description'] == 'three tier'
    assert plan['provider_id'] == NOOP
    assert plan['status'] == 'suspended'
    assert json.loads(plan['resources']) == [
        {'id': karbor.project, 'name': 'demo', 'type': PROJECT_TYPE}]
    assert json.loads(plan['parameters']) == {}
    updated = karbor.show('plan-update', plan['id'], '--name', 'OS plan')
    assert updated['name'] == 'OS plan'
    assert karbor.rows('plan-list') == [
        {'Id': plan['id'], 'Name': 'OS plan', 'Description': 'three tier',
         'Provider id': NOOP, 'Status': 'suspended'}]
    assert karbor.show('plan-show', plan['id'])['name'] == 'OS plan'
    return plan['id']


def check_checkpoint(karbor, plan_id):
    """Protect the plan, wait for it; returns the checkpoint id."""
    created = karbor.show('checkpoint-create', NOOP, plan_id,
                          '--extra_info', 'key2=v2')
    assert created['status'] == 'protecting'
    assert created['project_id'] == karbor.project
    assert json.loads(created['resource_graph'])[0]['0x0'] == [
        PROJECT_TYPE, karbor.project, 'demo', None]
    assert json.loads(created['extra_info']) == {'created_by': 'manual',
                                                 'key2': 'v2'}
    checkpoint = poll(karbor, ('checkpoint-show', NOOP, created['id']),
                      'available')
    plan = json.loads(checkpoint['protection_plan'])
    assert plan['id'] == plan_id and plan['provider_id'] == NOOP
    assert [(r['id'], r['name'], r['type']) for r in plan['resources']] == [
        (karbor.project, 'demo', PROJECT_TYPE)]
    graph = json.loads(checkpoint['resource_graph'])
    assert list(graph[0]) == ['0x0'] and graph[1] == []
    assert graph[0]['0x0'][:3] == [PROJECT_TYPE, karbor.project, 'demo']
    [row] = karbor.rows('checkpoint-list', NOOP)
    assert row['Id'] == created['id']
    assert row['Project id'] == karbor.project
    assert row['Status'] == 'available'
    assert row['Protection plan'] == 'Name: OS plan\nId: %s' % plan_id
    assert len(row['Created at']) == 10
    assert karbor.rows('checkpoint-list', NOOP, '--plan_id', plan_id,
                       '--start_date', '2000-01-01', '--end_date',
                       '2000-01-02') == []
    return created['id']


def check_reset_state(karbor, checkpoint_id):
    # Administrators only by default.
    result = karbor.cli('checkpoint-reset-state', NOOP, checkpoint_id,
                        check=False)
    assert result.returncode == 1, result
    assert "Failed to reset state of '%s'; not allowed" % checkpoint_id \
        in result.stdout
    assert karbor.show('checkpoint-show', NOOP, checkpoint_id)[
        'status'] == 'available'
    result = karbor.cli('checkpoint-reset-state', NOOP, checkpoint_id,
                        user='admin')
    assert result.stdout == ''
    poll(karbor, ('checkpoint-show', NOOP, checkpoint_id), 'error')
    karbor.cli('checkpoint-reset-state', NOOP, checkpoint_id, '--available',
               user='admin')
    poll(karbor, ('checkpoint-show', NOOP, checkpoint_id), 'available')
    missing = str(uuid.uuid4())
    result = karbor.cli('checkpoint-reset-state', NOOP, missing, check=False,
                        user='admin')
    assert result.returncode == 1
    assert "Failed to reset state of '%s'; checkpoint not found" % missing \
        in result.stdout


def check_restore(karbor, checkpoint_id):
    restore = karbor.show('restore-create', NOOP, checkpoint_id)
    assert restore['status'] == 'in_progress'
    assert restore['checkpoint_id'] == checkpoint_id
    assert restore['provider_id'] == NOOP
    assert restore['restore_target'] == 'None'
    assert json.loads(restore['parameters']) == {}
    done = poll(karbor, ('restore-show', restore['id']), 'success')
    assert done['project_id'] == karbor.project
    assert karbor.rows('restore-list') == [
        {'Id': restore['id'], 'Project id': karbor.project,
         'Provider id': NOOP, 'Checkpoint id': checkpoint_id,
         'Restore target': '-', 'Parameters': '{}', 'Status': 'success'}]
    result = karbor.cli('restore-create', NOOP, checkpoint_id,
                        '--parameters', 'resource_type=OS::Nova::Server,'
                        'no_such_option=1', check=False)
    assert result.returncode == 1
    assert 'HTTP 400' in result.stderr
    assert len(karbor.rows('restore-list')) == 1
    return restore['id']


def check_verification(karbor, checkpoint_id):
    verification = karbor.show('verification-create', NOOP, checkpoint_id)
    assert verification['status'] == 'in_progress'
    assert verification['checkpoint_id'] == checkpoint_id
    poll(karbor, ('verification-show', verification['id']), 'success')
    assert karbor.rows('verification-list') == [
        {'Id': verification['id'], 'Project id': karbor.project,
         'Provider id': NOOP, 'Checkpoint id': checkpoint_id,
         'Parameters': '{}', 'Status': 'success'}]


def check_copy(karbor, plan_id, checkpoint_id):
    response = karbor.http('POST', '/providers/%s/checkpoints/action' % NOOP,
                           json={'copy': {'plan_id': plan_id,
                                          'parameters': {}}})
    assert response.status_code == 200, response.text
    copy = response.json()['copy']
    assert copy['plan_id'] == plan_id and copy['provider_id'] == NOOP
    [pair] = copy['checkpoint_id']
    assert pair['checkpoint_protect_id'] == checkpoint_id
    copied = poll_until(
        lambda: karbor.show('checkpoint-show', NOOP,
                            pair['checkpoint_copy_id']),
        lambda table: table['status'] not in ('wait_copying', 'copying'),
        'the copy')
    assert copied['status'] in ('available', 'finished')
    return pair['checkpoint_copy_id']


def check_operation_logs(karbor, checkpoint_id, restore_id):
    # A log ends just after its operation's own status.
    rows = poll_until(
        lambda: karbor.rows('operationlog-list'),
        lambda rows: {row['Status'] for row in rows} == {'success'},
        'the operation logs')
    types = sorted(row['Operation Type'] for row in rows)
    assert types == ['copy', 'protect', 'restore', 'verify']
    [restore_log] = [r for r in rows if r['Operation Type'] == 'restore']
    assert restore_log['Restore Id'] == restore_id
    assert restore_log['Checkpoint id'] == checkpoint_id
    log = karbor.show('operationlog-show', restore_log['Id'])
    assert log['operation_type'] == 'restore'
    assert log['restore_id'] == restore_id
    assert log['provider_id'] == NOOP


def check_quotas(karbor):
    quota = karbor.show('quota-show', '--tenant', karbor.project)
    assert quota == {'id': karbor.project, 'plans': '50',
                     'checkpoints': '-1'}
    result = karbor.cli('quota-update', karbor.project, '--plans', '20',
                        check=False)
    assert result.returncode == 1 and 'HTTP 403' in result.stderr
    updated = karbor.show('quota-update', karbor.project, '--plans', '20',
                          user='admin')
    assert updated['plans'] == '20'
    assert karbor.show('quota-show', '--tenant', karbor.project)[
        'plans'] == '20'


def check_delete(karbor, plan_id, checkpoint_ids):
    karbor.cli('checkpoint-delete', NOOP, *checkpoint_ids)
    deployment.wait_for(lambda: karbor.rows('checkpoint-list', NOOP) == [],
                        timeout=30, what='the checkpoints deleted')
    karbor.cli('plan-delete', plan_id)
    assert karbor.rows('plan-list') == []
    result = karbor.cli('plan-show', plan_id, check=False)
    assert result.returncode == 1 and 'HTTP 404' in result.stderr


def test_seed_flow_with_noop_provider(karbor):
    check_providers(karbor)
    plan_id = check_plans(karbor)
    checkpoint_id = check_checkpoint(karbor, plan_id)
    check_reset_state(karbor, checkpoint_id)
    restore_id = check_restore(karbor, checkpoint_id)
    check_verification(karbor, checkpoint_id)
    copy_id = check_copy(karbor, plan_id, checkpoint_id)
    check_operation_logs(karbor, checkpoint_id, restore_id)
    check_quotas(karbor)
    check_delete(karbor, plan_id, [checkpoint_id, copy_id])
