"""Bad input gets a 4xx fault and changes nothing.

Each case was a 500, a stall or a silent accept: deeply nested bodies,
huge offsets and limits, filter values that are not scalars, quota limits
the database cannot store, protectable ids that are not ids, pathological
text filters, markers that are not ids, bad sorts hidden by an unknown
filter and unknown quota classes.
"""

import time
import urllib.parse

import pytest

from karbor.api import app as api_app
from karbor.api import json_body
from karbor.api.v1 import router
from karbor import quota
from karbor.tests.dbfixtures import db_backend  # noqa: F401
from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import ADMIN
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.helpers import PROJECT

UNKNOWN = 'f0f0f0f0-0000-4000-8000-000000000000'
LISTS = ('plans', 'restores', 'verifications', 'operation_logs')
PATH_VALUES = {'id': UNKNOWN, 'provider_id': fh.NOOP,
               'checkpoint_id': UNKNOWN}
PATH_OVERRIDES = {'quotas': PROJECT, 'quota_classes': 'default',
                  'os-services': '1'}


def _state(api):
    """Everything a request of these tests could change."""
    state = {name: fh.ok(helpers.request(api, 'GET', BASE + '/' + name,
                                         token=ADMIN))
             for name in LISTS}
    state['checkpoints'] = fh.ok(helpers.request(
        api, 'GET', fh.checkpoints_path(), token=ADMIN))
    state['quota'] = fh.ok(helpers.request(
        api, 'GET', BASE + '/quotas/%s/detail' % PROJECT, token=ADMIN))
    state['quota_class'] = fh.ok(helpers.request(
        api, 'GET', BASE + '/quota_classes/default', token=ADMIN))
    return state


@pytest.fixture
def unchanged(api):
    """Assert at the end of the test that the API state did not change."""
    fh.create_plan(api)
    before = _state(api)
    yield
    assert _state(api) == before


def _get(api, path, token=ADMIN):
    return helpers.request(api, 'GET', BASE + path, token=token)


def _body_routes():
    for method, template, key, _action in router.ROUTES:
        if method not in router.BODY_METHODS:
            continue
        segments = [PATH_OVERRIDES.get(key, PATH_VALUES.get(part[1:-1]))
                    if part.startswith('{') else part
                    for part in template.split('/')]
        yield method, BASE + '/' + '/'.join(segments)


def _nested(depth):
    return '[' * depth + ']' * depth


@pytest.mark.parametrize('body', [
    _nested(100000), _nested(json_body.MAX_DEPTH + 1),
    '{"plan": %s}' % _nested(json_body.MAX_DEPTH)])
def test_deeply_nested_bodies(api, unchanged, body):
    routes = list(_body_routes())
    assert ('POST', BASE + '/plans') in routes
    for method, path in routes:
        response = helpers.request(api, method, path, body=body, token=ADMIN)
        helpers.assert_fault(response, 400, 'badRequest', 'deeper than')


def test_nul_characters_in_bodies(api, unchanged):
    for body in ({'plan': {'name': 'a\x00b', 'provider_id': fh.NOOP,
                           'parameters': {}, 'resources': [
                               {'id': fh.VOLUME, 'type': fh.VOLUME_TYPE,
                                'name': 'v'}]}},
                 {'plan': {'name': 'p', 'provider_id': fh.NOOP,
                           'parameters': {'OS::Cinder::Volume\x00': {}},
                           'resources': [{'id': fh.VOLUME,
                                          'type': fh.VOLUME_TYPE,
                                          'name': 'v\x00'}]}}):
        response = helpers.request(api, 'POST', BASE + '/plans', body=body,
                                   token=MEMBER)
        helpers.assert_fault(response, 400, 'badRequest', 'NUL')


def test_nesting_within_the_bound_is_parsed():
    data = json_body.loads(_nested(json_body.MAX_DEPTH))
    depth = 0
    while data:
        data, depth = data[0], depth + 1
    assert data == [] and depth == json_body.MAX_DEPTH - 1


