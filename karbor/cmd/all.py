"""karbor-all: the API, protection and operation engine in one process.

With no ``--config-file`` it runs on embedded defaults: a state directory
(``--state-dir``, default ``~/.local/state/karbor``) holding a SQLite
database and file-system banks, in-process messaging, the providers shipped
in ``etc/providers.d``, the API on 127.0.0.1:8799, and the sandbox cloud
(``karbor-sandbox``, seeded with a demo estate) on 127.0.0.1:8798 as the
OpenStack and Kubernetes it protects, and the web console on
``/dashboard/``. Callers log in to the sandbox's
Keystone, where Karbor is the ``data-protect`` service; ``--auth noauth``
trusts ``X-Auth-Token: <user>:<project>`` instead.
"""

import argparse
import os
import sys
import uuid

from oslo_config import cfg
from oslo_log import log as logging

from karbor.cmd import launcher
from karbor.common import constants

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

EMBEDDED_CONF = """\
# Written by karbor-all for the embedded default; edit freely.
[DEFAULT]
state_path = {state}
transport_url = inproc://
auth_strategy = {auth}
provider_config_dir = {providers}
osapi_karbor_listen = {host}
osapi_karbor_listen_port = {port}
report_interval = 10
# Scheduling limits of a development cloud: triggers may fire every minute.
min_interval = 60
min_window_time = 20
max_window_time = 30

[database]
connection = sqlite:///{state}/karbor.sqlite

[oslo_concurrency]
lock_path = {state}/locks

[k8s_client]
k8s_host = {cloud}/k8s
"""
# Keystone mode: Keystone checks the callers' tokens, and Karbor calls the
# other services with the caller's token plus the token of its own service
# user, named in both sections.
SERVICE_USER_CONF = """
auth_url = {auth_url}
username = {username}
password = {password}
project_name = service
user_domain_id = default
project_domain_id = default
"""


def keystone_conf(auth_url, username='karbor', password='password'):
    """``[keystone_authtoken]`` and ``[service_credentials]`` of Karbor's
    service user on the Keystone at ``auth_url``."""
    user = SERVICE_USER_CONF.format(auth_url=auth_url, username=username,
                                    password=password)
    return ('\n[keystone_authtoken]\nwww_authenticate_uri = %s\n'
            'auth_type = password%s\n[service_credentials]%s'
            % (auth_url, user, user))


# noauth mode: no user token, so Karbor calls the sandbox as this user,
# scoped to the project of each request.
NOAUTH_CONF = """
[service_credentials]
auth_url = {cloud}/identity/v3
username = demo
password = password
user_domain_id = default
project_domain_id = default
"""
CONF_FILES = {'keystone': 'karbor.conf', 'noauth': 'karbor-noauth.conf'}
SANDBOX_PORT = 8798
SANDBOX_DELAY = 1.0
# The sandbox address written in the shipped provider files.
SHIPPED_CLOUD = 'http://127.0.0.1:%d' % SANDBOX_PORT


def shipped_providers_dir():
    """etc/providers.d of a source checkout, else of the installation."""
    checkout = os.path.join(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))), 'etc', 'providers.d')
    if os.path.isdir(checkout):
        return checkout
    return os.path.join(sys.prefix, 'etc', 'karbor', 'providers.d')


def _copy_providers(source, target, cloud):
    """Copy the shipped provider files, pointed at this sandbox cloud."""
    os.makedirs(target)
    for name in sorted(os.listdir(source)):
        if not name.endswith('.conf'):
            continue
        with open(os.path.join(source, name)) as src:
            text = src.read().replace(SHIPPED_CLOUD, cloud)
        with open(os.path.join(target, name), 'w') as dst:
            dst.write(text)


