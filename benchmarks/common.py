"""Plumbing shared by the benchmarks: servers, a REST client, statistics.

``OursServer`` runs ``karbor-all`` (embedded defaults, or a given
karbor.conf); ``AnchorServer`` runs the original Karbor 1.6.0 through
``/work/shared/anchor/karbor-anchor``. Both speak the same noauth API, so
one ``Client`` drives either. Every run uses a fresh project, so earlier
runs (the anchor keeps its state) never change what is measured.
"""

import argparse
import atexit
import configparser
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(REPO, '.venv', 'bin')
ANCHOR_TOOL = os.environ.get('KARBOR_ANCHOR',
                             '/work/shared/anchor/karbor-anchor')
ANCHOR_DIR = os.environ.get('ANCHOR_DIR', '/tmp/karbor-anchor')
ANCHOR_PORT = int(os.environ.get('ANCHOR_PORT', '8899'))
NOOP_PROVIDER = 'b766f37c-d011-4026-8228-28730d734a3f'
VOLUME = 'OS::Cinder::Volume'


class BenchmarkError(Exception):
    """A server failed to start or answered with an error."""


class Timeout(BenchmarkError):
    """An operation did not finish in time."""


def parse_args(description, runs, extra=None):
    """The common command line; ``extra(parser)`` may add options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--runs', type=int, default=runs,
                        help='measurements per figure (default %d)' % runs)
    parser.add_argument('--no-anchor', action='store_true',
                        help='do not run the original Karbor')
    parser.add_argument('--ours-config', metavar='KARBOR_CONF',
                        help='run karbor-all with this configuration '
                             '(e.g. MariaDB + RabbitMQ) instead of the '
                             'embedded defaults')
    if extra:
        extra(parser)
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def new_project():
    return 'bench%s' % uuid.uuid4().hex[:12]


def fake_volumes(count):
    """``count`` plan resources of made-up volumes (no outside call)."""
    return [{'id': str(uuid.uuid4()), 'type': VOLUME,
             'name': 'vol-%d' % (i + 1)} for i in range(count)]


class Client(object):
    """A keep-alive JSON client of one project's ``/v1/<project>`` API."""

    def __init__(self, host, port, project, timeout=60):
        self.host, self.port, self.timeout = host, port, timeout
        self.prefix = '/v1/%s' % project
        self.headers = {'X-Auth-Token': 'bench:%s' % project,
                        'Content-Type': 'application/json'}
        self._conn = None

    def _connection(self):
        if self._conn is None:
            self._conn = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method, path, body=None, timeout=None):
        """Send a request; return the decoded JSON body (errors raise)."""
        data = json.dumps(body) if body is not None else None
        for attempt in (1, 2):
            conn = self._connection()
            conn.timeout = timeout or self.timeout
            if conn.sock is not None:
                conn.sock.settimeout(conn.timeout)
            try:
                conn.request(method, self.prefix + path, data, self.headers)
                resp = conn.getresponse()
                payload = resp.read()
                break
            except socket.timeout:
                self.close()
                raise Timeout('%s %s timed out' % (method, path))
            except (http.client.HTTPException, OSError):
                # A server may drop an idle keep-alive connection.
                self.close()
                if attempt == 2:
                    raise
        if resp.will_close:
            self.close()
        if resp.status >= 400:
            raise BenchmarkError('%s %s -> %s %s' % (
                method, path, resp.status, payload[:300]))
        return json.loads(payload) if payload else {}

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body, **kwargs):
        return self.request('POST', path, body, **kwargs)

    # Karbor operations used by the benchmarks.

    def create_plan(self, resources, name='bench-plan',
                    provider_id=NOOP_PROVIDER, timeout=None):
        body = {'plan': {'name': name, 'provider_id': provider_id,
                         'parameters': {}, 'resources': resources}}
        return self.post('/plans', body, timeout=timeout)['plan']['id']

    def create_checkpoint(self, plan_id, provider_id=NOOP_PROVIDER,
                          timeout=None):
        body = {'checkpoint': {'plan_id': plan_id}}
        return self.post('/providers/%s/checkpoints' % provider_id, body,
                         timeout=timeout)['checkpoint']['id']

    def checkpoint_status(self, checkpoint_id, provider_id=NOOP_PROVIDER):
        return self.get('/providers/%s/checkpoints/%s' % (
            provider_id, checkpoint_id))['checkpoint']['status']

    def wait_checkpoint(self, checkpoint_id, interval=0.002, timeout=60,
                        provider_id=NOOP_PROVIDER):
        """Poll until it leaves ``protecting``; return the final status.

        Polls every ``interval`` for the first second, then every 20 ms
        at most, so long operations are not slowed by the polling.
        """
        start = time.monotonic()
        while True:
            status = self.checkpoint_status(checkpoint_id, provider_id)
            if status != 'protecting':
                return status
            elapsed = time.monotonic() - start
            if elapsed > timeout:
                raise Timeout('checkpoint %s still protecting after %ss'
                              % (checkpoint_id, timeout))
            time.sleep(interval if elapsed < 1 else max(interval, 0.02))

    def protect(self, plan_id, interval=0.002, timeout=60):
        """POST a checkpoint and wait for it: ``(seconds, status)``."""
        start = time.perf_counter()
        checkpoint_id = self.create_checkpoint(plan_id, timeout=timeout)
        status = self.wait_checkpoint(checkpoint_id, interval, timeout)
        return time.perf_counter() - start, status


