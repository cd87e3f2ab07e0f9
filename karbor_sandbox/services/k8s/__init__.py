"""Kubernetes core/v1: namespaces, pods, PVCs and PVs (under /k8s)."""

import json

from karbor_sandbox import service
from karbor_sandbox.services.k8s import lifecycle  # noqa: F401 (tasks)
from karbor_sandbox.services.k8s import objects
from karbor_sandbox import wsgi

PLURALS = '|'.join(objects.KINDS)
NAMESPACED = '|'.join(p for p, (_k, ns) in objects.KINDS.items() if ns)
CLUSTER = '|'.join(p for p, (_k, ns) in objects.KINDS.items() if not ns)
ONE = '/api/v1/{plural:%s}/{name}' % CLUSTER
IN_NS = '/api/v1/namespaces/{namespace}/{plural:%s}' % NAMESPACED
DEFAULT_NAMESPACES = ('default', 'kube-system', 'kube-public')
VERSION = {'major': '1', 'minor': '31', 'gitVersion': 'v1.31.0-sandbox',
           'gitCommit': 'sandbox', 'gitTreeState': 'clean',
           'buildDate': '2024-08-13T00:00:00Z', 'goVersion': 'go1.22.5',
           'compiler': 'gc', 'platform': 'linux/amd64'}


def _body(req):
    try:
        body = json.loads(req.body or b'null')
    except ValueError:
        raise wsgi.BadRequest('the body of the request was in an unknown '
                              'format')
    if not isinstance(body, (dict, list)):
        raise wsgi.BadRequest('the body of the request was in an unknown '
                              'format')
    return body


class DiscoveryController(wsgi.Controller):

    @wsgi.route('GET', '/version', auth=False)
    def version(self, req):
        return VERSION

    @wsgi.route('GET', '/api', auth=False)
    def api(self, req):
        return {'kind': 'APIVersions', 'versions': ['v1'],
                'serverAddressByClientCIDRs': [
                    {'clientCIDR': '0.0.0.0/0',
                     'serverAddress': req.host}]}

    @wsgi.route('GET', '/apis', auth=False)
    def apis(self, req):
        return {'kind': 'APIGroupList', 'apiVersion': 'v1', 'groups': []}

    @wsgi.route('GET', '/api/v1', auth=False)
    def resources(self, req):
        verbs = ['create', 'delete', 'get', 'list', 'patch', 'update']
        return {'kind': 'APIResourceList', 'groupVersion': 'v1',
                'resources': [{'name': plural, 'singularName': '',
                               'namespaced': namespaced, 'kind': kind,
                               'verbs': verbs}
                              for plural, (kind, namespaced)
                              in objects.KINDS.items()]}


