"""Plan: the resources to protect with one provider, and parameters."""

from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class Plan(base.KarborPersistentObject, base.KarborObject,
           base.KarborObjectDictCompat, base.KarborComparableObject):
    """``resources`` is a list of ``{id, type, name, extra_info}`` dicts;
    saving it replaces the plan's resource rows."""

    VERSION = '1.0'
    _db_prefix = 'plan'

    fields = {
        'id': fields.StringField(),
        'name': fields.StringField(nullable=True),
        'description': fields.StringField(nullable=True),
        'provider_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'resources': fields.JsonListField(default=[]),
        'parameters': fields.JsonDictField(default={}),
    }

    @classmethod
    def _field_from_db(cls, name, db_obj):
        if name == 'resources':
            return [{'id': row.resource_id, 'type': row.resource_type,
                     'name': row.resource_name,
                     'extra_info': row.resource_extra_info or {}}
                    for row in db_obj.resources]
        return getattr(db_obj, name)


@base.KarborObjectRegistry.register
class PlanList(base.KarborPersistentListMixin, base.ObjectListBase,
               base.KarborObject):
    VERSION = '1.0'
    child_cls = 'Plan'

    fields = {'objects': fields.ListOfObjectsField('Plan')}
