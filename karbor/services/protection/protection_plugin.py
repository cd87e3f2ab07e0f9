"""The protection plugin interface.

A protection plugin knows how to protect, restore, verify, copy and delete
resources of some types. For each resource it hands out an ``Operation``
whose hooks the flows call in dependency order (see ``flows.resource_flow``):

* ``on_prepare_begin``: parents before their children;
* ``on_prepare_finish``: children before their parents;
* ``on_main``: after the resource's own prepare steps; the mains of
  independent resources run in parallel;
* ``on_complete``: after the resource's children completed.

Every hook is called as ``hook(checkpoint, resource, context, parameters,
**kwargs)``. ``kwargs`` always holds ``operation_log``; restores add
``restore`` and ``new_resources`` (original id -> new id, shared by the
whole restore), verifications add ``verify`` and ``new_resources``, copies
add ``checkpoint_copy``.

A copy operation runs with the source provider's plugins: ``checkpoint`` is
the source and ``checkpoint_copy`` the new checkpoint in the destination
provider's bank. It writes into ``checkpoint_copy.get_resource_bank_section(
resource.id)`` everything the destination's plugin of the same type needs to
restore the resource without the source checkpoint nor the backend objects
it made (a Cinder backup, a snapshot): data streamed into the bank, not ids.
Its ``on_revert`` removes what it wrote there.
"""

from oslo_config import cfg

from karbor.common import constants
from karbor.services.protection import restore_plan

HOOKS = ('on_prepare_begin', 'on_prepare_finish', 'on_main', 'on_complete')


class Operation(object):
    """One operation on one resource; override only the hooks you need.

    Only overridden hooks become tasks of a flow. ``on_revert`` is not a
    hook: it is called once, when the flow fails, for every resource whose
    first hook ran, so that the operation can undo what it made.
    """

    def on_prepare_begin(self, checkpoint, resource, context, parameters,
                         **kwargs):
        pass

    def on_prepare_finish(self, checkpoint, resource, context, parameters,
                          **kwargs):
        pass

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        pass

    def on_complete(self, checkpoint, resource, context, parameters,
                    **kwargs):
        pass

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        pass


def implemented_hooks(operation):
    """The hooks, in call order, that ``operation``'s class overrides."""
    cls = type(operation)
    return tuple(hook for hook in HOOKS
                 if getattr(cls, hook, None) is not getattr(Operation, hook))


def _empty_schema():
    return {"type": "object", "properties": {},
            "additionalProperties": False}


class ProtectionPlugin(object):
    """Base class of protection plugins.

    :param config: the provider's ``ConfigOpts``; plugins register their own
        option groups on it.
    """

    def __init__(self, config=None):
        self._config = config

    def get_protect_operation(self, resource):
        raise NotImplementedError

    def get_restore_operation(self, resource):
        raise NotImplementedError

    def get_verify_operation(self, resource):
        raise NotImplementedError

    def get_copy_operation(self, resource):
        """The operation copying ``resource``'s data into the bank of
        the copy (see :meth:`can_copy` and the module doc)."""
        raise NotImplementedError

    def get_delete_operation(self, resource):
        raise NotImplementedError

    @classmethod
    def can_copy(cls, resource_type):
        """Whether copies of ``resource_type`` hold its data themselves.

        A copy must stay restorable after the source checkpoint and what
        it saved outside the bank are deleted. The copy API refuses (400,
        before making anything) a checkpoint holding a type whose plugin
        cannot copy. By default a plugin can copy when it overrides
        :meth:`get_copy_operation`.
        """
        return cls.get_copy_operation is not \
            ProtectionPlugin.get_copy_operation

    @classmethod
    def get_supported_resources_types(cls):
        """The resource types this plugin serves."""
        raise NotImplementedError

    @classmethod
    def get_options_schema(cls, resource_type):
        """JSON schema of the protect parameters of ``resource_type``."""
        return _empty_schema()

    @classmethod
    def get_saved_info_schema(cls, resource_type):
        """JSON schema of what ``get_saved_info`` returns."""
        return _empty_schema()

    @classmethod
    def get_restore_schema(cls, resource_type):
        """JSON schema of the restore parameters of ``resource_type``."""
        return _empty_schema()

    @classmethod
    def get_verify_schema(cls, resource_type):
        """JSON schema of the verify parameters of ``resource_type``."""
        return _empty_schema()

    @classmethod
    def get_saved_info(cls, metadata_store, resource):
        """What the plugin saved about ``resource`` (None if nothing)."""
        return None

    def plan_restore(self, planning, resource, parameters, section):
        """The step of ``resource`` in a restore plan (a
        ``restore_plan.Step``); see :mod:`restore_plan`.

        :param planning: the ``restore_plan.Planning`` (context,
            checkpoint, restore id, whether to look for conflicts).
        :param parameters: the resource's restore parameters after the
            schema's defaults; the step's parameters are what the restore
            runs with, so a name the restore would compute belongs there.
        :param section: the resource's bank section in the checkpoint.

        By default the resource keeps its name and lands in the project.
        """
        return restore_plan.Step(resource.name, planning.project, parameters)


class TableProtectionPlugin(ProtectionPlugin):
    """A plugin whose operations are the classes of a table.

    Subclasses set ``group`` and ``opts`` (their option group, registered
    on the provider's configuration) and ``operations`` (operation type ->
    Operation class, called with the option group); those of one type may
    set ``resource_type`` and their schemas (``options_schema``,
    ``restore_schema``, ``saved_info_schema``) instead of the getters. A
    type missing from the table is not supported (and copies are
    refused).
    """

    group = opts = None
    operations = {}
    # The type the plugin serves, and its JSON schemas (None: empty).
    resource_type = None
    options_schema = restore_schema = saved_info_schema = None

    def __init__(self, config=None):
        super().__init__(config)
        config = config if config is not None else cfg.CONF
        config.register_opts(self.opts, group=self.group)
        self._options = config[self.group]

    def _operation(self, kind):
        if kind not in self.operations:
            raise NotImplementedError
        return self.operations[kind](self._options)

    def get_protect_operation(self, resource):
        return self._operation(constants.OPERATION_PROTECT)

    def get_restore_operation(self, resource):
        return self._operation(constants.OPERATION_RESTORE)

    def get_verify_operation(self, resource):
        return self._operation(constants.OPERATION_VERIFY)

    def get_copy_operation(self, resource):
        return self._operation(constants.OPERATION_COPY)

    def get_delete_operation(self, resource):
        return self._operation(constants.OPERATION_DELETE)

    @classmethod
    def can_copy(cls, resource_type):
        return constants.OPERATION_COPY in cls.operations

    @classmethod
    def get_supported_resources_types(cls):
        if cls.resource_type is None:
            raise NotImplementedError
        return (cls.resource_type,)

    @classmethod
    def get_options_schema(cls, resource_type):
        return cls.options_schema or super().get_options_schema(
            resource_type)

    @classmethod
    def get_restore_schema(cls, resource_type):
        return cls.restore_schema or super().get_restore_schema(
            resource_type)

    @classmethod
    def get_saved_info_schema(cls, resource_type):
        return cls.saved_info_schema or super().get_saved_info_schema(
            resource_type)
