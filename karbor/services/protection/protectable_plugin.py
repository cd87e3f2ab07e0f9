"""The interface of protectable plugins.

A protectable plugin knows one resource type: how to list and show its
instances in the cloud, and which of them depend on a resource of one of
its parent types (a server's volumes, a project's servers, ...).
"""

import abc


class ProtectablePlugin(metaclass=abc.ABCMeta):
    """Lists, shows and finds dependents of one resource type."""

    def __init__(self, context=None, conf=None):
        self._context = context
        self._conf = conf

    def instance(self, context=None, conf=None):
        """A new plugin of the same class, bound to ``context``."""
        return self.__class__(context, conf or self._conf)

    @abc.abstractmethod
    def get_resource_type(self):
        """The resource type string, e.g. ``OS::Cinder::Volume``."""

    @abc.abstractmethod
    def get_parent_resource_types(self):
        """The types whose instances may have this type as dependents."""

    @abc.abstractmethod
    def list_resources(self, context, parameters=None):
        """All instances visible to ``context``, as Resource records."""

    @abc.abstractmethod
    def show_resource(self, context, resource_id, parameters=None):
        """One instance; raises ProtectableResourceNotFound."""

    @abc.abstractmethod
    def get_dependent_resources(self, context, parent_resource):
        """Instances of this type that ``parent_resource`` depends on."""
