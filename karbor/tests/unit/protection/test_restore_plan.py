"""The restore plan: order, parameters after defaults, quotas summed over
the plan, plugins missing or failing their checks, and the restore flow
running the plan's parameters (without the preview's bank reads)."""

import pytest

from karbor import exception
from karbor.services.protection.flows import resource_flow
from karbor.services.protection.flows import restore
from karbor.services.protection import graph
from karbor.services.protection import protection_plugin
from karbor.services.protection import restore_plan
from karbor.tests.plugins import hook_recorder_plugin
from karbor.tests.unit.protection import flow_fakes as ff

VOLUME = 'OS::Cinder::Volume'
SERVER = 'OS::Nova::Server'


class PlanningPlugin(hook_recorder_plugin.HookRecorderProtectionPlugin):
    """The recorder, with a restore schema with defaults and a
    ``plan_restore`` that names, claims 2 GB each and may fail a check."""

    remaining_reads = []

    @classmethod
    def get_restore_schema(cls, resource_type):
        return {'type': 'object', 'properties': {
            'size': {'type': 'integer', 'default': 2},
            'label': {'type': 'string', 'default': None},
            'sleep': {'type': 'number'}}}

    def plan_restore(self, planning, resource, parameters, section):
        name = parameters.get('label') or 'new-' + resource.name
        saved = planning.saved(section)
        return restore_plan.Step(
            name, planning.project, dict(parameters, label=name),
            restore_plan.checked(planning, lambda: self._look(
                planning, resource, parameters)), {'saved': saved})

    def _look(self, planning, resource, parameters):
        if resource.name == 'broken':
            raise RuntimeError('the cloud is away')
        message = planning.claim('gigabytes', parameters['size'],
                                 self._remaining)
        if message:
            yield restore_plan.QUOTA, message

    @classmethod
    def _remaining(cls):
        cls.remaining_reads.append(1)
        return 5


def checkpoint_of(tmp_path, roots):
    return ff.Checkpoint(str(tmp_path), status='available',
                         resource_graph=graph.serialize_resource_graph(roots))


def plugins(cls=PlanningPlugin):
    return {VOLUME: cls(), SERVER: cls()}


def test_dependencies_first_each_after_its_children(tmp_path):
    roots, res = ff.diamond()
    plan = restore_plan.build(ff.make_context(), plugins(),
                              checkpoint_of(tmp_path, roots), {})
    keys = {name: res[name].key for name in 'ABCD'}
    assert plan['order'] == [keys[n] for n in 'DBCA']
    steps = {r['original_name']: r for r in plan['resources']}
    assert steps['A']['depends_on'] == sorted([keys['B'], keys['C']])
    assert steps['B']['depends_on'] == [keys['D']]
    assert steps['D']['depends_on'] == []
    assert [r['order'] for r in plan['resources']] == [1, 2, 3, 4]
    assert steps['A']['name'] == 'new-A'
    assert steps['A']['target'] == 'project %s' % ff.PROJECT_ID


def test_parameters_defaults_then_type_then_resource(tmp_path):
    roots, res = ff.diamond()
    plan = restore_plan.build(
        ff.make_context(), plugins(), checkpoint_of(tmp_path, roots),
        {VOLUME: {'size': 1, 'sleep': 0}, res['B'].key: {'label': 'bee'}})
    steps = {r['original_name']: r for r in plan['resources']}
    assert steps['B']['parameters'] == {'size': 1, 'sleep': 0,
                                        'label': 'bee'}
    assert steps['B']['name'] == 'bee'
    assert steps['C']['parameters'] == {'size': 1, 'sleep': 0,
                                        'label': 'new-C'}
    parameters = {VOLUME: {'size': 1, 'sleep': 0},
                  res['B'].key: {'label': 'bee'}}
    flow = restore_plan.flow_parameters(plan, parameters)
    for resource in res.values():
        assert resource_flow.resource_parameters(flow, resource) == \
            steps[resource.name]['parameters']


