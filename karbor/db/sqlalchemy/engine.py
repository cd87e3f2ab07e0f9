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
import threading

from oslo_config import cfg
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


def _in_writer():
    return getattr(_STATE, 'writer_depth', 0) > 0


def _on_engine_create(engine):
    if engine.dialect.name != 'sqlite':
        return
    in_memory = engine.url.database in (None, '', ':memory:')

    @sa.event.listens_for(engine, 'connect')
    def _sqlite_pragmas(dbapi_con, con_record):
        dbapi_con.execute('PRAGMA busy_timeout = %d'
                          % (SQLITE_BUSY_TIMEOUT * 1000))
        if not in_memory:
            dbapi_con.execute('PRAGMA journal_mode = WAL')

    # Runs before oslo.db's own listener, which then sees the transaction
    # marker and does not emit a second BEGIN.
    @sa.event.listens_for(engine, 'begin', insert=True)
    def _sqlite_begin(conn):
        if 'in_transaction' not in conn.info and _in_writer():
            conn.exec_driver_sql('BEGIN IMMEDIATE')
            conn.info['in_transaction'] = True


def _new_manager():
    manager = enginefacade.transaction_context()
    manager.configure(sqlite_fk=True)
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
    ``independent``, in which case it commits when the block ends.
    """
    lock = (_SQLITE_WRITER_LOCK if backend_name() == 'sqlite'
            else contextlib.nullcontext())
    scope = _MAIN.writer.independent if independent else _MAIN.writer
    with lock:
        _STATE.writer_depth = getattr(_STATE, 'writer_depth', 0) + 1
        try:
            with scope.using(context) as session:
                yield session
        finally:
            _STATE.writer_depth -= 1


@contextlib.contextmanager
def reader(context):
    """A reader session for ``context``."""
    lock = (_SQLITE_WRITER_LOCK if _serialise_all()
            else contextlib.nullcontext())
    with lock, _MAIN.reader.using(context) as session:
        yield session
