"""Progress and cancel of operations, on the real services.

``karbor-api``, ``karbor-protection`` and ``karbor-operationengine`` run
as processes over RabbitMQ and MariaDB with the hook recorder provider,
whose ``on_main`` sleeps (plan or restore parameter ``sleep``) so that an
operation is seen running; one hook runs at a time and one operation at a
time (the next one waits, queued). After each cancel the bank is walked
for leftovers and the recorded status, reason and canceller are checked.
"""

import json
import os
import uuid

import pytest

from karbor.tests.functional.conftest import bank_root
from karbor.tests.functional.conftest import karbor_with_engine
from karbor.tests.functional.conftest import RECORDER_PROVIDER
from karbor.tests.functional.deployment import wait_for
from karbor.tests.functional import test_crash_recovery as crash

VOLUME = crash.VOLUME
CHECKPOINTS = crash.CHECKPOINTS
CONF = """
[DEFAULT]
flow_thread_pool_size = 1
max_concurrent_operations = 1
service_down_time = 8
periodic_interval = 2
"""
FINAL = ('available', 'error', 'cancelled', 'deleted', 'success', 'fail')


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('karbor-cancel')
    with karbor_with_engine(workdir, 'mysql', CONF) as running:
        yield running


@pytest.fixture
def project():
    return uuid.uuid4().hex


def checkpoint_path(checkpoint_id):
    return '%s/%s' % (CHECKPOINTS, checkpoint_id)


def get(karbor, project, path, key, status=200):
    resp = karbor.http('GET', path, project=project)
    assert resp.status_code == status, resp.text
    return resp.json()[key]


def progress_of(karbor, project, path):
    return get(karbor, project, path + '/progress', 'progress')


def cancel(karbor, project, path, status=202):
    resp = karbor.http('POST', path + '/cancel', project=project)
    assert resp.status_code == status, resp.text
    return resp.json()


def wait_status(karbor, project, path, key, timeout=60):
    def ended():
        item = get(karbor, project, path, key)
        return item['status'] in FINAL and item
    return wait_for(ended, timeout=timeout, interval=0.1,
                    what='%s to end' % path)


def protect(karbor, project, count, sleep):
    volume_ids = crash.volumes(count)
    plan_id = crash.create_plan(karbor, project, volume_ids,
                                {VOLUME: {'sleep': sleep}})
    return volume_ids, crash.create_checkpoint(karbor, project, plan_id)


def wait_steps_done(karbor, project, path, steps=1):
    """Wait until the progress shows ``steps`` hooks done."""
    def counted():
        view = progress_of(karbor, project, path)
        done = sum(r['done'] or 0 for r in view['resources']
                   if r['unit'] == 'steps')
        return done >= steps and view
    return wait_for(counted, timeout=30, interval=0.05,
                    what='%d steps of %s' % (steps, path))


def resource_data(karbor, checkpoint_id):
    """Every object under the checkpoint's resource data in the bank."""
    root = os.path.join(bank_root(karbor.workdir, 'recorder'),
                        'checkpoints', checkpoint_id, 'resource-data')
    return [os.path.join(d, f) for d, _s, files in os.walk(root)
            for f in files]


def operation_log(karbor, project, checkpoint_id, operation_type):
    logs = karbor.http('GET', '/operation_logs', project=project, params={
        'checkpoint_id': checkpoint_id}).json()['operation_logs']
    return [log for log in logs if log['operation_type'] ==
            operation_type][-1]


def assert_cancelled_checkpoint(karbor, project, checkpoint_id,
                                operation_type='protect', settled=True):
    """Cancelled, by the caller's user, nothing left in the bank (nor in
    progress in the project, when ``settled``)."""
    path = checkpoint_path(checkpoint_id)
    shown = wait_status(karbor, project, path, 'checkpoint')
    assert shown['status'] == 'cancelled', shown
    assert shown['cancelled_by'] and shown['cancelled_at'], shown
    extra = json.loads(shown['extra_info'])
    assert extra['cancelled_by'] == shown['cancelled_by']
    assert extra['cancelled_operation'] == operation_type
    assert shown['progress']['status'] == 'cancelled'
    log = operation_log(karbor, project, checkpoint_id, operation_type)
    assert log['status'] == 'cancelled', log
    assert log['error_info'].startswith('Cancelled by %s at ' %
                                        shown['cancelled_by']), log
    assert 'Not rolled back' not in log['error_info']
    if operation_type == 'protect':
        assert resource_data(karbor, checkpoint_id) == []
    if settled:
        crash.assert_nothing_in_progress(karbor, project)
        crash.assert_bank_clean(karbor)
    return shown


