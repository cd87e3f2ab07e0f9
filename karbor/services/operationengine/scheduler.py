"""When runs start, and which engine runs them.

Every trigger has one ``trigger_executions`` row holding its next fire
time. Each engine sleeps until the earliest of them (or until woken by a
``reschedule`` cast after a trigger changed). When a fire time is due,
every awake engine tries to move it to the trigger's following fire time
with a compare-and-swap; the one engine that succeeds writes, in the same
transaction, the run of every enabled operation of the trigger as its
own. So each fire time is claimed exactly once, whatever the number of
engines, with nothing but the database shared between them.

Fire times missed while no engine was alive are handled by the window
rule: the latest missed time still inside its window runs once, the
others are logged ``dropped_out_of_window`` (one log per operation, never a
burst of runs).

An engine that dies leaves runs marked ``running`` under its service id.
From each fire time until no other engine holds a running operation, every
engine looks every half ``report_interval`` for running states whose
engine's heartbeat (the ``services`` row, beaten every ``report_interval``
while the engine holds runs, and refreshed by the claim or take-over that
gave them to it) is older than 1.5 ``report_interval``, takes them over
with a compare-and-swap on the owner, and finishes them: a run is taken
over at most two heartbeat intervals after its engine's last heartbeat.
Between fire times, with nothing running, an idle engine does not wake at
all, and beats only every ``service_down_time / 2`` seconds.
"""

import datetime
import json
import threading

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from karbor.common import constants
from karbor import context
from karbor.db import api as db
from karbor import exception
from karbor import objects
from karbor.services.operationengine import time_trigger

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

DUE_BATCH = 100
# A failing database is retried after this many seconds.
RETRY_DELAY = 5.0
# An engine is dead when its last heartbeat is older than this many
# report intervals; survivors look for its runs twice per interval.
DEAD_AFTER = 1.5
SCANS_PER_INTERVAL = 2


