"""Service: a running Karbor process (protection, operation engine)."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class Service(base.KarborPersistentObject, base.KarborObject,
              base.KarborObjectDictCompat, base.KarborComparableObject):
    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.service_get,
        create=db.service_create,
        update=db.service_update,
        destroy=db.service_destroy)

    fields = {
        'id': fields.IntegerField(),
        'host': fields.StringField(nullable=True),
        'binary': fields.StringField(nullable=True),
        'topic': fields.StringField(nullable=True),
        'report_count': fields.IntegerField(default=0),
        'disabled': fields.BooleanField(default=False, nullable=True),
        'disabled_reason': fields.StringField(nullable=True),
        'modified_at': fields.DateTimeField(nullable=True),
        'rpc_current_version': fields.StringField(nullable=True),
        'rpc_available_version': fields.StringField(nullable=True),
    }

    @classmethod
    def get_by_host_and_binary(cls, context, host, binary):
        """Raises HostBinaryNotFound."""
        return cls._from_db_object(
            context, cls(context), db.service_get_by_args(context, host,
                                                          binary))

    get_by_args = get_by_host_and_binary


@base.KarborObjectRegistry.register
class ServiceList(base.ObjectListBase, base.KarborObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Service')}

    @classmethod
    def get_all(cls, context, filters=None):
        """Services matching exact filters (host, binary, topic,
        disabled)."""
        return base.obj_make_list(context, cls(context), Service,
                                  db.service_get_all(context, filters))

    @classmethod
    def get_all_by_topic(cls, context, topic, disabled=None):
        return base.obj_make_list(
            context, cls(context), Service,
            db.service_get_all_by_topic(context, topic, disabled))