def test_flow_parameters_grow_only_with_what_plugins_computed(tmp_path):
    roots, res = ff.independent(3)
    parameters = {VOLUME: {'sleep': 0}}
    plan = restore_plan.build(
        ff.make_context(),
        {VOLUME: hook_recorder_plugin.HookRecorderProtectionPlugin()},
        checkpoint_of(tmp_path, roots), parameters)
    assert restore_plan.flow_parameters(plan, parameters) == parameters


def test_quota_is_summed_over_the_plan_and_read_once(tmp_path):
    PlanningPlugin.remaining_reads = []
    roots, res = ff.independent(3)
    plan = restore_plan.build(ff.make_context(), plugins(),
                              checkpoint_of(tmp_path, roots), {})
    assert [(c['original_id'], c['kind'], c['message'])
            for c in plan['conflicts']] == [
        (res['vol2'].id, 'quota',
         'the restore needs 6 gigabytes, 5 left in the quota')]
    assert PlanningPlugin.remaining_reads == [1]


def test_a_failing_check_is_a_conflict(tmp_path):
    resource = ff.resources('broken')['broken']
    roots = graph.build_graph([resource], lambda r: [])
    plan = restore_plan.build(ff.make_context(), plugins(),
                              checkpoint_of(tmp_path, roots), {})
    assert plan['conflicts'] == [{
        'type': VOLUME, 'original_id': resource.id, 'kind': 'unchecked',
        'message': 'could not check: the cloud is away'}]
    assert plan['order'] == [resource.key]


def test_a_type_without_plugin(tmp_path):
    server = ff.resources('vm', resource_type=SERVER)['vm']
    volume = ff.resources('disk')['disk']
    roots = graph.build_graph([server], lambda r: [volume] if r is server
                              else [])
    checkpoint = checkpoint_of(tmp_path, roots)
    plan = restore_plan.build(ff.make_context(), {VOLUME: PlanningPlugin()},
                              checkpoint, {})
    assert plan['order'] == [volume.key]
    assert [(c['type'], c['kind']) for c in plan['conflicts']] == [
        (SERVER, 'no_plugin')]
    with pytest.raises(exception.ProtectionPluginNotFound):
        restore_plan.build(ff.make_context(), {VOLUME: PlanningPlugin()},
                           checkpoint, {}, preview=False)


def test_only_a_preview_reads_the_saved_metadata(tmp_path):
    roots, res = ff.independent(1)
    checkpoint = checkpoint_of(tmp_path, roots)
    checkpoint.get_resource_bank_section(res['vol0'].id).update_object(
        'metadata', {'size': 3})
    [step] = restore_plan.build(ff.make_context(), plugins(), checkpoint,
                                {})['resources']
    assert step['details'] == {'saved': {'size': 3}}
    [step] = restore_plan.build(ff.make_context(), plugins(), checkpoint,
                                {}, 'r1', preview=False)['resources']
    assert step['details'] == {'saved': {}}


def test_default_step_keeps_the_name_in_the_project(tmp_path):
    roots, res = ff.independent(1)
    plan = restore_plan.build(
        ff.make_context(),
        {VOLUME: hook_recorder_plugin.HookRecorderProtectionPlugin()},
        checkpoint_of(tmp_path, roots), {VOLUME: {'sleep': 0}})
    [step] = plan['resources']
    assert (step['name'], step['target'], step['parameters']) == (
        'vol0', 'project %s' % ff.PROJECT_ID, {'sleep': 0})
    assert protection_plugin.ProtectionPlugin.plan_restore is \
        hook_recorder_plugin.HookRecorderProtectionPlugin.plan_restore


def run_restore(tmp_path, flow_backend, checkpoint, plugins_, parameters):
    record = ff.Record(str(tmp_path), status='in_progress')
    log = ff.OperationLog(str(tmp_path))
    ok = restore.restore(ff.make_context(), plugins_, checkpoint, record,
                         log, parameters, backend=flow_backend)
    return ok, record, log


