"""Keystone v3: tokens, catalog, projects, users, roles and trusts."""

from karbor_sandbox import service
from karbor_sandbox.services.identity import catalog as catalog_mod
from karbor_sandbox.services.identity import passwords
from karbor_sandbox.services.identity import resources
from karbor_sandbox.services.identity import tokens
from karbor_sandbox.services.identity import trusts
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'identity'
DEFAULT_DOMAIN = {'id': 'default', 'name': 'Default', 'enabled': True,
                  'description': 'The default domain'}
# name -> (project, roles); everyone's password is "password".
BOOTSTRAP_USERS = {'admin': ('admin', ('admin', 'member', 'reader')),
                   'demo': ('demo', ('member', 'reader')),
                   'karbor': ('service', ('admin', 'service'))}
ROLES = ('admin', 'member', 'reader', 'service')


@service.register
class IdentityService(service.Service):
    name = S
    prefix = '/identity'
    catalog = (('identity', 'keystone'),)
    endpoint = '/identity/v3'
    error_style = 'keystone'
    controllers = (tokens.VersionController, tokens.AuthController,
                   resources.ProjectController, resources.UserController,
                   resources.RoleController, resources.DomainController,
                   catalog_mod.CatalogController, trusts.TrustController)

    def bootstrap(self):
        if self.store.get(S, 'domain', 'default'):
            return
        self.store.put(S, 'domain', dict(DEFAULT_DOMAIN))
        for role in ROLES:
            self.store.put(S, 'role', {'id': utils.new_hex(), 'name': role,
                                       'domain_id': None})
        for project in ('admin', 'demo', 'service'):
            self.create_project(project)
        for user, (project, roles) in BOOTSTRAP_USERS.items():
            self.create_user(user, 'password', project, roles)

    def keystone_catalog(self, project_id):
        """The Keystone catalog (see :mod:`.catalog`)."""
        return catalog_mod.catalog(self.cloud, project_id)

    def register_endpoint(self, stype, url, name=None):
        """Publish an external API (e.g. Karbor's) in the catalog."""
        return catalog_mod.register(self.store, stype, url, name)

    # Lookups shared by the controllers (and by tests through the fixture).

    def get(self, kind, rid, what=None):
        doc = self.store.get(S, kind, rid)
        if doc is None:
            raise wsgi.NotFound('Could not find %s: %s.' % (what or kind,
                                                            rid))
        return doc

    def find(self, kind, name, domain_id='default'):
        for doc in self.store.list(S, kind):
            if doc['name'] == name and doc.get('domain_id') in (domain_id,
                                                                None):
                return doc
        return None

    def find_project(self, name):
        return self.find('project', name)

    def role_by_name(self, name):
        return self.find('role', name)

    def create_project(self, name, domain_id='default', description=''):
        return self.store.put(S, 'project', {
            'id': utils.new_hex(), 'name': name, 'domain_id': domain_id,
            'parent_id': domain_id, 'description': description,
            'enabled': True, 'is_domain': False, 'tags': []})

    def create_user(self, name, password, project=None, roles=(),
                    domain_id='default'):
        proj = self.find_project(project) if project else None
        user = self.store.put(S, 'user', {
            'id': utils.new_hex(), 'name': name, 'domain_id': domain_id,
            'enabled': True, 'password_expires_at': None,
            'default_project_id': proj['id'] if proj else None,
            'password_hash': passwords.hash_password(password)})
        for role in roles:
            self.assign(user['id'], proj['id'], self.role_by_name(role)['id'])
        return user

    def assign(self, user_id, project_id, role_id):
        self.store.put(S, 'assignment', {
            'id': '%s:%s:%s' % (user_id, project_id, role_id),
            'user_id': user_id, 'project_id': project_id,
            'role_id': role_id})

    def assignments(self, user_id=None, project_id=None):
        return [a for a in self.store.list(S, 'assignment')
                if user_id in (None, a['user_id']) and
                project_id in (None, a['project_id'])]

    def roles_of(self, user_id, project_id):
        """Role documents a user holds on a project."""
        return [self.store.get(S, 'role', a['role_id'])
                for a in self.assignments(user_id, project_id)]