def write_embedded_config(state_dir, host='127.0.0.1', port=8799,
                          providers_dir=None, sandbox_port=SANDBOX_PORT,
                          auth='keystone'):
    """Write the embedded configuration unless it exists; return its path.

    It is ``<state_dir>/karbor.conf`` with Keystone (the sandbox's) and
    ``<state_dir>/karbor-noauth.conf`` in ``noauth`` mode; both share the
    database and banks. The shipped providers are copied to
    ``<state_dir>/providers.d`` (edit them there), with the sandbox
    cloud's address filled in.
    """
    os.makedirs(os.path.join(state_dir, 'locks'), exist_ok=True)
    path = os.path.join(state_dir, CONF_FILES[auth])
    cloud = 'http://127.0.0.1:%d' % sandbox_port
    if not os.path.exists(path):
        if providers_dir is None:
            providers_dir = os.path.join(state_dir, 'providers.d')
            if not os.path.isdir(providers_dir):
                _copy_providers(shipped_providers_dir(), providers_dir,
                                cloud)
        with open(path, 'w') as conf_file:
            auth_conf = (keystone_conf(cloud + '/identity/v3')
                         if auth == 'keystone'
                         else NOAUTH_CONF.format(cloud=cloud))
            conf_file.write(EMBEDDED_CONF.format(
                state=state_dir, host=host, port=port, auth=auth,
                providers=providers_dir, cloud=cloud) + auth_conf)
    return path


class EmbeddedCloud(object):
    """The sandbox cloud of the embedded default, seeded on first start."""

    def __init__(self, state_dir, port=SANDBOX_PORT, delay=SANDBOX_DELAY,
                 token_ttl=None):
        from karbor_sandbox import server
        self.server = server.SandboxServer(
            os.path.join(state_dir, 'sandbox'), port=port, delay=delay,
            token_ttl=token_ttl)
        self._marker = os.path.join(state_dir, 'sandbox', '.seeded')

    def start(self):
        from karbor_sandbox import seed
        self.server.start()
        if not os.path.exists(self._marker):
            seed.run(seed.Target(self.server.base_url),
                     log=lambda *args: LOG.info(' '.join(map(str, args))))
            open(self._marker, 'w').close()

    def register_karbor(self, host, port):
        """Publish Karbor in the sandbox's catalog as ``data-protect``."""
        self.server.cloud.service('identity').register_endpoint(
            'data-protect', 'http://%s:%s/v1/$(project_id)s' % (host, port),
            name='karbor')

    @property
    def demo_project_id(self):
        return self.server.cloud.service('identity').find_project(
            'demo')['id']

    def stop(self):
        self.server.stop()


class AllInOne(object):
    """Starts and stops the three Karbor services in this process."""

    def __init__(self):
        self.services = []
        self.api_server = None

    def start(self):
        from karbor.api import server as api_server
        self.start_services()
        self.api_server = api_server.APIServer()
        self.api_server.start()

    def start_services(self):
        """The database schema and the two RPC services, without the API
        server."""
        from karbor.db import migration
        from karbor import service

        for line in migration.db_sync():
            LOG.warning('%s', line)
        for binary in (constants.PROTECTION_BINARY,
                       constants.OPERATIONENGINE_BINARY):
            svc = service.Service.create(binary=binary)
            svc.start()
            self.services.append(svc)

    def stop(self):
        if self.api_server is not None:
            self.api_server.stop()
        for svc in reversed(self.services):
            svc.stop()


def print_cli_hint(host, port, project, user='demo', cloud=None):
    """Tell the newcomer how to point the CLIs at this Karbor (noauth)."""
    url = 'http://%s:%s/v1/%s' % (host, port, project)
    lines = ['unset OS_AUTH_TYPE OS_AUTH_TOKEN',
             'export OS_NO_CLIENT_AUTH=1',
             'export KARBOR_URL=%s' % url]
    if cloud is None:
        lines.append('export OS_AUTH_TOKEN=%s:%s' % (user, project))
        where = ''
    else:
        # The karbor CLI sends OS_USERNAME as the user of the URL's
        # project; cinder and openstack log in to the sandbox Keystone.
        lines.extend(cloud.server.openrc(user, 'demo').splitlines())
        where = ('\nThe sandbox cloud (Keystone, Cinder, Nova, Glance, '
                 'Neutron, Swift,\nKubernetes) is on %s; the same '
                 'variables serve cinder and openstack.\n'
                 % cloud.server.base_url)
    print('Karbor is running on http://%s:%s/ (noauth).\n'
          'Point the karbor CLI at it with:\n\n%s\n\n'
          '  karbor provider-list\n%s' % (
              host, port, '\n'.join('  ' + line for line in lines), where),
          flush=True)


