"""Turn a resource graph into a taskflow graph flow of plugin hooks.

For every resource, each hook its plugin operation implements becomes a
task named ``<op>_<hook>_<Type>_<id>``. Links:

* within a resource: prepare_begin -> prepare_finish -> main -> complete;
* parent.prepare_begin -> child.prepare_begin;
* child.prepare_finish -> parent.prepare_finish;
* child.complete -> parent.complete.

A link to a hook the plugin does not implement goes to the nearest
implemented hook instead, so the order above holds whatever is left out.

Resources linked to no other (the roots without children, e.g. the volumes
of a wide plan) have no order to keep with others. When the flow is built
with ``chunks``, they are spread over that many ``ResourceChunkTask``s
instead, each running the hooks of its resources in turn: a few persisted
atoms instead of four per resource. Which hooks completed is recorded
compactly (``hook_records.HookRecords``), so that a resumed chunk skips the
hooks recorded.

Building is split in two: ``plan_hooks`` asks the plugins (live objects)
which hooks exist, and ``build_resource_flow`` builds tasks from JSON only,
so that a restarted worker can rebuild the very same flow.
"""

import collections
import graphlib
import threading

from oslo_log import log as logging
from taskflow import exceptions as tf_exc
from taskflow import flow
from taskflow.patterns import unordered_flow
from taskflow import task

from karbor import metrics
from karbor.services.protection import bank_plugin
from karbor.services.protection import graph
from karbor.services.protection.flows import hook_records
from karbor.services.protection import protection_plugin

LOG = logging.getLogger(__name__)
HOOKS = protection_plugin.HOOKS
# Completed hooks of a chunk task whose records may still be on their way
# to the database when its next hook starts (see ``ResourceChunkTask``).
RECORDS_IN_FLIGHT = 16
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

    def execute(self, runtime):
        runtime.check_aborted()
        run_hook(runtime, self._operation_type, self._hook, self._resource,
                 self._parameters)
        return True

    def revert(self, runtime, result=None, **kwargs):
        # The first task of a resource undoes the whole resource, once its
        # later tasks have been reverted; only if it actually ran. A failed
        # undo must not stop the revert of the others (taskflow stops at
        # the first revert that raises): it is reported in the reason.
        if not (self._reverts_resource and result is not None):
            return
        undo_resource(runtime, self._operation_type, self._resource,
                      self._parameters)


def call_hook(runtime, operation_type, method, resource, parameters):
    """Call ``method`` of the plugin operation of ``resource``."""
    operation = runtime.get_operation(operation_type, resource)
    plugin = runtime.plugins.get(resource.type)
    with metrics.timed_hook(plugin, operation_type, method):
        getattr(operation, method)(
            runtime.checkpoint, resource, runtime.context, parameters,
            **runtime.hook_kwargs(operation_type))


def run_hook(runtime, operation_type, hook, resource, parameters):
    """Run one hook, counted in the operation's progress; a failure is
    reported on the restore or verification record, then raised."""
    runtime.hook_started(operation_type, resource)
    try:
        call_hook(runtime, operation_type, hook, resource, parameters)
    except Exception as err:
        runtime.hook_failed = True
        runtime.hook_ended(operation_type, resource, False)
        runtime.record_resource_failure(operation_type, resource, str(err))
        raise
    runtime.hook_ended(operation_type, resource)


def undo_resource(runtime, operation_type, resource, parameters):
    """``on_revert`` of a resource. A failed undo must not stop the revert
    of the others (taskflow stops at the first revert that raises): it is
    reported in the reason."""
    try:
        call_hook(runtime, operation_type, 'on_revert', resource, parameters)
    except Exception as err:
        LOG.warning('Undoing %(type)s %(id)s failed: %(err)s',
                    {'type': resource.type, 'id': resource.id, 'err': err})
        runtime.cleanup_failures.append(
            '%s %s: %s' % (resource.type, resource.id, err))


def failed_hook(runtime, atom_name):
    """The ``<op>_<hook>_<Type>_<id>`` name of the hook whose failure made
    atom ``atom_name`` fail (the atom's own name if it runs one hook)."""
    return runtime.failed_hooks.get(atom_name, atom_name)


_records_lock = threading.Lock()


def records_of(runtime):
    """The records of the completed hooks of ``runtime``'s flow."""
    with _records_lock:
        if runtime.hook_records is None:
            # No flow store: the records live in memory only.
            runtime.hook_records = hook_records.HookRecords(None, None)
        return runtime.hook_records


