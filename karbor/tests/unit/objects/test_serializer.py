"""Objects travel over oslo.messaging RPC with KarborObjectSerializer."""

import uuid

from oslo_config import cfg
import oslo_messaging as messaging
import pytest

from karbor import objects
from karbor.objects import base
from karbor import rpc

objects.register_all()


class Endpoint(object):
    target = messaging.Target(version='1.0')

    def rename(self, context, plan, suffix):
        assert isinstance(plan, objects.Plan)
        assert context.project_id == 'project'
        plan.name += suffix
        return plan

    def all_plans(self, context):
        return objects.PlanList.get_all_by_project(context,
                                                   context.project_id)


@pytest.fixture
def rpc_client():
    transport = messaging.get_rpc_transport(cfg.CONF, url='fake://')
    target = messaging.Target(topic='test-%s' % uuid.uuid4().hex,
                              server='host', version='1.0')
    serializer = rpc.RequestContextSerializer(base.KarborObjectSerializer())
    server = messaging.get_rpc_server(
        transport, target, [Endpoint()], executor='threading',
        serializer=serializer)
    server.start()
    yield messaging.get_rpc_client(transport, target, serializer=serializer,
                                   timeout=20)
    server.stop()
    server.wait()
    transport.cleanup()


def test_objects_round_trip_over_rpc(sqlite_db, ctx, rpc_client):
    plan = objects.Plan(context=ctx, name='plan', project_id='project',
                        parameters={'T': {'n': 1, 'flag': True}},
                        resources=[{'id': 'r', 'type': 'T', 'name': 'n',
                                    'extra_info': {'k': [1, 2]}}])
    plan.create()
    renamed = rpc_client.call(ctx, 'rename', plan=plan, suffix='-x')
    assert isinstance(renamed, objects.Plan)
    assert renamed.name == 'plan-x'
    assert renamed.parameters == plan.parameters
    assert renamed.resources == plan.resources
    assert renamed.created_at == plan.created_at
    plans = rpc_client.call(ctx, 'all_plans')
    assert isinstance(plans, objects.PlanList)
    assert [p.id for p in plans] == [plan.id]


def test_serializer_primitive_round_trip(ctx):
    serializer = base.KarborObjectSerializer()
    trigger = objects.Trigger(context=ctx, id='t', name='n', project_id='p',
                              type='time', properties={'window': 900})
    primitive = serializer.serialize_entity(ctx, trigger)
    assert primitive['karbor_object.name'] == 'Trigger'
    back = serializer.deserialize_entity(ctx, primitive)
    assert back == trigger and back.properties == {'window': 900}


def test_objects_nested_in_plain_data_round_trip(ctx):
    """The plain walk hands objects anywhere in dicts and lists (and
    whatever else it does not know) to the generic one."""
    serializer = base.KarborObjectSerializer()
    trigger = objects.Trigger(context=ctx, id='t', name='n', project_id='p',
                              type='time', properties={'window': 900})
    payload = {'page': [{'id': 'c1', 'tags': ['a', None, 1.5, True]},
                        {'trigger': trigger}],
               'pair': (1, trigger), 'count': 2, 'note': None}
    primitive = serializer.serialize_entity(ctx, payload)
    assert primitive['page'][1]['trigger']['karbor_object.name'] == 'Trigger'
    assert primitive['pair'][1]['karbor_object.name'] == 'Trigger'
    assert primitive['page'][0] == payload['page'][0]
    back = serializer.deserialize_entity(ctx, primitive)
    assert back['page'][1]['trigger'] == trigger
    assert back['pair'] == (1, trigger)
    assert back['page'][0] == payload['page'][0]
    assert back['page'][0] is not payload['page'][0]
    assert (back['count'], back['note']) == (2, None)
