"""The largest values the API lets through are stored and used on every
backend: offsets and quota limits."""

import pytest

from karbor.api import common
from karbor.db import api as db
from karbor import exception
from karbor import quota

QUOTAS = quota.QUOTAS


def test_largest_offset(db_backend, ctx):
    for i in range(3):
        db.plan_create(ctx, {'name': 'p%d' % i, 'project_id': 'project'})
    assert db.plan_get_all(ctx, offset=common.MAX_OFFSET) == []
    assert len(db.plan_get_all(ctx, offset=2)) == 1


@pytest.mark.parametrize('setter,owner', [
    (QUOTAS.set_project_quota, 'project'),
    (QUOTAS.set_class_quota, 'gold')])
def test_largest_quota_limit(db_backend, ctx, setter, owner):
    setter(ctx, owner, 'plans', quota.MAX_LIMIT)
    for limit in (quota.MAX_LIMIT + 1, 2 ** 63, -2):
        with pytest.raises(exception.InvalidInput):
            setter(ctx, owner, 'plans', limit)
    if owner == 'gold':
        limits = QUOTAS.get_class_quotas(ctx, owner)
    else:
        limits = {name: value['limit'] for name, value in
                  QUOTAS.get_project_quotas(ctx, owner).items()}
    assert limits['plans'] == quota.MAX_LIMIT


def test_unknown_quota_class(db_backend, ctx):
    with pytest.raises(exception.QuotaClassNotFound):
        QUOTAS.get_class_quotas(ctx, 'gold')
    assert QUOTAS.get_class_quotas(ctx, quota.DEFAULT_QUOTA_CLASS) == \
        QUOTAS.get_defaults(ctx)
