"""The split shape: karbor-api, karbor-protection and
karbor-operationengine as separate processes over RabbitMQ and MariaDB.

``SplitServer`` creates a MariaDB database and a RabbitMQ virtual host of
its own (two deployments on one vhost consume each other's RPC calls,
since queue names do not depend on ``control_exchange``), migrates the
schema with ``karbor-manage db sync``, starts the three services and
removes everything again on exit. It offers the ``OursServer`` interface
(``label``, ``host``, ``port``, ``client()``), so every benchmark can drive
it, plus ``pids()`` for memory figures.
"""

import os
import signal
import subprocess
import tempfile
import time
import uuid

import common
from karbor.tests import dbfixtures

RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/%s'
CONFIG = """\
[DEFAULT]
state_path = {state}
transport_url = {rabbit}
control_exchange = karbor_split_{tag}
auth_strategy = noauth
provider_config_dir = {providers}
osapi_karbor_listen = 127.0.0.1
osapi_karbor_listen_port = {port}
osapi_karbor_processes = {api_processes}
report_interval = 10
{extra}
[database]
connection = {db}

[oslo_concurrency]
lock_path = {state}/locks
"""
SERVICES = ('karbor-protection', 'karbor-operationengine', 'karbor-api')


def rabbitmqctl(*args):
    subprocess.run(['rabbitmqctl', '-q'] + list(args), check=True,
                   stdout=subprocess.DEVNULL)


def cpu_seconds(pids):
    """CPU time (user + system) the processes ``pids`` have used, s."""
    total = 0
    for pid in pids:
        try:
            with open('/proc/%d/stat' % pid) as stat:
                fields = stat.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / float(os.sysconf('SC_CLK_TCK'))


def rss_mib(pid):
    """Resident set size of a process, MiB (0 once it is gone)."""
    try:
        with open('/proc/%d/status' % pid) as status:
            for line in status:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def children(pid):
    """Direct child processes of ``pid`` (the API's worker processes)."""
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as kids:
            return [int(p) for p in kids.read().split()]
    except OSError:
        return []


class SplitServer(common.OursServer):
    """The three services in separate processes; MariaDB + RabbitMQ."""

    def __init__(self, api_processes=2, extra_config='', env=None,
                 providers_dir=None):
        self.api_processes = api_processes
        self.providers_dir = providers_dir or os.path.join(
            common.REPO, 'etc', 'providers.d')
        self.extra_config = extra_config
        self.env = dict(os.environ, **(env or {}))
        self.tag = uuid.uuid4().hex[:8]
        self.vhost = 'karbor-split-%s' % self.tag
        self.state_dir = tempfile.mkdtemp(prefix='karbor-split-')
        self.port = common.free_port()
        self.procs = {}
        self._db = None

    @property
    def label(self):
        return 'ours (split, %d API processes)' % self.api_processes

    def _write_config(self, db_url):
        os.makedirs(os.path.join(self.state_dir, 'locks'), exist_ok=True)
        self.config_file = os.path.join(self.state_dir, 'karbor.conf')
        with open(self.config_file, 'w') as conf:
            conf.write(CONFIG.format(
                state=self.state_dir, rabbit=RABBIT_URL % self.vhost,
                tag=self.tag, port=self.port,
                providers=self.providers_dir,
                api_processes=self.api_processes, extra=self.extra_config,
                db=db_url))

    def _run(self, name, *args):
        log = open(os.path.join(self.state_dir, name + '.log'), 'ab')
        with log:
            return subprocess.Popen(
                [os.path.join(common.VENV_BIN, name), '--config-file',
                 self.config_file] + list(args), stdout=log, stderr=log,
                cwd=self.state_dir, env=self.env)

    def start(self):
        self._db = dbfixtures.database_url('mysql')
        db_url = self._db.__enter__()
        rabbitmqctl('add_vhost', self.vhost)
        rabbitmqctl('set_permissions', '-p', self.vhost, 'guest', '.*', '.*',
                    '.*')
        self._write_config(db_url)
        if self._run('karbor-manage', 'db', 'sync').wait(120):
            raise common.BenchmarkError('db sync failed; see %s'
                                        % self.state_dir)
        for name in SERVICES:
            self.procs[name] = self._run(name)
        try:
            # RabbitMQ drops a call sent before the service's queue exists.
            for name in SERVICES[:2]:
                self._wait_log(name, 'Started %s' % name, 90)
            common.wait_up(self.host, self.port, 90, self.procs['karbor-api'],
                           self.state_dir)
        except common.BenchmarkError:
            self.stop(keep_state=True)
            raise
        return self

    def _wait_log(self, name, text, timeout):
        path = os.path.join(self.state_dir, name + '.log')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                break
            with open(path) as log:
                if text in log.read():
                    return
            time.sleep(0.2)
        raise common.BenchmarkError('%s did not start; see %s'
                                    % (name, path))

    def pids(self):
        """``{service: [pid, ...]}``: the API's workers with its parent."""
        found = {}
        for name, proc in self.procs.items():
            found[name] = [proc.pid] + children(proc.pid)
        return found

    def rss(self):
        """``{service: RSS MiB}``, summed over the API's processes."""
        return {name: sum(rss_mib(pid) for pid in pids)
                for name, pids in self.pids().items()}

    def stop(self, keep_state=False):
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = {}
        try:
            rabbitmqctl('delete_vhost', self.vhost)
        except subprocess.CalledProcessError:
            pass
        if self._db is not None:
            self._db.__exit__(None, None, None)
            self._db = None
        self.drop_state(keep_state)
