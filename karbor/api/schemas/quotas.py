"""Schemas of the quota and quota class requests."""

from karbor.api.schemas import parameter_types

update = {
    'type': 'object',
    'properties': {
        'quota': parameter_types.metadata,
    },
    'required': ['quota'],
    'additionalProperties': False,
}

update_class = {
    'type': 'object',
    'properties': {
        'quota_class': parameter_types.metadata,
    },
    'required': ['quota_class'],
    'additionalProperties': False,
}