def print_keystone_hint(host, port, cloud):
    """Tell the newcomer how to log in to the sandbox's Keystone."""
    lines = ['unset OS_NO_CLIENT_AUTH KARBOR_URL OS_AUTH_TOKEN OS_AUTH_TYPE']
    lines.extend(cloud.server.openrc('demo', 'demo').splitlines())
    print('Karbor is running on http://%s:%s/ (Keystone: the sandbox\'s, '
          'where Karbor\nis the data-protect service of the catalog).\n'
          'Log in as the demo user of the demo project (id %s) with:\n\n'
          '%s\n\n'
          '  karbor provider-list\n'
          '  openstack data protection provider list\n\n'
          'The same variables serve cinder and openstack. To act as an '
          'administrator:\n\n'
          '  export OS_USERNAME=admin OS_PROJECT_NAME=admin\n\n'
          'The sandbox cloud (Keystone, Cinder, Nova, Glance, Neutron, '
          'Swift,\nKubernetes) is on %s.\n' % (
              host, port, cloud.demo_project_id,
              '\n'.join('  ' + line for line in lines),
              cloud.server.base_url), flush=True)


def enable_console():
    """Serve the web console unless the configuration turns it off."""
    from karbor.api import dashboard  # noqa: F401 (registers its options)
    CONF.set_default('enabled', True, group='dashboard')


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='karbor-all', description=__doc__.splitlines()[0],
        add_help=False)
    parser.add_argument('--state-dir', default=os.environ.get(
        'KARBOR_STATE_DIR',
        os.path.expanduser('~/.local/state/karbor')))
    parser.add_argument('--port', type=int, default=8799)
    parser.add_argument('--sandbox-port', type=int, default=SANDBOX_PORT)
    parser.add_argument('--sandbox-delay', type=float, default=SANDBOX_DELAY,
                        help='Seconds the sandbox cloud takes for each '
                             'asynchronous status change.')
    parser.add_argument('--no-sandbox', dest='sandbox', action='store_false',
                        help='Do not start the sandbox cloud.')
    parser.add_argument('--auth', choices=sorted(CONF_FILES),
                        help='How callers authenticate on embedded '
                             'defaults: keystone (the sandbox\'s; the '
                             'default with the sandbox) or noauth (the '
                             'default without it; for benchmarks and '
                             'comparisons).')
    parser.add_argument('--sandbox-token-ttl', type=int, default=None,
                        help='Seconds a token of the sandbox\'s Keystone '
                             'lives (default: one hour).')
    return parser.parse_known_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    options, rest = parse_args(argv)
    default_files, cloud = None, None
    if not any(a.startswith('--config-file') or a.startswith('--config-dir')
               for a in rest):
        state_dir = os.path.abspath(options.state_dir)
        auth = options.auth or ('keystone' if options.sandbox else 'noauth')
        default_files = [write_embedded_config(
            state_dir, port=options.port, sandbox_port=options.sandbox_port,
            auth=auth)]
        if options.sandbox:
            cloud = EmbeddedCloud(state_dir, port=options.sandbox_port,
                                  delay=options.sandbox_delay,
                                  token_ttl=options.sandbox_token_ttl)
    enable_console()
    launcher.prepare(rest, default_config_files=default_files)
    stoppables = []
    if cloud is not None:
        cloud.start()
        stoppables.append(cloud)
    karbor = AllInOne()
    karbor.start()
    stoppables.append(karbor)
    host, port = CONF.osapi_karbor_listen, CONF.osapi_karbor_listen_port
    if cloud is not None:
        cloud.register_karbor(host, port)
    if CONF.auth_strategy == 'noauth':
        project = cloud.demo_project_id if cloud else uuid.uuid4().hex
        print_cli_hint(host, port, project, cloud=cloud)
    elif cloud is not None:
        print_keystone_hint(host, port, cloud)
    if CONF.dashboard.enabled:
        print('The web console is on http://%s:%s/dashboard/' % (host, port),
              flush=True)
    launcher.serve(stoppables)
