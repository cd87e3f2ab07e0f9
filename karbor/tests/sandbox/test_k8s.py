"""Kubernetes core/v1 contract tests with the kubernetes client."""

from kubernetes import client
from kubernetes.client import exceptions as k_exc
import pytest

from karbor.tests.sandbox.conftest import wait_status


def _pv(name, volume_id, sc=''):
    return client.V1PersistentVolume(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1PersistentVolumeSpec(
            capacity={'storage': '1Gi'}, access_modes=['ReadWriteOnce'],
            storage_class_name=sc,
            cinder=client.V1CinderVolumeSource(volume_id=volume_id)))


def _pvc(name, volume_name=None, sc=''):
    return client.V1PersistentVolumeClaim(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1PersistentVolumeClaimSpec(
            access_modes=['ReadWriteOnce'], volume_name=volume_name,
            storage_class_name=sc,
            resources=client.V1VolumeResourceRequirements(
                requests={'storage': '1Gi'})))


def _pod(name, volume, labels=None):
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name, labels=labels or {}),
        spec=client.V1PodSpec(
            containers=[client.V1Container(
                name='app', image='nginx',
                volume_mounts=[client.V1VolumeMount(name='data',
                                                    mount_path='/data')])],
            volumes=[volume]))


def _volume(cinder):
    vol = cinder.volumes.create(1, name='k8s')
    return wait_status(lambda: cinder.volumes.get(vol.id), 'available')


def test_discovery(k8s, sandbox):
    version = client.VersionApi(k8s.api_client).get_code()
    assert version.major == '1'
    assert client.CoreApi(k8s.api_client).get_api_versions().versions == [
        'v1']
    kinds = {r.name for r in k8s.get_api_resources().resources}
    assert {'pods', 'persistentvolumeclaims', 'persistentvolumes',
            'namespaces'} <= kinds


def test_pod_on_pvc_bound_to_cinder_pv(k8s, cinder):
    vol = _volume(cinder)
    k8s.create_namespace(client.V1Namespace(
        metadata=client.V1ObjectMeta(name='app')))
    pv = k8s.create_persistent_volume(_pv('pv1', vol.id))
    assert pv.status.phase == 'Available'
    pvc = k8s.create_namespaced_persistent_volume_claim('app',
                                                        _pvc('data', 'pv1'))
    assert pvc.status.phase == 'Pending'
    volume = client.V1Volume(
        name='data', persistent_volume_claim=client.
        V1PersistentVolumeClaimVolumeSource(claim_name='data'))
    pod = k8s.create_namespaced_pod('app', _pod('web', volume,
                                                {'app': 'web'}))
    assert pod.status.phase == 'Pending' and pod.metadata.uid
    assert k8s.read_namespaced_persistent_volume_claim(
        'data', 'app').status.phase == 'Bound'
    assert k8s.read_persistent_volume('pv1').spec.claim_ref.name == 'data'
    pod = k8s.read_namespaced_pod('web', 'app')
    assert pod.status.phase == 'Running'
    assert pod.status.container_statuses[0].ready
    assert pod.spec.volumes[0].persistent_volume_claim.claim_name == 'data'
    attached = cinder.volumes.get(vol.id)
    assert attached.status == 'in-use'
    assert attached.attachments[0]['server_id'] == pod.metadata.uid
    listed = k8s.list_namespaced_pod('app', label_selector='app=web')
    assert [p.metadata.name for p in listed.items] == ['web']
    assert k8s.list_namespaced_pod('app', label_selector='app=x').items == []
    assert len(k8s.list_pod_for_all_namespaces(
        field_selector='status.phase=Running').items) == 1
    deleted = k8s.delete_namespaced_pod('web', 'app')
    assert deleted.metadata.deletion_timestamp
    with pytest.raises(k_exc.ApiException) as err:
        k8s.read_namespaced_pod('web', 'app')
    assert err.value.status == 404
    assert cinder.volumes.get(vol.id).status == 'available'


def test_pod_with_direct_cinder_volume_waits_for_volume(k8s, cinder):
    volume = client.V1Volume(name='data', cinder=client.V1CinderVolumeSource(
        volume_id='00000000-0000-0000-0000-000000000000'))
    k8s.create_namespaced_pod('default', _pod('orphan', volume))
    assert k8s.read_namespaced_pod('orphan',
                                   'default').status.phase == 'Pending'
    vol = _volume(cinder)
    direct = client.V1Volume(name='data', cinder=client.V1CinderVolumeSource(
        volume_id=vol.id))
    k8s.create_namespaced_pod('default', _pod('direct', direct))
    assert k8s.read_namespaced_pod('direct',
                                   'default').status.phase == 'Running'


def test_pvc_binds_by_storage_class(k8s, cinder):
    vol = _volume(cinder)
    k8s.create_namespaced_persistent_volume_claim(
        'default', _pvc('claim', sc='standard'))
    assert k8s.read_namespaced_persistent_volume_claim(
        'claim', 'default').status.phase == 'Pending'
    k8s.create_persistent_volume(_pv('pv-std', vol.id, 'standard'))
    import time
    time.sleep(1.1)
    claim = k8s.read_namespaced_persistent_volume_claim('claim', 'default')
    assert claim.status.phase == 'Bound'
    assert claim.spec.volume_name == 'pv-std'


