"""Protectable plugin for OS::Keystone::Project."""

from karbor.common import constants
from karbor import exception
from karbor import resource
from karbor.services.protection import protectable_plugin


class ProjectProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """The caller's own project: the root of every resource graph."""

    _SUPPORT_RESOURCE_TYPE = constants.PROJECT_RESOURCE_TYPE

    def get_resource_type(self):
        return self._SUPPORT_RESOURCE_TYPE

    def get_parent_resource_types(self):
        return ()

    def _project(self, context):
        return resource.Resource(
            type=self._SUPPORT_RESOURCE_TYPE, id=context.project_id,
            name=context.project_name or context.project_id)

    def list_resources(self, context, parameters=None):
        return [self._project(context)]

    def show_resource(self, context, resource_id, parameters=None):
        if resource_id != context.project_id:
            raise exception.ProtectableResourceNotFound(
                resource_id=resource_id,
                resource_type=self._SUPPORT_RESOURCE_TYPE,
                reason='only the caller\'s own project can be protected')
        return self._project(context)

    def get_dependent_resources(self, context, parent_resource):
        return []
