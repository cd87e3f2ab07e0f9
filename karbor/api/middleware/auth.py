"""Authentication middleware: ``noauth`` and the Keystone context.

Both put a :class:`karbor.context.RequestContext` into the WSGI environ
under ``karbor.context``; the controllers read nothing else.
"""

from oslo_config import cfg
from oslo_log import log as logging
from oslo_middleware import request_id
from oslo_serialization import jsonutils
import webob
import webob.dec

from karbor import context
from karbor.api.middleware import fault
from karbor.i18n import _

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

CONTEXT_KEY = 'karbor.context'
ADMIN_USER = 'admin'
SERVICE_CATALOG_TYPES = ('identity', 'compute', 'object-store', 'image',
                         'volume', 'volumev2', 'volumev3', 'network',
                         'orchestration', 'share', 'sharev2', 'database')


def _remote_address(request):
    if CONF.use_forwarded_for:
        return request.headers.get('X-Forwarded-For', request.remote_addr)
    return request.remote_addr


def _request_ids(request):
    return {'request_id': request.environ.get(request_id.ENV_REQUEST_ID),
            'global_request_id': request.environ.get(
                request_id.GLOBAL_REQ_ID)}


def _url_project(request):
    """The project of a ``/v1/<project>/...`` URL, or None."""
    parts = request.path_info.strip('/').split('/')
    if len(parts) >= 2 and parts[0] == 'v1':
        return parts[1]
    return None


class NoAuthMiddleware(object):
    """Trust ``X-Auth-Token: <user>:<project>`` (development and tests).

    Without a token it answers 204 with a usable token and management URL,
    like the original. The original made every noauth caller an
    administrator; that would let any tenant see and change other tenants'
    plans, which our security rule forbids. So only the user ``admin`` gets
    the admin flag (and role); every other user is a plain ``member`` of the
    project named in the token.
    """

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, request):
        token = request.headers.get('X-Auth-Token')
        if token:
            user_id, _sep, project_id = token.partition(':')
            project_id = project_id or user_id
        elif request.headers.get('X-Auth-User') and _url_project(request):
            # The karbor CLI with OS_USERNAME set sends the user name and
            # no token; act as that user in the project of the URL.
            user_id = request.headers['X-Auth-User']
            project_id = _url_project(request)
        else:
            return self._token_response(request)
        is_admin = user_id == ADMIN_USER
        request.environ[CONTEXT_KEY] = context.RequestContext(
            user_id=user_id, project_id=project_id, is_admin=is_admin,
            roles=['admin'] if is_admin else ['member'],
            auth_token=token, remote_address=_remote_address(request),
            **_request_ids(request))
        return request.get_response(self.application)

    @staticmethod
    def _token_response(request):
        user_id = request.headers.get('X-Auth-User', ADMIN_USER)
        project_id = request.headers.get('X-Auth-Project-Id', ADMIN_USER)
        response = webob.Response(status=204)
        response.headers['X-Auth-Token'] = '%s:%s' % (user_id, project_id)
        response.headers['X-Server-Management-Url'] = '%s/%s' % (
            request.url.rstrip('/'), project_id)
        response.content_type = None
        return response


class KeystoneContext(object):
    """Build the request context from keystonemiddleware's headers."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, request):
        headers = request.headers
        user_id = headers.get('X_USER_ID') or headers.get('X_USER')
        if not user_id:
            LOG.debug('Neither X_USER_ID nor X_USER found in request')
            return fault.fault_response(401, _('Authentication required'))
        roles = [r.strip() for r in headers.get('X_ROLES', headers.get(
            'X_ROLE', '')).split(',') if r.strip()]
        catalog = self._service_catalog(headers)
        ctxt = context.RequestContext(
            user_id=user_id,
            project_id=headers.get('X_PROJECT_ID',
                                   headers.get('X_TENANT_ID',
                                               headers.get('X_TENANT'))),
            project_name=headers.get('X_PROJECT_NAME',
                                     headers.get('X_TENANT_NAME')),
            user_name=headers.get('X_USER_NAME'),
            user_domain_id=headers.get('X_USER_DOMAIN_ID'),
            project_domain_id=headers.get('X_PROJECT_DOMAIN_ID'),
            roles=roles,
            is_admin_project=headers.get(
                'X_IS_ADMIN_PROJECT', 'True') == 'True',
            auth_token=headers.get('X_AUTH_TOKEN',
                                   headers.get('X_STORAGE_TOKEN')),
            auth_token_info=request.environ.get('keystone.token_info'),
            service_catalog=catalog,
            remote_address=_remote_address(request),
            **_request_ids(request))
        request.environ[CONTEXT_KEY] = ctxt
        return request.get_response(self.application)

    @staticmethod
    def _service_catalog(headers):
        raw = headers.get('X_SERVICE_CATALOG')
        if not raw:
            return []
        try:
            catalog = jsonutils.loads(raw)
        except ValueError:
            raise webob.exc.HTTPInternalServerError(
                _('Invalid service catalog json.'))
        return [entry for entry in catalog
                if entry.get('type') in SERVICE_CATALOG_TYPES]


def keystone_auth_token(application, conf=None):
    """keystonemiddleware auth_token configured from [keystone_authtoken]."""
    from keystonemiddleware import auth_token
    return auth_token.AuthProtocol(application,
                                   {'oslo_config_config': conf or CONF})


def authenticated(application, strategy=None, conf=None):
    """Wrap ``application`` in the middleware of ``auth_strategy``."""
    strategy = strategy or CONF.auth_strategy
    if strategy == 'noauth':
        return NoAuthMiddleware(application)
    return keystone_auth_token(KeystoneContext(application), conf)
