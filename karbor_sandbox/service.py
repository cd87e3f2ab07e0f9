"""Base class and registry of the sandbox's API services.

Each API is one module under ``karbor_sandbox.services`` defining a
:class:`Service` subclass decorated with :func:`register`. The registry
drives URL dispatch, the Keystone catalog and bootstrap.
"""

import importlib
import logging

import webob

from karbor_sandbox import auth
from karbor_sandbox import utils
from karbor_sandbox import wsgi

LOG = logging.getLogger(__name__)
_REGISTRY = []
LOCAL_ONLY = 'Only callers on this host may use this API.'

# Modules imported to fill the registry, in catalog order.
SERVICE_MODULES = (
    'karbor_sandbox.admin',
    'karbor_sandbox.services.identity',
    'karbor_sandbox.services.volume',
    'karbor_sandbox.services.object_store',
    'karbor_sandbox.services.k8s',
    'karbor_sandbox.services.image',
    'karbor_sandbox.services.network',
    'karbor_sandbox.services.compute',
    'karbor_sandbox.services.share',
    'karbor_sandbox.services.database',
)


def register(cls):
    """Class decorator adding a service to the registry."""
    if cls not in _REGISTRY:
        _REGISTRY.append(cls)
    return cls


def load():
    """Import every service module; return the registered classes."""
    for name in SERVICE_MODULES:
        importlib.import_module(name)
    return list(_REGISTRY)


class Service(object):
    """One API served under ``prefix``.

    Subclasses set ``name`` (the key of ``cloud.url(name)``), ``prefix``,
    ``controllers`` (routed below each of ``route_prefixes``, e.g. with
    and without a project id segment), ``root_controllers`` (routed as
    is), ``error_style`` (a key of ``wsgi.ERROR_FORMATS``),
    and, to appear in the Keystone catalog, ``catalog`` (pairs of service
    type and name) and ``endpoint`` (a path template that may use
    ``%(project_id)s``).
    """

    name = None
    prefix = None
    controllers = ()
    root_controllers = ()
    route_prefixes = ('',)
    error_style = 'fault'
    catalog = ()
    endpoint = None
    # Whether only loopback callers may use the service, whatever address
    # the sandbox listens on (for APIs without authentication).
    local_only = False

    def __init__(self, cloud):
        self.cloud = cloud
        self.store = cloud.store
        self.router = wsgi.Router()
        for cls in self.root_controllers:
            for method, path, needs_auth, handler in cls(self).routes():
                self.router.add(method, path, handler, needs_auth)
        for cls in self.controllers:
            routes = list(cls(self).routes())
            for prefix in self.route_prefixes:
                for method, path, needs_auth, handler in routes:
                    self.router.add(method, prefix + path, handler,
                                    needs_auth)

    def bootstrap(self):
        """Create the service's initial data when the store is new."""

    def endpoint_url(self, project_id):
        return self.cloud.base_url + self.endpoint % {
            'project_id': project_id}

    def catalog_entries(self, project_id):
        """This service's Keystone catalog entries."""
        url = self.endpoint_url(project_id) if self.catalog else None
        return [catalog_entry('%s-%s' % (self.name, stype), stype, sname,
                              url) for stype, sname in self.catalog]

    def handle(self, req, path):
        """Dispatch ``path`` (below the prefix) and render errors."""
        try:
            if self.local_only and not utils.is_loopback(req.remote_addr):
                raise wsgi.Forbidden(LOCAL_ONLY)
            handler, kwargs, needs_auth = self.router.match(req.method,
                                                            path)
            ctx = auth.resolve(self.store, req.headers.get('X-Auth-Token'),
                               req.headers.get('X-Service-Token'))
            if needs_auth and ctx is None:
                raise wsgi.Unauthorized()
            req.environ['sandbox.context'] = ctx
            resp = self._to_response(handler(req, **kwargs))
        except wsgi.HTTPError as err:
            resp = self.error(err)
        except Exception:
            LOG.exception('Sandbox %s failed on %s %s', self.name,
                          req.method, path)
            resp = self.error(wsgi.HTTPError(500, 'Internal error'))
        if resp.status_code >= 400 and _has_body(req):
            # The handler may not have read the body; a kept-alive
            # connection would then parse its rest as the next request.
            resp.headers['Connection'] = 'close'
        return self.finish(req, resp)

    @staticmethod
    def _to_response(result):
        if isinstance(result, webob.Response):
            return result
        if isinstance(result, tuple):
            return wsgi.json_response(result[1], result[0])
        return wsgi.json_response(result)

    def error(self, err):
        resp = wsgi.ERROR_FORMATS[self.error_style](err)
        if err.code == 401:
            resp.headers['WWW-Authenticate'] = (
                'Keystone uri="%s/identity"' % self.cloud.base_url)
        return resp

    def finish(self, req, resp):
        """Hook to decorate every response (e.g. microversion headers)."""
        return resp

    def run_later(self, task, operation, resource_id, metadata=None, /,
                  **args):
        """Schedule ``task`` for ``operation``, applying injected faults.

        An ``error`` fault passes ``error=<message>`` to the task handler;
        a ``slow`` fault replaces the delay.
        """
        fault = self.cloud.faults.take(self.name, operation, resource_id,
                                       metadata)
        delay = None
        if fault and fault.is_error:
            args['error'] = fault.message
        elif fault:
            delay = fault.delay
        self.cloud.tasks.schedule(task, delay=delay, **args)


def catalog_entry(service_id, stype, name, url, interfaces=None):
    """A catalog entry with one endpoint per interface."""
    interfaces = interfaces or {iface: url
                                for iface in ('public', 'internal', 'admin')}
    return {'id': service_id, 'type': stype, 'name': name,
            'endpoints': [{'id': '%s-%s' % (service_id, iface),
                           'interface': iface, 'region': 'RegionOne',
                           'region_id': 'RegionOne', 'url': iface_url}
                          for iface, iface_url in interfaces.items()]}


def context(req):
    """The :class:`~karbor_sandbox.auth.Context` of the request."""
    return req.environ.get('sandbox.context')


def _has_body(req):
    return bool(req.content_length) or \
        req.headers.get('Transfer-Encoding', '').lower() == 'chunked'
