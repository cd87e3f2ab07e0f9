"""Protectable plugin for OS::Kubernetes::Pod.

Pods are listed through the Kubernetes API (``[k8s_client]``) in every
namespace the credentials can see, or only in ``[pod_protectable]
namespaces`` when the operator lists some. A pod's id is the uuid5 of
``<namespace>:<pod name>`` in the OID namespace and its name is
``<namespace>:<pod name>``, so ids stay stable across pod restarts.

A pod's Cinder volumes are those it names directly (``cinder`` volume
source) and those behind its PersistentVolumeClaims: the claim's
PersistentVolume with a ``cinder`` source or a CSI source of the Cinder
CSI driver (``csi.volumeHandle`` is the volume id).
"""

import uuid

from oslo_config import cfg

from karbor.clients import k8s
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor import resource
from karbor.services.protection import protectable_plugin

CONF = cfg.CONF
GROUP = 'pod_protectable'
CINDER_CSI_DRIVER = 'cinder.csi.openstack.org'
DEFAULT_NAMESPACE = 'default'

pod_protectable_opts = [
    cfg.ListOpt('namespaces', default=[], deprecated_name='namespace',
                help='The Kubernetes namespaces whose pods can be '
                     'protected. Empty (the default): every namespace '
                     'the [k8s_client] credentials can list pods of '
                     '(cluster-wide pod listing). Set it when those '
                     'credentials may only read some namespaces.'),
]
CONF.register_opts(pod_protectable_opts, group=GROUP)

INVALID_POD_PHASES = ('Pending', 'Failed', 'Unknown')


def list_opts():
    return [(GROUP, pod_protectable_opts)]


def pod_id(namespace, name):
    return str(uuid.uuid5(uuid.NAMESPACE_OID, '%s:%s' % (namespace, name)))


def split_name(pod_resource, default_namespace=DEFAULT_NAMESPACE):
    """``(namespace, pod name)`` of a pod Resource."""
    namespace, _sep, name = pod_resource.name.rpartition(':')
    extra = pod_resource.extra_info or {}
    return (namespace or extra.get('namespace') or default_namespace,
            name)


def api(conf=None):
    """The CoreV1Api of ``[k8s_client]``; refuses to guess a host."""
    conf = conf or CONF
    if not conf.k8s_client.k8s_host:
        raise exception.ListProtectableResourceFailed(
            type=constants.POD_RESOURCE_TYPE,
            reason=_('[k8s_client] k8s_host is not configured'))
    return k8s.create(conf)


def is_not_found(err):
    return getattr(err, 'status', None) == 404


def pv_cinder_volume_id(pv_spec):
    """The Cinder volume id of a PersistentVolume spec, or None."""
    if pv_spec.cinder is not None:
        return pv_spec.cinder.volume_id
    csi = pv_spec.csi
    if csi is not None and csi.driver == CINDER_CSI_DRIVER:
        return csi.volume_handle
    return None


def claim_volume(client, namespace, claim_name):
    """``(claim, persistent volume)`` of a bound claim; PV None if unbound.
    """
    claim = client.read_namespaced_persistent_volume_claim(claim_name,
                                                           namespace)
    if not claim.spec.volume_name:
        return claim, None
    return claim, client.read_persistent_volume(claim.spec.volume_name)


def cinder_volume_ids(pod_resource, conf=None):
    """Ids of the Cinder volumes a pod uses, directly or through a PVC.

    Unbound claims and non-Cinder volumes are skipped.
    """
    client = api(conf)
    namespace, name = split_name(pod_resource)
    pod = client.read_namespaced_pod(name, namespace)
    ids = []
    for volume in pod.spec.volumes or ():
        if volume.cinder is not None:
            ids.append(volume.cinder.volume_id)
        elif volume.persistent_volume_claim is not None:
            _claim, pv = claim_volume(
                client, namespace, volume.persistent_volume_claim.claim_name)
            volume_id = pv and pv_cinder_volume_id(pv.spec)
            if volume_id:
                ids.append(volume_id)
    return ids


