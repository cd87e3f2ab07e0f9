"""Plan views."""

from karbor.api import common


def _resource(resource):
    view = {'id': resource['id'], 'type': resource['type'],
            'name': resource['name']}
    if resource.get('extra_info'):
        view['extra_info'] = resource['extra_info']
    return view


def detail(plan):
    """``{"plan": {...}}``."""
    return {'plan': summary(plan)}


def summary(plan):
    return {
        'id': plan.id,
        'name': plan.name,
        'description': plan.description,
        'resources': [_resource(r) for r in plan.resources or []],
        'provider_id': plan.provider_id,
        'status': plan.status,
        'parameters': plan.parameters or {},
    }


def detail_list(request, plans, limit):
    """``{"plans": [...], "plans_links"?: [...]}``."""
    items = [summary(plan) for plan in plans]
    return common.add_links({'plans': items}, request, items, 'plans', limit)
