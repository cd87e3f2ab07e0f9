"""A reference model of checkpoint listing, and a data set to list.

``expected_ids`` states the listing contract of
``CheckpointCollection.list_ids`` in a few lines of plain Python; tests
compare the index-based implementation against it on every bank.
"""

import itertools

from karbor.services.protection import checkpoint as checkpoint_lib

PROVIDERS = ('cf56bd3e-97a7-4078-b6d5-f36246333fd9',
             'b766f37c-d011-4026-8228-28730d734a3f')
PROJECTS = ('31478a6f980d4e73a3bdac3ad04a3605',
            'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5')
# 2026-11-20 22:00:00 UTC: the data set spans three calendar days.
T0 = 1795212000


def make_plan(plan_id, provider_id, project_id, resources=()):
    return {'id': plan_id, 'name': 'plan %s' % plan_id[:4],
            'provider_id': provider_id, 'project_id': project_id,
            'resources': list(resources)}


PLANS = [make_plan('11111111-0000-4000-8000-000000000001', PROVIDERS[0],
                   PROJECTS[0]),
         make_plan('11111111-0000-4000-8000-000000000002', PROVIDERS[0],
                   PROJECTS[1]),
         make_plan('11111111-0000-4000-8000-000000000003', PROVIDERS[1],
                   PROJECTS[0]),
         make_plan('11111111-0000-4000-8000-000000000004', PROVIDERS[0],
                   PROJECTS[0])]


def make_dataset(collection, count=24):
    """Create ``count`` checkpoints spread over plans, projects and days.

    Some share a timestamp (ordering then falls back to the id). Returns
    the rows the model needs.
    """
    rows = []
    for index in range(count):
        plan = PLANS[index % len(PLANS)]
        timestamp = T0 + (index // 3) * 5 * 3600
        checkpoint = collection.create(
            plan, {'timestamp': timestamp, 'extra_info': {'n': index}})
        rows.append({'id': checkpoint.id, 'plan_id': plan['id'],
                     'provider_id': plan['provider_id'],
                     'project_id': plan['project_id'],
                     'timestamp': timestamp, 'deleted': False})
    return rows


def expected_ids(rows, provider_id, project_id=None, plan_id=None,
                 start_date=None, end_date=None, limit=None, marker=None,
                 sort_dir='desc', all_tenants=False):
    per_project = bool(project_id) and not all_tenants
    start = checkpoint_lib.to_timestamp(start_date)
    end = checkpoint_lib.to_timestamp(end_date, end_of_day=True)

    def order(row):
        return ('' if per_project else row['project_id'], row['timestamp'],
                row['id'])

    selected = [
        row for row in rows
        if not row['deleted'] and
        (row['plan_id'] == plan_id if plan_id
         else row['provider_id'] == provider_id) and
        (not per_project or row['project_id'] == project_id) and
        (start is None or row['timestamp'] >= start) and
        (end is None or row['timestamp'] <= end)]
    selected.sort(key=order, reverse=(sort_dir == 'desc'))
    if marker:
        bound = order(next(row for row in rows if row['id'] == marker))
        selected = [row for row in selected
                    if (order(row) < bound if sort_dir == 'desc'
                        else order(row) > bound)]
    return [row['id'] for row in selected][:limit]


def query_grid(rows, full=True):
    """Keyword arguments of listing queries covering every code path."""
    dates = [(None, None), ('2026-11-21', None), (None, '2026-11-22'),
             ('2026-11-21', '2026-11-22'), ('2026-11-21T05:00:00', None),
             ('2026-11-30', None)]
    markers = [None, rows[5]['id'], rows[-1]['id']]
    scopes = [{'project_id': PROJECTS[0]}, {'project_id': PROJECTS[1]},
              {'project_id': PROJECTS[0], 'all_tenants': True},
              {'project_id': PROJECTS[0], 'plan_id': PLANS[0]['id']},
              {'plan_id': PLANS[0]['id'], 'all_tenants': True}]
    limits = [None, 1, 4] if full else [None, 3]
    if not full:
        dates = dates[:4]
        markers = markers[:2]
    for scope, (start, end), marker, limit, sort_dir in itertools.product(
            scopes, dates, markers, limits, ('asc', 'desc')):
        yield dict(scope, provider_id=PROVIDERS[0], start_date=start,
                   end_date=end, marker=marker, limit=limit,
                   sort_dir=sort_dir)