class ObjectController(wsgi.Controller):
    """CRUD for every kind; kind-specific behaviour in ``lifecycle``."""

    def _list(self, req, plural, namespace=None):
        if namespace and plural != 'namespaces':
            objects.load(self.store, 'namespaces', None, namespace)
        objs = [d['object'] for d in self.store.list(objects.S, plural,
                                                     parent=namespace)]
        objs = objects.select(objs, req.GET.get('labelSelector'),
                              req.GET.get('fieldSelector'))
        return {'kind': objects.KINDS[plural][0] + 'List', 'apiVersion': 'v1',
                'metadata': {'resourceVersion': objects.next_version(
                    self.store)},
                'items': objs}

    def _create(self, req, plural, namespace=None):
        body = _body(req)
        # Validated, then admitted outside any transaction (a refusal
        # uses its fault up), then made.
        admitted = self._new(plural, namespace, body)
        self._admit(plural, admitted)
        body['metadata']['name'] = admitted['metadata']['name']
        with self.store.transaction():
            obj = self._new(plural, namespace, body)
            self._initial_status(plural, obj)
            objects.save(self.store, plural, obj)
        return 201, obj

    def _new(self, plural, namespace, body):
        with self.store.transaction():
            if namespace:
                objects.load(self.store, 'namespaces', None, namespace)
            return objects.new(self.store, plural, namespace, body)

    def _admit(self, plural, obj):
        """Refuse a create as an admission controller would (403), when
        a fault ``create`` is injected for service ``k8s`` and resource
        ``<namespace>/<name>`` (or ``<name>``), or set as annotation."""
        meta = obj['metadata']
        fault = self.cloud.faults.take(
            self.service.name, 'create',
            objects.key(meta.get('namespace'), meta['name']),
            meta.get('annotations'))
        if fault and fault.is_error:
            raise wsgi.HTTPError(
                403, '%s "%s" is forbidden: %s' % (plural, meta['name'],
                                                   fault.message),
                reason='Forbidden',
                details={'name': meta['name'], 'kind': plural})

    def _initial_status(self, plural, obj):
        meta = obj['metadata']
        args = {'namespace': meta.get('namespace'), 'name': meta['name'],
                'uid': meta['uid']}
        if plural == 'pods':
            spec = obj.setdefault('spec', {})
            spec.setdefault('restartPolicy', 'Always')
            spec.setdefault('dnsPolicy', 'ClusterFirst')
            spec.setdefault('schedulerName', 'default-scheduler')
            spec.setdefault('terminationGracePeriodSeconds', 30)
            obj['status'] = {'phase': 'Pending', 'qosClass': 'BestEffort'}
            self.service.run_later('k8s.start_pod', 'start', meta['uid'],
                                   meta.get('annotations'), **args)
        elif plural == 'persistentvolumeclaims':
            obj['status'] = {'phase': 'Pending'}
            self.cloud.tasks.schedule('k8s.bind_claim', **args)
        elif plural == 'persistentvolumes':
            obj['status'] = {'phase': 'Available'}
        elif plural == 'namespaces':
            obj.setdefault('spec', {'finalizers': ['kubernetes']})
            obj['status'] = {'phase': 'Active'}

    def _delete(self, req, plural, namespace, name):
        with self.store.transaction():
            obj = objects.load(self.store, plural, namespace, name)
            meta = obj['metadata']
            if not meta.get('deletionTimestamp'):
                meta['deletionTimestamp'] = objects.now()
                meta['deletionGracePeriodSeconds'] = 0
                if plural == 'namespaces':
                    obj['status'] = {'phase': 'Terminating'}
                objects.save(self.store, plural, obj)
                task = 'k8s.remove_pod' if plural == 'pods' else 'k8s.remove'
                args = {'namespace': namespace, 'name': name,
                        'uid': meta['uid']}
                if plural != 'pods':
                    args['plural'] = plural
                self.service.run_later(task, 'delete', meta['uid'],
                                       meta.get('annotations'), **args)
        return obj

    def _update(self, req, plural, namespace, name, patch):
        body = _body(req)
        with self.store.transaction():
            obj = objects.load(self.store, plural, namespace, name)
            if patch:
                new = objects.patch(obj, body,
                                    req.headers.get('Content-Type'))
            else:
                new = dict(body, status=obj.get('status'))
            for key in ('uid', 'creationTimestamp', 'namespace', 'name'):
                if key in obj['metadata']:
                    new.setdefault('metadata', {})[key] = \
                        obj['metadata'][key]
            new.update(kind=obj['kind'], apiVersion='v1')
            return objects.save(self.store, plural, new)

    # Routes: cluster-wide lists and cluster-scoped objects.

    @wsgi.route('GET', '/api/v1/{plural:%s}' % PLURALS, auth=False)
    def list_all(self, req, plural):
        return self._list(req, plural)

    @wsgi.route('POST', '/api/v1/{plural:%s}' % CLUSTER, auth=False)
    def create_cluster(self, req, plural):
        return self._create(req, plural)

    @wsgi.route('GET', ONE, auth=False)
    def read_cluster(self, req, plural, name):
        return objects.load(self.store, plural, None, name)

    @wsgi.route('PUT', ONE, auth=False)
    def replace_cluster(self, req, plural, name):
        return self._update(req, plural, None, name, patch=False)

    @wsgi.route('PATCH', ONE, auth=False)
    def patch_cluster(self, req, plural, name):
        return self._update(req, plural, None, name, patch=True)

    @wsgi.route('DELETE', ONE, auth=False)
    def delete_cluster(self, req, plural, name):
        return self._delete(req, plural, None, name)

    # Routes: namespaced objects.

    @wsgi.route('GET', IN_NS, auth=False)
    def list_namespaced(self, req, namespace, plural):
        return self._list(req, plural, namespace)

    @wsgi.route('POST', IN_NS, auth=False)
    def create_namespaced(self, req, namespace, plural):
        return self._create(req, plural, namespace)

    @wsgi.route('GET', IN_NS + '/{name}', auth=False)
    def read_namespaced(self, req, namespace, plural, name):
        return objects.load(self.store, plural, namespace, name)

    @wsgi.route('GET', IN_NS + '/{name}/status', auth=False)
    def read_status(self, req, namespace, plural, name):
        return objects.load(self.store, plural, namespace, name)

    @wsgi.route('PUT', IN_NS + '/{name}', auth=False)
    def replace_namespaced(self, req, namespace, plural, name):
        return self._update(req, plural, namespace, name, patch=False)

    @wsgi.route('PATCH', IN_NS + '/{name}', auth=False)
    def patch_namespaced(self, req, namespace, plural, name):
        return self._update(req, plural, namespace, name, patch=True)

    @wsgi.route('DELETE', IN_NS + '/{name}', auth=False)
    def delete_namespaced(self, req, namespace, plural, name):
        return self._delete(req, plural, namespace, name)


@service.register
class KubernetesService(service.Service):
    name = 'k8s'
    prefix = '/k8s'
    error_style = 'k8s'
    local_only = True
    controllers = (DiscoveryController, ObjectController)

    def bootstrap(self):
        if self.store.list(objects.S, 'namespaces'):
            return
        for name in DEFAULT_NAMESPACES:
            obj = objects.new(self.store, 'namespaces', None,
                              {'metadata': {'name': name}})
            obj.update(spec={'finalizers': ['kubernetes']},
                       status={'phase': 'Active'})
            objects.save(self.store, 'namespaces', obj)
