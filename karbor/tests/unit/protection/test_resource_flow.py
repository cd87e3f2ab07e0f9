"""Tests of the resource graph flow: tasks, links, hook order, parallelism."""

from oslo_config import cfg
import pytest
from taskflow import engines as taskflow_engines
from taskflow import exceptions as tf_exc
from taskflow.patterns import linear_flow
from taskflow import task

from karbor import exception
from karbor.services.protection.flows import delete
from karbor.services.protection.flows import protect
from karbor.services.protection.flows import resource_flow
from karbor.services.protection.flows import restore
from karbor.services.protection.flows import runtime as flow_runtime
from karbor.services.protection.flows import workflow
from karbor.services.protection import graph
from karbor.services.protection import protection_plugin
from karbor.tests.unit.protection import flow_fakes as ff

CONF = cfg.CONF
HOOKS = protection_plugin.HOOKS
DIAMOND_EDGES = (('A', 'B'), ('A', 'C'), ('B', 'D'), ('C', 'D'))


def assert_hook_order(calls, operation, res):
    position = {(hook, key): index
                for index, (op, hook, key) in enumerate(calls)
                if op == operation}
    assert len(position) == 4 * len(res)

    def pos(hook, name):
        return position[(hook, res[name].key)]

    for name in res:
        assert [pos(hook, name) for hook in HOOKS] == sorted(
            pos(hook, name) for hook in HOOKS)
    for parent, child in DIAMOND_EDGES:
        assert pos('on_prepare_begin', parent) < pos('on_prepare_begin',
                                                     child)
        assert pos('on_prepare_finish', child) < pos('on_prepare_finish',
                                                     parent)
        assert pos('on_complete', child) < pos('on_complete', parent)


def run_protect(tmp_path, roots, plugins, flow_backend, parameters=None):
    checkpoint = ff.Checkpoint(str(tmp_path))
    log = ff.OperationLog(str(tmp_path))
    ok = protect.protect(ff.make_context(), plugins, checkpoint, log, roots,
                         parameters or {}, backend=flow_backend)
    return ok, checkpoint, log


def test_protect_diamond_hook_order(tmp_path, flow_backend, hook_recorder):
    roots, res = ff.diamond()
    ok, checkpoint, _log = run_protect(tmp_path, roots, ff.recorder_plugins(),
                                       flow_backend)
    assert ok
    assert_hook_order(hook_recorder.journal.calls(), 'protect', res)


def test_restore_and_delete_diamond_hook_order(tmp_path, flow_backend,
                                               hook_recorder):
    roots, res = ff.diamond()
    plugins = ff.recorder_plugins()
    ok, checkpoint, _log = run_protect(tmp_path, roots, plugins, flow_backend)
    assert ok
    record = ff.Record(str(tmp_path), status='in_progress')
    assert restore.restore(ff.make_context(), plugins, checkpoint, record,
                           ff.OperationLog(str(tmp_path)), {},
                           backend=flow_backend)
    assert delete.delete(ff.make_context(), plugins, checkpoint,
                         ff.OperationLog(str(tmp_path)), backend=flow_backend)
    calls = hook_recorder.journal.calls()
    assert_hook_order(calls, 'restore', res)
    assert_hook_order(calls, 'delete', res)


def test_mains_of_independent_resources_run_in_parallel(tmp_path, flow_backend,
                                                         hook_recorder):
    roots, res = ff.independent(4)
    ok, _cp, _log = run_protect(tmp_path, roots, ff.recorder_plugins(),
                                flow_backend,
                                {'OS::Cinder::Volume': {'sleep': 0.8}})
    assert ok
    mains = [event for event in hook_recorder.journal.events()
             if event[1] == 'on_main']
    begins = [event[4] for event in mains if event[3] == 'begin']
    ends = [event[4] for event in mains if event[3] == 'end']
    assert len(begins) == len(ends) == 4
    # Every main started before any main ended: they overlapped.
    assert max(begins) < min(ends)


def test_thread_pool_size_bounds_parallelism(tmp_path, flow_backend,
                                             hook_recorder):
    CONF.set_override('flow_thread_pool_size', 1)
    workflow.shutdown_executor()
    try:
        roots, _res = ff.independent(3)
        ok, _cp, _log = run_protect(
            tmp_path, roots, ff.recorder_plugins(), flow_backend,
            {'OS::Cinder::Volume': {'sleep': 0.05}})
    finally:
        workflow.shutdown_executor()
    assert ok
    mains = sorted((event[4], event[3])
                   for event in hook_recorder.journal.events()
                   if event[1] == 'on_main')
    assert [kind for _time, kind in mains] == ['begin', 'end'] * 3


