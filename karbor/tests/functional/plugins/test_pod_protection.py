"""PodProtectionPlugin with the Cinder backup plugin in the real protect,
restore, verify and delete flows, against the sandbox's Kubernetes and
Cinder: a plan holding only the pod protects its volumes too."""

import json

from kubernetes import client as k8s_model
from oslo_config import cfg
import pytest
import requests

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.resource import Resource
from karbor.services.protection.flows import copy
from karbor.services.protection.flows import delete
from karbor.services.protection.flows import protect
from karbor.services.protection.flows import restore
from karbor.services.protection.flows import verify
from karbor.services.protection import protectable_registry
from karbor.services.protection.protectable_plugins import pod as pod_k8s
from karbor.services.protection.protectable_plugins import project
from karbor.services.protection.protectable_plugins import volume
from karbor.services.protection.protection_plugins.pod import pod_plugin
from karbor.services.protection import provider as provider_mod
from karbor.tests.functional.plugins import helpers

POD = constants.POD_RESOURCE_TYPE
VOLUME = constants.VOLUME_RESOURCE_TYPE
PROVIDER = """\
[provider]
name = test pods
id = 5d1e2a43-6a4b-4f44-9a7e-33d0b5a1c0aa
plugin = karbor-pod-protection-plugin
plugin = karbor-volume-protection-plugin
bank = karbor-fs-bank-plugin
enabled = True

[file_system_bank_plugin]
file_system_bank_path = {bank}

[cinder_backup_protection_plugin]
poll_interval = 0.01

[pod_backup_protection_plugin]
poll_interval = 0.02
status_timeout = {timeout}
"""


def _provider(tmp_path, name, extra=''):
    path = tmp_path / ('%s.conf' % name)
    path.write_text(PROVIDER.format(bank=tmp_path / name, timeout=5) + extra)
    return provider_mod.load_provider_file(str(path))


@pytest.fixture
def provider(tmp_path, cloud):
    return _provider(tmp_path, 'bank')


@pytest.fixture
def registry():
    return protectable_registry.ProtectableRegistry(plugins=[
        project.ProjectProtectablePlugin(), volume.VolumeProtectablePlugin(),
        pod_k8s.K8sPodProtectablePlugin()])


def _pv_spec(source):
    return k8s_model.V1PersistentVolumeSpec(
        capacity={'storage': '1Gi'}, access_modes=['ReadWriteOnce'],
        storage_class_name='', **source)


def _app(k8s, cinder, name):
    """A pod in namespace ``apps`` on two claims: one on an in-tree Cinder
    PV, one on a Cinder CSI PV; returns (pod resource, volumes)."""
    if 'apps' not in {n.metadata.name for n in k8s.list_namespace().items}:
        k8s.create_namespace({'metadata': {'name': 'apps'}})
    volumes = [helpers.new_volume(cinder, name) for _i in range(2)]
    sources = [{'cinder': k8s_model.V1CinderVolumeSource(
                    volume_id=volumes[0].id, fs_type='ext4')},
               {'csi': k8s_model.V1CSIPersistentVolumeSource(
                    driver=pod_k8s.CINDER_CSI_DRIVER,
                    volume_handle=volumes[1].id)}]
    for index, source in enumerate(sources):
        claim = '%s-data%d' % (name, index)
        k8s.create_persistent_volume(k8s_model.V1PersistentVolume(
            metadata=k8s_model.V1ObjectMeta(name='pv-' + claim),
            spec=_pv_spec(source)))
        k8s.create_namespaced_persistent_volume_claim(
            'apps', k8s_model.V1PersistentVolumeClaim(
                metadata=k8s_model.V1ObjectMeta(name=claim),
                spec=k8s_model.V1PersistentVolumeClaimSpec(
                    access_modes=['ReadWriteOnce'], storage_class_name='',
                    volume_name='pv-' + claim,
                    resources=k8s_model.V1VolumeResourceRequirements(
                        requests={'storage': '1Gi'}))))
    mounts = [k8s_model.V1VolumeMount(name='d%d' % i, mount_path='/d%d' % i)
              for i in range(2)]
    mounts.append(k8s_model.V1VolumeMount(
        name='kube-api-access-x', mount_path=manifest_sa_path()))
    k8s.create_namespaced_pod('apps', k8s_model.V1Pod(
        metadata=k8s_model.V1ObjectMeta(name=name, labels={'app': name}),
        spec=k8s_model.V1PodSpec(
            restart_policy='Always',
            containers=[k8s_model.V1Container(
                name='web', image='nginx', command=['nginx'],
                volume_mounts=mounts)],
            volumes=[k8s_model.V1Volume(
                name='d%d' % i, persistent_volume_claim=k8s_model.
                V1PersistentVolumeClaimVolumeSource(
                    claim_name='%s-data%d' % (name, i)))
                for i in range(2)] + [k8s_model.V1Volume(
                    name='kube-api-access-x', empty_dir={})])))
    helpers.wait_pod_running(k8s, name, 'apps')
    return (Resource(POD, pod_k8s.pod_id('apps', name), 'apps:' + name),
            volumes)