def test_errors_use_status_objects(k8s):
    with pytest.raises(k_exc.ApiException) as err:
        k8s.read_namespaced_pod('nope', 'default')
    assert err.value.status == 404
    assert '"reason": "NotFound"' in err.value.body
    with pytest.raises(k_exc.ApiException) as err:
        k8s.list_namespaced_pod('missing-ns')
    assert err.value.status == 404
    k8s.create_namespace({'metadata': {'name': 'dup'}})
    with pytest.raises(k_exc.ApiException) as err:
        k8s.create_namespace({'metadata': {'name': 'dup'}})
    assert err.value.status == 409
    assert '"reason": "AlreadyExists"' in err.value.body


def test_patch_replace_and_namespace_delete(k8s):
    k8s.create_namespace({'metadata': {'name': 'tmp'}})
    k8s.create_namespaced_persistent_volume_claim('tmp', _pvc('c1'))
    patched = k8s.patch_namespaced_persistent_volume_claim(
        'c1', 'tmp', {'metadata': {'labels': {'tier': 'db'}}})
    assert patched.metadata.labels == {'tier': 'db'}
    ns = k8s.read_namespace('tmp')
    ns.metadata.labels = {'env': 'test'}
    replaced = k8s.replace_namespace('tmp', ns)
    assert replaced.metadata.labels == {'env': 'test'}
    assert int(replaced.metadata.resource_version) > int(
        ns.metadata.resource_version)
    k8s.delete_namespace('tmp')
    names = [n.metadata.name for n in k8s.list_namespace().items]
    assert 'tmp' not in names and 'default' in names
    assert k8s.list_persistent_volume_claim_for_all_namespaces().items == []


def test_cluster_objects_listing_and_deletion(k8s, cinder):
    vol = _volume(cinder)
    k8s.create_persistent_volume(_pv('pv-a', vol.id))
    assert [p.metadata.name for p in k8s.list_persistent_volume().items] \
        == ['pv-a']
    claim = k8s.create_namespaced_persistent_volume_claim(
        'default', _pvc('c-a', 'pv-a'))
    status = client.CoreV1Api.read_namespaced_pod_status
    assert status is not None
    assert claim.metadata.namespace == 'default'
    k8s.delete_namespaced_persistent_volume_claim('c-a', 'default')
    assert k8s.read_persistent_volume('pv-a').status.phase == 'Released'
    k8s.delete_persistent_volume('pv-a')
    assert k8s.list_persistent_volume().items == []
    pod = k8s.create_namespaced_pod('default', {
        'metadata': {'generateName': 'job-'},
        'spec': {'containers': [{'name': 'c', 'image': 'busybox'}]}})
    assert pod.metadata.name.startswith('job-')
    assert k8s.read_namespaced_pod_status(
        pod.metadata.name, 'default').status.phase == 'Running'


def test_csi_persistent_volume_of_cinder(k8s, cinder):
    vol = _volume(cinder)
    k8s.create_persistent_volume(client.V1PersistentVolume(
        metadata=client.V1ObjectMeta(name='pv-csi'),
        spec=client.V1PersistentVolumeSpec(
            capacity={'storage': '1Gi'}, access_modes=['ReadWriteOnce'],
            storage_class_name='',
            csi=client.V1CSIPersistentVolumeSource(
                driver='cinder.csi.openstack.org', volume_handle=vol.id))))
    k8s.create_namespaced_persistent_volume_claim('default',
                                                  _pvc('csi', 'pv-csi'))
    volume = client.V1Volume(
        name='data', persistent_volume_claim=client.
        V1PersistentVolumeClaimVolumeSource(claim_name='csi'))
    k8s.create_namespaced_pod('default', _pod('csi-web', volume))
    assert k8s.read_namespaced_pod('csi-web',
                                   'default').status.phase == 'Running'
    assert cinder.volumes.get(vol.id).status == 'in-use'


def test_refused_create_and_invalid_pod(k8s, sandbox):
    import requests
    requests.post(sandbox.url('sandbox') + '/faults', json={
        'service': 'k8s', 'operation': 'create',
        'resource_id': 'default/denied',
        'message': 'exceeded quota: pods'}).raise_for_status()
    volume = client.V1Volume(name='data', empty_dir={})
    with pytest.raises(k_exc.ApiException) as err:
        k8s.create_namespaced_pod('default', _pod('denied', volume))
    assert err.value.status == 403
    assert ('"message": "pods \\"denied\\" is forbidden: exceeded quota: '
            'pods"') in err.value.body
    assert '"reason": "Forbidden"' in err.value.body
    with pytest.raises(k_exc.ApiException) as err:
        k8s.read_namespaced_pod('denied', 'default')
    assert err.value.status == 404
    # The fault was used up: the next create goes through.
    k8s.create_namespaced_pod('default', _pod('denied', volume))
    with pytest.raises(k_exc.ApiException) as err:
        k8s.create_namespaced_pod('default', {'metadata': {'name': 'empty'},
                                              'spec': {}})
    assert err.value.status == 422
    assert 'spec.containers: Required value' in err.value.body
    assert '"reason": "Invalid"' in err.value.body


def test_start_fault_fails_the_pod(k8s):
    pod = _pod('crash', client.V1Volume(name='data', empty_dir={}))
    pod.metadata.annotations = {'sandbox:fault:start': 'error'}
    k8s.create_namespaced_pod('default', pod)
    status = k8s.read_namespaced_pod('crash', 'default').status
    assert (status.phase, status.reason) == ('Failed', 'StartError')
