"""Keystone v3 contract tests with keystoneauth1 / keystoneclient."""

import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from keystoneclient.v3 import client as ks_client
import pytest
import requests
import webob

SERVICE_TYPES = {'identity', 'volumev3', 'block-storage', 'object-store'}


def _token_request(sandbox, auth):
    return requests.post(sandbox.auth_url + '/auth/tokens',
                         json={'auth': auth}, timeout=5)


def test_version_discovery(sandbox):
    resp = requests.get(sandbox.base_url + '/identity', timeout=5)
    assert resp.status_code == 300
    values = resp.json()['versions']['values']
    assert values[0]['id'].startswith('v3')
    v3doc = requests.get(sandbox.auth_url, timeout=5).json()['version']
    assert v3doc['status'] == 'stable'
    assert v3doc['links'][0]['href'].endswith('/identity/v3/')


def test_password_session_catalog_lists_every_service(sandbox):
    sess = sandbox.session()
    access = sess.auth.get_access(sess)
    assert access.project_name == 'demo'
    assert access.role_names == ['member', 'reader']
    types = {e['type'] for e in access.service_catalog.catalog}
    assert SERVICE_TYPES <= types
    assert sess.get_endpoint(service_type='volumev3').endswith(
        '/volume/v3/%s' % sandbox.project_id)
    assert sess.get_endpoint(service_type='object-store').endswith(
        '/AUTH_%s' % sandbox.project_id)
    # The auth URL without /v3 is discovered too.
    plain = ks_session.Session(auth=v3.Password(
        auth_url=sandbox.base_url + '/identity', username='admin',
        password='password', project_name='admin',
        user_domain_id='default', project_domain_id='default'))
    assert plain.get_project_id() == sandbox.admin_project_id


def test_bad_password_gives_keystone_401(sandbox):
    resp = _token_request(sandbox, {'identity': {
        'methods': ['password'], 'password': {'user': {
            'name': 'demo', 'domain': {'id': 'default'},
            'password': 'wrong'}}}})
    assert resp.status_code == 401
    assert resp.json()['error']['code'] == 401
    assert resp.json()['error']['title'] == 'Unauthorized'
    with pytest.raises(ks_exc.Unauthorized):
        ks_session.Session(auth=v3.Password(
            auth_url=sandbox.auth_url, username='demo', password='nope',
            project_name='demo', user_domain_id='default',
            project_domain_id='default')).get_token()


def test_no_access_to_foreign_project(sandbox):
    resp = _token_request(sandbox, {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'demo', 'domain': {'name': 'Default'},
            'password': 'password'}}},
        'scope': {'project': {'name': 'admin',
                              'domain': {'id': 'default'}}}})
    assert resp.status_code == 401


def test_token_method_unscoped_default_and_validation(sandbox):
    resp = _token_request(sandbox, {'identity': {
        'methods': ['password'], 'password': {'user': {
            'name': 'demo', 'domain': {'id': 'default'},
            'password': 'password'}}}})
    assert resp.status_code == 201
    token = resp.headers['X-Subject-Token']
    assert resp.json()['token']['project']['name'] == 'demo'
    rescoped = _token_request(sandbox, {
        'identity': {'methods': ['token'], 'token': {'id': token}},
        'scope': {'project': {'id': sandbox.project_id}}})
    assert rescoped.status_code == 201
    new = rescoped.headers['X-Subject-Token']
    assert new != token
    admin = sandbox.admin_session().get_token()
    check = requests.get(sandbox.auth_url + '/auth/tokens', timeout=5,
                         headers={'X-Auth-Token': admin,
                                  'X-Subject-Token': new})
    assert check.status_code == 200
    assert check.json()['token']['methods'] == ['token']
    assert requests.delete(sandbox.auth_url + '/auth/tokens', timeout=5,
                           headers={'X-Auth-Token': admin,
                                    'X-Subject-Token': new}
                           ).status_code == 204
    gone = requests.get(sandbox.auth_url + '/auth/tokens', timeout=5,
                        headers={'X-Auth-Token': admin,
                                 'X-Subject-Token': new})
    assert gone.status_code == 404
    assert gone.json()['error']['title'] == 'Not Found'
    anonymous = requests.get(sandbox.auth_url + '/auth/tokens', timeout=5,
                             headers={'X-Subject-Token': token})
    assert anonymous.status_code == 401


