"""The quota engine on SQLite."""

import datetime

from oslo_config import cfg
import pytest

from karbor.db import api as db
from karbor import exception
from karbor import quota

CONF = cfg.CONF
QUOTAS = quota.QUOTAS


def _usage(ctx, resource='plans'):
    quotas = QUOTAS.get_project_quotas(ctx, ctx.project_id)
    return quotas[resource]


def test_defaults_come_from_options_and_default_class(sqlite_db, ctx):
    assert QUOTAS.get_defaults(ctx) == {'plans': 50, 'checkpoints': -1}
    CONF.set_override('quota_plans', 7)
    QUOTAS.set_class_quota(ctx, 'default', 'checkpoints', 100)
    assert QUOTAS.get_defaults(ctx) == {'plans': 7, 'checkpoints': 100}
    QUOTAS.set_class_quota(ctx, 'gold', 'plans', 1000)
    assert QUOTAS.get_class_quotas(ctx, 'gold') == {'plans': 1000,
                                                    'checkpoints': 100}
    assert QUOTAS.get_class_quotas(ctx, 'gold', defaults=False) == {
        'plans': 1000}


def test_project_quotas(sqlite_db, ctx):
    QUOTAS.set_project_quota(ctx, ctx.project_id, 'plans', 3)
    QUOTAS.set_project_quota(ctx, ctx.project_id, 'plans', 4)
    assert QUOTAS.get_project_quotas(ctx, ctx.project_id) == {
        'plans': {'limit': 4, 'in_use': 0, 'reserved': 0},
        'checkpoints': {'limit': -1, 'in_use': 0, 'reserved': 0}}
    assert QUOTAS.get_project_quotas(ctx, ctx.project_id, usages=False,
                                     defaults=False) == {
        'plans': {'limit': 4}}
    with pytest.raises(exception.InvalidInput):
        QUOTAS.set_project_quota(ctx, ctx.project_id, 'plans', -2)
    with pytest.raises(exception.QuotaResourceUnknown):
        QUOTAS.set_project_quota(ctx, ctx.project_id, 'volumes', 1)


def test_reserve_commit_rollback(sqlite_db, ctx):
    QUOTAS.set_project_quota(ctx, ctx.project_id, 'plans', 2)
    first = QUOTAS.reserve(ctx, plans=1)
    assert _usage(ctx) == {'limit': 2, 'in_use': 0, 'reserved': 1}
    QUOTAS.commit(ctx, first)
    assert _usage(ctx) == {'limit': 2, 'in_use': 1, 'reserved': 0}
    second = QUOTAS.reserve(ctx, plans=1)
    with pytest.raises(exception.OverQuota) as err:
        QUOTAS.reserve(ctx, plans=1)
    assert err.value.code == 413
    QUOTAS.rollback(ctx, second)
    assert _usage(ctx) == {'limit': 2, 'in_use': 1, 'reserved': 0}
    QUOTAS.commit(ctx, QUOTAS.reserve(ctx, plans=-1))
    assert _usage(ctx)['in_use'] == 0
    with pytest.raises(exception.InvalidQuotaValue):
        QUOTAS.reserve(ctx, plans=-1)


def test_reserve_applies_limits_in_order(sqlite_db, ctx):
    """Project limit, else the context's class, else ``default``, else
    the option."""
    CONF.set_override('quota_checkpoints', 1)
    QUOTAS.consume(ctx, checkpoints=1)
    with pytest.raises(exception.OverQuota):
        QUOTAS.consume(ctx, checkpoints=1)
    QUOTAS.set_class_quota(ctx, 'default', 'checkpoints', 2)
    QUOTAS.consume(ctx, checkpoints=1)
    with pytest.raises(exception.OverQuota):
        QUOTAS.consume(ctx, checkpoints=1)
    QUOTAS.set_class_quota(ctx, 'gold', 'checkpoints', 3)
    ctx.quota_class = 'gold'
    QUOTAS.consume(ctx, checkpoints=1)
    with pytest.raises(exception.OverQuota):
        QUOTAS.consume(ctx, checkpoints=1)
    QUOTAS.set_project_quota(ctx, ctx.project_id, 'checkpoints', 4)
    QUOTAS.consume(ctx, checkpoints=1)
    with pytest.raises(exception.OverQuota):
        QUOTAS.consume(ctx, checkpoints=1)
    QUOTAS.release(ctx, checkpoints=1)
    assert _usage(ctx, 'checkpoints') == {'limit': 4, 'in_use': 3,
                                          'reserved': 0}
    # Nothing counted is left to release: usage stays at zero.
    for _i in range(4):
        QUOTAS.release(ctx, checkpoints=1)
    assert _usage(ctx, 'checkpoints')['in_use'] == 0


def test_consume_unlimited(sqlite_db, ctx):
    """Unlimited usage is added in place once counted; releases and
    limited resources take the locking path."""
    for _i in range(3):
        QUOTAS.consume(ctx, checkpoints=1)
    QUOTAS.release(ctx, checkpoints=1)
    assert _usage(ctx, 'checkpoints') == {'limit': -1, 'in_use': 2,
                                          'reserved': 0}
    other = ctx.__class__(user_id='u', project_id='other', is_admin=False)
    QUOTAS.consume(other, checkpoints=2)
    assert QUOTAS.get_project_quotas(other, 'other')['checkpoints'][
        'in_use'] == 2
    assert _usage(ctx, 'checkpoints')['in_use'] == 2


def test_unlimited(sqlite_db, ctx):
    for _i in range(5):
        QUOTAS.commit(ctx, QUOTAS.reserve(ctx, checkpoints=1))
    assert _usage(ctx, 'checkpoints') == {'limit': -1, 'in_use': 5,
                                          'reserved': 0}


def test_usage_is_counted_from_existing_rows(sqlite_db, ctx):
    for i in range(2):
        db.plan_create(ctx, {'name': 'p%d' % i, 'project_id': 'project'})
    QUOTAS.set_project_quota(ctx, ctx.project_id, 'plans', 3)
    QUOTAS.reserve(ctx, plans=1)
    assert _usage(ctx) == {'limit': 3, 'in_use': 2, 'reserved': 1}
    with pytest.raises(exception.OverQuota):
        QUOTAS.reserve(ctx, plans=1)


def test_expired_reservations_are_released(sqlite_db, ctx):
    reservations = QUOTAS.reserve(ctx, plans=2)
    assert QUOTAS.expire(ctx) == 0
    assert len(reservations) == 1
    with db.get_engine().begin() as conn:
        conn.exec_driver_sql('UPDATE reservations SET expire = ?',
                             (datetime.datetime(2000, 1, 1),))
    assert QUOTAS.expire(ctx) == 1
    assert _usage(ctx)['reserved'] == 0


def test_destroy_all_by_project(sqlite_db, ctx):
    QUOTAS.set_project_quota(ctx, ctx.project_id, 'plans', 9)
    QUOTAS.reserve(ctx, plans=1)
    QUOTAS.destroy_all_by_project(ctx, ctx.project_id)
    assert _usage(ctx) == {'limit': 50, 'in_use': 0, 'reserved': 0}
