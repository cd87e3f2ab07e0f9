"""karbor-all: the API, protection and operation engine in one process.

With no ``--config-file`` it runs on embedded defaults: a state directory
(``--state-dir``, default ``~/.local/state/karbor``) holding a SQLite
database and file-system banks, in-process messaging, ``noauth``, the
providers shipped in ``etc/providers.d``, and the API on 127.0.0.1:8799.
"""

import argparse
import os
import sys

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
transport_url = fake://
auth_strategy = noauth
provider_config_dir = {providers}
osapi_karbor_listen = {host}
osapi_karbor_listen_port = {port}
report_interval = 10

[database]
connection = sqlite:///{state}/karbor.sqlite

[oslo_concurrency]
lock_path = {state}/locks
"""


def shipped_providers_dir():
    """etc/providers.d of a source checkout, else of the installation."""
    checkout = os.path.join(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))), 'etc', 'providers.d')
    if os.path.isdir(checkout):
        return checkout
    return os.path.join(sys.prefix, 'etc', 'karbor', 'providers.d')


def write_embedded_config(state_dir, host='127.0.0.1', port=8799,
                          providers_dir=None):
    """Write ``<state_dir>/karbor.conf`` unless it exists; return its path."""
    os.makedirs(os.path.join(state_dir, 'locks'), exist_ok=True)
    path = os.path.join(state_dir, 'karbor.conf')
    if not os.path.exists(path):
        with open(path, 'w') as conf_file:
            conf_file.write(EMBEDDED_CONF.format(
                state=state_dir, host=host, port=port,
                providers=providers_dir or shipped_providers_dir()))
    return path


class AllInOne(object):
    """Starts and stops the three Karbor services in this process."""

    def __init__(self):
        self.services = []
        self.api_server = None

    def start(self):
        from karbor.api import server as api_server
        from karbor.db import migration
        from karbor import service

        migration.db_sync()
        for binary in (constants.PROTECTION_BINARY,
                       constants.OPERATIONENGINE_BINARY):
            svc = service.Service.create(binary=binary)
            svc.start()
            self.services.append(svc)
        self.api_server = api_server.APIServer()
        self.api_server.start()

    def stop(self):
        if self.api_server is not None:
            self.api_server.stop()
        for svc in reversed(self.services):
            svc.stop()


def print_cli_hint(host, port, project='demo', user='demo'):
    url = 'http://%s:%s/v1/%s' % (host, port, project)
    print('Karbor is running on http://%s:%s/ (noauth).\n'
          'Point the karbor CLI at it with:\n\n'
          '  unset OS_AUTH_TYPE\n'
          '  export OS_NO_CLIENT_AUTH=1\n'
          '  export KARBOR_URL=%s\n'
          '  export OS_AUTH_TOKEN=%s:%s\n'
          '  karbor provider-list\n' % (host, port, url, user, project),
          flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='karbor-all', description=__doc__.splitlines()[0],
        add_help=False)
    parser.add_argument('--state-dir', default=os.environ.get(
        'KARBOR_STATE_DIR',
        os.path.expanduser('~/.local/state/karbor')))
    parser.add_argument('--port', type=int, default=8799)
    return parser.parse_known_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    options, rest = parse_args(argv)
    default_files = None
    if not any(a.startswith('--config-file') or a.startswith('--config-dir')
               for a in rest):
        state_dir = os.path.abspath(options.state_dir)
        default_files = [write_embedded_config(state_dir, port=options.port)]
    launcher.prepare(rest, default_config_files=default_files)
    karbor = AllInOne()
    karbor.start()
    if CONF.auth_strategy == 'noauth':
        print_cli_hint(CONF.osapi_karbor_listen,
                       CONF.osapi_karbor_listen_port)
    launcher.serve([karbor])
