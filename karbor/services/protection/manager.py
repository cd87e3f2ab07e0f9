"""The protection manager: providers, protectables, and protection flows.

It is the endpoint of the ``karbor-protection`` RPC topic. Each method
answers one call of ``karbor.services.protection.rpcapi.ProtectionAPI``.
"""

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from karbor import exception
from karbor import manager
from karbor import resource
from karbor.services.protection import protectable_registry
from karbor.services.protection import provider

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class ProtectionManager(manager.Manager):
    """Owns the providers and protectable registries of this worker."""

    RPC_API_VERSION = '1.0'
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host=None, service_name='protection', *args,
                 **kwargs):
        super().__init__(host=host, service_name=service_name)
        self.provider_registry = provider.ProviderRegistry()
        self.protectable_registry = protectable_registry.ProtectableRegistry()

    # Providers

    @messaging.expected_exceptions(exception.ProviderNotFound)
    def show_provider(self, context, provider_id):
        return self.provider_registry.show_provider(provider_id).to_dict()

    @messaging.expected_exceptions(exception.ProviderNotFound)
    def list_providers(self, context, marker=None, limit=None,
                       sort_keys=None, sort_dirs=None, filters=None):
        return self.provider_registry.list_providers(
            marker=marker, limit=limit, filters=filters)

    # Protectables

    def list_protectable_types(self, context):
        return self.protectable_registry.list_resource_types()

    @messaging.expected_exceptions(exception.InvalidProtectableType)
    def show_protectable_type(self, context, protectable_type):
        return self.protectable_registry.show_resource_type(protectable_type)

    @messaging.expected_exceptions(exception.InvalidProtectableType,
                                   exception.ListProtectableResourceFailed)
    def list_protectable_instances(self, context, protectable_type,
                                   marker=None, limit=None, sort_keys=None,
                                   sort_dirs=None, filters=None,
                                   parameters=None):
        resources = self.protectable_registry.list_resources(
            context, protectable_type, parameters)
        views = [{'id': r.id, 'type': r.type, 'name': r.name,
                  'extra_info': r.extra_info} for r in resources]
        views.sort(key=lambda v: v['id'])
        if marker is not None:
            ids = [v['id'] for v in views]
            views = views[ids.index(marker) + 1:] if marker in ids else []
        return views[:limit] if limit else views

    @messaging.expected_exceptions(exception.InvalidProtectableType,
                                   exception.ListProtectableResourceFailed)
    def list_protectable_dependents(self, context, protectable_id,
                                    protectable_type, protectable_name):
        parent = resource.Resource(type=protectable_type, id=protectable_id,
                                   name=protectable_name)
        dependents = self.protectable_registry.fetch_dependent_resources(
            context, parent)
        return [{'type': r.type, 'id': r.id, 'name': r.name,
                 'extra_info': r.extra_info} for r in dependents]

    @messaging.expected_exceptions(exception.InvalidProtectableType,
                                   exception.ProtectableResourceNotFound)
    def show_protectable_instance(self, context, protectable_type,
                                  protectable_id, parameters=None):
        found = self.protectable_registry.show_resource(
            context, protectable_type, protectable_id, parameters=parameters)
        return {'id': found.id, 'type': found.type, 'name': found.name,
                'extra_info': found.extra_info}
