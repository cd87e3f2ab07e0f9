"""Checkpoints: protect, list, show, delete, reset state; errors; quota."""

import json

import pytest

from karbor.tests.unit.api import conftest
from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import NOOP
from karbor.tests.unit.api.flow_helpers import OTHER
from karbor.tests.unit.api.flow_helpers import RECORDER

RECORDER_PROVIDER = True
VIEW_KEYS = {'id', 'project_id', 'status', 'protection_plan',
             'resource_graph', 'created_at', 'extra_info', 'error_info'}
# The show view embeds the operation's progress and who cancelled it.
SHOW_KEYS = VIEW_KEYS | {'progress', 'cancelled_by', 'cancelled_at'}


def test_protect_to_available(api):
    plan = fh.create_plan(api)
    created = fh.create_checkpoint(api, plan)
    assert set(created) == VIEW_KEYS
    assert created['status'] == 'protecting'
    assert created['project_id'] == helpers.PROJECT
    assert created['protection_plan']['id'] == plan['id']
    assert json.loads(created['extra_info']) == {'created_by': 'manual'}
    shown = fh.wait_for(
        lambda: fh.show_checkpoint(api, NOOP, created['id']), ('available',))
    assert set(shown) == SHOW_KEYS
    assert shown['progress']['status'] == 'available'
    assert shown['progress']['percent'] == 100.0
    graph = json.loads(shown['resource_graph'])
    assert list(graph[0]) == ['0x0'] and graph[1] == []
    assert graph[0]['0x0'] == [fh.VOLUME_TYPE, fh.VOLUME, 'vol1', None]
    assert shown['protection_plan']['resources'] == [
        {'id': fh.VOLUME, 'type': fh.VOLUME_TYPE, 'name': 'vol1',
         'extra_info': None}]
    assert shown['error_info'] is None
    assert len(shown['created_at']) == 10
    assert shown['protection_plan']['provider_id'] == NOOP
    listed = fh.ok(helpers.request(api, 'GET', fh.checkpoints_path(),
                                   token=MEMBER))
    assert listed == {'checkpoints': [
        {key: shown[key] for key in VIEW_KEYS}]}


@pytest.mark.parametrize('key', ['extra-info', 'extra_info'])
def test_extra_info_is_kept(api, key):
    plan = fh.create_plan(api)
    response = helpers.request(
        api, 'POST', fh.checkpoints_path(),
        body={'checkpoint': {'plan_id': plan['id'],
                             key: {'key2': 'v2'}}}, token=MEMBER)
    checkpoint = fh.ok(response)['checkpoint']
    assert json.loads(checkpoint['extra_info']) == {
        'key2': 'v2', 'created_by': 'manual'}


