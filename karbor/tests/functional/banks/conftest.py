"""Fixtures running the bank suite against every bank plugin.

``make_plugin`` is parametrised over the file system bank (temp dir), the
Swift bank (a real Swift all-in-one, see swift_aio.py) and the S3 bank (a
moto server in a child process, so its memory does not count as ours).
:func:`keystone_swift` puts the Swift all-in-one behind the sandbox's
Keystone instead of tempauth.
"""

import contextlib
import subprocess
import sys
import uuid

from keystoneclient.v3 import client as ks_client
from oslo_config import cfg
import pytest

from karbor.services.protection.bank_plugins import file_system_bank_plugin
from karbor.services.protection.bank_plugins import s3_bank_plugin
from karbor.services.protection.bank_plugins import swift_bank_plugin
from karbor.tests.functional.banks import swift_aio
from karbor_sandbox import fixture as sandbox_fixture

PLUGINS = ('file_system', 'swift', 's3')

_MOTO_SCRIPT = '''
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address='127.0.0.1', port=int(sys.argv[1]))
server.start()
print('ready', flush=True)
sys.stdin.read()
server.stop()
'''


@pytest.fixture(scope='session')
def swift_server():
    with swift_aio.SwiftAIO() as aio:
        yield aio


@contextlib.contextmanager
def keystone_swift(sandbox):
    """A Swift all-in-one behind ``sandbox``'s Keystone, the only
    object-store of its catalog: its proxy validates tokens as the
    ``swift`` service user (made here, role ``service``), and users with
    the ``admin`` or ``member`` role (the demo user) operate their
    project's account."""
    keystone = ks_client.Client(session=sandbox.admin_session())
    project = keystone.projects.find(name='service')
    user = keystone.users.create('swift', domain='default',
                                 password=sandbox_fixture.PASSWORD,
                                 default_project=project)
    keystone.roles.grant(keystone.roles.find(name='service'), user=user,
                         project=project)
    with swift_aio.SwiftAIO(keystone=swift_aio.Keystone(
            sandbox.auth_url, 'swift', sandbox_fixture.PASSWORD,
            project_name='service', operator_roles=('admin', 'member'))) \
            as aio:
        sandbox.register_endpoint('object-store', aio.endpoint, 'swift')
        yield aio


@pytest.fixture(scope='session')
def moto_endpoint():
    port = swift_aio.free_port()
    proc = subprocess.Popen([sys.executable, '-c', _MOTO_SCRIPT, str(port)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        for line in proc.stdout:  # moto prints a banner first
            if line.strip() == b'ready':
                break
        else:
            raise RuntimeError('moto server did not start')
        yield 'http://127.0.0.1:%d' % port
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _unique():
    return 'k' + uuid.uuid4().hex[:12]


def _fs_options(request, tmp_path):
    return {'file_system_bank_plugin': {
        'file_system_bank_path': str(tmp_path / 'bank')}}


def _swift_options(request, tmp_path):
    aio = request.getfixturevalue('swift_server')
    return {
        'swift_client': {'swift_auth_url': aio.auth_url,
                         'swift_user': aio.user, 'swift_key': aio.key,
                         'swift_retry_attempts': 1,
                         'swift_retry_backoff': 0},
        'swift_bank_plugin': {'bank_swift_object_container': _unique()},
    }


def _s3_options(request, tmp_path):
    endpoint = request.getfixturevalue('moto_endpoint')
    return {
        's3_client': {'s3_endpoint': endpoint, 's3_access_key': 'test',
                      's3_secret_key': 'test', 's3_retry_backoff': 0},
        's3_bank_plugin': {'bank_s3_object_bucket': _unique(),
                           'bank_s3_lease_bucket': _unique()},
    }


_SETUP = {
    'file_system': (file_system_bank_plugin.FileSystemBankPlugin,
                    _fs_options),
    'swift': (swift_bank_plugin.SwiftBankPlugin, _swift_options),
    's3': (s3_bank_plugin.S3BankPlugin, _s3_options),
}


def build_plugin(plugin_class, tmp_path, groups):
    """A plugin on its own provider configuration file."""
    path = tmp_path / ('provider-%s.conf' % uuid.uuid4().hex)
    path.write_text(''.join(
        '[%s]\n%s' % (group, ''.join('%s = %s\n' % item
                                     for item in values.items()))
        for group, values in groups.items()))
    conf = cfg.ConfigOpts()
    conf([], project='karbor-test', default_config_files=[str(path)])
    return plugin_class(conf)


@pytest.fixture(params=PLUGINS)
def plugin_kind(request):
    return request.param


@pytest.fixture
def make_plugin(plugin_kind, request, tmp_path):
    """Factory: ``make_plugin(overrides=None)`` -> a new bank plugin.

    Plugins made by one test share their container (bucket, directory).
    """
    plugin_class, options = _SETUP[plugin_kind]
    base = options(request, tmp_path)
    made = []

    def make(overrides=None):
        groups = {group: dict(values) for group, values in base.items()}
        for group, values in (overrides or {}).items():
            groups.setdefault(group, {}).update(values)
        plugin = build_plugin(plugin_class, tmp_path, groups)
        made.append(plugin)
        return plugin

    yield make
    for plugin in made:
        plugin.close()


@pytest.fixture
def bank_plugin(make_plugin):
    return make_plugin()
