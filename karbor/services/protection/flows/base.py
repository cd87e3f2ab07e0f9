"""What every operation flow shares.

An operation flow is linear: ``Initiate<Op>Task`` -> the resource graph
flow -> ``Complete<Op>Task``. The initiate task's revert runs when anything
fails and puts the operation into its failure status; the operation log
ends ``success`` or ``error`` (with the reason) either way.
"""

from oslo_config import cfg
from oslo_log import log as logging
from taskflow.patterns import linear_flow
from taskflow import task

from karbor.common import constants
from karbor import exception
from karbor.services.protection import deferred
from karbor.services.protection.flows import causes
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import resource_flow
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection import graph
from karbor.services.protection import progress

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


# Reasons named in full; more are counted.
MAX_REASONS = 3
# Chunk tasks per thread of the flow pool (see ``chunk_count``). The engine
# writes each task's state changes one after the other: on MariaDB under
# load, two writes per task at its start took 2.7 s for 32 chunk tasks.
CHUNKS_PER_THREAD = 1


def failure_reason(flow_failures, runtime=None):
    """One line: the cause of each failed task (the first few), and what
    the rollback of ``runtime``'s flow could not undo."""
    if not flow_failures:
        reasons = ['Unknown error']
    else:
        reasons = ['%s (%s)' % (causes.describe_failure(failure),
                                resource_flow.failed_hook(runtime, name)
                                if runtime else name)
                   for name, failure in sorted(flow_failures.items())]
    reason = '; '.join(reasons[:MAX_REASONS])
    if len(reasons) > MAX_REASONS:
        reason += '; and %d more' % (len(reasons) - MAX_REASONS)
    left = runtime.cleanup_failures if runtime else []
    if left:
        reason += '. Not rolled back: ' + '; '.join(left)
    return reason


class InitiateTask(task.Task):
    """Puts the operation in progress; on revert, into its failure status.

    Subclasses set ``operation_type`` and implement ``start(runtime)``
    returning the in-progress status, and ``fail(runtime)``.
    """

    operation_type = None

    # The runtime attribute holding the record whose status says how the
    # operation goes (restore, verify; checkpoints: ``checkpoint_attr``).
    record = None

    def execute(self, runtime):
        runtime.check_aborted()
        status = causes.retrying_database(self.start, runtime)
        causes.retrying_database(runtime.log_progress, self.operation_type,
                                 status)
        runtime.progress_status(self.operation_type, status)

    def revert(self, runtime, flow_failures=None, **kwargs):
        request = runtime.cancelled(fresh=True)
        if request:
            cancelled(self, runtime, request)
        else:
            fail(self, runtime, failure_reason(flow_failures, runtime))

    @classmethod
    def cancel(cls, runtime, request):
        """Put the record into ``cancelled`` (restores, verifications)."""
        record = getattr(runtime, cls.record)
        record.status = constants.OPERATION_STATUS_CANCELLED
        final_write(('record', record.id), record.save)

    @staticmethod
    def start(runtime):
        raise NotImplementedError

    @staticmethod
    def fail(runtime):
        raise NotImplementedError

    @classmethod
    def failed_status(cls):
        """The status ``fail`` puts the record into."""
        return constants.RESTORE_STATUS_FAILURE


def fail(initiate_task, runtime, reason):
    """Put an operation into its failure status and close its log."""
    LOG.warning('Operation %(op)s failed: %(reason)s',
                {'op': initiate_task.operation_type, 'reason': reason})
    # The log first: whoever sees the failure status finds its reason.
    log = runtime.operation_log
    log.operation_type = initiate_task.operation_type
    # The progress before the status too: a record seen ended shows its
    # final progress.
    runtime.end_progress(initiate_task.failed_status())
    try:
        final_write(('log', getattr(log, 'id', None)), runtime.log_end,
                     error_info=reason)
    finally:
        initiate_task.fail(runtime)


def cancel_unstarted(initiate_task, runtime):
    """End, ``cancelled``, an operation whose flow never started (it
    waited for a thread): nothing was made, nothing is undone. Returns
    False, changing nothing, if its cancel was not requested."""
    request = runtime.cancelled(fresh=True)
    if request:
        cancelled(initiate_task, runtime, request)
    return bool(request)


def cancelled(initiate_task, runtime, request):
    """Put a cancelled operation (``request``: who asked and when, see
    ``FlowRuntime.cancelled``) into ``cancelled``; its reason says who
    cancelled it and what the rollback could not undo."""
    user_id, at = request
    reason = str(exception.OperationCancelled(
        user=user_id, at=progress.isoformat(at)))
    left = runtime.cleanup_failures
    if left:
        reason += '. Not rolled back: ' + '; '.join(left)
    LOG.info('Operation %(op)s of %(id)s: %(reason)s',
             {'op': initiate_task.operation_type, 'id': runtime.op_id,
              'reason': reason})
    log = runtime.operation_log
    log.operation_type = initiate_task.operation_type
    runtime.end_progress(constants.OPERATION_STATUS_CANCELLED)
    try:
        final_write(('log', getattr(log, 'id', None)), runtime.log_end,
                    error_info=reason,
                    status=constants.OPERATION_LOG_STATUS_CANCELLED)
    finally:
        initiate_task.cancel(runtime, request)


def final_write(key, write, **kwargs):
    """``write(**kwargs)``, retried while the database is away; if it stays
    away, or the bank refuses, retried later (``deferred``)."""
    try:
        causes.retrying_database(write, **kwargs)
    except Exception as err:
        if not (causes.is_database_error(err) or causes.is_bank_error(err)):
            raise
        deferred.defer(key, lambda: write(**kwargs))


