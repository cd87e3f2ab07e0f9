"""The database engine and transaction blocks of Karbor.

``reader(context)`` and ``writer(context)`` are context managers yielding
an SQLAlchemy session. A block nested in a block of the same context (or
of a copy of it, such as ``context.elevated()``) in the same thread joins
the outer block's transaction; a writer block inside a reader block of the
same context is refused. ``writer(context, independent=True)`` opens a
transaction of its own, committed when its block ends. Sessions come from
oslo.db's session maker, and errors are translated by oslo.db's exception
filters (``DBDuplicateEntry``, ``DBConnectionError``, ...).

The engine is created on first use from ``[database]``: by oslo.db's
``create_engine`` for MySQL and PostgreSQL, by SQLAlchemy for SQLite, which
is set up here because oslo.db's SQLite engine reopens the file for every
transaction (a NullPool) and begins every transaction the same way. Karbor
owns its transactions here instead of using oslo.db's enginefacade: a
nested block joins its outer session directly, which costs less than the
enginefacade's bookkeeping of a nested block.

SQLite (the embedded default) allows one writer at a time. To never report
"database is locked" the SQLite engine runs in WAL mode (readers do not
block the writer) with a long busy timeout, writer transactions start with
``BEGIN IMMEDIATE`` (so a writer waits for the lock up front instead of
failing when it upgrades a read lock) and, within one process, writer
transactions are serialised by a lock.
"""

import contextlib
import sqlite3
import threading

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_db import options as db_options
from oslo_db.sqlalchemy import engines
from oslo_db.sqlalchemy import exc_filters
from oslo_db.sqlalchemy import orm
import sqlalchemy as sa

CONF = cfg.CONF

db_options.set_defaults(CONF,
                        connection='sqlite:///$state_path/karbor.sqlite')

# Seconds a SQLite connection waits for another process's write lock.
SQLITE_BUSY_TIMEOUT = 60
# Connections a SQLite file engine keeps open, and may open beyond.
SQLITE_POOL_SIZE = 8
SQLITE_MAX_OVERFLOW = 16
# [database] options passed on to oslo.db's create_engine.
ENGINE_OPTIONS = ('mysql_sql_mode', 'mysql_wsrep_sync_wait',
                  'connection_recycle_time', 'connection_debug',
                  'max_pool_size', 'max_overflow', 'pool_timeout',
                  'connection_trace', 'max_retries', 'retry_interval',
                  'connection_parameters')
# The execution option telling the SQLite engine how to begin.
BEGIN_OPTION = 'karbor_sqlite_begin'
# The attribute of a request context (shared by its copies) naming its
# transactions.
_TOKEN = '_karbor_db_transactions'

_SQLITE_WRITER_LOCK = threading.RLock()
_STATE = threading.local()
_start_lock = threading.Lock()
_database = None


class _Database(object):
    """The engine of ``[database]`` and its session makers."""

    def __init__(self, conf):
        url = sa.engine.make_url(conf.connection)
        if url.get_backend_name() == 'sqlite':
            self.engine = _sqlite_engine(url)
            writer_bind = self.engine.execution_options(
                **{BEGIN_OPTION: 'BEGIN IMMEDIATE'})
        else:
            self.engine = _server_engine(conf)
            writer_bind = self.engine
        self.reader_maker = orm.get_maker(self.engine)
        self.writer_maker = orm.get_maker(writer_bind)


def _sqlite_engine(url):
    in_memory = url.database in (None, '', ':memory:')
    if in_memory:
        # One connection for every thread; its statement cache is off, as
        # sharing one between threads can crash CPython's sqlite3.
        engine = sa.create_engine(
            url, poolclass=sa.pool.StaticPool,
            connect_args={'check_same_thread': False,
                          'cached_statements': 0})
    else:
        # A pool: reopening the file for every transaction would rerun the
        # PRAGMAs and checkpoint the WAL each time.
        engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=SQLITE_POOL_SIZE,
            max_overflow=SQLITE_MAX_OVERFLOW)
    exc_filters.register_engine(engine)

    @sa.event.listens_for(engine, 'connect')
    def _sqlite_pragmas(dbapi_con, con_record):
        # The driver begins no transaction: the 'begin' listener does.
        dbapi_con.isolation_level = None
        dbapi_con.execute('PRAGMA foreign_keys = ON')
        dbapi_con.execute('PRAGMA busy_timeout = %d'
                          % (SQLITE_BUSY_TIMEOUT * 1000))
        if not in_memory:
            try:
                dbapi_con.execute('PRAGMA journal_mode = WAL')
            except sqlite3.OperationalError:
                # Another process is switching the file to WAL right now.
                pass
            # With WAL, NORMAL never corrupts the database; a power loss
            # may only lose the last transactions.
            dbapi_con.execute('PRAGMA synchronous = NORMAL')

    @sa.event.listens_for(engine, 'begin')
    def _sqlite_begin(conn):
        conn.exec_driver_sql(
            conn.get_execution_options().get(BEGIN_OPTION, 'BEGIN'))

    return engine


def _server_engine(conf):
    """A MySQL or PostgreSQL engine, set up by oslo.db."""
    options = {name: getattr(conf, name) for name in ENGINE_OPTIONS}
    # oslo.db's default sleeps on every connection check-in so that
    # eventlet green threads take turns; Karbor runs on real threads,
    # where that sleep only hands the GIL away in the middle of a request.
    engine = engines.create_engine(conf.connection, thread_checkin=False,
                                   **options)
    if engine.dialect.name == 'mysql':
        _mysql_utf8mb4(engine)
    return engine


