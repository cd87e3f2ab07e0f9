"""VolumeProtectablePlugin against the sandbox's Cinder and Kubernetes."""

from kubernetes import client as k8s_model
from oslo_config import cfg
import pytest

from karbor.common import constants
from karbor import exception
from karbor.resource import Resource
from karbor.services.protection.protectable_plugins import pod as pod_mod
from karbor.services.protection.protectable_plugins import volume
from karbor.tests.functional.plugins import helpers

VOLUME = constants.VOLUME_RESOURCE_TYPE


@pytest.fixture
def plugin():
    return volume.VolumeProtectablePlugin()


def test_types(plugin):
    assert plugin.get_resource_type() == VOLUME
    assert set(plugin.get_parent_resource_types()) == {
        constants.SERVER_RESOURCE_TYPE, constants.PROJECT_RESOURCE_TYPE,
        constants.POD_RESOURCE_TYPE}


def test_list_and_show(plugin, ctx, cinder):
    first = helpers.new_volume(cinder, 'first')
    second = helpers.new_volume(cinder, 'second')
    listed = {r.id: r for r in plugin.list_resources(ctx)}
    assert {first.id, second.id} <= set(listed)
    found = listed[first.id]
    assert (found.type, found.name) == (VOLUME, first.name)
    assert found.extra_info == {'availability_zone': 'nova'}
    shown = plugin.show_resource(ctx, second.id)
    assert shown == Resource(VOLUME, second.id, second.name)
    assert shown.extra_info == {'availability_zone': 'nova'}


def test_error_volume_is_excluded(plugin, ctx, cinder, sandbox):
    sandbox.inject_fault(service='volume', operation='create',
                         resource_id='*', action='error')
    broken = cinder.volumes.create(1, name='broken')
    helpers.wait_status(lambda: cinder.volumes.get(broken.id), 'error')
    assert broken.id not in {r.id for r in plugin.list_resources(ctx)}
    with pytest.raises(exception.ProtectableResourceNotFound,
                       match='status error'):
        plugin.show_resource(ctx, broken.id)


def test_show_unknown(plugin, ctx):
    with pytest.raises(exception.ProtectableResourceNotFound) as err:
        plugin.show_resource(ctx, 'f0f0f0f0-0000-4000-8000-000000000000')
    assert err.value.code == 404


def test_project_dependents(plugin, ctx, cinder):
    mine = helpers.new_volume(cinder, 'mine')
    project = Resource(constants.PROJECT_RESOURCE_TYPE, ctx.project_id,
                       'demo')
    assert mine.id in {r.id for r in
                       plugin.get_dependent_resources(ctx, project)}
    other = Resource(constants.PROJECT_RESOURCE_TYPE, 'someone-else', 'x')
    assert plugin.get_dependent_resources(ctx, other) == []


def test_server_dependents(plugin, ctx, cinder):
    attached = helpers.new_volume(cinder, 'attached')
    helpers.new_volume(cinder, 'loose')
    server_id = '11111111-2222-4333-8444-555555555555'
    cinder.volumes.attach(attached, server_id, '/dev/vdb')
    helpers.wait_status(lambda: cinder.volumes.get(attached.id), 'in-use')
    server = Resource(constants.SERVER_RESOURCE_TYPE, server_id, 'vm')
    dependents = plugin.get_dependent_resources(ctx, server)
    assert [r.id for r in dependents] == [attached.id]
    assert dependents[0].extra_info == {'availability_zone': 'nova'}


def _pod_spec(name, volumes):
    return k8s_model.V1Pod(
        metadata=k8s_model.V1ObjectMeta(name=name),
        spec=k8s_model.V1PodSpec(
            containers=[k8s_model.V1Container(name='app', image='nginx')],
            volumes=volumes))


def test_pod_dependents_direct_and_through_claim(plugin, ctx, cinder, k8s):
    direct = helpers.new_volume(cinder, 'direct')
    claimed = helpers.new_volume(cinder, 'claimed')
    helpers.new_volume(cinder, 'unused')
    k8s.create_persistent_volume(k8s_model.V1PersistentVolume(
        metadata=k8s_model.V1ObjectMeta(name='pv-claimed'),
        spec=k8s_model.V1PersistentVolumeSpec(
            capacity={'storage': '1Gi'}, access_modes=['ReadWriteOnce'],
            storage_class_name='',
            cinder=k8s_model.V1CinderVolumeSource(volume_id=claimed.id))))
    k8s.create_namespaced_persistent_volume_claim(
        'default', k8s_model.V1PersistentVolumeClaim(
            metadata=k8s_model.V1ObjectMeta(name='data'),
            spec=k8s_model.V1PersistentVolumeClaimSpec(
                access_modes=['ReadWriteOnce'], volume_name='pv-claimed',
                storage_class_name='',
                resources=k8s_model.V1VolumeResourceRequirements(
                    requests={'storage': '1Gi'}))))
    k8s.create_namespaced_pod('default', _pod_spec('db', [
        k8s_model.V1Volume(name='a', cinder=k8s_model.V1CinderVolumeSource(
            volume_id=direct.id)),
        k8s_model.V1Volume(
            name='b', persistent_volume_claim=k8s_model.
            V1PersistentVolumeClaimVolumeSource(claim_name='data')),
        k8s_model.V1Volume(name='c', empty_dir=k8s_model.
                           V1EmptyDirVolumeSource())]))
    helpers.wait_pod_running(k8s, 'db')
    pod = pod_mod.K8sPodProtectablePlugin().show_resource(
        ctx, pod_mod.pod_id('default', 'db'), {'name': 'default:db'})
    dependents = plugin.get_dependent_resources(ctx, pod)
    assert sorted(r.id for r in dependents) == sorted([direct.id,
                                                        claimed.id])


def test_backend_failure(plugin, ctx):
    cfg.CONF.set_override('cinder_endpoint', 'http://127.0.0.1:9/v3',
                          group='cinder_client')
    with pytest.raises(exception.ListProtectableResourceFailed):
        plugin.list_resources(ctx)
    with pytest.raises(exception.ListProtectableResourceFailed):
        plugin.show_resource(ctx, 'whatever')
