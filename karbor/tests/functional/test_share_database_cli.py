"""Manila shares and Trove databases on the quick start, with real CLIs.

``karbor-all`` and its sandbox cloud are driven by the ``karbor`` and
``openstack`` (``share``, ``database``) command-line clients, as a user
would: a share with known files and a database instance are protected by
the OS Infra Share and Database Provider, lost, and restored; failures of
the cloud end in ``error`` with a reason naming the resource and leave
nothing half-made in the bank or the cloud.
"""

import json
import os
import time

import pytest
import requests

from karbor.tests.functional import deployment
from karbor.tests.functional import quickstart
from karbor.tests.functional import share_files

PROVIDER = '0f3c1a9e-5d2b-4c47-9a61-6b8e2d7f4c15'
SHARE = 'OS::Manila::Share'
DATABASE = 'OS::Trove::Instance'
FILES = {'index.html': b'<h1>hello</h1>\n',
         'data/rows.csv': b'id,name\n1,ada\n2,grace\n' * 100}


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('quickstart'))
    setup.start()
    setup.sandbox_url = 'http://127.0.0.1:%d' % setup.sandbox_port
    setup.manila, setup.trove = clients(setup)
    yield setup
    setup.stop()


def rows(output):
    return deployment.table_rows(output)[1:]


def openstack(karbor, *args, check=True):
    """``openstack <args> -f json`` parsed (None when it printed nothing)."""
    result = karbor.run('openstack', *args, '-f', 'json', check=check)
    if not check:
        return result
    return json.loads(result.stdout) if result.stdout.strip() else None


def clients(karbor):
    """Python clients of the sandbox's Manila and Trove, to wait on
    statuses without one CLI run per poll."""
    from keystoneauth1.identity import v3
    from keystoneauth1 import session
    from manilaclient import client as manila_client
    from troveclient import client as trove_client
    env = karbor.env()
    sess = session.Session(auth=v3.Password(
        auth_url=env['OS_AUTH_URL'], username=env['OS_USERNAME'],
        password=env['OS_PASSWORD'], project_name=env['OS_PROJECT_NAME'],
        user_domain_id='default', project_domain_id='default'))
    return (manila_client.Client('2', session=sess),
            trove_client.Client('1.0', session=sess))


def wait_status(get, wanted, timeout=30):
    deadline = time.monotonic() + timeout
    while get().status != wanted:
        assert time.monotonic() < deadline, get().status
        time.sleep(0.1)


def new_share(karbor, name):
    made = openstack(karbor, 'share', 'create', 'NFS', '1', '--name', name)
    manila = karbor.manila
    wait_status(lambda: manila.shares.get(made['id']), 'available')
    return made


def new_database(karbor, name):
    made = openstack(karbor, 'database', 'instance', 'create', name,
                     '--flavor', '3', '--size', '2', '--datastore', 'mysql',
                     '--datastore-version', '8.0.29')
    trove = karbor.trove
    wait_status(lambda: trove.instances.get(made['id']), 'ACTIVE')
    return made


def plan(karbor, resource_type, resource_id, name):
    return karbor.show('plan-create', name, PROVIDER,
                       '%s=%s=%s' % (resource_id, resource_type, name))


def protect(karbor, plan_id):
    created = karbor.show('checkpoint-create', PROVIDER, plan_id)
    return karbor.wait_for(('checkpoint-show', PROVIDER, created['id']),
                           'status', ('available', 'error'))


def restore(karbor, checkpoint_id, *args):
    created = karbor.show('restore-create', PROVIDER, checkpoint_id, *args)
    return karbor.wait_for(('restore-show', created['id']), 'status',
                           ('success', 'fail'))


def delete_checkpoint(karbor, checkpoint_id):
    karbor.karbor('checkpoint-delete', PROVIDER, checkpoint_id)
    deployment.wait_for(
        lambda: checkpoint_id not in {row[0] for row in rows(karbor.karbor(
            'checkpoint-list', PROVIDER).stdout)},
        timeout=30, what='the checkpoint to go')


def restored_ids(done, resource_type):
    statuses = eval(done['resources_status'])  # the CLI prints a repr
    assert set(statuses.values()) == {'available'}, done
    return [key.split('#', 1)[1] for key in statuses
            if key.startswith(resource_type + '#')]


