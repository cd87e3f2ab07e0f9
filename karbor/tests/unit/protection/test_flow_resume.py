"""Crash safety: a flow killed mid-way is resumed or failed by a new worker.

A child process runs a protect flow whose hook kills the process
(``os._exit``); the test then plays the restarted worker.
"""

import json
import os
import subprocess
import sys

from karbor import context as karbor_context
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.tests.unit.protection import flow_fakes as ff

VOLUME = 'OS::Cinder::Volume'

CHILD = """
import json, sys
from karbor.services.protection.flows import persistence, protect
from karbor.tests.unit.protection import flow_fakes as ff
directory, url, checkpoint_id, log_id, parameters = sys.argv[1:]
roots, res = ff.diamond()
protect.protect(
    ff.make_context(), ff.recorder_plugins(),
    ff.Checkpoint(directory, id=checkpoint_id),
    ff.OperationLog(directory, id=log_id), roots, json.loads(parameters),
    backend=persistence.get_backend(url))
"""


def crash_protect(tmp_path, crash_on='on_main', parameters=None):
    """Run a protect flow in a child that dies in B's ``crash_on`` hook."""
    url = 'sqlite:///%s' % (tmp_path / 'flows.db')
    checkpoint = ff.Checkpoint(str(tmp_path))
    checkpoint.commit()
    log = ff.OperationLog(str(tmp_path))
    log.save()
    marker = str(tmp_path / 'crashed')
    parameters = dict(parameters or {})
    parameters[VOLUME + '#id-B'] = dict(parameters.get(VOLUME + '#id-B', {}),
                                        crash_on=crash_on,
                                        crash_marker=marker)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))))
    env = dict(os.environ, PYTHONPATH=root)
    child = subprocess.run(
        [sys.executable, '-c', CHILD, str(tmp_path), url, checkpoint.id,
         log.id, json.dumps(parameters)],
        env=env, capture_output=True, timeout=60)
    assert child.returncode == 17, child.stderr.decode()[-2000:]
    assert os.path.exists(marker)
    return persistence.get_backend(url), checkpoint.id, log.id


def restarted_runtime(tmp_path, unfinished):
    """What the protection manager rebuilds from the logbook meta."""
    meta = unfinished.meta
    return flow_runtime.FlowRuntime(
        karbor_context.RequestContext.from_dict(meta['context']),
        ff.recorder_plugins(),
        ff.Checkpoint(str(tmp_path), id=meta['checkpoint_id']),
        ff.OperationLog(str(tmp_path), id=meta['operation_log_id']))


def find_unfinished(flow_backend, checkpoint_id):
    unfinished = persistence.list_unfinished(flow_backend)
    assert len(unfinished) == 1
    assert unfinished[0].meta['checkpoint_id'] == checkpoint_id
    assert unfinished[0].meta['operation_type'] == 'protect'
    return unfinished[0]


def test_crashed_protect_is_resumed_to_available(tmp_path, hook_recorder):
    flow_backend, checkpoint_id, log_id = crash_protect(tmp_path)
    stuck = ff.Checkpoint(str(tmp_path), id=checkpoint_id)
    assert stuck.status == 'protecting'
    unfinished = find_unfinished(flow_backend, checkpoint_id)
    # The token is kept for the resume; its body (catalog, roles) is not.
    assert unfinished.meta['context']['auth_token'] == 'secret-token'
    assert 'auth_token_info' not in unfinished.meta['context']
    assert unfinished.meta['context']['project_id'] == ff.PROJECT_ID

    assert persistence.resume(unfinished,
                              restarted_runtime(tmp_path, unfinished),
                              backend=flow_backend)
    checkpoint = ff.Checkpoint(str(tmp_path), id=checkpoint_id)
    log = ff.OperationLog(str(tmp_path), id=log_id)
    assert checkpoint.status == 'available'
    assert log.status == 'success'
    assert sorted(checkpoint.bank_objects()) == ['id-A', 'id-B', 'id-C',
                                                 'id-D']
    calls = hook_recorder.journal.calls()
    # The interrupted hook ran again; what finished before did not.
    assert ('protect', 'on_main', VOLUME + '#id-B') in calls
    assert ('protect', 'on_prepare_begin', VOLUME + '#id-A') not in calls
    assert persistence.list_unfinished(flow_backend) == []


def test_crashed_protect_can_be_failed_cleanly(tmp_path, hook_recorder):
    flow_backend, checkpoint_id, log_id = crash_protect(tmp_path)
    unfinished = find_unfinished(flow_backend, checkpoint_id)
    assert not persistence.resume(
        unfinished, restarted_runtime(tmp_path, unfinished),
        abort_reason='interrupted by a restart', backend=flow_backend)
    checkpoint = ff.Checkpoint(str(tmp_path), id=checkpoint_id)
    log = ff.OperationLog(str(tmp_path), id=log_id)
    assert checkpoint.status == 'error'
    assert log.status == 'error'
    assert 'interrupted by a restart' in log.error_info
    assert checkpoint.bank_objects() == {}
    assert persistence.list_unfinished(flow_backend) == []


def test_unfinished_flows_of_other_workers_are_not_listed(tmp_path,
                                                          hook_recorder):
    flow_backend, checkpoint_id, _log_id = crash_protect(tmp_path)
    assert persistence.list_unfinished(flow_backend, owner='other-host') == []
    assert len(persistence.list_unfinished(flow_backend, owner='*')) == 1


def test_crash_while_reverting_ends_in_error(tmp_path, hook_recorder):
    # C fails; the child dies while B is being reverted.
    flow_backend, checkpoint_id, log_id = crash_protect(
        tmp_path, crash_on='on_revert',
        parameters={VOLUME + '#id-C': {'fail_on': 'on_main'}})
    unfinished = find_unfinished(flow_backend, checkpoint_id)
    assert not persistence.resume(unfinished,
                                  restarted_runtime(tmp_path, unfinished),
                                  backend=flow_backend)
    checkpoint = ff.Checkpoint(str(tmp_path), id=checkpoint_id)
    log = ff.OperationLog(str(tmp_path), id=log_id)
    assert checkpoint.status == 'error'
    assert log.status == 'error'
    assert 'id-C' in log.error_info
    assert checkpoint.bank_objects() == {}
    assert persistence.list_unfinished(flow_backend) == []
