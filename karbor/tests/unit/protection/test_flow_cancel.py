"""Cancel of each operation's flow, on the database's cancel request.

The hook recorder plugin records a cancel request (as the API does) when a
given hook runs; the flow must stop at its next task boundary, undo what
it made, end ``cancelled`` with who and when, and store its progress.
"""

from karbor.db import api as db
from karbor.services.protection import cancellation
from karbor.services.protection.flows import copy
from karbor.services.protection.flows import delete
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import protect
from karbor.services.protection.flows import restore
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.unit.protection import flow_fakes as ff
from karbor.tests.unit.protection import test_flows

VOLUME = 'OS::Cinder::Volume'


def assert_cancelled_log(log):
    assert log.status == 'cancelled'
    assert log.error_info.startswith('Cancelled by canceller at ')
    assert 'Not rolled back' not in log.error_info
    assert log.ended_at is not None


def assert_progress(op_id, status='cancelled'):
    summary = db.operation_progress_get(ff.make_context(), op_id).summary
    assert summary['status'] == status
    return summary


def cancel_at(hook_recorder, tmp_path, operation, name, op_id):
    """Have ``operation``'s ``on_main`` of volume ``id-<name>`` request
    the cancel of ``op_id``; a new operation log."""
    hook_recorder.cancel_points[(operation, 'on_main',
                                 '%s#id-%s' % (VOLUME, name))] = (
        ff.make_context(), op_id)
    return ff.OperationLog(str(tmp_path))


def calls(hook_recorder, operation):
    return [c for c in hook_recorder.journal.calls() if c[0] == operation]


def test_protect_cancelled_midway(tmp_path, flow_backend, hook_recorder,
                                  sqlite_db):  # noqa: F811
    checkpoint = ff.Checkpoint(str(tmp_path))
    roots, _res = ff.diamond()
    log = cancel_at(hook_recorder, tmp_path, 'protect', 'D', checkpoint.id)
    assert not protect.protect(ff.make_context(), ff.recorder_plugins(),
                               checkpoint, log, roots, {},
                               backend=flow_backend)
    assert checkpoint.status == 'cancelled'
    assert checkpoint.extra_info['cancelled_by'] == 'canceller'
    assert checkpoint.extra_info['cancelled_operation'] == 'protect'
    assert checkpoint.extra_info['cancelled_at'].endswith('Z')
    assert checkpoint.bank_objects() == {}
    assert_cancelled_log(log)
    # Stopped at the next boundary: no later hook ran.
    assert ('protect', 'on_complete', VOLUME + '#id-A') not in calls(
        hook_recorder, 'protect')
    summary = assert_progress(checkpoint.id)
    assert summary['total'] == 4 and summary['done'] < 4
    assert persistence.list_unfinished(flow_backend) == []


def test_cancel_requested_before_the_flow_starts(tmp_path, flow_backend,
                                                  hook_recorder,
                                                  sqlite_db):  # noqa: F811
    """A queued operation: nothing runs."""
    checkpoint = ff.Checkpoint(str(tmp_path))
    db.operation_cancel_request(ff.make_context(), checkpoint.id,
                                ff.PROJECT_ID, 'checkpoint', 'canceller')
    roots, _res = ff.diamond()
    log = ff.OperationLog(str(tmp_path))
    assert not protect.protect(ff.make_context(), ff.recorder_plugins(),
                               checkpoint, log, roots, {},
                               backend=flow_backend)
    assert checkpoint.status == 'cancelled'
    assert hook_recorder.journal.calls() == []
    assert_cancelled_log(log)


def test_delete_cancelled_then_deleted_again(tmp_path, flow_backend,
                                             hook_recorder,
                                             sqlite_db):  # noqa: F811
    ok, checkpoint, _log = test_flows.protected(tmp_path, flow_backend)
    assert ok
    log = cancel_at(hook_recorder, tmp_path, 'delete', 'D', checkpoint.id)
    assert not delete.delete(ff.make_context(), ff.recorder_plugins(),
                             checkpoint, log, backend=flow_backend)
    assert checkpoint.history[-2:] == ['deleting', 'cancelled']
    assert checkpoint.extra_info['cancelled_operation'] == 'delete'
    assert_cancelled_log(log)
    assert_progress(checkpoint.id)
    # The next delete starts afresh (the manager clears the request).
    hook_recorder.cancel_points.clear()
    cancellation.clear(ff.make_context(), checkpoint.id)
    log = ff.OperationLog(str(tmp_path))
    assert delete.delete(ff.make_context(), ff.recorder_plugins(),
                         checkpoint, log, backend=flow_backend)
    assert checkpoint.status == 'deleted'
    assert checkpoint.bank_objects() == {}
    assert_progress(checkpoint.id, 'deleted')


def test_copy_cancelled(tmp_path, flow_backend, hook_recorder,
                        sqlite_db):  # noqa: F811
    _ok, checkpoint, _log = test_flows.protected(tmp_path, flow_backend)
    copy_cp = ff.Checkpoint(str(tmp_path), status='wait_copying')
    log = cancel_at(hook_recorder, tmp_path, 'copy', 'B', copy_cp.id)
    assert not copy.copy(ff.make_context(), ff.recorder_plugins(),
                         checkpoint, copy_cp, log, {}, backend=flow_backend)
    assert copy_cp.history[-2:] == ['copying', 'cancelled']
    assert copy_cp.extra_info['cancelled_operation'] == 'copy'
    assert copy_cp.bank_objects() == {}
    assert sorted(checkpoint.bank_objects()) == ['id-A', 'id-B', 'id-C',
                                                 'id-D']
    assert_cancelled_log(log)
    assert_progress(copy_cp.id)


def test_restore_cancelled(tmp_path, flow_backend, hook_recorder,
                           sqlite_db):  # noqa: F811
    _ok, checkpoint, _log = test_flows.protected(tmp_path, flow_backend)
    record = ff.Record(str(tmp_path), status='in_progress')
    log = cancel_at(hook_recorder, tmp_path, 'restore', 'C', record.id)
    assert not restore.restore(ff.make_context(), ff.recorder_plugins(),
                               checkpoint, record, log, {},
                               backend=flow_backend)
    assert record.status == 'cancelled'
    assert_cancelled_log(log)
    assert_progress(record.id)
    reverted = [c for c in hook_recorder.journal.calls()
                if c[:2] == ('restore', 'on_revert')]
    assert reverted
