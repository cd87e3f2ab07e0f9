"""Restore and Verification: runs against a checkpoint, with a status per
resource."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields


class ResourceStatusMixin(object):
    """Per-resource status of a run, written entry by entry."""

    def _update_resource_status_with(self, db_update, resource_type,
                                     resource_id, status, reason):
        """Record ``status`` (and ``reason``) under ``"type#id"`` with
        ``db_update``: at once, atomically with other writers."""
        key = '%s#%s' % (resource_type, resource_id)
        db_obj = db_update(self._context, self.id, key, status, reason)
        for name in ('resources_status', 'resources_reason', 'updated_at'):
            setattr(self, name, getattr(db_obj, name))
        self.obj_reset_changes(['resources_status', 'resources_reason',
                                'updated_at'])


_COMMON_FIELDS = {
    'id': fields.StringField(),
    'project_id': fields.StringField(nullable=True),
    'provider_id': fields.StringField(nullable=True),
    'checkpoint_id': fields.StringField(nullable=True),
    'parameters': fields.JsonDictField(default={}),
    'status': fields.StringField(nullable=True),
    'resources_status': fields.JsonDictField(default={}),
    'resources_reason': fields.JsonDictField(default={}),
}


@base.KarborObjectRegistry.register
class Restore(ResourceStatusMixin, base.KarborPersistentObject,
              base.KarborObject, base.KarborObjectDictCompat,
              base.KarborComparableObject):
    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.restore_get,
        create=db.restore_create,
        update=db.restore_update,
        destroy=db.restore_destroy)

    fields = dict(_COMMON_FIELDS,
                  restore_target=fields.StringField(nullable=True))

    def update_resource_status(self, resource_type, resource_id, status,
                               reason=None):
        self._update_resource_status_with(
            db.restore_update_resource_status, resource_type, resource_id,
            status, reason)


@base.KarborObjectRegistry.register
class RestoreList(base.KarborPersistentListMixin, base.ObjectListBase,
                  base.KarborObject):
    VERSION = '1.0'
    child_cls = Restore
    db_functions = base.ListDbFunctions(
        get_all=db.restore_get_all,
        get_all_by_project=db.restore_get_all_by_project)

    fields = {'objects': fields.ListOfObjectsField('Restore')}


@base.KarborObjectRegistry.register
class Verification(ResourceStatusMixin, base.KarborPersistentObject,
                   base.KarborObject, base.KarborObjectDictCompat,
                   base.KarborComparableObject):
    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.verification_get,
        create=db.verification_create,
        update=db.verification_update,
        destroy=db.verification_destroy)

    fields = dict(_COMMON_FIELDS)

    def update_resource_status(self, resource_type, resource_id, status,
                               reason=None):
        self._update_resource_status_with(
            db.verification_update_resource_status, resource_type,
            resource_id, status, reason)


@base.KarborObjectRegistry.register
class VerificationList(base.KarborPersistentListMixin, base.ObjectListBase,
                       base.KarborObject):
    VERSION = '1.0'
    child_cls = Verification
    db_functions = base.ListDbFunctions(
        get_all=db.verification_get_all,
        get_all_by_project=db.verification_get_all_by_project)

    fields = {'objects': fields.ListOfObjectsField('Verification')}
