"""Tenant isolation over every route, on the noauth pipeline in-process.

Two projects with a member each and an administrator; the objects are made
for real (No-Op and hook-recorder providers, file-system banks, SQLite,
the protection manager over RPC). ``pytest -s`` prints the number of
probes and leaks.
"""

import pytest

from karbor.tests.isolation import deployment
from karbor.tests.isolation import probes
from karbor.tests.isolation import world as isolation_world
from karbor.tests.unit.api import conftest

RECORDER_PROVIDER = True  # its checkpoints can be copied


def test_every_route_has_probes():
    missing, stale = probes.unclassified_routes()
    assert missing == [], 'routes without isolation probes: %s' % missing
    assert stale == [], 'isolation probes of routes that are gone: %s' % stale


def test_a_route_without_probes_is_reported(monkeypatch):
    from karbor.api.v1 import router
    monkeypatch.setattr(router, 'ROUTES', router.ROUTES + [
        ('POST', 'plans/{id}/clone', 'plans', 'clone')])
    assert probes.unclassified_routes() == (
        [('POST', 'plans/{id}/clone')], [])


@pytest.fixture
def isolation_deployment(api, engine):
    return deployment.noauth_deployment(
        deployment.WsgiClient(api), conftest.NOOP_PROVIDER_ID,
        conftest.RECORDER_PROVIDER_ID)


def test_no_tenant_sees_or_touches_another(isolation_deployment):
    world = isolation_world.World(isolation_deployment).build()
    report = probes.run(world)
    print(report.summary())
    assert report.leak_count() == 0, report.summary()
    assert report.surprise_count() == 0, report.summary()
    kinds = {result.probe.kind for result in report.results}
    assert kinds == {'B URL, A token', 'B object by id', 'B object in body',
                     'admin-only action', 'list filter', 'admin all_tenants',
                     'shared data', 'cloud data', 'unserved verb'}
    assert report.checked >= 10


def test_admin_resets_another_projects_checkpoint(isolation_deployment):
    d = isolation_deployment
    world = isolation_world.World(d).build()
    path = 'providers/%s/checkpoints/%s' % (d.noop_provider,
                                            world.ids['b_checkpoint'])
    for state in ('error', 'available'):
        answer = d.request(d.admin, 'PUT', path,
                           {'os-resetState': {'state': state}})
        assert answer.status == 200, answer
        shown = deployment.answer_json(d.request(d.member_b, 'GET', path))
        assert shown['checkpoint']['status'] == state
