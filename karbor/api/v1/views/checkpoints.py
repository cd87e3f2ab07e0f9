"""Checkpoint views.

The protection service and the catalog give a checkpoint as plain data;
the REST shape has ``extra_info`` as a JSON string (the CLI decodes it),
``resource_graph`` as the serialized graph string (or null) and
``created_at`` as a ``YYYY-MM-DD`` date.
"""

import json

from karbor.api import common

DATE_FORMAT = '%Y-%m-%d'


def checkpoint(data):
    """The REST shape of a checkpoint given as a mapping (plain data from
    the protection service, or a catalog row)."""
    created_at = data['created_at']
    if created_at is not None and not isinstance(created_at, str):
        created_at = created_at.strftime(DATE_FORMAT)
    return {
        'id': data['id'],
        'project_id': data['project_id'],
        'status': data['status'],
        'protection_plan': data['protection_plan'],
        'resource_graph': data['resource_graph'],
        'created_at': created_at,
        'extra_info': json.dumps(data['extra_info'] or {}),
    }


def detail(data):
    """``{"checkpoint": {...}}``."""
    return {'checkpoint': checkpoint(data)}


def detail_list(request, provider_id, checkpoints, limit):
    """``{"checkpoints": [...], "checkpoints_links"?: [...]}``."""
    views = [checkpoint(data) for data in checkpoints]
    return common.add_links({'checkpoints': views}, request, views,
                            'checkpoints', limit,
                            path='providers/%s/checkpoints' % provider_id)


def copy(project_id, provider_id, plan_id, pairs, parameters):
    """One copy request's result."""
    return {'project_id': project_id, 'provider_id': provider_id,
            'plan_id': plan_id, 'checkpoint_id': pairs,
            'parameters': parameters}
