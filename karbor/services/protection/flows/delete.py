"""The delete flow: checkpoint deleting -> deleted | error-deleting."""

from karbor.common import constants
from karbor.services.protection.flows import base
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection import graph

OPERATION = constants.OPERATION_DELETE
EMPTY_GRAPH = '[{}, []]'


class InitiateDeleteTask(base.CheckpointInitiateTask):
    operation_type = OPERATION
    started = constants.CHECKPOINT_STATUS_DELETING
    failed = constants.CHECKPOINT_STATUS_ERROR_DELETING


class CompleteDeleteTask(base.CompleteTask):
    @staticmethod
    def finish(runtime):
        # Marks the checkpoint deleted and gives its quota back.
        runtime.checkpoint.delete()


def get_flow(resource_graph, hooks, parameters, chunks=None):
    """Flow factory (JSON arguments only, see ``base.run_operation``)."""
    return base.build_flow(OPERATION, InitiateDeleteTask(),
                           CompleteDeleteTask(), resource_graph, hooks,
                           parameters, chunks)


def has_steps(context, plugins, checkpoint):
    """Whether any plugin has a hook to run to delete ``checkpoint``.

    :raises ProtectionPluginNotFound: a resource type has no plugin.
    """
    roots = graph.deserialize_resource_graph(
        checkpoint.resource_graph or EMPTY_GRAPH)
    return base.has_steps(OPERATION, context, plugins, roots)


def delete(context, plugins, checkpoint, operation_log, backend=None):
    """Delete what each plugin saved in ``checkpoint``, then the checkpoint.

    :returns: True if the checkpoint ended ``deleted``.
    """
    runtime = flow_runtime.FlowRuntime(context, plugins, checkpoint,
                                       operation_log)
    resource_graph = checkpoint.resource_graph or EMPTY_GRAPH
    return base.run_operation(OPERATION, get_flow, InitiateDeleteTask,
                              CompleteDeleteTask,
                              runtime, resource_graph, {}, backend)
