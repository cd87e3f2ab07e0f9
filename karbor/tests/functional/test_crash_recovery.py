"""A protection worker killed (SIGKILL) in the middle of an operation.

Restarted, it must resume or cleanly fail what it was doing: within 60 s
every checkpoint, restore and operation log has left its "in progress"
status, and the bank holds no orphaned data. Two workers sharing the topic
process each checkpoint exactly once, and when one of them dies for good
the other finishes its flows.

The hook recorder plugin makes ``on_main`` sleep (plan or restore
parameter ``sleep``); the tests watch the flows' persisted task states
(taskflow's ``atomdetails`` table, in the Karbor database) to kill the
worker while a given hook runs.
"""

import json
import os
import uuid

import pytest
import sqlalchemy as sa

from karbor.services.protection.flows import hook_records
from karbor.tests.functional.conftest import bank_root
from karbor.tests.functional.conftest import karbor_with_engine
from karbor.tests.functional.conftest import RECORDER_PROVIDER
from karbor.tests.functional.deployment import property_table
from karbor.tests.functional.deployment import table_rows
from karbor.tests.functional.deployment import wait_for

PROTECTION = 'karbor-protection'
HOOKS = ('on_prepare_begin', 'on_prepare_finish', 'on_main', 'on_complete')
VOLUME = 'OS::Cinder::Volume'
RECOVERY_TIMEOUT = 60
CHECKPOINTS = '/providers/%s/checkpoints' % RECORDER_PROVIDER
# One hook at a time, so that a flow of many resources takes a while.
# A worker silent for 8 s is dead; the leader looks every 2 s.
CRASH_CONF = """
[DEFAULT]
flow_thread_pool_size = 1
service_down_time = 8
periodic_interval = 2
"""
SECOND = 'functional-second-worker'

IN_PROGRESS = ('protecting', 'deleting', 'copying', 'wait_copying',
               'in_progress', 'running')
FINAL = {'checkpoint': ('available', 'error', 'deleted', 'error-deleting'),
         'restore': ('success', 'fail')}


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('karbor-crash')
    with karbor_with_engine(workdir, 'mysql', CRASH_CONF) as running:
        yield running


@pytest.fixture
def project():
    return uuid.uuid4().hex


def volumes(count):
    return [str(uuid.uuid4()) for _ in range(count)]


def create_plan(karbor, project, volume_ids, parameters=None):
    body = {'plan': {
        'name': 'crash', 'provider_id': RECORDER_PROVIDER,
        'parameters': parameters or {},
        'resources': [{'id': v, 'type': VOLUME, 'name': 'v'}
                      for v in volume_ids]}}
    resp = karbor.http('POST', '/plans', project=project, json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()['plan']['id']


def create_checkpoint(karbor, project, plan_id):
    resp = karbor.http('POST', CHECKPOINTS, project=project,
                       json={'checkpoint': {'plan_id': plan_id}})
    assert resp.status_code == 200, resp.text
    return resp.json()['checkpoint']['id']


def status_of(karbor, project, path, key):
    resp = karbor.http('GET', path, project=project)
    assert resp.status_code == 200, resp.text
    return resp.json()[key]


def wait_final(karbor, project, path, key, timeout=RECOVERY_TIMEOUT):
    def final():
        item = status_of(karbor, project, path, key)
        return item['status'] in FINAL[key] and item
    return wait_for(final, timeout=timeout, what='%s to end' % path)


def hook_states(karbor, operation, hook, volume_ids):
    """Persisted states of ``hook`` of ``operation`` per volume.

    Unlinked volumes run in chunk tasks (``<op>_resources_<n>``): a hook
    there is ``SUCCESS`` once recorded in ``karbor_flow_hook_batches``, and
    ``RUNNING`` while a chunk runs and the hook before it is recorded.
    """
    prefix = '%s_%s_%s_' % (operation, hook, VOLUME)
    with karbor.engine.connect() as conn:
        rows = conn.execute(sa.text(
            'SELECT name, state FROM atomdetails WHERE name LIKE :p'),
            {'p': prefix + '%'}).all()
        chunks = conn.execute(sa.text(
            'SELECT state FROM atomdetails WHERE name LIKE :p'),
            {'p': '%s_resources_%%' % operation}).scalars().all()
    recorded = hook_records.recorded_hooks(karbor.engine)
    wanted = {prefix + v for v in volume_ids}
    states = [state for name, state in rows if name in wanted]
    before = HOOKS[HOOKS.index(hook) - 1] if HOOKS.index(hook) else None
    for volume_id in volume_ids:
        key = '%s#%s' % (VOLUME, volume_id)
        if (key, hook) in recorded:
            states.append('SUCCESS')
        elif 'RUNNING' in chunks and (before is None or
                                      (key, before) in recorded):
            states.append('RUNNING')
        elif chunks:
            states.append('PENDING')
    return states


def restart_protection(karbor, interrupted):
    """SIGKILL the worker, check ``interrupted()`` holds, start it again.

    ``interrupted`` reads the persisted flow state left by the dead worker,
    to prove the kill came in the middle of the operation.
    """
    karbor.kill_service(PROTECTION)
    assert interrupted()
    karbor.start_service(PROTECTION)
    karbor.wait_service(PROTECTION)


def operation_logs(karbor, project):
    """The project's operation logs, read with the CLI."""
    output = karbor.karbor('operationlog-list', project=project).stdout
    rows = table_rows(output)
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:] if row[0]]


