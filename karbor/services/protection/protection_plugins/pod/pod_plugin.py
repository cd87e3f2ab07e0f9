"""Protect Kubernetes pods (``karbor-pod-protection-plugin``).

The pod's Cinder volumes are its dependents in the resource graph: the
provider's Cinder plugin protects and restores them in the same checkpoint.
This plugin saves the pod's manifest and its claims (see ``manifest``) in
the pod's bank section (``status`` and ``metadata``).

Restore runs in ``on_complete``, once the volumes are restored: it finds
their new ids in ``new_resources``, creates per claim a PersistentVolume on
the restored volume and a claim bound to it, then the pod
(``restore_name``, default ``karbor-restored-pod-<restore id>``) in the
saved namespace, and waits until the pod runs. It records
``OS::Kubernetes::Pod#<name>``. If anything fails, its revert deletes the
pod, claims and PVs it made (waiting until the pod is gone, so that the
restored volumes are detached before the Cinder plugin's revert deletes
them).

Kubernetes is reached with the provider's ``[k8s_client]`` section, or
Karbor's own when the provider sets no ``k8s_host``.
"""

import contextlib
import json
import types

from kubernetes.client import exceptions as k8s_exc
from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import uuidutils

from karbor.clients import k8s
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor.services.protection import protection_plugin
from karbor.services.protection import restore_plan
from karbor.services.protection.protectable_plugins import pod as pod_k8s
from karbor.services.protection.protection_plugins.pod import manifest
from karbor.services.protection.protection_plugins.pod import schemas
from karbor.services.protection.protection_plugins import resource_data
from karbor.services.protection.protection_plugins.volume import status

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

GROUP = 'pod_backup_protection_plugin'
POD_TYPE = constants.POD_RESOURCE_TYPE

pod_backup_opts = [
    cfg.FloatOpt('poll_interval', default=15, min=0,
                 help='Seconds between two reads of a restored pod (its '
                      'phase) or of an object being deleted.'),
    cfg.FloatOpt('status_timeout', default=600, min=0,
                 help='Seconds a restored pod may take to reach Running, '
                      'and a deleted object to disappear, before the '
                      'restore fails; 0 waits forever.'),
]

# Kubernetes objects a restore makes: kind -> (create, read, delete), each
# called as f(api, namespace, name_or_body).
_CALLS = {
    'pod': (lambda api, ns, body: api.create_namespaced_pod(ns, body),
            lambda api, ns, name: api.read_namespaced_pod(name, ns),
            lambda api, ns, name: api.delete_namespaced_pod(name, ns)),
    'claim': (
        lambda api, ns, body:
            api.create_namespaced_persistent_volume_claim(ns, body),
        lambda api, ns, name:
            api.read_namespaced_persistent_volume_claim(name, ns),
        lambda api, ns, name:
            api.delete_namespaced_persistent_volume_claim(name, ns)),
    'persistent volume': (
        lambda api, ns, body: api.create_persistent_volume(body),
        lambda api, ns, name: api.read_persistent_volume(name),
        lambda api, ns, name: api.delete_persistent_volume(name)),
}
RUNNING = ('Running', 'Succeeded')
STARTING = ('Pending', 'Unknown')
# Marks the Kubernetes objects a restore made with the restore's id.
RESTORE_ANNOTATION = 'karbor.openstack.org/restore-id'


def k8s_api(config):
    """The CoreV1Api of the provider's ``[k8s_client]``, else of Karbor's.
    """
    if config is not None:
        config.register_opts(k8s.k8s_client_opts, group='k8s_client')
        if config.k8s_client.k8s_host:
            return k8s.create(config)
    if not CONF.k8s_client.k8s_host:
        raise exception.ServiceUnavailable(
            message=_('No Kubernetes API: set k8s_host in [k8s_client] of '
                      'the provider or of karbor.conf'))
    return k8s.create(CONF)


def api_error_reason(err):
    """The message of a Kubernetes Status error, else the error text."""
    try:
        return json.loads(err.body)['message']
    except (TypeError, ValueError, KeyError):
        return '%s %s' % (err.status, err.reason)


def _gone_or_none(read):
    """``read()``, or None when Kubernetes answers 404."""
    try:
        return read()
    except k8s_exc.ApiException as err:
        if err.status == 404:
            return None
        raise


