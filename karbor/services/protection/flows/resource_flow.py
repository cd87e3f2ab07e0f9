"""Turn a resource graph into a taskflow graph flow of plugin hooks.

For every resource, each hook its plugin operation implements becomes a
task named ``<op>_<hook>_<Type>_<id>``. Links:

* within a resource: prepare_begin -> prepare_finish -> main -> complete;
* parent.prepare_begin -> child.prepare_begin;
* child.prepare_finish -> parent.prepare_finish;
* child.complete -> parent.complete.

A link to a hook the plugin does not implement goes to the nearest
implemented hook instead, so the order above holds whatever is left out.

Building is split in two: ``plan_hooks`` asks the plugins (live objects)
which hooks exist, and ``build_resource_flow`` builds tasks from JSON only,
so that a restarted worker can rebuild the very same flow.
"""

import graphlib

from oslo_log import log as logging
from taskflow import exceptions as tf_exc
from taskflow import flow
from taskflow import task

from karbor import metrics
from karbor.services.protection import graph
from karbor.services.protection import protection_plugin

LOG = logging.getLogger(__name__)
HOOKS = protection_plugin.HOOKS
PREPARE_BEGIN, PREPARE_FINISH, MAIN, COMPLETE = HOOKS


def task_name(operation_type, hook, resource):
    return '%s_%s_%s_%s' % (operation_type, hook, resource.type, resource.id)


def plan_hooks(operation_type, roots, runtime):
    """Map ``Type#id`` -> implemented hooks, for each resource of the graph.

    :raises ProtectionPluginNotFound: if a resource type has no plugin.
    """
    hooks = {}
    for node in graph.iter_post_order(roots):
        operation = runtime.get_operation(operation_type, node.value)
        hooks[node.value.key] = list(
            protection_plugin.implemented_hooks(operation))
    return hooks


def resource_parameters(parameters, resource):
    """``parameters[Type]`` overridden by ``parameters["Type#id"]``."""
    merged = dict(parameters.get(resource.type) or {})
    merged.update(parameters.get(resource.key) or {})
    return merged


class ResourceHookTask(task.Task):
    """Runs one hook of one resource's plugin operation."""

    def __init__(self, operation_type, hook, resource, parameters,
                 reverts_resource=False):
        super().__init__(name=task_name(operation_type, hook, resource))
        self._operation_type = operation_type
        self._hook = hook
        self._resource = resource
        self._parameters = parameters
        self._reverts_resource = reverts_resource

    def _call(self, runtime, method):
        operation = runtime.get_operation(self._operation_type,
                                          self._resource)
        plugin = runtime.plugins.get(self._resource.type)
        with metrics.timed_hook(plugin, self._operation_type, method):
            getattr(operation, method)(
                runtime.checkpoint, self._resource, runtime.context,
                self._parameters,
                **runtime.hook_kwargs(self._operation_type))

    def execute(self, runtime):
        runtime.check_aborted()
        runtime.hook_started(self._operation_type, self._resource)
        try:
            self._call(runtime, self._hook)
        except Exception as err:
            runtime.hook_ended(self._operation_type, self._resource, False)
            runtime.record_resource_failure(self._operation_type,
                                            self._resource, str(err))
            raise
        runtime.hook_ended(self._operation_type, self._resource)
        return True

    def revert(self, runtime, result=None, **kwargs):
        # The first task of a resource undoes the whole resource, once its
        # later tasks have been reverted; only if it actually ran. A failed
        # undo must not stop the revert of the others (taskflow stops at
        # the first revert that raises): it is reported in the reason.
        if not (self._reverts_resource and result is not None):
            return
        try:
            self._call(runtime, 'on_revert')
        except Exception as err:
            LOG.warning('Undoing %(name)s failed: %(err)s',
                        {'name': self.name, 'err': err})
            cleanup_failures(runtime).append(
                '%s %s: %s' % (self._resource.type, self._resource.id, err))


def cleanup_failures(runtime):
    """What the revert of ``runtime``'s flow could not undo (a list)."""
    return runtime.__dict__.setdefault('cleanup_failures', [])