def test_keystonemiddleware_validates_sandbox_tokens(sandbox):
    from keystonemiddleware import auth_token

    @webob.dec.wsgify
    def inner(req):
        return webob.Response(json_body={
            'project': req.environ.get('HTTP_X_PROJECT_ID'),
            'roles': req.environ.get('HTTP_X_ROLES')})
    app = auth_token.AuthProtocol(inner, {
        'www_authenticate_uri': sandbox.auth_url,
        'auth_url': sandbox.auth_url, 'auth_type': 'password',
        'username': 'karbor', 'password': 'password',
        'project_name': 'service', 'user_domain_id': 'default',
        'project_domain_id': 'default', 'delay_auth_decision': 'false'})
    token = sandbox.session().get_token()
    resp = webob.Request.blank('/', headers={'X-Auth-Token': token}
                               ).get_response(app)
    assert resp.status_int == 200
    assert resp.json == {'project': sandbox.project_id,
                         'roles': 'member,reader'}
    bad = webob.Request.blank('/', headers={'X-Auth-Token': 'x' * 64}
                              ).get_response(app)
    assert bad.status_int == 401


def test_projects_users_roles_assignments(sandbox):
    kc = ks_client.Client(session=sandbox.admin_session())
    assert {p.name for p in kc.projects.list()} == {'admin', 'demo',
                                                    'service'}
    project = kc.projects.create('alt', 'default', description='alt one')
    user = kc.users.create('alice', password='secret', domain='default')
    assert not hasattr(user, 'password_hash')
    member = kc.roles.find(name='member')
    kc.roles.grant(member, user=user, project=project)
    names = kc.role_assignments.list(user=user, include_names=True)
    assert [a.role['name'] for a in names] == ['member']
    alice = ks_session.Session(auth=v3.Password(
        auth_url=sandbox.auth_url, username='alice', password='secret',
        project_name='alt', user_domain_id='default',
        project_domain_id='default'))
    assert alice.get_project_id() == project.id
    with pytest.raises(ks_exc.Conflict):
        kc.projects.create('alt', 'default')
    with pytest.raises(ks_exc.NotFound):
        kc.projects.get('missing')
    demo_sess = sandbox.session()
    demo = ks_client.Client(session=demo_sess)
    with pytest.raises(ks_exc.Forbidden):
        demo.projects.create('nope', 'default')
    with pytest.raises(ks_exc.Forbidden):
        demo.projects.list()
    assert demo.projects.get(sandbox.project_id).name == 'demo'
    assert [p.name for p in demo.projects.list(
        user=demo_sess.get_user_id())] == ['demo']
    with pytest.raises(ks_exc.Forbidden):
        demo.users.get(user.id)
    kc.projects.delete(project)
    assert 'alt' not in {p.name for p in kc.projects.list()}
    assert kc.domains.get('default').name == 'Default'
    assert {s.type for s in kc.services.list()} >= SERVICE_TYPES


def test_trust_create_scope_and_delete(sandbox):
    demo_sess = sandbox.session()
    kc = ks_client.Client(session=demo_sess)
    admin = ks_client.Client(session=sandbox.admin_session())
    karbor = admin.users.find(name='karbor')
    trust = kc.trusts.create(trustor_user=demo_sess.get_user_id(),
                             trustee_user=karbor.id,
                             project=sandbox.project_id,
                             role_names=['member'], impersonation=True)
    assert kc.trusts.get(trust.id).trustee_user_id == karbor.id
    trust_sess = ks_session.Session(auth=v3.Password(
        auth_url=sandbox.auth_url, username='karbor', password='password',
        user_domain_id='default', trust_id=trust.id))
    access = trust_sess.auth.get_access(trust_sess)
    assert access.project_id == sandbox.project_id
    assert access.user_id == demo_sess.get_user_id()
    assert access.trust_id == trust.id
    assert access.role_names == ['member']
    with pytest.raises(ks_exc.Forbidden):
        kc.trusts.create(trustor_user=demo_sess.get_user_id(),
                         trustee_user=karbor.id, project=sandbox.project_id,
                         role_names=['admin'])
    kc.trusts.delete(trust)
    with pytest.raises(ks_exc.NotFound):
        kc.trusts.get(trust.id)


