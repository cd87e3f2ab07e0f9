"""The root WSGI application: runs due tasks, dispatches by prefix."""

import logging

import webob

from karbor_sandbox import service
from karbor_sandbox import utils
from karbor_sandbox import wsgi

LOG = logging.getLogger(__name__)


class App(object):
    """Route each request to the service owning its path prefix."""

    def __init__(self, cloud):
        self.cloud = cloud
        self._prefixes = sorted(((svc.prefix, svc) for svc in cloud.services),
                                key=lambda item: -len(item[0]))

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        # PEP 3333 paths are latin-1 decoded bytes; names are UTF-8.
        path = environ.get('PATH_INFO', '/').encode('latin-1').decode(
            'utf-8', 'replace')
        self.cloud.tasks.settle()
        for prefix, svc in self._prefixes:
            if path == prefix or path.startswith(prefix + '/'):
                resp = svc.handle(req, path[len(prefix):] or '/')
                break
        else:
            if path in ('', '/') and not utils.is_loopback(req.remote_addr):
                resp = wsgi.ERROR_FORMATS['keystone'](
                    wsgi.Forbidden(service.LOCAL_ONLY))
            elif path in ('', '/'):
                resp = wsgi.json_response(
                    {'endpoints': self.cloud.endpoints()})
            else:
                resp = wsgi.json_response(
                    {'error': {'code': 404, 'title': 'Not Found',
                               'message': 'No service at %s' % path}}, 404)
        LOG.info('%s %s %s', req.method, req.path_qs, resp.status_int)
        return resp(environ, start_response)