def share_snapshots(karbor, share_id):
    return openstack(karbor, 'share', 'snapshot', 'list', '--detail',
                     '--share', share_id)


def backups_of(karbor, instance_id):
    return [b for b in openstack(karbor, 'database', 'backup', 'list')
            if b.get('Instance ID', b.get('instance_id')) == instance_id]


def error_reasons(karbor, checkpoint_id):
    logs = rows(karbor.karbor('operationlog-list').stdout)
    return [row[10] for row in logs
            if row[2] == checkpoint_id and row[7] == 'error']


def bank_files(karbor, checkpoint_id):
    root = os.path.join(karbor.state_dir, 'banks', 'share-database',
                        'checkpoints', checkpoint_id)
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _dirs, files in os.walk(root) for f in files)


def test_provider_shows_the_share_and_database_schemas(karbor):
    shown = karbor.show('provider-show', PROVIDER)
    assert shown['name'] == 'OS Infra Share and Database Provider'
    schemas = json.loads(shown['extended_info_schema'])
    assert set(schemas['options_schema']) == {SHARE, DATABASE}
    assert schemas['options_schema'][SHARE]['title'] == \
        'Share Protection Options'
    assert set(schemas['restore_schema'][SHARE]['properties']) == {
        'restore_name', 'restore_description'}
    assert set(schemas['restore_schema'][DATABASE]['properties']) == {
        'restore_name', 'restore_net_id'}
    assert schemas['saved_info_schema'][DATABASE]['required'] == [
        'instance_id', 'backup_id', 'flavor', 'size', 'datastore']


def test_protectables_list_show_and_dependents(karbor):
    share = new_share(karbor, 'listed-share')
    db = new_database(karbor, 'listed-db')
    project = karbor.show('protectable-show', 'OS::Keystone::Project')
    assert SHARE in project['dependent_types']
    assert DATABASE in project['dependent_types']
    for resource_type, made in ((SHARE, share), (DATABASE, db)):
        listed = rows(karbor.karbor('protectable-list-instances',
                                    resource_type).stdout)
        assert made['id'] in {row[0] for row in listed}
        shown = karbor.show('protectable-show-instance', resource_type,
                            made['id'])
        assert (shown['id'], shown['name'], shown['type']) == (
            made['id'], made['name'], resource_type)
        missing = karbor.karbor('protectable-show-instance', resource_type,
                                'f0f0f0f0-0000-4000-8000-000000000000',
                                check=False)
        assert missing.returncode == 1 and 'HTTP 404' in missing.stderr
    # The project's dependents: what a plan of the project protects.
    shown = karbor.show('protectable-show-instance', 'OS::Keystone::Project',
                        karbor.project_id)
    dependents = shown['dependent_resources']
    assert share['id'] in dependents and db['id'] in dependents


def test_share_files_come_back_from_the_checkpoint(karbor):
    share = new_share(karbor, 'web-content')
    share_files.write(karbor.sandbox_url, share['id'], FILES)
    made = plan(karbor, SHARE, share['id'], 'web-content')
    checkpoint = protect(karbor, made['id'])
    assert checkpoint['status'] == 'available'
    graph = json.loads(checkpoint['resource_graph'])
    assert list(graph[0].values()) == [[SHARE, share['id'], 'web-content',
                                        None]]
    (snapshot,) = share_snapshots(karbor, share['id'])
    assert snapshot['Status'] == 'available'

    # Manila keeps a share that has snapshots; the files are lost instead.
    refused = karbor.run('openstack', 'share', 'delete', share['id'],
                         check=False)
    assert refused.returncode == 1
    assert 'dependent snapshots' in refused.stderr
    for path in FILES:
        share_files.delete(karbor.sandbox_url, share['id'], path)
    assert share_files.read(karbor.sandbox_url, share['id']) == {}

    done = restore(karbor, checkpoint['id'], '--parameters',
                   'resource_type=%s,restore_name=web-content-back,'
                   'restore_description=restored' % SHARE)
    assert done['status'] == 'success'
    (new_id,) = restored_ids(done, SHARE)
    restored = openstack(karbor, 'share', 'show', new_id)
    assert (restored['name'], restored['description'], restored['status'],
            restored['size'], restored['share_proto']) == (
        'web-content-back', 'restored', 'available', 1, 'NFS')
    assert share_files.read(karbor.sandbox_url, new_id) == FILES

    delete_checkpoint(karbor, checkpoint['id'])
    assert share_snapshots(karbor, share['id']) == []
    karbor.run('openstack', 'share', 'delete', share['id'])


