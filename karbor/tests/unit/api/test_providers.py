"""Providers and protectables over RPC to a real protection manager."""

from karbor.tests.unit.api import conftest
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT
MEMBER = 'alice:' + PROJECT


def test_provider_list_and_show(api):
    response = helpers.request(api, 'GET', BASE + '/providers', token=MEMBER)
    assert response.status_int == 200
    assert response.content_type == 'application/json'
    providers = response.json['providers']
    assert [p['id'] for p in providers] == [conftest.NOOP_PROVIDER_ID]
    assert set(providers[0]) == {'id', 'name', 'description',
                                 'extended_info_schema'}
    response = helpers.request(
        api, 'GET', BASE + '/providers/' + conftest.NOOP_PROVIDER_ID)
    provider = response.json['provider']
    assert provider['name'] == 'No-Op Provider'
    assert 'OS::Cinder::Volume' in \
        provider['extended_info_schema']['options_schema']


def test_provider_list_filters_and_links(api):
    response = helpers.request(api, 'GET', BASE + '/providers?limit=1')
    body = response.json
    assert len(body['providers']) == 1
    assert 'marker=%s' % conftest.NOOP_PROVIDER_ID in \
        body['providers_links'][0]['href']
    response = helpers.request(api, 'GET',
                               BASE + '/providers?name=nothing',
                               token=MEMBER)
    assert response.json == {'providers': []}


def test_provider_show_errors(api):
    response = helpers.request(api, 'GET', BASE + '/providers/nope')
    helpers.assert_fault(response, 400, 'badRequest',
                         'Invalid provider id provided.')
    response = helpers.request(
        api, 'GET', BASE + '/providers/' + helpers.OTHER_PROJECT)
    helpers.assert_fault(response, 404, 'itemNotFound')


def test_bad_limit_is_bad_request(api):
    response = helpers.request(api, 'GET', BASE + '/providers?limit=x')
    helpers.assert_fault(response, 400, 'badRequest', 'limit')


def test_protectable_types(api):
    response = helpers.request(api, 'GET', BASE + '/protectables',
                               token=MEMBER)
    types = response.json['protectable_type']
    assert 'OS::Keystone::Project' in types
    response = helpers.request(api, 'GET',
                               BASE + '/protectables/OS::Keystone::Project')
    shown = response.json['protectable_type']
    assert shown['name'] == 'OS::Keystone::Project'
    assert isinstance(shown['dependent_types'], list)


def test_unknown_protectable_type(api):
    for path in ('/protectables/OS::No::Such',
                 '/protectables/OS::No::Such/instances',
                 '/protectables/OS::No::Such/instances/x'):
        response = helpers.request(api, 'GET', BASE + path)
        helpers.assert_fault(response, 400, 'badRequest',
                             'Invalid protectable type provided: '
                             'protectable_type OS::No::Such is not one of '
                             'OS::')


def test_protectable_instances(api):
    path = BASE + '/protectables/OS::Keystone::Project/instances'
    response = helpers.request(api, 'GET', path, token=MEMBER)
    instances = response.json['instances']
    assert [i['id'] for i in instances] == [PROJECT]
    assert instances[0]['dependent_resources'] == []
    assert set(instances[0]) == {'id', 'type', 'name', 'extra_info',
                                 'dependent_resources'}
    response = helpers.request(
        api, 'GET', path + '?parameters=%7B%27region_name%27%3A+%27R%27%7D')
    assert response.status_int == 200
    response = helpers.request(api, 'GET', path + '?parameters=notadict')
    helpers.assert_fault(response, 400, 'badRequest', 'parameters')


def test_protectable_instance_show(api):
    path = BASE + '/protectables/OS::Keystone::Project/instances/'
    response = helpers.request(api, 'GET', path + PROJECT, token=MEMBER)
    instance = response.json['instance']
    assert instance['id'] == PROJECT
    assert instance['type'] == 'OS::Keystone::Project'
    assert instance['dependent_resources'] == []
    response = helpers.request(api, 'GET', path + helpers.OTHER_PROJECT)
    helpers.assert_fault(response, 404, 'itemNotFound')
