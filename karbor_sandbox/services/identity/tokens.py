"""Keystone version discovery and the /v3/auth API."""

import time

from karbor_sandbox import auth
from karbor_sandbox import service
from karbor_sandbox.services.identity import passwords
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'identity'
MEDIA = [{'base': 'application/json',
          'type': 'application/vnd.openstack.identity-v3+json'}]


def _version(req):
    href = req.host_url + '/identity/v3/'
    return {'id': 'v3.14', 'status': 'stable',
            'updated': '2020-04-07T00:00:00Z', 'media-types': MEDIA,
            'links': [{'rel': 'self', 'href': href}]}


class VersionController(wsgi.Controller):

    @wsgi.route('GET', '/', auth=False)
    def versions(self, req):
        return 300, {'versions': {'values': [_version(req)]}}

    @wsgi.route('GET', '/v3', auth=False)
    def version(self, req):
        return {'version': _version(req)}


class AuthController(wsgi.Controller):
    """Issue, validate and revoke tokens."""

    def _authenticate(self, identity):
        """Return ``(user, methods, parent token or None)``."""
        svc = self.service
        methods = identity.get('methods') or []
        if 'password' in methods:
            spec = (identity.get('password') or {}).get('user') or {}
            user = self._find_user(spec)
            if not user or not user['enabled'] or not _check(
                    spec.get('password'), user):
                raise wsgi.Unauthorized()
            return user, ['password'], None
        if 'token' in methods:
            parent = auth.lookup(self.store, (identity.get('token') or {})
                                 .get('id'))
            if parent is None:
                raise wsgi.NotFound('Could not find token.')
            return svc.get('user', parent['user_id']), ['token'], parent
        raise wsgi.Unauthorized('Unsupported authentication method.')

    def _find_user(self, spec):
        if spec.get('id'):
            return self.store.get(S, 'user', spec['id'])
        domain = spec.get('domain') or {}
        domain_id = domain.get('id') or 'default'
        if domain.get('name') and not domain.get('id'):
            domain_id = (self.service.find('domain', domain['name'])
                         or {}).get('id')
        return self.service.find('user', spec.get('name'), domain_id)

    def _find_project(self, spec):
        if spec.get('id'):
            return self.store.get(S, 'project', spec['id'])
        domain = spec.get('domain') or {}
        domain_id = domain.get('id') or 'default'
        if domain.get('name') and not domain.get('id'):
            domain_id = (self.service.find('domain', domain['name'])
                         or {}).get('id')
        return self.service.find('project', spec.get('name'), domain_id)

    def _trust_token(self, user, methods, trust_id, parent):
        trust = self.store.get(S, 'trust', trust_id)
        if not trust or (trust['expires_at'] and
                         trust['expires_at'] < time.time()):
            raise wsgi.NotFound('Could not find trust: %s.' % trust_id)
        if parent and parent.get('trust_id'):
            raise wsgi.Forbidden('Trust-scoped tokens cannot be rescoped.')
        if user['id'] != trust['trustee_user_id']:
            raise wsgi.Forbidden('User is not a trustee.')
        if trust.get('remaining_uses') is not None:
            if trust['remaining_uses'] <= 0:
                raise wsgi.Unauthorized('Trust %s has no remaining uses.'
                                        % trust_id)
            trust['remaining_uses'] -= 1
            self.store.put(S, 'trust', trust)
        acting = (trust['trustor_user_id'] if trust['impersonation']
                  else user['id'])
        return auth.new_token(acting, trust['project_id'],
                              [r['name'] for r in trust['roles']], methods,
                              trust_id=trust_id, ttl=self.cloud.token_ttl)

    def _project_token(self, user, methods, project, parent):
        if project is None:
            raise wsgi.Unauthorized('Could not find project.')
        roles = self.service.roles_of(user['id'], project['id'])
        if not roles:
            raise wsgi.Unauthorized('User %s has no access to project %s' %
                                    (user['id'], project['id']))
        return auth.new_token(user['id'], project['id'],
                              [r['name'] for r in roles], methods,
                              audit_ids=_audit(parent),
                              ttl=self.cloud.token_ttl)

    @wsgi.route('POST', '/v3/auth/tokens', auth=False)
    def issue(self, req):
        body = wsgi.json_body(req, 'auth')
        identity = body.get('identity')
        if not isinstance(identity, dict):
            raise wsgi.BadRequest("'identity' is a required property")
        user, methods, parent = self._authenticate(identity)
        scope = body.get('scope') or {}
        if 'OS-TRUST:trust' in scope:
            token = self._trust_token(user, methods,
                                      scope['OS-TRUST:trust'].get('id'),
                                      parent)
        elif 'project' in scope:
            token = self._project_token(
                user, methods, self._find_project(scope['project']), parent)
        elif parent:
            token = dict(parent, id=auth.new_token('', None, [],
                                                   methods)['id'],
                         methods=methods, audit_ids=_audit(parent))
        elif user.get('default_project_id'):
            token = self._project_token(
                user, methods,
                self.store.get(S, 'project', user['default_project_id']),
                None)
        else:
            token = auth.new_token(user['id'], None, [], methods,
                                   ttl=self.cloud.token_ttl)
        self.store.put(S, 'token', token)
        nocatalog = 'nocatalog' in req.GET
        return wsgi.json_response(
            {'token': self.view(token, catalog=not nocatalog)}, 201,
            {'X-Subject-Token': token['id']})

    def _subject(self, req):
        allow_expired = req.GET.get('allow_expired', '').lower() in (
            '1', 'true', 'yes')
        token = auth.lookup(self.store, req.headers.get('X-Subject-Token'),
                            allow_expired=allow_expired)
        if token is None:
            raise wsgi.NotFound('Could not find token.')
        return token

    @wsgi.route('GET', '/v3/auth/tokens')
    def validate(self, req):
        token = self._subject(req)
        nocatalog = 'nocatalog' in req.GET
        return wsgi.json_response(
            {'token': self.view(token, catalog=not nocatalog)}, 200,
            {'X-Subject-Token': token['id']})

    @wsgi.route('HEAD', '/v3/auth/tokens')
    def check(self, req):
        self._subject(req)
        return wsgi.json_response(None, 200)

    @wsgi.route('DELETE', '/v3/auth/tokens')
    def revoke(self, req):
        self.store.delete(S, 'token', self._subject(req)['id'])
        return wsgi.json_response(None, 204)

    @wsgi.route('GET', '/v3/auth/catalog')
    def catalog(self, req):
        ctx = service.context(req)
        return {'catalog': self.cloud.catalog(ctx.project_id)}

    @wsgi.route('GET', '/v3/auth/projects')
    def projects(self, req):
        ctx = service.context(req)
        ids = {a['project_id']
               for a in self.service.assignments(user_id=ctx.user_id)}
        return {'projects': [self.store.get(S, 'project', i)
                             for i in sorted(ids)],
                'links': {'self': req.url, 'next': None, 'previous': None}}

    def view(self, token, catalog=True):
        """The body of a token as Keystone renders it."""
        svc = self.service
        user = svc.get('user', token['user_id'])
        body = {'methods': token['methods'],
                'user': {'id': user['id'], 'name': user['name'],
                         'domain': _domain(svc, user['domain_id']),
                         'password_expires_at': None},
                'audit_ids': token['audit_ids'],
                'expires_at': utils.isotime(token['expires_at'], zulu=True),
                'issued_at': utils.isotime(token['issued_at'], zulu=True)}
        if token.get('project_id'):
            project = svc.get('project', token['project_id'])
            body['project'] = {'id': project['id'], 'name': project['name'],
                               'domain': _domain(svc, project['domain_id'])}
            body['is_domain'] = False
            body['roles'] = [{'id': svc.role_by_name(r)['id'], 'name': r}
                             for r in token['roles']]
            if catalog:
                body['catalog'] = self.cloud.catalog(project['id'])
        if token.get('trust_id'):
            trust = svc.get('trust', token['trust_id'])
            body['OS-TRUST:trust'] = {
                'id': trust['id'], 'impersonation': trust['impersonation'],
                'trustee_user': {'id': trust['trustee_user_id']},
                'trustor_user': {'id': trust['trustor_user_id']}}
        return body


def _check(password, user):
    return passwords.check_password(password, user['password_hash'])


def _audit(parent):
    if not parent:
        return None
    return [utils.new_hex()[:22], parent['audit_ids'][0]]


def _domain(svc, domain_id):
    domain = svc.get('domain', domain_id)
    return {'id': domain['id'], 'name': domain['name']}
