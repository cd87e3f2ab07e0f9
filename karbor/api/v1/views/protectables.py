"""Protectable type and instance views."""

from urllib import parse

from karbor.api import common


def _dependent(resource):
    return {'id': resource['id'], 'type': resource['type'],
            'name': resource.get('name'),
            'extra_info': resource.get('extra_info')}


def instance(resource, dependents):
    return {
        'id': resource['id'],
        'type': resource['type'],
        'name': resource.get('name'),
        'extra_info': resource.get('extra_info'),
        'dependent_resources': [_dependent(d) for d in dependents or []],
    }


def instance_list(request, protectable_type, instances, limit):
    path = 'protectables/%s/instances' % parse.quote(protectable_type)
    return common.add_links({'instances': instances}, request, instances,
                            'instances', limit, path=path)
