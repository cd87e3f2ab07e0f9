"""Progress and cancel routes in-process: a running recorder checkpoint
is cancelled (202, then ``cancelled``); bad input is a 400 that changes
nothing; ended operations answer 409; unknown or other projects' 404."""

import uuid

from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import OTHER
from karbor.tests.unit.api.flow_helpers import RECORDER

RECORDER_PROVIDER = True


def running_checkpoint(api):
    plan = fh.create_plan(api, RECORDER, parameters={
        fh.VOLUME_TYPE: {'sleep': 3}})
    checkpoint = fh.create_checkpoint(api, plan)
    return '%s/%s' % (fh.checkpoints_path(RECORDER), checkpoint['id'])


def test_cancel_a_running_checkpoint(api):
    path = running_checkpoint(api)
    # Bad input: 400, nothing recorded, still running.
    helpers.assert_fault(helpers.request(
        api, 'POST', path + '/cancel', body={'force': True}, token=MEMBER),
        400, 'badRequest', 'force')
    assert fh.show(api, path, 'checkpoint')['cancelled_by'] is None
    # Another project: 404, still running.
    theirs = path.replace(BASE, fh.OTHER_BASE)
    helpers.assert_fault(helpers.request(api, 'POST', theirs + '/cancel',
                                         token=OTHER), 404, 'itemNotFound')
    helpers.assert_fault(helpers.request(api, 'GET', theirs + '/progress',
                                         token=OTHER), 404, 'itemNotFound')
    answer = helpers.request(api, 'POST', path + '/cancel', body={},
                             token=MEMBER)
    assert answer.status_int == 202, answer.body
    assert answer.json['checkpoint']['status'] == 'protecting'
    done = fh.wait_for(lambda: fh.show(api, path, 'checkpoint'),
                       ('cancelled', 'available', 'error'))
    assert done['status'] == 'cancelled'
    assert done['cancelled_by'] == 'alice'
    assert done['progress']['status'] == 'cancelled'
    progress = fh.show(api, path + '/progress', 'progress')
    assert progress['status'] == 'cancelled'
    assert [r['type'] for r in progress['resources']] == [fh.VOLUME_TYPE]
    helpers.assert_fault(helpers.request(api, 'POST', path + '/cancel',
                                         token=MEMBER), 409,
                         'conflictingRequest', 'cannot be cancelled')


def test_ended_and_unknown_operations(api):
    _plan, checkpoint = fh.protected(api)
    path = '%s/%s' % (fh.checkpoints_path(), checkpoint['id'])
    helpers.assert_fault(helpers.request(api, 'POST', path + '/cancel',
                                         token=MEMBER), 409,
                         'conflictingRequest')
    assert fh.show(api, path + '/progress', 'progress')['percent'] == 100.0
    for kind in ('restores', 'verifications'):
        unknown = '%s/%s/%s' % (BASE, kind, uuid.uuid4())
        helpers.assert_fault(helpers.request(api, 'POST', unknown + '/cancel',
                                             token=MEMBER), 404,
                             'itemNotFound')
        helpers.assert_fault(helpers.request(api, 'GET', unknown +
                                             '/progress', token=MEMBER),
                             404, 'itemNotFound')
        helpers.assert_fault(helpers.request(
            api, 'GET', '%s/%s/not-a-uuid/progress' % (BASE, kind),
            token=MEMBER), 400, 'badRequest')
    unknown = '%s/%s' % (fh.checkpoints_path(), uuid.uuid4())
    helpers.assert_fault(helpers.request(api, 'POST', unknown + '/cancel',
                                         token=MEMBER), 404, 'itemNotFound')
