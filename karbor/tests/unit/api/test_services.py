"""os-services: list with state, enable/disable."""

import pytest

from karbor import context
from karbor import objects
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT
ADMIN = 'admin:' + PROJECT


@pytest.fixture
def services(api):
    ctxt = context.get_admin_context()
    made = {}
    for binary in ('karbor-operationengine', 'karbor-protection'):
        service = objects.Service(context=ctxt, host='node1', binary=binary,
                                  topic=binary, report_count=0,
                                  disabled=False)
        service.create()
        made[binary] = service.id
    return made


def test_list_shows_state_and_filters(api, services, parsed_config):
    body = helpers.request(api, 'GET', BASE + '/os-services',
                           token=ADMIN).json
    assert len(body['services']) == 2
    item = body['services'][0]
    assert set(item) == {'id', 'binary', 'host', 'status', 'state',
                         'updated_at', 'disabled_reason'}
    assert {s['state'] for s in body['services']} == {'up'}
    assert {s['status'] for s in body['services']} == {'enabled'}
    body = helpers.request(api, 'GET', BASE + '/os-services?binary='
                           'karbor-protection&host=node1', token=ADMIN).json
    assert [s['id'] for s in body['services']] == [
        services['karbor-protection']]
    parsed_config.set_override('service_down_time', 0)
    body = helpers.request(api, 'GET', BASE + '/os-services',
                           token=ADMIN).json
    assert {s['state'] for s in body['services']} == {'down'}


def test_disable_and_enable_operation_engine(api, services):
    path = BASE + '/os-services/%d' % services['karbor-operationengine']
    response = helpers.request(api, 'PUT', path, token=ADMIN, body={
        'status': 'disabled', 'disabled_reason': 'maintenance'})
    service = response.json['service']
    assert service['status'] == 'disabled'
    assert service['disabled_reason'] == 'maintenance'
    response = helpers.request(api, 'PUT', path, token=ADMIN,
                               body={'status': 'enabled'})
    assert response.json['service']['status'] == 'enabled'
    assert response.json['service']['disabled_reason'] is None


@pytest.mark.parametrize('body', [
    {'status': 'enabled', 'disabled_reason': 'why'},
    {'status': 'sleeping'},
    {},
])
def test_bad_updates(api, services, body):
    path = BASE + '/os-services/%d' % services['karbor-operationengine']
    response = helpers.request(api, 'PUT', path, token=ADMIN, body=body)
    helpers.assert_fault(response, 400, 'badRequest')


def test_only_operation_engines_can_be_updated(api, services):
    path = BASE + '/os-services/%d' % services['karbor-protection']
    response = helpers.request(api, 'PUT', path, token=ADMIN,
                               body={'status': 'disabled'})
    helpers.assert_fault(response, 400, 'badRequest')


def test_unknown_service_is_not_found(api, services):
    for service_id in ('9999', 'abc'):
        response = helpers.request(api, 'PUT',
                                   BASE + '/os-services/' + service_id,
                                   token=ADMIN, body={'status': 'enabled'})
        helpers.assert_fault(response, 404, 'itemNotFound')


def test_members_may_not_update(api, services):
    path = BASE + '/os-services/%d' % services['karbor-operationengine']
    response = helpers.request(api, 'PUT', path, token='alice:' + PROJECT,
                               body={'status': 'disabled'})
    helpers.assert_fault(response, 403, 'forbidden')
