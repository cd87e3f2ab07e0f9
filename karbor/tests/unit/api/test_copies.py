"""Copies: the checkpoints of a plan copied, errors."""

from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import NOOP
from karbor.tests.unit.api.flow_helpers import OTHER
from karbor.tests.unit.api.flow_helpers import RECORDER

RECORDER_PROVIDER = True


def action_path(provider_id=RECORDER, base=fh.BASE):
    return fh.checkpoints_path(provider_id, base) + '/action'


def copy(api, body, provider_id=RECORDER, token=MEMBER, base=fh.BASE):
    return helpers.request(api, 'POST', action_path(provider_id, base),
                           body=body, token=token)


def test_copy_to_finished(api):
    plan, checkpoint = fh.protected(api, RECORDER)
    result = fh.ok(copy(api, {'copy': {'plan_id': plan['id'],
                                       'parameters': {}}}))['copy']
    assert set(result) == {'id', 'status', 'project_id', 'provider_id',
                           'plan_id', 'checkpoint_id', 'parameters'}
    assert result['status'] == 'wait_copying'
    assert result['project_id'] == helpers.PROJECT
    assert result['provider_id'] == RECORDER
    assert result['plan_id'] == plan['id']
    [pair] = result['checkpoint_id']
    assert pair['checkpoint_protect_id'] == checkpoint['id']
    copied = fh.wait_for(
        lambda: fh.show_checkpoint(api, RECORDER,
                                   pair['checkpoint_copy_id']),
        ('available', 'finished', 'error'))
    assert copied['status'] in ('available', 'finished')
    # Copies count as checkpoints, and both can be deleted.
    quota = fh.ok(helpers.request(
        api, 'GET', fh.BASE + '/quotas/%s/detail' % helpers.PROJECT,
        token=MEMBER))['quota']['checkpoints']
    assert quota['in_use'] == 2
    # Nothing left to copy.
    response = copy(api, {'copy': {'plan_id': plan['id']}})
    helpers.assert_fault(response, 400, 'badRequest')


def test_blueprint_list_form(api):
    plan, checkpoint = fh.protected(api, RECORDER)
    body = {'copy': [{'provider_id': RECORDER, 'plan_id': plan['id'],
                      'parameters': {fh.VOLUME_TYPE: {}}}]}
    [result] = fh.ok(copy(api, body))['copy']
    assert result['checkpoint_id'][0]['checkpoint_protect_id'] == \
        checkpoint['id']
    assert result['parameters'] == {fh.VOLUME_TYPE: {}}
    fh.wait_for(lambda: fh.show_checkpoint(
        api, RECORDER, result['checkpoint_id'][0]['checkpoint_copy_id']),
        ('available', 'finished', 'error'))


def test_copy_errors(api):
    plan = fh.create_plan(api, RECORDER)
    # Never protected: nothing to copy.
    helpers.assert_fault(copy(api, {'copy': {'plan_id': plan['id']}}),
                         400, 'badRequest')
    # Plan of another provider.
    helpers.assert_fault(copy(api, {'copy': {'plan_id': plan['id']}},
                              provider_id=NOOP), 400, 'badRequest')
    # Another project's plan.
    helpers.assert_fault(copy(api, {'copy': {'plan_id': plan['id']}},
                              token=OTHER, base=fh.OTHER_BASE),
                         404, 'itemNotFound')
    # Schema, provider id, parameters.
    for body in ({'copy': {}}, {'copy': {'plan_id': 'x'}},
                 {'copy': {'plan_id': plan['id'], 'other': 1}}, {'copy': []},
                 {'copy': {'plan_id': plan['id'], 'parameters': {
                     fh.VOLUME_TYPE: {'unknown': 'x'}}}}):
        helpers.assert_fault(copy(api, body), 400, 'badRequest')
    response = helpers.request(api, 'POST', fh.BASE +
                               '/providers/x/checkpoints/action',
                               body={'copy': {'plan_id': plan['id']}},
                               token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')


def test_copies_can_be_deleted(api):
    plan, checkpoint = fh.protected(api, RECORDER)
    result = fh.ok(copy(api, {'copy': {'plan_id': plan['id']}}))['copy']
    copy_id = result['checkpoint_id'][0]['checkpoint_copy_id']
    fh.wait_for(lambda: fh.show_checkpoint(api, RECORDER, copy_id),
                ('available', 'finished'))
    for checkpoint_id in (checkpoint['id'], copy_id):
        path = fh.checkpoints_path(RECORDER) + '/' + checkpoint_id
        assert fh.ok(helpers.request(api, 'DELETE', path,
                                     token=MEMBER)) == {}
    fh.wait_for(lambda: {'status': len(fh.ok(helpers.request(
        api, 'GET', fh.checkpoints_path(RECORDER),
        token=MEMBER))['checkpoints'])}, (0,))


def _checkpoints_in_use(api):
    return fh.ok(helpers.request(
        api, 'GET', fh.BASE + '/quotas/%s/detail' % helpers.PROJECT,
        token=MEMBER))['quota']['checkpoints']['in_use']


def test_copy_over_quota_is_refused_and_writes_nothing(api, protection):
    plan, checkpoint = fh.protected(api, RECORDER)
    fh.ok(helpers.request(api, 'PUT', fh.BASE + '/quotas/' + helpers.PROJECT,
                          body={'quota': {'checkpoints': 1}},
                          token=fh.ADMIN))
    # The bank is the module's: other tests' checkpoints are there too.
    bank = protection.provider_registry.show_provider(
        RECORDER).checkpoint_collection
    in_bank = sorted(c.id for c in bank.iter_all())
    response = copy(api, {'copy': {'plan_id': plan['id']}})
    helpers.assert_fault(response, 413, 'overLimit', 'checkpoints')
    assert _checkpoints_in_use(api) == 1
    listed = fh.ok(helpers.request(api, 'GET', fh.checkpoints_path(RECORDER),
                                   token=MEMBER))['checkpoints']
    assert [c['id'] for c in listed] == [checkpoint['id']]
    logs = fh.ok(helpers.request(api, 'GET', fh.BASE + '/operation_logs',
                                 token=MEMBER))['operation_logs']
    assert [log['operation_type'] for log in logs] == ['protect']
    # Nothing reached the bank either.
    assert sorted(c.id for c in bank.iter_all()) == in_bank


def test_quota_is_given_back_when_the_delete_flow_ends(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    assert _checkpoints_in_use(api) == 1
    path = fh.checkpoints_path(RECORDER) + '/' + checkpoint['id']
    assert fh.ok(helpers.request(api, 'DELETE', path, token=MEMBER)) == {}
    deleted = fh.wait_for(lambda: fh.show_checkpoint(api, RECORDER,
                                                     checkpoint['id']),
                          ('deleted', 'error-deleting'))
    assert deleted['status'] == 'deleted'
    assert _checkpoints_in_use(api) == 0
