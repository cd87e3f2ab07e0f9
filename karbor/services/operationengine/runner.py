"""Runs of scheduled operations: ``protect`` and ``retention_protect``.

A run was claimed by this engine (its operation's state says ``running``
with this engine's service id, its log ``in_progress``). Every write of a
run is guarded by that ownership, so a run taken over by another engine
is left alone here. The checkpoint names the run (``extra_info``), so an
engine taking over a run that had already asked for its checkpoint finds
it instead of making a second one.
"""

import datetime
import json
import threading
import time

from concurrent import futures
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from karbor.common import constants
from karbor import context
from karbor.db import api as db
from karbor import exception
from karbor.i18n import _
from karbor import metrics
from karbor import objects
from karbor import quota
from karbor.services.operationengine import trusts
from karbor.services.protection import rpcapi as protection_rpcapi

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

engine_opts = [
    cfg.IntOpt('max_concurrent_runs', default=10, min=1,
               help='Threads of one engine that start runs (a protect '
                    'request for up to protect_batch_size runs each) and '
                    'end them (retention, log); later work waits for a '
                    'free thread.'),
    cfg.IntOpt('checkpoint_timeout', default=3600, min=1,
               help='Seconds a run waits for its checkpoint to become '
                    'available before it is logged failed.'),
    cfg.IntOpt('retained_operation_log_number', default=100, min=1,
               help='Logs kept per scheduled operation; older ones are '
                    'deleted after each run.'),
    cfg.IntOpt('protect_batch_size', default=100, min=1,
               help='Most runs of one fire time sent to the protection '
                    'service in one request. The runs of a fire time are '
                    'split into up to max_concurrent_runs requests of at '
                    'most this many runs, sent at once.'),
    cfg.IntOpt('rpc_pool_size', default=2, min=1,
               help='Threads of one engine that answer RPC calls (trigger '
                    'and operation changes: short database writes). Every '
                    'idle one of them wakes once a second, so a large pool '
                    'costs processor time on an idle engine.'),
    cfg.IntOpt('max_sleep', default=600, min=1,
               help='Longest an idle engine sleeps before it reads the '
                    'next fire time again. Changes wake every engine at '
                    'once; this only bounds the effect of a lost '
                    'notification.'),
]
CONF.register_opts(engine_opts, group='operationengine')

PLAN_FIELDS = ('id', 'name', 'provider_id', 'project_id', 'resources',
               'parameters')
RUN_KEY = 'scheduled_operation_log_id'
FINAL = (constants.CHECKPOINT_STATUS_AVAILABLE,
         constants.CHECKPOINT_STATUS_ERROR)
STATE_SUCCESS = constants.OPERATION_EXE_STATE_SUCCESS
STATE_FAILED = constants.OPERATION_EXE_STATE_FAILED
STATE_DROPPED = constants.OPERATION_EXE_STATE_DROPPED_OUT_OF_WINDOW
STATE_RETENTION_FAILED = 'excute_max_backup_policy_failed'
BACKUP_MODE_AUTO = 'auto'
# Seconds between reads of pending checkpoints: short while they end,
# longer while none does.
WATCH_MIN = 0.05
WATCH_MAX = 2.0


def list_opts():
    return [('operationengine', engine_opts)]


class RunFailed(exception.KarborException):
    message = '%(reason)s'


class _Run(object):
    """A run being started: its operation (a row or object with the
    operation's fields), log, trust and expected start time."""

    def __init__(self, operation, log_id, trust_id, expected=None):
        self.operation = operation
        self.log_id = log_id
        self.trust_id = trust_id
        self.expected = expected


class _Pending(object):
    """A run waiting for its checkpoint to end."""

    def __init__(self, operation, log_id, user_ctxt, checkpoint_id):
        self.operation = operation
        self.log_id = log_id
        self.user_ctxt = user_ctxt
        self.checkpoint_id = checkpoint_id
        self.deadline = time.monotonic() + \
            CONF.operationengine.checkpoint_timeout


