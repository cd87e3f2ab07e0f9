"""Token documents and their resolution into a request context.

Tokens are written by the identity service and read by every service: a
request carrying ``X-Auth-Token`` is resolved here into a :class:`Context`
naming the token's user, project and roles.
"""

import time

from karbor_sandbox import utils

TOKEN_SERVICE = 'identity'
TOKEN_KIND = 'token'
TOKEN_TTL = 3600
# Roles whose token, sent as X-Service-Token, makes an expired user token
# acceptable (keystonemiddleware's default service_token_roles).
SERVICE_ROLES = ('service',)


class Context(object):
    """Who is calling: the scope of a validated token."""

    def __init__(self, token):
        self.token = token
        self.token_id = token['id']
        self.user_id = token['user_id']
        self.project_id = token.get('project_id')
        self.roles = token.get('roles', [])
        self.trust_id = token.get('trust_id')

    @property
    def is_admin(self):
        return 'admin' in self.roles


def new_token(user_id, project_id, roles, methods, trust_id=None,
              expires_at=None, audit_ids=None, ttl=TOKEN_TTL):
    """Build a token document (not stored)."""
    now = time.time()
    return {'id': utils.new_hex() + utils.new_hex(), 'user_id': user_id,
            'project_id': project_id, 'roles': sorted(roles),
            'methods': methods, 'trust_id': trust_id, 'issued_at': now,
            'expires_at': expires_at or now + ttl,
            'audit_ids': audit_ids or [utils.new_hex()[:22]]}


def lookup(store, token_id, allow_expired=False):
    """Return the live token document for ``token_id`` or None.

    ``allow_expired`` also returns a token past its expiry (Keystone's
    ``allow_expired`` validation); a revoked token is gone either way.
    """
    if not token_id:
        return None
    token = store.get(TOKEN_SERVICE, TOKEN_KIND, token_id)
    if not token or (token['expires_at'] < time.time() and
                     not allow_expired):
        return None
    return token


def is_service_token(store, token_id):
    """True if ``token_id`` is live and carries a service role."""
    token = lookup(store, token_id)
    return bool(token and set(token.get('roles', ())) & set(SERVICE_ROLES))


def resolve(store, token_id, service_token_id=None):
    """Return a :class:`Context` for a live token, or None.

    As keystonemiddleware does, a valid service token beside the user's
    token lets an expired user token through.
    """
    allow_expired = bool(service_token_id) and is_service_token(
        store, service_token_id)
    token = lookup(store, token_id, allow_expired=allow_expired)
    return Context(token) if token else None
