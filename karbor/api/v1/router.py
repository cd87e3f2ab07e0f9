"""Routing of ``/v1/{project_id}/...`` to the resource controllers.

A route is ``(method, path template, controller key, action)``; a template
segment ``{name}`` matches one path segment and is passed to the action as
a keyword argument. Adding a resource is one entry in ``CONTROLLERS`` and a
few in ``ROUTES``.

``V1Application`` is a small WSGI application on webob over this table,
not a web framework's object tree: the one table is also what the OpenAPI
document (``karbor.api.openapi``) and the tenant isolation probes read.
The API ran on pecan before; pecan's per-request work (it inspected the
routed method's signature on every request, negotiated templates, decoded
JSON bodies and parsed forms while routing, the latter two a source of
500s on bad input) cost about a fifth of the instructions of a checkpoint
show, and all it did for Karbor was call one routing hook. See
doc/source/contributor/libraries.rst.
"""


from oslo_serialization import jsonutils
from oslo_utils import importutils
import webob
import webob.dec
import webob.exc

from karbor.api import json_body
from karbor.api.middleware import auth
from karbor import exception
from karbor.i18n import _

CONTROLLERS = {
    'providers': 'karbor.api.v1.providers.ProvidersController',
    'plans': 'karbor.api.v1.plans.PlansController',
    'protectables': 'karbor.api.v1.protectables.ProtectablesController',
    'services': 'karbor.api.v1.services.ServiceController',
    'quotas': 'karbor.api.v1.quotas.QuotasController',
    'quota_classes': 'karbor.api.v1.quota_classes.QuotaClassesController',
    'checkpoints': 'karbor.api.v1.checkpoints.CheckpointsController',
    'copies': 'karbor.api.v1.copies.CopiesController',
    'restores': 'karbor.api.v1.restores.RestoresController',
    'verifications': 'karbor.api.v1.verifications.VerificationsController',
    'operation_logs': 'karbor.api.v1.operation_logs.OperationLogsController',
    'triggers': 'karbor.api.v1.triggers.TriggersController',
    'scheduled_operations':
        'karbor.api.v1.scheduled_operations.ScheduledOperationsController',
}

_CHECKPOINTS = 'providers/{provider_id}/checkpoints'
_CHECKPOINT = _CHECKPOINTS + '/{checkpoint_id}'

ROUTES = [
    ('GET', 'providers', 'providers', 'index'),
    ('GET', 'providers/{id}', 'providers', 'show'),
    ('GET', 'plans', 'plans', 'index'),
    ('POST', 'plans', 'plans', 'create'),
    ('GET', 'plans/{id}', 'plans', 'show'),
    ('PUT', 'plans/{id}', 'plans', 'update'),
    ('DELETE', 'plans/{id}', 'plans', 'delete'),
    ('GET', 'protectables', 'protectables', 'index'),
    ('GET', 'protectables/{id}', 'protectables', 'show'),
    ('GET', 'protectables/{protectable_type}/instances', 'protectables',
     'instances_index'),
    ('GET', 'protectables/{protectable_type}/instances/{protectable_id}',
     'protectables', 'instances_show'),
    ('GET', 'os-services', 'services', 'index'),
    ('PUT', 'os-services/{id}', 'services', 'update'),
    ('GET', 'quotas/{id}', 'quotas', 'show'),
    ('PUT', 'quotas/{id}', 'quotas', 'update'),
    ('DELETE', 'quotas/{id}', 'quotas', 'delete'),
    ('GET', 'quotas/{id}/defaults', 'quotas', 'defaults'),
    ('GET', 'quotas/{id}/detail', 'quotas', 'detail'),
    ('GET', 'quota_classes/{id}', 'quota_classes', 'show'),
    ('PUT', 'quota_classes/{id}', 'quota_classes', 'update'),
    ('GET', _CHECKPOINTS, 'checkpoints', 'index'),
    ('POST', _CHECKPOINTS, 'checkpoints', 'create'),
    ('POST', _CHECKPOINTS + '/action', 'copies', 'create'),
    ('GET', _CHECKPOINT, 'checkpoints', 'show'),
    ('PUT', _CHECKPOINT, 'checkpoints', 'update'),
    ('DELETE', _CHECKPOINT, 'checkpoints', 'delete'),
    ('GET', _CHECKPOINT + '/progress', 'checkpoints', 'progress'),
    ('POST', _CHECKPOINT + '/cancel', 'checkpoints', 'cancel'),
    ('GET', 'restores', 'restores', 'index'),
    ('POST', 'restores', 'restores', 'create'),
    ('POST', 'restores/preview', 'restores', 'preview'),
    ('GET', 'restores/{id}', 'restores', 'show'),
    ('GET', 'restores/{id}/progress', 'restores', 'progress'),
    ('POST', 'restores/{id}/cancel', 'restores', 'cancel'),
    ('GET', 'verifications', 'verifications', 'index'),
    ('POST', 'verifications', 'verifications', 'create'),
    ('GET', 'verifications/{id}', 'verifications', 'show'),
    ('GET', 'verifications/{id}/progress', 'verifications', 'progress'),
    ('POST', 'verifications/{id}/cancel', 'verifications', 'cancel'),
    ('GET', 'operation_logs', 'operation_logs', 'index'),
    ('GET', 'operation_logs/{id}', 'operation_logs', 'show'),
    ('GET', 'triggers', 'triggers', 'index'),
    ('POST', 'triggers', 'triggers', 'create'),
    ('GET', 'triggers/{id}', 'triggers', 'show'),
    ('PUT', 'triggers/{id}', 'triggers', 'update'),
    ('DELETE', 'triggers/{id}', 'triggers', 'delete'),
    ('GET', 'scheduled_operations', 'scheduled_operations', 'index'),
    ('POST', 'scheduled_operations', 'scheduled_operations', 'create'),
    ('GET', 'scheduled_operations/{id}', 'scheduled_operations', 'show'),
    ('PUT', 'scheduled_operations/{id}', 'scheduled_operations', 'update'),
    ('DELETE', 'scheduled_operations/{id}', 'scheduled_operations',
     'delete'),
    ('GET', 'scheduled_operations/{id}/logs', 'scheduled_operations',
     'logs'),
]