def manifest_sa_path():
    return '/var/run/secrets/kubernetes.io/serviceaccount'


def _protect(ctx, provider, registry, pod, flow_backend):
    plugins = provider.load_plugins()
    checkpoint = helpers.new_checkpoint(provider, ctx, [pod])
    roots = registry.build_graph(ctx, [pod])
    assert protect.protect(ctx, plugins, checkpoint,
                           helpers.operation_log(ctx, checkpoint, 'protect'),
                           roots, {VOLUME: {'force': True}},
                           backend=flow_backend)
    return plugins, checkpoint


def _restore(ctx, plugins, checkpoint, parameters, flow_backend):
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    done = restore.restore(
        ctx, plugins, checkpoint, record,
        helpers.operation_log(ctx, checkpoint, 'restore',
                              restore_id=record.id),
        parameters, backend=flow_backend)
    return done, objects.Restore.get_by_id(ctx, record.id)


def _k8s_names(k8s):
    return ({p.metadata.name for p in
             k8s.list_pod_for_all_namespaces().items},
            {c.metadata.name for c in
             k8s.list_persistent_volume_claim_for_all_namespaces().items},
            {v.metadata.name for v in k8s.list_persistent_volume().items})


def test_pod_and_volumes_protect_restore_verify_delete(
        ctx, cinder, k8s, provider, registry, sqlite_db, flow_backend):
    pod, volumes = _app(k8s, cinder, 'shop')
    plugins, checkpoint = _protect(ctx, provider, registry, pod,
                                   flow_backend)
    assert checkpoint.status == 'available'
    nodes, edges = json.loads(checkpoint.resource_graph)
    assert nodes['0x2'] == [POD, pod.id, 'apps:shop', None]
    assert sorted(nodes[sid][1] for sid in ('0x0', '0x1')) == \
        sorted(v.id for v in volumes)
    assert edges == [['0x2', ['0x0', '0x1']]]
    for vol in volumes:
        (backup,) = cinder.backups.list(search_opts={'volume_id': vol.id})
        assert backup.status == 'available'
    state, saved = helpers.bank_state(checkpoint, pod)
    assert state == 'available'
    assert saved['resource_name'] == 'apps:shop'
    assert saved['pod_metadata'] == {
        'apiVersion': 'v1', 'kind': 'Pod',
        'metadata': {'labels': {'app': 'shop'}, 'name': 'shop',
                     'namespace': 'apps'},
        'spec': {'containers': [{
            'command': ['nginx'], 'image': 'nginx', 'name': 'web',
            'volumeMounts': [{'name': 'd0', 'mountPath': '/d0'},
                             {'name': 'd1', 'mountPath': '/d1'}]}],
            'volumes': [
                {'name': 'd%d' % i, 'persistentVolumeClaim': {
                    'claimName': 'shop-data%d' % i}} for i in range(2)],
            'restartPolicy': 'Always'}}
    assert {c: s['volume_id'] for c, s in saved['claims'].items()} == {
        'shop-data0': volumes[0].id, 'shop-data1': volumes[1].id}
    assert plugins[POD].get_saved_info(
        checkpoint.get_resource_bank_section(pod.id), pod)['namespace'] == \
        'apps'

    done, record = _restore(ctx, plugins, checkpoint,
                            {POD: {'restore_name': 'shop-restored'}},
                            flow_backend)
    assert done and record.status == 'success'
    assert record.resources_status['%s#shop-restored' % POD] == 'available'
    new_ids = {key.split('#')[1] for key, value in
               record.resources_status.items()
               if key.startswith(VOLUME) and value == 'available'}
    assert len(new_ids) == 2
    new_pod = k8s.read_namespaced_pod('shop-restored', 'apps')
    assert new_pod.status.phase == 'Running'
    assert new_pod.metadata.labels == {'app': 'shop'}
    restored = {}
    for source in new_pod.spec.volumes:
        claim = k8s.read_namespaced_persistent_volume_claim(
            source.persistent_volume_claim.claim_name, 'apps')
        assert claim.status.phase == 'Bound'
        pv = k8s.read_persistent_volume(claim.spec.volume_name)
        restored[claim.metadata.name] = pod_k8s.pv_cinder_volume_id(pv.spec)
    assert set(restored) == {'shop-restored-shop-data0',
                             'shop-restored-shop-data1'}
    assert set(restored.values()) == new_ids
    for new_id in new_ids:
        assert cinder.volumes.get(new_id).status == 'in-use'

    verification = helpers.new_record(objects.Verification, ctx, checkpoint)
    assert verify.verify(
        ctx, plugins, checkpoint, verification,
        helpers.operation_log(ctx, checkpoint, 'verify',
                              verification_id=verification.id), {},
        backend=flow_backend)
    verification = objects.Verification.get_by_id(ctx, verification.id)
    assert verification.resources_status['%s#%s' % (POD, pod.id)] == \
        'available'

    assert delete.delete(ctx, plugins, checkpoint,
                         helpers.operation_log(ctx, checkpoint, 'delete'),
                         backend=flow_backend)
    assert helpers.bank_state(checkpoint, pod) == ('deleted', None)
    for vol in volumes:
        assert cinder.backups.list(search_opts={'volume_id': vol.id}) == []


