"""Seeds 000 and 001 (the user guide) replayed on the quick start.

The real ``karbor`` and ``cinder`` command-line clients drive ``karbor-all``
and its sandbox cloud, as a newcomer following the guide would.
"""

import json
import os
import shlex
import time

import pytest
import requests

from karbor.tests.functional import deployment
from karbor.tests.functional import quickstart

OS_INFRA = 'cf56bd3e-97a7-4078-b6d5-f36246333fd9'
SNAPSHOT = '90d5bfea-a259-41e6-80c6-dcfcfcd9d827'
VOLUME = 'OS::Cinder::Volume'
DATA = os.path.join(os.path.dirname(__file__), 'data')


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('quickstart'))
    setup.start()
    yield setup
    setup.stop()


def rows(output):
    """Table rows (header dropped) of a CLI's output."""
    return deployment.table_rows(output)[1:]


def create_volumes(karbor, *names):
    for name in names:
        karbor.cinder('create', '1', '--name', name)
    wanted = set(names)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        volumes = {row[2]: row for row in rows(karbor.cinder('list').stdout)}
        if all(volumes.get(n, [None, None])[1] == 'available'
               for n in wanted):
            return {name: volumes[name][0] for name in names}
        time.sleep(0.2)
    raise AssertionError('volumes not available: %s' % volumes)


def plan_create(karbor, provider_id, volumes, name='plan'):
    resources = ','.join('%s=%s=%s' % (vid, VOLUME, vname)
                         for vname, vid in volumes.items())
    return karbor.show('plan-create', name, provider_id, resources)


def protect(karbor, provider_id, plan_id, final=('available',)):
    created = karbor.show('checkpoint-create', provider_id, plan_id)
    assert created['status'] == 'protecting'
    return karbor.wait_for(('checkpoint-show', provider_id, created['id']),
                           'status', final + ('error',))


def restore(karbor, provider_id, checkpoint_id, *args):
    created = karbor.show('restore-create', provider_id, checkpoint_id, *args)
    assert created['status'] == 'in_progress'
    return karbor.wait_for(('restore-show', created['id']), 'status',
                           ('success', 'fail'))


def backups(karbor):
    return rows(karbor.cinder('backup-list').stdout)


def test_provider_show_prints_the_guides_volume_schemas(karbor):
    shown = karbor.show('provider-show', OS_INFRA)
    assert shown['name'] == 'OS Infra Provider'
    schemas = json.loads(shown['extended_info_schema'])
    with open(os.path.join(DATA, 'seed000_volume_schemas.json')) as seed:
        expected = json.load(seed)
    for kind in ('options_schema', 'restore_schema', 'saved_info_schema'):
        assert schemas[kind][VOLUME] == expected[kind]


def test_protectables_as_in_the_guide(karbor):
    types = [row[0] for row in rows(karbor.karbor('protectable-list').stdout)]
    assert {'OS::Cinder::Volume', 'OS::Glance::Image',
            'OS::Keystone::Project', 'OS::Nova::Server'} <= set(types)
    server = karbor.show('protectable-show', 'OS::Nova::Server')
    # The guide's two, and the network topology (not in the guide's
    # installation).
    assert server['dependent_types'] == (
        "['OS::Cinder::Volume', 'OS::Glance::Image', 'OS::Neutron::Network']")