BODY_METHODS = ('POST', 'PUT')
JSON_SUFFIX = '.json'
# Clients asking for any of these (or for anything) are answered; the
# answer is JSON whichever they name. Others get 406.
ACCEPTED_TYPES = ('application/json', 'text/html')


def _match(template, segments):
    parts = template.split('/')
    if len(parts) != len(segments):
        return None
    kwargs = {}
    for part, segment in zip(parts, segments):
        if part.startswith('{'):
            if not segment:
                return None
            kwargs[part[1:-1]] = segment
        elif part != segment:
            return None
    return kwargs


def find_route(method, segments):
    """``(controller key, action, kwargs)`` for a request, or raise."""
    methods_seen = False
    for route_method, template, key, action in ROUTES:
        kwargs = _match(template, segments)
        if kwargs is None:
            continue
        methods_seen = True
        if route_method == method:
            return key, action, kwargs
    if methods_seen:
        raise webob.exc.HTTPMethodNotAllowed()
    raise webob.exc.HTTPNotFound(_('The resource could not be found.'))


def parse_body(request):
    """The JSON request body as Python data, or None when there is none."""
    if not request.body:
        return None
    content_type = request.content_type or 'application/json'
    if content_type != 'application/json':
        raise webob.exc.HTTPUnsupportedMediaType(
            _('Unsupported Content-Type %s') % content_type)
    return json_body.of_request(request)


def _segments(path):
    if path.endswith(JSON_SUFFIX):
        path = path[:-len(JSON_SUFFIX)]
    return path.strip('/').split('/')


class V1Application(object):
    """The WSGI application of ``/v1/{project_id}/...``: dispatches
    through ``ROUTES``; every answer is JSON."""

    def __init__(self):
        self._controllers = {}

    def _controller(self, key):
        if key not in self._controllers:
            self._controllers[key] = importutils.import_object(
                CONTROLLERS[key])
        return self._controllers[key]

    @webob.dec.wsgify
    def __call__(self, request):
        if request.method != 'GET' and request.content_type in \
                json_body.JSON_TYPES and request.body:
            # Refused (400) whatever the route, as before routing.
            json_body.of_request(request)
        if not _accepts_json(request):
            raise webob.exc.HTTPNotAcceptable()
        segments = _segments(request.path_info)
        # segments: ['v1', project_id, resource...]
        if len(segments) < 3 or segments[0] != 'v1':
            raise webob.exc.HTTPNotFound()
        ctxt = request.environ[auth.CONTEXT_KEY]
        if segments[1] != ctxt.project_id:
            raise exception.InvalidInput(
                message=_('Malformed request url: project %(url)s in the '
                          'URL is not the project %(token)s of the '
                          'token.') % {'url': segments[1],
                                       'token': ctxt.project_id})
        key, action, path_args = find_route(request.method, segments[2:])
        controller = self._controller(key)
        if request.method in BODY_METHODS:
            path_args['body'] = parse_body(request)
        result = getattr(controller, action)(request, **path_args)
        return _json_response(result)


def _accepts_json(request):
    """Whether the client takes JSON: no (or an empty) Accept header, one
    accepting ``ACCEPTED_TYPES`` or beginning with one of them."""
    accept = request.accept
    header = accept.header_value
    return not header or header.startswith(ACCEPTED_TYPES) or bool(
        accept.acceptable_offers(ACCEPTED_TYPES))


def _json_response(result):
    if isinstance(result, webob.Response):
        return result
    response = webob.Response(status=200, content_type='application/json',
                              charset='utf-8')
    if result is not None:
        response.text = jsonutils.dumps(result)
    return response
