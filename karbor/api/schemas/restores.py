"""Schemas of the restore and verification requests."""

from karbor.api.schemas import parameter_types

create = {
    'type': 'object',
    'properties': {
        'restore': {
            'type': 'object',
            'properties': {
                'provider_id': parameter_types.uuid,
                'checkpoint_id': parameter_types.uuid,
                'restore_target': {'type': ['string', 'null'],
                                   'maxLength': 255},
                # Credentials for the target; passed on, never stored.
                'restore_auth': parameter_types.metadata,
                'parameters': parameter_types.parameters,
            },
            'required': ['provider_id', 'checkpoint_id', 'parameters'],
            'additionalProperties': False,
        },
    },
    'required': ['restore'],
    'additionalProperties': False,
}

create_verification = {
    'type': 'object',
    'properties': {
        'verification': {
            'type': 'object',
            'properties': {
                'provider_id': parameter_types.uuid,
                'checkpoint_id': parameter_types.uuid,
                'parameters': parameter_types.parameters,
            },
            'required': ['provider_id', 'checkpoint_id'],
            'additionalProperties': False,
        },
    },
    'required': ['verification'],
    'additionalProperties': False,
}
