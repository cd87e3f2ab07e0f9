"""Request body validation with JSON Schema (Draft 4 semantics).

Schemas live in ``karbor.api.schemas``. Custom formats: ``uuid`` (anything
oslo's ``is_uuid_like`` accepts, so 32 hex digits without dashes too),
``name`` (not empty and not only whitespace) and ``date-time``.
"""

import functools
import re

import jsonschema
from oslo_utils import timeutils
from oslo_utils import uuidutils

from karbor import exception
from karbor.i18n import _

FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@FORMAT_CHECKER.checks('uuid')
def _is_uuid(instance):
    if not isinstance(instance, str):
        return True
    return uuidutils.is_uuid_like(instance)


@FORMAT_CHECKER.checks('name')
def _is_name(instance):
    if not isinstance(instance, str):
        return True
    return bool(instance.strip())


@FORMAT_CHECKER.checks('date-time', raises=ValueError)
def _is_date_time(instance):
    if not isinstance(instance, str):
        return True
    timeutils.parse_isotime(instance)
    return True


def _field_of(error):
    """The failing field as a ``/``-joined path, and its value."""
    path = [str(p) for p in error.path]
    value = error.instance
    if error.validator == 'additionalProperties' and \
            isinstance(error.instance, dict):
        patterns = list(error.schema.get('patternProperties', {}))
        extra = sorted(
            key for key in error.instance
            if key not in error.schema.get('properties', {}) and
            not any(re.search(p, key) for p in patterns))
        if extra:
            path.append(extra[0])
            value = error.instance[extra[0]]
    return ('/'.join(path) or None), value


def _message(error):
    field, value = _field_of(error)
    detail = error.message
    if error.validator == 'format':
        detail = _("'%(value)s' is not a '%(format)s'") % {
            'value': value, 'format': error.validator_value}
    if field is None:
        return detail
    return (_('Invalid input for field/attribute %(field)s. Value: '
              '%(value)s. %(detail)s') %
            {'field': field, 'value': value, 'detail': detail})


def check(body, schema):
    """Raise ValidationError (400) when ``body`` does not match ``schema``."""
    validator = jsonschema.Draft4Validator(schema,
                                           format_checker=FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(body))
    if error is not None:
        raise exception.ValidationError(detail=_message(error))


def schema(request_body_schema):
    """Decorator validating the ``body`` keyword of a controller method.

    ``request_body_schema`` is a schema, or the name of the controller
    attribute holding it (for actions shared by several controllers). The
    API description (``karbor.api.openapi``) reads it back with
    :func:`body_schema`.
    """
    def decorator(func):
        @functools.wraps(func)
        def wrapper(controller, *args, **kwargs):
            check(kwargs.get('body'), body_schema(controller, func.__name__))
            return func(controller, *args, **kwargs)
        wrapper.body_schema = request_body_schema
        return wrapper
    return decorator


def body_schema(controller, action):
    """The schema the ``action`` of ``controller`` validates its body with,
    or None when it takes no body."""
    found = getattr(getattr(controller, action), 'body_schema', None)
    if isinstance(found, str):
        return getattr(controller, found)
    return found
