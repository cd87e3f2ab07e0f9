"""Throw-away databases for tests.

Use the fixtures from a test module or a ``conftest.py``::

    from karbor.tests.dbfixtures import db_backend, sqlite_db  # noqa: F401

* ``sqlite_db``: a migrated SQLite file in the test's tmp dir, configured
  as ``[database] connection``; yields its URL.
* ``db_backend``: the same on SQLite, MariaDB and PostgreSQL (parametrised;
  a server that is not running skips its case); yields the backend name.

``database_url(backend)`` is the context manager underneath: it creates an
empty, uniquely named database and drops it on exit.
"""

import atexit
import contextlib
import os
import shutil
import tempfile
import uuid

from oslo_config import cfg
import pytest
import sqlalchemy as sa

from karbor.db import migration
from karbor.db.sqlalchemy import engine as db_engine

CONF = cfg.CONF

BACKENDS = ('sqlite', 'mysql', 'postgresql')
SERVER_URLS = {
    'mysql': os.environ.get('KARBOR_TEST_MYSQL_URL',
                            'mysql+pymysql://root@127.0.0.1:3306/'),
    'postgresql': os.environ.get(
        'KARBOR_TEST_POSTGRESQL_URL',
        'postgresql+psycopg2://postgres@127.0.0.1:5432/postgres'),
}
_AVAILABLE = {}
_SQLITE_TEMPLATE = {}


def available(backend):
    """True if the backend's server answers (always true for SQLite)."""
    if backend == 'sqlite':
        return True
    if backend not in _AVAILABLE:
        engine = sa.create_engine(SERVER_URLS[backend],
                                  connect_args={'connect_timeout': 3})
        try:
            with engine.connect():
                _AVAILABLE[backend] = True
        except Exception:
            _AVAILABLE[backend] = False
        finally:
            engine.dispose()
    return _AVAILABLE[backend]


def _unique_name():
    return 'karbor_test_%d_%s' % (os.getpid(), uuid.uuid4().hex[:10])


@contextlib.contextmanager
def database_url(backend, directory=None):
    """Create an empty database, yield its URL, drop it afterwards."""
    name = _unique_name()
    if backend == 'sqlite':
        tmp = directory or tempfile.mkdtemp(prefix='karbor-db-')
        try:
            yield 'sqlite:///%s' % os.path.join(tmp, name + '.sqlite')
        finally:
            if directory is None:
                shutil.rmtree(tmp, ignore_errors=True)
        return
    server = sa.create_engine(SERVER_URLS[backend],
                              isolation_level='AUTOCOMMIT')
    create, drop = {
        'mysql': ('CREATE DATABASE %s CHARACTER SET utf8mb4',
                  'DROP DATABASE IF EXISTS %s'),
        'postgresql': ('CREATE DATABASE %s',
                       'DROP DATABASE IF EXISTS %s WITH (FORCE)'),
    }[backend]
    try:
        with server.connect() as conn:
            conn.exec_driver_sql(create % name)
        yield server.url.set(database=name).render_as_string(
            hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(drop % name)
        server.dispose()


@contextlib.contextmanager
def configured(url, sync=True):
    """Point ``[database] connection`` at ``url`` (and migrate it)."""
    CONF.set_override('connection', url, group='database')
    db_engine.reset()
    try:
        if sync:
            migration.db_sync()
        yield url
    finally:
        db_engine.reset()
        CONF.clear_override('connection', group='database')


def _sqlite_template():
    """A migrated SQLite file, made once per process and copied per test."""
    if not os.path.exists(_SQLITE_TEMPLATE.get('path', '')):
        tmp = tempfile.mkdtemp(prefix='karbor-db-template-')
        atexit.register(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, 'template.sqlite')
        engine = sa.create_engine('sqlite:///' + path)
        migration.db_sync(engine=engine)
        engine.dispose()
        _SQLITE_TEMPLATE['path'] = path
    return _SQLITE_TEMPLATE['path']


@pytest.fixture
def sqlite_db(tmp_path):
    """A migrated SQLite database used by the DB API; yields its URL."""
    path = str(tmp_path / ('%s.sqlite' % _unique_name()))
    shutil.copyfile(_sqlite_template(), path)
    with configured('sqlite:///' + path, sync=False) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_backend(request, tmp_path):
    """A migrated database on each backend in turn; yields the backend."""
    backend = request.param
    if not available(backend):
        pytest.skip('%s is not running' % backend)
    with database_url(backend, directory=str(tmp_path)) as url:
        with configured(url):
            yield backend


@pytest.fixture
def ctx():
    """A non-admin request context of project ``project``."""
    from karbor import context
    return context.RequestContext(user_id='user', project_id='project',
                                  is_admin=False)


@pytest.fixture
def admin_ctx():
    from karbor import context
    return context.get_admin_context()
