"""Tests of the protect / restore / verify / copy / delete flows."""

import time

from karbor.common import constants
from karbor.services.protection.flows import copy
from karbor.services.protection.flows import delete
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import protect
from karbor.services.protection.flows import restore
from karbor.services.protection.flows import verify
from karbor.services.protection import graph
from karbor.services.protection.protection_plugins import (
    noop_protection_plugin)
from karbor.tests.unit.protection import flow_fakes as ff

VOLUME = 'OS::Cinder::Volume'


def protected(tmp_path, flow_backend, parameters=None, plugins=None,
              roots=None):
    if roots is None:
        roots, _res = ff.diamond()
    checkpoint = ff.Checkpoint(str(tmp_path))
    log = ff.OperationLog(str(tmp_path))
    if plugins is None:
        plugins = ff.recorder_plugins()
    ok = protect.protect(ff.make_context(), plugins,
                         checkpoint, log, roots, parameters or {},
                         backend=flow_backend)
    return ok, checkpoint, log


def assert_log_ended(log, status, operation_type):
    assert log.status == status
    assert log.operation_type == operation_type
    assert log.ended_at is not None


def test_protect_success(tmp_path, flow_backend, hook_recorder):
    ok, checkpoint, log = protected(tmp_path, flow_backend)
    assert ok
    assert checkpoint.history[-2:] == ['protecting', 'available']
    assert graph.deserialize_resource_graph(checkpoint.resource_graph)
    assert sorted(checkpoint.bank_objects()) == ['id-A', 'id-B', 'id-C',
                                                 'id-D']
    assert log.history == ['protecting', 'success']
    assert_log_ended(log, 'success', 'protect')
    assert log.error_info is None
    assert persistence.list_unfinished(flow_backend) == []


def test_protect_failure_reverts_and_cleans_up(tmp_path, flow_backend,
                                               hook_recorder):
    ok, checkpoint, log = protected(
        tmp_path, flow_backend, {VOLUME + '#id-B': {'fail_on': 'on_main'}})
    assert not ok
    assert checkpoint.status == 'error'
    assert checkpoint.history[-2:] == ['protecting', 'error']
    assert_log_ended(log, 'error', 'protect')
    assert 'protect_on_main_OS::Cinder::Volume_id-B' in log.error_info
    assert 'on_main failed on request' in log.error_info
    reverted = {key for op, hook, key in hook_recorder.journal.calls()
                if hook == 'on_revert'}
    assert VOLUME + '#id-B' in reverted
    assert VOLUME + '#id-D' in reverted
    assert checkpoint.bank_objects() == {}
    assert persistence.list_unfinished(flow_backend) == []


def test_protect_without_plugin_fails_cleanly(tmp_path, flow_backend):
    ok, checkpoint, log = protected(tmp_path, flow_backend, plugins={})
    assert not ok
    assert checkpoint.status == 'error'
    assert_log_ended(log, 'error', 'protect')
    assert 'OS::Cinder::Volume not found' in log.error_info
    assert persistence.list_unfinished(flow_backend) == []


def test_noop_protect_of_thousand_resources_is_fast(tmp_path, flow_backend):
    roots, _res = ff.independent(1000)
    plugin = noop_protection_plugin.NoopProtectionPlugin()
    plugins = {rtype: plugin for rtype in constants.RESOURCE_TYPES}
    start = time.monotonic()
    ok, checkpoint, log = protected(tmp_path, flow_backend, plugins=plugins,
                                    roots=roots)
    elapsed = time.monotonic() - start
    print('1,000-resource no-op protect: %.3f s' % elapsed)
    assert ok
    assert checkpoint.status == 'available'
    assert len(graph.deserialize_resource_graph(
        checkpoint.resource_graph)) == 1000
    assert elapsed < 1.0


def test_delete_success_removes_bank_objects(tmp_path, flow_backend,
                                             hook_recorder):
    ok, checkpoint, _log = protected(tmp_path, flow_backend)
    assert ok
    log = ff.OperationLog(str(tmp_path))
    assert delete.delete(ff.make_context(), ff.recorder_plugins(),
                         checkpoint, log, backend=flow_backend)
    assert checkpoint.history[-2:] == ['deleting', 'deleted']
    assert checkpoint.bank_objects() == {}
    assert log.history == ['deleting', 'success']
    assert_log_ended(log, 'success', 'delete')


