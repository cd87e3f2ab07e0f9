"""Schema of the os-services update (the body is not wrapped)."""

update = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': {'type': ['string', 'null'], 'maxLength': 255},
    },
    'required': ['status'],
}
