"""Counts the database round trips of a process (see round_trips.py).

On ``PYTHONPATH`` with ``KARBOR_COUNT_DIR`` set, every Python process
started there counts the round trips to its database servers: statements
sent (by their first word, through SQLAlchemy's ``before_cursor_execute``
event) and the COMMITs, ROLLBACKs and pings of DBAPI connections (the
dialect's ``do_commit``, ``do_rollback`` and ``do_ping``, which the pool's
pre-ping and reset on return call too, wrapped on each engine's dialect:
this is a measuring aid, never loaded by Karbor itself). Connection
check-outs and new connections are counted too, but are not round trips
of their own. The counts are written to ``<dir>/<pid>.json`` four times a
second (and again in a forked child).
"""

import collections
import json
import os
import sys
import threading
import time

_DIR = os.environ.get('KARBOR_COUNT_DIR')


def _install():
    import sqlalchemy as sa

    counts = collections.Counter()
    lock = threading.Lock()

    def bump(key):
        with lock:
            counts[key] += 1

    def statement(conn, cursor, text, parameters, context, executemany):
        bump('statement ' + text.split(None, 1)[0].upper())

    def counted(dialect, method, key):
        call = getattr(dialect, method)

        def wrapper(*args, **kwargs):
            bump(key)
            return call(*args, **kwargs)
        setattr(dialect, method, wrapper)

    wrapped = set()

    def engine_connect(conn):
        # The dialect's DBAPI-level calls (the pool's pings and resets
        # go through them too), counted once per dialect.
        dialect = conn.dialect
        with lock:
            if id(dialect) in wrapped:
                return
            wrapped.add(id(dialect))
        counted(dialect, 'do_commit', 'COMMIT')
        counted(dialect, 'do_rollback', 'ROLLBACK')
        counted(dialect, 'do_ping', 'ping')

    sa.event.listen(sa.engine.Engine, 'before_cursor_execute', statement)
    sa.event.listen(sa.engine.Engine, 'engine_connect', engine_connect)
    sa.event.listen(sa.pool.Pool, 'connect',
                    lambda dbapi_connection, record: bump('connect'))
    sa.event.listen(sa.pool.Pool, 'checkout',
                    lambda dbapi_connection, record, proxy: bump('checkout'))

    name = os.path.basename(sys.argv[0]) if sys.argv else 'python'

    def write():
        path = os.path.join(_DIR, '%d.json' % os.getpid())
        with lock:
            data = {'name': name, 'ppid': os.getppid(),
                    'counts': dict(counts)}
        with open(path + '.tmp', 'w') as out:
            json.dump(data, out)
        os.replace(path + '.tmp', path)

    def loop():
        while True:
            time.sleep(0.25)
            try:
                write()
            except OSError:
                pass

    def start():
        threading.Thread(target=loop, daemon=True,
                         name='round-trip-counter').start()

    def forked():
        with lock:
            counts.clear()
        start()

    os.register_at_fork(after_in_child=forked)
    start()


if _DIR:
    _install()
