"""The embedded SQLite database under concurrent use from many threads."""

import sqlite3
import threading
import time

import pytest
import sqlalchemy

from karbor import context
from karbor.db import api as db
from karbor.db.sqlalchemy import engine
from karbor import quota

THREADS = 20
SECONDS = 3


def _work(stop, errors, counts, index):
    ctx = context.RequestContext(user_id='u%d' % index,
                                 project_id='project-%d' % (index % 4),
                                 is_admin=False)
    done = 0
    try:
        while not stop.is_set():
            plan = db.plan_create(ctx, {
                'name': 'plan-%d-%d' % (index, done),
                'project_id': ctx.project_id,
                'resources': [{'id': 'r', 'type': 'T', 'name': 'n'}]})
            db.plan_update(ctx, plan.id, {'status': 'started'})
            restore = db.restore_create(ctx, {'project_id': ctx.project_id,
                                              'status': 'in_progress'})
            db.restore_update_resource_status(ctx, restore.id,
                                              'T#%d' % index, 'available')
            quota.QUOTAS.commit(ctx, quota.QUOTAS.reserve(ctx,
                                                          checkpoints=1))
            db.plan_get_all_by_project(ctx, ctx.project_id, None, 10)
            db.plan_get(ctx, plan.id)
            if done % 3 == 0:
                db.plan_destroy(ctx, plan.id)
            done += 1
    except Exception as err:  # any error at all fails the test
        errors.append(repr(err))
    counts[index] = done


def test_many_threads_never_see_database_is_locked(sqlite_db):
    with db.get_engine().connect() as conn:
        assert conn.exec_driver_sql(
            'PRAGMA journal_mode').scalar().lower() == 'wal'
    stop, errors, counts = threading.Event(), [], {}
    threads = [threading.Thread(target=_work,
                                args=(stop, errors, counts, i))
               for i in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(counts) == THREADS and all(counts.values())
    admin = context.get_admin_context()
    usages = [db.quota_usage_get(admin, 'project-%d' % i, 'checkpoints')
              for i in range(4)]
    assert sum(u.in_use for u in usages) == sum(counts.values())
    assert all(u.reserved == 0 for u in usages)


def test_nested_writers(sqlite_db, ctx):
    with engine.writer(ctx):
        plan = db.plan_create(ctx, {'name': 'same transaction'})
        db.plan_update(ctx.elevated(), plan.id, {'status': 'started'})
        other = context.RequestContext(user_id='u', project_id='p',
                                       is_admin=False)
        assert db.plan_get_all(other) == []  # readers are fine
        with pytest.raises(RuntimeError):
            db.plan_create(other, {'name': 'would wait for itself'})
    assert db.plan_get(ctx, plan.id).status == 'started'


def _try_write_lock(url):
    """Whether another connection gets SQLite's write lock right now."""
    other = sqlite3.connect(url[len('sqlite:///'):], timeout=0,
                            isolation_level=None)
    try:
        other.execute('BEGIN IMMEDIATE')
        other.execute('ROLLBACK')
        return True
    except sqlite3.OperationalError as err:
        assert 'locked' in str(err)
        return False
    finally:
        other.close()


def test_writers_take_the_write_lock_up_front(sqlite_db, ctx):
    with engine.reader(ctx):
        db.plan_get_all(ctx)
        assert _try_write_lock(sqlite_db)
    with engine.writer(ctx):
        # Only a read so far: the lock is held all the same.
        db.plan_get_all(ctx)
        assert not _try_write_lock(sqlite_db)
    assert _try_write_lock(sqlite_db)


def test_file_connections_are_kept_and_writers_nest_in_writers_only(
        sqlite_db, ctx):
    pool = engine.get_engine().pool
    assert isinstance(pool, sqlalchemy.pool.QueuePool)
    with engine.writer(ctx) as outer:
        with engine.reader(ctx) as inner:
            assert inner is outer
            inner.execute(sqlalchemy.text('SELECT 1'))
    with engine.reader(ctx):
        with pytest.raises(TypeError):
            with engine.writer(ctx):
                pass
    assert pool.checkedin() >= 1 and pool.checkedout() == 0
