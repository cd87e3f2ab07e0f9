"""What the Kubernetes controllers would do: bind claims, start pods.

PVCs bind to the PV they name (or the first available one of their
storage class); pods go Pending -> Running once every volume resolves to
an existing Cinder volume (directly or through PVC -> PV), which is then
attached to the sandbox node.
"""

from karbor_sandbox.services.k8s import objects
from karbor_sandbox.services.volume import attachments
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

NODE = 'sandbox-node-1'
NODE_IP = '10.0.0.10'
RETRY = 1.0
CINDER_CSI_DRIVER = 'cinder.csi.openstack.org'


def _retry(cloud, task, /, **args):
    cloud.tasks.schedule(task, delay=max(cloud.tasks.delay, RETRY), **args)


def _find(store, plural, namespace, name):
    doc = store.get(objects.S, plural, objects.key(namespace, name))
    return doc and doc['object']


def _pick_pv(store, pvc):
    spec = pvc['spec']
    if spec.get('volumeName'):
        pv = _find(store, 'persistentvolumes', None, spec['volumeName'])
        return pv if pv and pv['status']['phase'] == 'Available' else None
    wanted = spec.get('storageClassName') or ''
    for doc in store.list(objects.S, 'persistentvolumes'):
        pv = doc['object']
        if (pv['status']['phase'] == 'Available' and
                (pv['spec'].get('storageClassName') or '') == wanted):
            return pv
    return None


@tasks.handler('k8s.bind_claim')
def _bind_claim(cloud, namespace, name, uid):
    store = cloud.store
    pvc = _find(store, 'persistentvolumeclaims', namespace, name)
    if pvc is None or pvc['metadata']['uid'] != uid or \
            pvc['status'].get('phase') == 'Bound':
        return
    pv = _pick_pv(store, pvc)
    if pv is None:
        _retry(cloud, 'k8s.bind_claim', namespace=namespace, name=name,
               uid=uid)
        return
    pv['spec']['claimRef'] = {'kind': 'PersistentVolumeClaim',
                              'namespace': namespace, 'name': name,
                              'uid': uid, 'apiVersion': 'v1'}
    pv['status'] = {'phase': 'Bound'}
    objects.save(store, 'persistentvolumes', pv)
    pvc['spec']['volumeName'] = pv['metadata']['name']
    pvc['status'] = {'phase': 'Bound',
                     'accessModes': pv['spec'].get('accessModes', []),
                     'capacity': pv['spec'].get('capacity', {})}
    objects.save(store, 'persistentvolumeclaims', pvc)


def pv_cinder_volume_id(spec):
    """The Cinder volume of a PV spec: in-tree ``cinder`` or CSI."""
    if spec.get('cinder'):
        return spec['cinder']['volumeID']
    csi = spec.get('csi') or {}
    if csi.get('driver') == CINDER_CSI_DRIVER:
        return csi.get('volumeHandle')
    return None


def cinder_volume_ids(store, pod):
    """Cinder volume ids a pod needs, or None while one is unresolved."""
    ids = []
    namespace = pod['metadata']['namespace']
    for vol in pod['spec'].get('volumes') or []:
        if vol.get('cinder'):
            ids.append(vol['cinder']['volumeID'])
        elif vol.get('persistentVolumeClaim'):
            pvc = _find(store, 'persistentvolumeclaims', namespace,
                        vol['persistentVolumeClaim'].get('claimName'))
            if not pvc or pvc['status'].get('phase') != 'Bound':
                return None
            pv = _find(store, 'persistentvolumes', None,
                       pvc['spec']['volumeName'])
            volume_id = pv and pv_cinder_volume_id(pv['spec'])
            if volume_id:
                ids.append(volume_id)
    for vid in ids:
        volume = store.get('volume', 'volume', vid)
        if volume is None or volume['status'] not in ('available', 'in-use'):
            return None
    return ids


def _running_status(pod):
    started = objects.now()
    return {'phase': 'Running', 'hostIP': NODE_IP, 'podIP': '10.244.0.%d'
            % (int(pod['metadata']['uid'][:2], 16) or 1),
            'startTime': started, 'qosClass': 'BestEffort',
            'conditions': [{'type': t, 'status': 'True',
                            'lastTransitionTime': started}
                           for t in ('Initialized', 'Ready',
                                     'ContainersReady', 'PodScheduled')],
            'containerStatuses': [
                {'name': c['name'], 'image': c.get('image', ''),
                 'imageID': 'sandbox://%s' % c.get('image', ''),
                 'ready': True, 'restartCount': 0, 'started': True,
                 'containerID': 'sandbox://' + utils.new_hex(),
                 'state': {'running': {'startedAt': started}}}
                for c in pod['spec'].get('containers') or []]}


@tasks.handler('k8s.start_pod')
def _start_pod(cloud, namespace, name, uid, error=None):
    store = cloud.store
    pod = _find(store, 'pods', namespace, name)
    if pod is None or pod['metadata']['uid'] != uid or \
            pod['metadata'].get('deletionTimestamp'):
        return
    if error:
        # An injected ``start`` fault: the pod fails, as a pod whose
        # containers cannot start under restartPolicy Never does.
        pod['status'] = {'phase': 'Failed', 'reason': 'StartError',
                         'message': error, 'qosClass': 'BestEffort'}
        objects.save(store, 'pods', pod)
        return
    ids = cinder_volume_ids(store, pod)
    if ids is None:
        _retry(cloud, 'k8s.start_pod', namespace=namespace, name=name,
               uid=uid)
        return
    try:
        for vid in ids:
            if not attachments.find(cloud, vid, uid):
                attachments.attach(cloud, vid, uid, host_name=NODE)
    except wsgi.HTTPError:
        # Attached elsewhere (not multiattach): wait, as kubelet does.
        _retry(cloud, 'k8s.start_pod', namespace=namespace, name=name,
               uid=uid)
        return
    pod['spec']['nodeName'] = NODE
    pod['status'] = _running_status(pod)
    objects.save(store, 'pods', pod)


@tasks.handler('k8s.remove_pod')
def _remove_pod(cloud, namespace, name, uid):
    store = cloud.store
    pod = _find(store, 'pods', namespace, name)
    if pod is None or pod['metadata']['uid'] != uid:
        return
    for doc in store.list('volume', 'attachment'):
        if doc['instance'] == uid:
            attachments.detach(cloud, doc['id'])
    objects.remove(store, 'pods', pod)


@tasks.handler('k8s.remove')
def _remove(cloud, plural, namespace, name, uid):
    """Finish deleting a PVC, PV or namespace (and its content)."""
    store = cloud.store
    obj = _find(store, plural, namespace, name)
    if obj is None or obj['metadata']['uid'] != uid:
        return
    if plural == 'namespaces':
        for child in ('pods', 'persistentvolumeclaims'):
            for doc in store.list(objects.S, child, parent=name):
                if child == 'pods':
                    _remove_pod(cloud, name, doc['object']['metadata']
                                ['name'], doc['object']['metadata']['uid'])
                else:
                    objects.remove(store, child, doc['object'])
    if plural == 'persistentvolumeclaims' and obj['spec'].get('volumeName'):
        pv = _find(store, 'persistentvolumes', None,
                   obj['spec']['volumeName'])
        if pv:
            pv['status'] = {'phase': 'Released'}
            objects.save(store, 'persistentvolumes', pv)
    objects.remove(store, plural, obj)
