"""Quotas and quota classes."""

import pytest

from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import OTHER_PROJECT
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT
ADMIN = 'admin:' + PROJECT
MEMBER = 'alice:' + PROJECT


def test_show_defaults_and_detail(api):
    quota = helpers.request(api, 'GET', BASE + '/quotas/' + PROJECT,
                            token=MEMBER).json['quota']
    assert quota == {'plans': 50, 'checkpoints': -1, 'id': PROJECT}
    defaults = helpers.request(api, 'GET', BASE + '/quotas/%s/defaults'
                               % PROJECT, token=MEMBER).json['quota']
    assert defaults == quota
    detail = helpers.request(api, 'GET', BASE + '/quotas/%s/detail'
                             % PROJECT, token=MEMBER).json['quota']
    assert detail['plans'] == {'limit': 50, 'in_use': 0, 'reserved': 0}
    assert detail['id'] == PROJECT


def test_update_and_delete(api):
    path = BASE + '/quotas/' + OTHER_PROJECT
    response = helpers.request(api, 'PUT', path, token=ADMIN, body={
        'quota': {'plans': 20, 'checkpoints': '7', 'id': 'x',
                  'unknown': 3}})
    assert response.json == {'quota': {'plans': 20, 'checkpoints': 7}}
    quota = helpers.request(api, 'GET', path, token=ADMIN).json['quota']
    assert quota == {'plans': 20, 'checkpoints': 7, 'id': OTHER_PROJECT}
    response = helpers.request(api, 'DELETE', path, token=ADMIN)
    assert response.status_int == 200 and response.body == b''
    quota = helpers.request(api, 'GET', path, token=ADMIN).json['quota']
    assert quota['plans'] == 50


@pytest.mark.parametrize('value', ['abc', -2, '1.5'])
def test_bad_limits(api, value):
    response = helpers.request(api, 'PUT', BASE + '/quotas/' + PROJECT,
                               token=ADMIN, body={'quota': {'plans': value}})
    helpers.assert_fault(response, 400, 'badRequest')


def test_access_rules(api):
    response = helpers.request(api, 'GET', BASE + '/quotas/' + OTHER_PROJECT,
                               token=MEMBER)
    helpers.assert_fault(response, 403, 'forbidden')
    response = helpers.request(api, 'PUT', BASE + '/quotas/' + PROJECT,
                               token=MEMBER, body={'quota': {'plans': 99}})
    helpers.assert_fault(response, 403, 'forbidden')
    response = helpers.request(api, 'GET', BASE + '/quotas/not-a-uuid',
                               token=ADMIN)
    helpers.assert_fault(response, 400, 'badRequest')


def test_quota_classes(api):
    path = BASE + '/quota_classes/default'
    shown = helpers.request(api, 'GET', path, token=MEMBER).json
    assert shown == {'quota_class': {'plans': 50, 'checkpoints': -1,
                                     'id': 'default'}}
    response = helpers.request(api, 'PUT', path, token=ADMIN,
                               body={'quota_class': {'plans': 30}})
    assert response.json == {'quota_class': {'plans': 30,
                                             'checkpoints': -1}}
    quota = helpers.request(api, 'GET', BASE + '/quotas/%s/defaults'
                            % PROJECT, token=MEMBER).json['quota']
    assert quota['plans'] == 30
    response = helpers.request(api, 'PUT', path, token=MEMBER,
                               body={'quota_class': {'plans': 1}})
    helpers.assert_fault(response, 403, 'forbidden')