def _inject(sandbox, **fault):
    requests.post(sandbox.url('sandbox') + '/faults',
                  json=fault).raise_for_status()


@pytest.mark.parametrize('name, fault, reason', [
    ('refused', {'operation': 'create', 'resource_id': 'apps/refused-new',
                 'message': 'exceeded quota: pods=1'},
     'pods "refused-new" is forbidden: exceeded quota: pods=1'),
    ('crashed', {'operation': 'start', 'message': 'image pull failed'},
     'pod apps/crashed-new is Failed: image pull failed'),
])
def test_failed_pod_restore_leaves_nothing(ctx, cinder, k8s, sandbox,
                                           provider, registry, sqlite_db,
                                           flow_backend, name, fault,
                                           reason):
    pod, volumes = _app(k8s, cinder, name)
    plugins, checkpoint = _protect(ctx, provider, registry, pod,
                                   flow_backend)
    before = _k8s_names(k8s)
    volumes_before = {v.id for v in cinder.volumes.list()}
    _inject(sandbox, service='k8s', **fault)
    done, record = _restore(ctx, plugins, checkpoint,
                            {POD: {'restore_name': name + '-new'}},
                            flow_backend)
    assert not done and record.status == 'fail'
    pod_reason = record.resources_reason['%s#%s' % (POD, pod.id)]
    assert pod.id in pod_reason and reason in pod_reason
    assert record.resources_status['%s#%s' % (POD, pod.id)] == 'error'
    # The Cinder plugin's revert deleted the restored volumes.
    restored = [k for k in record.resources_status if k.startswith(VOLUME)]
    assert len(restored) == 2
    assert {record.resources_status[k] for k in restored} == {'deleted'}
    helpers.wait_until(lambda: {v.id for v in cinder.volumes.list()} ==
                       volumes_before)
    assert _k8s_names(k8s) == before


