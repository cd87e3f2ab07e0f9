"""Resources linked to no other run in chunk tasks: a few persisted atoms
for a wide plan, resumed after a crash without running again what was
recorded, and reverted as a whole when any resource fails."""

import json
import os
import subprocess
import sys
import time

from oslo_config import cfg
import pytest
import sqlalchemy as sa
from taskflow import flow

from karbor.services.protection.flows import hook_records
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import resource_flow
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection.flows import workflow
from karbor.services.protection import graph
from karbor.services.protection import protection_plugin
from karbor.tests.unit.protection import flow_fakes as ff
from karbor.tests.unit.protection import test_flow_resume
from karbor.tests.unit.protection import test_resource_flow

CONF = cfg.CONF
VOLUME = 'OS::Cinder::Volume'
HOOKS = protection_plugin.HOOKS

# Six unlinked volumes in two chunks of three (one per pool thread).
CHILD = """
import json, sys
from oslo_config import cfg
import pytest
from karbor.services.protection.flows import persistence, protect
from karbor.tests.unit.protection import flow_fakes as ff
cfg.CONF.set_override('flow_thread_pool_size', 2)
directory, url, checkpoint_id, log_id, parameters = sys.argv[1:]
roots, res = ff.independent(6)
protect.protect(
    ff.make_context(), ff.recorder_plugins(),
    ff.Checkpoint(directory, id=checkpoint_id),
    ff.OperationLog(directory, id=log_id), roots, json.loads(parameters),
    backend=persistence.get_backend(url))
"""


def wide_and_diamond():
    """A diamond A->B,C->D beside three unlinked volumes."""
    res = ff.resources('A', 'B', 'C', 'D', 'u1', 'u2', 'u3')
    deps = {res['A']: [res['B'], res['C']], res['B']: [res['D']],
            res['C']: [res['D']]}
    roots = graph.build_graph(list(res.values()),
                              lambda r: deps.get(r, []))
    return roots, res


def build(roots, chunks):
    runtime = flow_runtime.FlowRuntime(ff.make_context(),
                                       ff.recorder_plugins(), None, None)
    hooks = resource_flow.plan_hooks('protect', roots, runtime)
    return resource_flow.build_resource_flow(
        'protect', graph.serialize_resource_graph(roots), hooks, {},
        chunks)


def atom_names(pattern):
    names = []
    for node, _meta in pattern.iter_nodes():
        if isinstance(node, flow.Flow):
            names += atom_names(node)
        else:
            names.append(node.name)
    return sorted(names)


def test_unlinked_resources_share_chunk_tasks_linked_keep_theirs():
    roots, _res = wide_and_diamond()
    names = atom_names(build(roots, chunks=2))
    assert [n for n in names if n.startswith('protect_resources_')] == [
        'protect_resources_0', 'protect_resources_1']
    # The diamond keeps a task per hook; the unlinked ones have none.
    assert len([n for n in names if 'id-' in n]) == 16
    assert not [n for n in names if 'id-u' in n]
    # Built without chunks (flows recorded before them): a task per hook.
    assert len(list(build(roots, chunks=None).iter_nodes())) == 28


def test_chunked_protect_keeps_hook_order_and_parallel_chunks(
        tmp_path, flow_backend, hook_recorder):
    roots, res = wide_and_diamond()
    ok, checkpoint, log = test_resource_flow.run_protect(
        tmp_path, roots, ff.recorder_plugins(), flow_backend)
    assert ok and checkpoint.status == 'available'
    calls = hook_recorder.journal.calls()
    diamond = {name: res[name] for name in 'ABCD'}
    test_resource_flow.assert_hook_order(
        [c for c in calls if 'id-u' not in c[2]], 'protect', diamond)
    for name in ('u1', 'u2', 'u3'):
        assert [hook for _op, hook, key in calls
                if key == res[name].key] == list(HOOKS)
    assert sorted(checkpoint.bank_objects()) == sorted(
        r.id for r in res.values())
    assert batch_rows(flow_backend) == 0


def crash_wide(tmp_path, parameters):
    """Protect six unlinked volumes (two chunks) in a child that dies as
    ``parameters`` ask."""
    url = 'sqlite:///%s' % (tmp_path / 'flows.db')
    checkpoint = ff.Checkpoint(str(tmp_path))
    checkpoint.commit()
    log = ff.OperationLog(str(tmp_path))
    log.save()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))))
    child = subprocess.run(
        [sys.executable, '-c', CHILD, str(tmp_path), url, checkpoint.id,
         log.id, json.dumps(parameters)],
        env=dict(os.environ, PYTHONPATH=root), capture_output=True,
        timeout=60)
    assert child.returncode == 17, child.stderr.decode()[-2000:]
    flow_backend = persistence.get_backend(url)
    unfinished = test_flow_resume.find_unfinished(flow_backend,
                                                  checkpoint.id)
    return flow_backend, unfinished, checkpoint.id, log.id


