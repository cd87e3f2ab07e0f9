"""A throwaway Swift all-in-one for functional tests.

Swift (the server) is installed from PyPI into its own virtualenv (with
keystonemiddleware, for the Keystone mode below), created on first use
and reused afterwards: ``$KARBOR_TEST_CACHE/swift-venv``, by default
``~/.cache/karbor-tests/swift-venv`` (outside the source tree, and a
directory CI systems usually cache). :class:`SwiftAIO` starts
account, container, in-memory object and proxy servers on free ports in a
temporary directory, with tempauth (user ``test:tester``, key ``testing``).
Tempauth keeps tokens in memcache; instead of a memcached daemon the proxy
gets a small in-process dict cache, which is enough for a single-process
proxy.

    with SwiftAIO() as aio:
        aio.auth_url, aio.user, aio.key

Given a :class:`Keystone`, the proxy authenticates with Keystone instead,
as a Swift behind Keystone does: keystonemiddleware's ``authtoken``
validates tokens with that Keystone (as its service user) and Swift's
``keystoneauth`` lets users with an operator role use their project's
account (``AUTH_<project id>``). Clients find the proxy in the Keystone
catalog, where the caller registers :attr:`SwiftAIO.endpoint` as
``object-store``:

    with SwiftAIO(keystone=Keystone(auth_url, 'swift', 'password')) as aio:
        register_endpoint('object-store', aio.endpoint)
"""

import contextlib
import ctypes
import dataclasses
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request

import psutil

SWIFT_VERSION = '2.38.3'
# What the venv holds (keystonemiddleware at the version
# upper-constraints.txt pins); its marker file names them, so that a venv
# made with fewer gets the rest.
PACKAGES = ('swift==%s' % SWIFT_VERSION, 'keystonemiddleware')
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                         '..', '..', '..', '..'))
SERVERS = ('account', 'container', 'object')

# Imported by the servers (PYTHONPATH): the proxy's cache and the object
# server app.
_HELPER_MODULE = '''
import collections
import json
import time

from swift.obj import mem_server


class DictCache(object):
    """The subset of swift's MemcacheRing used by the proxy."""

    def __init__(self):
        self._data = {}

    def get(self, key, raise_on_error=False):
        value, expires = self._data.get(key, (None, 0))
        if expires and expires < time.time():
            self._data.pop(key, None)
            return None
        return None if value is None else json.loads(value)

    def set(self, key, value, serialize=True, time=0, min_compress_len=0,
            raise_on_error=False):
        expires = _now() + time if time else 0
        self._data[key] = (json.dumps(value), expires)

    def delete(self, key, server_key=None):
        self._data.pop(key, None)

    def incr(self, key, delta=1, time=0):
        value = int(self.get(key) or 0) + delta
        self.set(key, value, time=time)
        return value

    def decr(self, key, delta=1, time=0):
        return self.incr(key, -delta, time)


_now = time.time


def filter_factory(global_conf, **local_conf):
    cache = DictCache()

    def wrap(app):
        def middleware(env, start_response):
            env['swift.cache'] = cache
            return app(env, start_response)
        return middleware
    return wrap


class _NoAsyncUpdates(object):
    def pickle_async_update(self, *args, **kwargs):
        pass  # no object-updater runs here; the in-memory server lacks it


class ObjectController(mem_server.ObjectController):
    """In-memory object server that tolerates failed container updates."""

    def setup(self, conf):
        super().setup(conf)
        self._diskfile_router = collections.defaultdict(_NoAsyncUpdates)


def object_app_factory(global_conf, **local_conf):
    conf = dict(global_conf, **local_conf)
    return ObjectController(conf)
'''

_RING_SCRIPT = '''
import sys
from swift.common.ring import RingBuilder

etc = sys.argv[1]
for name, port in zip(('account', 'container', 'object'), sys.argv[2:]):
    builder = RingBuilder(4, 1, 1)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1',
                     'port': int(port), 'device': 'd1', 'weight': 100})
    builder.rebalance()
    builder.get_ring().save('%s/%s.ring.gz' % (etc, name))
'''


