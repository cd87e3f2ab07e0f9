"""Two ``karbor-operationengine`` processes over RabbitMQ, on MariaDB and
on PostgreSQL: every fire time of 50 scheduled operations runs exactly
once, also after one engine is killed with SIGKILL.

Triggers fire every 10 s here (``min_interval`` lowered) so that a few
fire times fit in about a minute.
"""

import collections
import time

import pytest

from karbor.tests.functional import conftest

OPERATIONS = 50
PERIOD = 10
ENGINE_CONF = """
[DEFAULT]
min_interval = %d
min_window_time = 5
max_window_time = 8
""" % PERIOD
PATTERN = ('BEGIN:VEVENT\\nRRULE:FREQ=SECONDLY;INTERVAL=%d;\\nEND:VEVENT'
           % PERIOD)


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def create_operations(karbor):
    plan = ok(karbor.http('POST', '/plans', json={'plan': {
        'name': 'scheduled', 'provider_id': conftest.NOOP_PROVIDER,
        'parameters': {}, 'resources': [{
            'id': '5c3f4a1e-0b7d-4c55-9a0e-3d1f2b6c7e8f',
            'type': 'OS::Cinder::Volume', 'name': 'v'}]}}))['plan']
    trigger = ok(karbor.http('POST', '/triggers', json={'trigger_info': {
        'name': 'ten seconds', 'type': 'time', 'properties': {
            'format': 'calendar', 'pattern': PATTERN, 'window': 8}}}))
    operations = []
    for number in range(OPERATIONS):
        operations.append(ok(karbor.http(
            'POST', '/scheduled_operations', json={'scheduled_operation': {
                'name': 'op-%d' % number, 'operation_type': 'protect',
                'trigger_id': trigger['trigger_info']['id'],
                'operation_definition': {
                    'plan_id': plan['id'],
                    'provider_id': conftest.NOOP_PROVIDER}}}))[
            'scheduled_operation']['id'])
    return plan, operations


def finished_runs(karbor, operations):
    """``{operation: [expect_start_time, ...]}`` of the ended runs."""
    runs = {}
    for operation in operations:
        logs = ok(karbor.http('GET', '/scheduled_operations/%s/logs'
                              % operation))['scheduled_operation_logs']
        runs[operation] = [log for log in logs
                           if log['state'] != 'in_progress']
    return runs


@pytest.mark.parametrize('backend', ['mysql', 'postgresql'])
def test_two_engines_run_each_fire_time_once(tmp_path, backend):
    with conftest.karbor_deployment(tmp_path, backend,
                                    ENGINE_CONF) as karbor:
        second = karbor.config_for_host('engine-2')
        karbor.start_service('karbor-operationengine', second, 'engine-2')
        karbor.wait_service('engine-2')
        plan, operations = create_operations(karbor)
        time.sleep(2 * PERIOD + 3)
        karbor.kill_service('karbor-operationengine')
        time.sleep(3 * PERIOD + 3)
        runs = finished_runs(karbor, operations)
        checkpoints = ok(karbor.http(
            'GET', '/providers/%s/checkpoints?plan_id=%s' % (
                conftest.NOOP_PROVIDER, plan['id'])))['checkpoints']
    times = collections.Counter()
    for operation, logs in runs.items():
        expected = [log['expect_start_time'] for log in logs]
        assert len(expected) == len(set(expected)), (operation, logs)
        assert all(log['state'] == 'success' for log in logs), logs
        times.update(expected)
    # Every operation ran at every fire time, before and after the kill.
    assert len(times) >= 4, times
    assert set(times.values()) == {OPERATIONS}, times
    assert len(checkpoints) == OPERATIONS * len(times)
