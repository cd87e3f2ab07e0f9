"""Token documents and their resolution into a request context.

Tokens are written by the identity service and read by every service: a
request carrying ``X-Auth-Token`` is resolved here into a :class:`Context`
naming the token's user, project and roles.
"""

import time

from karbor.sandbox import utils

TOKEN_SERVICE = 'identity'
TOKEN_KIND = 'token'
TOKEN_TTL = 3600


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
              expires_at=None, audit_ids=None):
    """Build a token document (not stored)."""
    now = time.time()
    return {'id': utils.new_hex() + utils.new_hex(), 'user_id': user_id,
            'project_id': project_id, 'roles': sorted(roles),
            'methods': methods, 'trust_id': trust_id, 'issued_at': now,
            'expires_at': expires_at or now + TOKEN_TTL,
            'audit_ids': audit_ids or [utils.new_hex()[:22]]}


def lookup(store, token_id):
    """Return the live token document for ``token_id`` or None."""
    if not token_id:
        return None
    token = store.get(TOKEN_SERVICE, TOKEN_KIND, token_id)
    if not token or token['expires_at'] < time.time():
        return None
    return token


def resolve(store, token_id):
    """Return a :class:`Context` for a live token, or None."""
    token = lookup(store, token_id)
    return Context(token) if token else None
