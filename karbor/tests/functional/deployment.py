"""A real Karbor deployment for functional tests.

Starts ``karbor-api``, ``karbor-protection`` and ``karbor-operationengine``
as separate processes with one configuration file, and drives them with the
real ``karbor`` CLI (python-karborclient) or plain HTTP.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid

import requests

BIN = os.path.dirname(sys.executable)
SERVICES = ('karbor-api', 'karbor-protection', 'karbor-operationengine')
# What each binary logs once it serves requests.
STARTED_MARKERS = {
    'karbor-api': 'Karbor API listening on',
    'karbor-protection': 'Started karbor-protection on',
    'karbor-operationengine': 'Started karbor-operationengine on',
}


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Deployment(object):
    """The three Karbor services, each in its own process."""

    def __init__(self, workdir, database_url, transport_url,
                 providers_dir, auth_strategy='noauth', extra_conf=''):
        self.workdir = str(workdir)
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.conf_path = os.path.join(self.workdir, 'karbor.conf')
        self.database_url = database_url
        self.auth_strategy = auth_strategy
        self.processes = {}
        self._binaries = {}
        self._log_offsets = {}
        self._write_config(database_url, transport_url, providers_dir,
                           auth_strategy, extra_conf)

    def _write_config(self, database_url, transport_url, providers_dir,
                      auth_strategy, extra_conf):
        # RabbitMQ queues are named after the topic alone, whatever the
        # exchange: unique topics keep deployments sharing a broker apart.
        state = os.path.join(self.workdir, 'state')
        os.makedirs(os.path.join(state, 'locks'), exist_ok=True)
        with open(self.conf_path, 'w') as conf:
            conf.write(textwrap.dedent("""\
                [DEFAULT]
                state_path = {state}
                transport_url = {transport}
                control_exchange = karbor_test_{tag}
                protection_topic = karbor-protection-{tag}
                operationengine_topic = karbor-operationengine-{tag}
                auth_strategy = {auth}
                provider_config_dir = {providers}
                osapi_karbor_listen = 127.0.0.1
                osapi_karbor_listen_port = {port}
                host = functional-{tag}
                report_interval = 1
                periodic_fuzzy_delay = 0
                [database]
                connection = {db}
                [oslo_concurrency]
                lock_path = {state}/locks
                """).format(state=state, transport=transport_url,
                            tag=uuid.uuid4().hex[:8], auth=auth_strategy,
                            providers=providers_dir, port=self.port,
                            db=database_url))
            conf.write(textwrap.dedent(extra_conf))

    def config_for_host(self, host):
        """A copy of the configuration with another ``host``; its path.

        Starting a second ``karbor-protection`` with it gives a second
        worker on the same topic.
        """
        with open(self.conf_path) as conf:
            lines = conf.read().splitlines(True)
        path = os.path.join(self.workdir, 'karbor-%s.conf' % host)
        with open(path, 'w') as conf:
            conf.writelines('host = %s\n' % host if line.startswith('host =')
                            else line for line in lines)
        return path

    def manage(self, *args):
        return subprocess.run(
            [os.path.join(BIN, 'karbor-manage'), '--config-file',
             self.conf_path] + list(args),
            check=True, capture_output=True, text=True, timeout=120)

    def start(self, timeout=60):
        self.manage('db', 'sync')
        for binary in SERVICES:
            self.start_service(binary)
        self.wait_until_up(timeout)

    def start_service(self, binary, conf_path=None, name=None):
        """Start ``binary``; ``name`` tells apart several of one binary."""
        name = name or binary
        path = os.path.join(self.workdir, name + '.log')
        log = open(path, 'ab')
        self._log_offsets[name] = log.tell()
        self.processes[name] = subprocess.Popen(
            [os.path.join(BIN, binary), '--config-file',
             conf_path or self.conf_path],
            stdout=log, stderr=subprocess.STDOUT)
        self._binaries[name] = binary
        log.close()

    def kill_service(self, name, sig=9):
        """Send ``sig`` to ``name`` and wait for it (SIGKILL after 30 s)."""
        process = self.processes.pop(name)
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def wait_service(self, name, timeout=60):
        """Wait until ``name`` (started last) listens for work."""
        marker = STARTED_MARKERS.get(self._binaries[name])
        if marker is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            with open(os.path.join(self.workdir, name + '.log'), 'rb') as log:
                log.seek(self._log_offsets[name])
                if marker.encode() in log.read():
                    return
            time.sleep(0.1)
        raise TimeoutError('%s did not start; logs in %s' % (
            name, self.workdir))

    def wait_until_up(self, timeout=60):
        """Wait for every running service, then for an API answer.

        A service consumes its RPC topic only once it has logged that it
        started: a call sent before would wait for its reply timeout.
        """
        deadline = time.monotonic() + timeout
        for name in list(self.processes):
            self.wait_service(name, max(deadline - time.monotonic(), 1))
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                resp = requests.get(
                    self.url + '/v1/admin/providers', timeout=10,
                    headers={'X-Auth-Token': 'admin:admin'})
                # With Keystone, the 401 of a noauth token is an answer.
                if resp.status_code == 200 or (
                        resp.status_code == 401 and
                        self.auth_strategy == 'keystone'):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError('Karbor did not come up; logs in %s' %
                           self.workdir)

    def _check_alive(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError('%s exited with %s; log:\n%s' % (
                    name, process.returncode, self.log(name)[-4000:]))

    def log(self, name):
        with open(os.path.join(self.workdir, name + '.log'),
                  errors='replace') as log:
            return log.read()

    def stop(self):
        """Stop every process (SIGTERM, then SIGKILL after 15 s)."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    # Clients

    def http(self, method, path, project='demo', user='demo', **kwargs):
        headers = kwargs.pop('headers', {})
        headers.setdefault('X-Auth-Token', '%s:%s' % (user, project))
        if 'json' in kwargs or 'data' in kwargs:
            headers.setdefault('Content-Type', 'application/json')
        return requests.request(method, '%s/v1/%s%s' % (
            self.url, project, path), headers=headers, timeout=30, **kwargs)

    def karbor(self, *args, project='demo', user='demo', check=True):
        """Run the real karbor CLI; returns the CompletedProcess."""
        env = dict(os.environ)
        env.pop('OS_AUTH_TYPE', None)
        env.update({'OS_NO_CLIENT_AUTH': '1',
                    'KARBOR_URL': '%s/v1/%s' % (self.url, project),
                    'OS_AUTH_TOKEN': '%s:%s' % (user, project)})
        result = subprocess.run([shutil.which('karbor', path=BIN)] +
                                list(args), env=env, capture_output=True,
                                text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError('karbor %s failed (%s): %s%s' % (
                ' '.join(args), result.returncode, result.stdout,
                result.stderr))
        return result


def table_rows(output):
    """The rows of a PrettyTable printed by the CLI, as lists of cells."""
    rows = []
    for line in output.splitlines():
        if line.startswith('|'):
            rows.append([cell.strip() for cell in line.strip('|').split('|')])
    return rows


def property_table(output):
    """A ``Property | Value`` table as a dict (multi-line values joined)."""
    values, key = {}, None
    for cells in table_rows(output)[1:]:
        name, value = cells[0], cells[1]
        if name:
            key = name
            values[key] = value
        elif key is not None:
            values[key] += '\n' + value
    return values


def json_value(text):
    return json.loads(text)


def wait_for(predicate, timeout=60, interval=0.2, what='a condition'):
    """Poll ``predicate`` until it returns a true value; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError('Timed out after %ss waiting for %s' % (
                timeout, what))
        time.sleep(interval)


def assert_fault(response, status):
    """``response`` is an HTTP ``status`` error in Karbor's fault format:
    ``{"<faultName>": {"code": status, "message": "..."}}``; returns the
    message.
    """
    assert response.status_code == status, (response.status_code,
                                            response.text)
    assert 'application/json' in response.headers.get('Content-Type', '')
    body = response.json()
    assert len(body) == 1, body
    fault = next(iter(body.values()))
    assert fault['code'] == status, body
    assert isinstance(fault['message'], str) and fault['message'], body
    return fault['message']
