"""A test protection plugin that records the hooks it runs.

Every hook of every operation appends ``(operation, hook, resource.key)`` to
a process-wide, thread-safe journal. Per-resource parameters steer it:

* ``fail_on``: the hook that raises for this resource;
* ``sleep``: seconds ``on_main`` sleeps (to observe parallelism);
* ``delete_sleep``: seconds the delete's ``on_main`` of the checkpoint
  protected with it sleeps (kept in the resource's bank object);
* ``crash_on`` + ``crash_marker``: the hook (or ``on_revert``) that kills
  the process the first time it runs (the marker file records the crash).

Failures can also be set without parameters (e.g. for delete flows) with
``HookRecorderProtectionPlugin.fail_points``, and cancel requests (as the
API records them) with ``cancel_points``. Protect writes an object into
the resource's bank section; delete and revert remove it.
"""

import os
import threading
import time

from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor.services.protection import cancellation
from karbor.services.protection import protection_plugin

BANK_OBJECT = 'hook_recorder'

_FAILURES = {
    constants.OPERATION_PROTECT: exception.ProtectResourceFailed,
    constants.OPERATION_RESTORE: exception.RestoreResourceFailed,
    constants.OPERATION_VERIFY: exception.VerifyResourceFailed,
    constants.OPERATION_COPY: exception.CopyResourceFailed,
    constants.OPERATION_DELETE: exception.DeleteResourceFailed,
}

_SCHEMA = {
    "type": "object",
    "properties": {
        "fail_on": {"type": "string", "enum": list(
            protection_plugin.HOOKS)},
        "sleep": {"type": "number", "minimum": 0},
        "delete_sleep": {"type": "number", "minimum": 0},
        "crash_on": {"type": "string",
                     "enum": list(protection_plugin.HOOKS) + ['on_revert']},
        "crash_marker": {"type": "string"},
    },
    "additionalProperties": False,
}


class Journal(object):
    """A thread-safe list of recorded events."""

    def __init__(self):
        self._lock = threading.Lock()
        self._events = []

    def record(self, event):
        with self._lock:
            self._events.append(event)

    def events(self):
        """Every event: ``(operation, hook, key, 'begin'|'end', time)``."""
        with self._lock:
            return list(self._events)

    def calls(self):
        """``(operation, hook, resource key)`` of every hook, in order."""
        return [event[:3] for event in self.events() if event[3] == 'begin']

    def clear(self):
        with self._lock:
            del self._events[:]


def _forget_bank_object(checkpoint, resource):
    section = checkpoint.get_resource_bank_section(resource.id)
    try:
        section.delete_object(BANK_OBJECT)
    except (exception.NotFound, KeyError):
        pass


class RecorderOperation(protection_plugin.Operation):
    """Implements every hook; what ``on_main`` does depends on the kind."""

    def __init__(self, plugin, kind):
        self._plugin = plugin
        self.kind = kind

    def _run(self, hook, resource, parameters):
        event = (self.kind, hook, resource.key)
        self._plugin.journal.record(event + ('begin', time.monotonic()))
        if parameters.get('crash_on') == hook:
            marker = parameters['crash_marker']
            if not os.path.exists(marker):
                with open(marker, 'w') as marker_file:
                    marker_file.write(resource.key)
                os._exit(17)
        if event in self._plugin.cancel_points:
            # As the API records a cancel request and the worker's RPC
            # endpoint hands it to the running flow.
            context, op_id = self._plugin.cancel_points[event]
            db.operation_cancel_request(context, op_id, context.project_id,
                                        'checkpoint', 'canceller')
            cancellation.cancel_running(context, op_id)
        if (parameters.get('fail_on') == hook or
                event in self._plugin.fail_points):
            raise _FAILURES[self.kind](
                resource_id=resource.id, resource_type=resource.type,
                reason='%s failed on request' % hook)

    def on_prepare_begin(self, checkpoint, resource, context, parameters,
                         **kwargs):
        self._run('on_prepare_begin', resource, parameters)

    def on_prepare_finish(self, checkpoint, resource, context, parameters,
                          **kwargs):
        self._run('on_prepare_finish', resource, parameters)

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        self._run('on_main', resource, parameters)
        time.sleep(parameters.get('sleep', 0))
        getattr(self, '_main_' + self.kind)(checkpoint, resource,
                                            parameters=parameters, **kwargs)
        self._plugin.journal.record(
            (self.kind, 'on_main', resource.key, 'end', time.monotonic()))

    def on_complete(self, checkpoint, resource, context, parameters,
                    **kwargs):
        self._run('on_complete', resource, parameters)

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        self._run('on_revert', resource, parameters)
        if self.kind == constants.OPERATION_PROTECT:
            _forget_bank_object(checkpoint, resource)
        elif self.kind == constants.OPERATION_COPY:
            _forget_bank_object(kwargs['checkpoint_copy'], resource)

    def _main_protect(self, checkpoint, resource, parameters, **kwargs):
        section = checkpoint.get_resource_bank_section(resource.id)
        section.update_object(BANK_OBJECT, {
            'resource': resource.key,
            'delete_sleep': parameters.get('delete_sleep', 0)})

    def _main_delete(self, checkpoint, resource, **kwargs):
        section = checkpoint.get_resource_bank_section(resource.id)
        try:
            saved = section.get_object(BANK_OBJECT)
        except (exception.NotFound, KeyError):
            saved = {}
        time.sleep(saved.get('delete_sleep') or 0)
        _forget_bank_object(checkpoint, resource)

    def _main_copy(self, checkpoint, resource, checkpoint_copy, **kwargs):
        section = checkpoint_copy.get_resource_bank_section(resource.id)
        section.update_object(BANK_OBJECT, {'resource': resource.key,
                                            'copied_from': checkpoint.id})

    def _main_restore(self, checkpoint, resource, restore, new_resources,
                      **kwargs):
        new_id = 'restored-%s' % resource.id
        new_resources[resource.id] = new_id
        restore.update_resource_status(
            resource.type, new_id, constants.RESOURCE_STATUS_AVAILABLE)

    def _main_verify(self, checkpoint, resource, verify, **kwargs):
        verify.update_resource_status(
            resource.type, resource.id, constants.RESOURCE_STATUS_AVAILABLE)


class HookRecorderProtectionPlugin(protection_plugin.ProtectionPlugin):
    """Supports every resource type and records every hook it runs."""

    journal = Journal()
    # Set of (operation, hook, resource key) that must fail.
    fail_points = set()
    # (operation, hook, resource key) -> (context, operation id) whose
    # cancel the hook requests (user "canceller").
    cancel_points = {}

    @classmethod
    def reset(cls):
        cls.journal.clear()
        cls.fail_points.clear()
        cls.cancel_points.clear()

    def get_protect_operation(self, resource):
        return RecorderOperation(self, constants.OPERATION_PROTECT)

    def get_restore_operation(self, resource):
        return RecorderOperation(self, constants.OPERATION_RESTORE)

    def get_verify_operation(self, resource):
        return RecorderOperation(self, constants.OPERATION_VERIFY)

    def get_copy_operation(self, resource):
        return RecorderOperation(self, constants.OPERATION_COPY)

    def get_delete_operation(self, resource):
        return RecorderOperation(self, constants.OPERATION_DELETE)

    @classmethod
    def get_supported_resources_types(cls):
        return constants.RESOURCE_TYPES

    @classmethod
    def get_options_schema(cls, resource_type):
        return _SCHEMA

    @classmethod
    def get_restore_schema(cls, resource_type):
        return _SCHEMA

    @classmethod
    def get_verify_schema(cls, resource_type):
        return _SCHEMA
