"""The live objects a running flow works on.

A flow's persisted state only holds JSON (task states, results and the
factory arguments). Everything else (the request context, the plugins, the
checkpoint, the restore or verification record, the operation log) lives in
a ``FlowRuntime`` that is injected into the engine without being persisted;
a restarted worker builds a new one from ``persisted_meta()``.
"""

import contextlib
import threading
import time
import weakref

from oslo_log import log as logging
from oslo_utils import timeutils

from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor.i18n import _
from karbor.objects import base as objects_base
from karbor.services.protection import bank_plugin
from karbor.services.protection import progress as progress_mod

LOG = logging.getLogger(__name__)

# Context fields not written to the flow store. The token itself is kept:
# a worker that resumes the flow after a restart presents it again (with
# the service token beside it, an expired one still works) and reads its
# catalog back from Keystone; the token body is large and derivable.
_SECRET_CONTEXT_KEYS = ('auth_token_info',)

# Seconds between two reads of an operation's cancel request by its flow
# (a cancel cast to the worker is seen at once).
CANCEL_POLL_INTERVAL = 1.0

# Operation id (checkpoint, restore or verification id) -> the runtime of
# its flow in this process, for the cancel casts.
_RUNNING = weakref.WeakValueDictionary()


def is_running(op_id):
    return op_id in _RUNNING


def request_cancel(op_id, user_id, at):
    """Cancel the flow of ``op_id`` if it runs in this process; returns
    whether it does."""
    runtime = _RUNNING.get(op_id)
    if runtime is None:
        return False
    runtime.cancel_request = (user_id, at)
    return True


# How a protection plugin makes the operation of each operation type.
_OPERATION_MAKERS = {
    constants.OPERATION_PROTECT:
        lambda plugin, resource: plugin.get_protect_operation(resource),
    constants.OPERATION_RESTORE:
        lambda plugin, resource: plugin.get_restore_operation(resource),
    constants.OPERATION_VERIFY:
        lambda plugin, resource: plugin.get_verify_operation(resource),
    constants.OPERATION_COPY:
        lambda plugin, resource: plugin.get_copy_operation(resource),
    constants.OPERATION_DELETE:
        lambda plugin, resource: plugin.get_delete_operation(resource),
}