class MainAndCompleteOperation(protection_plugin.Operation):
    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        pass

    def on_complete(self, checkpoint, resource, context, parameters,
                    **kwargs):
        pass


class PartialPlugin(protection_plugin.ProtectionPlugin):
    def get_protect_operation(self, resource):
        return MainAndCompleteOperation()

    @classmethod
    def get_supported_resources_types(cls):
        return ('OS::Cinder::Volume',)


def build(roots, plugins, parameters=None, operation='protect'):
    runtime = flow_runtime.FlowRuntime(ff.make_context(), plugins, None, None)
    hooks = resource_flow.plan_hooks(operation, roots, runtime)
    return resource_flow.build_resource_flow(
        operation, graph.serialize_resource_graph(roots), hooks,
        parameters or {})


def test_implemented_hooks_helper():
    assert protection_plugin.implemented_hooks(
        MainAndCompleteOperation()) == ('on_main', 'on_complete')
    assert protection_plugin.implemented_hooks(
        protection_plugin.Operation()) == ()


def test_only_implemented_hooks_become_tasks():
    roots, res = ff.diamond()
    flow = build(roots, {'OS::Cinder::Volume': PartialPlugin()})
    names = sorted(task.name for task, _meta in flow.iter_nodes())
    assert len(names) == 8
    assert 'protect_on_main_OS::Cinder::Volume_id-A' in names
    assert not [name for name in names if 'prepare' in name]
    links = {(u.name, v.name) for u, v, _meta in flow.iter_links()}
    # Children complete before parents, mains before completes.
    assert ('protect_on_complete_OS::Cinder::Volume_id-D',
            'protect_on_complete_OS::Cinder::Volume_id-B') in links
    assert ('protect_on_main_OS::Cinder::Volume_id-A',
            'protect_on_complete_OS::Cinder::Volume_id-A') in links


def test_recorder_flow_has_four_tasks_per_resource_and_noop_none():
    roots, _res = ff.diamond()
    assert len(list(build(roots, ff.recorder_plugins()).iter_nodes())) == 16
    from karbor.services.protection.protection_plugins import (
        noop_protection_plugin)
    noop = noop_protection_plugin.NoopProtectionPlugin()
    assert list(build(roots, {'OS::Cinder::Volume': noop}).iter_nodes()) == []


def test_missing_plugin_raises():
    roots, _res = ff.diamond()
    with pytest.raises(exception.ProtectionPluginNotFound):
        build(roots, {})


def test_parameters_merged_per_resource():
    res = ff.resources('A')['A']
    params = {'OS::Cinder::Volume': {'a': 1, 'b': 2},
              res.key: {'b': 3}, 'OS::Nova::Server': {'c': 4}}
    assert resource_flow.resource_parameters(params, res) == {'a': 1, 'b': 3}
    assert resource_flow.resource_parameters({}, res) == {}


class Record(task.Task):
    def execute(self, order):
        order.append(self.name)


def test_resource_graph_flow_runs_in_link_order_on_taskflow_engines():
    """The pattern compiles through taskflow's public Flow interface: an
    engine runs its tasks after their predecessors (this fails if taskflow
    stops compiling custom patterns that way)."""
    first, second, third = Record('first'), Record('second'), Record('third')
    pattern = resource_flow.ResourceGraphFlow('pattern')
    pattern.add(third, second, first)
    pattern.link_many([(first, second), (second, third), (first, second)])
    assert [node.name for node in pattern] == ['first', 'second', 'third']
    assert len(list(pattern.iter_links())) == 2
    assert pattern.requires == {'order'}
    order = []
    taskflow_engines.run(linear_flow.Flow('outer').add(pattern),
                         store={'order': order}, engine='parallel')
    assert order == ['first', 'second', 'third']


def test_resource_graph_flow_refuses_cycles_and_strangers():
    one, two = Record('one'), Record('two')
    pattern = resource_flow.ResourceGraphFlow('pattern').add(one, two)
    with pytest.raises(tf_exc.DependencyFailure):
        pattern.link_many([(one, two), (two, one)])
    # A refused batch leaves the flow as it was.
    assert list(pattern.iter_links()) == []
    with pytest.raises(ValueError):
        pattern.link_many([(one, Record('stranger'))])
