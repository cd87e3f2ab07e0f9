"""Checkpoint views.

The protection service and the catalog give a checkpoint as plain data;
the REST shape has ``extra_info`` as a JSON string (the CLI decodes it),
``resource_graph`` as the serialized graph string (or null) and
``created_at`` as a ``YYYY-MM-DD`` date.
"""

import json

from karbor.api import common
from karbor.common import constants

DATE_FORMAT = '%Y-%m-%d'


def _protection_plan(plan):
    """Its resources carry ``extra_info`` (null when empty), as the
    original's do (seed 002)."""
    if not plan or not plan.get('resources'):
        return plan
    return dict(plan, resources=[
        dict(resource, extra_info=resource.get('extra_info') or None)
        for resource in plan['resources']])


def checkpoint(data, error_info=None):
    """The REST shape of a checkpoint given as a mapping (plain data from
    the protection service, or a catalog row); ``error_info`` says why a
    checkpoint in ``error`` failed (null otherwise; an addition to the
    original's shape)."""
    created_at = data['created_at']
    if created_at is not None and not isinstance(created_at, str):
        created_at = created_at.strftime(DATE_FORMAT)
    return {
        'id': data['id'],
        'project_id': data['project_id'],
        'status': data['status'],
        'protection_plan': _protection_plan(data['protection_plan']),
        'resource_graph': data['resource_graph'],
        'created_at': created_at,
        'extra_info': json.dumps(data['extra_info'] or {}),
        'error_info': error_info,
    }


def detail(data, error_info=None):
    """``{"checkpoint": {...}}``."""
    return {'checkpoint': checkpoint(data, error_info)}


def detail_list(request, provider_id, checkpoints, limit, error_infos=None):
    """``{"checkpoints": [...], "checkpoints_links"?: [...]}``;
    ``error_infos`` maps the ids of failed checkpoints to their error."""
    error_infos = error_infos or {}
    views = [checkpoint(data, error_infos.get(data['id']))
             for data in checkpoints]
    return common.add_links({'checkpoints': views}, request, views,
                            'checkpoints', limit,
                            path='providers/%s/checkpoints' % provider_id)


def copy(copy_id, project_id, provider_id, plan_id, pairs, parameters):
    """One copy request's result: its ``id`` (in the copies' operation
    logs) and ``status``, as in the copy blueprint (seed 003), and the
    original's fields."""
    return {'id': copy_id, 'status': constants.CHECKPOINT_STATUS_WAIT_COPYING,
            'project_id': project_id, 'provider_id': provider_id,
            'plan_id': plan_id, 'checkpoint_id': pairs,
            'parameters': parameters}
