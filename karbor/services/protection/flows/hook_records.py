"""Records of the hooks that chunk tasks complete, for crash resume.

A chunk task (``resource_flow.ResourceChunkTask``) runs the hooks of many
resources in turn; each completed hook is recorded in the flow database,
in the table ``karbor_flow_hook_batches``, by one thread of the process
while the hooks go on (``HookRecords``): one row per logbook and write,
holding every hook the write records as JSON, so that a transaction
inserts a few rows whatever the number of hooks in it. A resumed chunk
skips the hooks recorded.
"""

import collections
import json
import os
import threading
import time

from oslo_log import log as logging
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from karbor.services.protection.flows import causes

LOG = logging.getLogger(__name__)

# Seconds at least between two writes of hook records. Each write first
# syncs the banks the hooks wrote (``before_write``): the records of
# about this long go in one write, so that syncs stay few even where a
# write of records is fast (SQLite). A chunk waits for its records only at
# its end or when 16 are not written yet.
RECORD_WRITE_INTERVAL = 0.02

_hooks_metadata = sa.MetaData()
HOOK_BATCHES_TABLE = sa.Table(
    'karbor_flow_hook_batches', _hooks_metadata,
    sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('book_uuid', sa.String(64), nullable=False, index=True),
    # {hook: [resource key, ...]} as JSON.
    sa.Column('hooks', sa.Text().with_variant(mysql.LONGTEXT(), 'mysql'),
              nullable=False),
)
# One row per recorded hook, as releases before the batches wrote them:
# read and dropped with the batches where a database still has it, so
# that flows interrupted before an upgrade resume where they stopped.
LEGACY_HOOKS_TABLE = sa.Table(
    'karbor_flow_hooks', sa.MetaData(),
    sa.Column('book_uuid', sa.String(64), nullable=False, index=True),
    sa.Column('resource', sa.Text, nullable=False),
    sa.Column('hook', sa.String(64), nullable=False),
)


