"""The OpenAPI description: generated from the routes and the schemas."""

from openapi_spec_validator import validate
from oslo_config import cfg
from oslo_utils import importutils
import pytest

from karbor.api import openapi
from karbor.api.v1 import router
from karbor.api import validation
from karbor.tests.unit.api import helpers

CONF = cfg.CONF


def _operation(doc, method, template):
    return doc['paths'][openapi.V1_PREFIX + template][method.lower()]


def _params(operation, where):
    return {p['name']: p for p in operation['parameters']
            if p['in'] == where}


def test_document_is_valid_openapi():
    doc = openapi.document('http://karbor.example:8799')
    validate(doc)
    assert doc['openapi'].startswith('3.1')
    assert doc['servers'] == [{'url': 'http://karbor.example:8799'}]


def test_every_route_is_described_once():
    doc = openapi.document()
    described = {(m.upper(), path) for path, ops in doc['paths'].items()
                 for m in ops if path.startswith(openapi.V1_PREFIX)}
    assert described == {(m, openapi.V1_PREFIX + t)
                         for m, t, _k, _a in router.ROUTES}


def test_request_bodies_are_the_validation_schemas():
    doc = openapi.document()
    schemas = doc['components']['schemas']
    bodies = 0
    for method, template, key, action in router.ROUTES:
        operation = _operation(doc, method, template)
        controller = importutils.import_class(router.CONTROLLERS[key])
        expected = validation.body_schema(controller, action)
        if expected is None:
            assert 'requestBody' not in operation
            continue
        bodies += 1
        ref = operation['requestBody']['content']['application/json'][
            'schema']['$ref']
        assert schemas[ref.rsplit('/', 1)[1]] == expected
    # Every POST and PUT validates its body.
    assert bodies == len([r for r in router.ROUTES
                          if r[0] in router.BODY_METHODS])


def test_recoveries_share_create_with_their_own_schema():
    from karbor.api.schemas import restores
    from karbor.api.v1 import restores as restores_api
    from karbor.api.v1 import verifications
    assert validation.body_schema(restores_api.RestoresController,
                                  'create') is restores.create
    assert validation.body_schema(verifications.VerificationsController,
                                  'create') is restores.create_verification


def test_path_and_paging_parameters():
    doc = openapi.document()
    operation = _operation(doc, 'GET', 'plans')
    assert set(_params(operation, 'path')) == {'project_id'}
    query = _params(operation, 'query')
    assert {'limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'offset',
            'all_tenants', 'name', 'status', 'description'} <= set(query)
    assert query['limit']['schema'] == {'type': 'integer', 'format': 'int64',
                                        'minimum': 1}
    assert query['offset']['schema']['maximum'] == 2 ** 63 - 1
    checkpoint = _operation(doc, 'GET',
                            'providers/{provider_id}/checkpoints/'
                            '{checkpoint_id}')
    assert set(_params(checkpoint, 'path')) == {
        'project_id', 'provider_id', 'checkpoint_id'}


def test_every_list_action_has_its_filters():
    listed = {(key, action) for _m, _t, key, action in router.ROUTES
              if action.endswith('index')}
    # The protectable types are a plain list, without paging or filters.
    listed.remove(('protectables', 'index'))
    assert set(openapi.LISTS) | set(openapi.EXTRA_QUERIES) >= listed
    for option, _offset in openapi.LISTS.values():
        assert isinstance(getattr(CONF, option), list)


def test_filters_follow_the_configuration():
    CONF.set_override('query_restore_filters', ['status', 'plan_id'])
    operation = _operation(openapi.document(), 'GET', 'restores')
    assert {'status', 'plan_id'} <= set(_params(operation, 'query'))


def test_responses_and_security():
    doc = openapi.document()
    create = _operation(doc, 'POST', 'plans')
    assert {'200', '400', '401', '403', '413', '415', '503'} <= set(
        create['responses'])
    assert '404' in _operation(doc, 'GET', 'plans/{id}')['responses']
    assert 'content' not in _operation(doc, 'DELETE', 'plans/{id}')[
        'responses']['200']
    assert doc['security'] == [{'token': []}]
    scheme = doc['components']['securitySchemes']['token']
    assert (scheme['type'], scheme['in'], scheme['name']) == (
        'apiKey', 'header', 'X-Auth-Token')
    assert doc['paths'][openapi.PATH]['get']['security'] == []


def test_served_without_token(noauth_app):
    response = helpers.request(noauth_app, 'GET', openapi.PATH, token=None)
    assert response.status_int == 200
    assert response.content_type == 'application/json'
    doc = response.json
    validate(doc)
    assert doc['servers'] == [{'url': 'http://localhost'}]
    assert doc == openapi.document('http://localhost')


def test_served_base_url_follows_the_option(noauth_app):
    CONF.set_override('osapi_karbor_base_URL', 'https://cloud/data-protect')
    response = helpers.request(noauth_app, 'GET', openapi.PATH, token=None)
    assert response.json['servers'] == [
        {'url': 'https://cloud/data-protect'}]


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
def test_only_get(noauth_app, method):
    response = helpers.request(noauth_app, method, openapi.PATH, token=None)
    helpers.assert_fault(response, 405, 'badMethod')
