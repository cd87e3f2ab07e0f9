"""OperationLog: the record of one protect/restore/delete/verify/copy."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class OperationLog(base.KarborPersistentObject, base.KarborObject,
                   base.KarborObjectDictCompat, base.KarborComparableObject):
    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.operation_log_get,
        create=db.operation_log_create,
        update=db.operation_log_update,
        destroy=db.operation_log_destroy)

    fields = {
        'id': fields.StringField(),
        'project_id': fields.StringField(nullable=True),
        'operation_type': fields.StringField(nullable=True),
        'checkpoint_id': fields.StringField(nullable=True),
        'plan_id': fields.StringField(nullable=True),
        'provider_id': fields.StringField(nullable=True),
        'restore_id': fields.StringField(nullable=True),
        'scheduled_operation_id': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'started_at': fields.DateTimeField(nullable=True),
        'ended_at': fields.DateTimeField(nullable=True),
        'error_info': fields.StringField(nullable=True),
        'extra_info': fields.StringField(nullable=True),
    }


@base.KarborObjectRegistry.register
class OperationLogList(base.KarborPersistentListMixin, base.ObjectListBase,
                       base.KarborObject):
    VERSION = '1.0'
    child_cls = OperationLog
    db_functions = base.ListDbFunctions(
        get_all=db.operation_log_get_all,
        get_all_by_project=db.operation_log_get_all_by_project)

    fields = {'objects': fields.ListOfObjectsField('OperationLog')}
