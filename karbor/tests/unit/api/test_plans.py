"""Plans: CRUD, validation, ownership, paging and quota."""

import pytest

from karbor.common import parameters
from karbor import exception
from karbor.tests.unit.api import conftest
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import OTHER_PROJECT
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT
MEMBER = 'alice:' + PROJECT
OTHER = 'bob:' + OTHER_PROJECT
VOLUME = 'cb4ef2ff-10f5-46c9-bce4-cf7a49c65a01'


def plan_body(name='My 3 tier application', **overrides):
    plan = {'name': name, 'description': 'three tier',
            'provider_id': conftest.NOOP_PROVIDER_ID,
            'resources': [{'id': VOLUME, 'type': 'OS::Cinder::Volume',
                           'name': 'vol1'}],
            'parameters': {}}
    plan.update(overrides)
    return {'plan': plan}


def create(api, token=MEMBER, **overrides):
    response = helpers.request(api, 'POST', BASE + '/plans',
                               body=plan_body(**overrides), token=token)
    assert response.status_int == 200, response.body
    return response.json['plan']


def test_create_show_list(api):
    plan = create(api, resources=[{
        'id': VOLUME, 'type': 'OS::Cinder::Volume', 'name': 'vol1',
        'extra_info': {'availability_zone': 'az1'}}])
    assert plan['status'] == 'suspended'
    assert plan['provider_id'] == conftest.NOOP_PROVIDER_ID
    assert plan['resources'][0]['extra_info'] == {'availability_zone': 'az1'}
    assert set(plan) == {'id', 'name', 'description', 'resources',
                         'provider_id', 'status', 'parameters'}
    shown = helpers.request(api, 'GET', BASE + '/plans/' + plan['id'],
                            token=MEMBER).json['plan']
    assert shown == plan
    listed = helpers.request(api, 'GET', BASE + '/plans',
                             token=MEMBER).json
    assert listed == {'plans': [plan]}


def test_plan_without_extra_info_omits_it(api):
    plan = create(api)
    assert plan['resources'] == [{'id': VOLUME, 'type': 'OS::Cinder::Volume',
                                  'name': 'vol1'}]


@pytest.mark.parametrize('resources', [[], None, [{'id': VOLUME}],
                                       [{'id': VOLUME, 'type': 'T',
                                         'name': ''}]])
def test_create_needs_complete_resources(api, resources):
    response = helpers.request(api, 'POST', BASE + '/plans',
                               body=plan_body(resources=resources))
    helpers.assert_fault(response, 400, 'badRequest')


def test_create_with_unknown_provider(api):
    response = helpers.request(
        api, 'POST', BASE + '/plans',
        body=plan_body(provider_id=OTHER_PROJECT))
    helpers.assert_fault(response, 400, 'badRequest',
                         'The provider could not be found: provider_id')


@pytest.mark.parametrize('parameters,message', [
    ({'OS::Cinder::Volume': {'backup_mode': 'full'}}, 'backup_mode'),
    ({'OS::No::Such': {}}, 'Invalid resource type'),
    ({'OS::Cinder::Volume#not-a-uuid': {}}, 'Invalid resource id'),
])
def test_create_rejects_bad_parameters(api, parameters, message):
    response = helpers.request(api, 'POST', BASE + '/plans',
                               body=plan_body(parameters=parameters))
    helpers.assert_fault(response, 400, 'badRequest', message)


def test_create_accepts_empty_options_per_type(api):
    parameters = {'OS::Cinder::Volume': {},
                  'OS::Nova::Server#%s' % VOLUME: {}}
    assert create(api, parameters=parameters)['parameters'] == parameters


def test_parameters_against_a_schema():
    schema = {'OS::Cinder::Volume': {
        'type': 'object', 'required': ['backup_name'],
        'properties': {
            'backup_mode': {'type': 'string',
                            'enum': ['full', 'incremental', 'auto']},
            'force': {'type': 'boolean'}}}}
    parameters.check({'OS::Cinder::Volume': {
        'backup_mode': 'full', 'force': 'True'}}, schema)
    parameters.check({'OS::Glance::Image': {'any': 'x'}}, schema)
    for bad in ({'backup_mode': 'sometimes'}, {'force': 'perhaps'},
                {'colour': 'red'}):
        with pytest.raises(exception.InvalidInput):
            parameters.check({'OS::Cinder::Volume': bad}, schema)


def test_other_projects_plan_is_not_found(api):
    plan = create(api)
    other_base = '/v1/%s/plans/%s' % (OTHER_PROJECT, plan['id'])
    for method, body in (('GET', None), ('DELETE', None),
                         ('PUT', {'plan': {'name': 'stolen'}})):
        response = helpers.request(api, method, other_base, body=body,
                                   token=OTHER)
        helpers.assert_fault(response, 404, 'itemNotFound')
    listed = helpers.request(api, 'GET', '/v1/%s/plans' % OTHER_PROJECT,
                             token=OTHER).json
    assert listed == {'plans': []}
    response = helpers.request(api, 'GET', '/v1/%s/plans?all_tenants=1'
                               % OTHER_PROJECT, token=OTHER)
    assert response.json == {'plans': []}
    admin = helpers.request(api, 'GET', '/v1/%s/plans?all_tenants=1'
                            % OTHER_PROJECT, token='admin:' + OTHER_PROJECT)
    assert [p['id'] for p in admin.json['plans']] == [plan['id']]