def test_seed_000_backup_restore_delete(karbor):
    volumes = create_volumes(karbor, 'volume1', 'volume2')
    listed = rows(karbor.karbor('protectable-list-instances', VOLUME).stdout)
    assert set(volumes.values()) <= {row[0] for row in listed}
    plan = plan_create(karbor, OS_INFRA, volumes,
                       'OS volumes protection plan.')
    assert plan['status'] == 'suspended'
    assert plan['parameters'] == '{}'

    checkpoint = protect(karbor, OS_INFRA, plan['id'])
    assert checkpoint['status'] == 'available'
    graph = json.loads(checkpoint['resource_graph'])
    # Nodes are [type, id, name, extra_info] (Karbor 1.6, decision 16).
    assert sorted(node[1:3] for node in graph[0].values()) == sorted(
        [vid, name] for name, vid in volumes.items())
    assert all(len(node) == 4 for node in graph[0].values())
    assert graph[1] == []
    assert sorted(row[1] for row in backups(karbor)) == sorted(
        volumes.values())

    done = restore(karbor, OS_INFRA, checkpoint['id'])
    assert done['status'] == 'success'
    statuses = eval(done['resources_status'])  # the CLI prints a repr
    assert len(statuses) == 2
    assert set(statuses.values()) == {'available'}
    names = {row[2] for row in rows(karbor.cinder('list').stdout)}
    for vid in volumes.values():
        assert '%s@%s' % (checkpoint['id'], vid) in names

    karbor.karbor('checkpoint-delete', OS_INFRA, checkpoint['id'])
    deadline = time.monotonic() + 30
    while backups(karbor) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert backups(karbor) == []


def test_seed_001_openstack_cli_and_plan(karbor):
    created = karbor.run('openstack', 'volume', 'create', '--size', '1',
                         'Volume1')
    assert 'Volume1' in created.stdout
    deadline = time.monotonic() + 30
    while True:
        listed = rows(karbor.run('openstack', 'volume', 'list').stdout)
        found = [row for row in listed if row[1] == 'Volume1']
        if found and found[0][2] == 'available' or \
                time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found[0][2] == 'available'
    volume_id = found[0][0]
    plan = plan_create(karbor, OS_INFRA, {'Volume1': volume_id}, 'Plan1')
    checkpoint = protect(karbor, OS_INFRA, plan['id'])
    assert checkpoint['status'] == 'available'
    listed = rows(karbor.karbor('checkpoint-list', OS_INFRA).stdout)
    assert checkpoint['id'] in {row[0] for row in listed}
    # The openstack CLI finds Karbor in the catalog as data-protect.
    listed = rows(karbor.run('openstack', 'data', 'protection', 'plan',
                             'list').stdout)
    assert plan['id'] in {row[0] for row in listed}
    providers = rows(karbor.run('openstack', 'data', 'protection',
                                'provider', 'list').stdout)
    assert OS_INFRA in {row[0] for row in providers}


def test_the_hints_admin_sees_every_project_and_the_demo_user_does_not(
        karbor):
    volumes = create_volumes(karbor, 'adminseen')
    plan = plan_create(karbor, OS_INFRA, volumes, 'demo plan')

    def plan_ids(user, project, *args):
        result = karbor.run('karbor', 'plan-list', *args,
                            env=karbor.env(user, project))
        return {row[0] for row in rows(result.stdout)}

    assert plan['id'] in plan_ids('admin', 'admin', '--all-tenants', '1')
    assert plan['id'] not in plan_ids('admin', 'admin')
    assert plan['id'] in plan_ids('demo', 'demo', '--all-tenants', '1')


def test_volume_snapshot_provider(karbor):
    volumes = create_volumes(karbor, 'snapvol')
    plan = plan_create(karbor, SNAPSHOT, volumes)
    checkpoint = protect(karbor, SNAPSHOT, plan['id'])
    assert checkpoint['status'] == 'available'
    snapshots = rows(karbor.cinder('snapshot-list').stdout)
    assert volumes['snapvol'] in {row[1] for row in snapshots}
    done = restore(karbor, SNAPSHOT, checkpoint['id'])
    assert done['status'] == 'success'
    names = {row[2] for row in rows(karbor.cinder('list').stdout)}
    assert '%s@%s' % (checkpoint['id'], volumes['snapvol']) in names


