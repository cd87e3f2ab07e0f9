"""Protectable plugin for OS::Nova::Server."""

from novaclient import exceptions as nova_exc

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor import resource
from karbor.services.protection import protectable_plugin

INVALID_SERVER_STATUS = ('DELETED', 'ERROR', 'UNKNOWN', 'SOFT_DELETED',
                         'RESCUED')


class ServerProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """Nova servers of the caller's project."""

    _SUPPORT_RESOURCE_TYPE = constants.SERVER_RESOURCE_TYPE

    def get_resource_type(self):
        return self._SUPPORT_RESOURCE_TYPE

    def get_parent_resource_types(self):
        return (constants.PROJECT_RESOURCE_TYPE,)

    def _to_resource(self, server):
        return resource.Resource(type=self._SUPPORT_RESOURCE_TYPE,
                                 id=server.id, name=server.name)

    def list_resources(self, context, parameters=None):
        try:
            servers = factory.create('nova', context).servers.list(
                detailed=True, limit=-1)
        except Exception as err:
            raise exception.ListProtectableResourceFailed(
                type=self._SUPPORT_RESOURCE_TYPE, reason=err)
        return [self._to_resource(s) for s in servers
                if s.status not in INVALID_SERVER_STATUS]

    def show_resource(self, context, resource_id, parameters=None):
        def not_found(reason):
            return exception.ProtectableResourceNotFound(
                resource_id=resource_id,
                resource_type=self._SUPPORT_RESOURCE_TYPE, reason=reason)

        try:
            server = factory.create('nova', context).servers.get(resource_id)
        except nova_exc.NotFound as err:
            raise not_found(err)
        except Exception as err:
            raise exception.ListProtectableResourceFailed(
                type=self._SUPPORT_RESOURCE_TYPE, reason=err)
        if server.status in INVALID_SERVER_STATUS:
            raise not_found(_('the server is in status %s') % server.status)
        return self._to_resource(server)

    def get_dependent_resources(self, context, parent_resource):
        if parent_resource.type != constants.PROJECT_RESOURCE_TYPE:
            return []
        return self.list_resources(context)
