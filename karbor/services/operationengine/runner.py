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
from karbor import objects
from karbor import quota
from karbor.services.operationengine import trusts
from karbor.services.protection import rpcapi as protection_rpcapi

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

engine_opts = [
    cfg.IntOpt('max_concurrent_runs', default=10, min=1,
               help='Runs of scheduled operations one engine carries out '
                    'at once; later ones wait for a free slot.'),
    cfg.IntOpt('checkpoint_timeout', default=3600, min=1,
               help='Seconds a run waits for its checkpoint to become '
                    'available before it is logged failed.'),
    cfg.IntOpt('retained_operation_log_number', default=100, min=1,
               help='Logs kept per scheduled operation; older ones are '
                    'deleted after each run.'),
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


def list_opts():
    return [('operationengine', engine_opts)]


class RunFailed(exception.KarborException):
    message = '%(reason)s'


class Runner(object):
    """Carries out the runs this engine owns, in a thread pool."""

    def __init__(self, service_id, clock=timeutils.utcnow):
        self.service_id = service_id
        self.clock = clock
        self._pool = futures.ThreadPoolExecutor(
            CONF.operationengine.max_concurrent_runs,
            thread_name_prefix='scheduled-run')
        self._protection = None

    @property
    def protection(self):
        if self._protection is None:
            self._protection = protection_rpcapi.ProtectionAPI()
        return self._protection

    def submit(self, operation_id, log_id, resume=False):
        return self._pool.submit(self._run_logged, operation_id, log_id,
                                 resume)

    def stop(self):
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run_logged(self, operation_id, log_id, resume):
        try:
            self.run(operation_id, log_id, resume)
        except Exception:
            LOG.exception('Run %(log)s of scheduled operation %(op)s '
                          'failed unexpectedly.',
                          {'log': log_id, 'op': operation_id})

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
        """Carry out one run; its outcome is written to its log."""
        ctxt = context.get_admin_context()
        try:
            operation = objects.ScheduledOperation.get_by_id(ctxt,
                                                             operation_id)
            state = objects.ScheduledOperationState.get_by_operation_id(
                ctxt, operation_id)
            log = objects.ScheduledOperationLog.get_by_id(ctxt, log_id)
        except exception.NotFound:
            return  # deleted meanwhile: nothing to record
        checkpoint_id = None
        if resume and log.actual_start_time is not None:
            checkpoint_id = self._checkpoint_of_run(ctxt, operation, log)
        elif state.end_time_for_run and \
                self.clock() > state.end_time_for_run.replace(tzinfo=None):
            self._finish(ctxt, operation, log_id, STATE_DROPPED, {
                'reason': _('The run could not start within its window.')})
            return
        if checkpoint_id is None and not self._update(
                ctxt, operation_id, log_id,
                {'actual_start_time': self.clock()}):
            return  # another engine took it over
        state_, info = self._execute(ctxt, operation, log_id, checkpoint_id)
        self._finish(ctxt, operation, log_id, state_, info)

    def _execute(self, ctxt, operation, log_id, checkpoint_id):
        definition = operation.operation_definition
        info = {}
        try:
            state = objects.ScheduledOperationState.get_by_operation_id(
                ctxt, operation.id)
            user_ctxt = trusts.run_context(operation, state.trust_id)
            if checkpoint_id is None:
                checkpoint_id = self._protect(user_ctxt, operation, log_id)
            info['checkpoint_id'] = checkpoint_id
            self._wait(ctxt, checkpoint_id)
        except Exception as err:
            LOG.warning('Scheduled operation %(op)s: protect failed: %(err)s',
                        {'op': operation.id, 'err': err})
            info['reason'] = str(err)
            return STATE_FAILED, info
        if operation.operation_type != 'retention_protect':
            return STATE_SUCCESS, info
        deleted, errors = self._retain(ctxt, user_ctxt, operation,
                                       definition)
        info['deleted_checkpoints'] = deleted
        if errors:
            info['reason'] = '; '.join(errors)
            return STATE_RETENTION_FAILED, info
        return STATE_SUCCESS, info

    def _protect(self, user_ctxt, operation, log_id):
        definition = operation.operation_definition
        try:
            plan = objects.Plan.get_by_id(user_ctxt, definition['plan_id'])
        except exception.NotFound:
            raise RunFailed(reason=_('Plan %s does not exist any more.')
                            % definition['plan_id'])
        if plan.provider_id != definition['provider_id']:
            raise RunFailed(reason=_('The plan\'s provider is not %s.')
                            % definition['provider_id'])
        extra_info = {'created_by': constants.OPERATION_ENGINE,
                      'scheduled_operation_id': operation.id,
                      'trigger_id': operation.trigger_id,
                      RUN_KEY: str(log_id)}
        plan = {field: plan[field] for field in PLAN_FIELDS}
        if operation.operation_type == 'retention_protect':
            plan['parameters'] = self._independent_backups(user_ctxt, plan)
        checkpoint = self.protection.protect(
            user_ctxt, plan, checkpoint_properties={'extra_info': extra_info})
        return checkpoint['id']

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

    def _wait(self, ctxt, checkpoint_id):
        """Wait until the checkpoint is final; raise unless available."""
        deadline = time.monotonic() + CONF.operationengine.checkpoint_timeout
        delay = 0.05
        while True:
            record = objects.CheckpointRecord.get_by_id(ctxt, checkpoint_id)
            if record.status in FINAL:
                break
            if time.monotonic() > deadline:
                raise RunFailed(reason=_('Checkpoint %(id)s is still '
                                         '%(status)s after %(timeout)d s.')
                                % {'id': checkpoint_id,
                                   'status': record.status,
                                   'timeout':
                                   CONF.operationengine.checkpoint_timeout})
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        if record.status != constants.CHECKPOINT_STATUS_AVAILABLE:
            raise RunFailed(reason=_('Checkpoint %(id)s ended %(status)s.')
                            % {'id': checkpoint_id, 'status': record.status})

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

    def _expired(self, rows, definition):
        """Checkpoints beyond ``max_backups`` or older than
        ``retention_duration`` days, oldest first."""
        max_backups = int(definition.get('max_backups') or 0)
        days = int(definition.get('retention_duration') or 0)
        expired = set()
        if max_backups > 0:
            expired.update(row.id for row in rows[max_backups:])
        if days > 0:
            oldest = self.clock() - datetime.timedelta(days=days)
            expired.update(row.id for row in rows
                           if row.created_at < oldest)
        return [row for row in reversed(rows) if row.id in expired]

    def _retain(self, ctxt, user_ctxt, operation, definition):
        """Delete the operation's checkpoints beyond its limits."""
        rows = self._own_checkpoints(
            ctxt, operation, [constants.CHECKPOINT_STATUS_AVAILABLE])
        deleted, errors = [], []
        for row in self._expired(rows, definition):
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