class ResourceGraphFlow(flow.Flow):
    """A flow pattern of tasks linked by explicit edges, checked at once.

    taskflow's graph flow copies and re-checks its whole graph on every
    ``link``, which is quadratic for graphs of thousands of tasks. This
    pattern keeps the tasks and links as given and checks once, in
    ``link_many``, that they form no cycle. Engines compile any
    ``taskflow.flow.Flow`` through that base class's interface (iteration,
    ``iter_links``, ``iter_nodes``, ``requires``), which this implements.
    Its tasks provide no symbols to each other.
    """

    def __init__(self, name):
        super().__init__(name)
        self._nodes = {}
        self._links = {}

    def add(self, *items):
        for item in items:
            self._nodes.setdefault(item, [])
        return self

    def link_many(self, edges):
        """Link each ``(u, v)``: ``v`` runs after ``u``; both were added.

        :raises DependencyFailure: if the links make a cycle.
        """
        predecessors = {node: list(before)
                        for node, before in self._nodes.items()}
        links = dict(self._links)
        for u, v in edges:
            if u not in predecessors or v not in predecessors:
                raise ValueError('Link %s -> %s between tasks not in the '
                                 'flow' % (u, v))
            if (u, v) not in links:
                links[u, v] = {flow.LINK_MANUAL: True}
                predecessors[v].append(u)
        try:
            order = list(graphlib.TopologicalSorter(predecessors)
                         .static_order())
        except graphlib.CycleError as err:
            raise tf_exc.DependencyFailure(
                'The links of flow %s make a cycle: %s'
                % (self.name, err.args[1]))
        self._nodes = {node: predecessors[node] for node in order}
        self._links = links
        return self

    def __len__(self):
        return len(self._nodes)

    def __iter__(self):
        return iter(self._nodes)

    def iter_nodes(self):
        for node in self._nodes:
            yield node, {}

    def iter_links(self):
        for (u, v), meta in self._links.items():
            yield u, v, dict(meta)

    @property
    def requires(self):
        required = set()
        provided = set()
        for node in self._nodes:
            required.update(node.requires)
            provided.update(node.provides)
        return frozenset(required - provided)


def _resource_tasks(operation_type, resource, hooks, parameters):
    params = resource_parameters(parameters, resource)
    return {hook: ResourceHookTask(operation_type, hook, resource, params,
                                   reverts_resource=(index == 0))
            for index, hook in enumerate(h for h in HOOKS if h in hooks)}


def _first_at_or_after(tasks, hook):
    for name in HOOKS[HOOKS.index(hook):]:
        if name in tasks:
            return tasks[name]
    return None


def _last_at_or_before(tasks, hook):
    for name in reversed(HOOKS[:HOOKS.index(hook) + 1]):
        if name in tasks:
            return tasks[name]
    return None


def _edges(node_tasks, roots):
    for tasks in node_tasks.values():
        ordered = [tasks[hook] for hook in HOOKS if hook in tasks]
        yield from zip(ordered, ordered[1:])
    for parent, child in graph.iter_edges(roots):
        parent_tasks = node_tasks[id(parent)]
        child_tasks = node_tasks[id(child)]
        for before, after in (
                (_last_at_or_before(parent_tasks, PREPARE_BEGIN),
                 _first_at_or_after(child_tasks, PREPARE_BEGIN)),
                (_last_at_or_before(child_tasks, PREPARE_FINISH),
                 _first_at_or_after(parent_tasks, PREPARE_FINISH)),
                (_last_at_or_before(child_tasks, COMPLETE),
                 _first_at_or_after(parent_tasks, COMPLETE))):
            if before is not None and after is not None:
                yield before, after


def build_resource_flow(operation_type, resource_graph, hooks, parameters):
    """The flow running the hooks of every resource.

    :param resource_graph: serialized resource graph (string).
    :param hooks: result of ``plan_hooks``.
    :param parameters: the operation's parameters, keyed by ``Type`` or
        ``Type#id``.
    """
    roots = graph.deserialize_resource_graph(resource_graph)
    pattern = ResourceGraphFlow('ResourceGraphFlow_%s' % operation_type)
    node_tasks = {}
    for node in graph.iter_post_order(roots):
        node_tasks[id(node)] = _resource_tasks(
            operation_type, node.value, hooks.get(node.value.key, ()),
            parameters or {})
    all_tasks = [t for tasks in node_tasks.values() for t in tasks.values()]
    if all_tasks:
        pattern.add(*all_tasks)
        pattern.link_many(_edges(node_tasks, roots))
    return pattern
