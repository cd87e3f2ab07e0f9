"""What a new user stumbles on (issue 15): plans with types their provider
cannot protect, why a checkpoint failed, status-only plan updates, copy
ids and retries, the version links, sort keys and faults that name the
offending value.

Each refused request is checked to have changed nothing.
"""

import json

import pytest

from karbor.tests.unit.api import conftest
from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import RECORDER

RECORDER_PROVIDER = True
IMAGE_PROVIDER = True
IMAGES = conftest.IMAGE_PROVIDER_ID
IMAGE = '0f5a3e8b-1c2d-4e6f-8a9b-7c6d5e4f3a2b'


def _plans(api):
    return fh.ok(helpers.request(api, 'GET', BASE + '/plans',
                                 token=MEMBER))['plans']


def _plan_body(provider_id, resource_type):
    return {'plan': {'name': 'p', 'provider_id': provider_id,
                     'parameters': {},
                     'resources': [{'id': IMAGE, 'type': resource_type,
                                    'name': 'r'}]}}


def test_plan_create_refuses_types_without_plugin(api):
    response = helpers.request(api, 'POST', BASE + '/plans', token=MEMBER,
                               body=_plan_body(IMAGES, fh.VOLUME_TYPE))
    message = helpers.assert_fault(response, 400, 'badRequest')
    assert 'no protection plugin for the resource types ' \
        'OS::Cinder::Volume (resources[].type)' in message
    assert 'OS::Glance::Image' in message
    assert _plans(api) == []
    response = helpers.request(api, 'POST', BASE + '/plans', token=MEMBER,
                               body=_plan_body(IMAGES, 'OS::Glance::Image'))
    assert fh.ok(response)['plan']['provider_id'] == IMAGES


def test_plan_update_refuses_types_without_plugin(api):
    plan = fh.ok(helpers.request(
        api, 'POST', BASE + '/plans', token=MEMBER,
        body=_plan_body(IMAGES, 'OS::Glance::Image')))['plan']
    path = BASE + '/plans/' + plan['id']
    response = helpers.request(api, 'PUT', path, token=MEMBER, body={
        'plan': {'resources': [{'id': IMAGE, 'type': 'OS::Nova::Server',
                                'name': 'vm'}]}})
    message = helpers.assert_fault(response, 400, 'badRequest')
    assert 'OS::Nova::Server' in message
    assert fh.ok(helpers.request(api, 'GET', path,
                                 token=MEMBER))['plan'] == plan


def test_only_the_status_of_a_started_plan_may_change(api):
    plan = fh.create_plan(api)
    path = BASE + '/plans/' + plan['id']
    for status in ('started', 'suspended', 'started'):
        updated = fh.ok(helpers.request(api, 'PUT', path, token=MEMBER,
                                        body={'plan': {'status': status}}))
        assert updated['plan']['status'] == status
    response = helpers.request(api, 'PUT', path, token=MEMBER, body={
        'plan': {'status': 'suspended', 'name': 'renamed'}})
    message = helpers.assert_fault(response, 400, 'badRequest')
    assert plan['id'] in message and 'started' in message
    shown = fh.ok(helpers.request(api, 'GET', path, token=MEMBER))['plan']
    assert (shown['name'], shown['status']) == (plan['name'], 'started')


def test_error_checkpoint_says_why(api):
    failed = fh.failed_checkpoint(api)
    assert failed['status'] == 'error'
    assert fh.VOLUME in failed['error_info']
    [log] = fh.ok(helpers.request(
        api, 'GET', BASE + '/operation_logs?checkpoint_id=' + failed['id'],
        token=MEMBER))['operation_logs']
    assert failed['error_info'] == log['error_info']
    _plan, good = fh.protected(api, RECORDER)
    assert good['error_info'] is None
    listed = fh.ok(helpers.request(api, 'GET', fh.checkpoints_path(RECORDER),
                                   token=MEMBER))['checkpoints']
    assert {item['id']: item['error_info'] for item in listed} == {
        failed['id']: failed['error_info'], good['id']: None}


def _copy(api, plan, parameters=None):
    return helpers.request(
        api, 'POST', fh.checkpoints_path(RECORDER) + '/action', token=MEMBER,
        body={'copy': {'plan_id': plan['id'],
                       'parameters': parameters or {}}})


