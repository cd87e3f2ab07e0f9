"""The three Karbor services as separate processes over RabbitMQ.

One deployment per database backend (MariaDB, PostgreSQL) serves every test
of this module; the tests drive it with the real ``karbor`` CLI and, for
what the CLI cannot send (bad JSON, bad ids), plain HTTP. Every error must
answer a 4xx fault and change nothing.
"""

import contextlib
import json
import os
import uuid

import pytest
import sqlalchemy as sa

from karbor.tests.functional.conftest import karbor_deployment
from karbor.tests.functional.conftest import NOOP_PROVIDER
from karbor.tests.functional.conftest import RECORDER_PROVIDER
from karbor.tests.functional import deployment
from karbor.tests.functional.deployment import assert_fault
from karbor.tests.functional.deployment import property_table
from karbor.tests.functional.deployment import table_rows

PROJECT_TYPE = 'OS::Keystone::Project'
# Every table an API request could change (services only get heartbeats).
STATE_TABLES = ('plans', 'resources', 'checkpoints', 'restores',
                'verifications', 'operation_logs', 'quotas', 'quota_usages',
                'reservations')
CHECKPOINTS = '/providers/%s/checkpoints' % RECORDER_PROVIDER


@pytest.fixture(scope='module', params=['mysql', 'postgresql'])
def karbor(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('karbor-%s' % request.param)
    with karbor_deployment(workdir, request.param) as running:
        yield running


@pytest.fixture
def project():
    return uuid.uuid4().hex


def db_state(url):
    """Every row of ``STATE_TABLES``, to compare before and after."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return {table: sorted(repr(tuple(row)) for row in conn.execute(
                sa.text('SELECT * FROM %s' % table)))
                for table in STATE_TABLES}
    finally:
        engine.dispose()


def bank_files(karbor):
    """Every object of every bank, with its size."""
    found = []
    for directory, _dirs, files in os.walk(
            os.path.join(karbor.workdir, 'state', 'banks')):
        for name in files:
            path = os.path.join(directory, name)
            found.append((path, os.path.getsize(path)))
    return sorted(found)


@contextlib.contextmanager
def nothing_changes(karbor, *projects):
    """Assert the database, the banks and the plan listings are the same."""
    def state():
        listings = {p: karbor.http('GET', '/plans', project=p).json()
                    for p in projects}
        return db_state(karbor.database_url), bank_files(karbor), listings

    before = state()
    yield
    assert state() == before


def create_plan(karbor, project, provider=RECORDER_PROVIDER, name='plan',
                parameters=None):
    """Create a plan of the project itself with the CLI; its properties."""
    args = ['plan-create', name, provider,
            '%s=%s=p' % (project, PROJECT_TYPE), '--description', 'd']
    if parameters is not None:
        args += ['--parameters-json', json.dumps(parameters)]
    return property_table(karbor.karbor(*args, project=project).stdout)


def plan_ids(karbor, project):
    rows = table_rows(karbor.karbor('plan-list', project=project).stdout)
    return [row[0] for row in rows[1:]]


def test_services_report_up(karbor):
    output = karbor.karbor('service-list', project='admin',
                           user='admin').stdout
    rows = table_rows(output)
    header = rows[0]
    services = {row[header.index('Binary')]: row for row in rows[1:]}
    # karbor-api answers this very request; the RPC services register.
    assert set(services) == {'karbor-protection', 'karbor-operationengine'}
    for row in services.values():
        assert row[header.index('State')] == 'up'
        assert row[header.index('Status')] == 'enabled'


def test_providers(karbor, project):
    rows = table_rows(karbor.karbor('provider-list', project=project).stdout)
    assert rows[0] == ['Id', 'Name', 'Description']
    assert {row[0] for row in rows[1:]} == {NOOP_PROVIDER, RECORDER_PROVIDER}
    shown = property_table(karbor.karbor(
        'provider-show', RECORDER_PROVIDER, project=project).stdout)
    assert shown['name'] == 'Hook Recorder Provider'
    schemas = json.loads(shown['extended_info_schema'])
    options = schemas['options_schema'][PROJECT_TYPE]
    assert set(options['properties']) >= {'sleep', 'fail_on'}
    missing = karbor.karbor('provider-show', str(uuid.uuid4()),
                            project=project, check=False)
    assert missing.returncode != 0 and '404' in missing.stderr


def test_protectables(karbor, project):
    rows = table_rows(karbor.karbor('protectable-list',
                                    project=project).stdout)
    types = {row[0] for row in rows[1:]}
    assert {PROJECT_TYPE, 'OS::Nova::Server', 'OS::Cinder::Volume'} <= types
    shown = property_table(karbor.karbor(
        'protectable-show', PROJECT_TYPE, project=project).stdout)
    assert shown['name'] == PROJECT_TYPE
    assert 'OS::Nova::Server' in shown['dependent_types']
    instance = property_table(karbor.karbor(
        'protectable-show-instance', PROJECT_TYPE, project,
        project=project).stdout)
    assert instance['id'] == project
    assert instance['type'] == PROJECT_TYPE
    unknown = karbor.karbor('protectable-show', 'OS::No::Such',
                            project=project, check=False)
    assert unknown.returncode != 0 and '400' in unknown.stderr


def test_plan_lifecycle(karbor, project):
    created = create_plan(karbor, project, name='first',
                          parameters={PROJECT_TYPE: {'sleep': 0}})
    plan_id = created['id']
    assert created['status'] == 'suspended'
    assert created['provider_id'] == RECORDER_PROVIDER
    assert json.loads(created['parameters']) == {PROJECT_TYPE: {'sleep': 0}}
    assert json.loads(created['resources']) == [
        {'id': project, 'type': PROJECT_TYPE, 'name': 'p'}]
    assert plan_ids(karbor, project) == [plan_id]
    shown = property_table(karbor.karbor('plan-show', plan_id,
                                         project=project).stdout)
    assert shown['name'] == 'first' and shown['description'] == 'd'

    updated = property_table(karbor.karbor(
        'plan-update', plan_id, '--name', 'second', '--status', 'started',
        project=project).stdout)
    assert (updated['name'], updated['status']) == ('second', 'started')
    shown = karbor.http('GET', '/plans/' + plan_id, project=project).json()
    assert (shown['plan']['name'], shown['plan']['status']) == (
        'second', 'started')

    karbor.karbor('plan-delete', plan_id, project=project)
    assert plan_ids(karbor, project) == []
    gone = karbor.karbor('plan-show', plan_id, project=project, check=False)
    assert gone.returncode != 0 and '404' in gone.stderr


def test_bad_json_changes_nothing(karbor, project):
    plan_id = create_plan(karbor, project)['id']
    with nothing_changes(karbor, project):
        for method, path in (('POST', '/plans'),
                             ('PUT', '/plans/' + plan_id)):
            resp = karbor.http(method, path, project=project,
                               data='{"plan": {"name": ')
            assert_fault(resp, 400)
        resp = karbor.http('POST', '/plans', project=project,
                           data='[1, 2', headers={
                               'Content-Type': 'application/json'})
        assert_fault(resp, 400)


def _plan_body(project, provider, parameters=None):
    return {'plan': {'name': 'x', 'provider_id': provider,
                     'parameters': parameters or {},
                     'resources': [{'id': project, 'type': PROJECT_TYPE,
                                    'name': 'p'}]}}


def test_unknown_provider_changes_nothing(karbor, project):
    unknown = str(uuid.uuid4())
    with nothing_changes(karbor, project):
        result = karbor.karbor('plan-create', 'x', unknown,
                               '%s=%s=p' % (project, PROJECT_TYPE),
                               project=project, check=False)
        assert result.returncode != 0 and '400' in result.stderr
        assert_fault(karbor.http('POST', '/plans', project=project,
                                 json=_plan_body(project, unknown)), 400)


@pytest.mark.parametrize('provider', [RECORDER_PROVIDER, NOOP_PROVIDER])
def test_parameters_outside_schema_change_nothing(karbor, project,
                                                  provider):
    with nothing_changes(karbor, project):
        result = karbor.karbor(
            'plan-create', 'x', provider,
            '%s=%s=p' % (project, PROJECT_TYPE), '--parameters',
            'resource_type=%s,no_such_option=1' % PROJECT_TYPE,
            project=project, check=False)
        assert result.returncode != 0 and '400' in result.stderr
        bad = {PROJECT_TYPE: {'no_such_option': 1}}
        assert_fault(karbor.http('POST', '/plans', project=project,
                                 json=_plan_body(project, provider, bad)),
                     400)
        # A type that does not exist at all.
        assert_fault(karbor.http('POST', '/plans', project=project,
                                 json=_plan_body(project, provider,
                                                 {'OS::No::Such': {}})),
                     400)


def test_other_projects_plan_is_not_found(karbor, project):
    plan_id = create_plan(karbor, project)['id']
    other = uuid.uuid4().hex
    with nothing_changes(karbor, project, other):
        for method, kwargs in (('GET', {}), ('DELETE', {}),
                               ('PUT', {'json': {'plan': {'name': 'x'}}})):
            assert_fault(karbor.http(method, '/plans/' + plan_id,
                                     project=other, **kwargs), 404)
        for command in ('plan-show', 'plan-delete'):
            result = karbor.karbor(command, plan_id, project=other,
                                   check=False)
            assert result.returncode != 0
        result = karbor.karbor('plan-update', plan_id, '--name', 'x',
                               project=other, check=False)
        assert result.returncode != 0
    assert plan_ids(karbor, other) == []
    assert plan_ids(karbor, project) == [plan_id]


def test_non_uuid_ids_are_bad_requests(karbor, project):
    create_plan(karbor, project)
    with nothing_changes(karbor, project):
        for method, kwargs in (('GET', {}), ('DELETE', {}),
                               ('PUT', {'json': {'plan': {'name': 'x'}}})):
            assert_fault(karbor.http(method, '/plans/not-a-uuid',
                                     project=project, **kwargs), 400)
        assert_fault(karbor.http('GET', '/providers/not-a-uuid',
                                 project=project), 400)
        assert_fault(karbor.http('POST', '/plans', project=project,
                                 json=_plan_body(project, 'not-a-uuid')),
                     400)


def test_started_plan_cannot_be_updated(karbor, project):
    plan_id = create_plan(karbor, project)['id']
    karbor.karbor('plan-update', plan_id, '--status', 'started',
                  project=project)
    with nothing_changes(karbor, project):
        assert_fault(karbor.http('PUT', '/plans/' + plan_id,
                                 project=project,
                                 json={'plan': {'name': 'y'}}), 400)


# Checkpoints and restores over RabbitMQ

def _wait_status(karbor, project, path, key, final, timeout=60):
    def status():
        body = karbor.http('GET', path, project=project).json()
        return body[key]['status'] in final and body[key]
    return deployment.wait_for(status, timeout=timeout,
                               what='%s to end' % path)


def test_checkpoint_and_restore(karbor, project):
    plan_id = create_plan(karbor, project)['id']
    created = property_table(karbor.karbor(
        'checkpoint-create', RECORDER_PROVIDER, plan_id,
        project=project).stdout)
    checkpoint_id = created['id']
    assert created['status'] == 'protecting'
    path = CHECKPOINTS + '/' + checkpoint_id
    checkpoint = _wait_status(karbor, project, path, 'checkpoint',
                              ('available', 'error'))
    assert checkpoint['status'] == 'available'
    shown = property_table(karbor.karbor(
        'checkpoint-show', RECORDER_PROVIDER, checkpoint_id,
        project=project).stdout)
    assert shown['status'] == 'available'
    assert project in shown['resource_graph']
    listed = table_rows(karbor.karbor('checkpoint-list', RECORDER_PROVIDER,
                                      project=project).stdout)
    assert [row[0] for row in listed[1:] if row[0]] == [checkpoint_id]

    restore = property_table(karbor.karbor(
        'restore-create', RECORDER_PROVIDER, checkpoint_id,
        project=project).stdout)
    restored = _wait_status(karbor, project, '/restores/' + restore['id'],
                            'restore', ('success', 'fail'))
    if restored['status'] != 'success':
        logs = karbor.http('GET', '/operation_logs', project=project).json()
        pytest.fail('restore ended %s: %r; operation logs: %r' % (
            restored['status'], restored.get('resources_reason'),
            [(log['operation_type'], log['status'], log.get('error_info'))
             for log in logs['operation_logs']]))
    assert restored['resources_status'] == {
        '%s#restored-%s' % (PROJECT_TYPE, project): 'available'}

    logs = karbor.http('GET', '/operation_logs', project=project).json()
    assert sorted((log['operation_type'], log['status'])
                  for log in logs['operation_logs']) == [
        ('protect', 'success'), ('restore', 'success')]


def _create_checkpoint(karbor, project, plan_id):
    resp = karbor.http('POST', CHECKPOINTS, project=project,
                       json={'checkpoint': {'plan_id': plan_id}})
    assert resp.status_code == 200, resp.text
    return resp.json()['checkpoint']['id']


def _restore_body(checkpoint_id, provider=RECORDER_PROVIDER,
                  parameters=None):
    return {'restore': {'provider_id': provider,
                        'checkpoint_id': checkpoint_id,
                        'parameters': parameters or {}}}


def test_checkpoint_errors_change_nothing(karbor, project):
    plan_id = create_plan(karbor, project)['id']
    checkpoint_id = _create_checkpoint(karbor, project, plan_id)
    checkpoint = CHECKPOINTS + '/' + checkpoint_id
    _wait_status(karbor, project, checkpoint, 'checkpoint',
                 ('available', 'error'))
    other = uuid.uuid4().hex
    with nothing_changes(karbor, project, other):
        assert_fault(karbor.http('GET', CHECKPOINTS + '/not-a-uuid',
                                 project=project), 400)
        assert_fault(karbor.http('POST', CHECKPOINTS, project=project,
                                 data='{"checkpoint": '), 400)
        assert_fault(karbor.http('POST', CHECKPOINTS, project=project,
                                 json={'checkpoint': {'plan_id': 'x'}}), 400)
        # The plan belongs to another provider.
        assert_fault(karbor.http(
            'POST', '/providers/%s/checkpoints' % NOOP_PROVIDER,
            project=project, json={'checkpoint': {'plan_id': plan_id}}),
            400)
        assert_fault(karbor.http(
            'GET', CHECKPOINTS + '/' + str(uuid.uuid4()), project=project),
            404)
        # Another project's plan and checkpoint do not exist for it.
        assert_fault(karbor.http('POST', CHECKPOINTS, project=other,
                                 json={'checkpoint': {'plan_id': plan_id}}),
                     404)
        for method, kwargs in (('GET', {}), ('DELETE', {}), ('PUT', {
                'json': {'os-resetState': {'state': 'error'}}})):
            assert_fault(karbor.http(method, checkpoint, project=other,
                                     **kwargs), 404)
        assert_fault(karbor.http('POST', '/restores', project=other,
                                 json=_restore_body(checkpoint_id)), 404)
        # Restores that cannot start create nothing.
        assert_fault(karbor.http('POST', '/restores', project=project,
                                 json=_restore_body(str(uuid.uuid4()))), 404)
        assert_fault(karbor.http('POST', '/restores', project=project,
                                 json=_restore_body(
                                     checkpoint_id, str(uuid.uuid4()))), 400)
        assert_fault(karbor.http('POST', '/restores', project=project,
                                 json=_restore_body(checkpoint_id, parameters={
                                     PROJECT_TYPE: {'no_such_option': 1}})),
                     400)
        assert_fault(karbor.http('POST', '/restores', project=project,
                                 data='{"restore": '), 400)
        assert_fault(karbor.http('GET', '/restores/not-a-uuid',
                                 project=project), 400)
        assert_fault(karbor.http('GET', '/operation_logs/not-a-uuid',
                                 project=project), 400)


def test_busy_checkpoint_refuses_restore_and_delete(karbor, project):
    plan_id = create_plan(karbor, project,
                          parameters={PROJECT_TYPE: {'sleep': 2}})['id']
    checkpoint_id = _create_checkpoint(karbor, project, plan_id)
    checkpoint = CHECKPOINTS + '/' + checkpoint_id
    assert_fault(karbor.http('POST', '/restores', project=project,
                             json=_restore_body(checkpoint_id)), 400)
    assert_fault(karbor.http('DELETE', checkpoint, project=project), 400)
    assert_fault(karbor.http('PUT', checkpoint, project=project,
                             user='admin', json={
                                 'os-resetState': {'state': 'available'}}),
                 400)
    ended = _wait_status(karbor, project, checkpoint, 'checkpoint',
                         ('available', 'error'))
    assert ended['status'] == 'available'
    assert karbor.http('GET', '/restores',
                       project=project).json()['restores'] == []
    logs = karbor.http('GET', '/operation_logs', project=project).json()
    assert [log['operation_type'] for log in logs['operation_logs']] == [
        'protect']


def test_faults_do_not_leak_remote_tracebacks(karbor, project):
    """Errors raised in karbor-protection reach users as their message only.

    oslo.messaging appends the remote traceback to the string of an
    exception rebuilt from an RPC reply; that is server internals.
    """
    unknown = str(uuid.uuid4())
    answers = [
        karbor.http('GET', '/providers/' + unknown, project=project),
        karbor.http('POST', '/plans', project=project,
                    json=_plan_body(project, unknown)),
        karbor.http('GET', '/protectables/%s/instances/%s' % (
            PROJECT_TYPE, uuid.uuid4().hex), project=project),
    ]
    answers.append(karbor.http('GET', CHECKPOINTS + '/' + unknown,
                               project=project))
    for resp in answers:
        message = assert_fault(resp, resp.status_code)
        assert 400 <= resp.status_code < 500
        assert 'Traceback' not in message and '.py' not in message, message
    result = karbor.karbor('provider-show', unknown, project=project,
                           check=False)
    assert result.returncode != 0 and 'Traceback' not in result.stderr