def test_protect_of_a_vanished_pod_names_it(ctx, cinder, k8s, provider,
                                            registry, sqlite_db,
                                            flow_backend):
    pod, _volumes = _app(k8s, cinder, 'gone')
    plugins = provider.load_plugins()
    checkpoint = helpers.new_checkpoint(provider, ctx, [pod])
    roots = registry.build_graph(ctx, [pod])
    k8s.delete_namespaced_pod('gone', 'apps')
    log = helpers.operation_log(ctx, checkpoint, 'protect')
    assert not protect.protect(ctx, plugins, checkpoint, log, roots,
                               {VOLUME: {'force': True}},
                               backend=flow_backend)
    assert checkpoint.status == 'error'
    log = objects.OperationLog.get_by_id(ctx, log.id)
    assert 'reading pod apps/gone: pods "gone" not found' in log.error_info
    assert helpers.bank_state(checkpoint, pod) == (None, None)


def test_restore_without_the_volumes_is_refused(ctx, cinder, k8s, provider,
                                                registry, sqlite_db,
                                                flow_backend):
    pod, volumes = _app(k8s, cinder, 'lone')
    plugins, checkpoint = _protect(ctx, provider, registry, pod,
                                   flow_backend)
    record = helpers.new_record(objects.Restore, ctx, checkpoint)
    operation = plugins[POD].get_restore_operation(pod)
    with pytest.raises(Exception, match='were not restored'):
        operation.on_complete(checkpoint, pod, ctx, {}, restore=record,
                              new_resources={})


def test_a_copy_restores_without_the_source(ctx, cinder, k8s, tmp_path,
                                            provider, registry, sqlite_db,
                                            flow_backend):
    pod, volumes = _app(k8s, cinder, 'copied')
    plugins, checkpoint = _protect(ctx, provider, registry, pod,
                                   flow_backend)
    other = _provider(tmp_path, 'copies')
    checkpoint_copy = helpers.new_checkpoint(other, ctx, [pod])
    assert copy.copy(ctx, plugins, checkpoint, checkpoint_copy,
                     helpers.operation_log(ctx, checkpoint, 'copy'), {},
                     backend=flow_backend)
    assert helpers.bank_state(checkpoint_copy, pod) == \
        helpers.bank_state(checkpoint, pod)
    assert delete.delete(ctx, plugins, checkpoint,
                         helpers.operation_log(ctx, checkpoint, 'delete'),
                         backend=flow_backend)
    done, record = _restore(ctx, other.load_plugins(), checkpoint_copy,
                            {POD: {'restore_name': 'copied-new'}},
                            flow_backend)
    assert done, record.resources_reason
    assert k8s.read_namespaced_pod('copied-new',
                                   'apps').status.phase == 'Running'


def test_no_kubernetes_api_fails_naming_the_pod(ctx, provider, sqlite_db):
    cfg.CONF.clear_override('k8s_host', group='k8s_client')
    pod = Resource(POD, pod_k8s.pod_id('default', 'web'), 'default:web')
    checkpoint = helpers.new_checkpoint(provider, ctx, [pod])
    operation = provider.load_plugins()[POD].get_protect_operation(pod)
    with pytest.raises(exception.ProtectResourceFailed,
                       match='%s.*No Kubernetes API' % pod.id):
        helpers.run_hooks(operation, checkpoint, pod, ctx,
                          operation_log=None)
    assert helpers.bank_state(checkpoint, pod) == (None, None)


