"""Tests of the resource graph: building, walking, (de)serialization."""

import json
import time

import pytest

from karbor import exception
from karbor import resource as karbor_resource
from karbor.services.protection import graph

VOLUME = 'OS::Cinder::Volume'
SERVER = 'OS::Nova::Server'
IMAGE = 'OS::Glance::Image'


def res(name, rtype=VOLUME, extra_info=None):
    return karbor_resource.Resource(rtype, 'id-' + name, name, extra_info)


def dependents(mapping, calls=None):
    def get(resource):
        if calls is not None:
            calls.append(resource)
        return mapping.get(resource, [])
    return get


def names(nodes):
    return [node.value.name for node in nodes]


def test_diamond_shares_child_node_and_calls_callback_once():
    a, b, c, d = res('A'), res('B'), res('C'), res('D')
    calls = []
    roots = graph.build_graph([a], dependents({a: [b, c], b: [d], c: [d]},
                                              calls))
    assert names(roots) == ['A']
    node_b, node_c = roots[0].child_nodes
    assert names([node_b, node_c]) == ['B', 'C']
    assert node_b.child_nodes[0] is node_c.child_nodes[0]
    assert sorted(r.name for r in calls) == ['A', 'B', 'C', 'D']


def test_roots_are_start_resources_never_found_as_child():
    server, volume, image = res('vm', SERVER), res('v1'), res('img', IMAGE)
    other = res('v2')
    roots = graph.build_graph(
        [volume, server, other],
        dependents({server: [volume, image]}))
    assert names(roots) == ['vm', 'v2']
    assert names(roots[0].child_nodes) == ['v1', 'img']


def test_duplicate_start_and_child_resources_are_merged():
    a, b = res('A'), res('B')
    roots = graph.build_graph([a, a], dependents({a: [b, b]}))
    assert len(roots) == 1
    assert names(roots[0].child_nodes) == ['B']


def test_cycle_is_detected_and_named():
    a, b, c = res('A'), res('B'), res('C')
    with pytest.raises(exception.GraphCycleError) as err:
        graph.build_graph([a], dependents({a: [b], b: [c], c: [a]}))
    message = str(err.value)
    assert 'loop' in message
    assert ('%s -> %s -> %s -> %s' % (a.key, b.key, c.key, a.key)) in message


def test_self_loop_is_detected():
    a = res('A')
    with pytest.raises(exception.GraphCycleError):
        graph.build_graph([a], dependents({a: [a]}))


def test_iter_post_order_visits_each_node_once_children_first():
    a, b, c, d = res('A'), res('B'), res('C'), res('D')
    roots = graph.build_graph([a], dependents({a: [b, c], b: [d], c: [d]}))
    assert names(graph.iter_post_order(roots)) == ['D', 'B', 'C', 'A']
    edges = [(p.value.name, c.value.name) for p, c in graph.iter_edges(roots)]
    assert sorted(edges) == [('A', 'B'), ('A', 'C'), ('B', 'D'), ('C', 'D')]


def test_serialize_exact_format_of_server_with_image():
    image = res('cirros', IMAGE, {'server_id': 'id-vm1'})
    server = res('vm1', SERVER)
    roots = graph.build_graph([server], dependents({server: [image]}))
    packed = graph.serialize_resource_graph(roots)
    assert json.loads(packed) == [
        {'0x0': [IMAGE, 'id-cirros', 'cirros', {'server_id': 'id-vm1'}],
         '0x1': [SERVER, 'id-vm1', 'vm1', None]},
        [['0x1', ['0x0']]]]
    assert packed.index('"0x0"') < packed.index('"0x1"')


def test_serialize_two_independent_volumes_like_the_user_guide():
    # Seed 000 shows two volumes packed as 0x0 and 0x1 with an empty
    # adjacency list; nodes are four long, extra_info null (Karbor 1.6,
    # seed 002), while three-long nodes of older checkpoints still load.
    v1 = karbor_resource.Resource(
        VOLUME, '700495ee-38e6-41a0-963f-f3f9a24c0f75', 'volume1')
    v2 = karbor_resource.Resource(
        VOLUME, '12e2abc6-f20b-430d-9b36-1a6befd23b6c', 'volume2')
    roots = graph.build_graph([v1, v2], dependents({}))
    assert json.loads(graph.serialize_resource_graph(roots)) == [
        {'0x0': [VOLUME, v1.id, 'volume1', None],
         '0x1': [VOLUME, v2.id, 'volume2', None]},
        []]


def test_deserialize_seed_format_without_extra_info():
    seed = ('[{"0x0": ["OS::Cinder::Volume", '
            '"700495ee-38e6-41a0-963f-f3f9a24c0f75", "volume1"], '
            '"0x1": ["OS::Cinder::Volume", '
            '"12e2abc6-f20b-430d-9b36-1a6befd23b6c", "volume2"]}, []]')
    roots = graph.deserialize_resource_graph(seed)
    assert names(roots) == ['volume1', 'volume2']
    assert roots[0].value.extra_info is None
    assert roots[1].value.id == '12e2abc6-f20b-430d-9b36-1a6befd23b6c'


def test_round_trip_keeps_sharing_and_extra_info():
    a, b, c = res('A'), res('B'), res('C')
    d = res('D', extra_info={'availability_zone': 'nova'})
    roots = graph.build_graph([a], dependents({a: [b, c], b: [d], c: [d]}))
    packed = graph.serialize_resource_graph(roots)
    again = graph.deserialize_resource_graph(packed)
    assert graph.serialize_resource_graph(again) == packed
    node_b, node_c = again[0].child_nodes
    assert node_b.child_nodes[0] is node_c.child_nodes[0]
    assert node_b.child_nodes[0].value.extra_info == {
        'availability_zone': 'nova'}


@pytest.mark.parametrize('packed', [
    'not json',
    '[{"0x0": ["T", "i"]}, []]',
    '[{"0x0": ["T", "i", "n"]}, [["0x9", ["0x0"]]]]',
    '[{"0x0": ["T", "a", "a"], "0x1": ["T", "b", "b"], "0x2": ["T", "c", '
    '"c"]}, [["0x2", ["0x1"]], ["0x1", ["0x0"]]]]',
    '[{"0x0": ["T", "a", "a"], "0x1": ["T", "b", "b"]}, '
    '[["0x1", ["0x0"]], ["0x1", ["0x0"]]]]',
])
def test_deserialize_rejects_invalid_input(packed):
    with pytest.raises(exception.InvalidInput):
        graph.deserialize_resource_graph(packed)


def test_thousand_resource_chain_and_fan_out_are_fast():
    chain = [res('c%d' % i) for i in range(1000)]
    chain_deps = {chain[i]: [chain[i + 1]] for i in range(999)}
    fan = [res('f%d' % i) for i in range(1000)]
    hub = res('hub', SERVER)
    start = time.monotonic()
    chain_roots = graph.build_graph(chain, dependents(chain_deps))
    fan_roots = graph.build_graph([hub] + fan, dependents({hub: fan}))
    packed = graph.serialize_resource_graph(chain_roots)
    again = graph.deserialize_resource_graph(packed)
    fan_packed = graph.serialize_resource_graph(fan_roots)
    graph.deserialize_resource_graph(fan_packed)
    elapsed = time.monotonic() - start
    print('1,000-node chain + fan-out build/pack/unpack: %.3f s' % elapsed)
    assert names(chain_roots) == ['c0']
    assert len(list(graph.iter_post_order(again))) == 1000
    assert names(fan_roots) == ['hub']
    assert len(fan_roots[0].child_nodes) == 1000
    assert elapsed < 1.0
