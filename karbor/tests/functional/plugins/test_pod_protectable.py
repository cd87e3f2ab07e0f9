"""K8sPodProtectablePlugin against the sandbox's Kubernetes API."""

import uuid

from kubernetes import client as k8s_model
from oslo_config import cfg
import pytest

from karbor.common import constants
from karbor import exception
from karbor.resource import Resource
from karbor.services.protection.protectable_plugins import pod
from karbor.tests.functional.plugins import helpers

POD = constants.POD_RESOURCE_TYPE


@pytest.fixture
def plugin():
    return pod.K8sPodProtectablePlugin()


def _create_pod(k8s, name, namespace='default', annotations=None):
    k8s.create_namespaced_pod(namespace, k8s_model.V1Pod(
        metadata=k8s_model.V1ObjectMeta(name=name, annotations=annotations),
        spec=k8s_model.V1PodSpec(containers=[k8s_model.V1Container(
            name='app', image='nginx')])))


def _running(k8s, name, namespace='default'):
    _create_pod(k8s, name, namespace)
    helpers.wait_pod_running(k8s, name, namespace)
    return Resource(POD, pod.pod_id(namespace, name),
                    '%s:%s' % (namespace, name))


def test_types(plugin):
    assert plugin.get_resource_type() == POD
    assert tuple(plugin.get_parent_resource_types()) == (
        constants.PROJECT_RESOURCE_TYPE,)


def test_pod_id_is_uuid5_of_namespace_and_name():
    assert pod.pod_id('default', 'web') == str(
        uuid.uuid5(uuid.NAMESPACE_OID, 'default:web'))


def test_list_show_and_exclusions(plugin, ctx, k8s):
    web = _running(k8s, 'web')
    _create_pod(k8s, 'stuck', annotations={'sandbox:fault:start':
                                           'slow:600'})
    listed = plugin.list_resources(ctx)
    assert web in listed
    assert listed[listed.index(web)].extra_info == {'namespace': 'default'}
    assert pod.pod_id('default', 'stuck') not in {r.id for r in listed}
    # by id alone, by "<ns>:<name>" and by bare name
    assert plugin.show_resource(ctx, web.id) == web
    assert plugin.show_resource(ctx, web.id, {'name': 'default:web'}) == web
    shown = plugin.show_resource(ctx, web.id, {'name': 'web'})
    assert shown == web and shown.extra_info == {'namespace': 'default'}
    stuck_id = pod.pod_id('default', 'stuck')
    for parameters in (None, {'name': 'default:stuck'}):
        with pytest.raises(exception.ProtectableResourceNotFound):
            plugin.show_resource(ctx, stuck_id, parameters)


def test_show_unknown(plugin, ctx):
    missing = pod.pod_id('default', 'missing')
    for parameters in (None, {'name': 'default:missing'}):
        with pytest.raises(exception.ProtectableResourceNotFound):
            plugin.show_resource(ctx, missing, parameters)
    web = pod.pod_id('default', 'web')
    with pytest.raises(exception.ProtectableResourceNotFound):
        # the name does not match the id
        plugin.show_resource(ctx, web, {'name': 'default:other'})


def test_project_dependents_are_the_pods(plugin, ctx, k8s):
    api = _running(k8s, 'api')
    project = Resource(constants.PROJECT_RESOURCE_TYPE, ctx.project_id, 'p')
    assert api in plugin.get_dependent_resources(ctx, project)
    volume = Resource(constants.VOLUME_RESOURCE_TYPE, 'v', 'v')
    assert plugin.get_dependent_resources(ctx, volume) == []


def _namespace(k8s, name):
    k8s.create_namespace(k8s_model.V1Namespace(
        metadata=k8s_model.V1ObjectMeta(name=name)))


def test_every_visible_namespace_by_default(plugin, ctx, k8s):
    _namespace(k8s, 'team-a')
    _namespace(k8s, 'team-b')
    pods = [_running(k8s, 'svc', 'team-a'), _running(k8s, 'svc', 'team-b'),
            _running(k8s, 'solo')]
    listed = plugin.list_resources(ctx)
    assert set(pods) <= set(listed)
    assert listed == sorted(listed, key=lambda r: r.name)
    a, b = pods[:2]
    assert a.id != b.id and a.name == 'team-a:svc'
    assert plugin.show_resource(ctx, b.id) == b
    assert plugin.show_resource(ctx, b.id, {'name': 'team-b:svc'}) == b
    # A bare name is looked up in "default".
    assert plugin.show_resource(ctx, pods[2].id, {'name': 'solo'}) == \
        pods[2]


def test_configured_namespaces(plugin, ctx, k8s):
    _namespace(k8s, 'apps')
    _namespace(k8s, 'ops')
    worker = _running(k8s, 'worker', 'apps')
    probe = _running(k8s, 'probe', 'ops')
    outside = _running(k8s, 'outside')
    cfg.CONF.set_override('namespaces', ['apps', 'ops', 'absent'],
                          group=pod.GROUP)
    listed = plugin.list_resources(ctx)
    assert listed == [worker, probe]
    assert listed[0].extra_info == {'namespace': 'apps'}
    assert plugin.show_resource(ctx, worker.id) == worker
    # A bare name is looked up in the configured namespaces.
    assert plugin.show_resource(ctx, probe.id, {'name': 'probe'}) == probe
    for parameters in (None, {'name': 'default:outside'}):
        with pytest.raises(exception.ProtectableResourceNotFound):
            plugin.show_resource(ctx, outside.id, parameters)


def test_unreachable_api_is_a_503(plugin, ctx):
    cfg.CONF.set_override('k8s_host', 'http://127.0.0.1:1/k8s',
                          group='k8s_client')
    for call in (lambda: plugin.list_resources(ctx),
                 lambda: plugin.show_resource(
                     ctx, pod.pod_id('default', 'web'), {'name': 'web'})):
        with pytest.raises(exception.ListProtectableResourceFailed,
                           match='Connection refused') as err:
            call()
        assert err.value.code == 503
        assert POD in str(err.value)


def test_not_configured(plugin, ctx):
    cfg.CONF.clear_override('k8s_host', group='k8s_client')
    with pytest.raises(exception.ListProtectableResourceFailed,
                       match='k8s_host'):
        plugin.list_resources(ctx)
