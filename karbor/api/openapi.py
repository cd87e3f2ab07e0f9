"""OpenAPI 3.1 description of the v1 API, served at ``GET /v1/openapi.json``.

Nothing is written by hand twice: paths and methods come from the route
table (``karbor.api.v1.router.ROUTES``), request bodies from the JSON
schemas the controllers validate with (``karbor.api.schemas``, read back
through ``karbor.api.validation.body_schema``), list filters from the
``query_*_filters`` options. OpenAPI 3.1 schemas are JSON Schema, so the
validation schemas are published as they are.

The document is public, like the version document: it describes the API,
not any tenant's data, and client tooling fetches it before it has a token.
"""

import copy

from oslo_config import cfg
from oslo_serialization import jsonutils
from oslo_utils import importutils
import webob
import webob.dec
import webob.exc

from karbor.api import common
from karbor.api.v1 import router
from karbor.api import validation

CONF = cfg.CONF
CONF.import_opt('auth_strategy', 'karbor.common.config')

OPENAPI_VERSION = '3.1.0'
PATH = '/v1/openapi.json'
V1_PREFIX = '/v1/{project_id}/'
SECURITY_SCHEME = 'token'

# The list actions: the option naming their filters, and whether they
# honour ``offset`` (the others accept and ignore it).
LISTS = {
    ('providers', 'index'): ('query_provider_filters', False),
    ('plans', 'index'): ('query_plan_filters', True),
    ('protectables', 'instances_index'): ('query_instance_filters', False),
    ('checkpoints', 'index'): ('query_checkpoint_filters', False),
    ('restores', 'index'): ('query_restore_filters', True),
    ('verifications', 'index'): ('query_verification_filters', True),
    ('operation_logs', 'index'): ('query_operation_log_filters', True),
    ('triggers', 'index'): ('query_trigger_filters', True),
    ('scheduled_operations', 'index'): ('query_scheduled_operation_filters',
                                        True),
}
# Query parameters of the other actions that take some.
EXTRA_QUERIES = {
    ('services', 'index'): ('host', 'binary'),
    ('protectables', 'instances_index'): ('parameters',),
    ('protectables', 'instances_show'): ('parameters',),
    ('scheduled_operations', 'logs'): ('limit',),
}
# Actions that may exceed a project's quota.
QUOTA_ACTIONS = {('plans', 'create'), ('checkpoints', 'create'),
                 ('copies', 'create')}

MAX_INT64 = 2 ** 63 - 1
_STRING = {'type': 'string'}
_QUERY_DOC = {
    'limit': ({'type': 'integer', 'format': 'int64', 'minimum': 1},
              'Largest number of items to return; capped by the '
              'osapi_max_limit option.'),
    'marker': (_STRING, 'Id of the last item of the previous page.'),
    'sort': ({'type': 'string'},
             'Comma-separated list of key[:asc|desc].'),
    'sort_key': (_STRING, 'Deprecated: use sort.'),
    'sort_dir': ({'type': 'string', 'enum': list(common.SORT_DIRS)},
                 'Deprecated: use sort.'),
    'offset': ({'type': 'integer', 'format': 'int64', 'minimum': 0,
                'maximum': MAX_INT64},
               'Number of items to skip.'),
    'all_tenants': ({'type': 'boolean'},
                    'Administrators: list the items of every project.'),
    'parameters': (_STRING, 'Python dict literal of the protectable '
                            'plugin parameters, e.g. {"region": "r1"}.'),
}
_FILTER_DOC = ('Filter. The value is read as a Python literal when it is '
               'one, else as a string. Keys outside the query_*_filters '
               'option are ignored for non-admin callers.')

FAULT = {
    'type': 'object',
    'description': 'Karbor fault: one key naming the fault '
                   '(badRequest, itemNotFound...).',
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': {
        'type': 'object',
        'properties': {'code': {'type': 'integer'},
                       'message': {'type': 'string'}},
        'required': ['code', 'message'],
    },
}
ERRORS = {
    '400': 'Invalid input (body, query or path).',
    '401': 'Missing or invalid token (Keystone authentication).',
    '403': 'Not allowed by policy.',
    '404': 'No such object, or one of another project.',
    '409': 'The operation has ended: it cannot be cancelled.',
    '413': 'Over quota.',
    '415': 'The body is not application/json.',
    '503': 'A Karbor service or its database is unavailable; retry later.',
}


def _query(name, schema, description, required=False):
    return {'name': name, 'in': 'query', 'required': required,
            'description': description, 'schema': dict(schema)}


def _list_queries(key, action):
    option, with_offset = LISTS[(key, action)]
    names = ['limit', 'marker', 'sort', 'sort_key', 'sort_dir',
             'all_tenants']
    if with_offset:
        names.append('offset')
    queries = [_query(n, *_QUERY_DOC[n]) for n in names]
    for name in getattr(CONF, option):
        if name not in names:
            queries.append(_query(name, _STRING, _FILTER_DOC))
    return queries


