"""Protectable plugin for OS::Neutron::Network.

As in the original Karbor, a project's networks are one protectable
resource, its "Network Topology": id = the project id, present when the
project owns a network. It is a dependent of the project and of every
server of the project with a port on one of the project's networks.
"""

from oslo_log import log as logging

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor import resource
from karbor.services.protection import protectable_plugin

LOG = logging.getLogger(__name__)

TOPOLOGY_NAME = 'Network Topology'


class NetworkProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """The caller's project's network topology."""

    _SUPPORT_RESOURCE_TYPE = constants.NETWORK_RESOURCE_TYPE

    def get_resource_type(self):
        return self._SUPPORT_RESOURCE_TYPE

    def get_parent_resource_types(self):
        return (constants.PROJECT_RESOURCE_TYPE,
                constants.SERVER_RESOURCE_TYPE)

    def _neutron(self, context):
        return factory.create('neutron', context)

    def _network_ids(self, context, project_id):
        try:
            networks = self._neutron(context).list_networks(
                project_id=project_id)['networks']
        except Exception as err:
            raise exception.ListProtectableResourceFailed(
                type=self._SUPPORT_RESOURCE_TYPE, reason=err)
        return {n['id'] for n in networks if n.get('project_id',
                                                   n.get('tenant_id')) ==
                project_id}

    def _topology(self, project_id):
        return resource.Resource(type=self._SUPPORT_RESOURCE_TYPE,
                                 id=project_id, name=TOPOLOGY_NAME)

    def list_resources(self, context, parameters=None):
        if not self._network_ids(context, context.project_id):
            return []
        return [self._topology(context.project_id)]

    def show_resource(self, context, resource_id, parameters=None):
        reason = None
        if resource_id != context.project_id:
            reason = _('the network topology of a project has the '
                       'project\'s id')
        elif not self._network_ids(context, resource_id):
            reason = _('the project has no network')
        if reason:
            raise exception.ProtectableResourceNotFound(
                resource_id=resource_id,
                resource_type=self._SUPPORT_RESOURCE_TYPE, reason=reason)
        return self._topology(resource_id)

    def get_dependent_resources(self, context, parent_resource):
        if parent_resource.type == constants.PROJECT_RESOURCE_TYPE:
            if parent_resource.id != context.project_id:
                return []
            return self.list_resources(context)
        if parent_resource.type == constants.SERVER_RESOURCE_TYPE:
            return self._server_topology(context, parent_resource)
        return []

    def _server_topology(self, context, server_resource):
        networks = self._network_ids(context, context.project_id)
        try:
            ports = self._neutron(context).list_ports(
                device_id=server_resource.id)['ports']
        except Exception as err:
            raise exception.ListProtectableResourceFailed(
                type=self._SUPPORT_RESOURCE_TYPE, reason=err)
        if any(p['network_id'] in networks for p in ports):
            return [self._topology(context.project_id)]
        return []
