"""Crash-safe flow execution on taskflow's SQLAlchemy persistence.

Each operation runs in its own logbook. The logbook's meta describes the
operation in JSON (see ``FlowRuntime.persisted_meta``) and the flow detail
records the factory that built the flow and its JSON arguments, so a
restarted worker can rebuild the flow and either resume it or make it fail
cleanly. A logbook is destroyed once its flow has ended (done or reverted),
so every logbook left is an interrupted operation.

The hooks that chunk tasks complete are recorded beside the flow state
(``hook_records``).
"""

import collections
import contextlib
import functools
import os
import threading
import time

from oslo_config import cfg
from oslo_db import options as db_options
from oslo_log import log as logging
import sqlalchemy as sa
from taskflow import exceptions as tf_exc
from taskflow.persistence import backends
from taskflow.persistence.backends import impl_sqlalchemy
from taskflow.persistence.backends.sqlalchemy import tables
from taskflow.persistence import models
from taskflow import states

from karbor.common import config  # noqa: F401 (host, state_path)
from karbor.services.protection.flows import atom_writes
from karbor.services.protection.flows import causes
from karbor.services.protection.flows import hook_records
from karbor.services.protection.flows import workflow

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

persistence_opts = [
    cfg.StrOpt('flow_persistence_connection',
               secret=True,
               help='SQLAlchemy URL of the database where the state of '
                    'running protection flows is saved, so that a '
                    'restarted protection service resumes them. Defaults '
                    'to [database] connection (for an SQLite database, '
                    'the file karbor-flows.sqlite next to it); '
                    '"memory://" disables crash safety.'),
    cfg.IntOpt('database_outage_timeout',
               default=60, min=0,
               help='Seconds each database write of a running operation '
                    'is retried (every second) while the database is '
                    'unreachable. Flow state writes are tried three times '
                    'so, 5 s apart: an outage longer than about 3 x (this '
                    '+ 5) seconds fails the operation with the reason '
                    '"database unavailable", recorded once the database '
                    'is back.'),
]
CONF.register_opts(persistence_opts, group='protection')
CONF.register_opts(db_options.database_opts, group='database')

BOOK_PREFIX = 'karbor-flow:'
FLOWS_DB = 'karbor-flows.sqlite'
# Seconds an SQLite connection waits for another writer.
SQLITE_BUSY_TIMEOUT = 60
# The URL schemes taskflow serves with its SQLAlchemy backend.
SQL_BACKENDS = ('sqlite', 'mysql', 'postgresql')
ENDED_STATES = (states.SUCCESS, states.REVERTED, states.FAILURE)

UnfinishedFlow = collections.namedtuple(
    'UnfinishedFlow', ('book_uuid', 'flow_uuid', 'state', 'meta'))

_backends = {}
_backends_lock = threading.Lock()


def connection_url():
    """The configured persistence URL (see ``flow_persistence_connection``).

    When it falls back to an SQLite main database, a sibling file is used
    instead, so that flow bookkeeping never waits for the main database's
    write lock (SQLite has one writer at a time).
    """
    url = CONF.protection.flow_persistence_connection
    if url:
        return url
    url = CONF.database.connection
    if not url:
        os.makedirs(CONF.state_path, exist_ok=True)
        return 'sqlite:///%s' % os.path.join(CONF.state_path, FLOWS_DB)
    parsed = sa.engine.make_url(url)
    if (parsed.get_backend_name() == 'sqlite' and
            parsed.database not in (None, '', ':memory:')):
        path = os.path.join(os.path.dirname(parsed.database), FLOWS_DB)
        return parsed.set(database=path).render_as_string(
            hide_password=False)
    return url


