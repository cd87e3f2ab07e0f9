"""Checkpoint shows are remembered by the rows they were made from: an
unchanged checkpoint is answered from memory, any change of its catalog or
progress row is shown at once, and the memory is bounded."""

import json
import uuid

from karbor import context as karbor_context
from karbor.api.v1 import checkpoints as controller
from karbor.api.v1 import show_memo
from karbor.db import api as db
from karbor import resource as karbor_resource
from karbor.services.protection import progress
from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers


def _wide_checkpoint(api, count=200):
    resources = [{'id': str(uuid.uuid4()), 'type': fh.VOLUME_TYPE,
                  'name': 'v%d' % i} for i in range(count)]
    body = {'plan': {'name': 'wide', 'provider_id': fh.NOOP,
                     'resources': resources, 'parameters': {}}}
    plan = fh.ok(helpers.request(api, 'POST', fh.BASE + '/plans', body=body,
                                 token=fh.MEMBER))['plan']
    checkpoint = fh.create_checkpoint(api, plan)
    return plan, '%s/%s' % (fh.checkpoints_path(fh.NOOP), checkpoint['id'])


def _show(api, path, token=fh.MEMBER):
    response = helpers.request(api, 'GET', path, token=token)
    return response.status_int, response.body


def test_an_unchanged_checkpoint_is_answered_from_memory(api):
    plan, path = _wide_checkpoint(api)
    checkpoint_id = path.rsplit('/', 1)[1]
    status, first = _show(api, path)
    assert status == 200
    assert controller._SHOWN.get(checkpoint_id, tuple(
        db.checkpoint_show_rows(karbor_context.get_admin_context(),
                                checkpoint_id))) == first
    status, again = _show(api, path)
    assert (status, again) == (200, first)
    shown = json.loads(first)['checkpoint']
    assert [r['id'] for r in shown['protection_plan']['resources']] == [
        r['id'] for r in plan['resources']]


def test_a_change_of_either_row_is_shown_at_once(api):
    plan, path = _wide_checkpoint(api)
    checkpoint_id = path.rsplit('/', 1)[1]
    _show(api, path)
    ctxt = karbor_context.get_admin_context()
    tracker = progress.ProgressTracker(ctxt, checkpoint_id, 'protect',
                                       helpers.PROJECT, status='protecting',
                                       provider_id=fh.NOOP)
    volumes = [karbor_resource.Resource(r['type'], r['id'], r['name'])
               for r in plan['resources']]
    tracker.plan([(volume, 4) for volume in volumes])
    shown = json.loads(_show(api, path)[1])['checkpoint']
    assert shown['progress']['total'] == len(volumes)
    assert shown['progress']['resources'][0]['done'] == 0
    tracker.hook_started(volumes[0])
    tracker.hook_ended(volumes[0])
    tracker.flush(force=True)
    shown = json.loads(_show(api, path)[1])['checkpoint']
    assert shown['progress']['resources'][0]['done'] == 1
    db.checkpoint_record_update(ctxt, checkpoint_id,
                                {'extra_info': {'note': 'changed'}})
    shown = json.loads(_show(api, path)[1])['checkpoint']
    assert json.loads(shown['extra_info']) == {'note': 'changed'}
    db.checkpoint_record_update(ctxt, checkpoint_id, {'status': 'error'})
    shown = json.loads(_show(api, path)[1])['checkpoint']
    assert shown['status'] == 'error'
    # A failed checkpoint's answer depends on its logs: not remembered.
    assert controller._SHOWN.get(checkpoint_id, tuple(
        db.checkpoint_show_rows(ctxt, checkpoint_id))) is None


def test_another_project_is_refused_a_remembered_answer(api):
    _plan, path = _wide_checkpoint(api)
    assert _show(api, path)[0] == 200
    theirs = path.replace(fh.BASE, fh.OTHER_BASE)
    helpers.assert_fault(helpers.request(api, 'GET', theirs,
                                         token=fh.OTHER), 404, 'itemNotFound')


def test_memory_is_bounded_least_recently_used_first():
    memo = show_memo.ShowMemo(max_bytes=100, min_bytes=1)
    memo.put('a', ('x' * 10,), b'1' * 30)
    memo.put('b', ('y' * 10,), b'2' * 30)
    assert memo.get('a', ('x' * 10,)) == b'1' * 30
    memo.put('c', ('z' * 10,), b'3' * 30)
    # 'b' was used least recently: it went to keep 100 bytes at most.
    assert memo.get('b', ('y' * 10,)) is None
    assert memo.get('a', ('x' * 10,)) and memo.get('c', ('z' * 10,))
    assert memo.size == 80
    # Another source for a key replaces its answer.
    assert memo.get('a', ('changed',)) is None
    memo.put('a', ('w',), b'4')
    assert memo.get('a', ('x' * 10,)) is None and memo.size == 42
    memo.put('big', ('v',), b'5' * 200)
    assert memo.get('big', ('v',)) is None and len(memo) == 2


def test_small_answers_are_not_remembered(api):
    """A checkpoint of one volume is cheap to show again: only answers of
    ``MIN_BYTES`` or more are kept (the memory of a busy API stays flat)."""
    _plan, path = _wide_checkpoint(api, count=1)
    checkpoint_id = path.rsplit('/', 1)[1]
    status, body = _show(api, path)
    assert status == 200 and len(body) < show_memo.MIN_BYTES
    assert controller._SHOWN.get(checkpoint_id, tuple(
        db.checkpoint_show_rows(karbor_context.get_admin_context(),
                                checkpoint_id))) is None
