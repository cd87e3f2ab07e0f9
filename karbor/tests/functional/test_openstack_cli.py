"""Every ``openstack data protection ...`` command (the OSC plugin of
python-karborclient 2.1.0) against ``karbor-all`` in Keystone mode.

The plugin passes plain functions as column formatters, which osc-lib 4
refuses ("Invalid formatter provided."): upper-constraints.txt pins
osc-lib 3.2.0 and python-openstackclient 8.2.0, the last releases that
take them (doc/source/user/openstack-cli.rst). ``trigger create`` fails
inside the plugin before it sends anything; the test proves that nothing
reaches Karbor.
"""

import json

import pytest

from karbor.tests.functional import deployment
from karbor.tests.functional import quickstart

NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'
PROJECT_TYPE = 'OS::Keystone::Project'
HOURLY = 'BEGIN:VEVENT\\nRRULE:FREQ=HOURLY;INTERVAL=1;\\nEND:VEVENT'


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('osc'))
    setup.start()
    yield setup
    setup.stop()


def osc(karbor, *args, admin=False, check=True):
    """``openstack data protection <args>`` (CompletedProcess)."""
    env = karbor.env('admin', 'admin') if admin else karbor.env()
    return karbor.run('openstack', 'data', 'protection', *args, check=check,
                      env=env)


def show(karbor, *args, **kwargs):
    """The JSON output of a command."""
    return json.loads(osc(karbor, *(args + ('-f', 'json')),
                          **kwargs).stdout)


def wait_status(karbor, args, values):
    def settled():
        shown = show(karbor, *args)
        return shown if shown['status'] in values else None
    return deployment.wait_for(settled, timeout=60, what=' '.join(args))


def ids(listed, key='Id'):
    return {row[key] for row in listed}


def test_providers_protectables_and_plans(karbor):
    assert NOOP in ids(show(karbor, 'provider', 'list'))
    assert show(karbor, 'provider', 'show', NOOP)['name'] == 'No-Op Provider'
    types = show(karbor, 'protectable', 'list')
    assert PROJECT_TYPE in {row['Protectable type'] for row in types}
    assert show(karbor, 'protectable', 'show', PROJECT_TYPE)['name'] == \
        PROJECT_TYPE
    [instance] = show(karbor, 'protectable', 'instance', 'list',
                      PROJECT_TYPE)
    assert instance['Id'] == karbor.project_id
    assert show(karbor, 'protectable', 'instance', 'show', PROJECT_TYPE,
                karbor.project_id)['id'] == karbor.project_id
    plan = show(karbor, 'plan', 'create', 'osc plan', NOOP,
                '%s=%s=demo' % (karbor.project_id, PROJECT_TYPE))
    assert plan['id'] in ids(show(karbor, 'plan', 'list'))
    assert show(karbor, 'plan', 'show', plan['id'])['name'] == 'osc plan'
    updated = show(karbor, 'plan', 'update', plan['id'], '--name', 'renamed')
    assert updated['name'] == 'renamed'
    assert show(karbor, 'plan', 'update', plan['id'], '--status',
                'started')['status'] == 'started'
    osc(karbor, 'plan', 'delete', plan['id'])
    assert plan['id'] not in ids(show(karbor, 'plan', 'list'))


@pytest.fixture(scope='module')
def checkpoint(karbor):
    plan = show(karbor, 'plan', 'create', 'osc checkpoints', NOOP,
                '%s=%s=demo' % (karbor.project_id, PROJECT_TYPE))
    created = show(karbor, 'checkpoint', 'create', NOOP, plan['id'])
    assert created['status'] == 'protecting'
    nodes = json.loads(created['resource_graph'])[0].values()
    assert [PROJECT_TYPE, karbor.project_id, 'demo', None] in nodes
    shown = wait_status(karbor, ('checkpoint', 'show', NOOP, created['id']),
                        ('available', 'error'))
    assert shown['status'] == 'available'
    return shown


def test_checkpoints(karbor, checkpoint):
    listed = show(karbor, 'checkpoint', 'list', NOOP)
    [row] = [row for row in listed if row['Id'] == checkpoint['id']]
    assert row['Status'] == 'available'
    assert row['Protection plan'].startswith('Name: osc checkpoints')
    osc(karbor, 'checkpoint', 'reset', 'state', NOOP, checkpoint['id'],
        admin=True)
    assert show(karbor, 'checkpoint', 'show', NOOP,
                checkpoint['id'])['status'] == 'error'
    osc(karbor, 'checkpoint', 'reset', 'state', '--available', NOOP,
        checkpoint['id'], admin=True)
    assert show(karbor, 'checkpoint', 'show', NOOP,
                checkpoint['id'])['status'] == 'available'


