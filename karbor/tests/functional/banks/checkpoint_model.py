"""A data set of checkpoints spread over plans, projects and days."""

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
