"""Base classes of Karbor's versioned objects.

A persistent object names its DB API functions with ``_db_prefix``
(``plan`` → ``db.plan_get``, ``db.plan_create``, ...) and gets
``get_by_id``, ``create``, ``save`` and ``destroy``; its list class gets
``get_all`` and ``get_all_by_project``.
"""

from oslo_versionedobjects import base

from karbor.db import api as db
from karbor.objects import fields

obj_make_list = base.obj_make_list


class KarborObjectRegistry(base.VersionedObjectRegistry):
    def registration_hook(self, cls, index):
        """Expose each registered class as ``karbor.objects.<Name>``."""
        from karbor import objects
        setattr(objects, cls.obj_name(), cls)


class KarborObject(base.VersionedObject):
    """Base of every Karbor object."""

    OBJ_SERIAL_NAMESPACE = 'karbor_object'
    OBJ_PROJECT_NAMESPACE = 'karbor'

    def refresh(self):
        """Reload every field from the database."""
        current = self.get_by_id(self._context, self.id)
        for field in self.fields:
            if current.obj_attr_is_set(field) and \
                    getattr(self, field, None) != getattr(current, field):
                setattr(self, field, getattr(current, field))
        self.obj_reset_changes()


class KarborObjectDictCompat(base.VersionedObjectDictCompat):
    """Mix-in: ``obj['field']``, ``obj.get('field')``, iteration."""


class KarborComparableObject(base.ComparableVersionedObject):
    pass


class KarborPersistentObject(object):
    """Timestamps and the DB round trips of a persistent object."""

    fields = {
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
        'deleted': fields.BooleanField(default=False, nullable=True),
    }

    _db_prefix = None
    # Optional joined object fields: field name -> object class name.
    _joined_fields = {}

    @classmethod
    def _db(cls, operation):
        return getattr(db, '%s_%s' % (cls._db_prefix, operation))

    @classmethod
    def _field_from_db(cls, name, db_obj):
        return getattr(db_obj, name)

    @classmethod
    def _from_db_object(cls, context, obj, db_obj, expected_attrs=None,
                        known=()):
        """Fill ``obj`` from ``db_obj``, except the fields in ``known``."""
        from karbor import objects
        for name in obj.fields:
            if name not in cls._joined_fields and name not in known:
                setattr(obj, name, cls._field_from_db(name, db_obj))
        for name in expected_attrs or ():
            if name in cls._joined_fields:
                child = getattr(objects, cls._joined_fields[name])
                joined = getattr(db_obj, name)
                setattr(obj, name, None if joined is None else
                        child._from_db_object(context, child(context),
                                              joined))
        obj._context = context
        obj.obj_reset_changes()
        return obj

    @classmethod
    def _values_to_db(cls, values):
        return {key: value for key, value in values.items()
                if key not in cls._joined_fields}

    @classmethod
    def get_by_id(cls, context, id):
        """Load an object; raises the type's NotFound."""
        return cls._from_db_object(context, cls(context),
                                   cls._db('get')(context, id))

    def create(self):
        """Insert the object (a UUID id is generated unless given)."""
        values = self._values_to_db(self.obj_get_changes())
        db_obj = self._db('create')(self._context, values)
        # Only what the database added (id, timestamps, defaults) is read
        # back: the rest is what was just written.
        self._from_db_object(self._context, self, db_obj, known=values)

    def save(self):
        """Write the changed fields."""
        values = self._values_to_db(self.obj_get_changes())
        if values:
            db_obj = self._db('update')(self._context, self.id, values)
            if 'updated_at' in self.fields:
                self.updated_at = db_obj.updated_at
        self.obj_reset_changes()

    def destroy(self):
        """Delete (or soft-delete, for the types that keep rows)."""
        db_obj = self._db('destroy')(self._context, self.id)
        for name in ('deleted', 'deleted_at'):
            if name in self.fields:
                setattr(self, name, getattr(db_obj, name))
        self.obj_reset_changes()


class KarborPersistentListMixin(object):
    """``get_all`` / ``get_all_by_project`` of a list of persistent
    objects; ``child_cls`` names the element class."""

    child_cls = None

    @classmethod
    def _make(cls, context, rows):
        from karbor import objects
        return obj_make_list(context, cls(context),
                             getattr(objects, cls.child_cls), rows)

    @classmethod
    def _child_db(cls, operation):
        from karbor import objects
        return getattr(objects, cls.child_cls)._db(operation)

    @classmethod
    def get_all(cls, context, marker=None, limit=None, sort_keys=None,
                sort_dirs=None, filters=None, offset=None):
        rows = cls._child_db('get_all')(
            context, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=filters, offset=offset)
        return cls._make(context, rows)

    @classmethod
    def get_all_by_project(cls, context, project_id, marker=None,
                           limit=None, sort_keys=None, sort_dirs=None,
                           filters=None, offset=None):
        rows = cls._child_db('get_all_by_project')(
            context, project_id, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=filters, offset=offset)
        return cls._make(context, rows)


class ObjectListBase(base.ObjectListBase):
    pass


_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


class KarborObjectSerializer(base.VersionedObjectSerializer):
    """oslo.messaging serializer of Karbor objects (the RPC layer adds
    the request context).

    Plain dicts, lists and scalars, which most calls carry (a page of
    checkpoint views, for one), are walked here with exact type checks;
    the generic walk of oslo.versionedobjects costs several times more.
    Everything else goes to it.
    """

    OBJ_BASE_CLASS = KarborObject
    _NAME_KEY = KarborObject._obj_primitive_key('name')

    def serialize_entity(self, context, entity):
        return self._walk(context, entity, self.serialize_entity,
                          super().serialize_entity)

    def deserialize_entity(self, context, entity):
        return self._walk(context, entity, self.deserialize_entity,
                          super().deserialize_entity)

    def _walk(self, context, entity, each, generic):
        kind = type(entity)
        if kind in _PLAIN_TYPES:
            return entity
        if kind is list:
            return [each(context, value) for value in entity]
        if kind is dict and self._NAME_KEY not in entity:
            return {key: each(context, value)
                    for key, value in entity.items()}
        return generic(context, entity)
