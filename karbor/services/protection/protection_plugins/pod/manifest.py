"""What a checkpoint saves of a pod, and the objects a restore creates.

The saved pod manifest keeps what seed 002 lists: ``apiVersion``, ``kind``,
``metadata`` (labels, name, namespace) and ``spec`` (containers, volumes,
restartPolicy). Containers keep their command, args, env, image, name,
ports, resources and volumeMounts; the service account token that
Kubernetes mounts into every pod is left out (the new pod gets its own).

Each PersistentVolumeClaim of the pod is saved with its PersistentVolume
and the Cinder volume that volume maps to (``claims``: claim name ->
``{"claim", "persistent_volume", "volume_id"}``). A restore creates, per
claim, a PV on the restored Cinder volume and a claim bound to it, both
named ``<new pod name>-<claim name>``.
"""

import copy

from kubernetes import client

from karbor.services.protection.protectable_plugins import pod as pod_k8s

SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount'
CONTAINER_KEYS = ('command', 'args', 'env', 'image', 'name', 'ports',
                  'resources', 'volumeMounts')
CLAIM_SPEC_KEYS = ('accessModes', 'resources', 'storageClassName',
                   'volumeMode')
PV_SPEC_KEYS = ('accessModes', 'capacity', 'storageClassName', 'volumeMode',
                'mountOptions', 'cinder', 'csi')
# Longest name of a PV or claim (a DNS subdomain).
MAX_NAME = 253


class UnprotectableVolume(Exception):
    """A pod volume whose data Karbor cannot protect."""


def to_dict(obj):
    """A kubernetes model object as its JSON (camelCase) dict."""
    return client.ApiClient().sanitize_for_serialization(obj)


def _pick(mapping, keys):
    return {k: mapping[k] for k in keys if mapping.get(k) is not None}


def _container(container):
    saved = _pick(to_dict(container), CONTAINER_KEYS)
    mounts = [m for m in saved.get('volumeMounts') or ()
              if not m['mountPath'].startswith(SERVICE_ACCOUNT_PATH)]
    if mounts:
        saved['volumeMounts'] = mounts
    else:
        saved.pop('volumeMounts', None)
    return saved


def pod_manifest(pod):
    """The saved manifest of a pod (``V1Pod``)."""
    containers = [_container(c) for c in pod.spec.containers]
    mounted = {m['name'] for c in containers
               for m in c.get('volumeMounts') or ()}
    volumes = [to_dict(v) for v in pod.spec.volumes or ()
               if v.name in mounted]
    return {'apiVersion': pod.api_version or 'v1',
            'kind': pod.kind or 'Pod',
            'metadata': {'labels': pod.metadata.labels,
                         'name': pod.metadata.name,
                         'namespace': pod.metadata.namespace},
            'spec': {'containers': containers, 'volumes': volumes,
                     'restartPolicy': pod.spec.restart_policy}}


def saved_claims(api, manifest):
    """``claims`` of the manifest's pod: each claim with its PV and the
    Cinder volume id. Raises UnprotectableVolume for a claim that is not
    bound to a Cinder volume."""
    namespace = manifest['metadata']['namespace']
    claims = {}
    for volume in manifest['spec']['volumes']:
        source = volume.get('persistentVolumeClaim')
        if not source:
            continue
        name = source['claimName']
        claim, pv = pod_k8s.claim_volume(api, namespace, name)
        volume_id = pv and pod_k8s.pv_cinder_volume_id(pv.spec)
        if not volume_id:
            raise UnprotectableVolume(
                'claim %s/%s is not bound to a Cinder volume'
                % (namespace, name))
        claims[name] = {
            'claim': {'metadata': {'name': name,
                                   'labels': claim.metadata.labels},
                      'spec': _pick(to_dict(claim.spec), CLAIM_SPEC_KEYS)},
            'persistent_volume': {
                'metadata': {'name': pv.metadata.name,
                             'labels': pv.metadata.labels},
                'spec': _pick(to_dict(pv.spec), PV_SPEC_KEYS)},
            'volume_id': volume_id}
    return claims


def direct_volume_ids(manifest):
    """Cinder volume ids the pod names directly (``cinder`` volumes)."""
    return [v['cinder']['volumeID'] for v in manifest['spec']['volumes']
            if v.get('cinder')]


def restored_name(pod_name, claim_name):
    """Name of a restored claim and of its PV."""
    return ('%s-%s' % (pod_name, claim_name))[:MAX_NAME].rstrip('-.')


def new_persistent_volume(saved, name, namespace, volume_id):
    """The PV of a restored claim, on Cinder volume ``volume_id`` and
    reserved for the claim ``namespace/name``."""
    pv = copy.deepcopy(saved['persistent_volume'])
    spec = pv['spec']
    if spec.get('cinder'):
        spec['cinder']['volumeID'] = volume_id
    else:
        spec['csi']['volumeHandle'] = volume_id
    spec['persistentVolumeReclaimPolicy'] = 'Retain'
    spec['claimRef'] = {'kind': 'PersistentVolumeClaim', 'apiVersion': 'v1',
                        'namespace': namespace, 'name': name}
    pv['metadata'] = {'name': name, 'labels': pv['metadata'].get('labels')}
    return dict(pv, apiVersion='v1', kind='PersistentVolume')


def new_claim(saved, name):
    """A restored claim, bound to the PV of the same name."""
    claim = copy.deepcopy(saved['claim'])
    claim['metadata'] = {'name': name,
                         'labels': claim['metadata'].get('labels')}
    claim['spec']['volumeName'] = name
    claim['spec'].setdefault(
        'storageClassName',
        saved['persistent_volume']['spec'].get('storageClassName', ''))
    return dict(claim, apiVersion='v1', kind='PersistentVolumeClaim')


def new_pod(manifest, name, claim_names, volume_ids):
    """The restored pod: ``claim_names`` maps saved claim names to the
    restored ones, ``volume_ids`` original Cinder ids to the new ones."""
    pod = copy.deepcopy(manifest)
    pod['metadata']['name'] = name
    for volume in pod['spec']['volumes']:
        if volume.get('persistentVolumeClaim'):
            source = volume['persistentVolumeClaim']
            source['claimName'] = claim_names[source['claimName']]
        elif volume.get('cinder'):
            source = volume['cinder']
            source['volumeID'] = volume_ids[source['volumeID']]
    return pod