def test_non_uuid_plan_id_is_bad_request(api):
    response = helpers.request(api, 'GET', BASE + '/plans/not-a-uuid')
    helpers.assert_fault(response, 400, 'badRequest',
                         'Invalid plan id provided.')


def test_missing_plan_is_not_found(api):
    response = helpers.request(api, 'GET', BASE + '/plans/' + VOLUME)
    helpers.assert_fault(response, 404, 'itemNotFound', VOLUME)


def test_update(api):
    plan = create(api)
    path = BASE + '/plans/' + plan['id']
    new_resources = [{'id': VOLUME, 'type': 'OS::Nova::Server',
                      'name': 'vm1'}]
    response = helpers.request(api, 'PUT', path, token=MEMBER, body={
        'plan': {'name': 'newname', 'resources': new_resources,
                 'status': 'started'}})
    updated = response.json['plan']
    assert updated['name'] == 'newname'
    assert updated['status'] == 'started'
    assert updated['resources'] == new_resources
    shown = helpers.request(api, 'GET', path, token=MEMBER).json['plan']
    assert shown == updated
    response = helpers.request(api, 'PUT', path, token=MEMBER,
                               body={'plan': {'name': 'again'}})
    helpers.assert_fault(response, 400, 'badRequest',
                         'The plan can be only updated in suspended status '
                         '(plan %s is started)' % plan['id'])


@pytest.mark.parametrize('body', [{'plan': {}},
                                  {'plan': {'provider_id': VOLUME}},
                                  {'plan': {'resources': []}},
                                  {}])
def test_update_validation(api, body):
    plan = create(api)
    response = helpers.request(api, 'PUT', BASE + '/plans/' + plan['id'],
                               body=body)
    helpers.assert_fault(response, 400, 'badRequest')


def test_delete(api):
    plan = create(api)
    path = BASE + '/plans/' + plan['id']
    response = helpers.request(api, 'DELETE', path, token=MEMBER)
    assert response.status_int == 200
    assert response.body == b''
    response = helpers.request(api, 'GET', path, token=MEMBER)
    helpers.assert_fault(response, 404, 'itemNotFound')


def test_paging_sorting_filters(api, parsed_config):
    ids = [create(api, name='plan-%d' % i)['id'] for i in range(3)]
    response = helpers.request(api, 'GET',
                               BASE + '/plans?sort=name:asc&limit=2')
    body = response.json
    assert [p['name'] for p in body['plans']] == ['plan-0', 'plan-1']
    next_href = body['plans_links'][0]['href']
    assert 'marker=%s' % ids[1] in next_href
    query = next_href.split('?', 1)[1]
    body = helpers.request(api, 'GET', BASE + '/plans?' + query).json
    assert [p['name'] for p in body['plans']] == ['plan-2']
    assert 'plans_links' not in body
    body = helpers.request(api, 'GET', BASE + '/plans?name=plan-1',
                           token=MEMBER).json
    assert [p['id'] for p in body['plans']] == [ids[1]]
    body = helpers.request(api, 'GET', BASE + '/plans?sort_key=name&'
                           'sort_dir=desc&offset=1').json
    assert [p['name'] for p in body['plans']] == ['plan-1', 'plan-0']
    response = helpers.request(api, 'GET', BASE + '/plans?sort=name:up')
    helpers.assert_fault(response, 400, 'badRequest')
    response = helpers.request(api, 'GET', BASE + '/plans?all_tenants=maybe')
    helpers.assert_fault(response, 400, 'badRequest')
    parsed_config.set_override('osapi_max_limit', 2)
    body = helpers.request(api, 'GET', BASE + '/plans').json
    assert len(body['plans']) == 2 and 'plans_links' in body


def test_plan_quota(api):
    admin = 'admin:' + PROJECT
    response = helpers.request(api, 'PUT', BASE + '/quotas/' + PROJECT,
                               body={'quota': {'plans': 1}}, token=admin)
    assert response.json == {'quota': {'plans': 1, 'checkpoints': -1}}
    plan = create(api)
    response = helpers.request(api, 'POST', BASE + '/plans',
                               body=plan_body(), token=MEMBER)
    helpers.assert_fault(response, 413, 'overLimit', 'plans')
    detail = helpers.request(api, 'GET', BASE + '/quotas/%s/detail'
                             % PROJECT, token=MEMBER).json['quota']
    assert detail['plans'] == {'limit': 1, 'in_use': 1, 'reserved': 0}
    helpers.request(api, 'DELETE', BASE + '/plans/' + plan['id'],
                    token=MEMBER)
    create(api)


def test_literal_filter_values(api):
    first = create(api, name='123')
    create(api, name='other')
    body = helpers.request(api, 'GET', BASE + '/plans?name=123',
                           token=MEMBER).json
    assert [p['id'] for p in body['plans']] == [first['id']]
    body = helpers.request(
        api, 'GET', BASE + "/plans?status=%5B%27started%27%2C+%27suspended"
        "%27%5D", token=MEMBER).json
    assert len(body['plans']) == 2
    response = helpers.request(api, 'GET', BASE + '/plans?marker=' + VOLUME)
    assert response.status_int in (400, 404)
    assert response.content_type == 'application/json'
