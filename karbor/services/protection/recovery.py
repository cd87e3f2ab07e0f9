"""Finishing work that a protection worker left behind when it died.

Every flow is persisted (``flows.persistence``) with the host that runs
it. A worker resumes its own unfinished flows when it starts. The live
worker with the smallest host name also resumes the flows of workers whose
heartbeat stopped, and fails the records left "in progress" by a crash
that came before their flow was saved, so nothing stays in progress.
"""

import datetime
import threading

from oslo_config import cfg
from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import timeutils

from karbor.common import constants
from karbor import context as karbor_context
from karbor.db import api as db
from karbor import exception
from karbor import objects
from karbor.services.protection import deferred
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection import progress

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

INTERRUPTED = 'interrupted by a restart of the protection service'
CHECKPOINT_FAILURE_STATUS = {
    constants.CHECKPOINT_STATUS_PROTECTING: constants.CHECKPOINT_STATUS_ERROR,
    constants.CHECKPOINT_STATUS_DELETING:
        constants.CHECKPOINT_STATUS_ERROR_DELETING,
    constants.CHECKPOINT_STATUS_WAIT_COPYING:
        constants.CHECKPOINT_STATUS_ERROR,
    constants.CHECKPOINT_STATUS_COPYING: constants.CHECKPOINT_STATUS_ERROR,
}
CHECKPOINT_OPERATION = {
    constants.CHECKPOINT_STATUS_PROTECTING: constants.OPERATION_PROTECT,
    constants.CHECKPOINT_STATUS_DELETING: constants.OPERATION_DELETE,
    constants.CHECKPOINT_STATUS_WAIT_COPYING: constants.OPERATION_COPY,
    constants.CHECKPOINT_STATUS_COPYING: constants.OPERATION_COPY,
}
LOG_IN_PROGRESS = list(CHECKPOINT_FAILURE_STATUS) + [
    constants.RESTORE_STATUS_IN_PROGRESS]


def _age(record):
    stamp = record.updated_at or record.created_at
    if stamp is None:
        return datetime.timedelta.max
    return timeutils.utcnow() - stamp.replace(tzinfo=None)


