"""Keystone v3 projects, users, roles, assignments, domains, catalog."""

from karbor_sandbox import service
from karbor_sandbox.services.identity import passwords
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'identity'


def require_admin(req):
    ctx = service.context(req)
    if not ctx.is_admin:
        raise wsgi.Forbidden('You are not authorized to perform the '
                             'requested action.')
    return ctx


def _links(req, doc, collection):
    return dict(doc, links={'self': '%s/identity/v3/%s/%s' % (
        req.host_url, collection, doc['id'])})


class _Collection(wsgi.Controller):
    """List/show/create/update/delete of one Keystone entity kind."""

    kind = None
    collection = None
    hidden = ()

    def view(self, req, doc):
        return _links(req, {k: v for k, v in doc.items()
                            if k not in self.hidden}, self.collection)

    def _list(self, req):
        docs = self.store.list(S, self.kind)
        for key in ('name', 'domain_id', 'enabled'):
            if key in req.GET:
                docs = [d for d in docs if str(d.get(key)).lower() ==
                        req.GET[key].lower()]
        return {self.collection: [self.view(req, d) for d in docs],
                'links': {'self': req.url, 'next': None, 'previous': None}}

    def _show(self, req, rid):
        return {self.kind: self.view(req, self.service.get(self.kind, rid))}

    def _update(self, req, rid):
        require_admin(req)
        doc = self.service.get(self.kind, rid)
        changes = wsgi.json_body(req, self.kind)
        doc.update({k: v for k, v in changes.items()
                    if k not in ('id', 'password')})
        if 'password' in changes:
            doc['password_hash'] = passwords.hash_password(
                changes['password'])
        self.store.put(S, self.kind, doc)
        return {self.kind: self.view(req, doc)}

    def _delete(self, req, rid):
        require_admin(req)
        if not self.store.delete(S, self.kind, rid):
            raise wsgi.NotFound('Could not find %s: %s.' % (self.kind, rid))
        return wsgi.json_response(None, 204)

    def _conflict(self, name):
        if self.service.find(self.kind, name):
            raise wsgi.Conflict('Conflict occurred attempting to store %s '
                                '- Duplicate entry.' % self.kind)


class ProjectController(_Collection):
    kind, collection = 'project', 'projects'

    @wsgi.route('GET', '/v3/projects')
    def index(self, req):
        require_admin(req)
        return self._list(req)

    @wsgi.route('GET', '/v3/projects/{project_id}')
    def show(self, req, project_id):
        if service.context(req).project_id != project_id:
            require_admin(req)
        return self._show(req, project_id)

    @wsgi.route('POST', '/v3/projects')
    def create(self, req):
        require_admin(req)
        body = wsgi.json_body(req, 'project')
        if not body.get('name'):
            raise wsgi.BadRequest("'name' is a required property")
        self._conflict(body['name'])
        doc = self.service.create_project(
            body['name'], body.get('domain_id', 'default'),
            body.get('description', ''))
        return 201, {'project': self.view(req, doc)}

    @wsgi.route('PATCH', '/v3/projects/{project_id}')
    def update(self, req, project_id):
        return self._update(req, project_id)

    @wsgi.route('DELETE', '/v3/projects/{project_id}')
    def delete(self, req, project_id):
        return self._delete(req, project_id)

    @wsgi.route('GET', '/v3/projects/{project_id}/users/{user_id}/roles')
    def user_roles(self, req, project_id, user_id):
        roles = self.service.roles_of(user_id, project_id)
        return {'roles': [_links(req, r, 'roles') for r in roles],
                'links': {'self': req.url, 'next': None, 'previous': None}}

    @wsgi.route('PUT',
                '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}')
    def grant(self, req, project_id, user_id, role_id):
        require_admin(req)
        for kind, rid in (('project', project_id), ('user', user_id),
                          ('role', role_id)):
            self.service.get(kind, rid)
        self.service.assign(user_id, project_id, role_id)
        return wsgi.json_response(None, 204)

    @wsgi.route('DELETE',
                '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}')
    def revoke(self, req, project_id, user_id, role_id):
        require_admin(req)
        key = '%s:%s:%s' % (user_id, project_id, role_id)
        if not self.store.delete(S, 'assignment', key):
            raise wsgi.NotFound('Could not find role assignment.')
        return wsgi.json_response(None, 204)