class ResourceChunkTask(task.Task):
    """Runs the hooks of some unlinked resources, one resource after the
    other, each resource's hooks in their order.

    Each completed hook is recorded while the next ones run; a hook starts
    only once the records of all but the last ``RECORDS_IN_FLIGHT`` hooks
    before it are written. Run again after a crash, the chunk skips what
    was recorded: the hook that was running runs again, and so may at most
    ``RECORDS_IN_FLIGHT`` hooks completed just before it (when hooks end
    faster than the database commits). The chunk ends once all its records
    are written. After a failure elsewhere in the flow it stops at
    the next hook, since the flow reverts anyway.

    The hooks' bank writes are made durable together, before the batch of
    records that names them is written (``bank_plugin.deferred_durability``
    and ``HookRecords.before_write``), instead of one by one: a file-system
    bank syncs its file system once per batch rather than each object.
    """

    def __init__(self, operation_type, index, members):
        """:param members: ``(resource, hooks, parameters)`` tuples."""
        super().__init__(name=chunk_name(operation_type, index))
        self._operation_type = operation_type
        self._members = members

    def execute(self, runtime):
        # The hooks' writes are made durable before their records are.
        with bank_plugin.deferred_durability(runtime.deferred_writes):
            return self._run_members(runtime)

    def _run_members(self, runtime):
        runtime.check_aborted()
        records = records_of(runtime)
        started = runtime.started_resources
        # Tickets of the records not known to be written, oldest first.
        tickets = collections.deque()
        for resource, hooks, parameters in self._members:
            for hook in hooks:
                if records.is_done(resource.key, hook):
                    continue
                if runtime.hook_failed:
                    return False
                runtime.check_aborted()
                started.add(resource.key)
                self._run(runtime, hook, resource, parameters)
                tickets.append(records.add(resource.key, hook))
                if len(tickets) > RECORDS_IN_FLIGHT:
                    records.wait(tickets.popleft())
        if tickets:
            records.wait(tickets[-1])
        if records.engine is None:
            # No record writer made the hooks' writes durable.
            runtime.deferred_writes.sync()
        return True

    def _run(self, runtime, hook, resource, parameters):
        try:
            run_hook(runtime, self._operation_type, hook, resource,
                     parameters)
        except Exception:
            runtime.failed_hooks[self.name] = (
                task_name(self._operation_type, hook, resource))
            raise

    def revert(self, runtime, result=None, **kwargs):
        # Undone, last first: the resources that ran a hook. If this task
        # was running when the flow was interrupted, also those that may
        # have run one unrecorded: records are written in order, so those
        # are within the first RECORDS_IN_FLIGHT + 1 hooks without one.
        # ``result`` does not tell: a task whose failure could not be saved
        # (the database went away) is reverted with none.
        records = records_of(runtime)
        undo = runtime.started_resources | self._may_have_run(records)
        for resource, parameters in reversed(
                [(resource, parameters) for resource, hooks, parameters
                 in self._members if resource.key in undo]):
            undo_resource(runtime, self._operation_type, resource,
                          parameters)

    def _may_have_run(self, records):
        """Keys of the resources that ran a hook recorded or, if this task
        was interrupted, one perhaps not recorded."""
        steps = [(resource.key, hook)
                 for resource, hooks, _parameters in self._members
                 for hook in hooks]
        done = [i for i, step in enumerate(steps) if records.is_done(*step)]
        unrecorded = [i for i, step in enumerate(steps)
                      if not records.is_done(*step)]
        if self.name in records.interrupted and unrecorded:
            end = unrecorded[0] + RECORDS_IN_FLIGHT + 1
            done += [i for i in unrecorded if i < end]
        return {steps[i][0] for i in done}


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


def chunk_name(operation_type, index):
    return '%s_resources_%d' % (operation_type, index)


def _chunk_tasks(operation_type, resources, hooks, parameters, chunks):
    members = [(resource, [h for h in HOOKS if h in hooks[resource.key]],
                resource_parameters(parameters, resource))
               for resource in resources]
    count = min(chunks, len(members))
    # Consecutive resources, sizes differing by one at most.
    bounds = [len(members) * i // count for i in range(count + 1)]
    return [ResourceChunkTask(operation_type, i,
                              members[bounds[i]:bounds[i + 1]])
            for i in range(count)]


def build_resource_flow(operation_type, resource_graph, hooks, parameters,
                        chunks=None):
    """The flow running the hooks of every resource.

    :param resource_graph: serialized resource graph (string).
    :param hooks: result of ``plan_hooks``.
    :param parameters: the operation's parameters, keyed by ``Type`` or
        ``Type#id``.
    :param chunks: how many ``ResourceChunkTask``s run the hooks of the
        resources linked to no other; ``None`` (flows recorded before
        chunks existed): a task per hook for every resource.
    """
    roots = graph.deserialize_resource_graph(resource_graph)
    parameters = parameters or {}
    unlinked = []
    if chunks:
        unlinked = [root.value for root in roots
                    if not root.child_nodes and hooks.get(root.value.key)]
    skip = {resource.key for resource in unlinked}
    pattern = ResourceGraphFlow('ResourceGraphFlow_%s' % operation_type)
    node_tasks = {}
    for node in graph.iter_post_order(roots):
        if node.value.key in skip:
            continue
        node_tasks[id(node)] = _resource_tasks(
            operation_type, node.value, hooks.get(node.value.key, ()),
            parameters)
    all_tasks = [t for tasks in node_tasks.values() for t in tasks.values()]
    if all_tasks:
        pattern.add(*all_tasks)
        pattern.link_many(_edges(node_tasks, roots))
    if not unlinked:
        return pattern
    resource_flow = unordered_flow.Flow('ResourceFlow_%s' % operation_type)
    if all_tasks:
        resource_flow.add(pattern)
    resource_flow.add(*_chunk_tasks(operation_type, unlinked, hooks,
                                    parameters, chunks))
    return resource_flow
