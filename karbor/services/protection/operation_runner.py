"""Runs protection operations in the background of the protection worker.

The RPC call that starts an operation validates it, records it
(checkpoint, restore, operation log) and returns; the flow then runs on a
bounded thread pool here. Every run ends its records in a final status,
whatever happens, so nothing stays "in progress".
"""

import collections
import functools
import threading
import time

import futurist
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from karbor.common import constants
from karbor import metrics
from karbor import notifications
from karbor import objects
from karbor import resource as karbor_resource
from karbor.services.protection.flows import base as base_flow
from karbor.services.protection.flows import copy as copy_flow
from karbor.services.protection.flows import delete as delete_flow
from karbor.services.protection.flows import protect as protect_flow
from karbor.services.protection.flows import restore as restore_flow
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection.flows import verify as verify_flow
from karbor.services.protection import graph

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

runner_opts = [
    cfg.IntOpt('max_concurrent_operations',
               default=0, min=0,
               help='Maximum number of protect, restore, delete, copy and '
                    'verify operations a protection worker runs at once; '
                    'more wait their turn. 0 means 64.'),
]
CONF.register_opts(runner_opts)


def list_opts():
    return [('DEFAULT', runner_opts)]


def new_operation_log(context, operation_type, status, started_at=None,
                      **fields):
    """Create the operation log of an operation started at ``started_at``
    (default: now)."""
    log = objects.OperationLog(
        context=context, project_id=context.project_id,
        operation_type=operation_type, status=status,
        started_at=started_at or timeutils.utcnow(), **fields)
    log.create()
    return log


class ProtectStart(collections.namedtuple(
        'ProtectStart', 'roots resource_graph has_steps error')):
    """What ``OperationRunner.plan_protect`` found out about a plan."""

    @property
    def checkpoint_status(self):
        if self.error:
            return constants.CHECKPOINT_STATUS_ERROR
        if self.has_steps:
            return constants.CHECKPOINT_STATUS_PROTECTING
        return constants.CHECKPOINT_STATUS_AVAILABLE

    def log_fields(self):
        """Status (and end) of the protect's operation log."""
        if self.has_steps:
            return {'status': constants.CHECKPOINT_STATUS_PROTECTING}
        fields = {'status': constants.OPERATION_LOG_STATUS_SUCCESS,
                  'ended_at': timeutils.utcnow()}
        if self.error:
            fields.update(status=constants.OPERATION_LOG_STATUS_ERROR,
                          error_info=self.error)
        return fields


_LOG_FIELDS = ('id', 'operation_type', 'project_id', 'provider_id', 'plan_id',
               'checkpoint_id', 'restore_id', 'scheduled_operation_id',
               'status', 'error_info', 'started_at', 'ended_at')


def _log_payload(log):
    return {field: getattr(log, field, None) for field in _LOG_FIELDS}


def observed(context, log, flow, *args):
    """Run ``flow(*args)``, which ends operation ``log``, between
    ``karbor.operation_<type>.start`` and ``.end`` (``.error`` unless it
    ended in success), and count it in the metrics."""
    event = 'operation_%s' % log.operation_type
    notifications.send(context, event, 'start', _log_payload(log),
                       notifications.PROTECTION)
    started = time.monotonic()
    try:
        return flow(*args)
    finally:
        ended(context, log, time.monotonic() - started, start_sent=True)


def ended(context, log, seconds=0.0, start_sent=False):
    """Count and notify the end of operation ``log``; an operation that
    ended at once (nothing to run) sends its ``.start`` here."""
    event = 'operation_%s' % log.operation_type
    payload = _log_payload(log)
    if not start_sent:
        notifications.send(context, event, 'start', payload,
                           notifications.PROTECTION)
    success = log.status == constants.OPERATION_LOG_STATUS_SUCCESS
    metrics.operation_ended(log.operation_type,
                            'success' if success else 'error', seconds)
    notifications.send(context, event, 'end' if success else 'error',
                       payload, notifications.PROTECTION)


def plan_resources(plan):
    return [karbor_resource.Resource(r['type'], r['id'], r.get('name'),
                                     r.get('extra_info') or None)
            for r in plan['resources']]


