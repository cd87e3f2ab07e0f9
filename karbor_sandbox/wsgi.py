"""HTTP plumbing shared by every sandbox service.

A tiny regex router, controllers whose methods declare their routes with
:func:`route`, JSON helpers and one ``HTTPError`` that each service renders
in its own error body format (see ``ERROR_FORMATS``).
"""

import json
import re

import webob
import webob.exc

CHUNK = 64 * 1024
# Request bodies are read in pieces this large: clients send chunked
# bodies in pieces of up to 1 MiB, and cheroot's chunked reader copies what
# it holds of a piece on each smaller read.
INPUT_CHUNK = 1024 * 1024
_VAR = re.compile(r'\{(\w+)(?::((?:[^{}]|\{\d+(?:,\d*)?\})+))?\}')

# Names of the OpenStack compute-style faults (Cinder, Nova, Manila, Trove).
FAULT_NAMES = {400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
               404: 'itemNotFound', 405: 'badMethod',
               409: 'conflictingRequest', 413: 'overLimit',
               415: 'badMediaType', 429: 'overLimit',
               501: 'notImplemented', 503: 'serviceUnavailable'}


class HTTPError(Exception):
    """An API error; ``extra`` carries format-specific details."""

    def __init__(self, code, message, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    @property
    def title(self):
        return webob.exc.status_map[self.code].title


def BadRequest(msg, **kw):
    return HTTPError(400, msg, **kw)


def Unauthorized(msg='The request you have made requires '
                 'authentication.', **kw):
    return HTTPError(401, msg, **kw)


def Forbidden(msg='Policy does not allow this action.', **kw):
    return HTTPError(403, msg, **kw)


def NotFound(msg='The resource could not be found.', **kw):
    return HTTPError(404, msg, **kw)


def Conflict(msg, **kw):
    return HTTPError(409, msg, **kw)


def json_response(body, status=200, headers=None):
    resp = webob.Response(status=status, content_type='application/json',
                          charset=None)
    if body is not None:
        resp.body = json.dumps(body).encode('utf-8')
    else:
        resp.content_type = None
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _fault_error(err):
    name = err.extra.get('fault') or FAULT_NAMES.get(err.code,
                                                     'computeFault')
    return json_response({name: {'code': err.code, 'message': err.message}},
                         err.code)


def _keystone_error(err):
    return json_response({'error': {'code': err.code, 'title': err.title,
                                    'message': err.message}}, err.code)


def _neutron_error(err):
    kind = err.extra.get('type') or err.title.replace(' ', '')
    return json_response({'NeutronError': {'type': kind,
                                           'message': err.message,
                                           'detail': ''}}, err.code)


def _plain_error(err):
    resp = webob.Response(status=err.code, content_type='text/html',
                          charset='UTF-8')
    resp.text = '<html><h1>%s</h1><p>%s</p></html>' % (err.title,
                                                       err.message)
    return resp


def _k8s_error(err):
    body = {'kind': 'Status', 'apiVersion': 'v1', 'metadata': {},
            'status': 'Failure', 'message': err.message,
            'reason': err.extra.get('reason', err.title.replace(' ', '')),
            'code': err.code}
    if 'details' in err.extra:
        body['details'] = err.extra['details']
    return json_response(body, err.code)


ERROR_FORMATS = {'fault': _fault_error, 'keystone': _keystone_error,
                 'neutron': _neutron_error, 'plain': _plain_error,
                 'k8s': _k8s_error}


def json_body(req, key=None, required=True):
    """The decoded JSON body (or ``body[key]``); 400 when malformed."""
    try:
        body = json.loads(req.body) if req.body else None
    except ValueError:
        raise BadRequest('Malformed request body')
    if body is None:
        if required:
            raise BadRequest('Malformed request body')
        return {}
    if not isinstance(body, dict):
        raise BadRequest('Malformed request body')
    if key is None:
        return body
    if not isinstance(body.get(key), dict):
        if required:
            raise BadRequest("Missing required element '%s' in request "
                             "body." % key)
        return {}
    return body[key]


def read_input(environ):
    """Yield the request body in chunks (plain or chunked encoding)."""
    stream = environ['wsgi.input']
    length = environ.get('CONTENT_LENGTH')
    remaining = int(length) if length else None
    while remaining is None or remaining > 0:
        size = INPUT_CHUNK if remaining is None else min(INPUT_CHUNK,
                                                         remaining)
        data = stream.read(size)
        if not data:
            break
        if remaining is not None:
            remaining -= len(data)
        yield data


def route(method, path, auth=True):
    """Declare that a controller method serves ``method path``."""
    def decorator(func):
        func.__dict__.setdefault('_sandbox_routes', []).append(
            (method, path, auth))
        return func
    return decorator


class Controller(object):
    """Base of the classes that group a service's handlers."""

    def __init__(self, service):
        self.service = service
        self.cloud = service.cloud
        self.store = service.cloud.store

    def routes(self):
        for name in dir(type(self)):
            func = getattr(type(self), name)
            for method, path, auth in getattr(func, '_sandbox_routes', ()):
                yield method, path, auth, getattr(self, name)


class Router(object):
    """Match ``(method, path)`` against ``{var}``/``{var:regex}`` patterns."""

    def __init__(self):
        self._routes = []

    def add(self, method, pattern, handler, auth=True):
        regex = _VAR.sub(lambda m: '(?P<%s>%s)' % (m.group(1),
                                                   m.group(2) or '[^/]+'),
                         pattern)
        self._routes.append((method, re.compile('^%s/?$' % regex), handler,
                             auth))
        # Literal segments win over variables: /volumes/detail before
        # /volumes/{id} (the sort is stable, so ties keep their order).
        self._routes.sort(key=lambda r: r[1].groups)

    def match(self, method, path):
        """Return ``(handler, kwargs, auth)``; raise 404/405 otherwise."""
        allowed = False
        for r_method, regex, handler, auth in self._routes:
            found = regex.match(path)
            if not found:
                continue
            if r_method == method or (method == 'HEAD' and r_method == 'GET'
                                      and not self._has(path, 'HEAD')):
                # Variables named with a leading "_" only shape the URL.
                kwargs = {k: v for k, v in found.groupdict().items()
                          if not k.startswith('_')}
                return handler, kwargs, auth
            allowed = True
        if allowed:
            raise HTTPError(405, 'The method is not allowed for the '
                            'requested URL.')
        raise NotFound()

    def _has(self, path, method):
        return any(m == method and r.match(path)
                   for m, r, _h, _a in self._routes)
