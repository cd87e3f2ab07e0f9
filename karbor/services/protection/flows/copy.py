"""The copy flow: copy checkpoint copying -> available | error.

The source checkpoint is the hooks' ``checkpoint``; the new one is given as
``checkpoint_copy``. A finished copy carries ``copy_status: finished`` in
its extra_info.
"""

from karbor.common import constants
from karbor.services.protection.flows import base
from karbor.services.protection.flows import runtime as flow_runtime

OPERATION = constants.OPERATION_COPY


class InitiateCopyTask(base.CheckpointInitiateTask):
    operation_type = OPERATION
    checkpoint_attr = 'checkpoint_copy'
    started = constants.CHECKPOINT_STATUS_COPYING
    failed = constants.CHECKPOINT_STATUS_ERROR


class CompleteCopyTask(base.CompleteTask):
    @staticmethod
    def finish(runtime):
        copy = runtime.checkpoint_copy
        copy.extra_info = dict(copy.extra_info or {},
                               copy_status=constants.
                               CHECKPOINT_STATUS_COPY_FINISHED)
        base.set_checkpoint_status(copy,
                                   constants.CHECKPOINT_STATUS_AVAILABLE)


def get_flow(resource_graph, hooks, parameters, chunks=None):
    """Flow factory (JSON arguments only, see ``base.run_operation``)."""
    return base.build_flow(OPERATION, InitiateCopyTask(), CompleteCopyTask(),
                           resource_graph, hooks, parameters, chunks)


def copy(context, plugins, checkpoint, checkpoint_copy, operation_log,
         parameters, backend=None):
    """Copy ``checkpoint`` into the new ``checkpoint_copy`` (blocking).

    The copy gets the source's resource graph first.

    :returns: True if the copy ended ``available``.
    """
    checkpoint_copy.resource_graph = checkpoint.resource_graph
    checkpoint_copy.commit()
    runtime = flow_runtime.FlowRuntime(context, plugins, checkpoint,
                                       operation_log,
                                       checkpoint_copy=checkpoint_copy)
    return base.run_operation(OPERATION, get_flow, InitiateCopyTask,
                              CompleteCopyTask, runtime,
                              checkpoint.resource_graph, parameters, backend)
