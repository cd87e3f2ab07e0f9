"""Answers of checkpoint shows, remembered by the rows they were made from.

The show of a wide checkpoint is polled often (the CLI, the console) and
is large: a plan of 1,000 resources with their progress is about 360 KB
of JSON, and decoding its rows, building the view and encoding it cost
several times more than reading the rows. The answer depends on the
checkpoint's catalog row and its progress row only (a failed checkpoint's
on its operation logs too: those answers are not remembered). So each API
process remembers the answers it made, per checkpoint, with the contents
of both rows as read (``db.checkpoint_show_rows``: every column, the JSON
ones as the text stored).

Invalidation: a show reads both rows every time and serves a remembered
answer only if their contents are equal to those it was made from; any
change of either row (status, plan, progress, cancel request, deletion)
misses and replaces it. Nothing else needs invalidating. Only answers of
at least ``MIN_BYTES`` are kept (smaller ones cost little to make again),
at most ``MAX_BYTES`` of them per process, the least recently used going
first.
"""

import collections
import threading

MIN_BYTES = 16 * 1024
MAX_BYTES = 32 * 1024 * 1024


class ShowMemo(object):
    """Answer bodies by key (a checkpoint id) and source (row contents)."""

    def __init__(self, max_bytes=MAX_BYTES, min_bytes=MIN_BYTES):
        self.max_bytes = max_bytes
        self.min_bytes = min_bytes
        self._entries = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key, source):
        """The body remembered for ``key`` if made from ``source``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != source:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key, source, body):
        size = _size(source, body)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[2]
            if size > self.max_bytes or len(body) < self.min_bytes:
                return
            self._entries[key] = (source, body, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, (_source, _body, dropped) = self._entries.popitem(
                    last=False)
                self._bytes -= dropped

    @property
    def size(self):
        """Bytes of the answers and sources kept (strings and bytes)."""
        return self._bytes

    def __len__(self):
        return len(self._entries)


def _size(source, body):
    return len(body) + sum(len(value) for value in source
                           if isinstance(value, (str, bytes)))
