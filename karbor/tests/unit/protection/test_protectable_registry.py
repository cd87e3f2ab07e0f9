"""Tests of the protectable registry and the graph of resource types."""

import pytest

from karbor import context
from karbor import exception
from karbor import resource
from karbor.services.protection import protectable_plugin
from karbor.services.protection import protectable_registry


class FakePlugin(protectable_plugin.ProtectablePlugin):
    """A plugin over an in-memory table of (type, parents, children)."""

    def __init__(self, resource_type, parents, children, fail=False):
        super().__init__()
        self._type = resource_type
        self._parents = parents
        self._children = children
        self._fail = fail

    def get_resource_type(self):
        return self._type

    def get_parent_resource_types(self):
        return self._parents

    def list_resources(self, context, parameters=None):
        return [resource.Resource(self._type, 'x', 'x')]

    def show_resource(self, context, resource_id, parameters=None):
        return resource.Resource(self._type, resource_id, resource_id)

    def get_dependent_resources(self, context, parent_resource):
        if self._fail:
            raise exception.ListProtectableResourceFailed(
                type=self._type, reason='backend down')
        return [resource.Resource(self._type, child, child)
                for child in self._children.get(parent_resource.id, [])]


@pytest.fixture
def registry():
    return protectable_registry.ProtectableRegistry(plugins=[
        FakePlugin('OS::Keystone::Project', (), {}),
        FakePlugin('OS::Nova::Server', ('OS::Keystone::Project',),
                   {'p1': ['s1']}),
        FakePlugin('OS::Cinder::Volume',
                   ('OS::Nova::Server', 'OS::Keystone::Project'),
                   {'s1': ['v1'], 'p1': ['v1', 'v2']}),
        FakePlugin('OS::Glance::Image', ('OS::Nova::Server',), {},
                   fail=True),
    ])


def test_types_and_dependent_types(registry):
    assert registry.list_resource_types() == sorted([
        'OS::Keystone::Project', 'OS::Nova::Server', 'OS::Cinder::Volume',
        'OS::Glance::Image'])
    assert registry.show_resource_type('OS::Nova::Server') == {
        'name': 'OS::Nova::Server',
        'dependent_types': ['OS::Cinder::Volume', 'OS::Glance::Image']}
    with pytest.raises(exception.InvalidProtectableType):
        registry.show_resource_type('OS::Nope::Thing')


def test_dependents_union_and_failing_plugin_is_skipped(registry):
    ctx = context.RequestContext(user_id='u', project_id='p1',
                                 is_admin=False)
    server = resource.Resource('OS::Nova::Server', 's1', 's1')
    found = registry.fetch_dependent_resources(ctx, server)
    assert found == [resource.Resource('OS::Cinder::Volume', 'v1', 'v1')]


def test_project_plugin_is_registered_by_entry_point():
    registry = protectable_registry.ProtectableRegistry()
    assert 'OS::Keystone::Project' in registry.list_resource_types()
    ctx = context.RequestContext(user_id='u', project_id='proj-a',
                                 is_admin=False)
    projects = registry.list_resources(ctx, 'OS::Keystone::Project')
    assert [p.id for p in projects] == ['proj-a']
    with pytest.raises(exception.ProtectableResourceNotFound):
        registry.show_resource(ctx, 'OS::Keystone::Project', 'proj-b')
