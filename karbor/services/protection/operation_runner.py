"""Runs protection operations in the background of the protection worker.

The RPC call that starts an operation validates it, records it
(checkpoint, restore, operation log) and returns; the flow then runs on a
bounded thread pool here. Every run ends its records in a final status,
whatever happens, so nothing stays "in progress".
"""

import futurist
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from karbor.common import constants
from karbor import objects
from karbor import resource as karbor_resource
from karbor.services.protection.flows import copy as copy_flow
from karbor.services.protection.flows import delete as delete_flow
from karbor.services.protection.flows import protect as protect_flow
from karbor.services.protection.flows import restore as restore_flow
from karbor.services.protection.flows import verify as verify_flow

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


def new_operation_log(context, operation_type, status, **fields):
    """Create the operation log of an operation that starts now."""
    log = objects.OperationLog(
        context=context, project_id=context.project_id,
        operation_type=operation_type, status=status,
        started_at=timeutils.utcnow(), **fields)
    log.create()
    return log


def fail_operation_log(log, reason):
    log.status = constants.OPERATION_LOG_STATUS_ERROR
    log.error_info = reason
    log.ended_at = timeutils.utcnow()
    log.save()


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

    def shutdown(self, wait=True):
        self._pool.shutdown(wait=wait)

    def submit(self, function, *args):
        future = self._pool.submit(self._guarded, function, *args)
        return future

    @staticmethod
    def _guarded(function, *args):
        try:
            return function(*args)
        except Exception:
            LOG.exception('Operation %s failed unexpectedly.',
                          function.__name__)
            return False

    def protect(self, context, provider, checkpoint, log, plan):
        """Build the plan's resource graph, then protect it.

        Called in the RPC call that created the checkpoint (as the original
        Karbor, which builds the graph before it answers): a protection
        without plugin steps is finished here at once; a flow with steps
        goes to the pool.
        """
        try:
            roots = self._registry.build_graph(context, plan_resources(plan))
        except Exception as err:
            LOG.warning('Checkpoint %(id)s: resource graph failed: %(err)s',
                        {'id': checkpoint.id, 'err': err})
            checkpoint.status = constants.CHECKPOINT_STATUS_ERROR
            checkpoint.commit()
            fail_operation_log(log, str(err))
            return False
        return protect_flow.protect(context, provider.load_plugins(),
                                    checkpoint, log, roots,
                                    plan.get('parameters') or {},
                                    submit=self.submit)

    @staticmethod
    def restore(context, provider, checkpoint, restore, log):
        return restore_flow.restore(context, provider.load_plugins(),
                                    checkpoint, restore, log,
                                    restore.parameters or {})

    @staticmethod
    def verify(context, provider, checkpoint, verification, log):
        return verify_flow.verify(context, provider.load_plugins(),
                                  checkpoint, verification, log,
                                  verification.parameters or {})

    @staticmethod
    def delete(context, provider, checkpoint, log):
        return delete_flow.delete(context, provider.load_plugins(),
                                  checkpoint, log)

    @staticmethod
    def copy(context, provider, copies, parameters):
        """Copy each ``(source, copy, log)`` in turn."""
        plugins = provider.load_plugins()
        for source, checkpoint_copy, log in copies:
            copy_flow.copy(context, plugins, source, checkpoint_copy, log,
                           parameters)