def test_restore_runs_the_plans_parameters(tmp_path, flow_backend,
                                           hook_recorder):
    roots, res = ff.independent(2)
    checkpoint = checkpoint_of(tmp_path, roots)
    journal = hook_recorder_plugin.HookRecorderProtectionPlugin.journal
    journal.clear()
    seen = {}

    class Seeing(PlanningPlugin):
        def get_restore_operation(self, resource):
            operation = super().get_restore_operation(resource)
            main = operation.on_main

            def on_main(checkpoint, resource, context, parameters, **kw):
                seen[resource.key] = dict(parameters)
                return main(checkpoint, resource, context, parameters, **kw)
            operation.on_main = on_main
            return operation

    ok, record, log = run_restore(tmp_path, flow_backend, checkpoint,
                                  plugins(Seeing), {VOLUME: {'sleep': 0}})
    assert ok, log.error_info
    assert seen == {r.key: {'size': 2, 'sleep': 0,
                            'label': 'new-' + r.name}
                    for r in res.values()}


def test_restore_without_a_plugin_fails_at_once(tmp_path, flow_backend):
    roots, _res = ff.independent(1)
    checkpoint = checkpoint_of(tmp_path, roots)
    ok, record, log = run_restore(tmp_path, flow_backend, checkpoint, {},
                                  {})
    assert not ok
    assert record.status == 'fail'
    assert log.status == 'error'
    assert VOLUME in log.error_info


def test_restore_finishes_each_resource_after_its_dependencies(
        tmp_path, flow_backend, hook_recorder):
    roots, _res = ff.diamond()
    checkpoint = checkpoint_of(tmp_path, roots)
    plan = restore_plan.build(ff.make_context(), plugins(), checkpoint, {})
    journal = hook_recorder_plugin.HookRecorderProtectionPlugin.journal
    journal.clear()
    ok, _record, log = run_restore(tmp_path, flow_backend, checkpoint,
                                   plugins(), {})
    assert ok, log.error_info
    finished = [event[2] for event in journal.events()
                if event[:2] == ('restore', 'on_complete')]
    assert sorted(finished) == sorted(plan['order'])
    for step in plan['resources']:
        key = '%s#%s' % (step['type'], step['original_id'])
        assert all(finished.index(dep) < finished.index(key)
                   for dep in step['depends_on'])


def test_a_checkpoint_without_graph_plans_nothing(tmp_path):
    checkpoint = ff.Checkpoint(str(tmp_path), status='available')
    assert restore_plan.build(ff.make_context(), plugins(), checkpoint,
                              {}) == {'resources': [], 'conflicts': [],
                                      'order': []}


class Failing(PlanningPlugin):
    def plan_restore(self, planning, resource, parameters, section):
        raise ValueError('no plan today')


def test_a_plugin_failing_to_plan(tmp_path):
    roots, res = ff.independent(1)
    checkpoint = checkpoint_of(tmp_path, roots)
    plan = restore_plan.build(ff.make_context(), plugins(Failing),
                              checkpoint, {})
    assert [(r['name'], r['parameters']) for r in plan['resources']] == [
        ('vol0', {'size': 2})]
    assert [(c['kind'], c['message']) for c in plan['conflicts']] == [
        ('unchecked', 'could not plan: no plan today')]
    with pytest.raises(ValueError):
        restore_plan.build(ff.make_context(), plugins(Failing), checkpoint,
                           {}, preview=False)


def test_a_check_failing_midway_keeps_what_it_found(tmp_path):
    def look():
        yield restore_plan.NAME_IN_USE, 'taken'
        raise exception.ServiceUnavailable(message='the cloud is away')

    planning = restore_plan.Planning(ff.make_context(), None)
    assert restore_plan.checked(planning, look) == [
        ('name_in_use', 'taken'),
        ('unchecked', 'could not check: the cloud is away')]
    restoring = restore_plan.Planning(ff.make_context(), None, 'r1',
                                      preview=False)
    assert restore_plan.checked(restoring, look) == []
