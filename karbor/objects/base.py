"""Base classes of Karbor's versioned objects.

A persistent object names the DB API functions it calls in its
``db_functions`` (``Plan``: ``get=db.plan_get, create=db.plan_create``,
...), its list class in its own (``get_all=db.plan_get_all``, ...).
``_from_db_object`` reads the rows they return (read-only Core rows).
"""

import collections

from oslo_versionedobjects import base

from karbor.objects import fields

obj_make_list = base.obj_make_list

DbFunctions = collections.namedtuple(
    'DbFunctions', ['get', 'create', 'update', 'destroy'])
ListDbFunctions = collections.namedtuple(
    'ListDbFunctions', ['get_all', 'get_all_by_project'])


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

    # The DB API functions of the type (DbFunctions).
    db_functions = None
    # Fields that are not columns of the object's row: its loader passes
    # them to _from_db_object (a plan's resources, joined objects).
    _fields_not_in_row = ()
    # Fields holding other objects: never written.
    _object_fields = ()

    @classmethod
    def _from_db_object(cls, context, obj, db_obj, known=(), **values):
        """Fill ``obj`` from ``db_obj`` (a DB API row) and ``values`` (the
        fields not in the row, made for it), except the fields in
        ``known``. Their JSON values are taken as they are, not copied."""
        with fields.values_from_database():
            for name in obj.fields:
                if name in values:
                    setattr(obj, name, values[name])
                elif (name not in known and
                        name not in cls._fields_not_in_row):
                    setattr(obj, name, getattr(db_obj, name))
        obj._context = context
        obj.obj_reset_changes()
        return obj

    @classmethod
    def get_by_id(cls, context, id):
        """Load an object; raises the type's NotFound."""
        return cls._from_db_object(context, cls(context),
                                   cls.db_functions.get(context, id))

    def create(self):
        """Insert the object (a UUID id is generated unless given)."""
        self._create_with(self.db_functions.create)

    def save(self):
        """Write the changed fields."""
        values = self._changes_to_db()
        if values:
            db_obj = self.db_functions.update(self._context, self.id, values)
            self.updated_at = db_obj.updated_at
        self.obj_reset_changes()

    def destroy(self):
        """Delete (or soft-delete, for the types that keep rows)."""
        db_obj = self.db_functions.destroy(self._context, self.id)
        self.deleted = db_obj.deleted
        self.deleted_at = db_obj.deleted_at
        self.obj_reset_changes()

    def _changes_to_db(self):
        return {key: value for key, value in self.obj_get_changes().items()
                if key not in self._object_fields}

    def _create_with(self, db_create):
        """Insert the object with ``db_create`` (a UUID id is generated
        unless given)."""
        values = self._changes_to_db()
        db_obj = db_create(self._context, values)
        # Only what the database added (id, timestamps, defaults) is read
        # back: the rest is what was just written.
        self._from_db_object(self._context, self, db_obj, known=values)


class KarborPersistentListMixin(object):
    """A list of persistent objects of the class ``child_cls``, read with
    the DB API functions named in ``db_functions`` (ListDbFunctions)."""

    child_cls = None
    db_functions = None

    @classmethod
    def get_all(cls, context, marker=None, limit=None, sort_keys=None,
                sort_dirs=None, filters=None, offset=None):
        return cls._make(context, cls.db_functions.get_all(
            context, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=filters, offset=offset))

    @classmethod
    def get_all_by_project(cls, context, project_id, marker=None,
                           limit=None, sort_keys=None, sort_dirs=None,
                           filters=None, offset=None):
        return cls._make(context, cls.db_functions.get_all_by_project(
            context, project_id, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=filters, offset=offset))

    @classmethod
    def _make(cls, context, rows):
        """The list of the objects read from DB API ``rows``."""
        return obj_make_list(context, cls(context), cls.child_cls, rows)


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
