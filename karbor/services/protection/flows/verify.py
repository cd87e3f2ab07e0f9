"""The verify flow: verification in_progress -> success | fail."""

from karbor.common import constants
from karbor.services.protection.flows import base
from karbor.services.protection.flows import restore
from karbor.services.protection.flows import runtime as flow_runtime

OPERATION = constants.OPERATION_VERIFY


class InitiateVerifyTask(restore.InitiateRestoreTask):
    operation_type = OPERATION
    record = 'verify'


class CompleteVerifyTask(restore.CompleteRestoreTask):
    record = 'verify'


def get_flow(resource_graph, hooks, parameters, chunks=None):
    """Flow factory (JSON arguments only, see ``base.run_operation``)."""
    return base.build_flow(OPERATION, InitiateVerifyTask(),
                           CompleteVerifyTask(), resource_graph, hooks,
                           parameters, chunks)


def verify(context, plugins, checkpoint, verification, operation_log,
           parameters, backend=None):
    """Check that what ``checkpoint`` holds can be restored (blocking).

    :param verification: the Verification object (same interface as a
        Restore object).
    :returns: True if the verification ended ``success``.
    """
    runtime = flow_runtime.FlowRuntime(context, plugins, checkpoint,
                                       operation_log, verify=verification)
    return base.run_operation(OPERATION, get_flow, InitiateVerifyTask,
                              CompleteVerifyTask,
                              runtime, checkpoint.resource_graph, parameters,
                              backend)