def test_delete_failure_ends_error_deleting(tmp_path, flow_backend,
                                            hook_recorder):
    ok, checkpoint, _log = protected(tmp_path, flow_backend)
    hook_recorder.fail_points.add(('delete', 'on_main', VOLUME + '#id-D'))
    log = ff.OperationLog(str(tmp_path))
    assert not delete.delete(ff.make_context(), ff.recorder_plugins(),
                             checkpoint, log, backend=flow_backend)
    assert checkpoint.history[-2:] == ['deleting', 'error-deleting']
    assert_log_ended(log, 'error', 'delete')
    assert 'id-D' in log.error_info


def run_restore(tmp_path, flow_backend, checkpoint, parameters=None):
    record = ff.Record(str(tmp_path), status='in_progress')
    log = ff.OperationLog(str(tmp_path))
    ok = restore.restore(ff.make_context(), ff.recorder_plugins(), checkpoint,
                         record, log, parameters or {}, backend=flow_backend)
    return ok, record, log


def test_restore_success_reports_new_resources(tmp_path, flow_backend,
                                               hook_recorder):
    _ok, checkpoint, _log = protected(tmp_path, flow_backend)
    ok, record, log = run_restore(tmp_path, flow_backend, checkpoint)
    assert ok
    assert record.history[-2:] == ['in_progress', 'success']
    assert record.resources_status == {
        VOLUME + '#restored-id-' + name: 'available' for name in 'ABCD'}
    assert record.resources_reason == {}
    assert_log_ended(log, 'success', 'restore')


def test_restore_failure_reports_failed_resource(tmp_path, flow_backend,
                                                 hook_recorder):
    _ok, checkpoint, _log = protected(tmp_path, flow_backend)
    ok, record, log = run_restore(
        tmp_path, flow_backend, checkpoint,
        {VOLUME + '#id-C': {'fail_on': 'on_prepare_finish'}})
    assert not ok
    assert record.status == 'fail'
    assert record.resources_status[VOLUME + '#id-C'] == 'error'
    assert 'on_prepare_finish failed' in record.resources_reason[
        VOLUME + '#id-C']
    assert_log_ended(log, 'error', 'restore')


def test_verify_success_and_failure(tmp_path, flow_backend, hook_recorder):
    _ok, checkpoint, _log = protected(tmp_path, flow_backend)
    record = ff.Record(str(tmp_path), status='in_progress')
    log = ff.OperationLog(str(tmp_path))
    assert verify.verify(ff.make_context(), ff.recorder_plugins(), checkpoint,
                         record, log, {}, backend=flow_backend)
    assert record.history[-2:] == ['in_progress', 'success']
    assert record.resources_status[VOLUME + '#id-A'] == 'available'
    assert_log_ended(log, 'success', 'verify')

    record = ff.Record(str(tmp_path), status='in_progress')
    assert not verify.verify(ff.make_context(), ff.recorder_plugins(),
                             checkpoint, record, ff.OperationLog(
                                 str(tmp_path)),
                             {VOLUME: {'fail_on': 'on_main'}},
                             backend=flow_backend)
    assert record.status == 'fail'
    assert set(record.resources_status.values()) == {'error'}


def test_copy_status_sequence(tmp_path, flow_backend, hook_recorder):
    _ok, checkpoint, _log = protected(tmp_path, flow_backend)
    copy_cp = ff.Checkpoint(str(tmp_path), status='wait_copying')
    copy_cp.commit()
    log = ff.OperationLog(str(tmp_path))
    assert copy.copy(ff.make_context(), ff.recorder_plugins(), checkpoint,
                     copy_cp, log, {}, backend=flow_backend)
    assert copy_cp.history == ['wait_copying', 'wait_copying', 'copying',
                               'available']
    assert copy_cp.extra_info == {'copy_status': 'finished'}
    assert copy_cp.resource_graph == checkpoint.resource_graph
    assert sorted(copy_cp.bank_objects()) == ['id-A', 'id-B', 'id-C', 'id-D']
    assert_log_ended(log, 'success', 'copy')


def test_copy_failure_ends_error_and_cleans_copy(tmp_path, flow_backend,
                                                 hook_recorder):
    _ok, checkpoint, _log = protected(tmp_path, flow_backend)
    copy_cp = ff.Checkpoint(str(tmp_path), status='wait_copying')
    log = ff.OperationLog(str(tmp_path))
    assert not copy.copy(ff.make_context(), ff.recorder_plugins(), checkpoint,
                         copy_cp, log, {VOLUME + '#id-A': {
                             'fail_on': 'on_complete'}}, backend=flow_backend)
    assert copy_cp.history[-2:] == ['copying', 'error']
    assert 'copy_status' not in copy_cp.extra_info
    assert copy_cp.bank_objects() == {}
    assert sorted(checkpoint.bank_objects()) == ['id-A', 'id-B', 'id-C',
                                                 'id-D']
    assert_log_ended(log, 'error', 'copy')
