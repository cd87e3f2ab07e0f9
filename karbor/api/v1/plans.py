"""Plans: ``/v1/{project_id}/plans``."""

from oslo_config import cfg

from karbor.api import common
from karbor.api.schemas import plans as schemas
from karbor.api.v1 import base
from karbor.api.v1.views import plans as views
from karbor.api import validation
from karbor.common import constants
from karbor.common import parameters
from karbor import exception
from karbor.i18n import _
from karbor import notifications
from karbor import objects
from karbor import quota

CONF = cfg.CONF
QUOTAS = quota.QUOTAS

UPDATABLE_STATUS = constants.PLAN_STATUS_SUSPENDED


# Longest resource type and name the plan's resources store.
RESOURCE_TEXT_LENGTHS = (('type', 64), ('name', 255))


def check_resources(resources):
    """Resources must be a non-empty list of dicts with a UUID id, a type
    and a name."""
    if not resources or not isinstance(resources, list):
        raise exception.InvalidInput(
            reason=_('Resources must be a non-empty list.'))
    for item in resources:
        if not isinstance(item, dict) or not all(
                item.get(key) for key in ('id', 'type', 'name')):
            raise exception.InvalidInput(
                reason=_('Every resource needs an id, a type and a name.'))
        base.Controller.check_uuid(item['id'], 'resource')
        for key, length in RESOURCE_TEXT_LENGTHS:
            if not isinstance(item[key], str) or len(item[key]) > length:
                raise exception.InvalidInput(
                    reason=_('The %(key)s of a resource must be a string '
                             'of at most %(length)d characters.')
                    % {'key': key, 'length': length})


def check_resource_types(resources, options_schemas):
    """Every resource type must have a protection plugin in the provider
    (its options schemas are keyed by those types)."""
    unknown = sorted({item['type'] for item in resources} -
                     set(options_schemas))
    if unknown:
        raise exception.InvalidInput(
            reason=_('The provider has no protection plugin for the '
                     'resource types %(unknown)s (resources[].type); it '
                     'protects %(known)s.')
            % {'unknown': ', '.join(unknown),
               'known': ', '.join(sorted(options_schemas))})


class PlansController(base.Controller):
    """CRUD of protection plans."""

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, 'plan:get_all')
        params = common.list_params(request)
        marker, limit, offset = common.get_pagination_params(params)
        sort_keys, sort_dirs = common.get_sort_params(params)
        all_tenants = common.all_tenants(params)
        filters = common.filter_params(ctxt, params, CONF.query_plan_filters)
        kwargs = dict(sort_keys=sort_keys, sort_dirs=sort_dirs,
                      filters=filters, offset=offset)
        if ctxt.is_admin and all_tenants:
            plans = objects.PlanList.get_all(ctxt, marker, limit, **kwargs)
        else:
            filters.pop('project_id', None)
            plans = objects.PlanList.get_all_by_project(
                ctxt, ctxt.project_id, marker, limit, **kwargs)
        return views.detail_list(request, plans, limit)

    def show(self, request, id):
        ctxt = self.context(request)
        return views.detail(self._get(ctxt, id))

    @validation.schema(schemas.create)
    def create(self, request, body):
        ctxt = self.context(request)
        base.authorize(ctxt, 'plan:create')
        values = body['plan']
        check_resources(values.get('resources'))
        self._check_provider(ctxt, values['provider_id'],
                             values['parameters'], values['resources'])
        payload = {'name': values.get('name'),
                   'provider_id': values['provider_id'],
                   'project_id': ctxt.project_id}
        with notifications.notify(ctxt, 'plan_create', payload):
            plan = self._create(ctxt, values)
            payload['id'] = plan.id
        return views.detail(plan)

    @staticmethod
    def _create(ctxt, values):
        reservations = QUOTAS.reserve(ctxt, plans=1)
        try:
            plan = objects.Plan(
                context=ctxt, name=values.get('name'),
                description=values.get('description'),
                provider_id=values['provider_id'],
                project_id=ctxt.project_id,
                status=constants.PLAN_STATUS_SUSPENDED,
                resources=values['resources'],
                parameters=values['parameters'])
            plan.create()
        except Exception:
            QUOTAS.rollback(ctxt, reservations)
            raise
        QUOTAS.commit(ctxt, reservations)
        return plan

    @validation.schema(schemas.update)
    def update(self, request, id, body):
        ctxt = self.context(request)
        values = body['plan']
        plan = self._get(ctxt, id)
        base.authorize(ctxt, 'plan:update',
                       base.owner_target(ctxt, plan.project_id))
        if plan.status != UPDATABLE_STATUS and set(values) != {'status'}:
            raise exception.InvalidPlan(
                message=_('The plan can be only updated in suspended '
                          'status (plan %(id)s is %(status)s); changing '
                          'only its status is allowed.')
                % {'id': plan.id, 'status': plan.status})
        if 'resources' in values:
            check_resources(values['resources'])
            check_resource_types(
                values['resources'],
                self._options_schemas(ctxt, plan.provider_id))
        with notifications.notify(ctxt, 'plan_update',
                                  {'id': plan.id, 'changes': values}):
            for key, value in values.items():
                setattr(plan, key, value)
            plan.save()
        return views.detail(plan)

    def delete(self, request, id):
        ctxt = self.context(request)
        plan = self._get(ctxt, id)
        base.authorize(ctxt, 'plan:delete',
                       base.owner_target(ctxt, plan.project_id))
        with notifications.notify(ctxt, 'plan_delete', {'id': plan.id}):
            self._destroy(ctxt, plan)

    @staticmethod
    def _destroy(ctxt, plan):
        reservations = QUOTAS.reserve(ctxt, project_id=plan.project_id,
                                      plans=-1)
        try:
            plan.destroy()
        except Exception:
            QUOTAS.rollback(ctxt, reservations,
                            project_id=plan.project_id)
            raise
        QUOTAS.commit(ctxt, reservations, project_id=plan.project_id)

    def _get(self, ctxt, plan_id):
        self.check_uuid(plan_id, 'plan')
        not_found = exception.PlanNotFound(plan_id=plan_id)
        plan = objects.Plan.get_by_id(ctxt, plan_id)
        base.authorize_get(ctxt, 'plan:get',
                           base.owner_target(ctxt, plan.project_id),
                           not_found)
        return plan

    def _check_provider(self, ctxt, provider_id, plan_parameters,
                        resources):
        options = self._options_schemas(ctxt, provider_id)
        check_resource_types(resources, options)
        parameters.check(plan_parameters, options)

    def _options_schemas(self, ctxt, provider_id):
        """The provider's protection options schema of each resource type
        it has a protection plugin for."""
        try:
            provider = self.protection_api.show_provider(ctxt, provider_id)
        except exception.NotFound:
            raise exception.ProviderNotFoundAsInput(provider_id=provider_id)
        schemas_ = provider.get('extended_info_schema') or {}
        return schemas_.get('options_schema') or {}
