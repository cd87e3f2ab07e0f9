"""The protect flow: checkpoint protecting -> available | error."""

from karbor.common import constants
from karbor.services.protection.flows import base
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection import graph

OPERATION = constants.OPERATION_PROTECT


class InitiateProtectTask(base.CheckpointInitiateTask):
    operation_type = OPERATION
    started = constants.CHECKPOINT_STATUS_PROTECTING
    failed = constants.CHECKPOINT_STATUS_ERROR


class CompleteProtectTask(base.CompleteTask):
    @staticmethod
    def finish(runtime):
        base.set_checkpoint_status(runtime.checkpoint,
                                   constants.CHECKPOINT_STATUS_AVAILABLE)


def get_flow(resource_graph, hooks, parameters, chunks=None):
    """Flow factory (JSON arguments only, see ``base.run_operation``)."""
    return base.build_flow(OPERATION, InitiateProtectTask(),
                           CompleteProtectTask(), resource_graph, hooks,
                           parameters, chunks)


def has_steps(context, plugins, graph_roots):
    """Whether any plugin has a hook to run to protect ``graph_roots``.

    :raises ProtectionPluginNotFound: a resource type has no plugin.
    """
    return base.has_steps(OPERATION, context, plugins, graph_roots)


def protect(context, plugins, checkpoint, operation_log, graph_roots,
            parameters, backend=None):
    """Protect the resources of ``graph_roots`` into ``checkpoint``.

    Stores the serialized graph in the checkpoint (saved with its first
    status change), then runs the flow to its end (blocking).

    :param plugins: dict resource type -> protection plugin instance.
    :param graph_roots: root ``GraphNode``s (``ProtectableRegistry.
        build_graph``).
    :param parameters: the plan's parameters (``Type`` / ``Type#id`` keys).
    :returns: True if the checkpoint ended ``available``.
    """
    resource_graph = graph.serialize_resource_graph(graph_roots)
    # Saved with the first status change of the flow.
    checkpoint.resource_graph = resource_graph
    runtime = flow_runtime.FlowRuntime(context, plugins, checkpoint,
                                       operation_log)
    return base.run_operation(OPERATION, get_flow, InitiateProtectTask,
                              CompleteProtectTask,
                              runtime, resource_graph, parameters, backend)
