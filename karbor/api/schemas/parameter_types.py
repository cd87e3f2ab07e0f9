"""Building blocks of the request schemas."""

import copy

_KEY_PATTERN = '^[a-zA-Z0-9-_:.# ]{1,255}$'

name = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
    'format': 'name',
}

required_name = {
    'type': 'string', 'minLength': 1, 'maxLength': 255, 'format': 'name',
}

description = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
    # Printable text: no control characters.
    'pattern': '^[^\\x00-\\x1f\\x7f]*$',
}

uuid = {
    'type': 'string', 'format': 'uuid',
}

metadata = {
    'type': ['object', 'null'],
    'patternProperties': {
        _KEY_PATTERN: {
            'type': ['boolean', 'string', 'integer'],
        },
    },
    'additionalProperties': False,
}

parameters = {
    'type': 'object',
    'patternProperties': {
        _KEY_PATTERN: metadata,
    },
    'additionalProperties': False,
}

resources = {
    'type': 'array',
    'items': {'type': 'object'},
}


def nullable(schema):
    """A copy of ``schema`` that also accepts null."""
    result = copy.deepcopy(schema)
    types = result.get('type', [])
    types = [types] if isinstance(types, str) else list(types)
    if 'null' not in types:
        types.append('null')
    result['type'] = types
    return result