def batch_rows(flow_backend):
    with flow_backend.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(
            hook_records.HOOK_BATCHES_TABLE)).scalar()


def crash_in(tmp_path, name, hook):
    marker = str(tmp_path / 'crashed')
    return crash_wide(tmp_path, {'%s#id-%s' % (VOLUME, name): {
        'crash_on': hook, 'crash_marker': marker}})


def test_crash_inside_a_chunk_resumes_without_running_recorded_hooks(
        tmp_path, hook_recorder):
    flow_backend, unfinished, checkpoint_id, log_id = crash_in(
        tmp_path, 'vol1', 'on_main')
    # vol1's chunk is vol0..vol2; the other one ran beside it.
    recorded = hook_records.recorded_hooks(flow_backend.engine)
    assert (VOLUME + '#id-vol1', 'on_main') not in recorded

    assert persistence.resume(
        unfinished, test_flow_resume.restarted_runtime(tmp_path, unfinished),
        backend=flow_backend)
    checkpoint = ff.Checkpoint(str(tmp_path), id=checkpoint_id)
    assert checkpoint.status == 'available'
    assert ff.OperationLog(str(tmp_path), id=log_id).status == 'success'
    assert sorted(checkpoint.bank_objects()) == [
        'id-vol%d' % i for i in range(6)]
    calls = [(hook, key) for _op, hook, key in hook_recorder.journal.calls()]
    # What was recorded did not run again; the rest ran once.
    assert not set(calls) & {(hook, key) for key, hook in recorded}
    assert len(calls) == len(set(calls))
    assert set(calls) | {(hook, key) for key, hook in recorded} == {
        (hook, '%s#id-vol%d' % (VOLUME, i)) for i in range(6)
        for hook in HOOKS}
    assert ('on_main', VOLUME + '#id-vol1') in calls
    assert persistence.list_unfinished(flow_backend) == []
    assert batch_rows(flow_backend) == 0


def test_crash_inside_a_chunk_can_be_failed_cleanly(tmp_path,
                                                    hook_recorder):
    flow_backend, unfinished, checkpoint_id, log_id = crash_in(
        tmp_path, 'vol4', 'on_prepare_finish')
    assert not persistence.resume(
        unfinished, test_flow_resume.restarted_runtime(tmp_path, unfinished),
        abort_reason='interrupted by a restart', backend=flow_backend)
    checkpoint = ff.Checkpoint(str(tmp_path), id=checkpoint_id)
    log = ff.OperationLog(str(tmp_path), id=log_id)
    assert checkpoint.status == 'error'
    assert 'interrupted by a restart' in log.error_info
    # Every resource that had started, in either chunk, was undone.
    assert checkpoint.bank_objects() == {}
    reverted = {key for _op, hook, key in hook_recorder.journal.calls()
                if hook == 'on_revert'}
    assert VOLUME + '#id-vol4' in reverted
    assert persistence.list_unfinished(flow_backend) == []


def test_failure_in_a_chunk_reverts_the_chunks_before_it(
        tmp_path, flow_backend, hook_recorder):
    # Two threads: two chunks of three volumes.
    CONF.set_override('flow_thread_pool_size', 2)
    workflow.shutdown_executor()
    try:
        roots, res = ff.independent(6)
        ok, checkpoint, log = test_resource_flow.run_protect(
            tmp_path, roots, ff.recorder_plugins(), flow_backend,
            {VOLUME + '#id-vol4': {'fail_on': 'on_main'}})
    finally:
        workflow.shutdown_executor()
    assert not ok
    assert checkpoint.status == 'error'
    # The true reason: the failed hook of the failed resource.
    assert 'protect_on_main_%s_id-vol4' % VOLUME in log.error_info
    assert 'on_main failed on request' in log.error_info
    calls = hook_recorder.journal.calls()
    reverted = [key for _op, hook, key in calls if hook == 'on_revert']
    started = {key for _op, hook, key in calls if hook == 'on_prepare_begin'}
    assert set(reverted) == started
    assert VOLUME + '#id-vol5' not in started
    # Undone last first within a chunk.
    assert reverted.index(VOLUME + '#id-vol4') < reverted.index(
        VOLUME + '#id-vol3')
    assert checkpoint.bank_objects() == {}


