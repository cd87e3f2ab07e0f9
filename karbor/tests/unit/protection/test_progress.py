"""The progress tracker: its percent and ETA, and how often it writes."""

import time
import uuid

import sqlalchemy as sa

from karbor.db import api as db
from karbor import resource as karbor_resource
from karbor.services.protection import progress
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.unit.protection import flow_fakes as ff


def volumes(count):
    return [karbor_resource.Resource('OS::Cinder::Volume', 'id-%d' % i,
                                     'vol%d' % i) for i in range(count)]


def tracker(resources, steps=4):
    made = progress.ProgressTracker(ff.make_context(), str(uuid.uuid4()),
                                    'protect', ff.PROJECT_ID,
                                    status='protecting')
    made.plan([(r, steps) for r in resources])
    return made


def test_percent_eta_and_bytes(sqlite_db):  # noqa: F811
    first, second = volumes(2)
    made = tracker([first, second])
    view = made.summary()
    assert (view['percent'], view['eta_seconds'], view['done'],
            view['total']) == (0.0, None, 0, 2)
    made.hook_started(first)
    progress.report(50, 100)
    view = made.summary()
    # Half of one of four steps of one of two resources; no step done.
    assert view['percent'] == 6.2 and view['eta_seconds'] is None
    assert view['resources'][0]['unit'] == 'bytes'
    made.hook_ended(first)
    view = made.summary()
    assert view['percent'] == 12.5 and view['eta_seconds'] is not None
    assert view['resources'][0] == {
        'id': 'id-0', 'type': 'OS::Cinder::Volume', 'name': 'vol0',
        'status': 'running', 'done': 1, 'total': 4, 'unit': 'steps'}
    assert view['steps'] == [[1, 4], [0, 4]]
    for _ in range(3):
        made.hook_started(first)
        made.hook_ended(first)
    view = made.summary()
    assert view['done'] == 1 and view['percent'] == 50.0
    made.hook_started(second)
    made.hook_ended(second, ok=False)
    assert made.summary()['resources'][1]['status'] == 'error'
    made.end('available')
    stored = progress.public(db.operation_progress_get(
        ff.make_context(), made.op_id).summary)
    assert (stored['status'], stored['percent'], stored['eta_seconds'],
            stored['done']) == ('available', 100.0, 0, 2)
    # Outside a hook a report is a no-op.
    progress.report(1, 2)


def test_writes_are_throttled(sqlite_db):  # noqa: F811
    resources = volumes(50)
    made = tracker(resources)
    writes = []

    def count(conn, cursor, statement, *args):
        if 'operation_progress' in statement and not statement.startswith(
                'SELECT'):
            writes.append(statement)
    engine = db.get_engine()
    sa.event.listen(engine, 'before_cursor_execute', count)
    try:
        start = time.monotonic()
        for resource in resources:
            for _ in range(4):
                made.hook_started(resource)
                made.hook_ended(resource)
        seconds = time.monotonic() - start
        time.sleep(1.0 / progress.WRITES_PER_SECOND + 0.2)
    finally:
        sa.event.remove(engine, 'before_cursor_execute', count)
    # 400 events: a write when the first came, then at most
    # WRITES_PER_SECOND a second, and the trailing timer's.
    assert 1 <= len(writes) <= 2 + progress.WRITES_PER_SECOND * (
        seconds + 1)
    stored = db.operation_progress_get(ff.make_context(), made.op_id)
    assert stored.summary['percent'] == 100.0


def test_stored_items_are_public_and_resume_from_their_steps(
        sqlite_db):  # noqa: F811
    first, second = volumes(2)
    made = tracker([first, second])
    made.hook_started(first)
    made.hook_ended(first)
    made.hook_started(second)
    made.flush(force=True)
    stored = db.operation_progress_get(ff.make_context(), made.op_id).summary
    # The API passes the stored items on as they are.
    assert progress.public(stored)['resources'] == stored['resources']
    assert set(stored['resources'][0]) == set(progress.RESOURCE_KEYS)
    resumed = progress.ProgressTracker(ff.make_context(), made.op_id,
                                       'protect', ff.PROJECT_ID)
    resumed.resume(stored)
    view = resumed.summary()
    # Hooks done are kept; resources that were running wait again.
    assert view['steps'] == [[1, 4], [0, 4]]
    assert [r['status'] for r in view['resources']] == ['pending',
                                                        'pending']


def test_summaries_written_before_steps_are_read():
    """Items with their steps inside (the first stored shape)."""
    old = {'status': 'protecting', 'percent': 25.0, 'done': 0, 'total': 1,
           'resources': [{'id': 'id-0', 'type': 'OS::Cinder::Volume',
                          'name': 'vol0', 'status': 'running', 'done': 1,
                          'total': 4, 'unit': 'steps', 'steps_done': 1,
                          'steps': 4}]}
    assert progress.public(old)['resources'] == [
        {'id': 'id-0', 'type': 'OS::Cinder::Volume', 'name': 'vol0',
         'status': 'running', 'done': 1, 'total': 4, 'unit': 'steps'}]
    resumed = progress.ProgressTracker(ff.make_context(), 'op', 'protect',
                                       ff.PROJECT_ID)
    resumed.resume(old)
    assert resumed.summary()['steps'] == [[1, 4]]