def test_service_filters_with_nul(api, unchanged):
    helpers.assert_fault(_get(api, '/os-services?host=a%00'), 400,
                         'badRequest', 'NUL')


@pytest.mark.parametrize('service_id', [str(2 ** 31), str(2 ** 64), '\u00b2',
                                        '-1', '1.0', 'x'])
def test_service_ids_that_name_nothing(api, unchanged, service_id):
    response = helpers.request(
        api, 'PUT', BASE + '/os-services/' + urllib.parse.quote(service_id),
        body={'status': 'disabled'}, token=ADMIN)
    helpers.assert_fault(response, 404, 'itemNotFound')


@pytest.mark.parametrize('collection', LISTS)
def test_offsets_beyond_64_bits(api, unchanged, collection):
    response = _get(api, '/%s?offset=%d' % (collection, 2 ** 63))
    helpers.assert_fault(response, 400, 'badRequest', 'offset')
    response = _get(api, '/%s?offset=%d' % (collection, 2 ** 63 - 1))
    assert fh.ok(response) == {collection: []}
    response = _get(api, '/%s?limit=%d' % (collection, 2 ** 64))
    assert len(fh.ok(response)[collection]) == len(
        fh.ok(_get(api, '/' + collection))[collection])


@pytest.mark.parametrize('query', [
    'plans?status={1:2}', 'operation_logs?status=[[]]',
    'restores?status=[{}]', 'verifications?status=[1,[2]]',
    'plans?name=[[1]]', 'plans?name=b"x"', 'plans?status=1j',
    'plans?description=...',
    'protectables/OS::Cinder::Volume/instances?parameters={"a":{"b":1}}',
    'protectables/OS::Cinder::Volume/instances?parameters={1:2}',
    'plans?name=a%00', 'plans?status=["a%00"]',
])
def test_filter_values_that_are_not_scalars(api, unchanged, query):
    for token in (ADMIN, MEMBER):
        response = _get(api, '/' + urllib.parse.quote(query, safe='/?=:%'),
                        token)
        helpers.assert_fault(response, 400, 'badRequest')


@pytest.mark.parametrize('query', ['status=1', 'status=1.5', 'status=True',
                                   'status=None', "status=['a',2]",
                                   'parameters=abc', 'parameters=[1]',
                                   'deleted=true'])
def test_scalar_filter_values_are_fine(api, unchanged, query):
    response = _get(api, '/plans?' + urllib.parse.quote(query, safe='='))
    assert fh.ok(response) == {'plans': []}


@pytest.mark.parametrize('query', ['deleted=maybe', 'created_at=yesterday',
                                   'updated_at=5', 'deleted=[1,2]'])
def test_filter_values_the_field_cannot_hold(api, unchanged, query):
    for collection in LISTS:
        response = _get(api, '/%s?%s' % (collection, query))
        helpers.assert_fault(response, 400, 'badRequest', 'filter')


@pytest.mark.parametrize('limit', [quota.MAX_LIMIT + 1, 2 ** 63, 2 ** 64,
                                   str(2 ** 63), -2, '1e3', 1.5])
@pytest.mark.parametrize('path,key', [('/quotas/' + PROJECT, 'quota'),
                                      ('/quota_classes/default',
                                       'quota_class'),
                                      ('/quota_classes/gold',
                                       'quota_class')])
def test_quota_limits_the_database_cannot_store(api, unchanged, path, key,
                                                limit):
    response = helpers.request(api, 'PUT', BASE + path, token=ADMIN,
                               body={key: {'plans': limit}})
    helpers.assert_fault(response, 400, 'badRequest')
    helpers.assert_fault(_get(api, '/quota_classes/gold'), 404,
                         'itemNotFound')


def test_largest_quota_limit(api):
    response = helpers.request(api, 'PUT', BASE + '/quotas/' + PROJECT,
                               token=ADMIN,
                               body={'quota': {'plans': quota.MAX_LIMIT}})
    assert fh.ok(response)['quota']['plans'] == quota.MAX_LIMIT
    shown = fh.ok(_get(api, '/quotas/' + PROJECT))['quota']
    assert shown['plans'] == quota.MAX_LIMIT


