"""SQLite-backed document store shared by every sandbox service.

Resources are JSON documents keyed by ``(service, kind, id)``. Each row also
records the owning project and an optional parent key (a Swift container,
a Kubernetes namespace...) so listings stay cheap. Asynchronous work is kept
in a ``tasks`` table so that pending transitions survive a restart.
"""

import contextlib
import json
import os
import sqlite3
import threading

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    service TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT,
    parent TEXT,
    doc TEXT NOT NULL,
    UNIQUE (service, kind, id)
);
CREATE INDEX IF NOT EXISTS resources_parent
    ON resources (service, kind, parent);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    due REAL NOT NULL,
    name TEXT NOT NULL,
    args TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_due ON tasks (due);
"""


class Store(object):
    """Thread-safe JSON document store on one SQLite file (WAL mode)."""

    def __init__(self, path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(path, check_same_thread=False,
                                   isolation_level=None)
        self._db.execute('PRAGMA journal_mode=WAL')
        self._db.execute('PRAGMA synchronous=NORMAL')
        self._db.executescript(_SCHEMA)

    def close(self):
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def transaction(self):
        """Group several reads and writes atomically (re-entrant)."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._db.execute('BEGIN IMMEDIATE')
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute('ROLLBACK')
                raise
            self._depth -= 1
            if outer:
                self._db.execute('COMMIT')

    def _query(self, sql, args=()):
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # Resources

    def get(self, service, kind, rid):
        """Return the document or None."""
        rows = self._query('SELECT doc FROM resources WHERE service=? AND '
                           'kind=? AND id=?', (service, kind, rid))
        return json.loads(rows[0][0]) if rows else None

    def put(self, service, kind, doc, project_id=None, parent=None):
        """Insert or replace ``doc`` (keyed by ``doc['id']``)."""
        self._query(
            'INSERT INTO resources (service, kind, id, project_id, parent, '
            'doc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (service, kind, id) '
            'DO UPDATE SET project_id=excluded.project_id, '
            'parent=excluded.parent, doc=excluded.doc',
            (service, kind, doc['id'], project_id, parent, json.dumps(doc)))
        return doc

    def update(self, service, kind, rid, **fields):
        """Set ``fields`` of a document atomically; None if it has gone.

        Never re-creates a document deleted meanwhile (a failed upload
        finishing after the client deleted the image, say).
        """
        with self.transaction():
            doc = self.get(service, kind, rid)
            if doc is not None:
                doc.update(fields)
                self._query('UPDATE resources SET doc=? WHERE service=? '
                            'AND kind=? AND id=?',
                            (json.dumps(doc), service, kind, rid))
            return doc

    def delete(self, service, kind, rid):
        """Remove a document; return True when it existed."""
        with self.transaction():
            existed = self.get(service, kind, rid) is not None
            self._query('DELETE FROM resources WHERE service=? AND kind=? '
                        'AND id=?', (service, kind, rid))
        return existed

    def list(self, service, kind, project_id=None, parent=None):
        """Documents of a kind in creation order, optionally filtered."""
        sql = 'SELECT doc FROM resources WHERE service=? AND kind=?'
        args = [service, kind]
        if project_id is not None:
            sql += ' AND project_id=?'
            args.append(project_id)
        if parent is not None:
            sql += ' AND parent=?'
            args.append(parent)
        return [json.loads(r[0]) for r in self._query(sql + ' ORDER BY seq',
                                                      args)]

    def project_of(self, service, kind, rid):
        rows = self._query('SELECT project_id FROM resources WHERE '
                           'service=? AND kind=? AND id=?',
                           (service, kind, rid))
        return rows[0][0] if rows else None

    # Tasks

    def add_task(self, due, name, args):
        self._query('INSERT INTO tasks (due, name, args) VALUES (?, ?, ?)',
                    (due, name, json.dumps(args)))

    def pop_due_task(self, now):
        """Remove and return the earliest task due at ``now``, or None."""
        with self.transaction():
            rows = self._query('SELECT id, name, args FROM tasks WHERE '
                               'due <= ? ORDER BY due, id LIMIT 1', (now,))
            if not rows:
                return None
            self._query('DELETE FROM tasks WHERE id=?', (rows[0][0],))
        return rows[0][1], json.loads(rows[0][2])

    def next_due(self):
        rows = self._query('SELECT MIN(due) FROM tasks')
        return rows[0][0]
