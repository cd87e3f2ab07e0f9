"""Schemas of the scheduled operation requests."""

from karbor.api.schemas import parameter_types

# A whole number, as the CLI sends it (text) or as JSON.
_count = {'type': ['string', 'integer'], 'pattern': '^-?[0-9]{1,9}$',
          'minimum': -10 ** 9, 'maximum': 10 ** 9}

create = {
    'type': 'object',
    'properties': {
        'scheduled_operation': {
            'type': 'object',
            'properties': {
                'name': parameter_types.required_name,
                'description': parameter_types.description,
                'operation_type': {'type': 'string',
                                   'enum': ['protect', 'retention_protect']},
                'trigger_id': parameter_types.uuid,
                'operation_definition': {
                    'type': 'object',
                    'properties': {
                        'provider_id': parameter_types.uuid,
                        'plan_id': parameter_types.uuid,
                        'max_backups': _count,
                        'retention_duration': _count,
                    },
                    'required': ['provider_id', 'plan_id'],
                    'additionalProperties': False,
                },
            },
            'required': ['name', 'operation_type', 'trigger_id',
                         'operation_definition'],
            'additionalProperties': False,
        },
    },
    'required': ['scheduled_operation'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'scheduled_operation': {
            'type': 'object',
            'properties': {
                'name': parameter_types.required_name,
                'description': parameter_types.description,
                'enabled': {'type': 'boolean'},
            },
            'minProperties': 1,
            'additionalProperties': False,
        },
    },
    'required': ['scheduled_operation'],
    'additionalProperties': False,
}