class Recovery(object):
    """Resumes interrupted flows and fails orphaned records."""

    def __init__(self, manager):
        self._manager = manager
        self._active = set()
        self._lock = threading.Lock()

    def resume_own(self):
        """Resume, in the background, this host's interrupted flows."""
        for unfinished in persistence.list_unfinished(owner=CONF.host):
            self._submit(unfinished)

    def take_over(self):
        """Adopt dead workers' flows and fail orphans (leader only)."""
        # This worker is alive, whatever its heartbeat says (a database
        # outage may have delayed it): never adopt its own running flows.
        live = self._live_hosts() | {CONF.host}
        if CONF.host != min(live):
            return
        unfinished = persistence.list_unfinished(owner='*', live=live)
        for flow in unfinished:
            if flow.meta.get('owner') not in live:
                self._submit(flow)
        self.fail_orphans(unfinished)

    def _live_hosts(self):
        ctxt = karbor_context.get_admin_context()
        services = objects.ServiceList.get_all(
            ctxt, filters={'binary': constants.PROTECTION_BINARY})
        limit = datetime.timedelta(seconds=CONF.service_down_time)
        return {s.host for s in services if _age(s) <= limit}

    def _submit(self, unfinished):
        with self._lock:
            if unfinished.book_uuid in self._active:
                return
            self._active.add(unfinished.book_uuid)
        self._manager.runner.submit(self._resume, unfinished)

    def _resume(self, unfinished):
        try:
            runtime = self._build_runtime(unfinished.meta)
        except exception.NotFound as err:
            LOG.warning('Interrupted %(op)s flow dropped: %(err)s',
                        {'op': unfinished.meta.get('operation_type'),
                         'err': err})
            persistence.discard(unfinished)
            return False
        finally:
            with self._lock:
                self._active.discard(unfinished.book_uuid)
        LOG.info('Resuming interrupted %(op)s of checkpoint %(id)s.',
                 {'op': unfinished.meta.get('operation_type'),
                  'id': unfinished.meta.get('checkpoint_id')})
        # The flow is this worker's alone now: a write it did not finish
        # was the dead worker's.
        for checkpoint in (runtime.checkpoint, runtime.checkpoint_copy):
            if checkpoint is not None:
                checkpoint.discard_interrupted_writes()
        return persistence.resume(unfinished, runtime)

    def _build_runtime(self, meta):
        ctxt = karbor_context.RequestContext.from_dict(meta['context'])
        registry = self._manager.provider_registry
        provider = registry.show_provider(meta['provider_id'])
        checkpoint = provider.checkpoint_store.get(ctxt,
                                                   meta['checkpoint_id'])
        kwargs = {}
        if meta.get('restore_id'):
            kwargs['restore'] = objects.Restore.get_by_id(
                ctxt, meta['restore_id'])
        if meta.get('verification_id'):
            kwargs['verify'] = objects.Verification.get_by_id(
                ctxt, meta['verification_id'])
        if meta.get('checkpoint_copy_id'):
            target = registry.show_provider(provider.copy_provider_id or
                                            provider.id)
            kwargs['checkpoint_copy'] = target.checkpoint_store.get(
                ctxt, meta['checkpoint_copy_id'])
        log = objects.OperationLog.get_by_id(ctxt, meta['operation_log_id'])
        runtime = flow_runtime.FlowRuntime(ctxt, provider.load_plugins(),
                                           checkpoint, log, **kwargs)
        runtime.operation_type = meta.get('operation_type')
        return runtime

    def fail_orphans(self, unfinished, grace=None):
        """End records left in progress with no flow to finish them."""
        grace = datetime.timedelta(seconds=(
            CONF.service_down_time if grace is None else grace))
        ctxt = karbor_context.get_admin_context()
        busy = set()
        for flow in unfinished:
            busy.update(flow.meta.get(key) for key in (
                'checkpoint_id', 'checkpoint_copy_id', 'restore_id',
                'verification_id', 'operation_log_id'))
        with self._lock:
            busy.update(self._active)
        # Failed here, but their final writes wait for the bank or the
        # database: they are no orphans.
        busy.update(deferred.pending_ids())

        def orphans(records):
            return [r for r in records if r.id not in busy and
                    _age(r) > grace]

        cancelled = set()
        for record in orphans(objects.CheckpointRecordList.get_all(
                ctxt, filters={'status': list(CHECKPOINT_FAILURE_STATUS)})):
            request = _cancel_request(ctxt, record.id)
            if request:
                cancelled.add(record.id)
            self._fail_checkpoint(ctxt, record, request)
        for lister in (objects.RestoreList, objects.VerificationList):
            for record in orphans(lister.get_all(ctxt, filters={
                    'status': constants.RESTORE_STATUS_IN_PROGRESS})):
                if _cancel_request(ctxt, record.id):
                    cancelled.add(record.id)
                    record.status = constants.OPERATION_STATUS_CANCELLED
                else:
                    record.status = constants.RESTORE_STATUS_FAILURE
                record.save()
        for log in orphans(objects.OperationLogList.get_all(
                ctxt, filters={'status': LOG_IN_PROGRESS})):
            _end_orphan_log(log, cancelled)

    def _fail_checkpoint(self, ctxt, record, cancel_request=None):
        status = CHECKPOINT_FAILURE_STATUS[record.status]
        if cancel_request:
            # Nothing ran: the cancel asked for is all that happened.
            status = constants.CHECKPOINT_STATUS_CANCELLED
            record.extra_info = dict(
                record.extra_info or {}, cancelled_by=cancel_request[0],
                cancelled_at=progress.isoformat(cancel_request[1]),
                cancelled_operation=CHECKPOINT_OPERATION[record.status])
        LOG.warning('Checkpoint %(id)s was left %(old)s; now %(new)s.',
                    {'id': record.id, 'old': record.status, 'new': status})
        try:
            provider = self._manager.provider_registry.show_provider(
                record.provider_id)
            checkpoint = provider.checkpoint_store.get(ctxt, record.id)
        except exception.NotFound:
            # No bank payload: the catalog row alone.
            record.status = status
            record.save()
            return
        checkpoint.status = status
        if cancel_request:
            checkpoint.extra_info = record.extra_info
        checkpoint.commit()


def _cancel_request(ctxt, op_id):
    """``(user, when)`` if the cancel of ``op_id`` was asked for."""
    row = db.operation_progress_get(ctxt, op_id)
    if row is None or row.cancel_requested_at is None:
        return None
    return row.cancelled_by, row.cancel_requested_at


def _end_orphan_log(log, cancelled):
    """End the log of an orphaned operation: ``cancelled`` if its record
    was (``cancelled``: ids), else ``error`` as interrupted."""
    ids = {log.checkpoint_id, log.restore_id}
    if log.extra_info and 'verification_id' in log.extra_info:
        ids.add(jsonutils.loads(log.extra_info).get('verification_id'))
    if ids & cancelled:
        log.status = constants.OPERATION_LOG_STATUS_CANCELLED
        log.error_info = 'Cancelled before it ran (%s)' % INTERRUPTED
    else:
        log.status = constants.OPERATION_LOG_STATUS_ERROR
        log.error_info = INTERRUPTED
    log.ended_at = timeutils.utcnow()
    log.save()
