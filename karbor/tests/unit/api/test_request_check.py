"""Requests the API cannot read get a 4xx fault, and change nothing."""

import pytest

from karbor import objects
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT
PLAN = {'plan': {'name': 'p', 'provider_id': PROJECT, 'parameters': {},
                 'resources': []}}


@pytest.mark.parametrize('path', [
    '/v1/%ff', BASE + '/plans/%ff', BASE + '/%C3%28/x', '/%ff'])
def test_path_that_is_not_utf8_is_bad_request(noauth_app, path):
    response = helpers.request(noauth_app, 'GET', path)
    helpers.assert_fault(response, 400, 'badRequest', 'not valid UTF-8')


@pytest.mark.parametrize('method,path', [
    ('POST', '/plans'), ('PUT', '/plans/%s' % PROJECT),
    ('DELETE', '/plans/%s' % PROJECT), ('PUT', '/quotas/%s' % PROJECT),
    ('DELETE', '/quotas/%s' % PROJECT)])
@pytest.mark.parametrize('content_type', [
    # No boundary: the form parser fails on it.
    'multipart/form-data',
    # The form parser refuses charsets other than UTF-8.
    'application/x-www-form-urlencoded; charset=latin1'])
def test_form_body_is_bad_media_type_and_changes_nothing(
        noauth_app, sqlite_db, method, path, content_type):  # noqa: F811
    objects.register_all()
    response = helpers.request(noauth_app, method, BASE + path, body=PLAN,
                               content_type=content_type)
    helpers.assert_fault(response, 415, 'badMediaType',
                         'Unsupported Content-Type')
    plans = helpers.request(noauth_app, 'GET', BASE + '/plans')
    assert plans.json == {'plans': []}


def test_form_type_without_body_is_bad_media_type(noauth_app):
    response = helpers.request(
        noauth_app, 'DELETE', BASE + '/quotas/' + PROJECT,
        headers={'Content-Type': 'multipart/form-data'})
    helpers.assert_fault(response, 415, 'badMediaType')


def test_json_body_still_reaches_the_api(noauth_app):
    response = helpers.request(noauth_app, 'POST', BASE + '/plans',
                               body={'plan': {}})
    helpers.assert_fault(response, 400, 'badRequest', 'provider_id')


@pytest.mark.parametrize('path', [
    BASE + '/plans?status=a%00b', BASE + '/plans?%00=1',
    BASE + '/restores?status=%F4%84%81%87%00', BASE + '/plans/a%00b',
    BASE + '/quota_classes/%00', BASE + '/os-services?host=%00'])
def test_nul_in_the_url_is_bad_request(noauth_app, path):
    response = helpers.request(noauth_app, 'GET', path)
    helpers.assert_fault(response, 400, 'badRequest', 'NUL')
