"""Leaving out taskflow's writes of an atom that change only its progress.

taskflow's engine saves a task's progress right after each state change
of the task: 0.0 after RUNNING, 1.0 after its result, each an atom update
of its own (with the SQLAlchemy backend a transaction of a read, an update
and a commit). Karbor keeps its own progress and never reads taskflow's,
so such a write only costs time: half the atom writes of a flow, one
after another while the engine schedules its tasks.

``ProgressOnlySkipped`` wraps a persistence connection (taskflow's backend
interface) and answers such an update without writing it, as if written;
when a flow's state changes it writes the flow and only those atoms that
changed beyond their progress (taskflow's backend rewrites them all).
What resume relies on is written as before: every state, intention,
result and failure, and every other metadata. A progress left out goes to
the database with the atom's next write. The first write of an atom in
this process is always made, so a worker that resumes another's flow
starts from what is stored.
"""

import collections
import threading

from taskflow import storage

_PROGRESS_KEYS = frozenset([storage.META_PROGRESS,
                            storage.META_PROGRESS_DETAILS])
# Values that compare by value alone; anything else must be the very
# object last written.
_SCALARS = (type(None), bool, int, float, str)
# Atoms remembered per process, the least recently written forgotten
# first (a forgotten atom is merely written again).
REMEMBERED_ATOMS = 100000


def _same(first, second):
    return first is second or (type(first) is type(second) and
                               isinstance(first, _SCALARS) and
                               first == second)


def _written_part(atom_detail):
    """What of an atom detail a write must keep: all but its progress."""
    meta = atom_detail.meta or {}
    return {
        'state': atom_detail.state,
        'intention': atom_detail.intention,
        'version': atom_detail.version,
        'results': atom_detail.results,
        'failure': atom_detail.failure,
        'revert_results': getattr(atom_detail, 'revert_results', None),
        'revert_failure': getattr(atom_detail, 'revert_failure', None),
        'meta': {key: value for key, value in meta.items()
                 if key not in _PROGRESS_KEYS},
    }


def _only_progress_differs(written, atom_detail):
    current = _written_part(atom_detail)
    return (current['meta'] == written['meta'] and
            all(_same(current[key], written[key])
                for key in current if key != 'meta'))


class ProgressOnlySkipped(object):
    """A persistence connection that does not write an atom update
    changing nothing but the atom's progress (see the module)."""

    def __init__(self, connection):
        self._connection = connection
        self._written = collections.OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def update_atom_details(self, atom_detail):
        if self._unchanged(atom_detail):
            return atom_detail
        stored = self._connection.update_atom_details(atom_detail)
        self._remember([stored])
        return stored

    def update_flow_details(self, flow_detail):
        """Write the flow and those of its atoms with more than their
        progress changed (taskflow's backend writes every atom of a flow
        whose state changes)."""
        changed = flow_detail.copy(retain_contents=False)
        for atom_detail in flow_detail:
            if not self._unchanged(atom_detail):
                changed.add(atom_detail)
        stored = self._connection.update_flow_details(changed)
        self._remember(stored)
        return stored

    def _unchanged(self, atom_detail):
        with self._lock:
            written = self._written.get(atom_detail.uuid)
        return written is not None and _only_progress_differs(written,
                                                              atom_detail)

    def _remember(self, atom_details):
        parts = [(ad.uuid, _written_part(ad)) for ad in atom_details]
        with self._lock:
            for uuid, part in parts:
                self._written[uuid] = part
                self._written.move_to_end(uuid)
            while len(self._written) > REMEMBERED_ATOMS:
                self._written.popitem(last=False)
