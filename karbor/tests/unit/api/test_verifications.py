"""Verifications: start to final status, validation, isolation."""

from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import NOOP
from karbor.tests.unit.api.flow_helpers import OTHER
from karbor.tests.unit.api.flow_helpers import RECORDER

RECORDER_PROVIDER = True
VIEW_KEYS = {'id', 'project_id', 'provider_id', 'checkpoint_id',
             'parameters', 'status', 'resources_status', 'resources_reason'}


def body_for(checkpoint, provider_id=NOOP, **overrides):
    verification = {'provider_id': provider_id,
                    'checkpoint_id': checkpoint['id'], 'parameters': {}}
    verification.update(overrides)
    return {'verification': verification}


def start(api, body, token=MEMBER, base=BASE):
    return fh.ok(helpers.request(api, 'POST', base + '/verifications',
                                 body=body, token=token))['verification']


def finished(api, verification_id, token=MEMBER, base=BASE):
    return fh.wait_for(
        lambda: fh.show(api, '%s/verifications/%s' % (base, verification_id),
                        'verification', token),
        ('success', 'fail'))


def listed(api, query='', token=MEMBER, base=BASE):
    return fh.ok(helpers.request(api, 'GET', base + '/verifications' + query,
                                 token=token))


def test_noop_verification_succeeds(api):
    _plan, checkpoint = fh.protected(api)
    verification = start(api, body_for(checkpoint))
    assert set(verification) == VIEW_KEYS
    assert verification['status'] == 'in_progress'
    done = finished(api, verification['id'])
    assert done['status'] == 'success'
    # The show view adds the progress and who cancelled it.
    assert done.pop('progress')['percent'] == 100.0
    assert done.pop('cancelled_by') is done.pop('cancelled_at') is None
    assert listed(api) == {'verifications': [done]}
    assert listed(api, '?status=fail') == {'verifications': []}


def test_recorder_verification_statuses(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    done = finished(api, start(api, body_for(checkpoint, RECORDER))['id'])
    assert done['status'] == 'success'
    assert done['resources_status'] == {
        '%s#%s' % (fh.VOLUME_TYPE, fh.VOLUME): 'available'}
    failing = start(api, body_for(checkpoint, RECORDER, parameters={
        fh.VOLUME_TYPE: {'fail_on': 'on_main'}}))
    assert finished(api, failing['id'])['status'] == 'fail'


def test_invalid_input_creates_nothing(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    bad = [
        (body_for(checkpoint, helpers.OTHER_PROJECT), 400, 'badRequest'),
        (body_for(checkpoint, RECORDER, parameters={
            fh.VOLUME_TYPE: {'unknown': 'x'}}), 400, 'badRequest'),
        (body_for({'id': fh.VOLUME}, RECORDER), 404, 'itemNotFound'),
        (body_for(checkpoint, RECORDER, restore_target='x'), 400,
         'badRequest'),
        ('not json', 400, 'badRequest'),
    ]
    for body, code, name in bad:
        response = helpers.request(api, 'POST', BASE + '/verifications',
                                   body=body, token=MEMBER)
        helpers.assert_fault(response, code, name)
    assert listed(api) == {'verifications': []}


def test_isolation_and_show_errors(api):
    _plan, checkpoint = fh.protected(api)
    response = helpers.request(api, 'POST', fh.OTHER_BASE + '/verifications',
                               body=body_for(checkpoint), token=OTHER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    verification = start(api, body_for(checkpoint))
    path = '/verifications/' + verification['id']
    response = helpers.request(api, 'GET', fh.OTHER_BASE + path, token=OTHER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    response = helpers.request(api, 'GET', BASE + '/verifications/x',
                               token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')
    assert listed(api, token=OTHER, base=fh.OTHER_BASE) == {
        'verifications': []}
    finished(api, verification['id'])


def test_paging(api):
    _plan, checkpoint = fh.protected(api)
    ids = sorted(start(api, body_for(checkpoint))['id'] for _i in range(2))
    body = listed(api, '?limit=1&sort=id:asc')
    assert [v['id'] for v in body['verifications']] == ids[:1]
    assert 'marker=' + ids[0] in body['verifications_links'][0]['href']
    for verification_id in ids:
        finished(api, verification_id)