def test_external_endpoints_join_the_catalog(sandbox):
    sandbox.register_endpoint('data-protect',
                              'http://127.0.0.1:8799/v1/$(project_id)s',
                              'karbor')
    sess = sandbox.session()
    assert sess.get_endpoint(service_type='data-protect') == \
        'http://127.0.0.1:8799/v1/%s' % sandbox.project_id
    kc = ks_client.Client(session=sandbox.admin_session())
    svc = kc.services.create('barbican', type='key-manager')
    kc.endpoints.create(svc, 'http://127.0.0.1:9311', interface='public')
    admin = sandbox.admin_session()
    assert admin.get_endpoint(service_type='key-manager') == \
        'http://127.0.0.1:9311'
    assert {s.type for s in kc.services.list()} >= {'key-manager',
                                                    'data-protect',
                                                    'identity'}
    assert any(e.url == 'http://127.0.0.1:9311'
               for e in kc.endpoints.list())
    kc.services.delete(svc)
    assert 'key-manager' not in {s.type for s in kc.services.list()}
    with pytest.raises(ks_exc.Forbidden):
        ks_client.Client(session=sess).services.create('x', type='x')


def test_registered_service_replaces_the_builtin_of_its_type(sandbox):
    """A real Swift registered as object-store is the only object-store
    the catalog, the service list and the endpoint list offer."""
    builtin = sandbox.session().get_endpoint(service_type='object-store')
    sandbox.register_endpoint('object-store',
                              'http://127.0.0.1:8080/v1/AUTH_$(project_id)s',
                              'swift')
    sess = sandbox.session()
    real = 'http://127.0.0.1:8080/v1/AUTH_%s' % sandbox.project_id
    assert sess.get_endpoint(service_type='object-store') == real
    for interface in ('public', 'internal', 'admin'):
        assert sess.get_endpoint(service_type='object-store',
                                 interface=interface) == real
    catalog = sess.auth.get_access(sess).service_catalog.catalog
    stores = [e for e in catalog if e['type'] == 'object-store']
    assert [e['name'] for e in stores] == ['swift']
    assert {ep['url'] for ep in stores[0]['endpoints']} == {real}
    assert SERVICE_TYPES - {'object-store'} <= {e['type'] for e in catalog}
    kc = ks_client.Client(session=sandbox.admin_session())
    services = kc.services.list(type='object-store')
    assert [s.name for s in services] == ['swift']
    urls = {e.url for e in kc.endpoints.list(service=services[0])}
    assert urls == {'http://127.0.0.1:8080/v1/AUTH_$(project_id)s'}
    assert builtin not in {e.url for e in kc.endpoints.list()}
    # Gone again, the sandbox's own object store is back.
    kc.services.delete(services[0])
    assert sandbox.session().get_endpoint(
        service_type='object-store') == builtin


