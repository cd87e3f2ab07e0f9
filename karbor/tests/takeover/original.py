"""The original Karbor 1.6.0, run as a black box next to ours.

Its binaries come from the venv made by ``../shared/anchor/karbor-anchor
install`` (``KARBOR_ANCHOR_VENV``, default ``/tmp/karbor-anchor/venv``);
each test gives it its own configuration: database, RabbitMQ vhost, port
and providers (the same providers.d files ours then reads).
"""

import os
import shutil
import subprocess
import textwrap

from karbor.tests.functional import deployment

VENV = os.environ.get('KARBOR_ANCHOR_VENV', '/tmp/karbor-anchor/venv')


def installed():
    return os.access(os.path.join(VENV, 'bin', 'karbor-api'), os.X_OK)


def _env():
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)  # never our tree
    return env


def add_vhost(name):
    for args in (['add_vhost', name],
                 ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*']):
        subprocess.run(['rabbitmqctl', '-q'] + args, check=True,
                       capture_output=True, timeout=60)


def delete_vhost(name):
    subprocess.run(['rabbitmqctl', '-q', 'delete_vhost', name],
                   capture_output=True, timeout=60)


class Original(deployment.Deployment):
    """karbor-api, -protection and -operationengine of Karbor 1.6.0.

    ``services``: the binaries to run. Its operation engine exits at start
    on PostgreSQL (it compares the boolean ``deleted`` column with 0).
    """

    def __init__(self, *args, services=deployment.SERVICES, **kwargs):
        self.services = services
        super().__init__(*args, **kwargs)

    def start(self, timeout=60):
        self.manage('db', 'sync')
        try:
            for binary in self.services:
                self.start_service(binary)
            self.wait_until_up(timeout)
        except BaseException:
            self.stop()  # what did start
            raise

    def _write_config(self, database_url, transport_url, providers_dir,
                      auth_strategy, extra_conf):
        state = os.path.join(self.workdir, 'state')
        os.makedirs(os.path.join(state, 'locks'), exist_ok=True)
        paste = os.path.join(self.workdir, 'api-paste.ini')
        shutil.copy(os.path.join(VENV, 'etc', 'karbor', 'api-paste.ini'),
                    paste)
        with open(self.conf_path, 'w') as conf:
            conf.write(textwrap.dedent("""\
                [DEFAULT]
                auth_strategy = noauth
                transport_url = {transport}
                state_path = {state}
                api_paste_config = {paste}
                provider_config_dir = {providers}
                osapi_karbor_listen = 127.0.0.1
                osapi_karbor_listen_port = {port}
                osapi_karbor_workers = 1
                [database]
                connection = {db}
                [oslo_concurrency]
                lock_path = {state}/locks
                """).format(transport=transport_url, state=state,
                            paste=paste, providers=providers_dir,
                            port=self.port, db=database_url))
            conf.write(textwrap.dedent(extra_conf))

    def manage(self, *args):
        return subprocess.run(
            [os.path.join(VENV, 'bin', 'karbor-manage'), '--config-file',
             self.conf_path] + list(args), env=_env(),
            check=True, capture_output=True, text=True, timeout=120)

    def start_service(self, binary, conf_path=None, name=None):
        name = name or binary
        log = open(os.path.join(self.workdir, name + '.log'), 'ab')
        self._log_offsets[name] = log.tell()
        self.processes[name] = subprocess.Popen(
            [os.path.join(VENV, 'bin', binary), '--config-file',
             conf_path or self.conf_path], env=_env(),
            stdout=log, stderr=subprocess.STDOUT)
        self._binaries[name] = 'original-' + binary
        log.close()

    def wait_until_up(self, timeout=90):
        super().wait_until_up(timeout)
        # Its workers consume RPC once they report to the services table.
        deployment.wait_for(self._workers_up, timeout=timeout,
                            what='the original services')

    def _workers_up(self):
        resp = self.http('GET', '/os-services', project='admin',
                         user='admin')
        services = resp.json().get('services', [])
        return {s['binary'] for s in services if s['state'] == 'up'} >= \
            set(self.services) - {'karbor-api'}