def _mysql_utf8mb4(engine):
    """Talk utf8mb4 to MySQL unless the URL names a charset: oslo.db asks
    for utf8 (3 bytes a character), which cannot carry the 4-byte
    characters the utf8mb4 tables store, nor compare them with a column."""
    if 'charset' in engine.url.query:
        return

    @sa.event.listens_for(engine, 'connect')
    def _set_utf8mb4(dbapi_con, con_record):
        dbapi_con.set_character_set('utf8mb4')

    # oslo.db opened a connection already, to test the URL.
    engine.dispose()


def _started():
    global _database
    if _database is None:
        with _start_lock:
            if _database is None:
                _database = _Database(CONF.database)
    return _database


def reset():
    """Forget the current engine; the next use reads [database] again."""
    global _database
    with _start_lock:
        database, _database = _database, None
    if database is not None:
        database.engine.dispose()


def get_engine():
    """The engine (started from ``[database]`` on first use)."""
    return _started().engine


def backend_name():
    return get_engine().dialect.name


def _serialise_all():
    """In-memory SQLite shares one connection: serialise readers too."""
    engine = get_engine()
    return (engine.dialect.name == 'sqlite'
            and engine.url.database in (None, '', ':memory:'))


class _Scope(object):
    """An open block of this thread: its mode, context token, session."""

    __slots__ = ('mode', 'token', 'session')

    def __init__(self, mode, token, session):
        self.mode = mode
        self.token = token
        self.session = session


def _scopes():
    """This thread's open blocks that began a transaction, innermost
    last."""
    try:
        return _STATE.scopes
    except AttributeError:
        _STATE.scopes = []
        return _STATE.scopes


def _token(context):
    """The token of ``context``'s transactions, made on first use (a
    ``copy.copy`` of the context shares it)."""
    token = getattr(context, _TOKEN, None)
    if token is None:
        token = object()
        setattr(context, _TOKEN, token)
    return token


def _joined_session(context, mode):
    """The session of this thread's innermost block of ``context``, which
    a nested ``mode`` block joins, or None.

    :raises TypeError: for a writer inside a reader of ``context``.
    """
    token = getattr(context, _TOKEN, None)
    if token is None:
        return None
    for scope in reversed(_scopes()):
        if scope.token is token:
            if mode == 'writer' and scope.mode == 'reader':
                raise TypeError("Can't upgrade a reader transaction to a "
                                "writer mid-transaction")
            return scope.session
    return None


def _check_sqlite_nesting(context, independent):
    """A second SQLite write transaction in a thread that already holds
    one would wait for itself: refuse it at once."""
    token = getattr(context, _TOKEN, None)
    for scope in _scopes():
        if scope.mode == 'writer' and (independent or token is None
                                       or scope.token is not token):
            raise RuntimeError('Nested SQLite write transactions of '
                               'different contexts would deadlock.')


@contextlib.contextmanager
def _transaction(mode, context, maker):
    """A new session in its own transaction: committed (writer) or
    rolled back (reader) when the block ends, rolled back on error."""
    session = maker()
    scopes = _scopes()
    scopes.append(_Scope(mode, _token(context), session))
    try:
        yield session
        if mode == 'writer':
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        scopes.pop()
        session.close()


@contextlib.contextmanager
def writer(context, independent=False):
    """A writer session for ``context``.

    It joins an outer transaction of the same context unless
    ``independent``, in which case it commits when the block ends. On
    SQLite, do not open a writer for another context (or an independent
    one) inside a writer block: that raises RuntimeError.
    """
    joined = None if independent else _joined_session(context, 'writer')
    if joined is not None:
        yield joined
        return
    sqlite = backend_name() == 'sqlite'
    if sqlite:
        _check_sqlite_nesting(context, independent)
    lock = _SQLITE_WRITER_LOCK if sqlite else contextlib.nullcontext()
    with lock, _transaction('writer', context,
                            _started().writer_maker) as session:
        yield session


@contextlib.contextmanager
def reader(context):
    """A reader session for ``context``."""
    joined = _joined_session(context, 'reader')
    if joined is not None:
        yield joined
        return
    lock = (_SQLITE_WRITER_LOCK if _serialise_all()
            else contextlib.nullcontext())
    with lock, _transaction('reader', context,
                            _started().reader_maker) as session:
        yield session


def is_connection_error(err):
    """True if ``err`` says the database is unreachable (refused or lost
    connection), whether oslo.db translated it or not."""
    cause = getattr(err, 'cause', None)  # taskflow's StorageFailure
    if cause is not None and not isinstance(err, sa.exc.SQLAlchemyError):
        err = cause
    if isinstance(err, (db_exc.DBConnectionError, sa.exc.InterfaceError)):
        return True
    if isinstance(err, sa.exc.OperationalError) and _lost(err.orig):
        return True
    return isinstance(err, sa.exc.DBAPIError) and err.connection_invalidated


# MySQL client errors: can't connect, server gone, lost connection.
_MYSQL_LOST = (2003, 2006, 2013, 2055)


def _lost(dbapi_error):
    """Whether a driver's OperationalError is about the connection."""
    module = type(dbapi_error).__module__
    if module.startswith('pymysql'):
        return bool(dbapi_error.args) and dbapi_error.args[0] in _MYSQL_LOST
    # SQLite has no connection to lose; psycopg2 raises OperationalError
    # for connection failures only.
    return not module.startswith('sqlite3')
