"""Schemas of the checkpoint and copy requests."""

from karbor.api.schemas import parameter_types

# python-karborclient sends ``extra-info``; ``extra_info`` is accepted too,
# and the controller keeps what was sent under either spelling (the original
# read one spelling and validated the other, losing the client's data).
create = {
    'type': 'object',
    'properties': {
        'checkpoint': {
            'type': 'object',
            'properties': {
                'plan_id': parameter_types.uuid,
                'extra-info': parameter_types.metadata,
                'extra_info': parameter_types.metadata,
            },
            'required': ['plan_id'],
            'additionalProperties': False,
        },
    },
    'required': ['checkpoint'],
    'additionalProperties': False,
}

reset_state = {
    'type': 'object',
    'properties': {
        'os-resetState': {
            'type': 'object',
            'properties': {
                'state': {'type': 'string',
                          'enum': ['available', 'error']},
            },
            'required': ['state'],
            'additionalProperties': False,
        },
    },
    'required': ['os-resetState'],
    'additionalProperties': False,
}

_copy = {
    'type': 'object',
    'properties': {
        'plan_id': parameter_types.uuid,
        # The blueprint's list form repeats the URL's provider.
        'provider_id': parameter_types.uuid,
        'parameters': parameter_types.parameters,
    },
    'required': ['plan_id'],
    'additionalProperties': False,
}

copy = {
    'type': 'object',
    'properties': {
        'copy': {
            'oneOf': [
                _copy,
                {'type': 'array', 'items': _copy, 'minItems': 1},
            ],
        },
    },
    'required': ['copy'],
    'additionalProperties': False,
}