class UserController(_Collection):
    kind, collection = 'user', 'users'
    hidden = ('password_hash',)

    @wsgi.route('GET', '/v3/users')
    def index(self, req):
        require_admin(req)
        return self._list(req)

    @wsgi.route('GET', '/v3/users/{user_id}')
    def show(self, req, user_id):
        if service.context(req).user_id != user_id:
            require_admin(req)
        return self._show(req, user_id)

    @wsgi.route('POST', '/v3/users')
    def create(self, req):
        require_admin(req)
        body = wsgi.json_body(req, 'user')
        if not body.get('name'):
            raise wsgi.BadRequest("'name' is a required property")
        self._conflict(body['name'])
        doc = self.service.create_user(body['name'],
                                       body.get('password') or '',
                                       domain_id=body.get('domain_id',
                                                          'default'))
        if body.get('default_project_id'):
            doc['default_project_id'] = body['default_project_id']
            self.store.put(S, 'user', doc)
        return 201, {'user': self.view(req, doc)}

    @wsgi.route('PATCH', '/v3/users/{user_id}')
    def update(self, req, user_id):
        return self._update(req, user_id)

    @wsgi.route('DELETE', '/v3/users/{user_id}')
    def delete(self, req, user_id):
        return self._delete(req, user_id)

    @wsgi.route('GET', '/v3/users/{user_id}/projects')
    def projects(self, req, user_id):
        ctx = service.context(req)
        if ctx.user_id != user_id and not ctx.is_admin:
            raise wsgi.Forbidden()
        ids = sorted({a['project_id']
                      for a in self.service.assignments(user_id=user_id)})
        return {'projects': [self.view(req, self.store.get(S, 'project', i))
                             for i in ids],
                'links': {'self': req.url, 'next': None, 'previous': None}}


class RoleController(_Collection):
    kind, collection = 'role', 'roles'

    @wsgi.route('GET', '/v3/roles')
    def index(self, req):
        return self._list(req)

    @wsgi.route('GET', '/v3/roles/{role_id}')
    def show(self, req, role_id):
        return self._show(req, role_id)

    @wsgi.route('POST', '/v3/roles')
    def create(self, req):
        require_admin(req)
        body = wsgi.json_body(req, 'role')
        if not body.get('name'):
            raise wsgi.BadRequest("'name' is a required property")
        self._conflict(body['name'])
        doc = self.store.put(S, 'role', {'id': utils.new_hex(),
                                         'name': body['name'],
                                         'domain_id': None})
        return 201, {'role': self.view(req, doc)}

    @wsgi.route('DELETE', '/v3/roles/{role_id}')
    def delete(self, req, role_id):
        return self._delete(req, role_id)

    @wsgi.route('GET', '/v3/role_assignments')
    def assignments(self, req):
        found = self.service.assignments(req.GET.get('user.id'),
                                         req.GET.get('scope.project.id'))
        if 'role.id' in req.GET:
            found = [a for a in found if a['role_id'] == req.GET['role.id']]
        names = 'include_names' in req.GET
        return {'role_assignments': [self._assignment(a, names)
                                     for a in found],
                'links': {'self': req.url, 'next': None, 'previous': None}}

    def _assignment(self, a, names):
        refs = {'user': {'id': a['user_id']},
                'scope': {'project': {'id': a['project_id']}},
                'role': {'id': a['role_id']}}
        if names:
            refs['user']['name'] = self.service.get('user',
                                                    a['user_id'])['name']
            refs['role']['name'] = self.service.get('role',
                                                    a['role_id'])['name']
            refs['scope']['project']['name'] = self.service.get(
                'project', a['project_id'])['name']
        return refs


class DomainController(_Collection):
    kind, collection = 'domain', 'domains'

    @wsgi.route('GET', '/v3/domains')
    def index(self, req):
        return self._list(req)

    @wsgi.route('GET', '/v3/domains/{domain_id}')
    def show(self, req, domain_id):
        return self._show(req, domain_id)