def _queries(key, action):
    queries = _list_queries(key, action) if (key, action) in LISTS else []
    for name in EXTRA_QUERIES.get((key, action), ()):
        schema, description = _QUERY_DOC.get(name, (_STRING, 'Filter.'))
        queries.append(_query(name, schema, description))
    return queries


def _path_parameters(template):
    names = ['project_id'] + [part[1:-1] for part in template.split('/')
                              if part.startswith('{')]
    return [{'name': name, 'in': 'path', 'required': True,
             'schema': {'type': 'string', 'minLength': 1}}
            for name in names]


def _responses(method, key, action, has_path_id):
    ok = {'description': 'Success.'}
    if method != 'DELETE':
        ok['content'] = {'application/json': {'schema': {'type': 'object'}}}
    codes = ['400', '401', '403', '503']
    if has_path_id or (key, action) in LISTS:
        codes.append('404')
    if method in router.BODY_METHODS:
        codes.append('415')
    if (key, action) in QUOTA_ACTIONS:
        codes.append('413')
    if action == 'cancel':
        # Accepted; 409 once the operation has ended.
        codes.append('409')
        responses = {'202': ok}
    else:
        responses = {'200': ok}
    for code in sorted(codes):
        responses[code] = {'$ref': '#/components/responses/%s' % code}
    return responses


def _body_schema_name(key, action):
    return ''.join(word.capitalize() for word in
                   ('%s_%s' % (key, action)).split('_')) + 'Request'


def _operation(method, template, key, action, schemas):
    controller = importutils.import_class(router.CONTROLLERS[key])
    operation = {
        'operationId': '%s_%s' % (key, action),
        'tags': [key],
        'parameters': _path_parameters(template) + _queries(key, action),
        'responses': _responses(method, key, action, '{' in template),
    }
    summary = (getattr(controller, action).__doc__ or '').strip()
    if summary:
        operation['summary'] = summary.splitlines()[0]
    body = validation.body_schema(controller, action)
    if body is not None:
        name = _body_schema_name(key, action)
        schemas[name] = copy.deepcopy(body)
        operation['requestBody'] = {
            'required': True,
            'content': {'application/json': {
                'schema': {'$ref': '#/components/schemas/%s' % name}}}}
    return operation


def _public_get(operation_id, code, summary):
    return {'get': {
        'operationId': operation_id, 'tags': ['versions'], 'security': [],
        'summary': summary,
        'responses': {code: {'description': summary, 'content': {
            'application/json': {'schema': {'type': 'object'}}}}}}}


def _public_paths():
    return {
        '/': _public_get('versions', '300', 'The API versions.'),
        '/v1': _public_get('versions_v1', '300', 'The API versions.'),
        PATH: _public_get('openapi', '200', 'This API description.'),
    }


def _components(schemas):
    schemas['Fault'] = FAULT
    fault = {'application/json': {
        'schema': {'$ref': '#/components/schemas/Fault'}}}
    return {
        'schemas': schemas,
        'responses': {code: {'description': text, 'content': fault}
                      for code, text in ERRORS.items()},
        'securitySchemes': {SECURITY_SCHEME: {
            'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token',
            'description': 'A Keystone token (auth_strategy = keystone), '
                           'or "<user>:<project>" with auth_strategy = '
                           'noauth, where the user "admin" is an '
                           'administrator.'}},
    }


def document(server_url=None):
    """The OpenAPI document of the v1 API, as a dict."""
    paths = _public_paths()
    schemas = {}
    for method, template, key, action in router.ROUTES:
        operations = paths.setdefault(V1_PREFIX + template, {})
        operations[method.lower()] = _operation(method, template, key,
                                                action, schemas)
    doc = {
        'openapi': OPENAPI_VERSION,
        'info': {'title': 'Karbor data protection API', 'version': 'v1.0',
                 'description': 'Application data protection as a service '
                                '(auth_strategy = %s).'
                                % CONF.auth_strategy},
        'paths': paths,
        'components': _components(schemas),
        'security': [{SECURITY_SCHEME: []}],
    }
    if server_url:
        doc['servers'] = [{'url': server_url}]
    return doc


@webob.dec.wsgify
def openapi_app(request):
    """Answer ``GET /v1/openapi.json`` with the document (no token needed)."""
    if request.method not in ('GET', 'HEAD'):
        raise webob.exc.HTTPMethodNotAllowed()
    response = webob.Response(status=200, content_type='application/json',
                              charset='utf-8')
    response.text = jsonutils.dumps(
        document(common.base_url(request)), sort_keys=True)
    return response