def assert_nothing_in_progress(karbor, project):
    logs = operation_logs(karbor, project)
    assert logs
    for log in logs:
        assert log['Status'] not in IN_PROGRESS, log
        if log['Status'] == 'error':
            assert log['Error Info'] not in ('', '-'), log


def read_bank_object(path):
    """A checkpoint's index.json (plain JSON, as the original wrote it)."""
    with open(path, 'rb') as bank_object:
        return json.loads(bank_object.read())


def assert_bank_clean(karbor):
    """Every checkpoint in the bank is known, and nothing is orphaned."""
    root = bank_root(karbor.workdir, 'recorder')
    for directory, _dirs, files in os.walk(root):
        assert not [f for f in files if '#tmp-' in f], directory
    checkpoints_dir = os.path.join(root, 'checkpoints')
    statuses = {}
    for checkpoint_id in os.listdir(checkpoints_dir):
        index = os.path.join(checkpoints_dir, checkpoint_id, 'index.json')
        assert os.path.exists(index), 'orphaned %s' % checkpoint_id
        metadata = read_bank_object(index)
        shown = status_of(karbor, metadata['project_id'],
                          '%s/%s' % (CHECKPOINTS, checkpoint_id),
                          'checkpoint')
        assert shown['status'] == metadata['status']
        assert shown['status'] not in IN_PROGRESS, shown
        statuses[checkpoint_id] = metadata['status']
        data = os.path.join(checkpoints_dir, checkpoint_id, 'resource-data')
        if metadata['status'] == 'deleted':
            left = [f for _d, _s, files in os.walk(data) for f in files]
            assert left == [], 'deleted %s kept %s' % (checkpoint_id, left)
    return statuses


def assert_checkpoint_shown(karbor, project, checkpoint_id, statuses):
    shown = property_table(karbor.karbor(
        'checkpoint-show', RECORDER_PROVIDER, checkpoint_id,
        project=project).stdout)
    assert shown['status'] in statuses, shown
    return shown


def test_kill_during_protect(karbor, project):
    volume_ids = volumes(1)
    plan_id = create_plan(karbor, project, volume_ids,
                          {VOLUME: {'sleep': 2}})
    checkpoint_id = create_checkpoint(karbor, project, plan_id)
    path = '%s/%s' % (CHECKPOINTS, checkpoint_id)
    def running():
        return 'RUNNING' in hook_states(karbor, 'protect', 'on_main',
                                        volume_ids)
    wait_for(running, timeout=30, interval=0.05, what='protect on_main')
    assert status_of(karbor, project, path, 'checkpoint')['status'] == (
        'protecting')
    restart_protection(karbor, running)

    checkpoint = wait_final(karbor, project, path, 'checkpoint')
    assert checkpoint['status'] in ('available', 'error')
    assert_checkpoint_shown(karbor, project, checkpoint_id,
                            ('available', 'error'))
    assert_nothing_in_progress(karbor, project)
    statuses = assert_bank_clean(karbor)
    assert statuses[checkpoint_id] == checkpoint['status']
    if checkpoint['status'] == 'available':
        section = os.path.join(bank_root(karbor.workdir, 'recorder'),
                               'checkpoints', checkpoint_id, 'resource-data',
                               volume_ids[0])
        assert os.listdir(section)


def test_kill_during_restore(karbor, project):
    volume_ids = volumes(1)
    plan_id = create_plan(karbor, project, volume_ids)
    checkpoint_id = create_checkpoint(karbor, project, plan_id)
    wait_final(karbor, project, '%s/%s' % (CHECKPOINTS, checkpoint_id),
               'checkpoint', timeout=30)
    resp = karbor.http('POST', '/restores', project=project, json={
        'restore': {'provider_id': RECORDER_PROVIDER,
                    'checkpoint_id': checkpoint_id,
                    'parameters': {VOLUME: {'sleep': 2}}}})
    assert resp.status_code == 200, resp.text
    restore_id = resp.json()['restore']['id']
    def running():
        return 'RUNNING' in hook_states(karbor, 'restore', 'on_main',
                                        volume_ids)
    wait_for(running, timeout=30, interval=0.05, what='restore on_main')
    assert status_of(karbor, project, '/restores/' + restore_id,
                     'restore')['status'] == 'in_progress'
    restart_protection(karbor, running)

    restore = wait_final(karbor, project, '/restores/' + restore_id,
                         'restore')
    shown = property_table(karbor.karbor('restore-show', restore_id,
                                         project=project).stdout)
    assert shown['status'] == restore['status']
    if restore['status'] == 'success':
        assert restore['resources_status'] == {
            '%s#restored-%s' % (VOLUME, volume_ids[0]): 'available'}
    else:
        assert restore['resources_reason'], restore
    assert_nothing_in_progress(karbor, project)
    assert_bank_clean(karbor)


