"""Schemas of the plan requests."""

from karbor.api.schemas import parameter_types

create = {
    'type': 'object',
    'properties': {
        'plan': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                'description': parameter_types.description,
                'provider_id': parameter_types.uuid,
                'parameters': parameter_types.parameters,
                'resources': parameter_types.resources,
            },
            'required': ['provider_id', 'parameters'],
            'additionalProperties': False,
        },
    },
    'required': ['plan'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'plan': {
            'type': 'object',
            'properties': {
                'name': parameter_types.name,
                # Free text, as in the original; the column holds 64.
                'status': {'type': ['string', 'null'], 'maxLength': 64},
                'resources': parameter_types.resources,
                'description': parameter_types.description,
            },
            'minProperties': 1,
            'additionalProperties': False,
        },
    },
    'required': ['plan'],
    'additionalProperties': False,
}