class FlowRuntime(object):
    """Process-local state of one operation.

    :param context: the ``RequestContext`` the operation runs as.
    :param plugins: dict resource type -> protection plugin instance.
    :param checkpoint: the checkpoint protected, restored, verified, copied
        or deleted (attributes ``id, status, provider_id, resource_graph,
        extra_info``; methods ``commit()``, ``delete()``,
        ``get_resource_bank_section(resource_id)``).
    :param operation_log: object with ``status``, ``error_info``,
        ``ended_at`` and ``save()``.
    :param restore: restore record (``status``, ``update_resource_status(
        type, id, status, reason=None)``, ``save()``), for restores.
    :param verify: verification record (same interface), for verifications.
    :param checkpoint_copy: the new checkpoint, for copies.
    """

    def __init__(self, context, plugins, checkpoint, operation_log,
                 restore=None, verify=None, checkpoint_copy=None):
        self.context = context
        self.plugins = plugins
        self.checkpoint = checkpoint
        self.operation_log = operation_log
        self.restore = restore
        self.verify = verify
        self.checkpoint_copy = checkpoint_copy
        self.new_resources = {}
        # Set when a restarted worker chose to fail the flow instead of
        # resuming it: every task still to run raises.
        self.abort_reason = None
        # Set by whoever runs the flow (a fresh one or a resumed one).
        self.operation_type = None
        # (user id, when) once the operation's cancel was requested.
        self.cancel_request = None
        # The hooks completed (``hook_records.HookRecords``), set by whoever
        # runs the flow; records kept in memory when nobody does.
        self.hook_records = None
        # Resource keys whose hooks chunk tasks began in this process.
        self.started_resources = set()
        # Whether a hook of the flow failed: the chunk tasks stop.
        self.hook_failed = False
        # Chunk task name -> name of the hook that made it fail.
        self.failed_hooks = {}
        # What the revert could not undo, for the failure reason.
        self.cleanup_failures = []
        # Bank writes of chunk tasks' hooks, made durable before their
        # records are written (``ResourceChunkTask``).
        self.deferred_writes = bank_plugin.DeferredWrites()
        self._cancel_read = 0.0
        self._progress = None
        self._operations = {}
        self._lock = threading.Lock()

    @property
    def op_id(self):
        """The id the API knows the operation by: the restore's, the
        verification's, the new copy's, else the checkpoint's."""
        record = self.op_record
        return getattr(record, 'id', None)

    @property
    def op_record(self):
        return (self.restore or self.verify or self.checkpoint_copy or
                self.checkpoint)

    def get_operation(self, operation_type, resource):
        """The plugin operation for ``resource``, created once."""
        key = (operation_type, resource)
        with self._lock:
            if key not in self._operations:
                self._operations[key] = self._make_operation(operation_type,
                                                             resource)
            return self._operations[key]

    def _make_operation(self, operation_type, resource):
        plugin = self.plugins.get(resource.type)
        if plugin is None:
            raise exception.ProtectionPluginNotFound(type=resource.type)
        try:
            return _OPERATION_MAKERS[operation_type](plugin, resource)
        except NotImplementedError:
            raise exception.FlowError(
                error=_('the protection plugin of %(type)s does not '
                        'support %(op)s') % {'type': resource.type,
                                             'op': operation_type})

    def hook_kwargs(self, operation_type):
        """The keyword arguments every hook of ``operation_type`` gets."""
        kwargs = {'operation_log': self.operation_log}
        if operation_type == constants.OPERATION_RESTORE:
            kwargs.update(restore=self.restore,
                          new_resources=self.new_resources)
        elif operation_type == constants.OPERATION_VERIFY:
            kwargs.update(verify=self.verify,
                          new_resources=self.new_resources)
        elif operation_type == constants.OPERATION_COPY:
            kwargs['checkpoint_copy'] = self.checkpoint_copy
        return kwargs

    def check_aborted(self):
        """Raise if the flow must stop: aborted by a restarted worker, or
        cancelled (``OperationCancelled``)."""
        if self.abort_reason:
            raise exception.FlowError(error=self.abort_reason)
        cancel = self.cancelled()
        if cancel:
            raise exception.OperationCancelled(
                user=cancel[0], at=progress_mod.isoformat(cancel[1]))

    def cancelled(self, fresh=False):
        """``(user id, requested at)`` if the operation's cancel was
        requested, else None; read from the database at most once a
        second (``fresh``: now)."""
        op_id = self.op_id
        if op_id is None:
            return None
        # The latest flow of the object (a delete after its protect).
        _RUNNING[op_id] = self
        now = time.monotonic()
        if self.cancel_request is None and (
                fresh or now - self._cancel_read >= CANCEL_POLL_INTERVAL):
            self._cancel_read = now
            try:
                row = db.operation_progress_get(self.context, op_id)
            except Exception as err:
                # Read again at the next boundary.
                LOG.warning('Cancel request of %s not read: %s', op_id, err)
                row = None
            if row is not None and row.cancel_requested_at is not None:
                self.cancel_request = (row.cancelled_by,
                                       row.cancel_requested_at)
        return self.cancel_request

    # Progress

    def progress(self, operation_type=None):
        """The operation's ``ProgressTracker``: new, or continuing what a
        previous worker stored."""
        with self._lock:
            if self._progress is None:
                self._progress = self._new_tracker(
                    operation_type or self.operation_type)
                row = db.operation_progress_get(self.context, self.op_id)
                if row is not None and row.summary:
                    self._progress.resume(row.summary)
            return self._progress

    def _new_tracker(self, operation_type):
        record = self.op_record
        return progress_mod.ProgressTracker(
            self.context, self.op_id, operation_type,
            getattr(record, 'project_id', None) or getattr(
                self.context, 'project_id', None),
            status=getattr(record, 'status', None),
            provider_id=getattr(record, 'provider_id', None))

    def start_progress(self, operation_type, resources):
        """Begin counting: ``[(resource, number of hooks)]``."""
        tracker = self._new_tracker(operation_type)
        with self._lock:
            self._progress = tracker
        tracker.plan(resources)

    def progress_status(self, operation_type, status):
        self._progress_event('set_status', operation_type, status)

    def hook_started(self, operation_type, resource):
        self._progress_event('hook_started', operation_type, resource)

    def hook_ended(self, operation_type, resource, ok=True):
        self._progress_event('hook_ended', operation_type, resource, ok)

    def _progress_event(self, event, operation_type, *args):
        if self.op_id is None:
            return
        try:
            getattr(self.progress(operation_type), event)(*args)
        except Exception as err:
            # Progress is a view: it never fails a flow.
            LOG.warning('Progress of %s not counted: %s', self.op_id, err)

    def end_progress(self, status=None, success=False):
        """Write the final progress of the operation: ``status``, the
        success status of its operation (``success``), or its record's."""
        if self.op_id is None:
            return
        if _RUNNING.get(self.op_id) is self:
            _RUNNING.pop(self.op_id, None)
        try:
            tracker = self.progress()
            if success:
                status = progress_mod.SUCCESS_STATUS.get(
                    tracker.operation_type)
            tracker.end(status or self.op_record.status)
        except Exception as err:
            LOG.warning(
                'Final progress of %s not saved: %s', self.op_id, err)

    def record_resource_failure(self, operation_type, resource, reason):
        """Mark a resource failed on the restore or verification record."""
        record = {constants.OPERATION_RESTORE: self.restore,
                  constants.OPERATION_VERIFY: self.verify}.get(operation_type)
        if record is None:
            return
        with self._lock:
            record.update_resource_status(resource.type, resource.id,
                                          constants.RESOURCE_STATUS_ERROR,
                                          reason)
            record.save()

    def log_progress(self, operation_type, status):
        log = self.operation_log
        log.operation_type = operation_type
        log.status = status
        log.save()

    def saving_together(self):
        """Context manager: the record writes made inside it (checkpoint
        catalog, restore or verification, operation log) commit as one
        database transaction, when the records live in the database."""
        if isinstance(self.operation_log, objects_base.KarborObject):
            return db.transaction(self.context)
        return contextlib.nullcontext()

    def log_end(self, error_info=None, status=None):
        """Close the operation log: ``success``, or ``error`` (or
        ``status``) + reason."""
        log = self.operation_log
        log.status = status or (
            constants.OPERATION_LOG_STATUS_ERROR if error_info
            else constants.OPERATION_LOG_STATUS_SUCCESS)
        if error_info:
            log.error_info = error_info
        log.ended_at = timeutils.utcnow()
        log.save()

    def persisted_meta(self, operation_type):
        """JSON description from which a restarted worker rebuilds this."""
        context = self.context.to_dict() if self.context is not None else {}
        for key in _SECRET_CONTEXT_KEYS:
            context.pop(key, None)
        checkpoint = self.checkpoint
        return {
            'operation_type': operation_type,
            'provider_id': getattr(checkpoint, 'provider_id', None),
            'checkpoint_id': getattr(checkpoint, 'id', None),
            'operation_log_id': getattr(self.operation_log, 'id', None),
            'restore_id': getattr(self.restore, 'id', None),
            'verification_id': getattr(self.verify, 'id', None),
            'checkpoint_copy_id': getattr(self.checkpoint_copy, 'id', None),
            'context': context,
        }
