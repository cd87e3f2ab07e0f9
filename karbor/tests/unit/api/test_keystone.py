"""auth_strategy = keystone: keystonemiddleware plus the context filter."""

import textwrap

from oslo_config import cfg
import pytest

from karbor.api import app as api_app
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api import identity_stub
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT


def keystone_app(config_file):
    """The pipeline with keystonemiddleware reading ``config_file``.

    A private ConfigOpts keeps the options keystonemiddleware and its auth
    plugin register (some required) out of the global configuration.
    """
    conf = cfg.ConfigOpts()
    conf(['--config-file', str(config_file)], project='karbor',
         default_config_files=[])
    return api_app.setup_app(conf=conf, auth_strategy='keystone')


def configure(tmp_path, identity_url, delay=False):
    path = tmp_path / 'karbor.conf'
    path.write_text(textwrap.dedent("""\
        [DEFAULT]
        auth_strategy = keystone

        [keystone_authtoken]
        www_authenticate_uri = {url}/v3
        auth_type = admin_token
        endpoint = {url}/v3
        token = {token}
        delay_auth_decision = {delay}
        """).format(url=identity_url, token=identity_stub.SERVICE_TOKEN,
                    delay=delay))
    return keystone_app(path)


@pytest.fixture
def identity():
    with identity_stub.running_identity() as stub:
        yield stub


def test_missing_token_is_unauthorized(tmp_path, identity):
    app = configure(tmp_path, identity.url)
    response = helpers.request(app, 'GET', BASE + '/os-services',
                               token=None)
    helpers.assert_fault(response, 401, 'unauthorized')
    assert 'WWW-Authenticate' in response.headers


def test_invalid_token_is_unauthorized(tmp_path, identity):
    app = configure(tmp_path, identity.url)
    response = helpers.request(app, 'GET', BASE + '/os-services',
                               token='bogus')
    helpers.assert_fault(response, 401, 'unauthorized')


def test_delayed_decision_without_user_is_unauthorized(tmp_path, identity):
    app = configure(tmp_path, identity.url, delay=True)
    response = helpers.request(app, 'GET', BASE + '/os-services',
                               token=None)
    helpers.assert_fault(response, 401, 'unauthorized',
                         'Authentication required')


def test_valid_member_token_builds_a_member_context(tmp_path, identity):
    app = configure(tmp_path, identity.url)
    token = identity.add_token('tok-member', 'alice', PROJECT, ['member'])
    # os-services is admin only: a member is authenticated but refused.
    response = helpers.request(app, 'GET', BASE + '/os-services',
                               token=token)
    helpers.assert_fault(response, 403, 'forbidden')
    # The token's project is the context project.
    response = helpers.request(app, 'GET', '/v1/other/os-services',
                               token=token)
    helpers.assert_fault(response, 400, 'badRequest',
                         'Malformed request url')


def configure_sandbox(tmp_path, sandbox):
    path = tmp_path / 'karbor-sandbox.conf'
    path.write_text(textwrap.dedent("""\
        [DEFAULT]
        auth_strategy = keystone

        [keystone_authtoken]
        www_authenticate_uri = {url}
        auth_url = {url}
        auth_type = password
        username = karbor
        password = password
        project_name = service
        user_domain_id = default
        project_domain_id = default
        """).format(url=sandbox.auth_url))
    return keystone_app(path)


def test_sandbox_keystone_tokens(tmp_path, api):
    from karbor_sandbox import fixture
    with fixture.running_sandbox(str(tmp_path / 'sandbox')) as sandbox:
        app = configure_sandbox(tmp_path, sandbox)
        demo = sandbox.project_id
        token = sandbox.session().get_token()
        response = helpers.request(app, 'GET', '/v1/%s/providers' % demo,
                                   token=token)
        assert response.status_int == 200, response.body
        assert response.json['providers']
        response = helpers.request(app, 'GET', '/v1/%s/plans' % demo,
                                   token=token)
        assert response.json == {'plans': []}
        response = helpers.request(app, 'GET', '/v1/%s/os-services' % demo,
                                   token=token)
        helpers.assert_fault(response, 403, 'forbidden')
        admin = sandbox.project('admin')
        token = sandbox.admin_session().get_token()
        response = helpers.request(app, 'GET', '/v1/%s/os-services' % admin,
                                   token=token)
        assert response.status_int == 200, response.body
