"""Validation of ``parameters`` against a provider's per-type schemas."""

import jsonschema
from oslo_utils import strutils
from oslo_utils import uuidutils

from karbor.common import constants
from karbor import exception
from karbor.i18n import _


def _parameter_type(key):
    resource_type, _sep, resource_id = key.partition('#')
    if _sep and not uuidutils.is_uuid_like(resource_id):
        raise exception.InvalidInput(
            reason=_('Invalid resource id %s in parameters.') % resource_id)
    if resource_type not in constants.RESOURCE_TYPES:
        raise exception.InvalidInput(
            reason=_('Invalid resource type %s in parameters.')
            % resource_type)
    return resource_type


def _as_schema_type(value, prop):
    """Strings as the CLI sends them, read as the property's scalar type."""
    if not isinstance(value, str) or not isinstance(prop, dict):
        return value
    try:
        if prop.get('type') == 'boolean':
            return strutils.bool_from_string(value, strict=True)
        if prop.get('type') == 'integer':
            return int(value)
        if prop.get('type') == 'number':
            return float(value)
    except ValueError:
        pass
    return value


def check(parameters, schemas):
    """Check ``parameters`` against a provider's schemas by resource type.

    ``schemas`` is one kind of the provider's ``extended_info_schema``
    (``options_schema`` for plans, ``restore_schema`` for restores...).
    Keys are ``Type`` or ``Type#<uuid>``. The options of a type the provider
    knows must be properties of its schema and match it (an unknown key is
    a 400, not the original's 500); types the provider does not handle are
    accepted and ignored. Required properties are not enforced: plugins
    apply their defaults.
    """
    for key, options in parameters.items():
        schema = schemas.get(_parameter_type(key))
        if schema is None:
            continue
        allowed = schema.get('properties', {})
        unknown = sorted(set(options or {}) - set(allowed))
        if unknown:
            raise exception.InvalidInput(
                reason=_('Unknown options %(opts)s for %(key)s.')
                % {'opts': ', '.join(unknown), 'key': key})
        partial = {k: v for k, v in schema.items() if k != 'required'}
        typed = {k: _as_schema_type(v, allowed[k])
                 for k, v in (options or {}).items()}
        try:
            jsonschema.validate(typed, partial)
        except jsonschema.ValidationError as error:
            raise exception.InvalidInput(
                reason=_('Invalid options for %(key)s: %(msg)s')
                % {'key': key, 'msg': error.message})
