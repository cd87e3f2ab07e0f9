"""The operation engine's scheduling on an injected clock: real SQLite, a
real protection service (No-Op provider) and real engine code; only the
time is chosen by the test."""

import datetime
import json

from oslo_config import cfg
import pytest

from karbor import context
from karbor.db import api as db
from karbor import objects
from karbor.services.operationengine import runner as runner_
from karbor.services.operationengine import scheduler as scheduler_
from karbor.tests.unit.api import test_scheduled_operations as helpers
from karbor.tests.unit.api.helpers import request

CONF = cfg.CONF
BASE = helpers.BASE
MEMBER = helpers.MEMBER
EVERY_MINUTE = {'format': 'crontab', 'pattern': '* * * * *',
                'start_time': '2026-01-01 00:00:00', 'window': 30}


class Clock(object):
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def limits(parsed_config):
    CONF.set_override('min_interval', 60)
    CONF.set_override('min_window_time', 20)
    CONF.set_override('max_window_time', 30)


def make_engine(engine, clock, service_id=None):
    """A scheduler and runner of (another) engine on ``clock``."""
    service_id = service_id or engine.service_id
    runner = runner_.Runner(service_id, clock=clock)
    return scheduler_.Scheduler(service_id, runner, clock=clock), runner


def schedule(api, operation_type='protect', **definition):
    trigger = helpers.create_trigger(api, EVERY_MINUTE).json['trigger_info']
    plan_id = helpers.create_plan(api)
    response = request(api, 'POST', BASE + '/scheduled_operations', {
        'scheduled_operation': {
            'name': 'op', 'operation_type': operation_type,
            'trigger_id': trigger['id'], 'operation_definition': dict(
                {'plan_id': plan_id,
                 'provider_id': helpers.conftest.NOOP_PROVIDER_ID},
                **definition)}}, token=MEMBER)
    assert response.status_int == 200, response.body
    operation = response.json['scheduled_operation']
    execution = db.trigger_execution_get_by_trigger(
        context.get_admin_context(), trigger['id'])
    return operation, execution.execution_time


def logs(api, operation_id):
    return request(api, 'GET', '%s/scheduled_operations/%s/logs' % (
        BASE, operation_id), token=MEMBER).json['scheduled_operation_logs']


def fire(scheduler, runner, clock, when):
    clock.now = when
    scheduler.tick()
    assert runner.drain()


def own_checkpoints(operation):
    ctxt = context.get_admin_context()
    rows = db.checkpoint_record_get_all(ctxt, filters={
        'plan_id': operation['operation_definition']['plan_id']},
        sort_keys=['created_at'], sort_dirs=['asc'])
    return [row for row in rows if row.status == 'available']


def test_a_due_run_makes_a_checkpoint_once(api, engine, limits):
    operation, due = schedule(api)
    clock = Clock(due - datetime.timedelta(seconds=5))
    scheduler, runner = make_engine(engine, clock)
    other, other_runner = make_engine(engine, clock)
    fire(scheduler, runner, clock, due - datetime.timedelta(seconds=1))
    assert logs(api, operation['id']) == []
    fire(scheduler, runner, clock, due + datetime.timedelta(seconds=1))
    fire(other, other_runner, clock, due + datetime.timedelta(seconds=1))
    [log] = logs(api, operation['id'])
    assert log['state'] == 'success', log
    assert log['expect_start_time'] == due.isoformat(timespec='microseconds')
    [checkpoint] = own_checkpoints(operation)
    assert checkpoint.extra_info['created_by'] == 'operation-engine'
    assert checkpoint.extra_info['scheduled_operation_id'] == operation['id']
    assert log['extend_info']['checkpoint_id'] == checkpoint.id
    # The next fire time is the following minute.
    execution = db.trigger_execution_get_by_trigger(
        context.get_admin_context(), operation['trigger_id'])
    assert execution.execution_time == due + datetime.timedelta(minutes=1)


def test_paused_operation_does_not_fire(api, engine, limits):
    operation, due = schedule(api)
    request(api, 'PUT', BASE + '/scheduled_operations/' + operation['id'],
            {'scheduled_operation': {'enabled': False}}, token=MEMBER)
    clock = Clock(due)
    scheduler, runner = make_engine(engine, clock)
    fire(scheduler, runner, clock, due + datetime.timedelta(seconds=1))
    assert logs(api, operation['id']) == []
    assert own_checkpoints(operation) == []


def test_downtime_runs_the_last_time_in_window_once(api, engine, limits):
    operation, due = schedule(api)
    clock = Clock(due)
    scheduler, runner = make_engine(engine, clock)
    fire(scheduler, runner, clock, due + datetime.timedelta(minutes=10,
                                                             seconds=5))
    states = sorted(log['state'] for log in logs(api, operation['id']))
    assert states == ['dropped_out_of_window', 'success']
    assert len(own_checkpoints(operation)) == 1
    # Out of every window: one dropped log, no run.
    fire(scheduler, runner, clock, clock.now + datetime.timedelta(
        minutes=30, seconds=50))
    states = [log['state'] for log in logs(api, operation['id'])]
    assert states[0] == 'dropped_out_of_window'
    assert len(states) == 3
    assert len(own_checkpoints(operation)) == 1


