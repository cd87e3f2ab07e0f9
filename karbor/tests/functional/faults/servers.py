"""Private PostgreSQL and RabbitMQ servers that a test may stop and start.

Each runs from its own temporary directory on free ports, apart from the
machine's servers; PostgreSQL runs as the ``postgres`` user when the tests
run as root (it refuses root).
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest
import sqlalchemy as sa

from karbor.tests.functional import deployment


def _postgres_bin(name):
    found = shutil.which(name)
    if found is None:
        for version in sorted(os.listdir('/usr/lib/postgresql'), reverse=True)\
                if os.path.isdir('/usr/lib/postgresql') else ():
            candidate = os.path.join('/usr/lib/postgresql', version, 'bin',
                                     name)
            if os.path.exists(candidate):
                return candidate
    return found


class PrivatePostgres(object):
    """``initdb`` + ``pg_ctl`` in a temporary directory."""

    def __init__(self):
        self.port = deployment.free_port()
        self.directory = tempfile.mkdtemp(prefix='karbor-pg-')
        self.data = os.path.join(self.directory, 'data')
        self._user = None
        if os.geteuid() == 0:
            try:
                self._user = pwd.getpwnam('postgres')
            except KeyError:
                pytest.skip('no postgres user to run PostgreSQL as')
            os.chown(self.directory, self._user.pw_uid, self._user.pw_gid)
        if not (_postgres_bin('initdb') and _postgres_bin('pg_ctl')):
            pytest.skip('PostgreSQL binaries are not installed')

    def _run(self, *args):
        command = list(args)
        if self._user is not None:
            command = ['runuser', '-u', 'postgres', '--'] + command
        return subprocess.run(command, check=True, capture_output=True,
                              text=True, timeout=120)

    def url(self, database='postgres'):
        return 'postgresql+psycopg2://postgres@127.0.0.1:%d/%s' % (
            self.port, database)

    def init(self):
        self._run(_postgres_bin('initdb'), '-D', self.data, '-A', 'trust',
                  '-U', 'postgres', '--no-sync')
        self.start()

    def start(self):
        self._run(_postgres_bin('pg_ctl'), '-D', self.data, '-w', '-l',
                  os.path.join(self.directory, 'server.log'), '-o',
                  '-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off'
                  % (self.port, self.directory), 'start')

    def stop(self):
        """Stop at once (``-m immediate``), as a crash would."""
        self._run(_postgres_bin('pg_ctl'), '-D', self.data, '-w', '-m',
                  'immediate', 'stop')

    def create_database(self, name):
        engine = sa.create_engine(self.url(), isolation_level='AUTOCOMMIT')
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql('CREATE DATABASE %s' % name)
        finally:
            engine.dispose()
        return self.url(name)

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRabbit(object):
    """A RabbitMQ node of its own: node name, ports, data and logs."""

    def __init__(self):
        if not shutil.which('rabbitmq-server'):
            pytest.skip('RabbitMQ is not installed')
        self.port = deployment.free_port()
        self.node = 'karbor-test-%s@localhost' % uuid.uuid4().hex[:8]
        self.directory = tempfile.mkdtemp(prefix='karbor-rabbit-')
        plugins = os.path.join(self.directory, 'enabled_plugins')
        with open(plugins, 'w') as out:
            out.write('[].\n')  # no management listener
        if os.geteuid() == 0:
            # The packaged scripts run the node as the rabbitmq user.
            try:
                user = pwd.getpwnam('rabbitmq')
            except KeyError:
                user = None
            if user is not None:
                for path in (self.directory, plugins):
                    os.chown(path, user.pw_uid, user.pw_gid)
        self.env = dict(os.environ, **{
            'RABBITMQ_NODENAME': self.node,
            'RABBITMQ_NODE_PORT': str(self.port),
            'RABBITMQ_DIST_PORT': str(deployment.free_port()),
            'RABBITMQ_MNESIA_BASE': os.path.join(self.directory, 'mnesia'),
            'RABBITMQ_LOG_BASE': os.path.join(self.directory, 'log'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': plugins,
            'RABBITMQ_PID_FILE': os.path.join(self.directory, 'node.pid'),
            'RABBITMQ_CONFIG_FILE': os.path.join(self.directory, 'none'),
        })

    @property
    def url(self):
        return 'rabbit://guest:guest@127.0.0.1:%d/' % self.port

    def _ctl(self, *args, timeout=120):
        return subprocess.run(['rabbitmqctl', '-n', self.node] + list(args),
                              env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def start(self, timeout=90):
        subprocess.run(['rabbitmq-server', '-detached'], env=self.env,
                       check=True, capture_output=True, timeout=60)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._ctl('await_startup', '--timeout', '5',
                         timeout=30).returncode == 0:
                return
            time.sleep(0.5)
        raise TimeoutError('RabbitMQ node %s did not start' % self.node)

    def stop(self):
        self._ctl('stop')

    def destroy(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