try:
    # Resolved now: the child between fork and exec must not load libraries.
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_parent():
    """Have the kernel stop a server if the test process dies (Linux)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class _PortTaken(Exception):
    pass


def venv_path():
    cache = os.environ.get('KARBOR_TEST_CACHE') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
        'karbor-tests')
    return os.path.join(cache, 'swift-venv')


def ensure_venv(path=None):
    """Create the Swift virtualenv unless it exists; return its path.

    A file lock makes concurrent callers (pytest-xdist workers) wait for
    the first one instead of installing twice.
    """
    path = path or venv_path()
    ready = os.path.join(path, '.karbor-%s' % '-'.join(PACKAGES))
    if os.path.exists(ready):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(ready):
            _install(path)
            open(ready, 'w').close()
    return path


def _install(path):
    """Install PACKAGES into the venv at ``path``: into the one there (a
    venv an older list made, whose servers may be running: it keeps what
    it has), or into a new one where there is none or pip fails there."""
    if os.path.exists(os.path.join(path, 'bin', 'pip')):
        try:
            return _run(_pip_install(path))
        except RuntimeError:
            pass
    shutil.rmtree(path, ignore_errors=True)
    _run([sys.executable, '-m', 'venv', path])
    _run(_pip_install(path))


def _pip_install(path):
    cmd = [os.path.join(path, 'bin', 'pip'), 'install', '-q'] + list(
        PACKAGES)
    constraints = os.path.join(REPO_ROOT, 'upper-constraints.txt')
    if os.path.exists(constraints):
        cmd[3:3] = ['-c', constraints]
    return cmd


def _run(step):
    result = subprocess.run(step, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError('%s failed:\n%s' % (' '.join(step),
                                               result.stderr))


def free_ports(count):
    """``count`` distinct ports that are free right now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(('127.0.0.1', 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port():
    return free_ports(1)[0]


@dataclasses.dataclass(frozen=True)
class Keystone(object):
    """The Keystone a proxy authenticates with: its v3 ``auth_url``, the
    service user authtoken validates tokens as, and the roles that make a
    user an operator of their project's account."""

    auth_url: str
    username: str
    password: str
    project_name: str = 'service'
    operator_roles: tuple = ('admin', 'member')
    domain_id: str = 'default'


class SwiftAIO(object):
    """Swift proxy + account/container/object servers for one test run.

    ``keystone``: a :class:`Keystone` to authenticate with instead of
    tempauth.
    """

    user = 'test:tester'
    key = 'testing'

    def __init__(self, venv=None, start_timeout=60, keystone=None):
        self._venv = venv
        self._timeout = start_timeout
        self.keystone = keystone
        self._procs = []
        self.base_dir = None
        self.ports = {}

    @property
    def auth_url(self):
        """Where clients authenticate: tempauth, or the Keystone."""
        if self.keystone:
            return self.keystone.auth_url
        return 'http://127.0.0.1:%d/auth/v1.0' % self.ports['proxy']

    @property
    def endpoint(self):
        """The object-store endpoint to put in the Keystone catalog."""
        return 'http://127.0.0.1:%d/v1/AUTH_$(project_id)s' % \
            self.ports['proxy']

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, attempts=3):
        venv = ensure_venv(self._venv)
        for attempt in range(attempts):
            try:
                return self._start(venv)
            except _PortTaken:
                if attempt == attempts - 1:
                    raise

    def _start(self, venv):
        self.base_dir = tempfile.mkdtemp(prefix='karbor-swift-aio-')
        etc = os.path.join(self.base_dir, 'etc')
        os.makedirs(os.path.join(self.base_dir, 'srv', 'd1'))
        os.makedirs(etc)
        self.ports = dict(zip(SERVERS + ('proxy',), free_ports(4)))
        self._write_configs(etc)
        python = os.path.join(venv, 'bin', 'python')
        subprocess.run([python, '-c', _RING_SCRIPT, etc] +
                       [str(self.ports[s]) for s in SERVERS],
                       check=True, capture_output=True)
        env = dict(os.environ, PYTHONPATH=self.base_dir)
        try:
            for name in SERVERS + ('proxy',):
                self._spawn(venv, name, etc, env)
            deadline = time.time() + self._timeout
            for port in self.ports.values():
                self._wait_for_port(port, deadline)
            self._wait_healthy(deadline)
            self._check_ports_are_ours()
        except BaseException:
            self.stop()
            raise

    def _spawn(self, venv, name, etc, env):
        log = open(os.path.join(self.base_dir, '%s.log' % name), 'wb')
        with log:
            self._procs.append(subprocess.Popen(
                [os.path.join(venv, 'bin', 'swift-%s-server' % name),
                 os.path.join(etc, '%s-server.conf' % name), '-v'],
                stdout=log, stderr=subprocess.STDOUT, env=env,
                stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent))

    def _check_alive(self):
        for proc in self._procs:
            if proc.poll() is not None:
                raise RuntimeError('Swift server %s exited; logs in %s'
                                   % (proc.args[0], self.base_dir))

    def _wait_for_port(self, port, deadline):
        while time.time() < deadline:
            self._check_alive()
            with contextlib.suppress(OSError), \
                    socket.create_connection(('127.0.0.1', port), timeout=1):
                return
            time.sleep(0.05)
        raise RuntimeError('Swift server on port %d did not start' % port)

    def _wait_healthy(self, deadline):
        url = 'http://127.0.0.1:%d/healthcheck' % self.ports['proxy']
        while time.time() < deadline:
            self._check_alive()
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=1) as resp:
                    if resp.status == 200:
                        return
            time.sleep(0.05)
        raise RuntimeError('Swift proxy did not become healthy')

    def _check_ports_are_ours(self):
        # Ports are picked free but released before the servers bind them;
        # another process may have taken one in between.
        for proc, name in zip(self._procs, SERVERS + ('proxy',)):
            listening = {c.laddr.port for c in
                         psutil.Process(proc.pid).net_connections('tcp')
                         if c.status == psutil.CONN_LISTEN}
            if self.ports[name] not in listening:
                raise _PortTaken(self.ports[name])

    def stop(self):
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._procs = []
        if self.base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None

    def _write_configs(self, etc):
        common = textwrap.dedent('''\
            [DEFAULT]
            bind_ip = 127.0.0.1
            bind_port = {port}
            workers = 0
            user = {user}
            swift_dir = {etc}
            devices = {devices}
            mount_check = false
            log_level = WARNING
            ''')
        fmt = {'etc': etc, 'devices': os.path.join(self.base_dir, 'srv'),
               'user': _current_user()}
        with open(os.path.join(etc, 'swift.conf'), 'w') as f:
            f.write(textwrap.dedent('''\
                [swift-hash]
                swift_hash_path_suffix = karbor-tests
                swift_hash_path_prefix = karbor-tests
                [storage-policy:0]
                name = Policy-0
                default = yes
                '''))
        for name in SERVERS:
            app = ('paste.app_factory = karbor_swift_test:object_app_factory'
                   if name == 'object' else 'use = egg:swift#%s' % name)
            with open(os.path.join(etc, '%s-server.conf' % name), 'w') as f:
                f.write(common.format(port=self.ports[name], **fmt))
                f.write('[pipeline:main]\npipeline = %s-server\n'
                        '[app:%s-server]\n%s\n' % (name, name, app))
        with open(os.path.join(self.base_dir, 'karbor_swift_test.py'),
                  'w') as f:
            f.write(_HELPER_MODULE)
        with open(os.path.join(etc, 'proxy-server.conf'), 'w') as f:
            f.write(common.format(port=self.ports['proxy'], **fmt))
            f.write(_proxy_conf(self.keystone))