def _logs(api, operation_type):
    logs = fh.ok(helpers.request(api, 'GET', BASE + '/operation_logs',
                                 token=MEMBER))['operation_logs']
    return [log for log in logs if log['operation_type'] == operation_type]


def test_copy_has_id_and_status_and_a_failed_copy_can_be_retried(api):
    plan, checkpoint = fh.protected(api, RECORDER)
    failing = {fh.VOLUME_TYPE: {'fail_on': 'on_main'}}
    first = fh.ok(_copy(api, plan, failing))['copy']
    assert first['status'] == 'wait_copying'
    assert first['id'] in {json.loads(log['extra_info']).get('copy_id')
                           for log in _logs(api, 'copy')}
    [pair] = first['checkpoint_id']
    failed = fh.wait_for(lambda: fh.show_checkpoint(
        api, RECORDER, pair['checkpoint_copy_id']), ('available', 'error'))
    assert failed['status'] == 'error'
    assert failed['error_info']
    retry = fh.ok(_copy(api, plan))['copy']
    assert retry['id'] != first['id']
    [again] = retry['checkpoint_id']
    assert again['checkpoint_protect_id'] == checkpoint['id']
    copied = fh.wait_for(lambda: fh.show_checkpoint(
        api, RECORDER, again['checkpoint_copy_id']), ('available', 'error'))
    assert copied['status'] == 'available'
    # Now every available checkpoint has its copy.
    message = helpers.assert_fault(_copy(api, plan), 400, 'badRequest')
    assert plan['id'] in message
    assert len(_logs(api, 'copy')) == 2


@pytest.mark.parametrize('path', ['/', '/v1', '/v1/'])
def test_each_version_link_answers(noauth_app, path):
    document = helpers.request(noauth_app, 'GET', path, token=None)
    assert document.status_int == 300
    for version in document.json['versions']:
        for link in version['links']:
            href = link['href']
            assert href.startswith('http://localhost/')
            followed = helpers.request(noauth_app, 'GET',
                                       href[len('http://localhost'):],
                                       token=None)
            assert followed.status_int == 300
            assert followed.json == document.json


def test_operation_logs_sort_by_their_own_keys(api):
    fh.protected(api)
    fh.protected(api)
    logs = fh.ok(helpers.request(
        api, 'GET', BASE + '/operation_logs?sort=started_at:desc',
        token=MEMBER))['operation_logs']
    started = [log['started_at'] for log in logs]
    assert len(started) == 2 and started == sorted(started, reverse=True)
    response = helpers.request(api, 'GET', BASE + '/operation_logs?sort=name',
                               token=MEMBER)
    message = helpers.assert_fault(response, 400, 'badRequest',
                                   'invalid sort key name, sort keys: ')
    for key in ('started_at', 'ended_at', 'status', 'operation_type'):
        assert key in message
    assert 'deleted' not in message


def test_noop_schemas_list_only_protectable_types(api):
    types = fh.ok(helpers.request(api, 'GET', BASE + '/protectables',
                                  token=MEMBER))['protectable_type']
    provider = fh.ok(helpers.request(
        api, 'GET', BASE + '/providers/' + fh.NOOP, token=MEMBER))['provider']
    for kind, schemas in provider['extended_info_schema'].items():
        assert sorted(schemas) == sorted(types), kind


@pytest.mark.parametrize('path, named', [
    ('/protectables/OS::No::Such/instances', 'OS::No::Such'),
    ('/plans?marker=nope', 'nope'),
    ('/plans?sort=:desc', ':desc'),
    ('/quotas/not-a-uuid', 'not-a-uuid'),
    ('/providers/%s/checkpoints?start_date=2020' % fh.NOOP, 'start_date'),
])
def test_faults_name_the_offending_value(api, path, named):
    response = helpers.request(api, 'GET', BASE + path, token=fh.ADMIN)
    assert named in helpers.assert_fault(response, 400, 'badRequest')


def test_unknown_provider_of_a_plan_is_named(api):
    body = _plan_body(fh.VOLUME, fh.VOLUME_TYPE)
    response = helpers.request(api, 'POST', BASE + '/plans', token=MEMBER,
                               body=body)
    assert fh.VOLUME in helpers.assert_fault(response, 400, 'badRequest')
    assert _plans(api) == []
