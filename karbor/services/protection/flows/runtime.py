"""The live objects a running flow works on.

A flow's persisted state only holds JSON (task states, results and the
factory arguments). Everything else (the request context, the plugins, the
checkpoint, the restore or verification record, the operation log) lives in
a ``FlowRuntime`` that is injected into the engine without being persisted;
a restarted worker builds a new one from ``persisted_meta()``.
"""

import contextlib
import threading

from oslo_utils import timeutils

from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor.i18n import _
from karbor.objects import base as objects_base

# Context fields not written to the flow store. The token itself is kept:
# a worker that resumes the flow after a restart presents it again (with
# the service token beside it, an expired one still works) and reads its
# catalog back from Keystone; the token body is large and derivable.
_SECRET_CONTEXT_KEYS = ('auth_token_info',)

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
        self._operations = {}
        self._lock = threading.Lock()

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
        if self.abort_reason:
            raise exception.FlowError(error=self.abort_reason)

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

    def log_end(self, error_info=None):
        """Close the operation log: ``success``, or ``error`` + reason."""
        log = self.operation_log
        log.status = (constants.OPERATION_LOG_STATUS_ERROR if error_info
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
