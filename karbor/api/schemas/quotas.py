"""Schemas of the quota and quota class requests."""

import copy

from karbor.api.schemas import parameter_types
from karbor import quota

# Limits: integers from -1 (unlimited) to what the database stores; the
# integer strings the CLI sends are checked by the controller.
limits = copy.deepcopy(parameter_types.metadata)
for _value in limits['patternProperties'].values():
    _value.update(minimum=-1, maximum=quota.MAX_LIMIT)

update = {
    'type': 'object',
    'properties': {
        'quota': limits,
    },
    'required': ['quota'],
    'additionalProperties': False,
}

update_class = {
    'type': 'object',
    'properties': {
        'quota_class': limits,
    },
    'required': ['quota_class'],
    'additionalProperties': False,
}
