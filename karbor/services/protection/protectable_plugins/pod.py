"""Protectable plugin for OS::Kubernetes::Pod.

Pods of one namespace (``[pod_protectable] namespace``) are listed through
the Kubernetes API (``[k8s_client]``). A pod's id is the uuid5 of
``<namespace>:<pod name>`` in the OID namespace and its name is
``<namespace>:<pod name>``, so ids stay stable across pod restarts.
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

pod_protectable_opts = [
    cfg.StrOpt('namespace', default='default',
               help='The Kubernetes namespace whose pods can be protected.'),
]
CONF.register_opts(pod_protectable_opts, group=GROUP)

INVALID_POD_PHASES = ('Pending', 'Failed', 'Unknown')


def list_opts():
    return [(GROUP, pod_protectable_opts)]


def pod_id(namespace, name):
    return str(uuid.uuid5(uuid.NAMESPACE_OID, '%s:%s' % (namespace, name)))


def split_name(pod_resource, default_namespace=None):
    """``(namespace, pod name)`` of a pod Resource."""
    namespace, _sep, name = pod_resource.name.rpartition(':')
    extra = pod_resource.extra_info or {}
    return (namespace or extra.get('namespace') or default_namespace,
            name)


def _api(conf):
    """The CoreV1Api of ``[k8s_client]``; refuses to guess a host."""
    if not conf.k8s_client.k8s_host:
        raise exception.ListProtectableResourceFailed(
            type=constants.POD_RESOURCE_TYPE,
            reason=_('[k8s_client] k8s_host is not configured'))
    return k8s.create(conf)


def _is_not_found(err):
    return getattr(err, 'status', None) == 404


def cinder_volume_ids(pod_resource, conf=None):
    """Ids of the Cinder volumes a pod uses, directly or through a PVC.

    Unbound claims and non-Cinder volumes are skipped.
    """
    conf = conf or CONF
    api = _api(conf)
    namespace, name = split_name(pod_resource, conf[GROUP].namespace)
    pod = api.read_namespaced_pod(name, namespace)
    ids = []
    for volume in pod.spec.volumes or ():
        if volume.cinder is not None:
            ids.append(volume.cinder.volume_id)
        elif volume.persistent_volume_claim is not None:
            volume_id = _claim_volume_id(
                api, namespace, volume.persistent_volume_claim.claim_name)
            if volume_id:
                ids.append(volume_id)
    return ids


def _claim_volume_id(api, namespace, claim_name):
    claim = api.read_namespaced_persistent_volume_claim(claim_name,
                                                        namespace)
    if not claim.spec.volume_name:
        return None
    volume = api.read_persistent_volume(claim.spec.volume_name)
    if volume.spec.cinder is None:
        return None
    return volume.spec.cinder.volume_id


class K8sPodProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """Running pods of the configured Kubernetes namespace."""

    _SUPPORT_RESOURCE_TYPE = constants.POD_RESOURCE_TYPE

    def get_resource_type(self):
        return self._SUPPORT_RESOURCE_TYPE

    def get_parent_resource_types(self):
        return (constants.PROJECT_RESOURCE_TYPE,)

    @property
    def _config(self):
        return self._conf or CONF

    @property
    def _namespace(self):
        return self._config[GROUP].namespace

    def _to_resource(self, pod):
        namespace = pod.metadata.namespace
        return resource.Resource(
            type=self._SUPPORT_RESOURCE_TYPE,
            id=pod_id(namespace, pod.metadata.name),
            name='%s:%s' % (namespace, pod.metadata.name),
            extra_info={'namespace': namespace})

    def _pods(self):
        try:
            pods = _api(self._config).list_namespaced_pod(
                self._namespace).items
        except exception.ListProtectableResourceFailed:
            raise
        except Exception as err:
            raise exception.ListProtectableResourceFailed(
                type=self._SUPPORT_RESOURCE_TYPE, reason=err)
        return [p for p in pods if p.status is None or
                p.status.phase not in INVALID_POD_PHASES]

    def list_resources(self, context, parameters=None):
        return [self._to_resource(p) for p in self._pods()]

    def show_resource(self, context, resource_id, parameters=None):
        """The pod with ``resource_id``.

        ``parameters.name`` (``<namespace>:<pod>`` or ``<pod>``) reads the
        pod directly; without it the configured namespace is searched.
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

    def _read(self, resource_id, name):
        namespace, pod_name = split_name(
            resource.Resource(self._SUPPORT_RESOURCE_TYPE, resource_id, name),
            self._namespace)
        try:
            pod = _api(self._config).read_namespaced_pod(pod_name, namespace)
        except exception.ListProtectableResourceFailed:
            raise
        except Exception as err:
            if _is_not_found(err):
                return []
            raise exception.ListProtectableResourceFailed(
                type=self._SUPPORT_RESOURCE_TYPE, reason=err)
        if pod.status is not None and \
                pod.status.phase in INVALID_POD_PHASES:
            return []
        found = self._to_resource(pod)
        return [found] if found.id == resource_id else []

    def get_dependent_resources(self, context, parent_resource):
        if parent_resource.type != constants.PROJECT_RESOURCE_TYPE:
            return []
        return self.list_resources(context)
