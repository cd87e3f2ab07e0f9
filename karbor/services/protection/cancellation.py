"""Cancel requests of running operations.

The API records a request durably (``operation_progress.cancel_requested_at``
and ``cancelled_by``) and casts ``cancel`` to every protection worker; the
worker running the operation's flow stops it at the next task boundary,
reverts what it made and ends the operation ``cancelled``. A flow also
reads the request itself (``FlowRuntime.cancelled``), so a request made
while its worker was down, or whose cast was lost, is honoured by the
worker that resumes the flow.
"""

from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection import progress

# The statuses in which an operation can be cancelled, per kind.
RUNNING = {
    progress.KIND_CHECKPOINT: (constants.CHECKPOINT_STATUS_PROTECTING,
                               constants.CHECKPOINT_STATUS_DELETING,
                               constants.CHECKPOINT_STATUS_WAIT_COPYING,
                               constants.CHECKPOINT_STATUS_COPYING),
    progress.KIND_RESTORE: (constants.RESTORE_STATUS_IN_PROGRESS,),
    progress.KIND_VERIFICATION: (constants.VERIFICATION_STATUS_IN_PROGRESS,),
}


def request(context, kind, op_id, project_id, status):
    """Record that the caller asks to cancel ``op_id`` (a ``kind``).

    :raises OperationEnded: (409) ``status`` is not a running status.
    :returns: the operation's progress row.
    """
    if status not in RUNNING[kind]:
        raise exception.OperationEnded(kind=kind, id=op_id, status=status)
    return db.operation_cancel_request(context, op_id, project_id, kind,
                                       context.user_id)


def cancel_running(context, op_id):
    """Stop the flow of ``op_id`` if it runs in this process."""
    if not flow_runtime.is_running(op_id):
        return False
    row = db.operation_progress_get(context, op_id)
    if row is None or row.cancel_requested_at is None:
        return False
    return flow_runtime.request_cancel(op_id, row.cancelled_by,
                                       row.cancel_requested_at)


def clear(context, op_id):
    """A new operation starts on ``op_id``: forget an earlier request."""
    db.operation_cancel_clear(context, op_id)


def view_fields(record_status, row):
    """``cancelled_by`` and ``cancelled_at`` of a record for its view
    (null unless it ended cancelled)."""
    if (record_status != constants.OPERATION_STATUS_CANCELLED or row is None
            or row.cancel_requested_at is None):
        return {'cancelled_by': None, 'cancelled_at': None}
    return {'cancelled_by': row.cancelled_by,
            'cancelled_at': progress.isoformat(row.cancel_requested_at)}