def wait_up(host, port, timeout, proc=None, log=None):
    """Wait until ``GET /providers`` answers on ``host:port``."""
    client = Client(host, port, 'admin', timeout=5)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise BenchmarkError('server exited (%s); see %s'
                                     % (proc.returncode, log))
            try:
                client.get('/providers')
                return
            except (BenchmarkError, OSError, http.client.HTTPException):
                time.sleep(0.1)
    finally:
        client.close()
    raise BenchmarkError('server on port %s not up after %ss; see %s'
                         % (port, timeout, log))


class OursServer(object):
    """``karbor-all`` in a child process, on a temp state dir and port."""

    host = '127.0.0.1'
    command = (os.path.join(VENV_BIN, 'karbor-all'),)
    env = None  # the environment of the child; None: this one's

    def __init__(self, config_file=None):
        self.config_file = config_file
        self.state_dir = tempfile.mkdtemp(prefix='karbor-bench-')
        self.port = None
        self.proc = None
        self.log = os.path.join(self.state_dir, 'karbor-all.log')

    @property
    def label(self):
        return 'ours (%s)' % ('config %s' % os.path.basename(
            self.config_file) if self.config_file else 'karbor-all embedded')

    def start(self):
        cmd = list(self.command)
        if self.config_file:
            self.port = self._configured_port()
            cmd += ['--config-file', self.config_file]
        else:
            self.port = free_port()
            # The benchmark load makes no outside call: no sandbox cloud.
            cmd += ['--state-dir', self.state_dir, '--port', str(self.port),
                    '--no-sandbox', '--auth', 'noauth']
        with open(self.log, 'ab') as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log,
                                         cwd=self.state_dir, env=self.env)
        try:
            wait_up(self.host, self.port, 60, self.proc, self.log)
        except BenchmarkError:
            with open(self.log) as log:
                sys.stderr.write(log.read()[-3000:])
            self.stop(keep_state=True)
            raise
        return self

    def _configured_port(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.config_file)
        return parser.getint('DEFAULT', 'osapi_karbor_listen_port',
                             fallback=8799)

    @property
    def config_path(self):
        """The karbor.conf the server runs with."""
        return self.config_file or os.path.join(self.state_dir,
                                                'karbor-noauth.conf')

    def client(self, project=None, timeout=60):
        return Client(self.host, self.port, project or new_project(),
                      timeout=timeout)

    def stop(self, keep_state=False):
        """Stop the server; remove its state dir unless ``keep_state``."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.drop_state(keep_state)

    def drop_state(self, keep_state):
        """Remove the state directory, or say where it was kept."""
        if keep_state:
            print('state and logs kept in %s' % self.state_dir,
                  file=sys.stderr)
        else:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop(keep_state=exc_type is not None)


class AnchorServer(object):
    """The original Karbor; started (and later stopped) only if down."""

    host = '127.0.0.1'
    label = 'anchor (Karbor 1.6.0, MariaDB + RabbitMQ)'

    def __init__(self):
        self.port = ANCHOR_PORT
        self.started_here = False

    def _tool(self, *args, check=True):
        return subprocess.run([ANCHOR_TOOL] + list(args), check=check,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True).stdout

    def running(self):
        """Whether the anchor API answers (a busy one may be slow)."""
        for _ in range(3):
            if self._tool('status', check=False).strip() == '200':
                return True
        return False

    def start(self):
        if not os.path.exists(os.path.join(ANCHOR_DIR, 'venv', 'bin',
                                           'karbor-api')):
            print('installing the anchor (about a minute)...', flush=True)
            self._tool('install')
        if not self.running():
            self._tool('start')
            self.started_here = True
        wait_up(self.host, self.port, 60, log=ANCHOR_DIR + '/logs')
        return self

    def client(self, project=None, timeout=60):
        return Client(self.host, self.port, project or new_project(),
                      timeout=timeout)

    def stop(self):
        if self.started_here:
            self._tool('stop')
            self.started_here = False

    def restart(self):
        """Stop and start again, e.g. to drop work left running."""
        self._tool('stop')
        self._tool('start')
        wait_up(self.host, self.port, 60, log=ANCHOR_DIR + '/logs')

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# CPU time of creating a small file on this VM's ext4 when no mass deletion
# is recent: about 0.02 ms.
SETTLED_FILE_MS = 0.06
PROBE_FILES = 200


def file_creation_ms(directory):
    """CPU milliseconds (mostly the kernel's) to create one small file in
    ``directory``: the median of ``PROBE_FILES`` creations, kept there."""
    probe = tempfile.mkdtemp(prefix='probe-', dir=directory)
    costs = []
    for number in range(PROBE_FILES):
        start = time.process_time()
        with open(os.path.join(probe, str(number)), 'xb') as probe_file:
            probe_file.write(b'x' * 100)
        costs.append(time.process_time() - start)
    return ms(statistics.median(costs))


# ext4 counts a freed inode as recent for 60 s after its inode table block
# is written back (about 30 s after the delete), 360 s while it is not.
AFTER_DELETING = 120


def settle_disk(max_wait=600, interval=20, min_wait=0):
    """Wait until creating a file costs what it costs on a settled disk.

    ext4 skips the inodes freed in the last minutes when it allocates one
    (``recently_deleted`` in ``find_inode_bit``): after a test run, or a
    benchmark that removed its state, every file creation costs up to 15x
    more for some minutes, for ours and the anchor alike, so the figures
    measured then tell more about the disk's past than about either
    service. A probe in a new directory does not always land where the
    deleted files were: after removing a state directory of its own, a
    benchmark waits ``min_wait`` seconds (``AFTER_DELETING``) as well.
    Waits at most ``max_wait`` seconds and says what it saw; the probe
    files go when this process exits (a few hundred deletions).
    """
    directory = tempfile.mkdtemp(prefix='karbor-bench-disk-')
    atexit.register(shutil.rmtree, directory, True)
    start = time.monotonic()
    if min_wait:
        print('disk: waiting %d s for the files just removed to age'
              % min_wait, flush=True)
        time.sleep(min_wait)
    cost = file_creation_ms(directory)
    while cost > SETTLED_FILE_MS and time.monotonic() - start < max_wait:
        print('disk: creating a file costs %.3f ms (settled: under %.2f); '
              'waiting for the recently deleted inodes to age'
              % (cost, SETTLED_FILE_MS), flush=True)
        time.sleep(interval)
        cost = file_creation_ms(directory)
    waited = time.monotonic() - start
    print('disk: creating a file costs %.3f ms%s%s' % (
        cost, ' after %.0f s' % waited if waited >= interval else '',
        '' if cost <= SETTLED_FILE_MS else
        ' - NOT SETTLED, figures below are slowed by it'), flush=True)
    return cost


def ms(seconds):
    return seconds * 1000.0


def percentile(values, fraction):
    """Nearest-rank percentile of ``values`` (0 < fraction <= 1)."""
    ordered = sorted(values)
    rank = max(1, int(round(fraction * len(ordered) + 0.5 - 1e-9)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values):
    """``(median, p90)`` of ``values``."""
    return statistics.median(values), percentile(values, 0.9)


def ratio_line(anchor_value, ours_value):
    return 'ratio anchor/ours = %.1fx' % (anchor_value / ours_value)


def verdict(name, ok, detail):
    """Print a target line; return ``ok``."""
    print('target %s: %s (%s)' % (name, 'met' if ok else 'MISSED', detail),
          flush=True)
    return ok


def finish(all_ok):
    sys.exit(0 if all_ok else 1)
