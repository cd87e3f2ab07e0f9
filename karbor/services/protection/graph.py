"""The resource dependency graph and its serialized form.

A graph is a list of root ``GraphNode``s. Each node holds a ``Resource`` and
the nodes of the resources it depends on (its children). A resource shared by
several parents is represented by a single node, so the graph is a DAG.

Every walk here is iterative: graphs of thousands of resources (or deep
chains) never hit the interpreter's recursion limit.
"""

import collections

from oslo_serialization import jsonutils

from karbor import exception
from karbor.i18n import _
from karbor import resource as karbor_resource


class GraphNode(collections.namedtuple('GraphNode',
                                       ('value', 'child_nodes'))):
    """A resource (``value``) and the tuple of its child nodes.

    Nodes compare and hash by identity: structural comparison of a large DAG
    would be recursive and expensive.
    """
    __slots__ = ()

    def __new__(cls, value, child_nodes=()):
        return super().__new__(cls, value, tuple(child_nodes))

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def __repr__(self):
        return 'GraphNode(%r, <%d children>)' % (self.value,
                                                  len(self.child_nodes))


def _unique(items):
    return list(dict.fromkeys(items))


def build_graph(start_resources, get_dependent_resources):
    """Build the dependency graph of ``start_resources``.

    :param start_resources: iterable of ``Resource``.
    :param get_dependent_resources: callable ``(resource) -> [Resource]``
        giving the resources a resource depends on; called once per resource.
    :returns: list of root ``GraphNode``: the start resources that are not a
        dependency of another resource of the graph, in the given order.
    :raises GraphCycleError: if the dependencies contain a loop.
    """
    start_resources = _unique(start_resources)
    finished = {}
    found_as_child = set()
    for start in start_resources:
        if start not in finished:
            _walk_from(start, get_dependent_resources, finished,
                       found_as_child)
    return [finished[res] for res in start_resources
            if res not in found_as_child]


def _walk_from(start, get_dependent_resources, finished, found_as_child):
    """Depth-first construction of the nodes reachable from ``start``."""
    # Stack frames are [resource, children, next child index]; the resources
    # on the stack are the "gray" ones, ``finished`` holds the black ones.
    stack = [[start, _unique(get_dependent_resources(start)), 0]]
    on_path = {start: 0}
    while stack:
        frame = stack[-1]
        current, children, index = frame
        if index == len(children):
            finished[current] = GraphNode(
                current, (finished[child] for child in children))
            del on_path[current]
            stack.pop()
            continue
        frame[2] += 1
        child = children[index]
        found_as_child.add(child)
        if child in finished:
            continue
        if child in on_path:
            loop = [f[0] for f in stack[on_path[child]:]] + [child]
            raise exception.GraphCycleError(
                reason=' -> '.join(res.key for res in loop))
        on_path[child] = len(stack)
        stack.append([child, _unique(get_dependent_resources(child)), 0])


def iter_post_order(roots):
    """Yield every node reachable from ``roots`` once, children first."""
    seen = set()
    for root in roots:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.child_nodes))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, iter(child.child_nodes)))
                    break
            else:
                stack.pop()
                yield node


def iter_edges(roots):
    """Yield ``(parent_node, child_node)`` for every edge of the graph."""
    for node in iter_post_order(roots):
        for child in node.child_nodes:
            yield node, child


def serialize_resource_graph(roots):
    """Pack a graph into the JSON string stored in a checkpoint.

    Format: ``[{sid: [type, id, name, extra_info]}, [[parent_sid,
    [child_sid, ...]], ...]]`` where serial ids ("0x0", "0x1", ...) are given
    in post-order, so every parent is listed after its children.
    """
    sids = {}
    nodes = {}
    adjacency = []
    for node in iter_post_order(roots):
        sid = hex(len(sids))
        sids[id(node)] = sid
        res = node.value
        # Four long, extra_info null when empty, as Karbor 1.6 (seed 002).
        nodes[sid] = [res.type, res.id, res.name, res.extra_info or None]
        if node.child_nodes:
            adjacency.append(
                [sid, [sids[id(child)] for child in node.child_nodes]])
    return jsonutils.dumps([nodes, adjacency])


def _invalid(reason):
    return exception.InvalidInput(
        reason=_('Invalid resource graph: %s') % reason)


def _load_nodes(raw_nodes):
    if not isinstance(raw_nodes, dict):
        raise _invalid(_('the node map is not an object'))
    resources = {}
    for sid, fields in raw_nodes.items():
        # Older checkpoints store [type, id, name] without extra_info.
        if not isinstance(fields, list) or len(fields) not in (3, 4):
            raise _invalid(_('node %s is malformed') % sid)
        resources[sid] = karbor_resource.Resource(*fields)
    return resources


def deserialize_resource_graph(serialized):
    """Unpack a string made by ``serialize_resource_graph`` into roots.

    :raises InvalidInput: if the string is not a valid packed graph, e.g. a
        parent is listed before one of its children.
    """
    try:
        raw_nodes, raw_adjacency = jsonutils.loads(serialized)
    except (TypeError, ValueError) as err:
        raise _invalid(err)
    resources = _load_nodes(raw_nodes)
    if not isinstance(raw_adjacency, list):
        raise _invalid(_('the adjacency list is not an array'))
    parents = {}
    for entry in raw_adjacency:
        if (not isinstance(entry, list) or len(entry) != 2 or
                not isinstance(entry[1], list)):
            raise _invalid(_('adjacency entry %s is malformed') % (entry,))
        if entry[0] in parents:
            raise _invalid(_('node %s is listed twice') % entry[0])
        parents[entry[0]] = entry[1]
    nodes = {sid: GraphNode(res) for sid, res in resources.items()}
    built = set()
    children_seen = set()
    for parent_sid, child_sids in raw_adjacency:
        for sid in [parent_sid] + child_sids:
            if sid not in nodes:
                raise _invalid(_('unknown node %s') % sid)
        for child_sid in child_sids:
            if child_sid in parents and child_sid not in built:
                raise _invalid(_('node %(parent)s is listed before its '
                                 'child %(child)s') %
                               {'parent': parent_sid, 'child': child_sid})
        nodes[parent_sid] = GraphNode(
            resources[parent_sid], (nodes[sid] for sid in child_sids))
        built.add(parent_sid)
        children_seen.update(child_sids)
    return [nodes[sid] for sid in resources if sid not in children_seen]
