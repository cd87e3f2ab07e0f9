"""The restore flow: restore in_progress -> success | fail.

Plugins report each restored resource on the restore record
(``resources_status`` / ``resources_reason``); a resource whose hook raised
is reported ``error`` with the error as reason.
"""

from karbor.common import constants
from karbor.services.protection.flows import base
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection import restore_plan

OPERATION = constants.OPERATION_RESTORE


def _set_record_status(record, status):
    record.status = status
    record.save()
    return status


class InitiateRestoreTask(base.InitiateTask):
    operation_type = OPERATION
    # The runtime attribute holding the record (shared with verify).
    record = 'restore'

    @classmethod
    def start(cls, runtime):
        return _set_record_status(getattr(runtime, cls.record),
                                  constants.RESTORE_STATUS_IN_PROGRESS)

    @classmethod
    def fail(cls, runtime):
        record = getattr(runtime, cls.record)
        record.status = constants.RESTORE_STATUS_FAILURE
        # Written later if the database stays away (see ``deferred``).
        base.final_write(('record', record.id), record.save)


class CompleteRestoreTask(base.CompleteTask):
    record = 'restore'

    @classmethod
    def finish(cls, runtime):
        _set_record_status(getattr(runtime, cls.record),
                           constants.RESTORE_STATUS_SUCCESS)


def get_flow(resource_graph, hooks, parameters, chunks=None):
    """Flow factory (JSON arguments only, see ``base.run_operation``)."""
    return base.build_flow(OPERATION, InitiateRestoreTask(),
                           CompleteRestoreTask(), resource_graph, hooks,
                           parameters, chunks)


def restore(context, plugins, checkpoint, restore_record, operation_log,
            parameters, backend=None):
    """Restore the resources saved in ``checkpoint`` (blocking).

    :param restore_record: the Restore object (``status``,
        ``update_resource_status(type, id, status, reason)``, ``save()``).
    :param parameters: restore parameters (``Type`` / ``Type#id`` keys).
        Each resource runs with its parameters in the restore plan (the
        preview's), see ``restore_plan``.
    :returns: True if the restore ended ``success``.
    """
    runtime = flow_runtime.FlowRuntime(context, plugins, checkpoint,
                                       operation_log, restore=restore_record)
    try:
        plan = restore_plan.build(context, plugins, checkpoint,
                                  parameters or {},
                                  getattr(restore_record, 'id', None),
                                  preview=False)
    except Exception as err:
        base.fail(InitiateRestoreTask(), runtime, str(err))
        return False
    return base.run_operation(
        OPERATION, get_flow, InitiateRestoreTask, CompleteRestoreTask,
        runtime, checkpoint.resource_graph,
        restore_plan.flow_parameters(plan, parameters or {}), backend)