def test_retention_keeps_the_two_newest(api, engine, limits):
    operation, due = schedule(api, 'retention_protect', max_backups='2')
    clock = Clock(due)
    scheduler, runner = make_engine(engine, clock)
    made = []
    for minute in range(4):
        fire(scheduler, runner, clock,
             due + datetime.timedelta(minutes=minute, seconds=1))
        made.append(logs(api, operation['id'])[0])
    assert [log['state'] for log in made] == ['success'] * 4
    kept = {row.id for row in own_checkpoints(operation)}
    assert kept == {log['extend_info']['checkpoint_id'] for log in made[2:]}
    assert made[2]['extend_info']['deleted_checkpoints'] == [
        made[0]['extend_info']['checkpoint_id']]


def test_retention_duration_deletes_older_checkpoints(api, engine, limits):
    operation, due = schedule(api, 'retention_protect',
                              retention_duration='1')
    clock = Clock(due)
    scheduler, runner = make_engine(engine, clock)
    for minute in range(2):
        fire(scheduler, runner, clock,
             due + datetime.timedelta(minutes=minute, seconds=1))
    assert len(own_checkpoints(operation)) == 2
    # Two days later the earlier checkpoints are older than one day; the
    # run's own is kept whatever its clock says.
    later = due + datetime.timedelta(days=2)
    scheduler._triggers.clear()
    db.trigger_execution_update(
        context.get_admin_context(), db.trigger_execution_get_by_trigger(
            context.get_admin_context(), operation['trigger_id']).id,
        due + datetime.timedelta(minutes=2), later)
    fire(scheduler, runner, clock, later + datetime.timedelta(seconds=1))
    last = logs(api, operation['id'])[0]
    assert last['state'] == 'success', last
    kept = [row.id for row in own_checkpoints(operation)]
    assert kept == [last['extend_info']['checkpoint_id']]
    assert len(last['extend_info']['deleted_checkpoints']) == 2


def test_failed_protect_is_logged_and_the_next_run_happens(api, engine,
                                                           limits):
    operation, due = schedule(api)
    clock = Clock(due)
    scheduler, runner = make_engine(engine, clock)
    ctxt = context.get_admin_context()
    plan = objects.Plan.get_by_id(
        ctxt, operation['operation_definition']['plan_id'])
    plan.destroy()
    fire(scheduler, runner, clock, due + datetime.timedelta(seconds=1))
    [log] = logs(api, operation['id'])
    assert log['state'] == 'failed'
    assert 'does not exist' in log['extend_info']['reason']
    fire(scheduler, runner, clock, due + datetime.timedelta(minutes=1,
                                                            seconds=1))
    assert [log['state'] for log in logs(api, operation['id'])] == [
        'failed', 'failed']


def test_dead_engines_run_is_taken_over(api, engine, limits):
    operation, due = schedule(api)
    ctxt = context.get_admin_context()
    dead = objects.Service(context=ctxt, host='dead', report_count=0,
                           binary='karbor-operationengine',
                           topic='karbor-operationengine', disabled=False)
    dead.create()
    # The dead engine claimed the run and died before starting it.
    runs = db.trigger_execution_claim(
        ctxt, db.trigger_execution_get_by_trigger(
            ctxt, operation['trigger_id']).id, operation['trigger_id'], due,
        due + datetime.timedelta(minutes=1), dead.id,
        run=(due, due + datetime.timedelta(seconds=30)))
    assert len(runs) == 1
    clock = Clock(due + datetime.timedelta(seconds=2))
    scheduler, runner = make_engine(engine, clock)
    # Its heartbeat is recent: nothing is taken.
    db.service_update(ctxt, dead.id, {'updated_at': clock.now})
    fire(scheduler, runner, clock, clock.now)
    assert logs(api, operation['id'])[0]['state'] == 'in_progress'
    db.service_update(ctxt, dead.id, {
        'updated_at': clock.now - datetime.timedelta(
            seconds=2 * CONF.report_interval)})
    scheduler._next_scan = None
    fire(scheduler, runner, clock, clock.now)
    [log] = logs(api, operation['id'])
    assert log['state'] == 'success', log
    assert len(own_checkpoints(operation)) == 1
    state = objects.ScheduledOperationState.get_by_operation_id(
        ctxt, operation['id'])
    assert (state.service_id, state.state) == (engine.service_id,
                                               'registered')
    assert json.loads(json.dumps(log))  # JSON-clean view


def test_an_engine_beats_often_only_while_it_holds_runs(api, engine,
                                                         limits):
    """A claim refreshes the engine's heartbeat in its own transaction and
    wakes the service to beat at once; the engine then beats every
    report_interval until its runs end, and seldom when idle."""
    operation, due = schedule(api)
    ctxt = context.get_admin_context()
    old = datetime.datetime(2026, 1, 1)
    db.service_update(ctxt, engine.service_id, {'updated_at': old})
    woken = []
    clock = Clock(due)
    runner = runner_.Runner(engine.service_id, clock=clock,
                            on_busy=lambda: woken.append(
                                engine.heartbeat_interval()))
    scheduler = scheduler_.Scheduler(engine.service_id, runner, clock=clock)
    engine.runner = runner
    idle = engine.heartbeat_interval()
    assert idle == max(CONF.report_interval, CONF.service_down_time // 2)
    clock.now = due + datetime.timedelta(seconds=1)
    scheduler.tick()
    assert woken == [CONF.report_interval]
    assert db.service_get(ctxt, engine.service_id).updated_at > old
    assert runner.drain()
    assert engine.heartbeat_interval() == idle
    assert [log['state'] for log in logs(api, operation['id'])] == [
        'success']
