"""Field types of Karbor objects beyond oslo.versionedobjects'."""

import contextlib
import json
import threading

from oslo_serialization import jsonutils
from oslo_utils import timeutils
from oslo_versionedobjects import fields

# Re-exported so object modules need one fields import.
BooleanField = fields.BooleanField
IntegerField = fields.IntegerField
ObjectField = fields.ObjectField
ListOfObjectsField = fields.ListOfObjectsField
StringField = fields.StringField
UUIDField = fields.UUIDField


_taken_as_is = threading.local()


@contextlib.contextmanager
def values_from_database():
    """Within it, JSON fields take the values set as they are, without the
    copy that keeps an object apart from whoever sent them: for values
    just decoded from a database row, which nothing else holds. (The
    copy of a plan of thousands of resources costs more than its read.)"""
    _taken_as_is.depth = getattr(_taken_as_is, 'depth', 0) + 1
    try:
        yield
    finally:
        _taken_as_is.depth -= 1


def _json_copy(value):
    """A deep copy of a JSON value, checking that it is one: as it would
    come back from the database or RPC (much faster than deepcopy)."""
    return json.loads(json.dumps(value))


class Json(fields.FieldType):
    """Any JSON value of type ``python_type``, kept as sent (types of
    nested values are not coerced)."""

    python_type = object

    def coerce(self, obj, attr, value):
        if not isinstance(value, self.python_type):
            raise ValueError('%s.%s must be a %s, not %r'
                             % (obj.obj_name(), attr,
                                self.python_type.__name__, value))
        if getattr(_taken_as_is, 'depth', 0):
            return value
        try:
            return _json_copy(value)
        except (TypeError, ValueError) as err:
            raise ValueError('%s.%s is not JSON serializable: %s'
                             % (obj.obj_name(), attr, err))

    def to_primitive(self, obj, attr, value):
        return _json_copy(value)

    def from_primitive(self, obj, attr, value):
        return _json_copy(value)

    def stringify(self, value):
        return jsonutils.dumps(value, sort_keys=True)


class JsonDictType(Json):
    python_type = dict


class JsonListType(Json):
    python_type = list


class JsonDictField(fields.AutoTypedField):
    AUTO_TYPE = JsonDictType()


class JsonListField(fields.AutoTypedField):
    AUTO_TYPE = JsonListType()


class PreciseDateTime(fields.DateTime):
    """A UTC datetime that keeps its microseconds over RPC."""

    def to_primitive(self, obj, attr, value):
        return value.isoformat()

    def from_primitive(self, obj, attr, value):
        return self.coerce(obj, attr, timeutils.parse_isotime(value))


class DateTimeField(fields.AutoTypedField):
    AUTO_TYPE = PreciseDateTime()
