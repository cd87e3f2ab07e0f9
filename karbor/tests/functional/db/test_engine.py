"""The MySQL and PostgreSQL engine: what a transaction sends besides its
statements, and what happens to connections the server dropped."""

import contextlib
import time

from oslo_config import cfg
import pytest
import sqlalchemy as sa

from karbor.db import api as db
from karbor.db.sqlalchemy import engine
from karbor import exception

CONF = cfg.CONF
SERVERS = ('mysql', 'postgresql')
CONNECTION_ID = {'mysql': 'SELECT CONNECTION_ID()',
                 'postgresql': 'SELECT pg_backend_pid()'}
KILL = {'mysql': 'KILL %d',
        'postgresql': 'SELECT pg_terminate_backend(%d)'}


@pytest.fixture
def server(db_backend):
    if db_backend not in SERVERS:
        pytest.skip('a server backend only')
    return db_backend


@contextlib.contextmanager
def ping_after(seconds):
    CONF.set_override('ping_after_idle', seconds, group='database')
    engine.reset()
    try:
        yield engine.get_engine()
    finally:
        CONF.clear_override('ping_after_idle', group='database')
        engine.reset()


@pytest.fixture
def calls(monkeypatch):
    """Counts of the DBAPI-level calls of the engine's dialect: COMMITs,
    ROLLBACKs (the pool's resets too) and pings."""
    counts = {'COMMIT': 0, 'ROLLBACK': 0, 'ping': 0}

    def counting(dialect, method, key):
        call = getattr(dialect, method)

        def wrapper(*args, **kwargs):
            counts[key] += 1
            return call(*args, **kwargs)
        monkeypatch.setattr(dialect, method, wrapper)

    def start(target):
        counts.update(dict.fromkeys(counts, 0))
        for method, key in (('do_commit', 'COMMIT'),
                            ('do_rollback', 'ROLLBACK'), ('do_ping', 'ping')):
            counting(target.dialect, method, key)
        return counts
    return start


def read(ctx):
    with engine.reader(ctx) as session:
        return session.execute(sa.text('SELECT 1')).scalar()


def write(ctx):
    with engine.writer(ctx) as session:
        session.execute(sa.update(sa.table('services', sa.column('id')))
                        .where(sa.column('id') == -1).values(id=-1))


def connection_id(ctx, backend):
    with engine.reader(ctx) as session:
        return session.execute(sa.text(CONNECTION_ID[backend])).scalar()


def test_a_transaction_ends_once_without_a_ping(server, ctx, calls):
    """A read ends with one ROLLBACK and a write with one COMMIT: no ping
    of a connection used a moment ago, no second ROLLBACK from the pool."""
    with ping_after(60) as target:
        read(ctx)
        counts = calls(target)
        for _ in range(3):
            read(ctx)
            write(ctx)
    assert counts == {'COMMIT': 3, 'ROLLBACK': 3, 'ping': 0}


def test_a_connection_unused_for_a_while_is_pinged(server, ctx, calls):
    with ping_after(0.05) as target:
        read(ctx)
        counts = calls(target)
        read(ctx)
        assert counts['ping'] == 0
        time.sleep(0.1)
        read(ctx)
        assert counts['ping'] == 1
    with ping_after(0) as target:
        read(ctx)
        counts = calls(target)
        read(ctx)
        write(ctx)
        assert counts['ping'] == 2


def _kill(backend, url, connection):
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool,
                             isolation_level='AUTOCOMMIT')
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(KILL[backend] % connection)
    finally:
        admin.dispose()


def test_a_dropped_idle_connection_is_replaced(server, ctx):
    """The server dropped a pooled connection (a restart, a timeout): one
    unused for ``ping_after_idle`` is pinged and replaced unnoticed."""
    with ping_after(0.05) as target:
        first = connection_id(ctx, server)
        _kill(server, target.url, first)
        time.sleep(0.1)
        second = connection_id(ctx, server)
        assert second != first
        assert read(ctx) == 1


def test_a_connection_dropped_just_now_fails_once(server, ctx):
    """Dropped within ``ping_after_idle`` of its last use: the transaction
    that finds it fails with a connection error, and the pool replaces
    its connections, so the next one works."""
    with ping_after(60) as target:
        first = connection_id(ctx, server)
        _kill(server, target.url, first)
        time.sleep(0.2)
        with pytest.raises(Exception) as failed:
            read(ctx)
        assert engine.is_connection_error(failed.value)
        assert connection_id(ctx, server) != first


def test_what_a_raw_connection_left_open_is_rolled_back(server, ctx, calls):
    with ping_after(60) as target:
        read(ctx)
        counts = calls(target)
        raw = target.raw_connection()
        cursor = raw.cursor()
        cursor.execute('SELECT 1')
        cursor.close()
        raw.close()
        assert counts['ROLLBACK'] == 1
        # A connection that SQLAlchemy began and committed is not.
        with target.begin() as conn:
            conn.execute(sa.text('SELECT 1'))
        assert counts == {'COMMIT': 1, 'ROLLBACK': 1, 'ping': 0}


def test_uncommitted_writes_are_not_seen_after_return(server, ctx):
    """A writer block that fails leaves nothing behind for the next user
    of its connection (the pool hands the same one out next)."""
    values = {'host': 'h', 'binary': 'karbor-x', 'topic': 't'}
    with pytest.raises(RuntimeError):
        with engine.writer(ctx):
            db.service_create(ctx, values)
            raise RuntimeError('failed')
    assert db.service_get_all(ctx) == []
    with pytest.raises(exception.HostBinaryNotFound):
        db.service_get_by_args(ctx, 'h', 'karbor-x')


def test_mysql_session_is_strict(db_backend, ctx):
    if db_backend != 'mysql':
        pytest.skip('MySQL only')
    with engine.reader(ctx) as session:
        mode = session.execute(sa.text('SELECT @@SESSION.sql_mode')).scalar()
        charset = session.execute(
            sa.text('SELECT @@SESSION.character_set_client')).scalar()
    assert 'STRICT_ALL_TABLES' in mode or 'TRADITIONAL' in mode
    assert charset == 'utf8mb4'
