"""The database engine and transaction blocks of Karbor.

``reader(context)`` and ``writer(context)`` are context managers yielding
an SQLAlchemy session. A block nested in a block of the same context (or
of a copy of it, such as ``context.elevated()``) in the same thread joins
the outer block's transaction; a writer block inside a reader block of the
same context is refused. ``writer(context, independent=True)`` opens a
transaction of its own, committed when its block ends. Sessions come from
oslo.db's session maker, and errors are translated by oslo.db's exception
filters (``DBDuplicateEntry``, ``DBConnectionError``, ...).

The engine is created on first use from ``[database]``, by SQLAlchemy: for
MySQL and PostgreSQL as oslo.db's ``create_engine`` would create it, less
the round trips it adds to every transaction (see ``_server_engine``); for
SQLite set up here because oslo.db's SQLite engine reopens the file for
every transaction (a NullPool) and begins every transaction the same way.
Karbor
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
import logging
import os
import sqlite3
import threading
import time
import traceback

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_db import options as db_options
from oslo_db.sqlalchemy import exc_filters
from oslo_db.sqlalchemy import orm
from oslo_log import log as oslo_logging
import sqlalchemy as sa

CONF = cfg.CONF
LOG = oslo_logging.getLogger(__name__)

db_options.set_defaults(CONF,
                        connection='sqlite:///$state_path/karbor.sqlite')

engine_opts = [
    cfg.FloatOpt('ping_after_idle', default=1.0, min=0,
                 help='Seconds a pooled MySQL or PostgreSQL connection may '
                      'stay unused before it is pinged when next checked '
                      'out (one round trip to the server; a connection the '
                      'server dropped is replaced then). 0 pings it at '
                      'every check-out, as oslo.db does. A connection '
                      'dropped more recently (a server restarted within '
                      'this time) fails the transaction that uses it; the '
                      'pool then replaces all its connections.'),
]
CONF.register_opts(engine_opts, group='database')


def list_opts():
    return [('database', engine_opts)]


# Seconds a SQLite connection waits for another process's write lock.
SQLITE_BUSY_TIMEOUT = 60
# Connections a SQLite file engine keeps open, and may open beyond.
SQLITE_POOL_SIZE = 8
SQLITE_MAX_OVERFLOW = 16
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
    """A MySQL or PostgreSQL engine for ``[database]``.

    Built with SQLAlchemy as oslo.db's ``create_engine`` builds it (pool
    sizes, recycle time, ``mysql_sql_mode``, ``mysql_wsrep_sync_wait``,
    connection retries at start, debug and trace options, oslo.db's
    exception filters), except for the round trips each transaction makes
    besides its statements: oslo.db pings every connection as it leaves
    the pool and the pool rolls back every connection coming back, even
    after a COMMIT or ROLLBACK that already ended its transaction. Here a
    connection is pinged only after ``[database] ping_after_idle`` seconds
    unused (the pool hands out the most recently used one first) and rolled
    back on its return only if a transaction may still be open on it.
    oslo.db's default of sleeping on every check-in, so that eventlet green
    threads take turns, is left out too: Karbor runs on real threads.
    """
    url = sa.engine.make_url(conf.connection)
    if conf.connection_parameters:
        url = url.update_query_string(conf.connection_parameters,
                                      append=True)
    args = {'pool_recycle': conf.connection_recycle_time,
            'pool_pre_ping': False, 'pool_reset_on_return': None,
            'pool_use_lifo': True, 'connect_args': {}}
    for option, arg in (('max_pool_size', 'pool_size'),
                        ('max_overflow', 'max_overflow'),
                        ('pool_timeout', 'pool_timeout')):
        if getattr(conf, option) is not None:
            args[arg] = getattr(conf, option)
    backend = url.get_backend_name()
    if backend == 'mysql' and 'charset' not in url.query:
        # oslo.db asks for utf8 (3 bytes a character), which cannot carry
        # the 4-byte characters the utf8mb4 tables store, nor compare them
        # with a column.
        args['connect_args']['charset'] = 'utf8mb4'
    elif backend == 'postgresql' and 'client_encoding' not in url.query:
        args['client_encoding'] = 'utf8'
    _debug_logging(conf.connection_debug)
    engine = sa.create_engine(url, **args)
    _pool_events(engine, conf.ping_after_idle)
    if backend == 'mysql':
        _mysql_session(engine, conf.mysql_sql_mode,
                       conf.mysql_wsrep_sync_wait)
    if conf.connection_trace:
        _trace_comments(engine)
    exc_filters.register_engine(engine)
    _first_connection(engine, conf.max_retries, conf.retry_interval)
    return engine


# Keys of a pooled connection's ``info``.
_PID = 'karbor_pid'
_RETURNED = 'karbor_returned_at'
_ENDED = 'karbor_transaction_ended'


def _pool_events(engine, ping_after_idle):
    """Ping only long-unused connections; roll back on return only what
    may be open; never use a connection of the parent process."""
    dialect = engine.dialect

    @sa.event.listens_for(engine, 'connect')
    def _connected(dbapi_con, record):
        record.info[_PID] = os.getpid()
        record.info[_RETURNED] = time.monotonic()

    @sa.event.listens_for(engine, 'checkout')
    def _checkout(dbapi_con, record, proxy):
        record.info[_ENDED] = False
        if record.info.get(_PID) != os.getpid():
            # Inherited through a fork: the parent may use it too.
            raise sa.exc.DisconnectionError(
                'connection of process %s checked out in process %s'
                % (record.info.get(_PID), os.getpid()))
        idle = time.monotonic() - record.info.get(_RETURNED, 0)
        if idle < ping_after_idle:
            return
        try:
            dialect.do_ping(dbapi_con)
        except Exception as err:
            if dialect.is_disconnect(err, dbapi_con, None):
                # The pool replaces it with a new connection.
                raise sa.exc.DisconnectionError(str(err))
            raise

    @sa.event.listens_for(engine, 'checkin')
    def _checkin(dbapi_con, record):
        if dbapi_con is not None:
            record.info[_RETURNED] = time.monotonic()

    # A connection is known to hold no transaction from the COMMIT or
    # ROLLBACK of a transaction SQLAlchemy began on it until the next one
    # begins (whether that COMMIT or ROLLBACK succeeds or not: a failed one
    # invalidates the connection, or the session rolls back again). Any
    # other use (a raw DBAPI connection) is rolled back on its return.
    @sa.event.listens_for(engine, 'begin')
    def _begun(conn):
        conn.info[_ENDED] = False

    @sa.event.listens_for(engine, 'commit')
    @sa.event.listens_for(engine, 'rollback')
    def _ended(conn):
        # An invalidated connection has no pooled connection to mark (its
        # info would reconnect).
        if not conn.invalidated:
            conn.info[_ENDED] = True

    @sa.event.listens_for(engine, 'reset')
    def _reset(dbapi_con, record, state):
        if (state.terminate_only or state.transaction_was_reset
                or not state.asyncio_safe):
            return
        if not record.info.pop(_ENDED, False):
            dialect.do_rollback(dbapi_con)


def _mysql_session(engine, sql_mode, wsrep_sync_wait):
    """Set ``sql_mode`` and ``wsrep_sync_wait`` on each new connection,
    and warn once if the server's mode is not strict."""
    settings = [(name, value) for name, value in (
        ('sql_mode', sql_mode), ('wsrep_sync_wait', wsrep_sync_wait))
        if value is not None]

    @sa.event.listens_for(engine, 'connect')
    def _set_session_variables(dbapi_con, record):
        if settings:
            with dbapi_con.cursor() as cursor:
                for name, value in settings:
                    cursor.execute('SET SESSION %s = %%s' % name, [value])

    @sa.event.listens_for(engine, 'first_connect')
    def _check_sql_mode(dbapi_con, record):
        with dbapi_con.cursor() as cursor:
            cursor.execute("SHOW VARIABLES LIKE 'sql_mode'")
            found = cursor.fetchone()
        mode = (found[1] if found else '').upper()
        if 'TRADITIONAL' not in mode and 'STRICT_ALL_TABLES' not in mode:
            LOG.warning("MySQL SQL mode is '%s', consider enabling "
                        "TRADITIONAL or STRICT_ALL_TABLES", mode)