def test_failed_backup_gives_a_checkpoint_error_with_reason(karbor):
    volumes = create_volumes(karbor, 'doomed')
    karbor.cinder('metadata', volumes['doomed'], 'set',
                  'sandbox:fault:backup=error')
    plan = plan_create(karbor, OS_INFRA, volumes)
    checkpoint = protect(karbor, OS_INFRA, plan['id'])
    assert checkpoint['status'] == 'error'
    logs = rows(karbor.karbor('operationlog-list').stdout)
    errors = [row for row in logs if row[2] == checkpoint['id']
              and row[7] == 'error']
    assert errors and volumes['doomed'] in errors[0][10]


def test_volume_deleted_after_planning_is_named(karbor):
    volumes = create_volumes(karbor, 'ephemeral')
    plan = plan_create(karbor, OS_INFRA, volumes)
    karbor.cinder('delete', volumes['ephemeral'])
    checkpoint = protect(karbor, OS_INFRA, plan['id'])
    assert checkpoint['status'] == 'error'
    logs = rows(karbor.karbor('operationlog-list').stdout)
    reasons = [row[10] for row in logs if row[2] == checkpoint['id']]
    assert any(volumes['ephemeral'] in reason for reason in reasons)


def test_restore_parameters_not_in_the_schema_answer_400(karbor):
    volumes = create_volumes(karbor, 'strict')
    plan = plan_create(karbor, OS_INFRA, volumes)
    checkpoint = protect(karbor, OS_INFRA, plan['id'])
    before = rows(karbor.karbor('restore-list').stdout)
    result = karbor.karbor(
        'restore-create', OS_INFRA, checkpoint['id'], '--parameters',
        'resource_type=%s,no_such_option=1' % VOLUME, check=False)
    assert result.returncode == 1
    assert 'HTTP 400' in result.stderr
    assert 'no_such_option' in result.stderr
    assert rows(karbor.karbor('restore-list').stdout) == before


def test_seed_000_scheduled_protection_steps(karbor):
    """The guide's last step: a 5-minute calendar trigger and a scheduled
    protect operation, as written (karbor-all allows it); then the same
    with ``openstack data protection``."""
    volumes = create_volumes(karbor, 'scheduled1')
    plan = plan_create(karbor, OS_INFRA, volumes, 'scheduled plan')
    # The guide's commands, split as a POSIX shell does.
    trigger = karbor.show(*shlex.split(
        r"""trigger-create 'My Trigger' 'time' "pattern"="BEGIN:VEVENT\n"""
        r"""RRULE:FREQ=MINUTELY;INTERVAL=5;\nEND:VEVENT","format"="""
        r""""calendar" """))
    assert trigger['type'] == 'time'
    properties = json.loads(trigger['properties'])
    assert properties['format'] == 'calendar'
    assert properties['pattern'] == (
        'BEGIN:VEVENT\\nRRULE:FREQ=MINUTELY;INTERVAL=5;\\nEND:VEVENT')
    assert len(properties['start_time']) == len('2017-03-02 22:56:42')
    operation = karbor.show(*shlex.split(
        """scheduledoperation-create 'Protect with My Trigger' protect %s """
        """"plan_id"="%s","provider_id"="%s" """ % (trigger['id'], plan['id'],
                                                    OS_INFRA)))
    assert operation['enabled'] == 'True'
    assert operation['description'] == 'None'
    assert operation['operation_type'] == 'protect'
    assert operation['trigger_id'] == trigger['id']
    assert json.loads(operation['operation_definition']) == {
        'plan_id': plan['id'], 'provider_id': OS_INFRA}

    def openstack(*args):
        out = karbor.run('openstack', 'data', 'protection', *args,
                         '-f', 'json').stdout
        return json.loads(out) if out.strip() else None

    # The plugin's create commands pass the k=v text through unparsed:
    # trigger create fails in the client, before any request.
    refused = karbor.run('openstack', 'data', 'protection', 'trigger',
                         'create', 'hourly', 'time',
                         'pattern=0 * * * *,format=crontab', check=False)
    assert refused.returncode == 1
    assert "'str' object has no attribute 'get'" in refused.stderr
    assert openstack('trigger', 'show', trigger['id'])['name'] == \
        'My Trigger'
    assert {t['Id'] for t in openstack('trigger', 'list')} == {
        trigger['id']}
    # Its update needs --properties too (the client reads them).
    updated = openstack('trigger', 'update', trigger['id'], '--name',
                        'Renamed', '--properties', 'window=30')
    assert updated['name'] == 'Renamed'
    assert updated['properties']['window'] == 30
    assert openstack('scheduledoperation', 'show', operation['id'])[
        'trigger_id'] == trigger['id']
    karbor.run('openstack', 'data', 'protection', 'scheduledoperation',
               'delete', operation['id'])
    karbor.run('openstack', 'data', 'protection', 'trigger', 'delete',
               trigger['id'])
    assert rows(karbor.karbor('trigger-list').stdout) == []


