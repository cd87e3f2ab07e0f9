"""Trigger: when scheduled operations run (type ``time``)."""

from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class Trigger(base.KarborPersistentObject, base.KarborObject,
              base.KarborObjectDictCompat, base.KarborComparableObject):
    """``properties`` keep the JSON types they were given."""

    VERSION = '1.0'
    _db_prefix = 'trigger'

    fields = {
        'id': fields.StringField(),
        'name': fields.StringField(),
        'project_id': fields.StringField(),
        'type': fields.StringField(),
        'properties': fields.JsonDictField(default={}),
    }


@base.KarborObjectRegistry.register
class TriggerList(base.KarborPersistentListMixin, base.ObjectListBase,
                  base.KarborObject):
    VERSION = '1.0'
    child_cls = 'Trigger'

    fields = {'objects': fields.ListOfObjectsField('Trigger')}