class OperationRunner(object):
    """A thread pool running the flows of this worker."""

    def __init__(self, protectable_registry):
        self._registry = protectable_registry
        self._pool = futurist.ThreadPoolExecutor(
            max_workers=CONF.max_concurrent_operations or 64)
        # Operation id -> (future, function, args, cancel) of the
        # operations waiting for a thread of the pool.
        self._queued = {}
        self._queued_lock = threading.Lock()

    def shutdown(self, wait=True):
        self._pool.shutdown(wait=wait)

    def submit(self, function, *args, op_id=None, cancel=None):
        """Run ``function(*args)`` on the pool. ``cancel()`` ends the
        operation ``op_id`` cancelled if it has not started (see
        ``cancel_queued``)."""
        if op_id is None:
            return self._pool.submit(self._guarded, function, *args)
        with self._queued_lock:
            future = self._pool.submit(self._dequeued, op_id, function,
                                       *args)
            self._queued[op_id] = (future, function, args, cancel)
        return future

    def _dequeued(self, op_id, function, *args):
        with self._queued_lock:
            self._queued.pop(op_id, None)
        return self._guarded(function, *args)

    def cancel_queued(self, op_id):
        """End the operation ``op_id`` cancelled now if it still waits for
        the pool; returns whether it did."""
        with self._queued_lock:
            queued = self._queued.pop(op_id, None)
            if queued is None or not queued[0].cancel():
                return False
        _future, function, args, cancel = queued
        if self._guarded(cancel):
            return True
        # No cancel request after all: it runs as it would have.
        self.submit(function, *args)
        return False

    @staticmethod
    def cancel_unstarted(initiate_task, context, log, checkpoint,
                         **records):
        """``cancel`` of ``submit`` for an operation begun by
        ``initiate_task`` on ``checkpoint`` (and ``restore=`` or
        ``verify=`` record)."""
        runtime = flow_runtime.FlowRuntime(context, {}, checkpoint, log,
                                           **records)
        runtime.operation_type = initiate_task.operation_type
        if not base_flow.cancel_unstarted(initiate_task, runtime):
            return False
        ended(context, log)
        return True

    @staticmethod
    def _guarded(function, *args):
        try:
            return function(*args)
        except Exception:
            LOG.exception('Operation %s failed unexpectedly.',
                          function.__name__)
            return False

    def plan_protect(self, context, provider, plan):
        """Build the plan's resource graph and look at what it needs.

        Runs in the RPC call, before the checkpoint exists (as in the
        original Karbor, which builds the graph before it answers), so that
        a checkpoint is written once in its final status when no plugin
        has a step to run, or when the graph cannot be built.
        """
        try:
            roots = self._registry.build_graph(context, plan_resources(plan))
            steps = protect_flow.has_steps(context, provider.load_plugins(),
                                           roots)
        except Exception as err:
            LOG.warning('Plan %(id)s cannot be protected: %(err)s',
                        {'id': plan['id'], 'err': err})
            return ProtectStart(None, None, False, str(err))
        return ProtectStart(roots, graph.serialize_resource_graph(roots),
                            steps, None)

    @staticmethod
    def protect(context, provider, checkpoint, log, plan, start):
        """Run the protect flow of a ``plan_protect`` with steps."""
        return observed(context, log, protect_flow.protect, context,
                        provider.load_plugins(), checkpoint, log,
                        start.roots, plan.get('parameters') or {})

    @staticmethod
    def restore(context, provider, checkpoint, restore, log):
        return observed(context, log, restore_flow.restore, context,
                        provider.load_plugins(), checkpoint, restore, log,
                        restore.parameters or {})

    @staticmethod
    def verify(context, provider, checkpoint, verification, log):
        return observed(context, log, verify_flow.verify, context,
                        provider.load_plugins(), checkpoint, verification,
                        log, verification.parameters or {})

    def start_delete(self, context, provider, checkpoint, log):
        """Run the delete flow of ``checkpoint``: at once when no plugin
        has a step for it (there is nothing to wait for), else in the
        background."""
        plugins = provider.load_plugins()
        try:
            steps = delete_flow.has_steps(context, plugins, checkpoint)
        except Exception:
            steps = True  # the flow fails it and records why
        if steps:
            self.submit(observed, context, log, delete_flow.delete, context,
                        plugins, checkpoint, log, op_id=checkpoint.id,
                        cancel=functools.partial(
                            self.cancel_unstarted,
                            delete_flow.InitiateDeleteTask, context, log,
                            checkpoint))
        else:
            self._guarded(observed, context, log, delete_flow.delete,
                          context, plugins, checkpoint, log)

    @staticmethod
    def copy(context, provider, copies, parameters):
        """Copy each ``(source, copy, log)`` in turn."""
        plugins = provider.load_plugins()
        for source, checkpoint_copy, log in copies:
            observed(context, log, copy_flow.copy, context, plugins, source,
                     checkpoint_copy, log, parameters)
