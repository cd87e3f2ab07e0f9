"""A real Keystone and a real Cinder (fake volume driver) for tests.

Both come from PyPI, in pinned virtualenvs outside the source tree (see
``venvs``). :class:`Deployment` starts, in a temporary directory and on
free ports: Keystone (gunicorn, SQLite, fernet tokens), cinder-api
(gunicorn), cinder-scheduler and cinder-volume with
``FakeLoggingVolumeDriver``; Cinder's database is a fresh one on the
machine's MariaDB and its messaging a vhost of its own on the machine's
RabbitMQ. Keystone holds a ``demo`` project whose
``demo`` user has the ``member`` role, and the ``volumev3`` endpoint.

``tools/real-cinder-tier`` is the command line of this module.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session

from karbor.tests.functional.banks import swift_aio
from karbor.tests.realcinder import venvs

# Cinder's API and volume service write concurrently: SQLite says
# "database is locked", so Cinder gets a database on the machine's MariaDB.
MYSQL_URL = os.environ.get('KARBOR_TEST_MYSQL_URL',
                           'mysql+pymysql://root@127.0.0.1:3306/')
RABBIT = os.environ.get('KARBOR_TEST_RABBIT_HOST', '127.0.0.1:5672')
ENV_FILE = 'realcinder.env'
PID_FILE = 'pids'

# gunicorn passes its own flags in sys.argv; oslo.config must not see them.
_WSGI_WRAPPER = '''\
import sys
sys.argv = [sys.argv[0]] + %(argv)r
from %(module)s import application  # noqa
'''


def _rabbitmqctl(*args):
    return venvs.run(['rabbitmqctl', '-q'] + list(args))


def _die_with_parent():
    os.setsid()
    swift_aio._die_with_parent()


class Deployment(object):
    """Keystone + Cinder processes of one test run.

    ``attached=True`` (pytest) ties the servers to this process: they get
    SIGTERM if it dies. The command line starts them detached and stops
    them later from the PID file.
    """

    def __init__(self, base_dir=None, attached=True, timeout=120):
        self.base_dir = base_dir
        self.attached = attached
        self.timeout = timeout
        self.env = {}

    # -- public interface -------------------------------------------------

    def start(self):
        venvs.ensure_venvs()
        self.base_dir = self.base_dir or tempfile.mkdtemp(
            prefix='karbor-realcinder-')
        suffix = uuid.uuid4().hex[:12]
        ks_port, cinder_port = swift_aio.free_ports(2)
        self.env = {
            'KARBOR_RC_DIR': self.base_dir,
            'KARBOR_RC_AUTH_URL': 'http://127.0.0.1:%d/v3' % ks_port,
            'KARBOR_RC_CINDER_URL': 'http://127.0.0.1:%d/v3' % cinder_port,
            'KARBOR_RC_VHOST': 'karbor-rc-%s' % suffix,
            'KARBOR_RC_CINDER_DB': 'karbor_rc_%s' % suffix,
            'KARBOR_RC_DEMO_PASSWORD': uuid.uuid4().hex,
            'KARBOR_RC_CINDER_PASSWORD': uuid.uuid4().hex,
            'KARBOR_RC_KARBOR_PASSWORD': uuid.uuid4().hex,
        }
        try:
            self._start_keystone(ks_port)
            self._register_cinder(cinder_port)
            self._start_cinder(cinder_port, suffix)
            self._write_env_file()
        except BaseException:
            self.stop(keep_files=True)
            raise
        return self

    def stop(self, keep_files=False):
        """Stop every server (by process group); drop vhost and database."""
        if not self.base_dir:
            return
        pids = self._pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
        deadline = time.time() + 15
        for pid in pids:
            while _group_alive(pid) and time.time() < deadline:
                _reap(pid)
                time.sleep(0.05)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            _reap(pid)
        env = self.env or self._read_env()
        if env.get('KARBOR_RC_VHOST'):
            with contextlib.suppress(RuntimeError, OSError):
                _rabbitmqctl('delete_vhost', env['KARBOR_RC_VHOST'])
        if env.get('KARBOR_RC_CINDER_DB'):
            with contextlib.suppress(Exception):
                _mysql('DROP DATABASE IF EXISTS %s'
                       % env['KARBOR_RC_CINDER_DB'])
        if keep_files or os.environ.get('KARBOR_RC_KEEP_LOGS'):
            print('real-cinder-tier: files kept in %s' % self.base_dir,
                  file=sys.stderr)
        else:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        self.base_dir = None

    def admin_session(self):
        return self._session('admin', 'admin',
                             self.env['KARBOR_RC_ADMIN_PASSWORD'])

    def demo_session(self):
        return self._session('demo', 'demo',
                             self.env['KARBOR_RC_DEMO_PASSWORD'])

    @classmethod
    def from_env_file(cls, path):
        """A handle on a deployment started by ``tools/real-cinder-tier``."""
        deployment = cls(os.path.dirname(os.path.abspath(path)),
                         attached=False)
        deployment.env = deployment._read_env()
        return deployment

    # -- keystone ---------------------------------------------------------

    def _start_keystone(self, port):
        work = os.path.join(self.base_dir, 'keystone')
        os.makedirs(os.path.join(self.base_dir, 'log'), exist_ok=True)
        shutil.copytree(venvs.keystone_template(), work)
        conf = venvs.write_keystone_conf(work, os.path.join(
            self.base_dir, 'log', 'keystone.log'))
        with open(os.path.join(work, 'admin-password')) as f:
            self.env['KARBOR_RC_ADMIN_PASSWORD'] = f.read().strip()
        self._serve_wsgi('keystone', 'keystone.wsgi.api', [], port,
                         {'OS_KEYSTONE_CONFIG_FILES': conf})
        self._wait_http(self.env['KARBOR_RC_AUTH_URL'], 'keystone')
        s = self.admin_session()
        base = self.env['KARBOR_RC_AUTH_URL']
        for endpoint in s.get(base + '/endpoints').json()['endpoints']:
            s.patch(base + '/endpoints/' + endpoint['id'], json={
                'endpoint': {'url': base + '/'}})

    def register_endpoint(self, service_type, name, url):
        """Make ``url`` the catalog's ``service_type`` (3 interfaces)."""
        s = self.admin_session()
        base = self.env['KARBOR_RC_AUTH_URL']
        for old in s.get(base + '/services', params={
                'type': service_type}).json()['services']:
            s.delete(base + '/services/' + old['id'])
        service_id = s.post(base + '/services', json={'service': {
            'type': service_type, 'name': name}}).json()['service']['id']
        for interface in ('public', 'internal', 'admin'):
            s.post(base + '/endpoints', json={'endpoint': {
                'service_id': service_id, 'interface': interface,
                'url': url, 'region_id': venvs.REGION}})

    def _register_cinder(self, cinder_port):
        """Service users (Cinder's and Karbor's), Cinder's catalog entry
        and the demo project."""
        s = self.admin_session()
        base = self.env['KARBOR_RC_AUTH_URL']

        def post(path, key, body):
            return s.post(base + path, json={key: body}).json()[key]['id']

        roles = {r['name']: r['id'] for r in s.get(
            base + '/roles').json()['roles']}
        # bootstrap creates 'service' in recent releases
        service_role = roles.get('service') or post('/roles', 'role',
                                                    {'name': 'service'})
        projects = {}
        for project, user, role_ids in (
                ('service', 'cinder', (roles['admin'], service_role)),
                ('service', 'karbor', (roles['admin'], service_role)),
                ('demo', 'demo', (roles['member'],))):
            if project not in projects:
                projects[project] = post('/projects', 'project', {
                    'name': project, 'domain_id': 'default'})
            project_id = projects[project]
            password = self.env['KARBOR_RC_%s_PASSWORD' % user.upper()]
            user_id = post('/users', 'user', {
                'name': user, 'domain_id': 'default', 'password': password})
            for role_id in role_ids:
                s.put(base + '/projects/%s/users/%s/roles/%s' % (
                    project_id, user_id, role_id))
            self.env['KARBOR_RC_%s_PROJECT_ID' % project.upper()] = (
                project_id)
        self.register_endpoint(
            'volumev3', 'cinderv3',
            'http://127.0.0.1:%d/v3/$(project_id)s' % cinder_port)

    # -- cinder -----------------------------------------------------------

    def _start_cinder(self, port, suffix):
        work = self._mkdir('cinder')
        for sub in ('state', 'lock', 'log'):
            os.makedirs(os.path.join(work, sub))
        venv = venvs.venv_path('cinder')
        for name in ('api-paste.ini', 'resource_filters.json'):
            shutil.copy(os.path.join(venv, 'etc', 'cinder', name), work)
        vhost = self.env['KARBOR_RC_VHOST']
        _rabbitmqctl('add_vhost', vhost)
        _rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*',
                     '.*')
        db = self.env['KARBOR_RC_CINDER_DB']
        _mysql('CREATE DATABASE %s' % db)
        conf = os.path.join(work, 'cinder.conf')
        with open(conf, 'w') as f:
            f.write(_CINDER_CONF.format(
                w=work, db=MYSQL_URL + db, rabbit=RABBIT, vhost=vhost,
                host='rc-%s' % suffix,
                auth_url=self.env['KARBOR_RC_AUTH_URL'][:-3],
                password=self.env['KARBOR_RC_CINDER_PASSWORD']))
        venvs.run([os.path.join(venv, 'bin', 'cinder-manage'), '--config-file',
              conf, 'db', 'sync'])
        for service in ('volume', 'scheduler'):
            self._spawn('cinder-%s' % service, [
                os.path.join(venv, 'bin', 'cinder-%s' % service),
                '--config-file', conf])
        self._serve_wsgi('cinder', 'cinder.wsgi.api',
                         ['--config-file', conf], port, {})
        self._wait_http(self.env['KARBOR_RC_CINDER_URL'][:-3], 'cinder-api')
        self._wait_cinder_ready()

    def _wait_cinder_ready(self):
        """Wait until the scheduler knows the fake backend's pool."""
        s = self.admin_session()
        url = '%s/%s/scheduler-stats/get_pools' % (
            self.env['KARBOR_RC_CINDER_URL'],
            s.get_project_id())
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            self._check_alive()
            resp = s.get(url, raise_exc=False)
            if resp.status_code == 200 and resp.json().get('pools'):
                return
            time.sleep(0.25)
        raise RuntimeError('cinder found no backend (%s %s); logs in %s'
                           % (resp.status_code, resp.text[:200],
                              self.base_dir))

    # -- processes --------------------------------------------------------

    def _serve_wsgi(self, name, module, argv, port, env):
        work = os.path.join(self.base_dir, name)
        with open(os.path.join(work, '%s_wsgi.py' % name), 'w') as f:
            f.write(_WSGI_WRAPPER % {'argv': argv, 'module': module})
        self._spawn('%s-api' % name, [
            os.path.join(venvs.venv_path(name), 'bin', 'gunicorn'),
            '--chdir', work, '-b', '127.0.0.1:%d' % port, '-w', '1',
            '--timeout', '120', '%s_wsgi:application' % name], env)

    def _spawn(self, name, cmd, env=None):
        log = open(os.path.join(self.base_dir, 'log', '%s.out' % name), 'wb')
        with log:
            proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=dict(os.environ, **(env or {})),
                preexec_fn=_die_with_parent if self.attached else os.setsid)
        with open(os.path.join(self.base_dir, PID_FILE), 'a') as f:
            f.write('%d %s\n' % (proc.pid, name))

    def _pids(self):
        path = os.path.join(self.base_dir, PID_FILE)
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [int(line.split()[0]) for line in f if line.strip()]

    def _check_alive(self):
        path = os.path.join(self.base_dir, PID_FILE)
        with open(path) as f:
            for line in f:
                pid, name = line.split()
                _reap(int(pid))
                if not _group_alive(int(pid)):
                    raise RuntimeError('%s exited; see %s' % (
                        name, self._log_tail(name)))

    def _log_tail(self, name):
        path = os.path.join(self.base_dir, 'log', '%s.out' % name)
        with open(path, errors='replace') as f:
            return '%s:\n%s' % (path, f.read()[-3000:])

    def _wait_http(self, url, name):
        import requests
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            self._check_alive()
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=2).status_code < 500:
                    return
            time.sleep(0.1)
        raise RuntimeError('%s did not answer at %s' % (name, url))

    # -- files ------------------------------------------------------------

    def _mkdir(self, name):
        os.makedirs(os.path.join(self.base_dir, 'log'), exist_ok=True)
        path = os.path.join(self.base_dir, name)
        os.makedirs(path)
        return path

    def _write_env_file(self):
        path = os.path.join(self.base_dir, ENV_FILE)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            for key in sorted(self.env):
                f.write('%s=%s\n' % (key, self.env[key]))
        return path

    def _read_env(self):
        path = os.path.join(self.base_dir or '', ENV_FILE)
        if not os.path.exists(path):
            return {}
        with open(path) as f:
            return dict(line.rstrip('\n').split('=', 1) for line in f
                        if '=' in line)

    def _session(self, user, project, password):
        return ks_session.Session(auth=v3.Password(
            auth_url=self.env['KARBOR_RC_AUTH_URL'], username=user,
            password=password, project_name=project,
            user_domain_id='default', project_domain_id='default'))


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap(pid):
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _mysql(statement):
    import sqlalchemy as sa
    engine = sa.create_engine(MYSQL_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


_CINDER_CONF = '''\
[DEFAULT]
transport_url = rabbit://guest:guest@{rabbit}/{vhost}
auth_strategy = keystone
enabled_backends = fake
state_path = {w}/state
api_paste_config = {w}/api-paste.ini
resource_query_filters_file = {w}/resource_filters.json
log_dir = {w}/../log
host = {host}
my_ip = 127.0.0.1
[database]
connection = {db}
[oslo_concurrency]
lock_path = {w}/lock
[oslo_messaging_notifications]
driver = noop
[fake]
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
[keystone_authtoken]
www_authenticate_uri = {auth_url}
auth_url = {auth_url}
auth_type = password
project_domain_id = default
user_domain_id = default
project_name = service
username = cinder
password = {password}
'''


def _current_file():
    return os.path.join(venvs.cache_dir(), 'realcinder-current')


def main(argv=None):
    """``install`` | ``start`` | ``stop``: see tools/real-cinder-tier."""
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else ''
    if command == 'install':
        venvs.ensure_venvs()
    elif command == 'start':
        deployment = Deployment(attached=False).start()
        with open(_current_file(), 'w') as f:
            f.write(deployment.base_dir)
        print(os.path.join(deployment.base_dir, ENV_FILE))
    elif command == 'stop':
        if os.path.exists(_current_file()):
            with open(_current_file()) as f:
                base_dir = f.read().strip()
            Deployment.from_env_file(os.path.join(base_dir, ENV_FILE)).stop()
            os.unlink(_current_file())
    else:
        print('usage: real-cinder-tier install|start|stop', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