def _current_user():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


_FILTERS = ('catch_errors', 'gatekeeper', 'healthcheck', 'proxy_logging',
            'listing_formats', 'copy', 'dlo', 'versioned_writes', 'symlink')
_PROXY_CONF = textwrap.dedent('''\
    [pipeline:main]
    pipeline = catch_errors gatekeeper healthcheck proxy_logging cache
        listing_formats {auth} copy dlo versioned_writes symlink
        proxy_logging proxy-server
    [app:proxy-server]
    use = egg:swift#proxy
    account_autocreate = true
    allow_account_management = true
    [filter:cache]
    paste.filter_factory = karbor_swift_test:filter_factory
    ''') + ''.join('[filter:%s]\nuse = egg:swift#%s\n' % (f, f)
                   for f in _FILTERS)
_TEMPAUTH = textwrap.dedent('''\
    [filter:tempauth]
    use = egg:swift#tempauth
    user_admin_admin = admin .admin .reseller_admin
    user_test_tester = testing .admin
    ''')
# authtoken keeps validated tokens in its own in-process cache (no
# memcached here); the anonymous requests it lets through (ACLs) are
# keystoneauth's to decide.
_KEYSTONE = textwrap.dedent('''\
    [filter:authtoken]
    paste.filter_factory = keystonemiddleware.auth_token:filter_factory
    www_authenticate_uri = {k.auth_url}
    auth_url = {k.auth_url}
    auth_type = password
    username = {k.username}
    password = {k.password}
    project_name = {k.project_name}
    user_domain_id = {k.domain_id}
    project_domain_id = {k.domain_id}
    delay_auth_decision = true
    include_service_catalog = false
    [filter:keystoneauth]
    use = egg:swift#keystoneauth
    reseller_prefix = AUTH_
    operator_roles = {roles}
    ''')


def _proxy_conf(keystone):
    if keystone is None:
        return _PROXY_CONF.format(auth='tempauth') + _TEMPAUTH
    return _PROXY_CONF.format(auth='authtoken keystoneauth') + \
        _KEYSTONE.format(k=keystone,
                         roles=', '.join(keystone.operator_roles))
