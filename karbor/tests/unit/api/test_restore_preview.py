"""Restore preview through the API: its answer, no side effects, the same
validation as a restore create, and the plan the restore then runs.

(The cloud plugins' previews are in
``karbor/tests/functional/test_restore_preview.py``.)
"""

import os

import pytest

from karbor.tests.plugins import hook_recorder_plugin
from karbor.tests.unit.api import conftest
from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import NOOP
from karbor.tests.unit.api.flow_helpers import OTHER
from karbor.tests.unit.api.flow_helpers import RECORDER
from karbor.tests.unit.api import test_restores

RECORDER_PROVIDER = True
KEY = '%s#%s' % (fh.VOLUME_TYPE, fh.VOLUME)
restore_body = test_restores.restore_body


def preview(api, body, token=MEMBER, base=BASE):
    return helpers.request(api, 'POST', base + '/restores/preview',
                           body=body, token=token)


def bank_files(protection_server):
    """Every file of the test banks, with its bytes."""
    root = protection_server[1]['state_path']
    found = {}
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            with open(path, 'rb') as handle:
                found[path] = handle.read()
    return found


def operation_logs(api):
    return fh.ok(helpers.request(api, 'GET', BASE + '/operation_logs',
                                 token=MEMBER))['operation_logs']


def test_preview_answers_the_plan(api):
    _plan, checkpoint = fh.protected(api, NOOP)
    answer = fh.ok(preview(api, restore_body(checkpoint)))
    assert answer == {'restore_preview': {
        'checkpoint_id': checkpoint['id'], 'provider_id': NOOP,
        'resources': [{
            'order': 1, 'type': fh.VOLUME_TYPE, 'original_id': fh.VOLUME,
            'original_name': 'vol1', 'name': 'vol1',
            'target': 'project %s' % helpers.PROJECT, 'parameters': {},
            'details': {}, 'depends_on': []}],
        'conflicts': [], 'order': [KEY]}}


def test_preview_changes_nothing(api, protection_server):
    _plan, checkpoint = fh.protected(api, RECORDER)
    logs = operation_logs(api)
    bank = bank_files(protection_server)
    hook_recorder_plugin.HookRecorderProtectionPlugin.reset()
    body = restore_body(checkpoint, RECORDER, parameters={
        fh.VOLUME_TYPE: {'sleep': 0}})
    fh.ok(preview(api, body))
    assert bank_files(protection_server) == bank
    assert operation_logs(api) == logs
    assert test_restores.listed(api) == {'restores': []}
    assert hook_recorder_plugin.HookRecorderProtectionPlugin.journal \
        .events() == []


def test_restore_runs_the_previewed_plan(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    body = restore_body(checkpoint, RECORDER, parameters={
        fh.VOLUME_TYPE: {'sleep': 5}, KEY: {'sleep': 0}})
    planned = fh.ok(preview(api, body))['restore_preview']
    assert planned['resources'][0]['parameters'] == {'sleep': 0}
    journal = hook_recorder_plugin.HookRecorderProtectionPlugin.journal
    journal.clear()
    done = test_restores.finished(api, test_restores.start(api, body)['id'])
    assert done['status'] == 'success', done
    restored = [event[2] for event in journal.events()
                if event[:2] == ('restore', 'on_main') and
                event[3] == 'end']
    assert restored == planned['order']
    # The record keeps what the user asked for.
    assert done['parameters'] == body['restore']['parameters']


def _same_refusal(api, body, code, name, token=MEMBER, base=BASE):
    """The preview refuses ``body`` as a restore create does."""
    for path in ('/restores', '/restores/preview'):
        response = helpers.request(api, 'POST', base + path, body=body,
                                   token=token)
        helpers.assert_fault(response, code, name)
    assert test_restores.listed(api) == {'restores': []}


def test_preview_refuses_what_create_refuses(api):
    _plan, checkpoint = fh.protected(api, RECORDER)
    for body, code, name in (
            (restore_body(checkpoint, helpers.OTHER_PROJECT), 400,
             'badRequest'),
            (restore_body(checkpoint, RECORDER, parameters={
                fh.VOLUME_TYPE: {'no_such_option': '1'}}), 400,
             'badRequest'),
            (restore_body(checkpoint, RECORDER, parameters={
                fh.VOLUME_TYPE: {'fail_on': 'nowhere'}}), 400,
             'badRequest'),
            (restore_body({'id': fh.VOLUME}, RECORDER), 404,
             'itemNotFound'),
            (restore_body(checkpoint, RECORDER, checkpoint_id='nope'), 400,
             'badRequest'),
            (restore_body(checkpoint, RECORDER, extra=1), 400,
             'badRequest'),
            ({'restore': {'provider_id': RECORDER,
                          'checkpoint_id': checkpoint['id']}}, 400,
             'badRequest'),
            ({}, 400, 'badRequest'),
            ('{"restore": [', 400, 'badRequest')):
        _same_refusal(api, body, code, name)


def test_checkpoint_not_available(api):
    checkpoint = fh.failed_checkpoint(api)
    _same_refusal(api, restore_body(checkpoint, RECORDER), 400, 'badRequest')


def test_another_projects_checkpoint_is_not_found(api):
    _plan, checkpoint = fh.protected(api)
    _same_refusal(api, restore_body(checkpoint), 404, 'itemNotFound',
                  token=OTHER, base=fh.OTHER_BASE)


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
def test_preview_takes_post_only(api, method):
    response = helpers.request(api, method, BASE + '/restores/preview',
                               token=MEMBER)
    assert 400 <= response.status_int < 500


def test_operator_may_close_preview(api, tmp_path):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text('"restore:preview": "rule:admin_api"\n')
    conftest.CONF.set_override('policy_file', str(policy_file),
                               group='oslo_policy')
    try:
        _plan, checkpoint = fh.protected(api)
        helpers.assert_fault(preview(api, restore_body(checkpoint)), 403,
                             'forbidden')
        fh.ok(preview(api, restore_body(checkpoint), token=fh.ADMIN))
    finally:
        conftest.CONF.clear_override('policy_file', group='oslo_policy')