def _sqlite_pragmas(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    # Destroying a logbook relies on ON DELETE CASCADE.
    cursor.execute('PRAGMA foreign_keys = ON')
    # Concurrent flows wait for each other's writes instead of failing.
    cursor.execute('PRAGMA busy_timeout = %d' % (SQLITE_BUSY_TIMEOUT * 1000))
    # Every task state change is a commit: in WAL mode with synchronous
    # NORMAL a commit survives a crash of the process without an fsync.
    cursor.execute('PRAGMA journal_mode = WAL')
    cursor.execute('PRAGMA synchronous = NORMAL')
    cursor.close()


def _create_schema(backend):
    engine = getattr(backend, 'engine', None)
    if engine is None:
        with contextlib.closing(backend.get_connection()) as conn:
            conn.upgrade()
        return
    if engine.dialect.name == 'sqlite':
        sa.event.listen(engine, 'connect', _sqlite_pragmas)
    _create_flow_tables(engine)
    backend.legacy_hooks = hook_records.create_tables(engine)


def _create_flow_tables(engine):
    # taskflow's own alembic migrations keep their version in the default
    # "alembic_version" table, which the Karbor schema may use too; create
    # the three tables from taskflow's metadata instead.
    metadata = sa.MetaData()
    flow_tables = tables.fetch(metadata)
    if sa.inspect(engine).has_table(flow_tables.logbooks.name):
        return
    try:
        metadata.create_all(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        # Another worker starting at the same time may have won the race.
        if not sa.inspect(engine).has_table(flow_tables.atomdetails.name):
            raise
        return
    if engine.dialect.name == 'mysql':
        _widen_json_columns(engine, flow_tables)


def _widen_json_columns(engine, flow_tables):
    # As taskflow's migrations do: TEXT (64 KiB) is too small for the flow
    # factory arguments (a serialized graph) and for large task results.
    with engine.begin() as conn:
        for table in flow_tables:
            for column in table.columns:
                if isinstance(column.type, tables.JSONType):
                    conn.exec_driver_sql(
                        'ALTER TABLE %s MODIFY %s LONGTEXT' % (table.name,
                                                               column.name))


def _backend_conf(url):
    conf = {'connection': url, 'checkin_yield': False}
    if url.startswith('sqlite') and url.strip() not in ('sqlite://',
                                                        'sqlite:///:memory:'):
        # taskflow opens a new SQLite connection per statement by default.
        conf['engine_args'] = {'poolclass': sa.pool.QueuePool}
    return conf


class SharedConnectionBackend(impl_sqlalchemy.SQLAlchemyBackend):
    """taskflow's SQLAlchemy backend handing out one connection object.

    taskflow's backend builds new table metadata for every connection it
    hands out, i.e. for every state change of a flow, and statements on new
    tables miss SQLAlchemy's compiled-statement cache: together about half
    the time of a small flow. Its connections hold no state (each operation
    opens its own transaction; ``close`` does nothing), so one serves every
    caller. ``get_connection`` is the backend interface's own method; the
    test ``test_flow_persistence.test_taskflow_connections_hold_no_state``
    fails if taskflow's connections start holding state. Atom updates that
    change only taskflow's progress are not written (``atom_writes``).
    """

    def __init__(self, conf):
        super().__init__(conf)
        self._shared = None
        self._shared_lock = threading.Lock()

    def get_connection(self):
        if self._shared is None:
            with self._shared_lock:
                if self._shared is None:
                    self._shared = _RetryingConnection(
                        atom_writes.ProgressOnlySkipped(
                            super().get_connection()))
        return self._shared


class _RetryingConnection(object):
    """A persistence connection that rides out short database outages:
    each call is tried again while the database is unreachable, for up
    to ``database_outage_timeout`` seconds (its writes are idempotent)."""

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        attr = getattr(self._connection, name)
        if not callable(attr) or name == 'close':
            return attr
        return functools.partial(causes.retrying_database, attr)


def _new_backend(url):
    conf = _backend_conf(url)
    if sa.engine.make_url(url).get_backend_name() in SQL_BACKENDS:
        return SharedConnectionBackend(conf)
    return backends.fetch(conf)


def get_backend(connection=None):
    """The persistence backend of ``connection`` (default: configured).

    The first call per URL creates the tables if needed.
    """
    url = connection or connection_url()
    with _backends_lock:
        if url not in _backends:
            backend = _new_backend(url)
            _create_schema(backend)
            _backends[url] = backend
        return _backends[url]


def close_backends():
    """Close every backend made by ``get_backend`` (their pools too)."""
    with _backends_lock:
        cached = list(_backends.values())
        _backends.clear()
    for backend in cached:
        backend.close()


def _connection(backend):
    return contextlib.closing(backend.get_connection())


def _destroy_book(backend, book_uuid):
    try:
        with _connection(backend) as conn:
            conn.destroy_logbook(book_uuid)
    except tf_exc.NotFound:
        pass
    hook_records.HookRecords(backend, book_uuid).drop()


def _run_to_end(engine, runtime, backend, book_uuid):
    """Run a persisted engine, then drop its logbook once it ended.

    An engine stopped halfway by its database (away for longer than the
    writes ride out) is failed with that cause once the database is back:
    its flow is resumed to revert, by this same worker and runtime.
    """
    try:
        workflow.run(engine, {'runtime': runtime})
        ok = True
    except Exception as err:
        # A flow that ran into a failure reverted (REVERTED); an engine
        # that lost its database stops halfway (FAILURE, or still going).
        if (engine.storage.get_flow_state() != states.REVERTED and
                causes.is_database_error(err)):
            return _abort_after_outage(engine, runtime, backend, book_uuid,
                                       err)
        # The initiate task's revert already logged the reason.
        LOG.debug('Flow %(name)s reverted: %(err)s',
                  {'name': engine.storage.flow_name, 'err': err})
        ok = False
    if engine.storage.get_flow_state() in ENDED_STATES:
        _destroy_book(backend, book_uuid)
    return ok


def _abort_after_outage(engine, runtime, backend, book_uuid, err):
    reason = causes.describe(err)
    LOG.warning('Flow %(name)s stopped: %(reason)s; it fails once the '
                'database is back.', {'name': engine.storage.flow_name,
                                      'reason': reason})
    while True:
        try:
            with _connection(backend) as conn:
                flow_detail = conn.get_flow_details(engine.storage.flow_uuid)
            break
        except Exception as again:
            if not causes.is_database_error(again):
                raise
            time.sleep(causes.RETRY_INTERVAL)
    LOG.info('Database back: failing flow %(name)s (%(state)s).',
             {'name': engine.storage.flow_name, 'state': flow_detail.state})
    return resume(UnfinishedFlow(book_uuid, flow_detail.uuid,
                                 flow_detail.state, {}),
                  runtime, abort_reason=reason, backend=backend)


def run_flow(flow_factory, factory_kwargs, runtime, meta, backend=None,
             owner=None):
    """Record a new flow in its own logbook, then run it to its end.

    :param flow_factory: module-level function building the flow.
    :param factory_kwargs: JSON-serializable arguments of the factory.
    :param runtime: the ``FlowRuntime`` (never persisted).
    :param meta: JSON description of the operation, kept in the logbook.
    :param owner: the worker owning the flow (default ``CONF.host``).
    :returns: True if the flow completed, False if it was reverted.
    """
    backend = backend or get_backend()
    book = models.LogBook(BOOK_PREFIX + meta.get('operation_type', 'flow'))
    book.meta = dict(meta, owner=owner or CONF.host)
    with _connection(backend) as conn:
        conn.save_logbook(book)
    try:
        engine = workflow.load_from_factory(flow_factory, factory_kwargs,
                                            book, backend)
    except Exception:
        _destroy_book(backend, book.uuid)
        raise
    runtime.hook_records = hook_records.HookRecords(
        backend, book.uuid, before_write=runtime.deferred_writes.sync)
    return _run_to_end(engine, runtime, backend, book.uuid)


def list_unfinished(backend=None, owner=None, live=()):
    """Flows interrupted by a crash, oldest first, as ``UnfinishedFlow``.

    Call it when the worker starts, before it runs flows of its own: a flow
    still running is listed too.

    :param owner: only the flows of this worker (default ``CONF.host``);
        ``'*'`` for every worker's.
    :param live: the workers alive: a logbook of theirs without a flow yet
        is a flow being created, not a crash, and is left alone.
    """
    backend = backend or get_backend()
    owner = owner or CONF.host
    found = []
    with _connection(backend) as conn:
        books = list(conn.get_logbooks())
    for book in sorted(books, key=lambda b: b.created_at or 0):
        meta = book.meta or {}
        if not book.name.startswith(BOOK_PREFIX):
            continue
        if owner != '*' and meta.get('owner') != owner:
            continue
        for flow_detail in book:
            found.append(UnfinishedFlow(book.uuid, flow_detail.uuid,
                                        flow_detail.state, meta))
        if not len(book) and meta.get('owner') not in live:
            # Crashed between saving the logbook and the flow detail.
            _destroy_book(backend, book.uuid)
    return found


def resume(unfinished, runtime, abort_reason=None, backend=None):
    """Finish an interrupted flow with a freshly built ``runtime``.

    Tasks that completed before the crash are not run again; the task that
    was running is run again from its start. With ``abort_reason`` nothing
    more runs: the flow is reverted and the operation ends in its failure
    status with that reason.

    :returns: True if the flow completed, False if it was reverted.
    """
    backend = backend or get_backend()
    with _connection(backend) as conn:
        flow_detail = conn.get_flow_details(unfinished.flow_uuid)
    runtime.abort_reason = abort_reason
    runtime.hook_records = hook_records.HookRecords(
        backend, unfinished.book_uuid,
        before_write=runtime.deferred_writes.sync).load(
        [atom.name for atom in flow_detail if atom.state == states.RUNNING])
    engine = workflow.load_from_detail(flow_detail, backend)
    # An engine that failed halfway (FAILURE) is run again to revert when
    # it is aborted.
    if flow_detail.state in ENDED_STATES and not (
            abort_reason and flow_detail.state == states.FAILURE):
        _destroy_book(backend, unfinished.book_uuid)
        return flow_detail.state == states.SUCCESS
    return _run_to_end(engine, runtime, backend, unfinished.book_uuid)


def discard(unfinished, backend=None):
    """Forget an interrupted flow without running anything more.

    For operations whose objects are gone (e.g. the checkpoint was purged).
    """
    _destroy_book(backend or get_backend(), unfinished.book_uuid)


def list_opts():
    return [('protection', persistence_opts)]
