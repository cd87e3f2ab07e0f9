"""A protection plugin that does nothing, for every resource type.

Its operations override no hook, so its flows contain no resource task at
all. Used by functional and fullstack tests.
"""

from karbor.common import constants
from karbor.services.protection import protection_plugin


class NoopOperation(protection_plugin.Operation):
    """An operation without hooks."""


class NoopProtectionPlugin(protection_plugin.ProtectionPlugin):
    """Supports every resource type; protects nothing."""

    def get_protect_operation(self, resource):
        return NoopOperation()

    def get_restore_operation(self, resource):
        return NoopOperation()

    def get_verify_operation(self, resource):
        return NoopOperation()

    def get_copy_operation(self, resource):
        return NoopOperation()

    def get_delete_operation(self, resource):
        return NoopOperation()

    @classmethod
    def get_supported_resources_types(cls):
        return constants.RESOURCE_TYPES
