"""Keystone OS-TRUST: delegation used by scheduled operations."""

import datetime

from karbor_sandbox import service
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'identity'


def _parse_time(text):
    if not text:
        return None
    text = text.rstrip('Z')
    fmt = '%Y-%m-%dT%H:%M:%S.%f' if '.' in text else '%Y-%m-%dT%H:%M:%S'
    return datetime.datetime.strptime(text, fmt).replace(
        tzinfo=datetime.timezone.utc).timestamp()


class TrustController(wsgi.Controller):

    def view(self, req, trust):
        body = {k: v for k, v in trust.items() if k != 'expires_at'}
        body['expires_at'] = (utils.isotime(trust['expires_at'], zulu=True)
                              if trust['expires_at'] else None)
        body['roles_links'] = {'self': req.url, 'next': None,
                               'previous': None}
        body['links'] = {'self': '%s/identity/v3/OS-TRUST/trusts/%s' % (
            req.host_url, trust['id'])}
        return body

    def _get(self, req, trust_id):
        trust = self.store.get(S, 'trust', trust_id)
        ctx = service.context(req)
        if trust is None:
            raise wsgi.NotFound('Could not find trust: %s.' % trust_id)
        if ctx.user_id not in (trust['trustor_user_id'],
                               trust['trustee_user_id']) and \
                not ctx.is_admin:
            raise wsgi.Forbidden()
        return trust

    @wsgi.route('POST', '/v3/OS-TRUST/trusts')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'trust')
        if ctx.trust_id:
            raise wsgi.Forbidden('Trust-scoped tokens cannot create '
                                 'trusts.')
        for key in ('trustor_user_id', 'trustee_user_id'):
            if not body.get(key):
                raise wsgi.BadRequest("'%s' is a required property" % key)
        if body['trustor_user_id'] != ctx.user_id:
            raise wsgi.Forbidden('The authenticated user should match the '
                                 'trustor.')
        self.service.get('user', body['trustee_user_id'])
        project_id = body.get('project_id')
        held = {r['name']: r for r in self.service.roles_of(ctx.user_id,
                                                             project_id)}
        roles = []
        for spec in body.get('roles') or []:
            role = held.get(spec.get('name')) or next(
                (r for r in held.values() if r['id'] == spec.get('id')),
                None)
            if role is None:
                raise wsgi.Forbidden('At least one role should be '
                                     'specified that the trustor holds.')
            roles.append({'id': role['id'], 'name': role['name']})
        trust = {'id': utils.new_hex(), 'trustor_user_id': ctx.user_id,
                 'trustee_user_id': body['trustee_user_id'],
                 'project_id': project_id, 'roles': roles,
                 'impersonation': bool(body.get('impersonation')),
                 'expires_at': _parse_time(body.get('expires_at')),
                 'remaining_uses': body.get('remaining_uses'),
                 'allow_redelegation': False, 'redelegation_count': 0}
        self.store.put(S, 'trust', trust)
        return 201, {'trust': self.view(req, trust)}

    @wsgi.route('GET', '/v3/OS-TRUST/trusts')
    def index(self, req):
        ctx = service.context(req)
        trusts = [t for t in self.store.list(S, 'trust')
                  if ctx.is_admin or ctx.user_id in (t['trustor_user_id'],
                                                     t['trustee_user_id'])]
        for key in ('trustor_user_id', 'trustee_user_id'):
            if key in req.GET:
                trusts = [t for t in trusts if t[key] == req.GET[key]]
        return {'trusts': [self.view(req, t) for t in trusts],
                'links': {'self': req.url, 'next': None, 'previous': None}}

    @wsgi.route('GET', '/v3/OS-TRUST/trusts/{trust_id}')
    def show(self, req, trust_id):
        return {'trust': self.view(req, self._get(req, trust_id))}

    @wsgi.route('DELETE', '/v3/OS-TRUST/trusts/{trust_id}')
    def delete(self, req, trust_id):
        trust = self._get(req, trust_id)
        if service.context(req).user_id != trust['trustor_user_id'] and \
                not service.context(req).is_admin:
            raise wsgi.Forbidden()
        self.store.delete(S, 'trust', trust_id)
        return wsgi.json_response(None, 204)
