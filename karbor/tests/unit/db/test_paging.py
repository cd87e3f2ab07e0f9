"""Paging, sorting and filtering of DB API lists (on SQLite)."""

import datetime

import pytest
import sqlalchemy as sa

from karbor.db import api as db
from karbor.db.sqlalchemy import engine
from karbor import exception

BASE_TIME = datetime.datetime(2020, 1, 1)


@pytest.fixture
def plans(sqlite_db, ctx):
    """Six plans in two projects; created_at increases with the index."""
    rows = []
    for i in range(6):
        rows.append(db.plan_create(ctx, {
            'name': 'plan-%d' % i, 'description': 'desc %d' % (i % 2),
            'project_id': 'project' if i < 4 else 'other',
            'status': 'started' if i % 3 == 0 else 'suspended',
            'created_at': BASE_TIME + datetime.timedelta(minutes=i)}))
    return rows


def _names(rows):
    return [row.name for row in rows]


def test_default_order_is_newest_first(plans, ctx):
    assert _names(db.plan_get_all(ctx)) == [
        'plan-5', 'plan-4', 'plan-3', 'plan-2', 'plan-1', 'plan-0']


def test_by_project(plans, ctx):
    assert _names(db.plan_get_all_by_project(ctx, 'other')) == [
        'plan-5', 'plan-4']


def test_marker_walks_every_page(plans, ctx):
    seen, marker = [], None
    while True:
        page = db.plan_get_all(ctx, marker, 4, sort_keys=['name'],
                               sort_dirs=['asc'])
        seen += _names(page)
        if len(page) < 4:
            break
        marker = page[-1].id
    assert seen == ['plan-%d' % i for i in range(6)]


def test_marker_with_duplicate_sort_values(plans, ctx):
    first = db.plan_get_all(ctx, None, 2, sort_keys=['status'],
                            sort_dirs=['asc'])
    rest = db.plan_get_all(ctx, first[-1].id, None, sort_keys=['status'],
                           sort_dirs=['asc'])
    everything = first + rest
    assert len({row.id for row in everything}) == 6
    assert [row.status for row in everything] == sorted(
        row.status for row in everything)


def test_marker_on_nullable_column(sqlite_db, ctx):
    for i, description in enumerate([None, 'b', None, 'a']):
        db.plan_create(ctx, {'name': 'p%d' % i, 'description': description,
                             'project_id': 'project'})
    for direction in ('asc', 'desc'):
        all_rows = db.plan_get_all(ctx, sort_keys=['description'],
                                   sort_dirs=[direction])
        paged, marker = [], None
        while True:
            page = db.plan_get_all(ctx, marker, 1,
                                   sort_keys=['description'],
                                   sort_dirs=[direction])
            if not page:
                break
            paged += page
            marker = page[-1].id
        assert [r.id for r in paged] == [r.id for r in all_rows]


def test_offset_and_limit(plans, ctx):
    rows = db.plan_get_all(ctx, limit=2, offset=1, sort_keys=['name'],
                           sort_dirs=['asc'])
    assert _names(rows) == ['plan-1', 'plan-2']


def test_unknown_marker(plans, ctx):
    with pytest.raises(exception.MarkerNotFound) as err:
        db.plan_get_all(ctx, marker='nope')
    assert err.value.code == 404


@pytest.mark.parametrize('keys,dirs', [
    (['nope'], None), (['name'], ['sideways']), (['name'], ['asc', 'asc'])])
def test_bad_sort(plans, ctx, keys, dirs):
    with pytest.raises(exception.InvalidInput):
        db.plan_get_all(ctx, sort_keys=keys, sort_dirs=dirs)


def test_bad_limit(plans, ctx):
    with pytest.raises(exception.InvalidInput):
        db.plan_get_all(ctx, limit=-1)


def test_exact_list_and_text_filters(plans, ctx):
    assert _names(db.plan_get_all(ctx, filters={'status': 'started'})) == [
        'plan-3', 'plan-0']
    assert len(db.plan_get_all(
        ctx, filters={'status': ['started', 'suspended']})) == 6
    assert _names(db.plan_get_all(ctx, filters={'name': '^plan-1$'})) == [
        'plan-1']
    assert _names(db.plan_get_all(
        ctx, filters={'description': '1', 'project_id': 'project'})) == [
        'plan-3', 'plan-1']


def test_filter_on_unknown_column_matches_nothing(plans, ctx):
    assert db.plan_get_all(ctx, filters={'colour': 'red'}) == []


def test_soft_deleted_rows_are_hidden(plans, ctx):
    db.plan_destroy(ctx, plans[0].id)
    assert 'plan-0' not in _names(db.plan_get_all(ctx))
    ctx.read_deleted = 'only'
    assert _names(db.plan_get_all(ctx)) == ['plan-0']


def _checkpoints(ctx, count, same_time=False):
    """``count`` catalog rows of one project, provider and two plans."""
    return [db.checkpoint_record_create(ctx, {
        'project_id': 'project', 'provider_id': 'provider',
        'plan_id': 'plan-%d' % (i % 2), 'status': 'available',
        'created_at': BASE_TIME + datetime.timedelta(
            seconds=0 if same_time else i)}) for i in range(count)]


def _query_plan(ctx, marker=None, **filters):
    """SQLite's plan for the statement of a checkpoint list call."""
    eng = engine.get_engine()
    listed = []

    def capture(conn, cursor, statement, params, context, executemany):
        if 'LIMIT' in statement and 'FROM checkpoints' in statement:
            listed.append((statement, params))

    sa.event.listen(eng, 'before_cursor_execute', capture)
    try:
        db.checkpoint_record_get_all_by_project(
            ctx, 'project', marker, 2,
            filters=dict(filters, provider_id='provider'))
    finally:
        sa.event.remove(eng, 'before_cursor_execute', capture)
    [(statement, params)] = listed
    with eng.connect() as conn:
        return ' | '.join(row[-1] for row in conn.exec_driver_sql(
            'EXPLAIN QUERY PLAN ' + statement, params))


def test_plan_filter_seeks_the_plan_index(sqlite_db, ctx):
    _checkpoints(ctx, 4)
    plan = _query_plan(ctx, plan_id='plan-1')
    assert 'ix_checkpoints_provider_project_plan_created' in plan
    assert 'plan_id=?' in plan


def test_marker_seeks_instead_of_scanning(sqlite_db, ctx):
    rows = _checkpoints(ctx, 6)
    plan = _query_plan(ctx, marker=rows[3].id)
    assert 'created_at<?' in plan, plan


def test_marker_pages_through_equal_creation_times(sqlite_db, ctx):
    rows = _checkpoints(ctx, 7, same_time=True)
    seen, marker = [], None
    while True:
        page = db.checkpoint_record_get_all_by_project(
            ctx, 'project', marker, 3, filters={'provider_id': 'provider'})
        seen += [row.id for row in page]
        if len(page) < 3:
            break
        marker = page[-1].id
    assert seen == sorted((row.id for row in rows), reverse=True)