def test_kill_during_delete(karbor, project):
    volume_ids = volumes(20)
    # Each volume's delete takes a second: the worker is killed halfway.
    plan_id = create_plan(karbor, project, volume_ids,
                          {VOLUME: {'delete_sleep': 1}})
    checkpoint_id = create_checkpoint(karbor, project, plan_id)
    path = '%s/%s' % (CHECKPOINTS, checkpoint_id)
    assert wait_final(karbor, project, path, 'checkpoint',
                      timeout=30)['status'] == 'available'
    karbor.karbor('checkpoint-delete', RECORDER_PROVIDER, checkpoint_id,
                  project=project)

    def halfway():
        states = hook_states(karbor, 'delete', 'on_main', volume_ids)
        return 'SUCCESS' in states and len(
            [s for s in states if s != 'SUCCESS']) > 1
    wait_for(halfway, timeout=30, interval=0.02, what='delete halfway')
    restart_protection(karbor, halfway)

    checkpoint = wait_final(karbor, project, path, 'checkpoint')
    assert checkpoint['status'] in ('deleted', 'error-deleting')
    assert_nothing_in_progress(karbor, project)
    statuses = assert_bank_clean(karbor)
    assert statuses[checkpoint_id] == checkpoint['status']
    listed = karbor.http('GET', CHECKPOINTS, project=project).json()
    assert checkpoint_id not in [c['id'] for c in listed['checkpoints']]


def _flow_owners(karbor):
    with karbor.engine.connect() as conn:
        metas = conn.execute(sa.text('SELECT meta FROM logbooks')).scalars()
        return {json.loads(meta).get('owner') for meta in metas if meta}


def test_two_workers_process_each_checkpoint_once(karbor, project):
    second = karbor.config_for_host(SECOND)
    karbor.start_service(PROTECTION, conf_path=second, name='second')
    try:
        karbor.wait_service('second')
        plan_id = create_plan(karbor, project, volumes(1),
                              {VOLUME: {'sleep': 1}})
        checkpoint_ids = [create_checkpoint(karbor, project, plan_id)
                          for _ in range(4)]
        owners = set()

        def all_ended():
            owners.update(_flow_owners(karbor))
            return all(status_of(karbor, project, '%s/%s' % (
                CHECKPOINTS, c), 'checkpoint')['status'] in FINAL[
                    'checkpoint'] for c in checkpoint_ids)
        wait_for(all_ended, timeout=60, interval=0.1, what='checkpoints')
    finally:
        karbor.kill_service('second', sig=15)

    assert SECOND in owners and len(owners) >= 2
    for checkpoint_id in checkpoint_ids:
        assert status_of(karbor, project, '%s/%s' % (
            CHECKPOINTS, checkpoint_id), 'checkpoint')['status'] == (
                'available')
        logs = karbor.http('GET', '/operation_logs', project=project,
                           params={'checkpoint_id': checkpoint_id}).json()
        assert [(log['operation_type'], log['status'])
                for log in logs['operation_logs']] == [
            ('protect', 'success')]
    assert_nothing_in_progress(karbor, project)
    statuses = assert_bank_clean(karbor)
    assert set(checkpoint_ids) <= set(statuses)


def test_survivor_takes_over_a_dead_workers_flow(karbor, project):
    """A worker killed for good: the other one (the leader) resumes its
    flow once its heartbeat is older than ``service_down_time``."""
    karbor.start_service(PROTECTION, conf_path=karbor.config_for_host(
        SECOND), name='second')
    karbor.wait_service('second')
    plan_id = create_plan(karbor, project, volumes(2),
                          {VOLUME: {'sleep': 2}})
    checkpoint_ids = []

    def second_is_working():
        checkpoint_ids.append(create_checkpoint(karbor, project, plan_id))
        return SECOND in _flow_owners(karbor)
    wait_for(second_is_working, timeout=30, interval=0.5,
             what='a flow on the second worker')
    karbor.kill_service('second')
    assert SECOND in _flow_owners(karbor)

    for checkpoint_id in checkpoint_ids:
        # service_down_time + periodic_interval + the work, with room;
        # well below oslo.service's default spacing of 60 s.
        checkpoint = wait_final(karbor, project, '%s/%s' % (
            CHECKPOINTS, checkpoint_id), 'checkpoint', timeout=40)
        assert checkpoint['status'] == 'available', checkpoint
    # The flow record goes just after the status is shown.
    wait_for(lambda: SECOND not in _flow_owners(karbor), timeout=10,
             interval=0.2, what="the dead worker's flow records to go")
    assert_nothing_in_progress(karbor, project)
    statuses = assert_bank_clean(karbor)
    assert set(checkpoint_ids) <= set(statuses)
