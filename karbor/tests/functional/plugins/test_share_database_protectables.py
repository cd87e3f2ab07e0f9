"""Share and database protectables against the sandbox's Manila and
Trove: list, show, dependents of the project, and their errors."""

from manilaclient import client as manila_client
from oslo_config import cfg
import pytest

from karbor.common import constants
from karbor import exception
from karbor.resource import Resource
from karbor.services.protection.protectable_plugins import database
from karbor.services.protection.protectable_plugins import share
from karbor.tests.functional import deployment
from karbor.tests.functional.plugins import helpers

CONF = cfg.CONF
SHARE = constants.SHARE_RESOURCE_TYPE
DATABASE = constants.DATABASE_RESOURCE_TYPE
UNKNOWN = 'f0f0f0f0-0000-4000-8000-000000000000'



@pytest.fixture
def admin_manila(sandbox):
    return manila_client.Client('2', session=sandbox.admin_session())



def _project(ctx):
    return Resource(constants.PROJECT_RESOURCE_TYPE, ctx.project_id, 'demo')


def _new_share(manila, name, **kwargs):
    made = manila.shares.create('NFS', 1, name=name, **kwargs)
    helpers.wait_until(lambda: manila.shares.get(made.id).status !=
                       'creating')
    return manila.shares.get(made.id)


def _new_instance(trove, name, **kwargs):
    made = trove.instances.create(name, '2', volume={'size': 1}, **kwargs)
    helpers.wait_until(lambda: trove.instances.get(made.id).status !=
                       'BUILD')
    return trove.instances.get(made.id)


def test_types():
    for plugin, wanted in ((share.ShareProtectablePlugin(), SHARE),
                           (database.DatabaseProtectablePlugin(), DATABASE)):
        assert plugin.get_resource_type() == wanted
        assert tuple(plugin.get_parent_resource_types()) == (
            constants.PROJECT_RESOURCE_TYPE,)


def test_shares(cloud, ctx, manila, admin_manila):
    plugin = share.ShareProtectablePlugin()
    good = _new_share(manila, 'good')
    broken = _new_share(manila, 'broken',
                        metadata={'sandbox:fault:create': 'error'})
    assert broken.status == 'error'
    theirs = _new_share(admin_manila, 'theirs')
    listed = plugin.list_resources(ctx)
    assert Resource(SHARE, good.id, 'good') in listed
    assert {broken.id, theirs.id}.isdisjoint(r.id for r in listed)
    assert plugin.show_resource(ctx, good.id) == Resource(SHARE, good.id,
                                                          'good')
    assert plugin.get_dependent_resources(ctx, _project(ctx)) == listed
    other = Resource(constants.PROJECT_RESOURCE_TYPE, UNKNOWN, 'x')
    assert plugin.get_dependent_resources(ctx, other) == []
    for missing, reason in ((UNKNOWN, 'no such share'),
                            (theirs.id, 'no such share'),
                            (broken.id, 'in status error')):
        with pytest.raises(exception.ProtectableResourceNotFound,
                           match=reason):
            plugin.show_resource(ctx, missing)


def test_databases(cloud, ctx, trove, sandbox):
    plugin = database.DatabaseProtectablePlugin()
    good = _new_instance(trove, 'good')
    sandbox.inject_fault(service='database', operation='create')
    broken = _new_instance(trove, 'broken')
    assert broken.status == 'ERROR'
    listed = plugin.list_resources(ctx)
    assert Resource(DATABASE, good.id, 'good') in listed
    assert broken.id not in {r.id for r in listed}
    assert plugin.show_resource(ctx, good.id) == Resource(DATABASE, good.id,
                                                          'good')
    assert plugin.get_dependent_resources(ctx, _project(ctx)) == listed
    for missing, reason in ((UNKNOWN, 'no such database instance'),
                            (broken.id, 'in status ERROR')):
        with pytest.raises(exception.ProtectableResourceNotFound,
                           match=reason):
            plugin.show_resource(ctx, missing)


def test_databases_are_listed_past_one_page(cloud, ctx, trove,
                                            monkeypatch):
    monkeypatch.setattr(database, 'PAGE', 2)
    made = {_new_instance(trove, 'paged-%d' % i).id for i in range(3)}
    listed = database.DatabaseProtectablePlugin().list_resources(ctx)
    assert made <= {r.id for r in listed}


@pytest.mark.parametrize('plugin_class,service', [
    (share.ShareProtectablePlugin, 'manila'),
    (database.DatabaseProtectablePlugin, 'trove')])
def test_unreachable_service_is_a_list_failure(cloud, ctx, plugin_class,
                                               service):
    dead = 'http://127.0.0.1:%d/x' % deployment.free_port()
    CONF.set_override('%s_endpoint' % service, dead,
                      group='%s_client' % service)
    try:
        plugin = plugin_class()
        for call in (lambda: plugin.list_resources(ctx),
                     lambda: plugin.show_resource(ctx, UNKNOWN)):
            with pytest.raises(exception.ListProtectableResourceFailed) as err:
                call()
            assert err.value.code == 503
            assert plugin.get_resource_type() in str(err.value)
    finally:
        CONF.clear_override('%s_endpoint' % service,
                            group='%s_client' % service)
