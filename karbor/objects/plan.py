"""Plan: the resources to protect with one provider, and parameters."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields


def _resource_dicts(rows):
    return [{'id': row.resource_id, 'type': row.resource_type,
             'name': row.resource_name,
             'extra_info': row.resource_extra_info or {}} for row in rows]


@base.KarborObjectRegistry.register
class Plan(base.KarborPersistentObject, base.KarborObject,
           base.KarborObjectDictCompat, base.KarborComparableObject):
    """``resources`` is a list of ``{id, type, name, extra_info}`` dicts;
    saving it replaces the plan's resource rows."""

    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.plan_get,
        create=db.plan_create,
        update=db.plan_update,
        destroy=db.plan_destroy)
    _fields_not_in_row = ('resources',)

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
    def get_by_id(cls, context, id):
        row, resources = db.plan_get_with_resources(context, id)
        return cls._from_db_object(context, cls(context), row,
                                   resources=_resource_dicts(resources))

    def create(self):
        if not self.obj_attr_is_set('resources'):
            self.resources = []
        super().create()


@base.KarborObjectRegistry.register
class PlanList(base.KarborPersistentListMixin, base.ObjectListBase,
               base.KarborObject):
    VERSION = '1.0'
    child_cls = Plan
    db_functions = base.ListDbFunctions(
        get_all=db.plan_get_all,
        get_all_by_project=db.plan_get_all_by_project)

    fields = {'objects': fields.ListOfObjectsField('Plan')}

    @classmethod
    def _make(cls, context, rows):
        """The plans of ``rows`` with their resources (one more query)."""
        resources = {row.id: [] for row in rows}
        if rows:
            for resource in db.plan_resources_get(context, list(resources)):
                resources[resource.plan_id].append(resource)
        plans = cls(context, objects=[
            Plan._from_db_object(context, Plan(context), row,
                                 resources=_resource_dicts(resources[row.id]))
            for row in rows])
        plans.obj_reset_changes()
        return plans