def test_progress_while_running_reaches_100(karbor, project):
    _volumes, checkpoint_id = protect(karbor, project, 3, 1)
    path = checkpoint_path(checkpoint_id)
    seen = []

    def ended():
        view = progress_of(karbor, project, path)
        seen.append(view)
        return view['status'] == 'available' and view
    final = wait_for(ended, timeout=60, interval=0.05, what='protect')

    assert final['percent'] == 100.0 and final['eta_seconds'] == 0
    assert final['done'] == final['total'] == 3
    assert {r['status'] for r in final['resources']} == {'done'}
    assert all(r['unit'] == 'steps' and r['done'] == r['total']
               for r in final['resources'])
    running = [v for v in seen if v['status'] == 'protecting']
    assert running, seen
    middle = [v for v in running if 0 < v['percent'] < 100]
    assert middle, running
    percents = [v['percent'] for v in seen]
    assert percents == sorted(percents)
    # No ETA until a step has finished; then one.
    assert running[0]['eta_seconds'] is None or running[0]['percent'] > 0
    assert any(v['eta_seconds'] is not None for v in middle)
    assert all(v['eta_seconds'] >= 0 for v in middle
               if v['eta_seconds'] is not None)
    shown = get(karbor, project, path, 'checkpoint')
    assert shown['progress']['percent'] == 100.0
    assert shown['cancelled_by'] is None
    # Another project sees nothing.
    other = uuid.uuid4().hex
    get(karbor, other, path + '/progress', 'itemNotFound', status=404)
    cancel(karbor, other, path, status=404)
    # Ended: 409, nothing changes.
    body = cancel(karbor, project, path, status=409)
    assert 'cannot be cancelled' in body['conflictingRequest']['message']
    assert get(karbor, project, path, 'checkpoint')['status'] == 'available'


def test_cancel_running_protect(karbor, project):
    _volumes, checkpoint_id = protect(karbor, project, 4, 1)
    path = checkpoint_path(checkpoint_id)
    wait_steps_done(karbor, project, path, steps=4)
    body = cancel(karbor, project, path)
    assert body['checkpoint']['id'] == checkpoint_id
    assert body['checkpoint']['status'] == 'protecting'
    assert_cancelled_checkpoint(karbor, project, checkpoint_id)
    cancel(karbor, project, path, status=409)
    # A cancelled checkpoint can be deleted.
    resp = karbor.http('DELETE', path, project=project)
    assert resp.status_code == 200, resp.text
    assert wait_status(karbor, project, path, 'checkpoint')['status'] in (
        'deleted',)


def test_cancel_queued_protect(karbor, project):
    """A protect waiting for the worker's only operation thread ends
    cancelled at once, while the one before it still runs."""
    _v1, running_id = protect(karbor, project, 6, 1)
    _v2, queued_id = protect(karbor, project, 2, 0)
    wait_steps_done(karbor, project, checkpoint_path(running_id))
    assert progress_of(karbor, project,
                       checkpoint_path(queued_id))['done'] == 0
    cancel(karbor, project, checkpoint_path(queued_id))
    assert_cancelled_checkpoint(karbor, project, queued_id, settled=False)
    assert get(karbor, project, checkpoint_path(running_id),
               'checkpoint')['status'] == 'protecting'
    cancel(karbor, project, checkpoint_path(running_id))
    assert_cancelled_checkpoint(karbor, project, running_id)


def test_cancel_restore_and_verification(karbor, project):
    volume_ids, checkpoint_id = protect(karbor, project, 3, 0)
    assert wait_status(karbor, project, checkpoint_path(checkpoint_id),
                       'checkpoint')['status'] == 'available'
    for kind, path in (('restore', '/restores'),
                       ('verification', '/verifications')):
        resp = karbor.http('POST', path, project=project, json={kind: {
            'provider_id': RECORDER_PROVIDER,
            'checkpoint_id': checkpoint_id,
            'parameters': {VOLUME: {'sleep': 1}}}})
        assert resp.status_code == 200, resp.text
        record_path = '%s/%s' % (path, resp.json()[kind]['id'])
        wait_steps_done(karbor, project, record_path, steps=3)
        body = cancel(karbor, project, record_path)
        assert body[kind]['status'] == 'in_progress'
        record = wait_status(karbor, project, record_path, kind)
        assert record['status'] == 'cancelled', record
        assert record['cancelled_by'] and record['cancelled_at']
        assert record['progress']['status'] == 'cancelled'
        assert progress_of(karbor, project, record_path)['status'] == (
            'cancelled')
        cancel(karbor, project, record_path, status=409)
    crash.assert_nothing_in_progress(karbor, project)
    crash.assert_bank_clean(karbor)


def test_cancel_while_the_worker_is_down(karbor, project):
    volume_ids, checkpoint_id = protect(karbor, project, 3, 2)
    path = checkpoint_path(checkpoint_id)
    wait_steps_done(karbor, project, path, steps=2)
    karbor.kill_service(crash.PROTECTION)
    # Recorded by the API alone; the worker that resumes honours it.
    cancel(karbor, project, path)
    karbor.start_service(crash.PROTECTION)
    karbor.wait_service(crash.PROTECTION)
    assert_cancelled_checkpoint(karbor, project, checkpoint_id)
