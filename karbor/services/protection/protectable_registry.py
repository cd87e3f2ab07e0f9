"""The registry of protectable plugins and the graph of resource types."""

from oslo_log import log as logging
from stevedore import extension

from karbor import exception

LOG = logging.getLogger(__name__)

PROTECTABLES_NAMESPACE = 'karbor.protectables'


class ProtectableRegistry(object):
    """Loads every protectable plugin and answers questions across them."""

    def __init__(self, plugins=None):
        """Use ``plugins`` (tests) or load them with stevedore."""
        if plugins is None:
            plugins = self._load_plugins()
        self._plugins = {p.get_resource_type(): p for p in plugins}

    @staticmethod
    def _load_plugins():
        def on_failure(manager, entrypoint, error):
            LOG.warning('Protectable plugin %(name)s could not be loaded: '
                        '%(error)s', {'name': entrypoint.name,
                                      'error': error})

        manager = extension.ExtensionManager(
            namespace=PROTECTABLES_NAMESPACE, invoke_on_load=True,
            on_load_failure_callback=on_failure)
        return [ext.obj for ext in manager]

    def list_resource_types(self):
        return sorted(self._plugins)

    def get_protectable_resource_plugin(self, resource_type):
        try:
            return self._plugins[resource_type]
        except KeyError:
            raise exception.InvalidProtectableType(
                type=resource_type,
                types=', '.join(self.list_resource_types()))

    def show_resource_type(self, resource_type):
        """``{name, dependent_types}`` of one type."""
        self.get_protectable_resource_plugin(resource_type)
        dependents = sorted(
            t for t, plugin in self._plugins.items()
            if resource_type in plugin.get_parent_resource_types())
        return {'name': resource_type, 'dependent_types': dependents}

    def list_resources(self, context, resource_type, parameters=None):
        plugin = self.get_protectable_resource_plugin(resource_type)
        return plugin.list_resources(context, parameters=parameters)

    def show_resource(self, context, resource_type, resource_id,
                      parameters=None):
        plugin = self.get_protectable_resource_plugin(resource_type)
        return plugin.show_resource(context, resource_id,
                                    parameters=parameters)

    def fetch_dependent_resources(self, context, parent):
        """Every resource, of any type, that ``parent`` depends on."""
        dependents = []
        for resource_type, plugin in sorted(self._plugins.items()):
            if parent.type not in plugin.get_parent_resource_types():
                continue
            try:
                dependents.extend(
                    plugin.get_dependent_resources(context, parent))
            except exception.ListProtectableResourceFailed as err:
                LOG.warning('Dependents of type %(type)s of %(parent)s '
                            'could not be listed: %(err)s',
                            {'type': resource_type, 'parent': parent.key,
                             'err': err})
        return dependents

    def build_graph(self, context, resources):
        """The dependency graph (list of root GraphNodes) of ``resources``."""
        from karbor.services.protection import graph
        return graph.build_graph(
            resources,
            lambda parent: self.fetch_dependent_resources(context, parent))
