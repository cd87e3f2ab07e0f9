"""List filters of the DB API on SQLite, MariaDB and PostgreSQL: text
matching in bounded time, values checked against their column's type."""

import time

import pytest

from karbor.db import api as db
from karbor import exception

NAMES = ['plan-1', 'plan-12', 'Plan-1', 'my plan-1', 'a%b_c', '(a+)+',
         'caf\u00e9 cr\u00e8me', 'x^y$z', 'plan-1 ']
VALUES = ['plan-1', '^plan-1', 'plan-1$', '^plan-1$', 'PLAN', 'plan',
          '%', '_', 'a%b', '.*', '(a+)+', '^(a+)+$', 'cr\u00e8me$',
          '^caf\u00e9', 'x^y', 'y$z', '^', '$', '^$', '', ' ']


def documented_match(name, value):
    """The documented meaning of a text filter, in Python."""
    start = value.startswith('^')
    value = value[1:] if start else value
    end = value.endswith('$')
    value = value[:-1] if end else value
    if start and end:
        return name == value
    if start:
        return name.startswith(value)
    if end:
        return name.endswith(value)
    return value in name


@pytest.fixture
def named_plans(db_backend, ctx):
    return {db.plan_create(ctx, {'name': name, 'project_id': 'project',
                                 'description': None}).id: name
            for name in NAMES}


def _listed(ctx, **filters):
    return {row.id for row in db.plan_get_all(ctx, filters=filters)}


def test_text_filters_mean_the_same_on_every_backend(named_plans, ctx):
    for value in VALUES:
        expected = {plan_id for plan_id, name in named_plans.items()
                    if documented_match(name, value)}
        assert _listed(ctx, name=value) == expected, value


def test_text_filter_skips_missing_text(named_plans, ctx):
    described = db.plan_create(ctx, {'name': 'd', 'project_id': 'project',
                                     'description': 'nightly backup'})
    assert _listed(ctx, description='') == {described.id}
    assert _listed(ctx, description='^nightly') == {described.id}
    assert _listed(ctx, description='weekly') == set()


def test_pathological_patterns_are_quick(db_backend, ctx):
    names = ['a' * 27 + '!', 'a' * 254 + '!', 'ab' * 127]
    for name in names:
        db.plan_create(ctx, {'name': name, 'project_id': 'project'})
    values = ['^(a+)+$', '(a|aa)+$', '^(.*a){20}$', 'a' * 200 + 'b',
              '%a%a%a%a%a%a%a%a%a%a%a%a%a%b', '_' * 200 + '!']
    for value in values:
        began = time.monotonic()
        found = [row.name for row in db.plan_get_all(
            ctx, filters={'name': value})]
        elapsed = time.monotonic() - began
        assert elapsed < 0.5, (value, elapsed)
        assert found == [n for n in names if documented_match(n, value)]


def test_list_and_null_filters(named_plans, ctx):
    wanted = {i for i, n in named_plans.items() if n in ('plan-1', '(a+)+')}
    assert _listed(ctx, name=['plan-1', '(a+)+']) == wanted
    assert _listed(ctx, description=None) == set(named_plans)


def test_values_are_read_as_the_column_type(named_plans, ctx):
    numbered = db.plan_create(ctx, {'name': '7', 'project_id': 'project',
                                    'status': '7'})
    assert _listed(ctx, status=7) == {numbered.id}
    assert _listed(ctx, name=7) == {numbered.id}
    assert _listed(ctx, status=[7, 'x']) == {numbered.id}
    assert _listed(ctx, deleted='false') == set(named_plans) | {numbered.id}
    assert _listed(ctx, deleted=1) == set()
    assert _listed(ctx, parameters='{"a": 1}') == set()
    assert _listed(ctx, parameters=['x', 7]) == set()
    created = db.plan_get(ctx, numbered.id).created_at
    assert _listed(ctx, created_at=created.isoformat()) >= {numbered.id}


@pytest.mark.parametrize('filters', [
    {'deleted': 'maybe'}, {'deleted': 2}, {'created_at': 'yesterday'},
    {'created_at': 5}, {'deleted': ['true', 'no-such']},
])
def test_values_of_the_wrong_type_are_invalid(db_backend, ctx, filters):
    with pytest.raises(exception.InvalidInput):
        db.plan_get_all(ctx, filters=filters)


@pytest.mark.parametrize('value', [2 ** 63, -2 ** 63 - 5, 'ten', 1.5, True])
def test_integer_columns_refuse_what_no_database_compares(db_backend, ctx,
                                                          value):
    with pytest.raises(exception.InvalidInput):
        db.service_get_all(ctx, filters={'report_count': value})


def test_unknown_column_still_checks_sort_and_marker(named_plans, ctx):
    assert _listed(ctx, restore_id=[None]) == set()
    with pytest.raises(exception.InvalidInput):
        db.plan_get_all(ctx, filters={'restore_id': [None]},
                        sort_keys=['name;x'])
    with pytest.raises(exception.MarkerNotFound):
        db.plan_get_all(ctx, marker='f0f0f0f0-0000-4000-8000-000000000000',
                        filters={'restore_id': None})