def _debug_logging(level):
    """``connection_debug``: 100 logs statements and rows, 50 statements."""
    if level >= 0:
        logging.getLogger('sqlalchemy.engine').setLevel(
            logging.DEBUG if level >= 100 else
            logging.INFO if level >= 50 else logging.WARNING)


def _trace_comments(engine):
    """``connection_trace``: each statement ends with a comment naming
    the Karbor code that sent it."""
    package = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))

    @sa.event.listens_for(engine, 'before_cursor_execute', retval=True)
    def _comment(conn, cursor, statement, parameters, context, many):
        ours = [frame for frame in traceback.extract_stack()
                if frame.filename.startswith(package)
                and frame.filename != __file__]
        if ours:
            statement = '%s  -- %s' % (statement, '; '.join(
                'File: %s (%s) %s' % (f.filename, f.lineno, f.name)
                for f in ours[-3:]))
        return statement, parameters


def _first_connection(engine, max_retries, retry_interval):
    """Connect once, retrying ``max_retries`` times (-1: for ever) every
    ``retry_interval`` seconds while the server refuses."""
    attempt = 0
    while True:
        try:
            with engine.connect():
                return
        except db_exc.DBConnectionError:
            attempt += 1
            if 0 <= max_retries < attempt:
                raise
            LOG.warning('SQL connection failed; retrying in %s s.',
                        retry_interval)
            time.sleep(retry_interval)


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
