"""Restore and Verification: runs against a checkpoint, with a status per
resource."""

from karbor.objects import base
from karbor.objects import fields


class ResourceStatusMixin(object):
    """``update_resource_status`` for objects with resources_status."""

    def update_resource_status(self, resource_type, resource_id, status,
                               reason=None):
        """Record ``status`` (and ``reason``) under ``"type#id"``.

        The entry is written at once, atomically with other writers.
        """
        key = '%s#%s' % (resource_type, resource_id)
        db_obj = self._db('update_resource_status')(
            self._context, self.id, key, status, reason)
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
    _db_prefix = 'restore'

    fields = dict(_COMMON_FIELDS,
                  restore_target=fields.StringField(nullable=True))


@base.KarborObjectRegistry.register
class RestoreList(base.KarborPersistentListMixin, base.ObjectListBase,
                  base.KarborObject):
    VERSION = '1.0'
    child_cls = 'Restore'

    fields = {'objects': fields.ListOfObjectsField('Restore')}


@base.KarborObjectRegistry.register
class Verification(ResourceStatusMixin, base.KarborPersistentObject,
                   base.KarborObject, base.KarborObjectDictCompat,
                   base.KarborComparableObject):
    VERSION = '1.0'
    _db_prefix = 'verification'

    fields = dict(_COMMON_FIELDS)


@base.KarborObjectRegistry.register
class VerificationList(base.KarborPersistentListMixin, base.ObjectListBase,
                       base.KarborObject):
    VERSION = '1.0'
    child_cls = 'Verification'

    fields = {'objects': fields.ListOfObjectsField('Verification')}