class Scheduler(object):
    """The claiming loop of one engine (a thread)."""

    def __init__(self, service_id, runner, clock=timeutils.utcnow):
        self.service_id = service_id
        self.runner = runner
        self.clock = clock
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = None
        self._next_scan = None
        # Whether another engine may hold runs (it may after a fire time).
        self._runs_possible = True
        self._woken_for = None
        self._triggers = {}

    def start(self):
        self._resume_own_runs()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name='operationengine-scheduler')
        self._thread.start()

    def stop(self):
        self._stopped.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wake(self):
        """Read the fire times again now (a trigger changed)."""
        self._wake.set()

    def _loop(self):
        while not self._stopped.is_set():
            self._wake.clear()
            try:
                delay = self.tick()
            except Exception:
                LOG.exception('Scheduling failed; retrying in %s s.',
                              RETRY_DELAY)
                delay = RETRY_DELAY
            self._wake.wait(delay)

    def tick(self):
        """Claim what is due and take over orphaned runs; return the
        seconds until something is due again."""
        ctxt = context.get_admin_context()
        now = self.clock()
        while True:
            due = db.trigger_execution_get_due(ctxt, now, DUE_BATCH)
            for execution in due:
                self.claim(ctxt, execution, now)
            if len(due) < DUE_BATCH:
                break
        if self._woken_for is not None and now >= self._woken_for:
            # A fire time passed: some engine may have claimed runs.
            self._runs_possible = True
        self._scan_if_due(ctxt, now)
        return self._delay(ctxt)

    def _delay(self, ctxt):
        until = [CONF.operationengine.max_sleep]
        if self._runs_possible:
            until.append((self._next_scan - self.clock()).total_seconds())
        execution = db.trigger_execution_get_next(ctxt)
        self._woken_for = None
        if execution is not None:
            self._woken_for = execution.execution_time
            until.append((execution.execution_time -
                          self.clock()).total_seconds())
        return max(min(until), 0)

    def _time_trigger(self, ctxt, trigger_id):
        """The parsed trigger, cached while it is unchanged."""
        trigger = objects.Trigger.get_by_id(ctxt, trigger_id)
        key = (trigger_id, trigger.updated_at)
        parsed = self._triggers.get(trigger_id)
        if parsed is None or parsed[0] != key:
            parsed = (key, time_trigger.TimeTrigger(trigger.properties))
            self._triggers[trigger_id] = parsed
        return parsed[1]

    def claim(self, ctxt, execution, now):
        """Try to claim one due fire time; start its runs if won."""
        due = execution.execution_time
        try:
            trigger = self._time_trigger(ctxt, execution.trigger_id)
        except (exception.NotFound, exception.Invalid):
            db.trigger_execution_delete(ctxt, execution_id=execution.id)
            return
        latest = max(trigger.last_at_or_before(now) or due, due)
        following = trigger.next_after(max(latest, now))
        in_window = now <= latest + datetime.timedelta(
            seconds=trigger.window)
        run, dropped = None, None
        if in_window:
            run = (latest, latest + datetime.timedelta(
                seconds=trigger.window))
        if latest > due or not in_window:
            last_missed = latest if not in_window else \
                trigger.last_at_or_before(latest - datetime.timedelta(
                    seconds=1)) or due
            dropped = (due, json.dumps({
                'reason': 'No engine started the runs due from %s to %s '
                          'within their window.' % (due, last_missed)}))
        runs = db.trigger_execution_claim(
            ctxt, execution.id, execution.trigger_id, due, following,
            self.service_id, run=run, dropped=dropped)
        if runs is None:
            return  # another engine claimed it
        self.runner.submit_claimed(runs, expected=run and run[0])

    def _scan_if_due(self, ctxt, now):
        """Look for runs of dead engines while runs may be in flight."""
        if not self._runs_possible or (
                self._next_scan is not None and now < self._next_scan):
            return
        interval = CONF.report_interval
        self._next_scan = now + datetime.timedelta(
            seconds=interval / SCANS_PER_INTERVAL)
        dead_before = now - datetime.timedelta(seconds=interval * DEAD_AFTER)
        running = db.scheduled_operation_state_get_running_elsewhere(
            ctxt, self.service_id)
        for state in running:
            if state.heartbeat is None or state.heartbeat < dead_before:
                self._take_over(ctxt, state)
        # Nothing runs elsewhere: nothing can be orphaned before the next
        # fire time (only claims make runs).
        self._runs_possible = bool(running)

    def _take_over(self, ctxt, state):
        with db.transaction(ctxt):
            won = db.scheduled_operation_state_update(
                ctxt, state.operation_id, {'service_id': self.service_id},
                expected={'service_id': state.service_id,
                          'state': constants.OPERATION_STATE_RUNNING})
            if won is not None:
                # Held from now on under a fresh heartbeat of this engine.
                db.service_heartbeat(ctxt, self.service_id)
        if won is None:
            return
        LOG.info('Taking over the run of scheduled operation %(op)s from '
                 'engine service %(svc)s.',
                 {'op': state.operation_id, 'svc': state.service_id})
        self._resume(ctxt, state.operation_id)

    def _resume(self, ctxt, operation_id):
        logs = objects.ScheduledOperationLogList.get_by_filters(
            ctxt, filters={'operation_id': operation_id,
                           'state': constants.OPERATION_EXE_STATE_IN_PROGRESS},
            sort_keys=['id'], sort_dirs=['desc'], limit=1)
        if logs:
            self.runner.submit(operation_id, logs[0].id, resume=True)
        else:
            db.scheduled_operation_state_update(
                ctxt, operation_id,
                {'state': constants.OPERATION_STATE_REGISTERED})

    def _resume_own_runs(self):
        """Runs this engine owned before it restarted."""
        ctxt = context.get_admin_context()
        states = objects.ScheduledOperationStateList.get_by_filters(
            ctxt, filters={'service_id': self.service_id,
                           'state': constants.OPERATION_STATE_RUNNING})
        for state in states:
            self._resume(ctxt, state.operation_id)
