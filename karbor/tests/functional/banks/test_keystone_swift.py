"""The Swift bank on a real Swift behind Keystone (``keystone_swift``), as
deployments run it: the plugin authenticates with the sandbox's Keystone
and finds Swift in its catalog; Swift's ``authtoken`` and
``keystoneauth`` decide who gets in."""

from keystoneclient.v3 import client as ks_client
import pytest
import requests
from swiftclient import client as swift

from karbor.services.protection.bank_plugins import swift_bank_plugin
from karbor.tests.functional.banks import conftest
from karbor_sandbox import fixture as sandbox_fixture


@pytest.fixture
def sandbox(tmp_path):
    with sandbox_fixture.running_sandbox(str(tmp_path / 'sandbox')) as sb:
        yield sb


def test_swift_bank_through_keystone(sandbox, tmp_path):
    with conftest.keystone_swift(sandbox) as aio:
        container = conftest._unique()
        plugin = conftest.build_plugin(
            swift_bank_plugin.SwiftBankPlugin, tmp_path, {
                'swift_client': {'swift_auth_url': sandbox.auth_url,
                                 'swift_user': 'demo',
                                 'swift_key': sandbox_fixture.PASSWORD,
                                 'swift_tenant_name': 'demo',
                                 'swift_retry_attempts': 1,
                                 'swift_retry_backoff': 0},
                'swift_bank_plugin': {
                    'bank_swift_object_container': container}})
        try:
            plugin.update_object('/checkpoints/c1/status', 'available')
            plugin.update_object('/checkpoints/c1/chunk', b'\x00\xff')
            assert plugin.get_object('/checkpoints/c1/status') == \
                'available'
            assert plugin.get_object('/checkpoints/c1/chunk') == b'\x00\xff'
            assert sorted(plugin.list_objects(prefix='/checkpoints/')) == [
                '/checkpoints/c1/chunk', '/checkpoints/c1/status']
        finally:
            plugin.close()
        # The objects are in the demo project's account of the real Swift.
        account = 'http://127.0.0.1:%d/v1/AUTH_%s' % (aio.ports['proxy'],
                                                     sandbox.project_id)
        token = sandbox.session().get_token()
        _headers, body = swift.get_object(account, token, container,
                                          '/checkpoints/c1/status')
        assert body == b'available'
        # A token Keystone does not know, and a user of the project without
        # an operator role, are refused.
        url = '%s/%s' % (account, container)
        assert requests.get(url, headers={'X-Auth-Token': 'x' * 32},
                            timeout=10).status_code == 401
        keystone = ks_client.Client(session=sandbox.admin_session())
        viewer = keystone.users.create('viewer', domain='default',
                                       password=sandbox_fixture.PASSWORD)
        keystone.roles.grant(keystone.roles.find(name='reader'),
                             user=viewer, project=sandbox.project_id)
        reader = sandbox.session('viewer', 'demo').get_token()
        assert requests.get(url, headers={'X-Auth-Token': reader},
                            timeout=10).status_code == 403
