"""Schemas of the trigger requests."""

from karbor.api.schemas import parameter_types

# Wall-clock times of the trigger's zone, checked by the operation engine.
_time = {'type': ['string', 'null'], 'maxLength': 19}

properties = {
    'type': 'object',
    'properties': {
        'format': {'type': 'string', 'enum': ['crontab', 'calendar']},
        'pattern': {'type': 'string', 'minLength': 1, 'maxLength': 4096},
        'start_time': _time,
        'end_time': _time,
        'window': {'type': ['integer', 'null']},
        'timezone': {'type': ['string', 'null'], 'maxLength': 64},
    },
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {
        'trigger_info': {
            'type': 'object',
            'properties': {
                'name': parameter_types.required_name,
                'type': {'type': 'string', 'enum': ['time']},
                'properties': dict(properties,
                                   required=['format', 'pattern']),
            },
            'required': ['name', 'type', 'properties'],
            'additionalProperties': False,
        },
    },
    'required': ['trigger_info'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'trigger_info': {
            'type': 'object',
            'properties': {
                'name': parameter_types.required_name,
                # The type cannot change; the CLI does not send it.
                'type': {'type': 'string', 'enum': ['time']},
                'properties': properties,
            },
            'additionalProperties': False,
        },
    },
    'required': ['trigger_info'],
    'additionalProperties': False,
}
