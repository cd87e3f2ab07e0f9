"""Restores: start to final status, validation before creation, isolation,
paging."""

import pytest

from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import NOOP
from karbor.tests.unit.api.flow_helpers import OTHER
from karbor.tests.unit.api.flow_helpers import RECORDER

RECORDER_PROVIDER = True
VIEW_KEYS = {'id', 'project_id', 'provider_id', 'checkpoint_id',
             'restore_target', 'parameters', 'status', 'resources_status',
             'resources_reason'}


def restore_body(checkpoint, provider_id=NOOP, **overrides):
    restore = {'provider_id': provider_id,
               'checkpoint_id': checkpoint['id'], 'restore_target': None,
               'restore_auth': None, 'parameters': {}}
    restore.update(overrides)
    return {'restore': restore}


def start(api, body, token=MEMBER, base=BASE):
    return fh.ok(helpers.request(api, 'POST', base + '/restores', body=body,
                                 token=token))['restore']


def finished(api, restore_id, token=MEMBER, base=BASE):
    return fh.wait_for(
        lambda: fh.show(api, '%s/restores/%s' % (base, restore_id),
                        'restore', token),
        ('success', 'fail'))


def listed(api, query='', token=MEMBER, base=BASE):
    return fh.ok(helpers.request(api, 'GET', base + '/restores' + query,
                                 token=token))


def test_noop_restore_succeeds(api):
    _plan, checkpoint = fh.protected(api)
    body = restore_body(checkpoint, restore_target='http://10.0.0.1/identity',
                        restore_auth={'type': 'password', 'username': 'u',
                                      'password': 'secretpw'})
    response = helpers.request(api, 'POST', BASE + '/restores', body=body,
                               token=MEMBER)
    assert b'secretpw' not in response.body
    restore = fh.ok(response)['restore']
    assert set(restore) == VIEW_KEYS
    assert restore['status'] == 'in_progress'
    assert restore['restore_target'] == 'http://10.0.0.1/identity'
    assert restore['project_id'] == helpers.PROJECT
    done = finished(api, restore['id'])
    assert done['status'] == 'success'
    # The show view adds the progress and who cancelled it.
    assert done.pop('progress')['percent'] == 100.0
    assert done.pop('cancelled_by') is done.pop('cancelled_at') is None
    assert listed(api) == {'restores': [done]}


def test_recorder_restore_statuses(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    restore = start(api, restore_body(checkpoint, RECORDER))
    done = finished(api, restore['id'])
    assert done['status'] == 'success'
    assert done['resources_status'] == {
        '%s#restored-%s' % (fh.VOLUME_TYPE, fh.VOLUME): 'available'}


def test_recorder_restore_failure(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    restore = start(api, restore_body(checkpoint, RECORDER, parameters={
        fh.VOLUME_TYPE: {'fail_on': 'on_main'}}))
    assert restore['parameters'] == {fh.VOLUME_TYPE: {'fail_on': 'on_main'}}
    done = finished(api, restore['id'])
    assert done['status'] == 'fail'
    assert any('on_main failed' in reason
               for reason in done['resources_reason'].values()), done


def _assert_rejected(api, body, code, name, message=None):
    response = helpers.request(api, 'POST', BASE + '/restores', body=body,
                               token=MEMBER)
    helpers.assert_fault(response, code, name, message)
    assert listed(api) == {'restores': []}


def test_invalid_input_creates_nothing(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    _assert_rejected(api, restore_body(checkpoint, helpers.OTHER_PROJECT),
                     400, 'badRequest', 'provider')
    _assert_rejected(api, restore_body(checkpoint, RECORDER, parameters={
        fh.VOLUME_TYPE: {'no_such_option': '1'}}), 400, 'badRequest',
        'no_such_option')
    _assert_rejected(api, restore_body({'id': fh.VOLUME}, RECORDER),
                     404, 'itemNotFound')
    _assert_rejected(api, restore_body(checkpoint, RECORDER,
                                       checkpoint_id='nope'),
                     400, 'badRequest')
    _assert_rejected(api, restore_body(checkpoint, RECORDER, extra=1),
                     400, 'badRequest')
    _assert_rejected(api, '{"restore": [', 400, 'badRequest')


def test_checkpoint_not_available(api):
    plan = fh.create_plan(api, RECORDER, parameters={
        fh.VOLUME_TYPE: {'fail_on': 'on_main'}})
    checkpoint = fh.create_checkpoint(api, plan)
    fh.wait_for(lambda: fh.show_checkpoint(api, RECORDER, checkpoint['id']),
                ('error',))
    _assert_rejected(api, restore_body(checkpoint, RECORDER), 400,
                     'badRequest')


def test_other_projects_checkpoint_and_restore(api):
    _plan, checkpoint = fh.protected(api)
    response = helpers.request(api, 'POST', fh.OTHER_BASE + '/restores',
                               body=restore_body(checkpoint), token=OTHER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    restore = start(api, restore_body(checkpoint))
    response = helpers.request(api, 'GET', '%s/restores/%s'
                               % (fh.OTHER_BASE, restore['id']), token=OTHER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    assert listed(api, token=OTHER, base=fh.OTHER_BASE) == {'restores': []}
    admin = listed(api, '?all_tenants=1', token=fh.ADMIN)
    assert [r['id'] for r in admin['restores']] == [restore['id']]


@pytest.mark.parametrize('restore_id,code', [('nope', 400),
                                             (fh.VOLUME, 404)])
def test_show_errors(api, restore_id, code):
    response = helpers.request(api, 'GET', BASE + '/restores/' + restore_id,
                               token=MEMBER)
    helpers.assert_fault(response, code,
                         'badRequest' if code == 400 else 'itemNotFound')


def test_paging_and_filters(api):
    _plan, checkpoint = fh.protected(api)
    ids = [start(api, restore_body(checkpoint))['id'] for _i in range(3)]
    for restore_id in ids:
        finished(api, restore_id)
    body = listed(api, '?limit=2&sort=id:asc')
    assert [r['id'] for r in body['restores']] == sorted(ids)[:2]
    href = body['restores_links'][0]['href']
    assert '/v1/%s/restores?' % helpers.PROJECT in href
    body = listed(api, '?limit=2&sort=id:asc&marker=' + sorted(ids)[1])
    assert [r['id'] for r in body['restores']] == sorted(ids)[2:]
    assert len(listed(api, '?status=success')['restores']) == 3
    assert listed(api, '?status=fail') == {'restores': []}
    # Keys outside query_restore_filters are ignored for members.
    assert len(listed(api, '?provider_id=x')['restores']) == 3