class PodOperation(protection_plugin.Operation):
    """Base of the pod operations: client, bank and error helpers."""

    kind = None  # one of constants.OPERATION_*

    def __init__(self, options, config):
        self._options = options
        self._config = config

    def api(self, resource):
        try:
            return k8s_api(self._config)
        except exception.ServiceUnavailable as err:
            raise self.failure(resource, str(err))

    def failure(self, resource, reason):
        return resource_data.failure(self.kind, resource, reason)

    @contextlib.contextmanager
    def failing_as_karbor(self, resource, doing):
        """Turn Kubernetes and polling errors into this operation's
        failure, its reason prefixed with ``doing``."""
        try:
            yield
        except exception.KarborException:
            raise
        except k8s_exc.ApiException as err:
            raise self.failure(resource, '%s: %s' % (
                doing, api_error_reason(err)))
        except Exception as err:
            LOG.warning('%(kind)s of pod %(name)s failed: %(err)s',
                        {'kind': self.kind, 'name': resource.name,
                         'err': err})
            raise self.failure(resource, '%s: %s' % (
                doing, str(err) or type(err).__name__))

    def wait(self, fetch, success, ignore):
        return status.wait_for(fetch, self._options.poll_interval, success,
                               ignore=ignore,
                               timeout=self._options.status_timeout)


