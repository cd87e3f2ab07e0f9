"""Keystone trusts: scheduled runs act for the operation's owner.

With Keystone, creating a scheduled operation makes a trust from the
calling user to Karbor's service user (``[service_credentials]``), with
the caller's roles on the project and impersonation. A run logs the
service user in scoped to that trust, so the protection service and the
clouds see the owner's identity and roles. Deleting the operation deletes
its trust. In ``noauth`` mode there is no trust: runs act as the owner's
project, as a request with its token would.
"""

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as logging

from karbor.clients import auth
from karbor import context
from karbor import exception
from karbor.i18n import _

CONF = cfg.CONF
CONF.import_opt('auth_strategy', 'karbor.common.config')
LOG = logging.getLogger(__name__)

IDENTITY = {'service_type': 'identity', 'interface': 'public',
            'version': (3, 0)}


class TrustError(exception.KarborException):
    message = _('The trust of the scheduled operation cannot be used: '
                '%(reason)s')


def _uses_trusts(ctxt):
    return CONF.auth_strategy == 'keystone' and bool(ctxt.auth_token)


def create(ctxt):
    """A trust from the caller to the service user; its id ('' in noauth)."""
    if not _uses_trusts(ctxt):
        return ''
    trustee = auth.service_session().get_user_id()
    body = {'trust': {
        'trustor_user_id': ctxt.user_id, 'trustee_user_id': trustee,
        'project_id': ctxt.project_id, 'impersonation': True,
        'roles': [{'name': role} for role in ctxt.roles]}}
    try:
        resp = auth.get_session(ctxt).post('/OS-TRUST/trusts', json=body,
                                           endpoint_filter=IDENTITY)
    except ks_exceptions.ClientException as err:
        raise exception.InvalidInput(
            reason=_('Keystone refused a trust for the scheduled '
                     'operation: %s') % err)
    return resp.json()['trust']['id']


def delete(ctxt, trust_id):
    """Delete a trust as the calling user; failures are only logged."""
    if not trust_id or not _uses_trusts(ctxt):
        return
    try:
        auth.get_session(ctxt).delete('/OS-TRUST/trusts/%s' % trust_id,
                                      endpoint_filter=IDENTITY)
    except ks_exceptions.NotFound:
        pass
    except ks_exceptions.ClientException:
        LOG.warning('Trust %s of a deleted scheduled operation was not '
                    'deleted.', trust_id, exc_info=True)


def _trust_plugin(trust_id):
    group = CONF[auth.SERVICE_CREDENTIALS_GROUP]
    return v3.Password(
        auth_url=group.auth_url, username=group.username,
        user_id=group.user_id, password=group.password,
        user_domain_id=group.user_domain_id or 'default',
        user_domain_name=group.user_domain_name, trust_id=trust_id)


def run_context(operation, trust_id):
    """The request context a run of ``operation`` acts with.

    :raises TrustError: the trust was revoked, expired or is unusable.
    """
    # Without Keystone (noauth) a trust means nothing: e.g. the trust ids
    # of a taken-over original deployment that ran with Keystone before.
    if not trust_id or CONF.auth_strategy == 'noauth':
        return context.RequestContext(user_id=operation.user_id,
                                      project_id=operation.project_id,
                                      is_admin=False)
    plugin = _trust_plugin(trust_id)
    session = ks_session.Session(auth=plugin)
    try:
        access = plugin.get_access(session)
    except ks_exceptions.ClientException as err:
        raise TrustError(reason=_('Keystone refused trust %(trust)s (it '
                                  'may have been revoked or have expired): '
                                  '%(err)s') % {'trust': trust_id,
                                                'err': err})
    return context.RequestContext(
        user_id=access.user_id, project_id=access.project_id,
        roles=access.role_names, auth_token=access.auth_token,
        service_catalog=access.service_catalog.catalog)