class K8sPodProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """Running pods of the visible (or configured) Kubernetes namespaces."""

    _SUPPORT_RESOURCE_TYPE = constants.POD_RESOURCE_TYPE

    def get_resource_type(self):
        return self._SUPPORT_RESOURCE_TYPE

    def get_parent_resource_types(self):
        return (constants.PROJECT_RESOURCE_TYPE,)

    @property
    def _config(self):
        return self._conf or CONF

    @property
    def _namespaces(self):
        """The configured namespaces; empty means all of them."""
        return [ns for ns in self._config[GROUP].namespaces if ns]

    def _failed(self, err):
        return exception.ListProtectableResourceFailed(
            type=self._SUPPORT_RESOURCE_TYPE, reason=err)

    def _to_resource(self, pod):
        namespace = pod.metadata.namespace
        return resource.Resource(
            type=self._SUPPORT_RESOURCE_TYPE,
            id=pod_id(namespace, pod.metadata.name),
            name='%s:%s' % (namespace, pod.metadata.name),
            extra_info={'namespace': namespace})

    def _list_pods(self, client):
        if not self._namespaces:
            return client.list_pod_for_all_namespaces().items
        pods = []
        for namespace in self._namespaces:
            try:
                pods.extend(client.list_namespaced_pod(namespace).items)
            except Exception as err:
                if not is_not_found(err):
                    raise
        return pods

    def _pods(self):
        client = api(self._config)
        try:
            pods = self._list_pods(client)
        except Exception as err:
            if getattr(err, 'status', None) == 403 and not self._namespaces:
                err = _('%s; the [k8s_client] credentials cannot list pods '
                        'cluster-wide: set [pod_protectable] namespaces') % (
                    getattr(err, 'reason', None) or err)
            raise self._failed(err)
        return sorted((p for p in pods if _usable(p)),
                      key=lambda p: (p.metadata.namespace, p.metadata.name))

    def list_resources(self, context, parameters=None):
        return [self._to_resource(p) for p in self._pods()]

    def show_resource(self, context, resource_id, parameters=None):
        """The pod with ``resource_id``.

        ``parameters.name`` (``<namespace>:<pod>`` or ``<pod>``, then in
        ``default`` or the configured namespaces) reads the pod directly;
        without it the listed pods are searched.
        """
        name = (parameters or {}).get('name')
        found = (self._read(resource_id, name) if name else
                 [r for r in self.list_resources(context)
                  if r.id == resource_id])
        if not found:
            raise exception.ProtectableResourceNotFound(
                resource_id=resource_id,
                resource_type=self._SUPPORT_RESOURCE_TYPE,
                reason=_('no such pod'))
        return found[0]

    def _candidates(self, name):
        """``(namespace, pod name)`` pairs a show by ``name`` may mean."""
        namespace, _sep, pod_name = name.rpartition(':')
        if namespace:
            allowed = not self._namespaces or namespace in self._namespaces
            return [(namespace, pod_name)] if allowed else []
        return [(ns, pod_name)
                for ns in self._namespaces or [DEFAULT_NAMESPACE]]

    def _read(self, resource_id, name):
        client = api(self._config)
        for namespace, pod_name in self._candidates(name):
            try:
                pod = client.read_namespaced_pod(pod_name, namespace)
            except Exception as err:
                if is_not_found(err):
                    continue
                raise self._failed(err)
            if not _usable(pod):
                continue
            found = self._to_resource(pod)
            if found.id == resource_id:
                return [found]
        return []

    def get_dependent_resources(self, context, parent_resource):
        if parent_resource.type != constants.PROJECT_RESOURCE_TYPE:
            return []
        return self.list_resources(context)


def _usable(pod):
    return pod.status is None or pod.status.phase not in INVALID_POD_PHASES