@pytest.mark.parametrize('instance', [
    '..', '%2e%2e', '.', 'not-a-uuid', 'a%20b', UNKNOWN + 'x'])
def test_protectable_ids_that_are_not_ids(api, unchanged, instance):
    path = '/protectables/OS::Cinder::Volume/instances/' + instance
    helpers.assert_fault(_get(api, path, MEMBER), 400, 'badRequest',
                         'Invalid protectable instance id')


def test_protectable_markers_that_are_not_ids(api, unchanged):
    path = '/protectables/OS::Cinder::Volume/instances?marker=..'
    helpers.assert_fault(_get(api, path, MEMBER), 400, 'badRequest',
                         'Invalid marker id')


@pytest.mark.parametrize('resource', [
    {'id': '..', 'type': fh.VOLUME_TYPE, 'name': 'v'},
    {'id': 42, 'type': fh.VOLUME_TYPE, 'name': 'v'},
    {'id': fh.VOLUME, 'type': fh.VOLUME_TYPE, 'name': 'v' * 256},
    {'id': fh.VOLUME, 'type': 'T' * 65, 'name': 'v'},
    {'id': fh.VOLUME, 'type': fh.VOLUME_TYPE, 'name': {'a': 1}},
])
def test_plan_resources_that_cannot_be_stored(api, unchanged, resource):
    body = {'plan': {'name': 'p', 'provider_id': fh.NOOP, 'parameters': {},
                     'resources': [resource]}}
    response = helpers.request(api, 'POST', BASE + '/plans', body=body,
                               token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')


def test_pathological_text_filter_is_quick(api):
    names = ['a' * 27 + '!', 'aaa', 'a(a+)+b']
    for name in names:
        fh.ok(helpers.request(api, 'POST', BASE + '/plans', token=MEMBER,
                              body={'plan': {
                                  'name': name, 'provider_id': fh.NOOP,
                                  'parameters': {},
                                  'resources': [{'id': fh.VOLUME,
                                                 'type': fh.VOLUME_TYPE,
                                                 'name': 'v'}]}}))
    for value, wanted in (('^(a+)+$', []), ('(a+)+', ['a(a+)+b']),
                          ('^aaa$', ['aaa'])):
        began = time.monotonic()
        response = _get(api, '/plans?name=' + urllib.parse.quote(value),
                        MEMBER)
        assert time.monotonic() - began < 0.5
        assert sorted(p['name'] for p in fh.ok(response)['plans']) == [
            n for n in sorted(names) if n in wanted]


@pytest.mark.parametrize('collection', LISTS + ('providers',))
def test_markers_that_are_not_ids(api, unchanged, collection):
    for token in (ADMIN, MEMBER):
        response = _get(api, '/%s?marker=not-a-uuid' % collection, token)
        helpers.assert_fault(response, 400, 'badRequest',
                             'Invalid marker id')


@pytest.mark.parametrize('collection', LISTS)
def test_unknown_filter_does_not_hide_a_bad_sort(api, unchanged,
                                                 collection):
    for query in ('restore_id=[None]&sort=name;x',
                  'no_such_column=1&sort=id:asc,x', 'sort=name;x'):
        response = _get(api, '/%s?%s' % (collection, query))
        helpers.assert_fault(response, 400, 'badRequest', 'sort key')
    query = '/%s?no_such_column=1&marker=%s' % (collection, UNKNOWN)
    helpers.assert_fault(_get(api, query), 404, 'itemNotFound', 'Marker')


def test_query_strings_that_are_not_utf8(api, unchanged):
    helpers.assert_fault(_get(api, '/plans?name=%ff'), 400, 'badRequest')


@pytest.mark.parametrize('name', ['..', '-x', 'a b', 'x' * 256,
                                  'caf%C3%A9'])
def test_quota_class_names_that_are_invalid(api, unchanged, name):
    path = '/quota_classes/' + name
    helpers.assert_fault(_get(api, path, MEMBER), 400, 'badRequest',
                         'quota class name')
    response = helpers.request(api, 'PUT', BASE + path, token=ADMIN,
                               body={'quota_class': {'plans': 3}})
    helpers.assert_fault(response, 400, 'badRequest', 'quota class name')


def test_quota_classes_exist_once_set(api):
    helpers.assert_fault(_get(api, '/quota_classes/gold', MEMBER), 404,
                         'itemNotFound', 'gold')
    response = helpers.request(api, 'PUT', BASE + '/quota_classes/gold',
                               token=ADMIN,
                               body={'quota_class': {'plans': 3}})
    assert fh.ok(response) == {'quota_class': {'plans': 3,
                                               'checkpoints': -1}}
    shown = fh.ok(_get(api, '/quota_classes/gold', MEMBER))
    assert shown == {'quota_class': {'plans': 3, 'checkpoints': -1,
                                     'id': 'gold'}}
    assert fh.ok(_get(api, '/quota_classes/default', MEMBER))[
        'quota_class']['plans'] == 50


@pytest.fixture
def backend_api(db_backend, protection):  # noqa: F811
    """The noauth API on SQLite, MariaDB and PostgreSQL in turn."""
    return api_app.setup_app(auth_strategy='noauth')


def test_on_every_backend(backend_api):
    api = backend_api
    plan = fh.create_plan(api)
    fh.ok(helpers.request(api, 'POST', BASE + '/plans', token=MEMBER,
                          body={'plan': {
                              'name': 'a' * 27 + '!', 'provider_id': fh.NOOP,
                              'parameters': {}, 'resources': [
                                  {'id': fh.VOLUME, 'type': fh.VOLUME_TYPE,
                                   'name': 'v'}]}}))
    before = _state(api)
    bad = [('POST', '/plans', {'plan': {
                'name': 'a\x00', 'provider_id': fh.NOOP, 'parameters': {},
                'resources': [{'id': fh.VOLUME, 'type': fh.VOLUME_TYPE,
                               'name': 'v'}]}}),
           ('POST', '/plans', {'plan': {
               'name': 'p', 'provider_id': fh.NOOP, 'parameters': {},
               'resources': [{'id': fh.VOLUME, 'type': fh.VOLUME_TYPE,
                              'name': 'v' * 256}]}}),
           ('PUT', '/plans/' + plan['id'], {'plan': {'status': 's' * 65}}),
           ('PUT', '/quotas/' + PROJECT,
            {'quota': {'plans': quota.MAX_LIMIT + 1}}),
           ('GET', '/plans?status=a%00', None),
           ('GET', '/plans?deleted=maybe', None),
           ('GET', '/operation_logs?started_at=5', None),
           ('GET', '/restores?offset=%d' % 2 ** 63, None),
           ('GET', '/os-services?binary=%00', None)]
    for method, path, body in bad:
        response = helpers.request(api, method, BASE + path, body=body,
                                   token=ADMIN)
        helpers.assert_fault(response, 400, 'badRequest')
    response = helpers.request(api, 'PUT', BASE + '/os-services/%d'
                               % 2 ** 40, body={'status': 'disabled'},
                               token=ADMIN)
    helpers.assert_fault(response, 404, 'itemNotFound')
    for query in ('status=7', 'deleted=false', 'parameters=x',
                  'offset=%d' % (2 ** 63 - 1)):
        fh.ok(_get(api, '/plans?' + query))
    began = time.monotonic()
    found = fh.ok(_get(api, '/plans?name=%5E(a%2B)%2B%24', MEMBER))
    assert time.monotonic() - began < 0.5
    assert found == {'plans': []}
    assert _state(api) == before


def test_pods_without_a_kubernetes_answer_503_not_500(api, unchanged):
    # No [k8s_client] k8s_host: the pod type's backend is not configured.
    response = _get(api, '/protectables/OS::Kubernetes::Pod/instances',
                    MEMBER)
    helpers.assert_fault(response, 503, 'serviceUnavailable',
                         'k8s_host is not configured')