class Runner(object):
    """Carries out the runs this engine owns.

    A pool of ``max_concurrent_runs`` threads starts runs (up to the
    protect request, one ``protect_many`` call for a batch of runs) and
    completes them (retention, log). Between the two,
    a run holds no thread: one watcher reads the status of every pending
    checkpoint in a single query, so that a long backup does not delay
    the runs due after it.
    """

    def __init__(self, service_id, clock=timeutils.utcnow, on_busy=None):
        """``on_busy()`` is called when the runner takes on work while it
        held none."""
        self.service_id = service_id
        self.clock = clock
        self._on_busy = on_busy
        self._pool = futures.ThreadPoolExecutor(
            CONF.operationengine.max_concurrent_runs,
            thread_name_prefix='scheduled-run')
        self._protection = None
        self._pending = {}
        self._busy = 0
        # One admin context serves every thread: DB blocks join per thread.
        self._ctxt = context.get_admin_context()
        self._lock = threading.Lock()
        self._arrived = threading.Event()
        self._stopped = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True,
                                         name='scheduled-run-watcher')
        self._watcher.start()

    @property
    def protection(self):
        if self._protection is None:
            self._protection = protection_rpcapi.ProtectionAPI()
        return self._protection

    def submit(self, operation_id, log_id, resume=False):
        """Start (or, ``resume``, go on with) one run read from the
        database."""
        self._spawn(self.run, operation_id, log_id, resume)

    def submit_claimed(self, claimed, expected=None):
        """Start the runs an engine just claimed: ``[(operation row with
        ``trust_id``, log id)]``.

        They go to the protection service in at most
        ``max_concurrent_runs`` requests, all sent at once, so that the
        last run of a large fire time is not held back by the first.
        """
        runs = [_Run(row, log_id, row.trust_id, expected)
                for row, log_id in claimed]
        group = CONF.operationengine
        size = min(group.protect_batch_size, max(
            1, -(-len(runs) // group.max_concurrent_runs)))
        for first in range(0, len(runs), size):
            self._spawn(self.start, runs[first:first + size])

    @property
    def busy(self):
        """Whether runs are starting, pending or ending."""
        with self._lock:
            return bool(self._busy or self._pending)

    def _spawn(self, func, *args):
        with self._lock:
            was_idle = not (self._busy or self._pending)
            self._busy += 1
        if was_idle and self._on_busy is not None:
            self._on_busy()
        self._pool.submit(self._logged, func, *args)

    def stop(self):
        self._stopped.set()
        self._arrived.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def drain(self, timeout=60):
        """Wait until no run is starting, pending or ending (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending and not self._busy:
                    return True
            time.sleep(0.02)
        return False

    def _logged(self, func, *args):
        try:
            func(*args)
        except Exception:
            LOG.exception('A run of a scheduled operation failed '
                          'unexpectedly (%s).', args)
        finally:
            with self._lock:
                self._busy -= 1

    def _update(self, ctxt, operation_id, log_id, values, finish=False):
        return db.scheduled_operation_run_update(
            ctxt, operation_id, self.service_id, log_id, values,
            finish=finish)

    def _finish(self, ctxt, operation, log_id, state, info):
        self._update(ctxt, operation.id, log_id, {
            'state': state, 'end_time': self.clock(),
            'extend_info': json.dumps(info)}, finish=True)
        objects.ScheduledOperationLog.destroy_oldest(
            ctxt, operation.id,
            CONF.operationengine.retained_operation_log_number)
        LOG.info('Run %(log)s of scheduled operation %(op)s: %(state)s '
                 '%(info)s', {'log': log_id, 'op': operation.id,
                              'state': state, 'info': info})

    def run(self, operation_id, log_id, resume=False):
        """Start one run of the database, or go on with one taken over
        (``resume``): find its checkpoint if it asked for one already."""
        ctxt = self._ctxt
        try:
            operation = objects.ScheduledOperation.get_by_id(
                ctxt, operation_id)
            state = objects.ScheduledOperationState.get_by_operation_id(
                ctxt, operation_id)
            log = objects.ScheduledOperationLog.get_by_id(ctxt, log_id)
        except exception.NotFound:
            return  # deleted meanwhile: nothing to record
        if resume and log.actual_start_time is not None:
            checkpoint_id = self._checkpoint_of_run(ctxt, operation, log)
            if checkpoint_id is not None:
                try:
                    user_ctxt = trusts.run_context(operation, state.trust_id)
                except Exception as err:
                    return self._failed(ctxt, operation, log_id, {}, err)
                return self._wait_for(_Run(operation, log_id, state.trust_id),
                                      user_ctxt, checkpoint_id)
        elif state.end_time_for_run and self.clock() > \
                state.end_time_for_run.replace(tzinfo=None):
            return self._finish(ctxt, operation, log_id, STATE_DROPPED, {
                'reason': _('The run could not start within its window.')})
        self.start([_Run(operation, log_id, state.trust_id,
                         log.expect_start_time)])

    def start(self, runs):
        """Ask the protection service for the checkpoints of ``runs`` in
        one request, each with its own requester (its trust)."""
        ctxt = self._ctxt
        ready = []
        for run in runs:
            try:
                ready.append((run, trusts.run_context(run.operation,
                                                      run.trust_id)))
            except Exception as err:
                self._failed(ctxt, run.operation, run.log_id, {}, err)
        plans = self._plans(ready)
        requests = []
        for run, user_ctxt in ready:
            try:
                requests.append((run, user_ctxt, self._request(
                    user_ctxt, run, plans.get(
                        run.operation.operation_definition['plan_id']))))
            except Exception as err:
                self._failed(ctxt, run.operation, run.log_id, {}, err)
        started = self.clock()
        owned = db.scheduled_operation_runs_start(
            ctxt, self.service_id,
            {run.operation.id: run.log_id for run, _c, _r in requests},
            started)
        # Runs another engine took over meanwhile are its own.
        requests = [item for item in requests if item[0].operation.id in
                    owned]
        for run, _c, _r in requests:
            metrics.scheduled_run_started(run.expected, started)
        if requests:
            self._send(requests)

    def _send(self, requests):
        try:
            results = self.protection.protect_many(self._ctxt, [
                request for _run, _ctxt, request in requests])
        except Exception as err:
            results = [{'error': _('The protection service did not answer '
                                   'the request: %s') % err}] * len(requests)
        for (run, user_ctxt, _request), result in zip(requests, results):
            if 'error' in result:
                self._failed(self._ctxt, run.operation, run.log_id, {},
                             result['error'])
            else:
                self._wait_for(run, user_ctxt, result['checkpoint']['id'])

    def _wait_for(self, run, user_ctxt, checkpoint_id):
        with self._lock:
            self._pending[checkpoint_id] = _Pending(
                run.operation, run.log_id, user_ctxt, checkpoint_id)
        self._arrived.set()

    def _failed(self, ctxt, operation, log_id, info, err):
        LOG.warning('Scheduled operation %(op)s: protect failed: %(err)s',
                    {'op': operation.id, 'err': err})
        info['reason'] = str(err)
        self._finish(ctxt, operation, log_id, STATE_FAILED, info)

    def _watch(self):
        delay = WATCH_MIN
        while not self._stopped.is_set():
            if self._arrived.wait(delay if self._pending else None):
                self._arrived.clear()
                delay = WATCH_MIN
            try:
                ended = self._ended()
            except Exception:
                LOG.exception('Reading the checkpoints of scheduled runs '
                              'failed.')
                ended = []
            for pending, status in ended:
                # Counted busy by _ended already.
                self._pool.submit(self._logged, self.complete, pending,
                                  status)
            delay = WATCH_MIN if ended else min(delay * 2, WATCH_MAX)

    def _ended(self):
        """Pending runs whose checkpoint ended (or timed out)."""
        with self._lock:
            pending = dict(self._pending)
        if not pending:
            return []
        rows = db.checkpoint_record_get_all(
            self._ctxt, filters={'id': list(pending)})
        statuses = {row.id: row.status for row in rows}
        now = time.monotonic()
        ended = [(run, statuses.get(run.checkpoint_id))
                 for run in pending.values()
                 if statuses.get(run.checkpoint_id) in FINAL or
                 now > run.deadline]
        with self._lock:
            for run, _status in ended:
                self._pending.pop(run.checkpoint_id, None)
            self._busy += len(ended)
        return ended

    def complete(self, pending, status):
        """End a run whose checkpoint ended with ``status``."""
        ctxt = self._ctxt
        operation = pending.operation
        info = {'checkpoint_id': pending.checkpoint_id}
        if status not in FINAL:
            reason = _('Checkpoint %(id)s is still %(status)s after '
                       '%(timeout)d s.') % {
                'id': pending.checkpoint_id, 'status': status,
                'timeout': CONF.operationengine.checkpoint_timeout}
            return self._failed(ctxt, operation, pending.log_id, info,
                                reason)
        if status != constants.CHECKPOINT_STATUS_AVAILABLE:
            reason = _('Checkpoint %(id)s ended %(status)s.') % {
                'id': pending.checkpoint_id, 'status': status}
            return self._failed(ctxt, operation, pending.log_id, info,
                                reason)
        state = STATE_SUCCESS
        if operation.operation_type == 'retention_protect':
            deleted, errors = self._retain(
                ctxt, pending.user_ctxt, operation,
                operation.operation_definition, pending.checkpoint_id)
            info['deleted_checkpoints'] = deleted
            if errors:
                info['reason'] = '; '.join(errors)
                state = STATE_RETENTION_FAILED
        self._finish(ctxt, operation, pending.log_id, state, info)

    def _plans(self, ready):
        """The plans of the runs ``ready``, by id, read in one query."""
        ids = {run.operation.operation_definition['plan_id']
               for run, _ctxt in ready}
        if not ids:
            return {}
        plans = objects.PlanList.get_all(self._ctxt,
                                         filters={'id': sorted(ids)})
        return {plan.id: plan for plan in plans}

    def _request(self, user_ctxt, run, plan):
        """The protect request of ``run`` (an item of ``protect_many``)."""
        operation = run.operation
        definition = operation.operation_definition
        if plan is None or plan.project_id != operation.project_id:
            raise RunFailed(reason=_('Plan %s does not exist any more.')
                            % definition['plan_id'])
        if plan.provider_id != definition['provider_id']:
            raise RunFailed(reason=_('The plan\'s provider is not %s.')
                            % definition['provider_id'])
        extra_info = {'created_by': constants.OPERATION_ENGINE,
                      'scheduled_operation_id': operation.id,
                      'trigger_id': operation.trigger_id,
                      RUN_KEY: str(run.log_id)}
        plan = {field: plan[field] for field in PLAN_FIELDS}
        if operation.operation_type == 'retention_protect':
            plan['parameters'] = self._independent_backups(user_ctxt, plan)
        return {'context': user_ctxt.to_dict(), 'plan': plan,
                'checkpoint_properties': {'extra_info': extra_info}}

    def _independent_backups(self, ctxt, plan):
        """The plan's parameters, with ``auto`` backup modes made ``full``.

        An incremental backup depends on the previous one, and Cinder
        deletes a backup only once nothing depends on it: a chain could
        never lose its oldest links, so retention would always fail. Where
        the provider offers a ``full`` mode and the plan leaves the choice
        to ``auto``, a retained operation makes full backups.
        """
        provider = self.protection.show_provider(ctxt, plan['provider_id'])
        options = (provider.get('extended_info_schema') or {}).get(
            'options_schema') or {}
        parameters = {key: dict(value or {}) for key, value in
                      (plan['parameters'] or {}).items()}
        for resource_type, schema in options.items():
            mode = (schema.get('properties') or {}).get('backup_mode') or {}
            if 'full' not in mode.get('enum', ()):
                continue
            parameters.setdefault(resource_type, {})
            for key, values in parameters.items():
                if key.split('#')[0] == resource_type and values.get(
                        'backup_mode', BACKUP_MODE_AUTO) == BACKUP_MODE_AUTO:
                    values['backup_mode'] = 'full'
        return parameters

    @staticmethod
    def _own_checkpoints(ctxt, operation, statuses):
        """Checkpoints this operation made, newest first."""
        definition = operation.operation_definition
        rows = db.checkpoint_record_get_all(
            ctxt, sort_keys=['created_at'], sort_dirs=['desc'], filters={
                'provider_id': definition['provider_id'],
                'plan_id': definition['plan_id'],
                'project_id': operation.project_id, 'status': statuses})
        own = [row for row in rows
               if (row.extra_info or {}).get('scheduled_operation_id') ==
               operation.id]
        # Checkpoints made within one second are ordered by their runs.
        return sorted(own, reverse=True, key=lambda row: (
            row.created_at, int(row.extra_info.get(RUN_KEY) or 0)))

    def _checkpoint_of_run(self, ctxt, operation, log):
        for row in self._own_checkpoints(ctxt, operation, list(FINAL) + [
                constants.CHECKPOINT_STATUS_PROTECTING]):
            if (row.extra_info or {}).get(RUN_KEY) == str(log.id):
                return row.id
        return None

    def _expired(self, rows, definition, made):
        """Checkpoints beyond ``max_backups`` or older than
        ``retention_duration`` days, oldest first; never ``made`` (the
        run's own)."""
        max_backups = int(definition.get('max_backups') or 0)
        days = int(definition.get('retention_duration') or 0)
        expired = set()
        if max_backups > 0:
            expired.update(row.id for row in rows[max_backups:])
        if days > 0:
            oldest = self.clock() - datetime.timedelta(days=days)
            expired.update(row.id for row in rows
                           if row.created_at < oldest)
        expired.discard(made)
        return [row for row in reversed(rows) if row.id in expired]

    def _retain(self, ctxt, user_ctxt, operation, definition, made):
        """Delete the operation's checkpoints beyond its limits."""
        rows = self._own_checkpoints(
            ctxt, operation, [constants.CHECKPOINT_STATUS_AVAILABLE])
        deleted, errors = [], []
        for row in self._expired(rows, definition, made):
            try:
                self.protection.delete(user_ctxt, row.provider_id, row.id)
            except Exception as err:
                errors.append(_('Checkpoint %(id)s was kept: %(err)s')
                              % {'id': row.id, 'err': err})
                continue
            quota.QUOTAS.release(user_ctxt, project_id=operation.project_id,
                                 checkpoints=1)
            deleted.append(row.id)
        return deleted, errors