def test_database_comes_back_with_its_flavor_size_and_datastore(karbor):
    db = new_database(karbor, 'orders')
    made = plan(karbor, DATABASE, db['id'], 'orders')
    checkpoint = protect(karbor, made['id'])
    assert checkpoint['status'] == 'available'
    (backup,) = backups_of(karbor, db['id'])
    assert backup['Status'] == 'COMPLETED'

    karbor.run('openstack', 'database', 'instance', 'delete', db['id'])
    deployment.wait_for(lambda: db['id'] not in {
        i.id for i in karbor.trove.instances.list()},
        timeout=30, what='the instance to go')
    net = openstack(karbor, 'network', 'show', 'demo-net')
    done = restore(karbor, checkpoint['id'], '--parameters',
                   'resource_type=%s,restore_name=orders-back,'
                   'restore_net_id=%s' % (DATABASE, net['id']))
    assert done['status'] == 'success'
    (new_id,) = restored_ids(done, DATABASE)
    restored = openstack(karbor, 'database', 'instance', 'show', new_id)
    assert (restored['name'], restored['status'], restored['flavor'],
            restored['volume'], restored['datastore'],
            restored['datastore_version']) == (
        'orders-back', 'ACTIVE', '3', 2, 'mysql', '8.0.29')

    delete_checkpoint(karbor, checkpoint['id'])
    assert backups_of(karbor, db['id']) == []


def test_share_snapshot_error_ends_the_checkpoint_in_error(karbor):
    share = new_share(karbor, 'doomed-share')
    # openstack share set also resets the task state, which Manila allows
    # admins only: the property is set, the command still fails.
    refused = karbor.run('openstack', 'share', 'set', share['id'],
                         '--property', 'sandbox:fault:snapshot=error',
                         check=False)
    assert 'share:reset_task_state' in refused.stderr
    assert openstack(karbor, 'share', 'show', share['id'])['properties'] == {
        'sandbox:fault:snapshot': 'error'}
    made = plan(karbor, SHARE, share['id'], 'doomed-share')
    checkpoint = protect(karbor, made['id'])
    assert checkpoint['status'] == 'error'
    reasons = error_reasons(karbor, checkpoint['id'])
    assert reasons and share['id'] in reasons[0]
    assert 'ended in status error' in reasons[0]
    # Nothing half-made: the errored snapshot is deleted, and the bank
    # keeps only the checkpoint's own records.
    deployment.wait_for(lambda: karbor.manila.share_snapshots.list(
        search_opts={'share_id': share['id']}) == [], timeout=30,
        what='the snapshot to go')
    assert not [f for f in bank_files(karbor, checkpoint['id'])
                if f.startswith('resource-data')]


def test_trove_backup_failure_ends_the_checkpoint_in_error(karbor):
    db = new_database(karbor, 'doomed-db')
    requests.post(karbor.sandbox_url + '/sandbox/faults', timeout=10, json={
        'service': 'database', 'operation': 'backup',
        'resource_id': db['id'], 'action': 'error'}).raise_for_status()
    made = plan(karbor, DATABASE, db['id'], 'doomed-db')
    checkpoint = protect(karbor, made['id'])
    assert checkpoint['status'] == 'error'
    reasons = error_reasons(karbor, checkpoint['id'])
    assert reasons and db['id'] in reasons[0]
    assert 'ended in status FAILED' in reasons[0]
    assert backups_of(karbor, db['id']) == []
    assert not [f for f in bank_files(karbor, checkpoint['id'])
                if f.startswith('resource-data')]
    shown = openstack(karbor, 'database', 'instance', 'show', db['id'])
    assert shown['status'] == 'ACTIVE'