def test_provider_k8s_client_overrides_karbors(tmp_path, cloud):
    config = _provider(tmp_path, 'p', '\n[k8s_client]\n'
                       'k8s_host = http://127.0.0.1:1/k8s\n').config
    api = pod_plugin.k8s_api(config)
    assert api.api_client.configuration.host == 'http://127.0.0.1:1/k8s'
    assert api.api_client.configuration.verify_ssl
    assert pod_plugin.k8s_api(None).api_client.configuration.host == \
        cloud.url('k8s')


def test_a_claim_off_cinder_fails_the_protect(ctx, k8s, provider, registry,
                                              sqlite_db, flow_backend):
    k8s.create_namespaced_persistent_volume_claim(
        'default', k8s_model.V1PersistentVolumeClaim(
            metadata=k8s_model.V1ObjectMeta(name='nfs-data'),
            spec=k8s_model.V1PersistentVolumeClaimSpec(
                access_modes=['ReadWriteMany'], storage_class_name='nfs',
                resources=k8s_model.V1VolumeResourceRequirements(
                    requests={'storage': '1Gi'}))))
    k8s.create_namespaced_pod('default', k8s_model.V1Pod(
        metadata=k8s_model.V1ObjectMeta(name='nfs-app'),
        spec=k8s_model.V1PodSpec(
            containers=[k8s_model.V1Container(
                name='app', image='nginx', volume_mounts=[
                    k8s_model.V1VolumeMount(name='d', mount_path='/d')])],
            volumes=[k8s_model.V1Volume(
                name='d', persistent_volume_claim=k8s_model.
                V1PersistentVolumeClaimVolumeSource(claim_name='nfs-data'))
            ])))
    pod = Resource(POD, pod_k8s.pod_id('default', 'nfs-app'),
                   'default:nfs-app')
    checkpoint = helpers.new_checkpoint(provider, ctx, [pod])
    log = helpers.operation_log(ctx, checkpoint, 'protect')
    assert not protect.protect(ctx, provider.load_plugins(), checkpoint,
                               log, registry.build_graph(ctx, [pod]), {},
                               backend=flow_backend)
    log = objects.OperationLog.get_by_id(ctx, log.id)
    assert 'claim default/nfs-data is not bound to a Cinder volume' in \
        log.error_info
    assert helpers.bank_state(checkpoint, pod) == (None, None)


def test_a_rerun_takes_over_and_a_revert_needs_no_state(
        ctx, k8s, provider, registry, sqlite_db, flow_backend):
    k8s.create_namespaced_pod('default', k8s_model.V1Pod(
        metadata=k8s_model.V1ObjectMeta(name='plain'),
        spec=k8s_model.V1PodSpec(containers=[k8s_model.V1Container(
            name='app', image='nginx')])))
    helpers.wait_pod_running(k8s, 'plain')
    pod = Resource(POD, pod_k8s.pod_id('default', 'plain'), 'default:plain')
    plugins, checkpoint = _protect(ctx, provider, registry, pod,
                                   flow_backend)
    record = helpers.new_record(objects.Restore, ctx, checkpoint)

    def hook(name, parameters):
        # A new operation each time, as a restarted worker would have.
        getattr(plugins[POD].get_restore_operation(pod), name)(
            checkpoint, pod, ctx, parameters, restore=record,
            new_resources={})

    for _run in range(2):  # the second run takes the pod over
        hook('on_complete', {})
    name = 'karbor-restored-pod-%s' % record.id
    restored = k8s.read_namespaced_pod(name, 'default')
    assert restored.status.phase == 'Running'
    assert restored.metadata.annotations == {
        pod_plugin.RESTORE_ANNOTATION: record.id}
    hook('on_revert', {})
    helpers.wait_until(lambda: name not in _k8s_names(k8s)[0])
    # A pod of that name that the restore did not make is left alone.
    with pytest.raises(exception.RestoreResourceFailed,
                       match='pods "plain" already exists'):
        hook('on_complete', {'restore_name': 'plain'})
    hook('on_revert', {'restore_name': 'plain'})
    assert k8s.read_namespaced_pod('plain', 'default').status.phase == \
        'Running'
