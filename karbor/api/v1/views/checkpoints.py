"""Checkpoint views.

The protection service already answers with the REST shape of a
checkpoint (``resource_graph`` and ``extra_info`` as JSON strings, the
CLI decodes them); these only wrap it.
"""

from karbor.api import common


def detail(checkpoint):
    """``{"checkpoint": {...}}``."""
    return {'checkpoint': checkpoint}


def detail_list(request, provider_id, checkpoints, limit):
    """``{"checkpoints": [...], "checkpoints_links"?: [...]}``."""
    return common.add_links({'checkpoints': checkpoints}, request,
                            checkpoints, 'checkpoints', limit,
                            path='providers/%s/checkpoints' % provider_id)


def copy(project_id, provider_id, plan_id, pairs, parameters):
    """One copy request's result."""
    return {'project_id': project_id, 'provider_id': provider_id,
            'plan_id': plan_id, 'checkpoint_id': pairs,
            'parameters': parameters}