class CheckpointInitiateTask(InitiateTask):
    """Moves a checkpoint of the runtime (``checkpoint_attr``) to the
    ``started`` status, or to ``failed`` on revert."""

    checkpoint_attr = 'checkpoint'
    started = failed = None

    @classmethod
    def start(cls, runtime):
        return set_checkpoint_status(getattr(runtime, cls.checkpoint_attr),
                                     cls.started)

    @classmethod
    def fail(cls, runtime):
        set_final_status(getattr(runtime, cls.checkpoint_attr), cls.failed)

    @classmethod
    def failed_status(cls):
        return cls.failed

    @classmethod
    def cancel(cls, runtime, request):
        """``cancelled``, with ``cancelled_by`` and ``cancelled_at`` in the
        checkpoint's extra_info."""
        checkpoint = getattr(runtime, cls.checkpoint_attr)
        checkpoint.extra_info = dict(
            checkpoint.extra_info or {}, cancelled_by=request[0],
            cancelled_at=progress.isoformat(request[1]),
            cancelled_operation=cls.operation_type)
        set_final_status(checkpoint, constants.CHECKPOINT_STATUS_CANCELLED)


class CompleteTask(task.Task):
    """Puts the operation into its success status and closes the log.

    Subclasses implement ``finish(runtime)``.
    """

    def execute(self, runtime):
        runtime.check_aborted()
        causes.retrying_database(self._complete, runtime)

    def _complete(self, runtime):
        # The final progress first, so that a record seen ended shows it
        # (a completion that fails after all is reverted and rewrites it).
        runtime.end_progress(success=True)
        with runtime.saving_together():
            self.finish(runtime)
            runtime.log_end()

    @staticmethod
    def finish(runtime):
        raise NotImplementedError


def set_checkpoint_status(checkpoint, status):
    """Set and save a checkpoint's status; returns the status."""
    checkpoint.status = status
    checkpoint.commit()
    return status


def set_final_status(checkpoint, status):
    """Set a checkpoint's final status even if the bank refuses it now.

    The catalog (what the API shows) takes it at once; the bank's copy is
    written by ``deferred`` once the bank accepts it.
    """
    checkpoint.status = status
    try:
        causes.retrying_database(checkpoint.commit)
    except Exception as err:
        commit_catalog = getattr(checkpoint, 'commit_catalog', None)
        if causes.is_bank_error(err) and commit_catalog is not None:
            # The catalog at least: it is what the API shows.
            final_write(('record', checkpoint.id), commit_catalog)
        elif not causes.is_database_error(err):
            raise
        deferred.defer(('commit', checkpoint.id), checkpoint.commit)


def has_steps(operation_type, context, plugins, graph_roots):
    """Whether any plugin has a hook to run for ``operation_type`` on the
    resources of ``graph_roots``.

    :raises ProtectionPluginNotFound: a resource type has no plugin.
    """
    runtime = flow_runtime.FlowRuntime(context, plugins, None, None)
    hooks = resource_flow.plan_hooks(operation_type, graph_roots, runtime)
    return any(hooks.values())


def build_flow(operation_type, initiate_task, complete_task, resource_graph,
               hooks, parameters, chunks=None):
    """The linear flow of one operation (called by the flow factories)."""
    flow = linear_flow.Flow('%s_flow' % operation_type)
    flow.add(initiate_task,
             resource_flow.build_resource_flow(operation_type, resource_graph,
                                               hooks, parameters, chunks),
             complete_task)
    return flow


def chunk_count():
    """How many chunk tasks share the unlinked resources of a new flow:
    one per thread of the pool, so that they all run in parallel."""
    return CHUNKS_PER_THREAD * CONF.flow_thread_pool_size


def run_operation(operation_type, flow_factory, initiate_task,
                  complete_task, runtime, resource_graph, parameters,
                  backend=None):
    """Plan the hooks, then build and run an operation flow to its end.

    If the flow cannot even be built (e.g. a resource type without plugin)
    the operation is failed right away, so nothing stays in progress.

    :returns: True if the operation succeeded.
    """
    runtime.operation_type = operation_type
    try:
        roots = graph.deserialize_resource_graph(resource_graph)
        hooks = resource_flow.plan_hooks(operation_type, roots, runtime)
        if not any(hooks.values()):
            return _complete_at_once(initiate_task, complete_task, runtime)
        runtime.start_progress(operation_type, [
            (node.value, len(hooks.get(node.value.key) or ()))
            for node in graph.iter_post_order(roots)
            if hooks.get(node.value.key)])
        factory_kwargs = {'resource_graph': resource_graph, 'hooks': hooks,
                          'parameters': parameters or {},
                          'chunks': chunk_count()}
        return persistence.run_flow(
            flow_factory, factory_kwargs, runtime,
            runtime.persisted_meta(operation_type), backend=backend)
    except Exception as err:
        # Failures while running were handled by the flow's revert; here
        # the flow was never started.
        if runtime.operation_log.status not in _LOG_ENDED:
            fail(initiate_task, runtime, str(err))
        return False


def _complete_at_once(initiate_task, complete_task, runtime):
    """An operation without plugin steps: straight to its end status.

    The caller recorded it in progress already, and there is nothing a
    flow engine would order or a restart could resume, so no engine runs
    and the in-progress status is not written a second time.
    """
    try:
        complete_task().execute(runtime)
    except Exception as err:
        fail(initiate_task, runtime, '%s: %s' % (complete_task.__name__,
                                                 err))
        return False
    return True


_LOG_ENDED = (constants.OPERATION_LOG_STATUS_SUCCESS,
              constants.OPERATION_LOG_STATUS_ERROR,
              constants.OPERATION_LOG_STATUS_CANCELLED)
