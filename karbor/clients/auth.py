"""keystoneauth1 sessions for a request context.

With Keystone (``auth_strategy = keystone``) a session sends the caller's
own token, with the endpoints of the caller's service catalog. When
``[service_credentials]`` names Karbor's service user, the session also
sends that user's token as ``X-Service-Token``: Keystone's middleware in
the other services then accepts a user token that expired while a long
flow was running.

In ``noauth`` mode there is no user token, so the session authenticates
with the service credentials, scoped to the project named in the
request's token.
"""

import copy
import threading

from keystoneauth1 import access
from keystoneauth1.identity import access as access_plugin
from keystoneauth1.identity import v3
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import service_token
from keystoneauth1 import session as ks_session
from oslo_config import cfg

CONF = cfg.CONF

SERVICE_CREDENTIALS_GROUP = 'service_credentials'

common_opts = [
    cfg.StrOpt('region_name', default='RegionOne',
               help='The region whose endpoints are used.'),
    cfg.StrOpt('interface', default='public',
               choices=['public', 'internal', 'admin'],
               help='The endpoint interface taken from the catalog.'),
    cfg.StrOpt('ca_cert_file', help='CA bundle to verify TLS endpoints.'),
    cfg.BoolOpt('auth_insecure', default=False,
                help='Skip TLS certificate verification.'),
    cfg.BoolOpt('send_service_token', default=True,
                help='With Keystone, send the service user\'s token as '
                     'X-Service-Token beside the user\'s token, so that a '
                     'flow outliving the user\'s token still finishes '
                     '(the other services must accept service tokens, '
                     'which keystonemiddleware does by default).'),
]


def _optional(opt):
    # keystoneauth marks auth_url required; Karbor only needs it when
    # service credentials are used, so parsing must not fail without it.
    opt = copy.deepcopy(opt)
    opt.required = False
    return opt


password_opts = [_optional(o) for o in
                 ks_loading.get_auth_plugin_conf_options('password')]
CONF.register_opts(common_opts + password_opts,
                   group=SERVICE_CREDENTIALS_GROUP)

_SESSIONS = {}
_LOCK = threading.Lock()
# The key of the service user's session in its own project.
_SERVICE_SCOPE = object()


def list_opts():
    return [(SERVICE_CREDENTIALS_GROUP, common_opts + password_opts)]


def _verify():
    group = CONF[SERVICE_CREDENTIALS_GROUP]
    if group.auth_insecure:
        return False
    return group.ca_cert_file or True


def _has_service_user():
    group = CONF[SERVICE_CREDENTIALS_GROUP]
    return bool(group.auth_url and (group.username or group.user_id))


def _password_plugin(project_id=None):
    group = CONF[SERVICE_CREDENTIALS_GROUP]
    scope = {'project_id': project_id}
    if project_id is None:
        scope = {'project_id': group.project_id,
                 'project_name': group.project_name,
                 'project_domain_id': group.project_domain_id or 'default',
                 'project_domain_name': group.project_domain_name}
    else:
        scope['project_domain_id'] = group.project_domain_id or 'default'
    return v3.Password(
        auth_url=group.auth_url, username=group.username,
        user_id=group.user_id, password=group.password,
        user_domain_id=group.user_domain_id or 'default',
        user_domain_name=group.user_domain_name, **scope)


def _cached_session(key, make_plugin):
    with _LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            session = ks_session.Session(auth=make_plugin(),
                                         verify=_verify())
            _SESSIONS[key] = session
        return session


def service_session():
    """A session of Karbor's service user in its own project."""
    return _cached_session(_SERVICE_SCOPE, _password_plugin)


def _project_session(project_id):
    """A session of the service user, scoped to ``project_id``."""
    return _cached_session(project_id,
                           lambda: _password_plugin(project_id))


def _token_body(token):
    """The body of ``token`` as Keystone validates it (expired allowed).

    A context restored from a persisted flow has the token but not its
    body; the body brings the token's scope and service catalog back.
    """
    resp = service_session().get(
        '/auth/tokens', headers={'X-Subject-Token': token},
        params={'allow_expired': 1},
        endpoint_filter={'service_type': 'identity', 'interface': 'public',
                         'version': (3, 0)})
    return resp.json()


def _user_plugin(context):
    """An auth plugin that presents the caller's own Keystone token."""
    if not context.auth_token_info:
        # Kept on the context (never persisted), so a resumed flow asks
        # Keystone once, not for every client it makes.
        context.auth_token_info = _token_body(context.auth_token)
    auth_ref = access.create(body=context.auth_token_info,
                             auth_token=context.auth_token)
    return access_plugin.AccessInfoPlugin(
        auth_ref, auth_url=CONF[SERVICE_CREDENTIALS_GROUP].auth_url)


def _user_session(context):
    plugin = _user_plugin(context)
    if CONF[SERVICE_CREDENTIALS_GROUP].send_service_token and \
            _has_service_user():
        plugin = service_token.ServiceTokenAuthWrapper(
            user_auth=plugin, service_auth=service_session().auth)
    return ks_session.Session(auth=plugin, verify=_verify())


def get_session(context):
    """The keystoneauth1 session to act for ``context``."""
    if CONF.auth_strategy == 'keystone' and context.auth_token:
        return _user_session(context)
    return _project_session(context.project_id)


def endpoint_filter(service_type):
    group = CONF[SERVICE_CREDENTIALS_GROUP]
    return {'service_type': service_type, 'interface': group.interface,
            'region_name': group.region_name}


def reset():
    """Forget cached sessions (tests)."""
    with _LOCK:
        _SESSIONS.clear()