class ProtectOperation(PodOperation):
    """Save the pod's manifest and its claims."""

    kind = constants.OPERATION_PROTECT

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = resource_data.section(checkpoint, resource)
        resource_data.set_status(section, constants.RESOURCE_STATUS_PROTECTING)
        namespace, name = pod_k8s.split_name(resource)
        with self.failing_as_karbor(resource, _('reading pod %s/%s') % (
                namespace, name)):
            api = self.api(resource)
            pod_manifest = manifest.pod_manifest(
                api.read_namespaced_pod(name, namespace))
            claims = manifest.saved_claims(api, pod_manifest)
        resource_data.save_metadata(section, {
            'resource_id': resource.id, 'resource_name': resource.name,
            'namespace': namespace, 'pod_metadata': pod_manifest,
            'claims': claims})
        resource_data.set_status(section, constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        resource_data.purge(resource_data.section(checkpoint, resource))


class RestoreOperation(PodOperation):
    """PVs and claims on the restored volumes, then the pod.

    Everything it makes carries the annotation ``RESTORE_ANNOTATION`` =
    the restore's id and has a name known from the restore alone (the
    pod's ``restore_name``, by default ``karbor-restored-pod-<restore
    id>``): a hook run again after a worker restart takes over what the
    first run made, and a revert finds it without any state of its own.
    """

    kind = constants.OPERATION_RESTORE

    def on_complete(self, checkpoint, resource, context, parameters,
                    restore=None, new_resources=None, **kwargs):
        saved = resource_data.get_metadata(
            resource_data.section(checkpoint, resource))
        if not saved.get('pod_metadata'):
            raise self.failure(resource, _('the checkpoint holds no '
                                           'manifest of this pod'))
        new_resources = {} if new_resources is None else new_resources
        name = _restored_pod_name(parameters, restore)
        namespace = saved['namespace']
        volume_ids = self._new_volume_ids(resource, saved, new_resources)
        with self.failing_as_karbor(resource, _('restoring pod %s/%s') % (
                namespace, name)):
            api = self.api(resource)
            for kind, body in _new_objects(saved, name, volume_ids):
                self._create(api, kind, namespace, body, restore.id)
        restore.update_resource_status(POD_TYPE, name,
                                       constants.RESOURCE_STATUS_RESTORING)
        try:
            self._wait_running(api, resource, namespace, name)
        except exception.RestoreResourceFailed as err:
            restore.update_resource_status(
                POD_TYPE, name, constants.RESOURCE_STATUS_ERROR, err.msg)
            raise
        new_resources[resource.id] = name
        restore.update_resource_status(POD_TYPE, name,
                                       constants.RESOURCE_STATUS_AVAILABLE)

    def _new_volume_ids(self, resource, saved, new_resources):
        """Original Cinder volume id -> restored id, for every volume of
        the pod; the restored volumes are the pod's dependents."""
        originals = [c['volume_id'] for c in saved['claims'].values()]
        originals += manifest.direct_volume_ids(saved['pod_metadata'])
        missing = [v for v in originals if v not in new_resources]
        if missing:
            raise self.failure(resource, _(
                'Cinder volume(s) %s of the pod were not restored') %
                ', '.join(missing))
        return {v: new_resources[v] for v in originals}

    @staticmethod
    def _create(api, kind, namespace, body, restore_id):
        """Create an object marked as this restore's, or take over the
        one an earlier run of this restore made."""
        create, read, _delete = _CALLS[kind]
        metadata = body['metadata']
        metadata['annotations'] = dict(metadata.get('annotations') or {},
                                       **{RESTORE_ANNOTATION: restore_id})
        try:
            create(api, namespace, body)
        except k8s_exc.ApiException as err:
            if err.status != 409 or not _made_by(
                    read(api, namespace, metadata['name']), restore_id):
                raise

    def _wait_running(self, api, resource, namespace, name):
        def fetch():
            pod = _gone_or_none(lambda: api.read_namespaced_pod(name,
                                                                namespace))
            return pod and types.SimpleNamespace(status=pod.status.phase,
                                                 pod=pod)

        with self.failing_as_karbor(resource, _('waiting for pod %s/%s') % (
                namespace, name)):
            try:
                self.wait(fetch, RUNNING, STARTING)
            except status.StatusError as err:
                detail = err.obj and err.obj.pod.status.message
                phase = (_('deleted') if err.status == status.NOT_FOUND
                         else str(err))
                reason = _('pod %(ns)s/%(name)s is %(phase)s') % {
                    'ns': namespace, 'name': name, 'phase': phase}
                raise self.failure(resource, '%s: %s' % (reason, detail)
                                   if detail else reason)

    def on_revert(self, checkpoint, resource, context, parameters,
                  restore=None, new_resources=None, **kwargs):
        """Delete what this restore made, the pod first (which detaches
        the restored volumes before their own revert deletes them)."""
        saved = resource_data.get_metadata(
            resource_data.section(checkpoint, resource))
        if not saved.get('pod_metadata') or restore is None:
            return
        name = _restored_pod_name(parameters, restore)
        api = self.api(resource)
        left = []
        for kind, body in reversed(_new_objects(saved, name)):
            obj_name = body['metadata']['name']
            try:
                self._delete(api, kind, saved['namespace'], obj_name,
                             restore.id)
            except Exception as err:
                reason = (api_error_reason(err)
                          if isinstance(err, k8s_exc.ApiException) else err)
                left.append(_('%(kind)s %(name)s not deleted (%(err)s)') % {
                    'kind': kind, 'name': obj_name, 'err': reason})
        if left:
            raise self.failure(resource, '; '.join(left))

    def _delete(self, api, kind, namespace, name, restore_id):
        """Delete an object this restore made; wait until it is gone."""
        _create, read, delete = _CALLS[kind]
        if not _made_by(_gone_or_none(lambda: read(api, namespace, name)),
                        restore_id):
            return
        if _gone_or_none(lambda: delete(api, namespace, name)) is None:
            return

        def fetch():
            found = _gone_or_none(lambda: read(api, namespace, name))
            return found and types.SimpleNamespace(status='deleting')

        self.wait(fetch, (status.NOT_FOUND,), ('deleting',))


def _restored_pod_name(parameters, restore):
    return parameters.get('restore_name') or (
        'karbor-restored-pod-%s' % (restore.id if restore is not None
                                    else uuidutils.generate_uuid()))


def _new_objects(saved, pod_name, volume_ids=None):
    """``(kind, body)`` of what a restore creates, in creation order: per
    saved claim a PV and a claim, then the pod. Without ``volume_ids``
    (original -> restored Cinder volume id) the bodies are good for their
    names only."""
    namespace = saved['namespace']
    objects, claim_names = [], {}
    for claim_name, claim in sorted(saved['claims'].items()):
        name = manifest.restored_name(pod_name, claim_name)
        claim_names[claim_name] = name
        objects.append(('persistent volume', manifest.new_persistent_volume(
            claim, name, namespace, (volume_ids or {}).get(
                claim['volume_id']))))
        objects.append(('claim', manifest.new_claim(claim, name)))
    if volume_ids is not None:
        pod = manifest.new_pod(saved['pod_metadata'], pod_name, claim_names,
                               volume_ids)
    else:
        pod = {'metadata': {'name': pod_name}}
    objects.append(('pod', pod))
    return objects


def _pod_conflicts(make_api, namespace, objects):
    if not objects:
        yield restore_plan.MISSING, _('the checkpoint holds no manifest '
                                      'of this pod')
        return
    api = make_api()
    if _gone_or_none(lambda: api.read_namespace(namespace)) is None:
        yield restore_plan.MISSING, _('namespace %s does not exist') % (
            namespace)
        return
    for kind, body in objects:
        read = _CALLS[kind][1]
        name = body['metadata']['name']
        if _gone_or_none(lambda: read(api, namespace, name)) is not None:
            yield restore_plan.NAME_IN_USE, _(
                'a %(kind)s named %(name)s exists in namespace %(ns)s') % {
                'kind': kind, 'name': name, 'ns': namespace}


def _made_by(obj, restore_id):
    """Whether a Kubernetes object (or None) was made by that restore."""
    annotations = obj is not None and obj.metadata.annotations or {}
    return annotations.get(RESTORE_ANNOTATION) == restore_id


class VerifyOperation(PodOperation):
    """The checkpoint must hold the pod's manifest."""

    kind = constants.OPERATION_VERIFY

    def on_main(self, checkpoint, resource, context, parameters,
                verify=None, **kwargs):
        section = resource_data.section(checkpoint, resource)
        state = resource_data.get_status(section)
        if state == constants.RESOURCE_STATUS_AVAILABLE and \
                resource_data.get_metadata(section).get('pod_metadata'):
            verify.update_resource_status(POD_TYPE, resource.id, state)
            return
        reason = _('the checkpoint holds no manifest of this pod (status '
                   '%s)') % state
        verify.update_resource_status(POD_TYPE, resource.id,
                                      constants.RESOURCE_STATUS_ERROR, reason)
        raise self.failure(resource, reason)


class PodProtectionPlugin(protection_plugin.TableProtectionPlugin):
    """``karbor-pod-protection-plugin``: Kubernetes pods' manifests and
    claims; their Cinder volumes are the Cinder plugin's."""

    group = GROUP
    opts = pod_backup_opts
    resource_type = POD_TYPE
    options_schema = schemas.OPTIONS_SCHEMA
    restore_schema = schemas.RESTORE_SCHEMA
    saved_info_schema = schemas.SAVED_INFO_SCHEMA
    operations = {constants.OPERATION_PROTECT: ProtectOperation,
                  constants.OPERATION_RESTORE: RestoreOperation,
                  constants.OPERATION_VERIFY: VerifyOperation,
                  # The manifest and claims are all a restore needs (the
                  # volumes are copied by their own plugin).
                  constants.OPERATION_COPY: resource_data.CopyDataOperation,
                  constants.OPERATION_DELETE:
                      resource_data.DeleteDataOperation}

    def _operation(self, kind):
        operation = self.operations[kind]
        if issubclass(operation, PodOperation):
            # They reach Kubernetes with the provider's [k8s_client].
            return operation(self._options, self._config)
        return operation(self._options)

    def plan_restore(self, planning, resource, parameters, section):
        """The pod (``restore_name``, default ``karbor-restored-pod-<restore
        id>``) in its saved namespace, with a PV and a claim per saved
        claim. Conflicts: the namespace gone, a name of these objects in
        use."""
        saved = planning.saved(section)
        name = parameters.get('restore_name') or (
            'karbor-restored-pod-%s' % planning.restore_ref)
        namespace = saved.get('namespace')
        objects = _new_objects(saved, name) if saved.get(
            'pod_metadata') else []
        conflicts = restore_plan.checked(planning, lambda: _pod_conflicts(
            lambda: k8s_api(self._config), namespace, objects))
        return restore_plan.Step(
            name, 'namespace %s' % namespace,
            dict(parameters, restore_name=name), conflicts,
            {'creates': [{'kind': kind, 'name': body['metadata']['name']}
                         for kind, body in objects]})

    @classmethod
    def get_saved_info(cls, metadata_store, resource):
        """The namespace, manifest and claims saved of the pod."""
        return resource_data.saved_info_of(
            metadata_store, ('namespace', 'pod_metadata', 'claims'))


def list_opts():
    return [(GROUP, pod_backup_opts)]
