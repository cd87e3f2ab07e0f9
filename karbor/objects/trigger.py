"""Trigger: when scheduled operations run (type ``time``)."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class Trigger(base.KarborPersistentObject, base.KarborObject,
              base.KarborObjectDictCompat, base.KarborComparableObject):
    """``properties`` keep the JSON types they were given."""

    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.trigger_get,
        create=db.trigger_create,
        update=db.trigger_update,
        destroy=db.trigger_destroy)

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
    child_cls = Trigger
    db_functions = base.ListDbFunctions(
        get_all=db.trigger_get_all,
        get_all_by_project=db.trigger_get_all_by_project)

    fields = {'objects': fields.ListOfObjectsField('Trigger')}