def test_restores_verifications_and_logs(karbor, checkpoint):
    restore = show(karbor, 'restore', 'create', NOOP, checkpoint['id'])
    assert restore['id'] in ids(show(karbor, 'restore', 'list'))
    assert wait_status(karbor, ('restore', 'show', restore['id']),
                       ('success', 'fail'))['status'] == 'success'
    verification = show(karbor, 'verification', 'create', NOOP,
                        checkpoint['id'])
    assert verification['id'] in ids(show(karbor, 'verification', 'list'))
    assert wait_status(karbor, ('verification', 'show', verification['id']),
                       ('success', 'fail'))['status'] == 'success'
    logs = show(karbor, 'operationlog', 'list')
    assert {'protect', 'restore', 'verify'} <= {
        row['Operation Type'] for row in logs}
    [first] = [row['Id'] for row in logs][:1]
    assert show(karbor, 'operationlog', 'show', first)['id'] == first


def test_checkpoint_delete(karbor):
    plan = show(karbor, 'plan', 'create', 'osc delete', NOOP,
                '%s=%s=demo' % (karbor.project_id, PROJECT_TYPE))
    created = show(karbor, 'checkpoint', 'create', NOOP, plan['id'])
    wait_status(karbor, ('checkpoint', 'show', NOOP, created['id']),
                ('available',))
    osc(karbor, 'checkpoint', 'delete', NOOP, created['id'])

    def gone():
        return created['id'] not in ids(show(karbor, 'checkpoint', 'list',
                                             NOOP))
    deployment.wait_for(gone, timeout=60, what='the checkpoint deleted')


def test_triggers_and_scheduled_operations(karbor, checkpoint):
    # The plugin calls .get on the properties text: nothing is sent.
    refused = osc(karbor, 'trigger', 'create', 'osc', 'time',
                  'pattern=0 * * * *,format=crontab', check=False)
    assert refused.returncode == 1
    assert "'str' object has no attribute 'get'" in refused.stderr
    assert show(karbor, 'trigger', 'list') == []
    created = karbor.karbor('trigger-create', 'osc', 'time',
                            'pattern=%s,format=calendar' % HOURLY)
    [trigger_id] = [row[1] for row in deployment.table_rows(created.stdout)
                    if row[0] == 'id']
    assert ids(show(karbor, 'trigger', 'list')) == {trigger_id}
    assert show(karbor, 'trigger', 'show', trigger_id)['name'] == 'osc'
    updated = show(karbor, 'trigger', 'update', trigger_id, '--name',
                   'osc hourly', '--properties',
                   'pattern=%s,format=calendar' % HOURLY)
    assert updated['name'] == 'osc hourly'
    plan_id = checkpoint['protection_plan'].split('Id: ')[1].strip()
    operation = show(karbor, 'scheduledoperation', 'create', 'osc op',
                     'protect', trigger_id,
                     'plan_id=%s,provider_id=%s' % (plan_id, NOOP))
    assert operation['id'] in ids(show(karbor, 'scheduledoperation', 'list'))
    assert show(karbor, 'scheduledoperation', 'show',
                operation['id'])['name'] == 'osc op'
    osc(karbor, 'scheduledoperation', 'delete', operation['id'])
    osc(karbor, 'trigger', 'delete', trigger_id)
    assert show(karbor, 'trigger', 'list') == []


def test_quotas_and_services(karbor):
    project = karbor.project_id
    assert show(karbor, 'quotas', 'default')['plans'] is not None
    show(karbor, 'quotas', 'update', project, '--plans', '40', admin=True)
    assert str(show(karbor, 'quotas', 'show')['plans']) == '40'
    show(karbor, 'quotaclass', 'update', 'default', '--plans', '60',
         admin=True)
    assert str(show(karbor, 'quotaclass', 'show', 'default',
                    admin=True)['plans']) == '60'
    services = show(karbor, 'service', 'list', admin=True)
    [service_id] = [str(row['Id']) for row in services
                    if row['Binary'] == 'karbor-operationengine']
    disabled = show(karbor, 'service', 'disable', service_id, '--reason',
                    'maintenance', admin=True)
    assert disabled['status'] == 'disabled'
    enabled = show(karbor, 'service', 'enable', service_id, admin=True)
    assert enabled['status'] == 'enabled'
