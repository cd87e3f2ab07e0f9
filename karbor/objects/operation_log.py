"""OperationLog: the record of one protect/restore/delete/verify/copy."""

from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class OperationLog(base.KarborPersistentObject, base.KarborObject,
                   base.KarborObjectDictCompat, base.KarborComparableObject):
    VERSION = '1.0'
    _db_prefix = 'operation_log'

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
    child_cls = 'OperationLog'

    fields = {'objects': fields.ListOfObjectsField('OperationLog')}