def seeded(karbor, command, names):
    """``{name: id}`` of seeded objects listed by an ``openstack`` command
    (e.g. ``volume list``)."""
    listed = json.loads(karbor.run('openstack', *command.split(),
                                   '-f', 'json').stdout)
    return {row['Name']: row['ID'] for row in listed if row['Name'] in names}


def test_seeded_volumes_one_in_use_are_protected_and_restored(karbor):
    """The quick start's two volumes, demo-volume-1 attached to
    demo-server: backed up from snapshots, as Cinder allows for in-use
    volumes without force."""
    volumes = seeded(karbor, 'volume list',
                     ('demo-volume-1', 'demo-volume-2'))
    assert len(volumes) == 2
    statuses = {row[2]: row[1] for row in rows(karbor.cinder('list').stdout)}
    assert statuses['demo-volume-1'] == 'in-use'
    plan = plan_create(karbor, OS_INFRA, volumes, 'seeded volumes')
    checkpoint = protect(karbor, OS_INFRA, plan['id'])
    assert checkpoint['status'] == 'available'
    done = restore(karbor, OS_INFRA, checkpoint['id'])
    assert done['status'] == 'success'
    assert set(eval(done['resources_status']).values()) == {'available'}
    statuses = {row[2]: row[1] for row in rows(karbor.cinder('list').stdout)}
    assert statuses['demo-volume-1'] == 'in-use'
    for vid in volumes.values():
        assert statuses['%s@%s' % (checkpoint['id'], vid)] == 'available'
    snapshots = rows(karbor.cinder('snapshot-list').stdout)
    assert not [s for s in snapshots if s[1] in volumes.values()]


def test_seeded_image_is_protected_and_restored(karbor):
    image_id = seeded(karbor, 'image list', ('demo-image',))['demo-image']
    plan = karbor.show('plan-create', 'image plan', OS_INFRA,
                       '%s=OS::Glance::Image=demo-image' % image_id)
    checkpoint = protect(karbor, OS_INFRA, plan['id'])
    assert checkpoint['status'] == 'available'
    done = restore(karbor, OS_INFRA, checkpoint['id'], '--parameters',
                   'resource_type=OS::Glance::Image,'
                   'restore_name=demo-image-again')
    assert done['status'] == 'success'
    original = json.loads(karbor.run('openstack', 'image', 'show',
                                     image_id, '-f', 'json').stdout)
    again = json.loads(karbor.run('openstack', 'image', 'show',
                                  'demo-image-again', '-f', 'json').stdout)
    assert (again['checksum'], again['size'], again['status']) == (
        original['checksum'], original['size'], 'active')