def test_auth_helpers_users_and_roles(sandbox):
    sess = sandbox.session()
    token = sess.get_token()
    headers = {'X-Auth-Token': token}
    base = sandbox.auth_url
    catalog = requests.get(base + '/auth/catalog', headers=headers,
                           timeout=5).json()['catalog']
    assert SERVICE_TYPES <= {e['type'] for e in catalog}
    projects = requests.get(base + '/auth/projects', headers=headers,
                            timeout=5).json()['projects']
    assert [p['name'] for p in projects] == ['demo']
    assert requests.head(base + '/auth/tokens', timeout=5, headers=dict(
        headers, **{'X-Subject-Token': token})).status_code == 200
    assert requests.get(base + '/regions', headers=headers,
                        timeout=5).json()['regions'][0]['id'] == 'RegionOne'
    kc = ks_client.Client(session=sandbox.admin_session())
    role = kc.roles.create('auditor')
    user = kc.users.create('bob', password='one')
    kc.users.update(user, password='two', email='bob@example.com')
    demo_project = kc.projects.get(sandbox.project_id)
    kc.roles.grant(role, user=user, project=demo_project)
    assert [r.name for r in kc.roles.list(user=user,
                                          project=demo_project)] == [
        'auditor']
    bob = ks_session.Session(auth=v3.Password(
        auth_url=sandbox.auth_url, username='bob', password='two',
        project_id=sandbox.project_id, user_domain_id='default'))
    assert bob.get_user_id() == user.id
    kc.roles.revoke(role, user=user, project=demo_project)
    kc.roles.delete(role)
    kc.users.delete(user)
    assert 'bob' not in {u.name for u in kc.users.list()}
    assert [d.id for d in kc.domains.list()] == ['default']


def test_trust_remaining_uses_and_expiry(sandbox):
    demo_sess = sandbox.session()
    kc = ks_client.Client(session=demo_sess)
    karbor = ks_client.Client(session=sandbox.admin_session()).users.find(
        name='karbor')

    def trust_session(trust):
        return ks_session.Session(auth=v3.Password(
            auth_url=sandbox.auth_url, username='karbor',
            password='password', user_domain_id='default',
            trust_id=trust.id))
    once = kc.trusts.create(trustor_user=demo_sess.get_user_id(),
                            trustee_user=karbor.id,
                            project=sandbox.project_id,
                            role_names=['member'], remaining_uses=1)
    assert trust_session(once).get_token()
    with pytest.raises(ks_exc.Unauthorized):
        trust_session(once).get_token()
    import datetime
    past = datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None) - datetime.timedelta(minutes=1)
    expired = kc.trusts.create(trustor_user=demo_sess.get_user_id(),
                               trustee_user=karbor.id,
                               project=sandbox.project_id,
                               role_names=['member'], expires_at=past)
    with pytest.raises(ks_exc.NotFound):
        trust_session(expired).get_token()


def _password_token(sandbox, user, project):
    resp = _token_request(sandbox, {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': user, 'domain': {'id': 'default'},
            'password': 'password'}}},
        'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}})
    assert resp.status_code == 201
    return resp.headers['X-Subject-Token']


def test_expired_user_token_passes_only_beside_a_service_token(sandbox):
    volumes = sandbox.url('volume', sandbox.project_id) + '/volumes'
    sandbox.cloud.token_ttl = 1
    user_token = _password_token(sandbox, 'demo', 'demo')
    sandbox.cloud.token_ttl = 3600
    service = _password_token(sandbox, 'karbor', 'service')
    member = _password_token(sandbox, 'admin', 'admin')
    assert requests.get(volumes, headers={'X-Auth-Token': user_token},
                        timeout=5).status_code == 200
    time.sleep(1.2)

    def get(**headers):
        return requests.get(volumes, headers=dict(
            headers, **{'X-Auth-Token': user_token}), timeout=5).status_code

    assert get() == 401
    # A token without the service role does not count as a service token.
    assert get(**{'X-Service-Token': member}) == 401
    assert get(**{'X-Service-Token': service}) == 200
    # Keystone validates an expired token only when asked to allow it.
    check = {'X-Auth-Token': service, 'X-Subject-Token': user_token}
    url = sandbox.auth_url + '/auth/tokens'
    assert requests.get(url, headers=check, timeout=5).status_code == 404
    body = requests.get(url, headers=check, params={'allow_expired': 1},
                        timeout=5).json()
    assert body['token']['project']['id'] == sandbox.project_id