def revert_chunk(tmp_path, records, count=4):
    _roots, res = ff.independent(count)
    volumes = [res['vol%d' % i] for i in range(count)]
    runtime = flow_runtime.FlowRuntime(
        ff.make_context(), ff.recorder_plugins(),
        ff.Checkpoint(str(tmp_path)), ff.OperationLog(str(tmp_path)))
    runtime.hook_records = records
    chunk = resource_flow.ResourceChunkTask(
        'protect', 0, [(volume, list(HOOKS), {}) for volume in volumes])
    chunk.revert(runtime, result=False)
    return volumes


def reverted_keys(hook_recorder):
    return [key for _op, hook, key in hook_recorder.journal.calls()
            if hook == 'on_revert']


def test_resumed_chunk_undoes_what_may_have_run_unrecorded(
        tmp_path, hook_recorder, monkeypatch):
    monkeypatch.setattr(resource_flow, 'RECORDS_IN_FLIGHT', 2)
    records = hook_records.HookRecords(None, None)
    records.interrupted = {'protect_resources_0'}
    for hook in HOOKS:
        records.add(VOLUME + '#id-vol0', hook)
    records.add(VOLUME + '#id-vol1', 'on_prepare_begin')
    volumes = revert_chunk(tmp_path, records)
    # The task was running at the crash. vol1's on_prepare_finish was its
    # first hook without a record: it and the two after it (vol1's too)
    # may have run; vol2 and vol3 did not.
    assert reverted_keys(hook_recorder) == [volumes[1].key, volumes[0].key]

    hook_recorder.journal.clear()
    monkeypatch.setattr(resource_flow, 'RECORDS_IN_FLIGHT', 4)
    revert_chunk(tmp_path, records)
    assert reverted_keys(hook_recorder) == [
        volumes[2].key, volumes[1].key, volumes[0].key]


def test_chunk_that_never_ran_a_hook_undoes_nothing(tmp_path, hook_recorder):
    revert_chunk(tmp_path, hook_records.HookRecords(None, None))
    assert reverted_keys(hook_recorder) == []
    # Nor one resumed that was not running at the crash.
    records = hook_records.HookRecords(None, None)
    records.interrupted = {'protect_resources_1'}
    revert_chunk(tmp_path, records)
    assert reverted_keys(hook_recorder) == []


def test_hooks_are_made_durable_before_their_records_are_written(
        flow_backend):
    """``before_write`` runs before each batch of records is inserted."""
    seen = []

    def before_write():
        seen.append(len(hook_records.recorded_hooks(flow_backend.engine)))
    records = hook_records.HookRecords(flow_backend, 'book-durable',
                                      before_write=before_write)
    tickets = [records.add('OS::Cinder::Volume#v%d' % i, 'on_main')
               for i in range(3)]
    records.wait(tickets[-1])
    assert seen and seen[0] == 0
    assert hook_records.recorded_hooks(flow_backend.engine) == {
        ('OS::Cinder::Volume#v%d' % i, 'on_main') for i in range(3)}
    records.drop()


def test_a_failed_sync_fails_the_records_it_precedes(flow_backend):
    def before_write():
        raise OSError('disk gone')
    records = hook_records.HookRecords(flow_backend, 'book-failed-sync',
                                      before_write=before_write)
    ticket = records.add('OS::Cinder::Volume#v', 'on_main')
    with pytest.raises(OSError):
        records.wait(ticket)
    assert batch_rows(flow_backend) == 0


def test_record_writes_are_paced_so_that_bank_syncs_stay_few(flow_backend):
    """Each write of records syncs the banks first: records that come
    one by one go in one write per ``RECORD_WRITE_INTERVAL`` at most."""
    syncs = []
    records = hook_records.HookRecords(flow_backend, 'book-paced',
                                      before_write=lambda: syncs.append(1))
    start = time.monotonic()
    tickets = []
    for i in range(100):
        tickets.append(records.add('OS::Cinder::Volume#v%d' % i, 'on_main'))
        time.sleep(0.001)
    records.wait(tickets[-1])
    elapsed = time.monotonic() - start
    assert len(hook_records.recorded_hooks(flow_backend.engine)) == 100
    assert len(syncs) == batch_rows(flow_backend)
    assert len(syncs) <= elapsed / hook_records.RECORD_WRITE_INTERVAL + 2
    records.drop()
    assert batch_rows(flow_backend) == 0
