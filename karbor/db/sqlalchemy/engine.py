"""Engine and transaction handling on the oslo.db enginefacade.

``reader(context)`` and ``writer(context)`` are context managers yielding a
session bound to the request context's transaction; nested calls with the
same context join the outer transaction.

SQLite (the embedded default) allows one writer at a time. To never report
"database is locked" the SQLite engine runs in WAL mode (readers do not block
the writer) with a long busy timeout, writer transactions start with
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
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

CONF = cfg.CONF

db_options.set_defaults(CONF,
                        connection='sqlite:///$state_path/karbor.sqlite')

# Seconds a SQLite connection waits for another process's write lock.
SQLITE_BUSY_TIMEOUT = 60

_SQLITE_WRITER_LOCK = threading.RLock()
_STATE = threading.local()


def _scopes():
    """This thread's open (mode, transaction holder) scopes, innermost
    last."""
    if not hasattr(_STATE, 'scopes'):
        _STATE.scopes = []
    return _STATE.scopes


def _in_writer():
    scopes = _scopes()
    return bool(scopes) and scopes[-1][0] == 'writer'


@contextlib.contextmanager
def _scope(mode, context):
    scopes = _scopes()
    scopes.append((mode, getattr(context, '_enginefacade_context', None),
                   None))
    try:
        yield
    finally:
        scopes.pop()


def _joined_session(context, mode):
    """The session of this thread's innermost block of ``context`` that a
    nested ``mode`` block joins (any block for a reader, a writer for a
    writer), or None.

    The nested block would join its transaction anyway; handing its
    session over directly skips the enginefacade's bookkeeping, which costs
    more than a simple statement.
    """
    scopes = _scopes()
    if not scopes:
        return None
    outer_mode, holder, session = scopes[-1]
    if (session is not None and holder is not None
            and (outer_mode == 'writer' or mode == 'reader')
            and holder is getattr(context, '_enginefacade_context', None)):
        return session
    return None


def _enter_session(mode, context, session):
    """Record the session of the block just opened (see _joined_session)."""
    _scopes()[-1] = (mode, context._enginefacade_context, session)


def _check_sqlite_nesting(context, independent):
    """A second SQLite write transaction in a thread that already holds
    one would wait for itself: refuse it at once."""
    holder = getattr(context, '_enginefacade_context', None)
    for mode, outer, _session in _scopes():
        if mode == 'writer' and (independent or holder is None
                                 or holder is not outer):
            raise RuntimeError('Nested SQLite write transactions of '
                               'different contexts would deadlock.')


def _pool_connections(engine):
    """Keep SQLite file connections open between transactions.

    oslo.db gives SQLite files a NullPool: every transaction would reopen
    the file, rerun the PRAGMAs and checkpoint the WAL.
    """
    old = engine.pool
    if isinstance(old, sa.pool.NullPool):
        engine.pool = sa.pool.QueuePool(
            old._creator, pool_size=8, max_overflow=16,
            dialect=old._dialect, _dispatch=old.dispatch)
        old.dispose()


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


def _on_engine_create(engine):
    if engine.dialect.name == 'mysql':
        _mysql_utf8mb4(engine)
    if engine.dialect.name != 'sqlite':
        return
    in_memory = engine.url.database in (None, '', ':memory:')
    if not in_memory:
        _pool_connections(engine)

    @sa.event.listens_for(engine, 'connect')
    def _sqlite_pragmas(dbapi_con, con_record):
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

    # Replace oslo.db's BEGIN emitter: writers need BEGIN IMMEDIATE.
    for listener in list(engine.dispatch.begin):
        if getattr(listener, '__name__', '') == '_sqlite_emit_begin':
            sa.event.remove(engine, 'begin', listener)

    @sa.event.listens_for(engine, 'begin')
    def _sqlite_begin(conn):
        if 'in_transaction' not in conn.info:
            conn.exec_driver_sql('BEGIN IMMEDIATE' if _in_writer()
                                 else 'BEGIN')
            conn.info['in_transaction'] = True


def _new_manager():
    manager = enginefacade.transaction_context()
    # thread_checkin (on by default) sleeps on every connection check-in so
    # that eventlet green threads take turns; Karbor runs on real threads,
    # where that sleep only hands the GIL away in the middle of a request.
    manager.configure(sqlite_fk=True, thread_checkin=False)
    manager.append_on_engine_create(_on_engine_create)
    return manager


_MAIN = _new_manager()


def reset():
    """Forget the current engine; the next use reads [database] again."""
    if _MAIN.is_started:
        _MAIN.dispose_pool()
    _MAIN.patch_factory(_new_manager())


def get_engine():
    """The writer engine (started from ``[database]`` on first use)."""
    return _MAIN.writer.get_engine()


def backend_name():
    return get_engine().dialect.name


def _serialise_all():
    """In-memory SQLite shares one connection: serialise readers too."""
    engine = get_engine()
    return (engine.dialect.name == 'sqlite'
            and engine.url.database in (None, '', ':memory:'))


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
    scope = _MAIN.writer.independent if independent else _MAIN.writer
    with lock, _scope('writer', context), \
            scope.using(context) as session:
        _enter_session('writer', context, session)
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
    with lock, _scope('reader', context), \
            _MAIN.reader.using(context) as session:
        _enter_session('reader', context, session)
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
