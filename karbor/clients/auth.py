"""keystoneauth1 sessions for a request context.

With Keystone (``auth_strategy = keystone``) a session reuses the caller's
token and its service catalog. In ``noauth`` mode there is no user token,
so the session authenticates with the service credentials of the
``[service_credentials]`` group, scoped to the project named in the
request's token.
"""

import copy
import threading

from keystoneauth1 import access
from keystoneauth1 import loading as ks_loading
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


def list_opts():
    return [(SERVICE_CREDENTIALS_GROUP, common_opts + password_opts)]


def _verify():
    group = CONF[SERVICE_CREDENTIALS_GROUP]
    if group.auth_insecure:
        return False
    return group.ca_cert_file or True


def _user_session(context):
    """A session on the caller's own Keystone token."""
    if context.auth_token_info:
        auth_ref = access.create(body=context.auth_token_info,
                                 auth_token=context.auth_token)
        plugin = access.AccessInfoPlugin(auth_ref)
    else:
        from keystoneauth1 import token_endpoint
        plugin = token_endpoint.Token(None, context.auth_token)
    return ks_session.Session(auth=plugin, verify=_verify())


def _service_session(project_id):
    """A session of the service user, scoped to ``project_id``."""
    from keystoneauth1.identity import v3
    with _LOCK:
        session = _SESSIONS.get(project_id)
        if session is None:
            group = CONF[SERVICE_CREDENTIALS_GROUP]
            plugin = v3.Password(
                auth_url=group.auth_url, username=group.username,
                password=group.password,
                user_domain_id=group.user_domain_id or 'default',
                project_id=project_id or group.project_id,
                project_domain_id=group.project_domain_id or 'default')
            session = ks_session.Session(auth=plugin, verify=_verify())
            _SESSIONS[project_id] = session
        return session


def get_session(context):
    """The keystoneauth1 session to act for ``context``."""
    if CONF.auth_strategy == 'keystone' and context.auth_token:
        return _user_session(context)
    return _service_session(context.project_id)


def endpoint_filter(service_type):
    group = CONF[SERVICE_CREDENTIALS_GROUP]
    return {'service_type': service_type, 'interface': group.interface,
            'region_name': group.region_name}


def reset():
    """Forget cached sessions (tests)."""
    with _LOCK:
        _SESSIONS.clear()