def test_bank_unwritable_mid_stream_fails_the_image_cleanly(karbor,
                                                            tmp_path):
    """The Swift bank's disks fill up while an image streams into it."""
    data = tmp_path / 'disk.raw'
    data.write_bytes(os.urandom(600 * 1024))
    image = json.loads(karbor.run(
        'openstack', 'image', 'create', '--file', str(data), '--disk-format',
        'raw', '--container-format', 'bare', 'doomed-image', '-f',
        'json').stdout)
    plan = karbor.show('plan-create', 'doomed image', OS_INFRA,
                       '%s=OS::Glance::Image=doomed-image' % image['id'])
    sandbox = 'http://127.0.0.1:%d/sandbox/faults' % karbor.sandbox_port
    fault = requests.post(sandbox, timeout=10, json={
        'service': 'object-store', 'operation': 'put', 'count': -1,
        'resource_id': '*/resource-data/%s/data_1' % image['id']}).json()
    try:
        checkpoint = protect(karbor, OS_INFRA, plan['id'])
    finally:
        requests.delete('%s/%s' % (sandbox, fault['fault']['id']),
                        timeout=10)
    assert checkpoint['status'] == 'error'
    logs = rows(karbor.karbor('operationlog-list').stdout)
    (reason,) = [row[10] for row in logs if row[2] == checkpoint['id']
                 and row[7] == 'error']
    assert 'OS::Glance::Image' in reason and image['id'] in reason
    assert 'the bank refused the data of image' in reason
    objects = karbor.run('openstack', 'object', 'list', 'karbor').stdout
    assert image['id'] not in objects
    images = json.loads(karbor.run('openstack', 'image', 'list', '-f',
                                   'json').stdout)
    assert [i['Name'] for i in images if i['Name'].startswith('doomed')] \
        == ['doomed-image']


def copy_request(karbor, provider_id, plan_id):
    """``POST .../checkpoints/action`` with ``copy`` (no CLI command)."""
    token = karbor.run('openstack', 'token', 'issue', '-f', 'value', '-c',
                       'id').stdout.strip()
    return requests.post(
        'http://127.0.0.1:%d/v1/%s/providers/%s/checkpoints/action' % (
            karbor.port, karbor.project_id, provider_id),
        json={'copy': {'plan_id': plan_id}}, timeout=30,
        headers={'X-Auth-Token': token})


def test_copy_api_refuses_volume_snapshots_up_front(karbor):
    volumes = create_volumes(karbor, 'snapped')
    plan = plan_create(karbor, SNAPSHOT, volumes)
    assert protect(karbor, SNAPSHOT, plan['id'])['status'] == 'available'
    before = rows(karbor.karbor('checkpoint-list', SNAPSHOT).stdout)
    response = copy_request(karbor, SNAPSHOT, plan['id'])
    assert response.status_code == 400
    message = response.json()['badRequest']['message']
    assert 'OS::Cinder::Volume cannot copy' in message
    assert rows(karbor.karbor('checkpoint-list', SNAPSHOT).stdout) == before


def test_copied_image_checkpoint_restores_after_the_source_is_deleted(
        karbor):
    image_id = seeded(karbor, 'image list', ('demo-image',))['demo-image']
    plan = karbor.show('plan-create', 'image copy plan', OS_INFRA,
                       '%s=OS::Glance::Image=demo-image' % image_id)
    source = protect(karbor, OS_INFRA, plan['id'])
    response = copy_request(karbor, OS_INFRA, plan['id'])
    assert response.status_code == 200, response.text
    (pair,) = response.json()['copy']['checkpoint_id']
    copied = karbor.wait_for(('checkpoint-show', OS_INFRA,
                              pair['checkpoint_copy_id']), 'status',
                             ('available', 'error'))
    assert copied['status'] == 'available'
    karbor.karbor('checkpoint-delete', OS_INFRA, source['id'])
    karbor.wait_for(('checkpoint-show', OS_INFRA, source['id']), 'status',
                    ('deleted',))
    done = restore(karbor, OS_INFRA, copied['id'], '--parameters',
                   'resource_type=OS::Glance::Image,'
                   'restore_name=from-the-copy')
    assert done['status'] == 'success'
    original = json.loads(karbor.run('openstack', 'image', 'show',
                                     image_id, '-f', 'json').stdout)
    again = json.loads(karbor.run('openstack', 'image', 'show',
                                  'from-the-copy', '-f', 'json').stdout)
    assert again['checksum'] == original['checksum']
