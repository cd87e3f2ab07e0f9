"""The WSGI pipeline: version root, noauth, faults, content types."""

import pytest

from karbor import objects

from karbor.tests.unit.api import helpers
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT


@pytest.mark.parametrize('path', ['/', '/v1', '/v1/'])
def test_version_root_answers_300_without_auth(noauth_app, path):
    response = helpers.request(noauth_app, 'GET', path, token=None)
    assert response.status_int == 300
    assert response.content_type == 'application/json'
    version = response.json['versions'][0]
    assert version['id'] == 'v1.0'
    assert version['status'] == 'CURRENT'
    assert version['links'][0]['href'].endswith('/v1/')


def test_request_ids_are_returned(noauth_app):
    response = helpers.request(noauth_app, 'GET', '/')
    request_id = response.headers['x-openstack-request-id']
    assert request_id.startswith('req-')
    assert response.headers['x-compute-request-id'] == request_id


def test_noauth_user_header_acts_in_the_url_project(
        noauth_app, sqlite_db):  # noqa: F811
    # What the karbor CLI sends when OS_USERNAME is set and no token.
    objects.register_all()
    response = helpers.request(noauth_app, 'GET', BASE + '/plans',
                               token=None, headers={'X-Auth-User': 'alice',
                                                    'X-Auth-Key': 'pw'})
    assert response.status_int == 200
    assert response.json == {'plans': []}


def test_noauth_defaults_to_admin_token(noauth_app):
    response = helpers.request(noauth_app, 'GET', BASE + '/plans',
                               token=None)
    assert response.headers['X-Auth-Token'] == 'admin:admin'


def test_url_project_must_match_token_project(noauth_app):
    response = helpers.request(noauth_app, 'GET', '/v1/other/providers')
    helpers.assert_fault(response, 400, 'badRequest',
                         'Malformed request url')


def test_token_without_project_uses_the_user(noauth_app):
    response = helpers.request(noauth_app, 'GET', BASE + '/providers',
                               token='alice')
    helpers.assert_fault(response, 400, 'badRequest',
                         'Malformed request url')


def test_member_is_not_admin(noauth_app):
    response = helpers.request(noauth_app, 'GET', BASE + '/os-services',
                               token='alice:' + PROJECT)
    helpers.assert_fault(response, 403, 'forbidden', 'service:get_all')


def test_unknown_path_is_item_not_found(noauth_app):
    response = helpers.request(noauth_app, 'GET', BASE + '/nothing')
    helpers.assert_fault(response, 404, 'itemNotFound')


def test_unknown_top_level_path_is_a_fault(noauth_app):
    response = helpers.request(noauth_app, 'GET', '/v2/x', token=None)
    assert response.status_int in (204, 404)
    response = helpers.request(noauth_app, 'GET', '/v1/' + PROJECT)
    helpers.assert_fault(response, 404, 'itemNotFound')


def test_wrong_method_is_bad_method(noauth_app):
    response = helpers.request(noauth_app, 'DELETE', BASE + '/providers')
    helpers.assert_fault(response, 405, 'badMethod')


def test_action_path_is_not_found(noauth_app):
    response = helpers.request(noauth_app, 'POST',
                               BASE + '/plans/x/action', body={})
    helpers.assert_fault(response, 404, 'itemNotFound')


def test_non_json_body_is_bad_media_type(noauth_app):
    response = helpers.request(noauth_app, 'POST', BASE + '/plans',
                               body='<plan/>', content_type='text/xml')
    helpers.assert_fault(response, 415, 'badMediaType')


def test_malformed_json_is_bad_request(noauth_app):
    response = helpers.request(noauth_app, 'POST', BASE + '/plans',
                               body='{"plan": ')
    helpers.assert_fault(response, 400, 'badRequest',
                         'Malformed request body')


def test_schema_error_names_the_field(noauth_app):
    body = {'plan': {'name': 'p', 'provider_id': 'not-a-uuid',
                     'parameters': {}, 'resources': []}}
    response = helpers.request(noauth_app, 'POST', BASE + '/plans',
                               body=body)
    message = helpers.assert_fault(response, 400, 'badRequest')
    assert message.startswith(
        'Invalid input for field/attribute plan/provider_id. '
        'Value: not-a-uuid.')


def test_schema_error_for_unknown_key(noauth_app):
    body = {'plan': {'provider_id': PROJECT, 'parameters': {},
                     'colour': 'red'}}
    response = helpers.request(noauth_app, 'POST', BASE + '/plans',
                               body=body)
    message = helpers.assert_fault(response, 400, 'badRequest')
    assert 'field/attribute plan/colour. Value: red.' in message


def test_json_suffix_is_accepted(noauth_app):
    response = helpers.request(noauth_app, 'POST', BASE + '/plans.json',
                               body='{')
    helpers.assert_fault(response, 400, 'badRequest',
                         'Malformed request body')


@pytest.mark.parametrize('method,path', [
    ('DELETE', '/plans/%s' % PROJECT), ('POST', '/nothing'),
    ('PUT', '/providers')])
def test_malformed_json_is_bad_request_whatever_the_route(noauth_app, method,
                                                          path):
    response = helpers.request(noauth_app, method, BASE + path, body='{"a"')
    helpers.assert_fault(response, 400, 'badRequest',
                         'Malformed request body')


def test_javascript_bodies_are_checked_then_refused(noauth_app):
    javascript = 'application/javascript'
    response = helpers.request(noauth_app, 'POST', BASE + '/plans',
                               body='[', content_type=javascript)
    helpers.assert_fault(response, 400, 'badRequest')
    response = helpers.request(noauth_app, 'POST', BASE + '/plans',
                               body='{}', content_type=javascript)
    helpers.assert_fault(response, 415, 'badMediaType')


@pytest.mark.parametrize('accept,status', [
    ('', 200), ('*/*', 200), ('application/json; charset=utf-8', 200),
    ('text/html,application/xhtml+xml,*/*;q=0.8', 200), ('text/*', 200),
    ('text/plain', 406), ('application/xml', 406)])
def test_accept_header(noauth_app, sqlite_db, accept,  # noqa: F811
                       status):
    objects.register_all()
    response = helpers.request(noauth_app, 'GET', BASE + '/plans',
                               headers={'Accept': accept})
    assert response.status_int == status
    assert response.content_type == 'application/json'
    # The Accept header is looked at before the route.
    response = helpers.request(noauth_app, 'GET', BASE + '/nothing',
                               headers={'Accept': accept})
    assert response.status_int == (404 if status == 200 else 406)
