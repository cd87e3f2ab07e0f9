"""CheckpointRecord: the SQL catalog entry of a checkpoint in a bank."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class CheckpointRecord(base.KarborPersistentObject, base.KarborObject,
                       base.KarborObjectDictCompat,
                       base.KarborComparableObject):
    """Lists filter on provider_id, plan_id, status, start_date and
    end_date (dates cover whole days; datetimes are inclusive bounds)."""

    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.checkpoint_record_get,
        create=db.checkpoint_record_create,
        update=db.checkpoint_record_update,
        destroy=db.checkpoint_record_destroy)

    fields = {
        'id': fields.StringField(),
        'project_id': fields.StringField(nullable=True),
        'provider_id': fields.StringField(nullable=True),
        'plan_id': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'protection_plan': fields.JsonDictField(default={}),
        'resource_graph': fields.StringField(nullable=True),
        'extra_info': fields.JsonDictField(default={}),
    }


@base.KarborObjectRegistry.register
class CheckpointRecordList(base.KarborPersistentListMixin,
                           base.ObjectListBase, base.KarborObject):
    VERSION = '1.0'
    child_cls = CheckpointRecord
    db_functions = base.ListDbFunctions(
        get_all=db.checkpoint_record_get_all,
        get_all_by_project=db.checkpoint_record_get_all_by_project)

    fields = {'objects': fields.ListOfObjectsField('CheckpointRecord')}
