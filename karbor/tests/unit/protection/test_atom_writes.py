"""Atom updates that change only taskflow's progress are not written."""

import collections

import pytest
from taskflow.persistence import models
from taskflow import states

from karbor.services.protection.flows import atom_writes
from karbor.services.protection.flows import persistence


class Counting(object):
    """A persistence connection counting the atom updates it writes."""

    def __init__(self, connection):
        self.connection = connection
        self.atom_writes = 0

    def __getattr__(self, name):
        return getattr(self.connection, name)

    def update_atom_details(self, atom_detail):
        self.atom_writes += 1
        return self.connection.update_atom_details(atom_detail)


class CountingFlows(Counting):
    """Also counts the atoms each flow update carries."""

    def __init__(self, connection):
        super().__init__(connection)
        self.flow_atoms = []

    def update_flow_details(self, flow_detail):
        self.flow_atoms.append(sorted(ad.name for ad in flow_detail))
        return self.connection.update_flow_details(flow_detail)


def _plain_connection(backend):
    """taskflow's own connection, which reads what is stored."""
    return super(persistence.SharedConnectionBackend,
                 backend).get_connection()


def _saved_task(backend):
    book = models.LogBook('atoms')
    flow = models.FlowDetail('flow', 'flow-uuid')
    task = models.TaskDetail('task', 'task-uuid')
    flow.add(task)
    book.add(flow)
    _plain_connection(backend).save_logbook(book)
    return task


def _changed(task, **changes):
    clone = task.copy()
    progress = changes.pop('progress', None)
    for name, value in changes.items():
        setattr(clone, name, value)
    if progress is not None:
        clone.meta = dict(clone.meta or {}, progress=progress)
    return clone


def _stored(backend, task):
    return _plain_connection(backend).get_atom_details(task.uuid)


Watched = collections.namedtuple('Watched', 'task counting connection')


@pytest.fixture
def watched(flow_backend):
    """A saved task and a filtering connection over a counting one."""
    counting = CountingFlows(_plain_connection(flow_backend))
    return Watched(_saved_task(flow_backend), counting,
                   atom_writes.ProgressOnlySkipped(counting))


def test_progress_only_updates_wait_for_the_next_write(flow_backend,
                                                      watched):
    task, counting, connection = watched
    running = connection.update_atom_details(
        _changed(task, state=states.RUNNING))
    assert counting.atom_writes == 1
    started = connection.update_atom_details(_changed(running, progress=0.0))
    assert counting.atom_writes == 1
    # Answered as written; the database still has the atom without it.
    assert started.meta['progress'] == 0.0
    assert _stored(flow_backend, task).state == states.RUNNING
    assert 'progress' not in (_stored(flow_backend, task).meta or {})

    done = connection.update_atom_details(
        _changed(started, state=states.SUCCESS, results=True))
    assert counting.atom_writes == 2
    stored = _stored(flow_backend, task)
    assert (stored.state, stored.results) == (states.SUCCESS, True)
    assert stored.meta['progress'] == 0.0  # went with the state
    connection.update_atom_details(_changed(done, progress=1.0))
    assert counting.atom_writes == 2


def test_every_other_change_is_written(flow_backend, watched):
    task, counting, connection = watched
    first = connection.update_atom_details(
        _changed(task, state=states.RUNNING))
    changes = [
        {'meta': {'other': 1}, 'progress': 0.5},
        {'intention': states.REVERT},
        {'results': {'a': 1}},
        {'results': {'a': 1}},  # equal, but not the object last written
        {'state': states.FAILURE},
    ]
    for number, change in enumerate(changes, start=2):
        first = connection.update_atom_details(_changed(first, **change))
        assert counting.atom_writes == number, change
    stored = _stored(flow_backend, task)
    assert (stored.state, stored.intention) == (states.FAILURE,
                                                states.REVERT)
    assert stored.meta == {'other': 1, 'progress': 0.5}


def test_a_new_process_writes_the_first_update_of_an_atom(flow_backend):
    """A worker resuming another's flow knows nothing of what the other
    wrote: its first update of each atom is written, progress or not."""
    task = _saved_task(flow_backend)
    before = atom_writes.ProgressOnlySkipped(_plain_connection(flow_backend))
    running = before.update_atom_details(_changed(task, state=states.RUNNING))
    counting = Counting(_plain_connection(flow_backend))
    after = atom_writes.ProgressOnlySkipped(counting)
    after.update_atom_details(_changed(running, progress=0.25))
    assert counting.atom_writes == 1
    assert _stored(flow_backend, task).meta['progress'] == 0.25


def test_flow_detail_writes_are_remembered(flow_backend, watched):
    task, counting, connection = watched
    flow = _plain_connection(flow_backend).get_flow_details('flow-uuid')
    flow.state = states.RUNNING
    stored = connection.update_flow_details(flow)
    [atom] = list(stored)
    connection.update_atom_details(_changed(atom, progress=0.5))
    assert counting.atom_writes == 0
    assert _stored(flow_backend, task).meta in (None, {})


def test_remembers_a_bounded_number_of_atoms(watched, monkeypatch):
    monkeypatch.setattr(atom_writes, 'REMEMBERED_ATOMS', 1)
    task, counting, connection = watched
    running = connection.update_atom_details(
        _changed(task, state=states.RUNNING))
    other = models.TaskDetail('other', 'other-uuid')
    connection._remember([other])
    # Forgotten: written again, which is always safe.
    connection.update_atom_details(_changed(running, progress=0.5))
    assert counting.atom_writes == 2


def test_the_shared_connection_skips_progress_only_updates(flow_backend):
    task = _saved_task(flow_backend)
    shared = flow_backend.get_connection()
    running = shared.update_atom_details(_changed(task, state=states.RUNNING))
    shared.update_atom_details(_changed(running, progress=0.5))
    assert 'progress' not in (_stored(flow_backend, task).meta or {})


def test_a_flow_state_change_writes_only_changed_atoms(flow_backend,
                                                      watched):
    task, counting, connection = watched
    flow = _plain_connection(flow_backend).get_flow_details('flow-uuid')
    flow.state = states.RUNNING
    flow = connection.update_flow_details(flow)  # not known yet: written
    [atom] = list(flow)
    atom.meta = {'progress': 0.5}
    flow.state = states.SUCCESS
    flow = connection.update_flow_details(flow)
    assert counting.flow_atoms == [['task'], []]
    assert _plain_connection(flow_backend).get_flow_details(
        'flow-uuid').state == states.SUCCESS
    [atom] = list(flow)
    atom.state = states.REVERTED
    flow.state = states.REVERTED
    connection.update_flow_details(flow)
    assert counting.flow_atoms[-1] == ['task']
    assert _stored(flow_backend, task).state == states.REVERTED