@pytest.mark.parametrize('body', [
    {'checkpoint': {'plan_id': fh.VOLUME, 'extra': {}}},
    {'checkpoint': {'extra-info': None}},
    {'checkpoint': {'plan_id': 'not-a-uuid'}},
    {'checkpoint': {'plan_id': fh.VOLUME, 'extra-info': {'a': [1]}}},
    {'checkpoint': {'plan_id': fh.VOLUME, 'extra-info': 'text'}},
    {'other': {}},
])
def test_create_validation(api, body):
    response = helpers.request(api, 'POST', fh.checkpoints_path(),
                               body=body, token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')


def test_create_bad_json(api):
    response = helpers.request(api, 'POST', fh.checkpoints_path(),
                               body='{"checkpoint": ', token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')


def test_create_errors(api):
    plan = fh.create_plan(api)
    body = {'checkpoint': {'plan_id': plan['id']}}
    # Plan of another provider.
    response = helpers.request(api, 'POST', fh.checkpoints_path(RECORDER),
                               body=body, token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')
    # Another project's plan.
    response = helpers.request(api, 'POST',
                               fh.checkpoints_path(base=fh.OTHER_BASE),
                               body=body, token=OTHER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    # Missing plan.
    response = helpers.request(
        api, 'POST', fh.checkpoints_path(),
        body={'checkpoint': {'plan_id': helpers.OTHER_PROJECT}},
        token=MEMBER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    # Non-UUID provider.
    response = helpers.request(api, 'POST', BASE + '/providers/x/checkpoints',
                               body=body, token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest', 'provider')


def test_unknown_provider(api):
    path = fh.checkpoints_path(helpers.OTHER_PROJECT)
    response = helpers.request(api, 'GET', path, token=MEMBER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    response = helpers.request(api, 'GET', path + '/' + fh.VOLUME,
                               token=MEMBER)
    helpers.assert_fault(response, 404, 'itemNotFound')


def test_show_errors_and_isolation(api):
    _plan, checkpoint = fh.protected(api)
    path = fh.checkpoints_path()
    for bad in ('x', 'not-a-uuid'):
        response = helpers.request(api, 'GET', '%s/%s' % (path, bad),
                                   token=MEMBER)
        helpers.assert_fault(response, 400, 'badRequest', 'checkpoint')
    response = helpers.request(api, 'GET', path + '/' + fh.VOLUME,
                               token=MEMBER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    other = fh.checkpoints_path(base=fh.OTHER_BASE) + '/' + checkpoint['id']
    for method, body in (('GET', None), ('DELETE', None),
                         ('PUT', {'os-resetState': {'state': 'error'}})):
        response = helpers.request(api, method, other, body=body,
                                   token=OTHER)
        helpers.assert_fault(response, 404, 'itemNotFound')
    listed = fh.ok(helpers.request(
        api, 'GET', fh.checkpoints_path(base=fh.OTHER_BASE), token=OTHER))
    assert listed == {'checkpoints': []}
    # The owner still sees it unchanged.
    assert fh.show_checkpoint(api, NOOP, checkpoint['id']) == checkpoint


def test_admin_all_tenants(api):
    _plan, mine = fh.protected(api)
    _plan, theirs = fh.protected(api, token=OTHER, base=fh.OTHER_BASE)
    admin = fh.ADMIN
    path = fh.checkpoints_path()
    body = fh.ok(helpers.request(api, 'GET', path, token=admin))
    assert [c['id'] for c in body['checkpoints']] == [mine['id']]
    body = fh.ok(helpers.request(api, 'GET', path + '?all_tenants=1',
                                 token=admin))
    assert {c['id'] for c in body['checkpoints']} == {mine['id'],
                                                      theirs['id']}
    body = fh.ok(helpers.request(
        api, 'GET', path + '?all_tenants=1&project_id=' +
        helpers.OTHER_PROJECT, token=admin))
    assert [c['id'] for c in body['checkpoints']] == [theirs['id']]
    # Members cannot widen their view.
    body = fh.ok(helpers.request(api, 'GET', path + '?all_tenants=1',
                                 token=MEMBER))
    assert [c['id'] for c in body['checkpoints']] == [mine['id']]


def test_paging_filters_and_links(api):
    plan = fh.create_plan(api)
    other_plan = fh.create_plan(api)
    ids = [fh.create_checkpoint(api, plan)['id'] for _i in range(3)]
    fh.create_checkpoint(api, other_plan)
    path = fh.checkpoints_path()
    body = fh.ok(helpers.request(
        api, 'GET', path + '?plan_id=%s&limit=2&sort=id:asc' % plan['id'],
        token=MEMBER))
    first = [c['id'] for c in body['checkpoints']]
    assert first == sorted(ids)[:2]
    link = body['checkpoints_links'][0]
    assert link['rel'] == 'next'
    assert '/providers/%s/checkpoints?' % NOOP in link['href']
    assert 'marker=' + first[-1] in link['href']
    body = fh.ok(helpers.request(
        api, 'GET', path + '?plan_id=%s&limit=2&sort=id:asc&marker=%s'
        % (plan['id'], first[-1]), token=MEMBER))
    assert [c['id'] for c in body['checkpoints']] == sorted(ids)[2:]
    assert 'checkpoints_links' not in body
    body = fh.ok(helpers.request(
        api, 'GET', path + '?start_date=2000-01-01&end_date=2000-12-31',
        token=MEMBER))
    assert body == {'checkpoints': []}
    body = fh.ok(helpers.request(api, 'GET', path + '?start_date=2000-01-01',
                                 token=MEMBER))
    assert len(body['checkpoints']) == 4


@pytest.mark.parametrize('query', ['start_date=2017/07/01',
                                   'end_date=yesterday',
                                   'plan_id=nope', 'limit=0', 'sort=id:up',
                                   'all_tenants=maybe'])
def test_list_bad_query(api, query):
    response = helpers.request(api, 'GET', fh.checkpoints_path() + '?' +
                               query, token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')


def test_reset_state(api):
    _plan, checkpoint = fh.protected(api)
    path = fh.checkpoints_path() + '/' + checkpoint['id']
    for state in ('error', 'available'):
        response = helpers.request(api, 'PUT', path, token=fh.ADMIN,
                                   body={'os-resetState': {'state': state}})
        assert fh.ok(response) == {}
        assert fh.show_checkpoint(api, NOOP, checkpoint['id'])[
            'status'] == state
    for body in ({'os-resetState': {'state': 'deleted'}},
                 {'os-resetState': {}}, {'state': 'error'}):
        response = helpers.request(api, 'PUT', path, token=fh.ADMIN,
                                   body=body)
        helpers.assert_fault(response, 400, 'badRequest')


def _restore(api, checkpoint):
    return helpers.request(api, 'POST', BASE + '/restores', token=MEMBER,
                           body={'restore': {'provider_id': RECORDER,
                                             'checkpoint_id': checkpoint['id'],
                                             'parameters': {}}})


def test_reset_state_is_admin_only_by_default(api):
    """A member cannot make a failed checkpoint available to restore it."""
    failed = fh.failed_checkpoint(api)
    assert failed['status'] == 'error'
    path = fh.checkpoints_path(RECORDER) + '/' + failed['id']
    response = helpers.request(api, 'PUT', path, token=MEMBER, body={
        'os-resetState': {'state': 'available'}})
    helpers.assert_fault(response, 403, 'forbidden')
    assert fh.show_checkpoint(api, RECORDER, failed['id']) == failed
    helpers.assert_fault(_restore(api, failed), 400, 'badRequest')
    restores = fh.ok(helpers.request(api, 'GET', BASE + '/restores',
                                     token=MEMBER))
    assert restores == {'restores': []}
    response = helpers.request(api, 'PUT', path, token=fh.ADMIN, body={
        'os-resetState': {'state': 'available'}})
    assert fh.ok(response) == {}
    assert fh.show_checkpoint(api, RECORDER, failed['id'])[
        'status'] == 'available'


def test_operator_may_open_reset_state_to_members(api, tmp_path):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text(
        '"provider:checkpoint_update": "rule:admin_or_owner"\n')
    conftest.CONF.set_override('policy_file', str(policy_file),
                               group='oslo_policy')
    try:
        _plan, checkpoint = fh.protected(api)
        path = fh.checkpoints_path() + '/' + checkpoint['id']
        response = helpers.request(api, 'PUT', path, token=MEMBER, body={
            'os-resetState': {'state': 'error'}})
        assert fh.ok(response) == {}
        assert fh.show_checkpoint(api, NOOP, checkpoint['id'])[
            'status'] == 'error'
        # Still only for the owner.
        response = helpers.request(
            api, 'PUT', fh.checkpoints_path(base=fh.OTHER_BASE) + '/' +
            checkpoint['id'], token=OTHER,
            body={'os-resetState': {'state': 'available'}})
        helpers.assert_fault(response, 404, 'itemNotFound')
    finally:
        conftest.CONF.clear_override('policy_file', group='oslo_policy')


def test_reset_and_delete_of_protecting_checkpoint(api):
    plan = fh.create_plan(api, RECORDER, parameters={
        fh.VOLUME_TYPE: {'sleep': 1}})
    checkpoint = fh.create_checkpoint(api, plan)
    path = fh.checkpoints_path(RECORDER) + '/' + checkpoint['id']
    response = helpers.request(api, 'PUT', path, token=fh.ADMIN,
                               body={'os-resetState': {'state': 'error'}})
    helpers.assert_fault(response, 400, 'badRequest')
    response = helpers.request(api, 'DELETE', path, token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')
    fh.wait_for(lambda: fh.show_checkpoint(api, RECORDER, checkpoint['id']),
                ('available',))


def test_protect_failure_ends_in_error(api):
    assert fh.failed_checkpoint(api)['status'] == 'error'


def test_delete(api):
    _plan, checkpoint = fh.protected(api)
    path = fh.checkpoints_path() + '/' + checkpoint['id']
    assert fh.ok(helpers.request(api, 'DELETE', path, token=MEMBER)) == {}

    def gone():
        response = helpers.request(api, 'GET', path, token=MEMBER)
        if response.status_int == 404:
            return {'status': 'gone'}
        return response.json['checkpoint']
    assert fh.wait_for(gone, ('gone', 'deleted'))['status'] in ('gone',
                                                                'deleted')
    body = fh.ok(helpers.request(api, 'GET', fh.checkpoints_path(),
                                 token=MEMBER))
    assert body == {'checkpoints': []}


def test_checkpoint_quota(api):
    response = helpers.request(
        api, 'PUT', BASE + '/quotas/' + helpers.PROJECT,
        body={'quota': {'checkpoints': 1}}, token=fh.ADMIN)
    assert fh.ok(response)['quota']['checkpoints'] == 1
    plan, checkpoint = fh.protected(api)
    response = helpers.request(api, 'POST', fh.checkpoints_path(),
                               body={'checkpoint': {'plan_id': plan['id']}},
                               token=MEMBER)
    helpers.assert_fault(response, 413, 'overLimit', 'checkpoints')
    # Refused before anything was written.
    listed = fh.ok(helpers.request(api, 'GET', fh.checkpoints_path(),
                                   token=MEMBER))['checkpoints']
    assert [c['id'] for c in listed] == [checkpoint['id']]
    detail = fh.ok(helpers.request(
        api, 'GET', BASE + '/quotas/%s/detail' % helpers.PROJECT,
        token=MEMBER))['quota']
    assert detail['checkpoints'] == {'limit': 1, 'in_use': 1, 'reserved': 0}
    path = fh.checkpoints_path() + '/' + checkpoint['id']
    fh.ok(helpers.request(api, 'DELETE', path, token=MEMBER))
    detail = fh.ok(helpers.request(
        api, 'GET', BASE + '/quotas/%s/detail' % helpers.PROJECT,
        token=MEMBER))['quota']
    assert detail['checkpoints']['in_use'] == 0
    fh.create_checkpoint(api, plan)


def test_stepless_protect_is_finished_when_create_answers(api):
    """No-Op plugins have no hook: the create answers as accepted, and the
    checkpoint is already available with its graph and a closed log."""
    plan = fh.create_plan(api)
    created = fh.create_checkpoint(api, plan)
    assert created['status'] == 'protecting'
    shown = fh.show_checkpoint(api, fh.NOOP, created['id'])
    assert shown['status'] == 'available'
    assert json.loads(shown['resource_graph'])[0]
    assert created['resource_graph'] == shown['resource_graph']
    logs = fh.ok(helpers.request(
        api, 'GET', BASE + '/operation_logs?checkpoint_id=%s' % created['id'],
        token=MEMBER))['operation_logs']
    assert [(log['operation_type'], log['status']) for log in logs] == [
        ('protect', 'success')]
    assert logs[0]['ended_at'] is not None


def test_json_accept_header_is_served(api):
    plan = fh.create_plan(api)
    response = helpers.request(api, 'GET', BASE + '/plans/' + plan['id'],
                               token=MEMBER,
                               headers={'Accept': 'application/json'})
    assert fh.ok(response)['plan']['id'] == plan['id']
    response = helpers.request(api, 'GET', BASE + '/plans/' + plan['id'],
                               token=MEMBER,
                               headers={'Accept': 'application/xml'})
    assert response.status_int == 406