def create_tables(engine):
    """Create the record table if missing; returns whether the database
    still has the table of earlier releases (``LEGACY_HOOKS_TABLE``)."""
    try:
        _hooks_metadata.create_all(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        # Another worker starting at the same time may have won the race.
        if not sa.inspect(engine).has_table(HOOK_BATCHES_TABLE.name):
            raise
    return sa.inspect(engine).has_table(LEGACY_HOOKS_TABLE.name)


class HookRecords(object):
    """The hooks completed by the chunk tasks of one flow (logbook).

    ``add`` queues a record and returns a ticket at once; the process's
    record writer (``_RecordWriter``) writes what is queued, a batch per
    transaction, while the hooks go on; ``wait(ticket)`` returns once that
    record is written. On a backend without a database (``memory://``)
    the records live in this object only.

    ``before_write`` (if given) is called before each batch is written:
    the flow's bank writes whose durability the hooks deferred are made
    durable there, so that a hook is never recorded done before what it
    wrote is on stable storage.
    """

    def __init__(self, backend, book_uuid, before_write=None):
        self.engine = getattr(backend, 'engine', None)
        self._legacy = getattr(backend, 'legacy_hooks', False)
        self.book = book_uuid
        self.before_write = before_write
        self._done = set()
        self._cond = threading.Condition()
        self._pending = []
        # Tickets below ``_written`` are written; ``_error`` is why the
        # last batch could not be.
        self._queued = 0
        self._written = 0
        self._error = None
        # The tasks that were running when the flow was interrupted.
        self.interrupted = frozenset()

    def load(self, interrupted):
        """Read the records of an interrupted flow whose tasks named
        ``interrupted`` were running; returns self."""
        self.interrupted = frozenset(interrupted)
        if self.engine is not None:
            self._done.update(recorded_hooks(self.engine, self.book,
                                             legacy=self._legacy))
        return self

    def is_done(self, key, hook):
        return (key, hook) in self._done

    def add(self, key, hook):
        """Queue the record that ``hook`` of resource ``key`` completed.

        :returns: the ticket to ``wait`` for.
        """
        self._done.add((key, hook))
        if self.engine is None:
            return None
        with self._cond:
            self._pending.append((key, hook))
            self._queued += 1
            ticket = self._queued
        _RecordWriter.get().notify(self)
        return ticket

    def wait(self, ticket):
        """Return once the record of ``ticket`` is written.

        :raises: why it could not be written (e.g. the database is away
            for longer than ``database_outage_timeout``).
        """
        if ticket is None:
            return
        with self._cond:
            while self._written < ticket and self._error is None:
                self._cond.wait()
            if self._written < ticket:
                raise self._error

    def take_pending(self):
        """For the writer: the queued records and the last ticket."""
        with self._cond:
            items, self._pending = self._pending, []
            return items, self._queued

    def written(self, ticket, error=None):
        """For the writer: records up to ``ticket`` are written (or
        could not be, because of ``error``)."""
        with self._cond:
            if error is None:
                self._written = max(self._written, ticket)
            else:
                self._error = error
            self._cond.notify_all()

    def drop(self):
        """Forget the records (the flow ended or was discarded)."""
        if self.engine is None:
            return
        tables = [HOOK_BATCHES_TABLE]
        if self._legacy:
            tables.append(LEGACY_HOOKS_TABLE)
        with self.engine.begin() as conn:
            for table in tables:
                causes.retrying_database(
                    conn.execute, table.delete().where(
                        table.c.book_uuid == self.book))


def recorded_hooks(engine, book_uuid=None, legacy=False):
    """``{(resource key, hook)}`` recorded for the logbook ``book_uuid``
    (default: every logbook's), with the rows of earlier releases if
    ``legacy``."""
    def of_book(query, table):
        if book_uuid is None:
            return query
        return query.where(table.c.book_uuid == book_uuid)

    done = set()
    with engine.connect() as conn:
        for (packed,) in causes.retrying_database(conn.execute, of_book(
                sa.select(HOOK_BATCHES_TABLE.c.hooks), HOOK_BATCHES_TABLE)):
            for hook, keys in json.loads(packed).items():
                done.update((key, hook) for key in keys)
        if legacy:
            table = LEGACY_HOOKS_TABLE
            done.update(tuple(row) for row in causes.retrying_database(
                conn.execute, of_book(
                    sa.select(table.c.resource, table.c.hook), table)))
    return done


class _RecordWriter(object):
    """The thread writing the queued hook records of every flow of the
    process: the records queued while it writes go in its next
    transaction, so that hooks do not wait for one write each."""

    _instance = None
    _instance_lock = threading.Lock()

    def __init__(self):
        self._cond = threading.Condition()
        self._ready = []
        self._pid = os.getpid()
        thread = threading.Thread(target=self._run, name='flow-records',
                                  daemon=True)
        thread.start()

    @classmethod
    def get(cls):
        with cls._instance_lock:
            writer = cls._instance
            # A forked child has no thread of its parent.
            if writer is None or writer._pid != os.getpid():
                writer = cls._instance = cls()
            return writer

    def notify(self, records):
        with self._cond:
            self._ready.append(records)
            self._cond.notify()

    def _run(self):
        last = 0.0
        while True:
            with self._cond:
                while not self._ready:
                    self._cond.wait()
            pause = last + RECORD_WRITE_INTERVAL - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            last = time.monotonic()
            with self._cond:
                ready, self._ready = self._ready, []
            by_engine = collections.defaultdict(list)
            for records in set(ready):
                items, ticket = records.take_pending()
                if items:
                    by_engine[records.engine].append(
                        (records, items, ticket))
            for engine, batches in by_engine.items():
                self._write(engine, batches)

    @staticmethod
    def _write(engine, batches):
        rows = [{'book_uuid': records.book, 'hooks': _packed(items)}
                for records, items, _ticket in batches]
        try:
            for records, _items, _ticket in batches:
                if records.before_write is not None:
                    records.before_write()
            causes.retrying_database(_insert_rows, engine, rows)
            error = None
        except Exception as err:
            LOG.warning('Could not record completed hooks: %s', err)
            error = err
        for records, _items, ticket in batches:
            records.written(ticket, error)


def _packed(items):
    """``[(resource key, hook), ...]`` as the JSON of a batch row."""
    by_hook = collections.defaultdict(list)
    for key, hook in items:
        by_hook[hook].append(key)
    return json.dumps(by_hook, separators=(',', ':'))


def _insert_rows(engine, rows):
    with engine.begin() as conn:
        conn.execute(HOOK_BATCHES_TABLE.insert(), rows)
