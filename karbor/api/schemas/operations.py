"""Request bodies of the operation actions (cancel)."""

# No body, or an empty object.
cancel = {
    'type': ['object', 'null'],
    'properties': {},
    'additionalProperties': False,
}
